import Foundation
public import HTTPTypes
public import NumbersContract

/// The simulated Numbers API: a function from a request to a response, kept
/// as an actor so any number of clients can use it at once and a number is
/// never sold twice. The embedded mode calls `handle` directly; `2cs sandbox
/// serve` hosts the same function over HTTP.
public actor Sandbox: APIServer {
  public nonisolated let configuration: SandboxConfiguration
  let catalog: Catalog
  var state: SandboxState
  private let store: StateStore
  private var dice: FaultDice
  /// How much sooner than the rate limit allows a request may arrive: a client that paces itself exactly can
  /// see its requests delivered closer together than it sent them.
  static let networkGrace = Duration.seconds(1)
  /// Each account's recent requests, for the rate limit.
  private var requestWindows: [String: RequestWindow] = [:]
  /// API calls counted since the last save, folded into the state when it is next written.
  private var unsavedUsage: [String: Int] = [:]
  /// Requests with an accepted key received per endpoint, faults included; for tests. Counted by endpoint, not
  /// by path, and only with a key, so no stream of made-up paths can make it grow.
  private var received: [Endpoint.Route: Int] = [:]
  /// Numbers bought (by uuid) that the owned-number list leaves out for so many more answers (`list-late`).
  var unlistedNumbers: [String: Int] = [:]
  /// Answers of the catalog endpoints by path and query: the catalog never changes, so neither do they.
  private var catalogAnswers: [CatalogQuery: APIResponse] = [:]
  /// The same answers by the path and query as sent, so that a query asked again is not read again; the answers
  /// are shared with `catalogAnswers`. Either keeps only queries of `longestTargetKept` bytes or fewer.
  private var catalogAnswersByTarget: [String: APIResponse] = [:]
  private static let catalogAnswersKept = 1024
  private static let longestTargetKept = 512
  private static let keyField = HTTPField.Name(Authentication.headerName)

  public init(configuration: SandboxConfiguration = SandboxConfiguration()) throws(SandboxError) {
    self.configuration = configuration
    self.store = try StateStore(path: configuration.stateFile)
    let stored = try store.load()
    self.state = stored ?? SandboxState(seed: configuration.seed)
    self.catalog = Catalog(seed: state.seed)
    self.dice = FaultDice(plan: configuration.faults)
  }

  /// Forgets all reservations, purchases and usage kept in `stateFile`.
  public static func reset(stateFile: String) throws(SandboxError) {
    try StateStore(path: stateFile).remove()
  }

  /// How many requests with an accepted key arrived for the endpoint of `method path` (without the query).
  public func receivedCount(_ method: HTTPRequest.Method, _ path: String) -> Int {
    guard case .endpoint(let endpoint) = Endpoint.resolve(method: method, path: path) else { return 0 }
    return received[endpoint.route, default: 0]
  }

  /// How many endpoints have a count in `receivedCount`: never more than the contract has.
  public var countedEndpoints: Int { received.count }

  /// How many catalog answers are kept, counted once for each way they are found; for tests.
  public var keptCatalogAnswers: Int { catalogAnswers.count + catalogAnswersByTarget.count }

  /// Writes usage counted since the last change. Call before the process exits.
  public func flush() throws(SandboxError) {
    guard !unsavedUsage.isEmpty else { return }
    store.lock()
    defer { store.unlock() }
    if let fresh = try store.reloadIfChanged() { state = fresh }
    var draft = state
    foldUsage(into: &draft)
    try store.save(draft)
    state = draft
  }

  // MARK: Handling a request

  public func handle(_ request: APIRequest) async -> ServerOutcome {
    let target = request.head.path ?? "/"
    let path = String(Substring(target.utf8.prefix { $0 != UInt8(ascii: "?") }))
    let resolution = Endpoint.resolve(method: request.head.method, path: path)
    let account = Result { try authenticate(request) }
    if case .endpoint(let endpoint) = resolution, case .success = account {
      received[endpoint.route, default: 0] += 1
    }

    let untouched = !dice.applies(to: request.head.method.rawValue) || dice.letsThrough()
    if !untouched, let latency = dice.latency {
      // A client that gave up while waiting is gone: act on nothing.
      do { try await configuration.clock.sleep(for: latency) } catch { return .dropConnection }
    }
    if !untouched, dice.fires(.dropBefore) { return .dropConnection }
    if !untouched, dice.fires(.rateLimited) {
      return .respond(
        Self.response(
          for: Failure(status: 429, message: Failure.injectedRateLimit, retryAfterSeconds: dice.retryAfterSeconds)))
    }
    if !untouched, dice.fires(.serverError) { return .respond(Self.response(for: .injectedServerError)) }

    let response: APIResponse
    do {
      // Checked in this order: the key, then the endpoint, then what the request says.
      let account = try account.get()
      let endpoint = try Self.endpoint(resolution, method: request.head.method, path: path)
      if request.body.isEmpty, let known = catalogAnswersByTarget[target] {
        // Asked before in the same words: the query was read and checked then, and the answer cannot change.
        try count(account: account)
        response = known
      } else {
        let call = try CallContext(request: request, path: path, target: target)
        try Self.checkContentType(of: request)
        try count(account: account)
        response = try route(call, endpoint, account: account)
      }
    } catch let failure as Failure {
      response = Self.response(for: failure)
    } catch {
      response = Self.response(for: .storage(error))
    }
    if !untouched, dice.fires(.dropAfter) { return .dropConnection }
    if !untouched, dice.fires(.badGatewayAfter) {
      return .respond(Self.htmlPage(status: .badGateway, title: "502 Bad Gateway"))
    }
    if !untouched, dice.fires(.htmlAfter) { return .respond(Self.htmlPage(status: .ok, title: "Welcome")) }
    return .respond(response)
  }

  /// What a proxy or a misconfigured server sends instead of the API's JSON.
  static func htmlPage(status: HTTPResponse.Status, title: String) -> APIResponse {
    var fields = HTTPFields()
    fields[.contentType] = "text/html"
    let page = "<html><head><title>\(title)</title></head><body><h1>\(title)</h1></body></html>"
    return APIResponse(head: HTTPResponse(status: status, headerFields: fields), body: Array(page.utf8))
  }

  static func response(for failure: Failure) -> APIResponse {
    var fields = HTTPFields()
    if let seconds = failure.retryAfterSeconds { fields[.retryAfter] = String(seconds) }
    if let allowed = failure.allowedMethods { fields[.allow] = allowed }
    return APIResponse(status: .init(code: failure.status), json: failure.envelope, headerFields: fields)
  }

  private func authenticate(_ request: APIRequest) throws -> String {
    guard let name = Self.keyField, let key = Self.value(of: name, in: request.head.headerFields), !key.isEmpty else {
      throw Failure.missingKey
    }
    guard let keys = configuration.apiKeys else { return "account-1" }
    guard let index = keys.firstIndex(of: key) else { throw Failure.wrongKey }
    return "account-\(index + 1)"
  }

  /// A header's value, its lines joined as `HTTPFields`' subscript joins them, without that subscript's generic
  /// joining, which took more instructions than the rest of the key check.
  private static func value(of name: HTTPField.Name, in fields: HTTPFields) -> String? {
    // Repeated lines joined once at the end, not one join a line (which copied what was joined so far each time).
    var first: String?
    var others: [String] = []
    for field in fields where field.name == name {
      if first == nil { first = field.value } else { others.append(field.value) }
    }
    guard let first, !others.isEmpty else { return first }
    return ([first] + others).joined(separator: ", ")
  }

  /// A body must be JSON and say so, as the API's are: one sent as text or a form is refused, not guessed at.
  private static func checkContentType(of request: APIRequest) throws {
    guard !request.body.isEmpty else { return }
    let declared = request.head.headerFields[.contentType] ?? ""
    let mediaType = declared.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
    guard mediaType == "application/json" else { throw Failure.unsupportedMediaType(declared) }
  }

  /// Counts an accepted request against the account's rate limit and its usage.
  private func count(account: String) throws {
    try consumeRateLimit(account: account)
    unsavedUsage[account, default: 0] += 1
  }

  private func consumeRateLimit(account: String) throws {
    guard let limit = configuration.requestsPerMinute, limit > 0 else { return }
    let now = Duration.seconds(configuration.clock.now.timeIntervalSince1970)
    // Admitted in place: a copy out of the dictionary would copy the window's ring on every request.
    let refusal = requestWindows[account, default: RequestWindow(limit: limit, grace: Self.networkGrace)].admit(at: now)
    if let wait = refusal {
      let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
      throw Failure.rateLimited(retryAfter: Int(seconds.rounded(.up)), limit: limit)
    }
  }

  private static func endpoint(
    _ resolution: Endpoint.Resolution, method: HTTPRequest.Method, path: String
  ) throws -> Endpoint {
    switch resolution {
    case .noSuchPath: throw Failure.noSuchEndpoint(method.rawValue, path)
    case .methodNotAllowed(let allowed): throw Failure.methodNotAllowed(method.rawValue, path, allowed: allowed)
    case .endpoint(let endpoint): return endpoint
    }
  }

  private func route(_ call: CallContext, _ endpoint: Endpoint, account: String) throws -> APIResponse {
    let uuid = endpoint.uuid ?? ""
    switch endpoint.route {
    case .regions: return try catalogAnswer(call) { try regions(call) }
    case .cities: return try catalogAnswer(call) { try cities(call) }
    case .didTypes: return try catalogAnswer(call) { didTypes() }
    case .groups: return try catalogAnswer(call) { try groups(call) }
    case .requirements: return try catalogAnswer(call) { try requirements(call) }
    case .available: return try available(call, account: account)
    case .createReservation: return try reserve(call, account: account)
    case .listReservations: return try listReservations(account: account)
    case .cancelReservation: return try cancelReservation(uuid: uuid, account: account)
    case .purchase: return try purchase(call, account: account)
    case .ownedNumbers: return try ownedNumbers(call, account: account)
    case .releaseNumber: return try release(uuid: uuid, account: account)
    case .info: return info(account: account)
    }
  }

  /// A catalog endpoint's answer, made once per distinct query.
  /// Kept by the path and the contract's parameters alone, so that queries that differ only in parameters the
  /// API does not know share one answer, and no stream of made-up queries fills the memory.
  private func catalogAnswer(_ call: CallContext, _ make: () throws -> APIResponse) throws -> APIResponse {
    // A long query is answered afresh: kept, a stream of them (a page number of kilobytes, each different) would
    // hold that much each.
    guard call.target.utf8.count <= Self.longestTargetKept else { return try make() }
    // The values as decoded, each in its own place: joined into one text, a value holding `&did_type=` would
    // read as another parameter and share (or spoil) that query's answer.
    let key = CatalogQuery(path: call.path, values: QueryParameter.allCases.map { call.parameter($0) })
    let answer = try catalogAnswers[key] ?? make()
    // Every answer kept by its query is also kept by a text, so the texts are never fewer; both are let go
    // together, so that the texts never keep answers the queries let go.
    if catalogAnswersByTarget.count >= Self.catalogAnswersKept {
      catalogAnswers.removeAll()
      catalogAnswersByTarget.removeAll()
    }
    catalogAnswers[key] = answer
    catalogAnswersByTarget[call.target] = answer
    return answer
  }

  // MARK: State

  var now: Date { Date(timeIntervalSince1970: configuration.clock.now.timeIntervalSince1970.rounded(.down)) }

  /// Picks up what another process wrote to the shared state file.
  func refresh() throws {
    if let fresh = try store.reloadIfChanged() { state = fresh }
  }

  /// Applies a change under the file lock and saves it before anyone is told it happened.
  func commit<T>(_ change: (inout SandboxState) throws -> T) throws -> T {
    store.lock()
    defer { store.unlock() }
    if let fresh = try store.reloadIfChanged() { state = fresh }
    var draft = state
    let moment = now
    draft.reservations.removeAll { $0.expiresAt <= moment }
    let result = try change(&draft)
    foldUsage(into: &draft)
    try store.save(draft)
    state = draft
    return result
  }

  private func foldUsage(into draft: inout SandboxState) {
    for (account, count) in unsavedUsage { draft.usage[account, default: 0] += count }
    unsavedUsage = [:]
  }

  func usage(of account: String) -> Int {
    state.usage[account, default: 0] + unsavedUsage[account, default: 0]
  }
}

/// What a catalog answer depends on: the path and the value of each of the contract's query parameters.
struct CatalogQuery: Hashable {
  var path: String
  var values: [String?]
}

/// One request, taken apart.
struct CallContext {
  var method: HTTPRequest.Method
  var path: String
  /// The path with its query, as sent.
  var target: String
  var query: [String: String] = [:]
  var body: [UInt8]

  init(request: APIRequest, path: String, target: String) throws {
    method = request.head.method
    self.path = path
    self.target = target
    body = request.body
    // Split by bytes: the separators are ASCII, and walking the query as Characters costs more than the rest of a
    // catalog read.
    guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return }
    for pairBytes in target.utf8[target.utf8.index(after: mark)...].split(separator: UInt8(ascii: "&")) {
      let pair = Substring(pairBytes)
      let parts = pairBytes.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
      let rawName = Substring(parts[0])
      guard let name = percentDecoded(rawName), let value = percentDecoded(parts.count > 1 ? Substring(parts[1]) : "")
      else { throw Failure.invalid(String(rawName), String(pair), expected: "percent-encoded UTF-8") }
      if query[name] == nil { query[name] = value }
    }
  }

  /// A query parameter, with empty values counted as missing.
  func parameter(_ name: QueryParameter) -> String? {
    guard let value = query[name.rawValue], !value.isEmpty else { return nil }
    return value
  }

  func requiredParameter(_ name: QueryParameter) throws -> String {
    guard let value = parameter(name) else { throw Failure.missingParameter(name) }
    return value
  }

  /// A whole number from the query, within `range` (the page a query asks for has its own, so that a page times
  /// its size cannot overflow).
  func integerParameter(_ name: QueryParameter, in range: ClosedRange<Int> = 0...Int.max, expected: String) throws
    -> Int?
  {
    guard let text = parameter(name) else { return nil }
    guard let value = Int(text), range.contains(value) else {
      throw Failure.invalidParameter(name, text, expected: expected)
    }
    return value
  }

  /// The JSON object of a POST body.
  func bodyObject() throws -> JSONObject {
    let expected = "expected a JSON object with \(PurchaseBodyField.groupID.rawValue)"
    guard !body.isEmpty else { throw Failure.invalidBody(expected) }
    do {
      guard let object = try JSONValue(parsing: body).objectValue else { throw Failure.invalidBody(expected) }
      return object
    } catch let error as JSONSyntaxError {
      throw Failure.invalidBody("not JSON: \(error)")
    }
  }
}
