import HTTPTypes
import NumbersContract

/// An error answer of the sandbox. Every message is made here, by name, so the
/// wording of the envelope stays consistent.
struct Failure: Error {
  var status: Int
  var message: String
  var retryAfterSeconds: Int?
  /// For a 405: the methods the path takes, for the `Allow` header.
  var allowedMethods: String?

  static func missingParameter(_ name: QueryParameter) -> Failure { missing(name.rawValue) }
  static func missingParameter(_ name: PurchaseBodyField) -> Failure { missing(name.rawValue) }

  private static func missing(_ name: String) -> Failure {
    Failure(status: 400, message: "\(name) is required")
  }

  static func invalidParameter(_ name: QueryParameter, _ value: String, expected: String) -> Failure {
    invalid(name.rawValue, value, expected: expected)
  }

  static func invalidParameter(_ name: PurchaseBodyField, _ value: String, expected: String) -> Failure {
    invalid(name.rawValue, value, expected: expected)
  }

  /// The id a path ends with, such as a virtual number's uuid, is not one.
  static func invalidParameter(pathID value: String, expected: String) -> Failure {
    invalid(Endpoint.Route.pathParameterName, value, expected: expected)
  }

  /// A request body that is not declared as JSON.
  static func unsupportedMediaType(_ declared: String) -> Failure {
    let sent = declared.isEmpty ? "no Content-Type" : "Content-Type '\(shown(declared))'"
    return Failure(
      status: 415, message: "the request body must be JSON, sent as Content-Type: application/json (got \(sent))")
  }

  /// A parameter by the name the request gave it, which may be none of the contract's.
  static func invalid(_ name: String, _ value: String, expected: String) -> Failure {
    Failure(status: 400, message: "\(shown(name)) must be \(expected) (got '\(shown(value))')")
  }

  /// A value the request sent, as a message shows it: whole up to 100 Unicode scalars, else its first 100 and "…",
  /// so that a value of kilobytes is not sent back whole. A value of at most 100 bytes is not walked at all, and a
  /// longer one only across its first 100 scalars (never by Characters: one Character may hold thousands).
  static func shown(_ value: String) -> String {
    let shownLength = 100
    let scalars = value.unicodeScalars
    guard value.utf8.count > shownLength,
      let cut = scalars.index(scalars.startIndex, offsetBy: shownLength, limitedBy: scalars.endIndex),
      cut != scalars.endIndex
    else { return value }
    return String(scalars[..<cut]) + "…"
  }

  static func invalidBody(_ detail: String) -> Failure {
    Failure(status: 400, message: "invalid request body: \(detail)")
  }

  static func notFound(_ what: String) -> Failure {
    Failure(status: 404, message: "\(what) not found")
  }

  static func noSuchEndpoint(_ method: String, _ path: String) -> Failure {
    Failure(status: 404, message: "no endpoint \(method) \(shown(path))")
  }

  static func methodNotAllowed(_ method: String, _ path: String, allowed: [HTTPRequest.Method]) -> Failure {
    Failure(
      status: 405, message: "\(method) is not allowed on \(shown(path))",
      allowedMethods: allowed.map(\.rawValue).joined(separator: ", "))
  }

  static let missingKey = Failure(status: 401, message: "missing \(Authentication.headerName) header")
  static let wrongKey = Failure(status: 401, message: "invalid API key")

  static func conflict(_ message: String) -> Failure {
    Failure(status: 409, message: message)
  }

  static func selectionNotAllowed(groupID: String) -> Failure {
    Failure(
      status: 400,
      message: "group \(groupID) does not allow number selection; leave out the number to get a random one")
  }

  static func rateLimited(retryAfter seconds: Int, limit: Int) -> Failure {
    Failure(status: 429, message: "rate limit of \(limit) requests per minute exceeded", retryAfterSeconds: seconds)
  }

  static let injectedRateLimit = "rate limit exceeded (injected fault)"
  static let injectedServerError = Failure(status: 500, message: "internal server error (injected fault)")

  static func storage(_ error: any Error) -> Failure {
    Failure(status: 500, message: "the sandbox could not save its state: \(error)")
  }

  var envelope: JSONValue {
    ErrorEnvelope.json(message: message)
  }
}
