/// Everything that can go wrong with one API call, with the endpoint it was for.
public struct NumbersAPIError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The server answered with an error status; `message` is its `error_message`.
    case server(status: Int, message: String, retryAfterSeconds: Int?)
    /// The request got no HTTP answer.
    case transport(TransportFailure)
    /// The server answered, but not with what the contract describes.
    case malformedResponse(status: Int, detail: String)
  }

  public var kind: Kind
  /// `METHOD /path`, e.g. `GET /open/numbers/groups`.
  public var endpoint: String

  public init(_ kind: Kind, endpoint: String) {
    self.kind = kind
    self.endpoint = endpoint
  }

  /// The HTTP status, when the server answered.
  public var status: Int? {
    switch kind {
    case .server(let status, _, _), .malformedResponse(let status, _): status
    case .transport: nil
    }
  }

  /// Whether a write that failed this way may still have been carried out. Only a request that never left,
  /// or a definite refusal (a 4xx answer), is certain not to have been.
  public var writeMayHaveHappened: Bool {
    switch kind {
    case .transport(let failure): failure.requestMayHaveArrived
    case .server(let status, _, _): !(400..<500).contains(status)
    case .malformedResponse: true
    }
  }

  public var message: String {
    switch kind {
    case .server(_, let message, _): message
    case .transport(.couldNotConnect(let detail)): "could not connect: \(detail)"
    case .transport(.connectionLost(let detail)): "connection lost: \(detail)"
    case .transport(.timedOut): "no answer in time"
    case .transport(.cancelled): "cancelled"
    case .malformedResponse(_, let detail): "unexpected answer from the server: \(detail)"
    }
  }

  public var description: String {
    if let status { return "\(endpoint): HTTP \(status): \(message)" }
    return "\(endpoint): \(message)"
  }
}
