import NumbersContract

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

  /// The error with the key blanked out of what the server said: a server may echo the key it was sent,
  /// and messages reach the screen and the journal. Keys too short to be real are left alone, as blanking them
  /// would garble the text.
  func redacting(_ key: APIKey) -> NumbersAPIError {
    guard key.secret.count >= 8 else { return self }
    var redacted = self
    switch kind {
    case .server(let status, let message, let retryAfter):
      redacted.kind = .server(
        status: status, message: message.replacing(key.secret, with: "***"), retryAfterSeconds: retryAfter)
    case .malformedResponse(let status, let detail):
      redacted.kind = .malformedResponse(status: status, detail: detail.replacing(key.secret, with: "***"))
    case .transport: break
    }
    return redacted
  }

  /// How long the server asked to be left alone (`Retry-After`), in seconds.
  public var retryAfterSeconds: Int? {
    if case .server(_, _, let seconds?) = kind, seconds > 0 { return seconds }
    return nil
  }

  public var message: String {
    switch kind {
    case .server(_, let message, _):
      retryAfterSeconds.map { "\(message); the server asks to wait \($0) s before trying again" } ?? message
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
