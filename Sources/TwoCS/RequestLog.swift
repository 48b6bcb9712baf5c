import Foundation
import SystemSupport

/// The request log of `sandbox serve`, on standard output. A request never waits for it: lines go to a queue
/// that a thread of its own writes out. When the reader is slower than the requests (`… | sleep 60`), lines that
/// do not fit the queue are dropped and the log says how many; when the reader is gone (`… | head -3`) or the
/// output fails, logging stops and standard error says so, once. The server goes on either way.
final class RequestLog: @unchecked Sendable {
  /// Lines waiting for the reader; past this many, new ones are dropped.
  static let queueLimit = 1000

  private let condition = NSCondition()
  private var waiting: [String] = []
  private var dropped = 0
  private var stopped = false

  init() {
    Thread.detachNewThread { [self] in writeForEver() }
  }

  func add(_ line: String) {
    condition.lock()
    defer { condition.unlock() }
    guard !stopped else { return }
    guard waiting.count < Self.queueLimit else {
      dropped += 1
      return
    }
    waiting.append(line)
    condition.signal()
  }

  private func writeForEver() {
    while true {
      condition.lock()
      while waiting.isEmpty { condition.wait() }
      var text = waiting.joined(separator: "\n") + "\n"
      if dropped > 0 {
        text += "(\(dropped) log lines left out: the log was read more slowly than requests came)\n"
      }
      waiting = []
      dropped = 0
      condition.unlock()
      StandardStreams.writeOutput(text)
      guard let failure = StandardStreams.outputFailure else { continue }
      condition.lock()
      stopped = true
      waiting = []
      condition.unlock()
      let why = failure.readerGone ? "its reader is gone" : failure.reason
      StandardStreams.writeError("2cs: the request log stopped (\(why)); the server goes on\n")
      return
    }
  }
}
