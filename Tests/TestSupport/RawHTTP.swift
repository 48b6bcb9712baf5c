import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One HTTP/1.1 connection to a loopback port, written byte by byte: for requests no HTTP client would send
/// (a malformed request line, a header of a megabyte), and for many requests on one kept-alive connection.
public final class RawHTTPConnection {
  /// An answer: the status line's code, the header lines, the body.
  public struct Answer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: String
  }

  private let descriptor: Int32
  private var buffered: [UInt8] = []

  /// Connects, or throws; reads give up after `timeout` seconds. A `receiveBuffer` of a few kilobytes makes a
  /// client that reads nothing fill up soon.
  public init(port: Int, timeout: Int = 120, receiveBuffer: Int32? = nil) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    var limit = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    if var size = receiveBuffer {
      setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(descriptor)
      throw TestFailure("connect to port \(port): \(String(cString: strerror(errno)))")
    }
  }

  deinit { close(descriptor) }

  /// Sends bytes as they are; false when the server closed the connection first.
  @discardableResult
  public func send(_ bytes: [UInt8]) -> Bool {
    sendUntilRefused(bytes, flags: 0) == bytes.count
  }

  /// Sends as much of `bytes` as the connection takes without waiting (until the server's socket and this one's
  /// are full), and returns how many bytes that was.
  @discardableResult
  public func sendWhatFits(_ bytes: [UInt8]) -> Int {
    sendUntilRefused(bytes, flags: MSG_DONTWAIT)
  }

  /// Sends `bytes` until all are sent or a send takes none; how many were sent.
  private func sendUntilRefused(_ bytes: [UInt8], flags: Int) -> Int {
    var sent = 0
    while sent < bytes.count {
      let written = bytes[sent...].withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | flags))
      }
      guard written > 0 else { break }
      sent += written
    }
    return sent
  }

  /// Whether something came to read (an answer, or the end) within `seconds`, without reading it.
  public func waitUntilReadable(seconds: Int32) -> Bool {
    var readable = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&readable, 1, seconds * 1000) == 1
  }

  /// Says the request is all sent (shuts down the sending side), while answers can still be read.
  public func finishSending() {
    shutdown(descriptor, Int32(SHUT_WR))
  }

  /// Makes the connection's end, when this is released, a reset rather than an orderly close: a client that
  /// vanishes.
  public func resetWhenClosed() {
    var lingerNot = linger(l_onoff: 1, l_linger: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &lingerNot, socklen_t(MemoryLayout<linger>.size))
  }

  /// A GET with the given headers, kept alive; whether it was all sent (a send that failed shows as no answer).
  @discardableResult
  public func get(_ target: String, headers: [String: String] = [:]) -> Bool {
    let lines = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
    return send(Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(lines)\r\n".utf8))
  }

  /// Reads one answer with a Content-Length body; nil when the connection closed or the read timed out first.
  public func answer() -> Answer? {
    guard let headEnd = readUntil([13, 10, 13, 10]) else { return nil }
    let head = String(decoding: buffered[..<headEnd], as: UTF8.self)
    buffered.removeFirst(headEnd + 4)
    var lines = head.components(separatedBy: "\r\n")
    let statusLine = lines.removeFirst().split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
    var headers: [String: String] = [:]
    for line in lines {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let length = Int(headers["content-length"] ?? "0") ?? 0
    while buffered.count < length {
      guard fill() else { return nil }
    }
    let body = String(decoding: buffered[..<length], as: UTF8.self)
    buffered.removeFirst(length)
    return Answer(status: status, headers: headers, body: body)
  }

  /// Reads to the end of the connection, and returns how many bytes came (those of a read that timed out included).
  public func bytesUntilClosed() -> Int {
    var count = buffered.count
    buffered = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let read = recv(descriptor, &chunk, chunk.count, 0)
      guard read > 0 else { return count }
      count += read
    }
  }

  /// Whether the server closed the connection (reading gives end of file) within the read time-out.
  public func isClosedByServer() -> Bool {
    while true {
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = recv(descriptor, &chunk, chunk.count, 0)
      if count == 0 { return true }
      if count < 0 { return errno == ECONNRESET }
    }
  }

  private func readUntil(_ marker: [UInt8]) -> Int? {
    while true {
      if buffered.count >= marker.count {
        for start in 0...(buffered.count - marker.count) where Array(buffered[start..<start + marker.count]) == marker {
          return start
        }
      }
      guard fill() else { return nil }
    }
  }

  private func fill() -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65536)
    let count = recv(descriptor, &chunk, chunk.count, 0)
    guard count > 0 else { return false }
    buffered += chunk[..<count]
    return true
  }
}

/// Runs blocking work (socket reads, waiting for a process) on a thread of its own. On the few threads of Swift's
/// concurrency it could take all of them, and leave none to an in-process server or to the other tests.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
  }
}
