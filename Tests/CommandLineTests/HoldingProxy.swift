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
  let port: Int
  private let listener: Int32
  private let upstreamPort: Int
  private let request: [UInt8]
  private let state = NSCondition()
  private var held = false
  private var released = false
  private var closed = false

  init(forwardingTo upstreamPort: Int, holding request: String) throws {
    self.upstreamPort = upstreamPort
    self.request = Array(request.utf8)
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.listener = listener
    guard listener >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    var address = Self.loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listener, 16) == 0 else {
      Glibc.close(listener)
      throw TestFailure("bind or listen: \(String(cString: strerror(errno)))")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread { [self] in acceptConnections() }.start()
  }

  deinit { close() }

  var baseURL: String { "http://127.0.0.1:\(port)" }

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
    state.lock()
    released = true
    let wasClosed = closed
    closed = true
    state.broadcast()
    state.unlock()
    guard !wasClosed else { return }
    shutdown(listener, Int32(SHUT_RDWR))
    Glibc.close(listener)
  }

  private static func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  private func acceptConnections() {
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 {
        if errno == EINTR { continue }
        return
      }
      let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = Self.loopback(port: UInt16(upstreamPort))
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard server >= 0, connected == 0 else {
        Glibc.close(client)
        if server >= 0 { Glibc.close(server) }
        continue
      }
      let ends = Ends(client, server)
      Thread { [self] in pump(from: client, to: server, watching: true, ends) }.start()
      Thread { [self] in pump(from: server, to: client, watching: false, ends) }.start()
    }
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
      var sent = 0
      while sent < count {
        let wrote = buffer[sent..<count].withUnsafeBytes {
          send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        if wrote < 0 && errno == EINTR { continue }
        guard wrote > 0 else { break }
        sent += wrote
      }
      if sent < count { break }
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
