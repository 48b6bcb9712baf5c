// A TCP listener on 127.0.0.1 for the test servers and proxies that must control every byte on the wire.
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Listens on an ephemeral port of 127.0.0.1 and hands every accepted connection to `handle`, on a thread of
/// its own. Blocking sockets on threads of their own: the listener keeps working while the test's cooperative
/// threads are busy or starved.
public final class LoopbackListener: @unchecked Sendable {
  public let port: Int
  private let descriptor: Int32
  private let state = NSLock()
  private var closed = false

  public init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    var address = Self.loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 16) == 0 else {
      Glibc.close(descriptor)
      throw TestFailure("bind or listen: \(String(cString: strerror(errno)))")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    self.descriptor = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close() }

  public var baseURL: String { "http://127.0.0.1:\(port)" }

  /// Starts accepting; each connection's descriptor goes to `handle` on a new thread, which must close it.
  public func start(_ handle: @escaping @Sendable (Int32) -> Void) {
    let descriptor = descriptor
    Thread {
      while true {
        let connection = accept(descriptor, nil, nil)
        if connection < 0 {
          if errno == EINTR { continue }
          return
        }
        Thread { handle(connection) }.start()
      }
    }.start()
  }

  /// Stops accepting connections; those accepted already are their handlers' to close.
  public func close() {
    let wasClosed = state.withLock {
      defer { closed = true }
      return closed
    }
    guard !wasClosed else { return }
    shutdown(descriptor, Int32(SHUT_RDWR))
    Glibc.close(descriptor)
  }

  /// A connection to `port` on 127.0.0.1, or nil when none can be made.
  public static func connect(toPort port: Int) -> Int32? {
    let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard connection >= 0 else { return nil }
    var address = loopback(port: UInt16(port))
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      Glibc.close(connection)
      return nil
    }
    return connection
  }

  /// Writes all of `bytes`; false when the other end is gone.
  @discardableResult
  public static func send(_ bytes: some Collection<UInt8>, to connection: Int32) -> Bool {
    let bytes = Array(bytes)
    var sent = 0
    while sent < bytes.count {
      let wrote = bytes[sent...].withUnsafeBytes {
        Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if wrote < 0 && errno == EINTR { continue }
      guard wrote > 0 else { return false }
      sent += wrote
    }
    return true
  }

  private static func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }
}
