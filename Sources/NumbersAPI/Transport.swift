import HTTPTypes
public import NumbersContract

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

extension APIServer {
  /// A transport that calls this server in-process with the same request and response bytes as HTTP.
  public func inProcessTransport() -> InProcessTransport {
    InProcessTransport { request in await self.handle(request) }
  }
}
