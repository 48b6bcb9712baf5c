import HTTPTypes
import NIOHTTP1
public import NumbersContract

/// How a client behaves: time-outs, pacing, retries and tracing.
public struct ClientSettings: Sendable {
  /// The longest one request may take, connection included.
  public var timeout: Duration = .seconds(30)
  /// Client-side pacing; nil sends as fast as the caller asks.
  public var requestsPerMinute: Int? = 80
  public var retry = RetryPolicy()
  /// Called once per HTTP exchange with a redacted record of it.
  public var trace: (@Sendable (TraceRecord) -> Void)?

  public init() {}
}

/// Safe calls (GET) are tried again on 429, on any 5xx and on a lost
/// connection or a time-out, with jittered exponential back-off, honouring
/// `Retry-After`; POST and DELETE are never sent twice.
public struct RetryPolicy: Sendable {
  /// Tries in all, the first included.
  public var maximumAttempts = 4
  public var initialDelay: Duration = .milliseconds(500)
  public var maximumDelay: Duration = .seconds(8)
  /// A `Retry-After` longer than this is reported instead of waited out.
  public var longestRetryAfter: Duration = .seconds(60)
  /// How a pause between tries is waited out; tests record it instead.
  public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

  public init() {}

  public static let never: RetryPolicy = {
    var policy = RetryPolicy()
    policy.maximumAttempts = 1
    return policy
  }()

  /// Doubles from `initialDelay` up to `maximumDelay`, then keeps a random
  /// half to whole of it, so clients that failed together do not retry together.
  func backoff(beforeAttempt attempt: Int) -> Duration {
    let exponential = initialDelay * (1 << min(max(attempt - 2, 0), 16))
    let capped = min(exponential, maximumDelay)
    return capped * Double.random(in: 0.5...1.0)
  }
}

/// One page of `/open/voip/virtual-numbers`.
public struct OwnedNumbersPage: Sendable, Equatable {
  public var total: Int?
  public var page: Int?
  public var numbers: [JSONValue]
}

/// A client for the 2Chat Numbers API. Every method is one documented call
/// (`ownedNumbers()` one per page); results keep every field the server sent. The catalog's regions, cities
/// and DID types do not change within a session: each is asked once per client.
public struct NumbersClient: Sendable {
  public let transport: any Transport
  public let settings: ClientSettings
  private let apiKey: APIKey
  private let limiter: RateLimiter?
  private let answers = ServerAnswers()
  private let catalog = CatalogCache()

  public init(transport: any Transport, apiKey: APIKey, settings: ClientSettings = ClientSettings()) {
    self.transport = transport
    self.apiKey = apiKey
    self.settings = settings
    self.limiter = settings.requestsPerMinute.map { RateLimiter(requestsPerMinute: max(1, $0)) }
  }

  /// Whether any HTTP answer came back yet, whatever its status.
  public var hasSeenAnswer: Bool { answers.anyAnswer }

  /// Whether the server identified itself as a 2cs sandbox (`SandboxIdentification`) on every answer so far;
  /// false before the first answer.
  public var serverIdentifiedAsSandbox: Bool { answers.sandboxIdentified }

  // MARK: The purchase flow

  public func regions(country: String) async throws(NumbersAPIError) -> [JSONValue] {
    try await catalogList(.regions, from: .regions, query: [(.country, country)])
  }

  public func cities(country: String, regionID: Int? = nil) async throws(NumbersAPIError) -> [JSONValue] {
    try await catalogList(.cities, from: .cities, query: [(.country, country), (.region, regionID.map(String.init))])
  }

  public func didTypes() async throws(NumbersAPIError) -> [JSONValue] {
    try await catalogList(.didTypes, from: .didTypes)
  }

  public func groups(_ query: GroupQuery) async throws(NumbersAPIError) -> [JSONValue] {
    try await list(.groups, from: .groups, query: query.queryItems)
  }

  public func requirements(country: String, didTypeID: Int? = nil) async throws(NumbersAPIError) -> [JSONValue] {
    try await list(
      .requirements, from: .requirements, query: [(.country, country), (.didType, didTypeID.map(String.init))])
  }

  public func availableNumbers(groupID: String, numberContains: String? = nil) async throws(NumbersAPIError)
    -> [JSONValue]
  {
    try await list(.numbers, from: .available, query: [(.groupID, groupID), (.numberContains, numberContains)])
  }

  /// Holds a number; without `number`, a random one of the group. Returns `reservation_details`.
  public func reserve(groupID: String, number: String? = nil) async throws(NumbersAPIError) -> JSONValue {
    let body = try await call(.createReservation, body: Self.purchaseBody(groupID: groupID, number: number))
    guard let details = SuccessEnvelope.field(DataField.reservationDetails, in: body) else {
      throw NumbersAPIError(
        .malformedResponse(status: 201, detail: "no \(DataField.reservationDetails.rawValue) in the answer"),
        endpoint: Endpoint.createReservation.name)
    }
    return details
  }

  public func reservations() async throws(NumbersAPIError) -> [JSONValue] {
    try await list(.reservations, from: .listReservations)
  }

  /// Gives a reserved number back. Returns the server's answer.
  public func cancelReservation(uuid: String) async throws(NumbersAPIError) -> JSONValue {
    .object(try await call(.cancelReservation(uuid: uuid)))
  }

  /// Buys a number; without `number`, a random one of the group. Returns the
  /// server's whole answer: the contract promises only `success`.
  public func purchase(groupID: String, number: String? = nil) async throws(NumbersAPIError) -> JSONValue {
    .object(try await call(.purchase, body: Self.purchaseBody(groupID: groupID, number: number)))
  }

  public func ownedNumbersPage(pageNumber: Int, resultsPerPage: Int = 50) async throws(NumbersAPIError)
    -> OwnedNumbersPage
  {
    let query: [(QueryParameter, String?)] = [
      (.pageNumber, String(pageNumber)), (.resultsPerPage, String(resultsPerPage)),
    ]
    let body = try await call(.ownedNumbers, query: query)
    guard let numbers = SuccessEnvelope.field(OwnedNumbersPageField.numbers, in: body)?.arrayValue else {
      throw NumbersAPIError(
        .malformedResponse(status: 200, detail: "no numbers list in the answer"), endpoint: Endpoint.ownedNumbers.name)
    }
    return OwnedNumbersPage(
      total: body[OwnedNumbersPageField.count]?.intValue, page: body[OwnedNumbersPageField.page]?.intValue,
      numbers: numbers)
  }

  /// Every owned virtual number. Pages are read until one comes back empty: a short page proves nothing,
  /// since a server may cap the page size silently. A server that ignores `page_number` and sends the same
  /// page again ends the reading too.
  public func ownedNumbers(resultsPerPage: Int = 50) async throws(NumbersAPIError) -> [JSONValue] {
    var all: [JSONValue] = []
    var previousPage: [JSONValue] = []
    for pageNumber in 0..<Self.mostOwnedNumberPages {
      let page = try await ownedNumbersPage(pageNumber: pageNumber, resultsPerPage: resultsPerPage)
      if page.numbers.isEmpty || page.numbers == previousPage { break }
      all += page.numbers
      previousPage = page.numbers
    }
    return all
  }

  /// Enough pages for any account; a bound so a server that never sends an empty page cannot keep 2cs reading.
  static let mostOwnedNumberPages = 1_000

  /// The owned virtual number with this phone number, compared in E.164 whatever the spelling; nil when the
  /// account does not list it (yet). A number the account gave up (released, or being released) does not
  /// count: it may be sold to the account again.
  public func ownedNumber(_ phoneNumber: String) async throws(NumbersAPIError) -> JSONValue? {
    try await ownedNumbers().first { owned in
      let given = owned[VirtualNumberField.status]?.stringValue.flatMap(VirtualNumberStatus.init)?.isGivenUp ?? false
      return !given
        && (owned[VirtualNumberField.phoneNumber]?.stringValue.map { PhoneNumber.same($0, phoneNumber) } ?? false)
    }
  }

  /// Gives an owned number up; it becomes PENDING_CANCELLATION.
  public func releaseNumber(uuid: String) async throws(NumbersAPIError) -> JSONValue {
    .object(try await call(.releaseNumber(uuid: uuid)))
  }

  /// The account, its limits and usage. A per-minute limit lower than the client's own lowers the pacing.
  public func info() async throws(NumbersAPIError) -> JSONValue {
    let answer = try await call(.info)
    if let limit = answer[InfoField.limits]?[LimitsField.requestsPerMinute]?.intValue {
      await limiter?.lower(to: limit)
    }
    return .object(answer)
  }

  // MARK: Sending

  private static func purchaseBody(groupID: String, number: String?) -> JSONObject {
    var body = JSONObject()
    body[PurchaseBodyField.groupID] = .string(groupID)
    if let number { body[PurchaseBodyField.number] = .string(number) }
    return body
  }

  /// A list of the catalog, asked once per client for each request (its path and query).
  private func catalogList(_ name: DataField, from endpoint: Endpoint, query: [(QueryParameter, String?)] = [])
    async throws(NumbersAPIError) -> [JSONValue]
  {
    let key = makeRequest(endpoint, query: query, body: nil).head.path ?? endpoint.name
    return try await catalog.list(for: key) { () async throws(NumbersAPIError) in
      try await list(name, from: endpoint, query: query)
    }
  }

  private func list(_ name: DataField, from endpoint: Endpoint, query: [(QueryParameter, String?)] = [])
    async throws(NumbersAPIError) -> [JSONValue]
  {
    let body = try await call(endpoint, query: query)
    guard let items = SuccessEnvelope.field(name, in: body)?.arrayValue else {
      throw NumbersAPIError(
        .malformedResponse(status: 200, detail: "no \(name.rawValue) list in the answer"), endpoint: endpoint.name)
    }
    return items
  }

  /// Sends one call (with retries where it is safe) and returns the decoded success body.
  public func call(_ endpoint: Endpoint, query: [(QueryParameter, String?)] = [], body: JSONObject? = nil)
    async throws(NumbersAPIError) -> JSONObject
  {
    let request = makeRequest(endpoint, query: query, body: body)
    let retries = endpoint.method == .get ? settings.retry : .never
    var attempt = 1
    while true {
      do {
        return try await attemptOnce(request, endpoint: endpoint)
      } catch {
        guard attempt < retries.maximumAttempts, let delay = retryDelay(after: error, attempt: attempt + 1, retries)
        else { throw error }
        do {
          try await retries.sleep(delay)
        } catch {
          throw NumbersAPIError(.transport(.cancelled), endpoint: endpoint.name)
        }
        attempt += 1
      }
    }
  }

  /// How long to wait before trying a safe call again, or nil when trying again cannot help.
  private func retryDelay(after error: NumbersAPIError, attempt: Int, _ retries: RetryPolicy) -> Duration? {
    switch error.kind {
    case .server(let status, _, let retryAfter) where status == 429 || (500..<600).contains(status):
      guard let retryAfter else { return retries.backoff(beforeAttempt: attempt) }
      let wait = Duration.seconds(max(0, retryAfter))
      return wait <= retries.longestRetryAfter ? wait : nil
    case .transport(.connectionLost), .transport(.timedOut):
      return retries.backoff(beforeAttempt: attempt)
    default:
      return nil
    }
  }

  private func makeRequest(_ endpoint: Endpoint, query: [(QueryParameter, String?)], body: JSONObject?) -> APIRequest {
    var path = endpoint.path
    let pairs = query.compactMap { name, value in value.map { percentEncoded(name.rawValue) + "=" + percentEncoded($0) }
    }
    if !pairs.isEmpty { path += "?" + pairs.joined(separator: "&") }
    var fields = HTTPFields()
    fields[.accept] = "application/json"
    if let keyField = HTTPField.Name(Authentication.headerName) { fields[keyField] = apiKey.secret }
    var bytes: [UInt8] = []
    if let body {
      fields[.contentType] = "application/json"
      bytes = JSONValue.object(body).jsonBytes
    }
    let head = HTTPRequest(method: endpoint.method, scheme: nil, authority: nil, path: path, headerFields: fields)
    return APIRequest(head: head, body: bytes)
  }

  private func attemptOnce(_ request: APIRequest, endpoint: Endpoint) async throws(NumbersAPIError) -> JSONObject {
    if let limiter {
      do {
        try await limiter.acquire()
      } catch {
        throw NumbersAPIError(.transport(.cancelled), endpoint: endpoint.name)
      }
    }
    let started = ContinuousClock.now
    let response: APIResponse
    do {
      response = try await transport.send(request, timeout: settings.timeout)
    } catch {
      settings.trace?(
        TraceRecord(
          request: request, route: endpoint.route, transport: transport, outcome: .failed(error), started: started))
      throw NumbersAPIError(.transport(error), endpoint: endpoint.name)
    }
    answers.note(response)
    settings.trace?(
      TraceRecord(
        request: request, route: endpoint.route, transport: transport, outcome: .answered(response.head.status.code),
        started: started))
    do throws(NumbersAPIError) {
      return try Self.decode(response, endpoint: endpoint)
    } catch {
      throw error.redacting(apiKey)
    }
  }

  /// Turns an HTTP answer into its success body, or into the typed error its status and envelope describe.
  static func decode(_ response: APIResponse, endpoint: Endpoint) throws(NumbersAPIError) -> JSONObject {
    let status = response.head.status.code
    let parsed: JSONValue?
    let syntaxError: JSONSyntaxError?
    do throws(JSONSyntaxError) {
      (parsed, syntaxError) = (try JSONValue(parsing: response.body), nil)
    } catch {
      (parsed, syntaxError) = (nil, error)
    }
    if !(200..<300).contains(status) {
      let retryAfter = response.head.headerFields[.retryAfter].flatMap { Int($0.trimmingSpaces) }
      let message =
        ErrorEnvelope.message(in: parsed).map(Self.bounded) ?? Self.redirection(response)
        ?? Self.plainText(response.body) ?? Self.describeWithoutText(response)
      throw NumbersAPIError(
        .server(status: status, message: message, retryAfterSeconds: retryAfter), endpoint: endpoint.name)
    }
    guard let object = parsed?.objectValue else {
      let detail = syntaxError.map { Self.describeNotJSON(response.body, $0) } ?? "the body is not a JSON object"
      throw NumbersAPIError(.malformedResponse(status: status, detail: detail), endpoint: endpoint.name)
    }
    if object[EnvelopeField.success]?.boolValue == false {
      let message =
        ErrorEnvelope.message(in: parsed).map(Self.bounded) ?? "the server reported a failure without a message"
      throw NumbersAPIError(.server(status: status, message: message, retryAfterSeconds: nil), endpoint: endpoint.name)
    }
    if let (path, text) = JSONNumber.firstInexact(in: .object(object)) {
      let detail = JSONNumber.describeInexact(text, at: path)
      throw NumbersAPIError(.malformedResponse(status: status, detail: detail), endpoint: endpoint.name)
    }
    if let problem = endpoint.route.typeProblem(in: object) {
      throw NumbersAPIError(.malformedResponse(status: status, detail: problem), endpoint: endpoint.name)
    }
    return object
  }

  /// What an answer the server meant as a success says instead of JSON: nothing, a web page, JSON cut short, or
  /// other text (its size and how it starts).
  private static func describeNotJSON(_ body: [UInt8], _ error: JSONSyntaxError) -> String {
    if isBlank(body) { return "the body is empty, not the API's JSON" }
    if looksLikeHTML(body) { return "an HTML page, not the API's JSON" }
    if error.offset >= body.count { return "the JSON ends early, after \(size(body.count)): the answer was cut short" }
    guard let start = excerpt(body, limit: 40) else { return "the body is neither JSON nor text (\(size(body.count)))" }
    return "the body is not JSON (\(size(body.count)), starting \"\(start)\")"
  }

  /// The server's message as it is, unless it is too long to read: then its start.
  private static func bounded(_ message: String) -> String {
    message.utf8.count <= 2000 ? message : String(message.prefix(1000)) + "… (\(size(message.utf8.count)) in all)"
  }

  /// A byte count as people read it: 340 bytes, 12 KB, 5.0 MB.
  private static func size(_ count: Int) -> String {
    if count < 1024 { return "\(count) byte\(count == 1 ? "" : "s")" }
    if count < 1024 * 1024 { return "\(count / 1024) KB" }
    let tenths = count * 10 / (1024 * 1024)
    return "\(tenths / 10).\(tenths % 10) MB"
  }

  private static func isBlank(_ body: [UInt8]) -> Bool {
    body.allSatisfy { [0x20, 0x0A, 0x0D, 0x09].contains($0) }
  }

  private static func looksLikeHTML(_ body: [UInt8]) -> Bool {
    body.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) } == UInt8(ascii: "<")
  }

  /// The start of a body as text, at most `limit` bytes (a character cut there is left out) and `…` when there is
  /// more; nil when it is not UTF-8 text.
  private static func excerpt(_ body: [UInt8], limit: Int) -> String? {
    var start = Array(body.prefix(limit))
    while body.count > limit, String(validating: start, as: UTF8.self) == nil, start.count > limit - 4 {
      start.removeLast()
    }
    guard let text = String(validating: start, as: UTF8.self) else { return nil }
    return body.count > start.count ? text + "…" : text
  }

  /// What a redirect says: 2cs follows none, so the key goes only where the user sent it.
  private static func redirection(_ response: APIResponse) -> String? {
    guard (300..<400).contains(response.head.status.code) else { return nil }
    let target = response.head.headerFields[.location].map { "to \(String($0.prefix(200))) " } ?? ""
    return "a redirect \(target)(2cs follows no redirects, so the API key goes nowhere else; is the base URL right?)"
  }

  /// What an error answer with no usable text says: its reason phrase, and what kind of body it had.
  private static func describeWithoutText(_ response: APIResponse) -> String {
    let status = response.head.status
    let reason =
      status.reasonPhrase.isEmpty ? HTTPResponseStatus(statusCode: status.code).reasonPhrase : status.reasonPhrase
    let kind =
      if isBlank(response.body) { "an empty answer" } else if looksLikeHTML(response.body) {
        "an HTML page, not the API's JSON"
      } else { "a body that is not text" }
    return reason.isEmpty ? kind : "\(reason) (\(kind))"
  }

  /// A short, printable excerpt of a non-JSON error body; nil for an HTML page, which says nothing useful.
  private static func plainText(_ body: [UInt8]) -> String? {
    guard !looksLikeHTML(body), let text = excerpt(body, limit: 300)?.trimmingSpaces, !text.isEmpty else {
      return nil
    }
    return text
  }
}

/// Filters for `GET /open/numbers/groups`.
public struct GroupQuery: Sendable, Equatable {
  public var country: String
  public var regionID: Int?
  public var cityID: Int?
  public var cityNameOrPrefix: String?
  /// A DID type name (`local`, `mobile`, ...) or `all`.
  public var didType: String?

  public init(
    country: String, regionID: Int? = nil, cityID: Int? = nil, cityNameOrPrefix: String? = nil, didType: String? = nil
  ) {
    self.country = country
    self.regionID = regionID
    self.cityID = cityID
    self.cityNameOrPrefix = cityNameOrPrefix
    self.didType = didType
  }

  var queryItems: [(QueryParameter, String?)] {
    [
      (.country, country), (.regionID, regionID.map(String.init)), (.cityID, cityID.map(String.init)),
      (.cityNameOrPrefix, cityNameOrPrefix), (.didType, didType),
    ]
  }
}

extension String {
  var trimmingSpaces: String {
    var text = Substring(self)
    while let first = text.first, first.isWhitespace { text.removeFirst() }
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return String(text)
  }
}
