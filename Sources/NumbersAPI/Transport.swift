public import HTTPTypes

/// One HTTP request as the client and every transport see it.
public struct APIRequest: Sendable {
  public var head: HTTPRequest
  public var body: [UInt8]

  public init(head: HTTPRequest, body: [UInt8] = []) {
    self.head = head
    self.body = body
  }
}

/// One HTTP response as the client and every transport see it.
public struct APIResponse: Sendable {
  public var head: HTTPResponse
  public var body: [UInt8]

  public init(head: HTTPResponse, body: [UInt8] = []) {
    self.head = head
    self.body = body
  }

  public init(status: HTTPResponse.Status, json: JSONValue, headerFields: HTTPFields = [:]) {
    var fields = headerFields
    fields[.contentType] = "application/json"
    self.init(head: HTTPResponse(status: status, headerFields: fields), body: json.jsonBytes)
  }
}

/// Why a request got no HTTP response.
public enum TransportFailure: Error, Sendable, Equatable {
  /// No connection was made, so the server never saw the request.
  case couldNotConnect(String)
  /// The connection broke after the request was sent: the server may have acted on it.
  case connectionLost(String)
  /// No complete answer within the time allowed: the server may have acted on it.
  case timedOut
  /// Given up on by the caller: the request may or may not have left.
  case cancelled

  /// Whether the server may have received and acted on the request: only a connection never made proves
  /// it did not.
  public var requestMayHaveArrived: Bool {
    switch self {
    case .couldNotConnect: false
    case .connectionLost, .timedOut, .cancelled: true
    }
  }
}

/// Carries requests to a server that speaks the Numbers API contract.
public protocol Transport: Sendable {
  /// Where requests go, as traces show it.
  var displayBaseURL: String { get }
  func send(_ request: APIRequest, timeout: Duration) async throws(TransportFailure) -> APIResponse
}

/// What an in-process server does with a request: answer it, or drop the
/// connection as a broken network would.
public enum ServerOutcome: Sendable {
  case respond(APIResponse)
  case dropConnection
}

/// Calls a server function directly with the same request bytes an HTTP
/// server would receive; the embedded sandbox runs through this.
public struct InProcessTransport: Transport {
  public typealias Handler = @Sendable (APIRequest) async -> ServerOutcome
  private let handler: Handler
  public let displayBaseURL: String

  public init(displayBaseURL: String = "sandbox://embedded", handler: @escaping Handler) {
    self.displayBaseURL = displayBaseURL
    self.handler = handler
  }

  public func send(_ request: APIRequest, timeout: Duration) async throws(TransportFailure) -> APIResponse {
    let outcome = await handler(request)
    if Task.isCancelled { throw .cancelled }
    switch outcome {
    case .respond(let response): return response
    case .dropConnection: throw .connectionLost("the server closed the connection without answering")
    }
  }
}
