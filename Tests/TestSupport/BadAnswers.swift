// The bad answers 2cs must survive, shared by the in-process suite and the one that runs the built binary.

/// The API calls a bad answer is tried on: a read, and each write.
public enum CallUnderTest: String, Sendable, CaseIterable {
  case regions, reserve, purchase, cancel, release

  /// `METHOD /path` of the call, or its start for a path that ends with an id.
  public var request: String {
    switch self {
    case .regions: "GET /open/numbers/regions"
    case .reserve: "POST /open/numbers/reservations"
    case .purchase: "POST /open/numbers/purchase"
    case .cancel: "DELETE /open/numbers/reservations/"
    case .release: "DELETE /open/voip/virtual-numbers/"
    }
  }

  /// The path of the call, up to its id.
  public var path: String { String(request.drop { $0 != " " }.dropFirst()) }

  /// A success answer of the call with a field of the wrong type, and how the error names it.
  var wrongTypes: (status: Int, body: String, problem: String) {
    switch self {
    case .regions:
      (
        200, #"{"success": true, "data": {"regions": [{"id": "one", "region_name": 5, "iso_country_code": "US"}]}}"#,
        #"regions[0].id is "one", not a whole number"#
      )
    case .reserve:
      (
        201, #"{"success": true, "data": {"reservation_details": [{"uuid": "r-1", "number": "+12135550100"}]}}"#,
        "reservation_details is a list, not an object"
      )
    case .purchase:
      (201, #"{"success": true, "purchased": "all of them", "failed": []}"#, #"purchased is "all of them", not a list"#)
    case .cancel: (200, #"{"success": true, "message": ["cancelled"]}"#, "message is a list, not text")
    case .release: (200, #"{"success": "true"}"#, #"success is "true", not true or false"#)
    }
  }
}

/// The ways a server, or a proxy before it, answers badly: one case each.
public enum BadAnswer: String, Sendable, CaseIterable, CustomStringConvertible {
  case notJSON, truncatedJSON, emptyBody, fiveMegabytes, successFalse, wrongTypes, slowDrip, redirectLoop
  case resetMidBody, proxyHTML, unauthorized, forbidden, serverError

  public var description: String { rawValue }

  /// The API key the tests send; the 403 page repeats it, as a careless server might.
  public static let apiKey = "sk-test-0123456789abcdef"

  /// The bad answer to `call`.
  public func misbehaviour(for call: CallUnderTest) -> MisbehavingServer.Misbehaviour {
    switch self {
    case .notJSON:
      .answer(
        status: 200, headers: [("Content-Type", "text/plain")], body: Array("Service is being upgraded".utf8))
    case .truncatedJSON: .json(status: 200, #"{"success": true, "data": {"regions": [{"id": 1, "region_na"#)
    case .emptyBody: .answer(status: 200, body: [])
    case .fiveMegabytes:
      .answer(
        status: 200, headers: [("Content-Type", "application/octet-stream")],
        body: [UInt8](repeating: UInt8(ascii: "A"), count: 5 * 1024 * 1024))
    case .successFalse: .json(status: 200, #"{"success": false, "error": true, "error_message": "account suspended"}"#)
    case .wrongTypes: .json(status: call.wrongTypes.status, call.wrongTypes.body)
    case .slowDrip: .drip(bytes: 600, interval: .seconds(1))
    case .redirectLoop: .answer(status: 302, headers: [("Location", call.path)], body: [])
    case .resetMidBody: .resetMidBody
    case .proxyHTML:
      .answer(
        status: 502, headers: [("Content-Type", "text/html")],
        body: Array(
          "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
            .utf8))
    case .unauthorized: .answer(status: 401, body: [])
    case .forbidden:
      .answer(
        status: 403, headers: [("Content-Type", "text/plain")],
        body: Array("Forbidden: key \(Self.apiKey) may not do this".utf8))
    case .serverError: .answer(status: 500, body: [])
    }
  }

  /// Whether the server behind acts on a write before the bad answer, as one that broke afterwards would.
  public var acts: Bool {
    switch self {
    case .notJSON, .truncatedJSON, .emptyBody, .fiveMegabytes, .wrongTypes, .slowDrip, .resetMidBody, .proxyHTML:
      true
    case .successFalse, .redirectLoop, .unauthorized, .forbidden, .serverError: false
    }
  }

  /// Whether the answer refuses the request for certain (a 4xx status): a write it answers was not done.
  public var refuses: Bool { self == .unauthorized || self == .forbidden }

  /// The HTTP status of the bad answer, when one comes whole.
  public func status(for call: CallUnderTest) -> Int? {
    switch self {
    case .slowDrip, .resetMidBody: nil
    case .notJSON, .truncatedJSON, .emptyBody, .fiveMegabytes, .successFalse: 200
    case .wrongTypes: call.wrongTypes.status
    case .redirectLoop: 302
    case .proxyHTML: 502
    case .unauthorized: 401
    case .forbidden: 403
    case .serverError: 500
    }
  }

  /// What the error says of the answer to `call`.
  public func says(for call: CallUnderTest) -> String {
    switch self {
    case .notJSON: #"the body is not JSON (25 bytes, starting "Service is being upgraded")"#
    case .truncatedJSON: "the JSON ends early, after 59 bytes: the answer was cut short"
    case .emptyBody: "the body is empty, not the API's JSON"
    case .fiveMegabytes: #"the body is not JSON (5.0 MB, starting "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…")"#
    case .successFalse: "account suspended"
    case .wrongTypes: call.wrongTypes.problem
    case .slowDrip: "no answer in time"
    case .redirectLoop:
      "a redirect to \(call.path) (2cs follows no redirects, so the API key goes nowhere else; is the base URL right?)"
    case .resetMidBody: "connection lost: the server reset the connection"
    case .proxyHTML: "Bad Gateway (an HTML page, not the API's JSON)"
    case .unauthorized: "Unauthorized (an empty answer)"
    case .forbidden: "Forbidden: key *** may not do this"
    case .serverError: "Internal Server Error (an empty answer)"
    }
  }
}

/// Text that a crash or an unhandled error would print, and no error of 2cs does.
public let crashMarks = ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "Illegal instruction"]
