// An HTTP server that answers as a server of the contract does, except where a test tells it to misbehave.
import Foundation
public import HTTPTypes
public import NumbersContract

#if canImport(Glibc)
  import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 in front of a server of the contract (a sandbox, in this process): it
/// passes every request to it and sends its answers back, except for the requests a test marks with
/// `misbehave(on:_:acting:)`, which get one of the bad answers a broken server, or a proxy before it, gives.
/// It reads and writes the bytes itself, so a bad answer is exactly as bad as a test says.
public final class MisbehavingServer: @unchecked Sendable {
  /// A bad answer.
  public enum Misbehaviour: Sendable {
    /// This status, these header fields and this body, as given (a `Content-Length` is added).
    case answer(status: Int, headers: [(String, String)] = [], body: [UInt8])
    /// A 200 whose `Content-Length` promises `bytes`, sent one byte every `interval`, until the client goes.
    case drip(bytes: Int, interval: Duration)
    /// A 200 whose `Content-Length` promises more than the part of a body sent before the connection is reset.
    case resetMidBody
    /// The connection closed without an answer.
    case dropConnection

    /// A JSON answer with this body text.
    public static func json(status: Int, _ text: String) -> Misbehaviour {
      .answer(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }
  }

  private struct Rule {
    var request: String
    var misbehaviour: Misbehaviour
    var acting: Bool
  }

  private let listener: LoopbackListener
  private let backend: any APIServer
  private let lock = NSLock()
  private var rules: [Rule] = []
  private var seen: [String] = []
  private var connections: Set<Int32> = []
  private var closed = false

  /// Starts serving `backend` on an ephemeral port.
  public init(serving backend: any APIServer) throws {
    self.backend = backend
    listener = try LoopbackListener()
    listener.start { [self] connection in serve(connection) }
  }

  deinit { close() }

  public var baseURL: String { listener.baseURL }

  /// Every request so far, `METHOD /path` without the query.
  public var requests: [String] { lock.withLock { seen } }

  /// How many requests whose `METHOD /path` (the path up to its query) starts with `request` reached the server.
  public func count(_ request: String) -> Int { requests.filter { $0.hasPrefix(request) }.count }

  /// From now on, requests whose `METHOD /path` starts with `request` get `misbehaviour`. With `acting`, the
  /// server behind acts on the request first (as a server that broke after doing the work would); without, it
  /// never sees it.
  public func misbehave(on request: String, _ misbehaviour: Misbehaviour, acting: Bool) {
    lock.withLock { rules.append(Rule(request: request, misbehaviour: misbehaviour, acting: acting)) }
  }

  /// From now on, every request is passed on and answered as the server behind answers it.
  public func behave() { lock.withLock { rules.removeAll() } }

  /// Stops accepting connections and closes the open ones.
  public func close() {
    let open = lock.withLock {
      closed = true
      return connections
    }
    listener.close()
    for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
  }

  private var isClosed: Bool { lock.withLock { closed } }

  // MARK: Serving a connection

  private func serve(_ connection: Int32) {
    let accepted = lock.withLock {
      if !closed { connections.insert(connection) }
      return !closed
    }
    var reader = RequestReader(connection: connection)
    while accepted, let request = reader.next() {
      let name = "\(request.head.method.rawValue) \((request.head.path ?? "/").prefix { $0 != "?" })"
      let rule = lock.withLock {
        seen.append(name)
        return rules.last { name.hasPrefix($0.request) }
      }
      guard let rule else {
        guard respond(to: request, on: connection) else { break }
        continue
      }
      if rule.acting { _ = answer(from: backend, to: request) }
      guard misbehave(rule.misbehaviour, on: connection, for: name) else { break }
    }
    lock.withLock { _ = connections.remove(connection) }
    Glibc.close(connection)
  }

  /// Sends the backend's answer; false when the connection is done.
  private func respond(to request: APIRequest, on connection: Int32) -> Bool {
    switch answer(from: backend, to: request) {
    case .respond(let response):
      let fields = response.head.headerFields.map { ($0.name.rawName, $0.value) }
      return LoopbackListener.send(
        Self.head(status: response.head.status.code, fields, length: response.body.count) + response.body,
        to: connection)
    case .dropConnection:
      return false
    }
  }

  /// Sends a bad answer; false when the connection is done.
  private func misbehave(_ misbehaviour: Misbehaviour, on connection: Int32, for request: String) -> Bool {
    switch misbehaviour {
    case .answer(let status, let headers, let body):
      return LoopbackListener.send(Self.head(status: status, headers, length: body.count) + body, to: connection)
    case .drip(let bytes, let interval):
      guard LoopbackListener.send(Self.head(status: 200, [], length: bytes), to: connection) else { return false }
      // A body that is never JSON, however much of it comes.
      for _ in 0..<bytes {
        guard !isClosed, LoopbackListener.send([UInt8(ascii: "~")], to: connection) else { return false }
        Thread.sleep(forTimeInterval: interval.seconds)
      }
      return true
    case .resetMidBody:
      let part = Array(#"{"success": true, "data": {"regions": [{"id": 1, "region_na"#.utf8)
      LoopbackListener.send(
        Self.head(status: 200, [("Content-Type", "application/json")], length: part.count * 10) + part,
        to: connection)
      // Linger zero: the close sends a reset, not an orderly end.
      var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
      setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
      return false
    case .dropConnection:
      return false
    }
  }

  /// Runs the backend from this thread, which is not one of the cooperative pool's.
  private func answer(from backend: any APIServer, to request: APIRequest) -> ServerOutcome {
    let done = DispatchSemaphore(value: 0)
    let outcome = OutcomeBox()
    Task {
      outcome.value = await backend.handle(request)
      done.signal()
    }
    done.wait()
    return outcome.value ?? .dropConnection
  }

  private final class OutcomeBox: @unchecked Sendable {
    var value: ServerOutcome?
  }

  private static func head(status: Int, _ fields: [(String, String)], length: Int) -> [UInt8] {
    var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
    for (name, value) in fields where name.lowercased() != "content-length" {
      text += "\(name): \(value)\r\n"
    }
    text += "Content-Length: \(length)\r\n\r\n"
    return Array(text.utf8)
  }

  private static func reason(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 201: "Created"
    case 302: "Found"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 429: "Too Many Requests"
    case 500: "Internal Server Error"
    case 502: "Bad Gateway"
    default: "Whatever"
    }
  }
}

extension Duration {
  fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Reads HTTP/1.1 requests, one after another, from a connection: a head, then a body of `Content-Length` bytes.
private struct RequestReader {
  let connection: Int32
  var buffered: [UInt8] = []

  init(connection: Int32) { self.connection = connection }

  /// The next request, or nil when the connection ends or sends something that is not one.
  mutating func next() -> APIRequest? {
    let end = Array("\r\n\r\n".utf8)
    while buffered.firstRange(of: end) == nil {
      guard fill() else { return nil }
    }
    guard let headEnd = buffered.firstRange(of: end) else { return nil }
    let lines = String(decoding: buffered[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
    buffered.removeSubrange(..<headEnd.upperBound)
    let requestLine = lines.first?.split(separator: " ") ?? []
    guard requestLine.count >= 2, let method = HTTPRequest.Method(String(requestLine[0])) else { return nil }
    var fields = HTTPFields()
    var length = 0
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let name = String(line[..<colon])
      let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
      if name.lowercased() == "content-length" { length = Int(value) ?? 0 }
      if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
    }
    while buffered.count < length {
      guard fill() else { return nil }
    }
    let body = Array(buffered.prefix(length))
    buffered.removeFirst(length)
    let head = HTTPRequest(
      method: method, scheme: nil, authority: nil, path: String(requestLine[1]), headerFields: fields)
    return APIRequest(head: head, body: body)
  }

  private mutating func fill() -> Bool {
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
      let count = read(connection, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return false }
      buffered += chunk[0..<count]
      return true
    }
  }
}
