public import Foundation
public import Language
public import NumbersAPI
import NumbersContract
import Synchronization
import SystemSupport

/// What the API commands share: the client, the mode, the safety settings,
/// the journal and the money spent. The engine carries it as its `host`.
///
/// `@unchecked Sendable`: a session serves one running program at a time.
public final class Session: @unchecked Sendable {
  public enum Mode: String, Sendable {
    /// The embedded simulator: nothing costs money.
    case sandbox
    /// A `2cs sandbox serve`, known by how it identifies itself in its answers, never by its address.
    case local
    /// Every other server, loopback included (it may be a tunnel to the real API): purchases spend money and
    /// ask first. A server that has not answered yet counts as live.
    case live
  }

  /// Where requests go.
  public enum Connection: Sendable {
    /// The simulator in this process.
    case embeddedSandbox
    /// A server over HTTP: the live API, or a `2cs sandbox serve` that says so.
    case server
  }

  /// What a script may set with `set`. The command line's `Ceiling` bounds it.
  public struct Settings: Sendable {
    public var output: OutputFormat = .table
    public var dryRun = false
    /// `set confirm=on` makes live writes ask even under `--yes`; `off` cannot stand in for `--yes`.
    public var confirm: Bool?
    /// The most this session may spend on setup plus first month.
    public var budget: DecimalNumber?

    public init() {}
  }

  /// What the command line promised. No script can lift it: `set` may only make a session more careful.
  public struct Ceiling: Sendable {
    /// `--dry-run`: no write is sent, whatever a script sets.
    public var dryRun = false
    /// `--budget N`: a script may lower it, never raise or lift it.
    public var budget: DecimalNumber?
    /// `--yes`: live writes go ahead without asking.
    public var assumeYes = false

    public init() {}
  }

  /// Setup and first-month totals.
  public struct Spend: Sendable, Equatable {
    public var setup = DecimalNumber(0)
    public var monthly = DecimalNumber(0)
    public var count = 0
    /// Purchases whose price 2cs did not know; not in the totals.
    public var unknownPrices = 0

    public var total: DecimalNumber { setup.adding(monthly) ?? setup }

    /// "setup 1.00, first month 7.00, total 8.00", plus the purchases of unknown price.
    public var summary: String {
      var text = "setup \(setup), first month \(monthly), total \(total)"
      if unknownPrices > 0 { text += ", plus \(unknownPrices) at a price 2cs does not know" }
      return text
    }
  }

  public let connection: Connection
  public let client: NumbersClient
  public let journal: Journal
  public var settings = Settings()
  public var ceiling = Ceiling()
  /// Asks the person at the terminal a y/N question: the answer, or nil for Ctrl-C. The confirmer itself is nil
  /// when there is nobody to ask.
  public var confirmer: (@Sendable (String) async -> Bool?)?
  /// Ctrl-C presses, counted by the REPL.
  public let interrupts = Interrupts()
  /// When 2cs looks at the account again, after a write whose answer was lost, before it calls the
  /// outcome unknown: at once, then with back-off (15 s in all).
  public var outcomeCheckDelays: [Duration] = [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(8)]
  /// Writes a warning or notice to stderr.
  public var warn: @Sendable (String) -> Void = { StandardStreams.writeError($0 + "\n") }
  /// How `print` and the display show values.
  public var renderer = Renderer(format: .table)
  /// Shared with the client's trace hook, so `set trace=on` takes effect at once.
  public let tracing: Tracing
  /// A number this session holds: reservations it made or found, until they are cancelled, bought or expire.
  public struct Hold: Sendable, Equatable {
    public var uuid: String
    public var number: String
    public var expires: Date
  }

  public private(set) var holds: [Hold] = []
  /// The statements typed in the REPL, for `history`.
  public var statements: [String] = []
  /// The indices in `statements` of those that ended in an error: `history save` leaves them out of a script.
  public var failedStatements: Set<Int> = []
  public private(set) var spent = Spend()
  public private(set) var planned = Spend()
  private var didTypeIDs: [String: Int]?
  /// What `groups` has shown of each group, so a purchase of a number from `available` can say what it costs.
  private var knownGroups: [String: KnownGroup] = [:]

  struct KnownGroup {
    var setup: DecimalNumber?
    var monthly: DecimalNumber?
    var needsDocuments: Bool
    var allowsNumberSelection: Bool?
  }

  public init(connection: Connection, client: NumbersClient, journal: Journal, tracing: Tracing) {
    self.connection = connection
    self.client = client
    self.journal = journal
    self.tracing = tracing
  }

  /// `sandbox` for the embedded simulator; for a server, `local` once its answers identified it as a
  /// `2cs sandbox serve`, else `live` (before the first answer too).
  public var mode: Mode {
    switch connection {
    case .embeddedSandbox: .sandbox
    case .server: client.serverIdentifiedAsSandbox ? .local : .live
    }
  }

  /// Asks the server once (`GET /open/info`) what it is, unless an answer came already; until one comes the
  /// mode stays `live`. Errors are ignored: a server that does not answer stays live.
  public func identifyServer() async {
    guard connection == .server, !client.hasSeenAnswer else { return }
    _ = try? await client.info()
  }

  /// Whether writes are only shown: the command line's `--dry-run` or the script's `set dry_run=on`.
  public var isDryRun: Bool { ceiling.dryRun || settings.dryRun }

  /// The lower of the command line's budget and the script's.
  public var budget: DecimalNumber? {
    guard let limit = ceiling.budget else { return settings.budget }
    guard let scripted = settings.budget else { return limit }
    return min(limit, scripted)
  }

  /// Whether a live write must be confirmed at the terminal (and so fails in a script).
  var writesNeedConfirmation: Bool { !ceiling.assumeYes || settings.confirm == true }

  /// Counts a purchase's price in the spending, or in the plan of a dry run. Unknown outcomes count too.
  func record(spend setup: DecimalNumber?, _ monthly: DecimalNumber?, dryRun: Bool) {
    var total = dryRun ? planned : spent
    total.count += 1
    if let setup, let monthly {
      total.setup = total.setup.adding(setup) ?? total.setup
      total.monthly = total.monthly.adding(monthly) ?? total.monthly
    } else {
      total.unknownPrices += 1
    }
    if dryRun { planned = total } else { spent = total }
  }

  /// Notes reservations from a `reserve` result or a `reservations` list.
  public func noteHolds(_ value: Value) {
    let records: [Value] = if case .list(let items) = value { items } else { [value] }
    for record in records {
      guard case .string(let uuid)? = record.field(ReservationField.uuid),
        case .string(let number)? = record.field(ReservationField.number),
        case .string(let end)? = record.field(ReservationDetailsField.expiresAt)
          ?? record.field(ReservationField.reservationEndDate),
        let expires = try? Date(end, strategy: .iso8601)
      else { continue }
      holds.removeAll { $0.uuid == uuid }
      holds.append(Hold(uuid: uuid, number: number, expires: expires))
    }
  }

  func releaseHold(uuid: String? = nil, number: String? = nil) {
    holds.removeAll { $0.uuid == uuid || ($0.number == number && number != nil) }
  }

  /// The holds that have not expired, soonest to expire first.
  public func activeHolds(at now: Date = Date()) -> [Hold] {
    holds.removeAll { $0.expires <= now }
    return holds.sorted { $0.expires < $1.expires }
  }

  func remember(groups: [Value]) {
    for group in groups {
      guard case .string(let id)? = group.field(GroupField.id) else { continue }
      let price = group.field(GroupField.price)
      let needsDocuments =
        if case .list(let items)? = group.field(GroupField.requirements) { !items.isEmpty } else { false }
      knownGroups[id] = KnownGroup(
        setup: price?.field(PriceField.setup)?.decimal, monthly: price?.field(PriceField.monthly)?.decimal,
        needsDocuments: needsDocuments, allowsNumberSelection: group.field(GroupField.allowNumberSelection)?.bool)
    }
  }

  func knownGroup(_ id: String) -> KnownGroup? { knownGroups[id] }

  /// The id of a DID type name, from `did-types` (asked once per session).
  func didTypeID(named name: String) async throws -> Int {
    if didTypeIDs == nil {
      let types = try await api { () async throws(NumbersAPIError) in try await client.didTypes() }
      var table: [String: Int] = [:]
      for type in types {
        if let typeName = type[DIDTypeField.name]?.stringValue, let id = type[DIDTypeField.id]?.intValue {
          table[typeName] = id
        }
      }
      didTypeIDs = table
    }
    guard let id = didTypeIDs?[name] else {
      throw CommandError(
        "unknown DID type '\(name)'", help: "one of: " + (didTypeIDs ?? [:]).keys.sorted().joined(separator: ", "))
    }
    return id
  }
}

extension Value {
  var text: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  var decimal: DecimalNumber? {
    if case .number(let number) = self { return number }
    return nil
  }

  var bool: Bool? {
    if case .bool(let flag) = self { return flag }
    return nil
  }
}

/// Ctrl-C presses while a command runs, as the REPL counts them. The first cancels the command, but a write
/// whose request has left waits on for its outcome; a second one stops the waiting.
public final class Interrupts: Sendable {
  private struct State {
    var count = 0
    var waiters: [Int: (threshold: Int, wake: @Sendable () -> Void)] = [:]
    var nextWaiter = 0
  }

  private let state = Mutex(State())

  public init() {}

  public var count: Int { state.withLock { $0.count } }

  /// Counts one Ctrl-C and wakes who waits for it.
  public func note() {
    let due = state.withLock { state in
      state.count += 1
      let due = state.waiters.filter { $0.value.threshold <= state.count }
      for key in due.keys { state.waiters[key] = nil }
      return due.values.map(\.wake)
    }
    for wake in due { wake() }
  }

  /// Calls `wake` once the count reaches `threshold`; returns a token for `forget`.
  func whenCount(reaches threshold: Int, _ wake: @escaping @Sendable () -> Void) -> Int {
    let (token, reached) = state.withLock { state in
      state.nextWaiter += 1
      if state.count >= threshold { return (state.nextWaiter, true) }
      state.waiters[state.nextWaiter] = (threshold, wake)
      return (state.nextWaiter, false)
    }
    if reached { wake() }
    return token
  }

  func forget(_ token: Int) {
    state.withLock { _ = $0.waiters.removeValue(forKey: token) }
  }
}

/// Whether HTTP exchanges are printed, and where.
public final class Tracing: Sendable {
  private let enabled: Mutex<Bool>
  private let write: @Sendable (String) -> Void
  private let observers = Mutex<[@Sendable (TraceRecord) -> Void]>([])
  private let exchanges = Mutex(0)

  public init(enabled: Bool, write: @escaping @Sendable (String) -> Void) {
    self.enabled = Mutex(enabled)
    self.write = write
  }

  public var isEnabled: Bool {
    get { enabled.withLock { $0 } }
    set { enabled.withLock { $0 = newValue } }
  }

  /// With tracing on, the number of API calls made: each costs a credit (`--trace` ends with it).
  public func writeCallCount() {
    guard isEnabled else { return }
    let count = exchanges.withLock { $0 }
    write("\(count) API call\(count == 1 ? "" : "s") (\(count) credit\(count == 1 ? "" : "s")) in all")
  }

  /// Calls `observer` with every exchange, whether tracing is on or not (`2cs tour` learns what a step did).
  public func observe(_ observer: @escaping @Sendable (TraceRecord) -> Void) {
    observers.withLock { $0.append(observer) }
  }

  /// For `ClientSettings.trace`.
  public var hook: @Sendable (TraceRecord) -> Void {
    { [self] record in
      exchanges.withLock { $0 += 1 }
      if isEnabled { write(record.line) }
      for observer in observers.withLock({ $0 }) { observer(record) }
    }
  }
}

/// Runs an API call, turning its error into one the language reports with status and endpoint.
func api<T>(_ call: () async throws(NumbersAPIError) -> T) async throws -> T {
  do {
    return try await call()
  } catch {
    if case .transport(.cancelled) = error.kind { throw CancellationError() }
    throw CommandError(
      error.message, help: error.help, status: error.status, endpoint: error.endpoint, details: error.details)
  }
}

extension NumbersAPIError {
  /// What a `catch` block can read of the error besides its message: `retry_after_seconds`, when the server said
  /// how long to wait.
  var details: Record {
    guard let seconds = retryAfterSeconds else { return [:] }
    return ["retry_after_seconds": .int(seconds)]
  }

  /// What to do about a refused key; nil for any other error.
  var help: String? {
    guard status == 401 else { return nil }
    return "the server did not take the API key: check TWOCHAT_API_KEY, api_key or api_key_command in the "
      + "config file, or --api-key"
  }
}

extension Invocation {
  /// One API call with the session's client; its error becomes one the language reports.
  func request<T>(_ call: (NumbersClient) async throws(NumbersAPIError) -> T) async throws -> T {
    let client = try session.client
    return try await api { () async throws(NumbersAPIError) in try await call(client) }
  }

  var session: Session {
    get throws {
      guard let session = host as? Session else {
        throw CommandError("\(signature.name) needs a Numbers API session")
      }
      return session
    }
  }
}
