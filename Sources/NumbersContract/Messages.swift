public import HTTPTypes

/// One HTTP request as the client, the transports and the sandbox see it.
public struct APIRequest: Sendable {
  public var head: HTTPRequest
  public var body: [UInt8]

  public init(head: HTTPRequest, body: [UInt8] = []) {
    self.head = head
    self.body = body
  }
}

/// One HTTP response as the client, the transports and the sandbox see it.
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

/// What a server does with a request: answer it, or drop the connection as a broken network would.
public enum ServerOutcome: Sendable {
  case respond(APIResponse)
  case dropConnection
}

/// A server of the contract that runs in this process, such as the sandbox.
public protocol APIServer: Sendable {
  func handle(_ request: APIRequest) async -> ServerOutcome
}

/// The live API: real accounts, real money.
public enum LiveAPI {
  public static let baseURL = "https://api.p.2chat.io"
}

/// How a request proves which account it is for.
public enum Authentication {
  /// The header that carries the account's API key on every request.
  public static let headerName = "X-User-API-Key"
}

/// The answer to a call that failed: `{"success": false, "error": true, "error_message": "..."}`.
public enum ErrorEnvelope {
  public static func json(message: String) -> JSONValue {
    var body = JSONObject()
    body[EnvelopeField.success] = false
    body[EnvelopeField.error] = true
    body[EnvelopeField.errorMessage] = .string(message)
    return .object(body)
  }

  /// The message of an error envelope, if `body` is one.
  public static func message(in body: JSONValue?) -> String? {
    body?[EnvelopeField.errorMessage]?.stringValue
  }
}

/// The answer to a call that succeeded: `{"success": true, "data": {...}}`, or with the fields at the top
/// level for the endpoints that answer so (cancelling a reservation, purchases, owned numbers, info).
public enum SuccessEnvelope {
  public static func json(data: JSONObject) -> JSONValue {
    var body = JSONObject()
    body[EnvelopeField.success] = true
    body[EnvelopeField.data] = .object(data)
    return .object(body)
  }

  public static func json(topLevel fields: JSONObject) -> JSONValue {
    var body = JSONObject()
    body[EnvelopeField.success] = true
    body.merge(fields) { _, new in new }
    return .object(body)
  }

  /// A field of the answer, inside `data` or at the top level, wherever the contract puts it: a server that
  /// puts it in the other place is read too.
  public static func field<Name: FieldName>(_ name: Name, in body: JSONObject) -> JSONValue? {
    body[EnvelopeField.data]?[name] ?? body[name]
  }
}
