import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP forwarder on 127.0.0.1 between 2cs and a server that holds one request back: when a connection
/// carries `request` (a request line's start, such as `POST /open/numbers/purchase`), the proxy stops
/// forwarding that connection's bytes to the server until `release()`. So a test knows the request has left
/// 2cs, and decides itself when the server gets it, instead of sleeping and hoping the timing works out.
///
/// Blocking sockets on threads of their own: the proxy keeps working while the test's cooperative threads
/// are busy or starved.
final class HoldingProxy: @unchecked Sendable {
  private let listener: LoopbackListener
  private let upstreamPort: Int
  private let request: [UInt8]
  private let state = NSCondition()
  private var held = false
  private var released = false

  init(forwardingTo upstreamPort: Int, holding request: String) throws {
    self.upstreamPort = upstreamPort
    self.request = Array(request.utf8)
    listener = try LoopbackListener()
    listener.start { [self] client in forward(client) }
  }

  deinit { close() }

  var port: Int { listener.port }
  var baseURL: String { listener.baseURL }

  /// Blocks until the request is being held, or `seconds` pass; true if it is held.
  func waitUntilHeld(seconds: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    state.lock()
    defer { state.unlock() }
    while !held {
      if !state.wait(until: deadline) { return held }
    }
    return true
  }

  /// Lets the held request, and everything after it, through to the server.
  func release() {
    state.lock()
    released = true
    state.broadcast()
    state.unlock()
  }

  /// Releases what is held and stops accepting connections; open connections run on until their ends close.
  func close() {
    release()
    listener.close()
  }

  private func forward(_ client: Int32) {
    guard let server = LoopbackListener.connect(toPort: upstreamPort) else {
      Glibc.close(client)
      return
    }
    let ends = Ends(client, server)
    Thread { [self] in pump(from: client, to: server, watching: true, ends) }.start()
    pump(from: server, to: client, watching: false, ends)
  }

  /// The two sockets of one connection, closed when both directions are done.
  private final class Ends: @unchecked Sendable {
    private let lock = NSLock()
    private var open = 2
    private let descriptors: (Int32, Int32)
    init(_ first: Int32, _ second: Int32) { descriptors = (first, second) }
    func oneDirectionDone() {
      lock.lock()
      open -= 1
      let last = open == 0
      lock.unlock()
      if last {
        Glibc.close(descriptors.0)
        Glibc.close(descriptors.1)
      }
    }
  }

  private func pump(from source: Int32, to destination: Int32, watching: Bool, _ ends: Ends) {
    var buffer = [UInt8](repeating: 0, count: 16_384)
    var seen: [UInt8] = []
    var watching = watching
    while true {
      let count = read(source, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      if watching {
        // Keep the end of what came before, so a request line split between two reads is still found.
        seen = Array((seen + buffer[0..<count]).suffix(request.count + count))
        if seen.firstRange(of: request) != nil {
          watching = false
          holdUntilReleased()
        }
      }
      guard LoopbackListener.send(buffer[0..<count], to: destination) else { break }
    }
    shutdown(destination, Int32(SHUT_WR))
    ends.oneDirectionDone()
  }

  private func holdUntilReleased() {
    state.lock()
    held = true
    state.broadcast()
    while !released { state.wait() }
    state.unlock()
  }
}
