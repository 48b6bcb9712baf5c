// Waiting for a condition instead of for a fixed time: text that grows (a process's output, the requests a
// server saw, what a script printed) wakes whoever waits for something to appear in it.
import Foundation

/// Text that grows, and lets a test wait until something appears in it: blocking (for tests that drive a
/// child process, so a starved cooperative thread pool cannot delay them) or async (for tests whose waited-for
/// event itself needs the pool). Every wait has a deadline and says false when it passes.
public final class GrowingText: @unchecked Sendable {
  private let condition = NSCondition()
  /// Bytes, not a string, so a character split between two reads is whole again when the rest comes.
  private var bytes: [UInt8] = []
  private var storage: String { String(decoding: bytes, as: UTF8.self) }
  private var finished = false
  private var nextWaiter = 0
  private var waiters: [Int: (needle: String, continuation: CheckedContinuation<Bool, Never>)] = [:]

  public init() {}

  /// Everything so far.
  public var text: String {
    condition.lock()
    defer { condition.unlock() }
    return storage
  }

  /// Whether the text is complete (`finish` was called).
  public var isFinished: Bool {
    condition.lock()
    defer { condition.unlock() }
    return finished
  }

  public func append(_ more: String) { append(bytes: Array(more.utf8)) }

  public func append(bytes more: some Sequence<UInt8>) {
    condition.lock()
    bytes += more
    let text = storage
    let due = waiters.filter { text.contains($0.value.needle) }
    for id in due.keys { waiters[id] = nil }
    condition.broadcast()
    condition.unlock()
    for waiter in due.values { waiter.continuation.resume(returning: true) }
  }

  /// Marks the text complete: waits for what is not in it give up at once.
  public func finish() {
    condition.lock()
    finished = true
    let text = storage
    let due = waiters
    waiters = [:]
    condition.broadcast()
    condition.unlock()
    for waiter in due.values { waiter.continuation.resume(returning: text.contains(waiter.needle)) }
  }

  /// Blocks this thread until `needle` appears, the text is finished, or `seconds` pass; true if it appeared.
  public func waitBlocking(for needle: String, seconds: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    condition.lock()
    defer { condition.unlock() }
    while !storage.contains(needle) {
      if finished || !condition.wait(until: deadline) { return storage.contains(needle) }
    }
    return true
  }

  /// Suspends until `needle` appears, the text is finished, or `seconds` pass; true if it appeared.
  public func wait(for needle: String, seconds: Double = 10) async -> Bool {
    let id: Int? = {
      condition.lock()
      defer { condition.unlock() }
      if storage.contains(needle) || finished { return nil }
      nextWaiter += 1
      return nextWaiter
    }()
    guard let id else { return text.contains(needle) }
    return await withCheckedContinuation { continuation in
      condition.lock()
      let text = storage
      if text.contains(needle) || finished {
        condition.unlock()
        continuation.resume(returning: text.contains(needle))
        return
      }
      waiters[id] = (needle, continuation)
      condition.unlock()
      Task {
        try? await Task.sleep(for: .seconds(seconds))
        self.giveUp(id)
      }
    }
  }

  private func giveUp(_ id: Int) {
    condition.lock()
    let waiter = waiters.removeValue(forKey: id)
    condition.unlock()
    waiter?.continuation.resume(returning: false)
  }

  /// Appends what `descriptor` delivers, on a thread of its own, until end of file; then finishes.
  public func collect(from descriptor: Int32) {
    Thread {
      var buffer = [UInt8](repeating: 0, count: 16_384)
      while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        self.append(bytes: buffer[0..<count])
      }
      self.finish()
    }.start()
  }
}

/// Checks `condition` every `milliseconds` until it holds or `seconds` pass, blocking this thread between
/// checks; true if it held. For conditions nothing signals, such as a file in /proc.
public func pollUntil(seconds: Double = 10, every milliseconds: UInt32 = 10, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while true {
    if condition() { return true }
    if Date() >= deadline { return false }
    usleep(milliseconds * 1000)
  }
}

/// Checks `condition` every `milliseconds` until it holds or `seconds` pass, suspending between checks so the
/// tasks it waits for keep the threads they need; true if it held. For async tests.
public func eventually(seconds: Double = 10, every milliseconds: Int = 5, _ condition: () -> Bool) async -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while !condition() {
    if Date() >= deadline { return false }
    try? await Task.sleep(for: .milliseconds(milliseconds))
  }
  return true
}
