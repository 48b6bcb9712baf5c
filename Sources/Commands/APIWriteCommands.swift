import Foundation
import Language
import NumbersAPI
import NumbersContract
import Synchronization

/// The parameter of `reserve` and `purchase` that names the number, as the request body does.
private let numberParameterName = PurchaseBodyField.number.rawValue

/// What a write is about, gathered from its arguments and the piped record.
private struct WriteTarget {
  var groupID: String
  var number: String?
  var setup: DecimalNumber?
  var monthly: DecimalNumber?
  var needsDocuments = false
  /// Whether the group lets a caller choose the number (`available` works); nil when 2cs has not seen the group.
  var allowsNumberSelection: Bool?
  /// Whether the price is what the server said of the group in this session, not what a piped record claims.
  var priceFromServer = false

  init(input: Value, call: Invocation, command: String) throws {
    let argument = call[groupParameter.name]
    // A record given as the group (`purchase $n`) is read as if it were piped in: its number, its prices.
    var record = input
    if case .record? = argument {
      guard input == .null else {
        throw CommandError(
          "\(command): a record is piped in and another given as \(groupParameter.name)=",
          help: "give the group one way", parameter: groupParameter.name)
      }
      record = argument ?? .null
    }
    if case .record(let fields) = record {
      if case .bool(true)? = fields[AddedField.dryRun], !call.isDryRun { throw dryRunRecord(command) }
      let price = fields[GroupField.price] ?? record
      setup = price.field(PriceField.setup)?.decimal
      monthly = price.field(PriceField.monthly)?.decimal
      if case .list(let requirements)? = fields[GroupField.requirements], !requirements.isEmpty {
        needsDocuments = true
      }
      if case .bool(true)? = fields[ReservationField.needsRegistration] { needsDocuments = true }
      if case .string(let number)? = fields[AvailableNumberField.number] { self.number = number }
      allowsNumberSelection = fields[GroupField.allowNumberSelection]?.bool
    }
    guard record != .null || argument != nil else {
      throw CommandError(
        "\(command) needs a group", help: "pipe a group, a number from available or a reservation in, or give group=ID")
    }
    groupID = try groupIdentifier(record, argument: record == argument ? nil : argument, command: command)
    if let chosen = call.string(numberParameterName) {
      if let recorded = number, !PhoneNumber.same(recorded, chosen) {
        throw CommandError(
          "\(command): the record is for \(recorded), but \(numberParameterName)=\(chosen) was given",
          help: "give the number one way", parameter: numberParameterName)
      }
      number = chosen
    }
    if let known = try? call.session.knownGroup(groupID) {
      // What the server said of the group in this session wins over what a record claims.
      if let knownSetup = known.setup, let knownMonthly = known.monthly {
        (setup, monthly, priceFromServer) = (knownSetup, knownMonthly, true)
      }
      needsDocuments = needsDocuments || known.needsDocuments
      allowsNumberSelection = allowsNumberSelection ?? known.allowsNumberSelection
    }
  }

  func body(number: String?) -> JSONObject {
    var body = JSONObject()
    body[PurchaseBodyField.groupID] = .string(groupID)
    if let number { body[PurchaseBodyField.number] = .string(number) }
    return body
  }

  var price: Price { Price(setup: setup, monthly: monthly, fromServer: priceFromServer) }

  /// The price, for the question a live write asks.
  var priceText: String {
    setup == nil || monthly == nil ? "price unknown (pipe the group record in to see it)" : price.text
  }
}

extension Invocation {
  /// Whether writes are only planned now.
  fileprivate var isDryRun: Bool { (try? session.isDryRun) ?? false }
}

/// A dry run's stand-in for an answer, piped into a write after the dry run was turned off: it names no real
/// reservation or number, and reading its group would buy a random number of it.
private func dryRunRecord(_ command: String) -> CommandError {
  CommandError(
    "\(command): the record piped in is what a dry run planned; nothing was reserved or bought then",
    help: "run the steps before it again without the dry run")
}

/// A purchase's price, as far as 2cs knows it.
private struct Price: Sendable {
  var setup: DecimalNumber?
  var monthly: DecimalNumber?
  /// Whether the server gave it in this session; a budget trusts nothing else.
  var fromServer: Bool

  var text: String {
    guard let setup, let monthly else { return "price unknown" }
    return "setup \(setup), monthly \(monthly)"
  }
}

/// One write: what it sends, how the question and the messages name it, and how 2cs can tell afterwards
/// whether it took effect when its answer was lost.
private struct Write: Sendable {
  /// How messages and the journal name the write: the command, or a step of it ("purchase: reserve first").
  var label: String
  var endpoint: Endpoint
  var body: JSONObject?
  /// What a done write did, for messages: "bought +12135551234".
  var deed: String
  /// What a write that did not happen did not do: "nothing was bought".
  var nothingDone: String
  /// What the account shows when it is all 2cs can say of a write whose answer was lost; nil for "it went
  /// through", when the account shows this write's own work.
  var seenInAccount: String?
  var question: String
  /// Purchases only: counted against the budget and in the dry-run plan.
  var spend: Price?
  /// The number the write is about, when it is known before sending.
  var number: String?
  /// True when the question was already asked (a purchase that reserves first asks once for both).
  var confirmed = false
  var send: @Sendable (NumbersClient) async throws(NumbersAPIError) -> Value

  var check: OutcomeCheck { OutcomeCheck(endpoint: endpoint, number: number) }
}

/// How a sent write ended.
private enum WriteOutcome: Sendable {
  case done(Value, checked: Bool)
  /// Certain: the request never left, or the server refused it.
  case notDone(NumbersAPIError)
  /// Anything else: the answer was lost or unreadable, and the account did not show the write. `status` is the
  /// HTTP status of an answer that came.
  case unknown(why: String, status: Int? = nil, endpoint: String)
}

/// Every write goes through here: the budget, dry run, confirmation on a live account, the journal, and
/// the three outcomes (done, not done, unknown). A request is never sent twice.
private func perform(_ write: Write, _ call: Invocation) async throws -> Value {
  let session = try call.session
  let label = write.label
  // A Ctrl-C from here on counts towards the one that stops waiting for the outcome.
  let interruptsBefore = session.interrupts.count
  // The mode decides whether to ask, and the journal records it: learn it before anything else.
  await session.identifyServer()
  var entry: JSONObject = [
    "time": .string(Date().formatted(.iso8601)), "mode": .string(session.mode.rawValue),
    "command": .string(label), "server": .string(session.client.transport.displayBaseURL),
    "method": .string(write.endpoint.method.rawValue), "path": .string(write.endpoint.path),
  ]
  if let body = write.body { entry["body"] = .object(body) }
  if let number = write.number { entry["number"] = .string(number) }

  if let spend = write.spend { try checkBudget(spend, command: label, session) }

  if session.isDryRun {
    var line = "dry run: \(write.endpoint.method.rawValue) \(write.endpoint.path)"
    if let body = write.body { line += " " + JSONValue.object(body).jsonText }
    if let spend = write.spend { line += " (\(spend.text))" }
    call.print(line)
    if let spend = write.spend { session.record(spend: spend.setup, spend.monthly, dryRun: true) }
    entry["outcome"] = "dry_run"
    try journalBeforeSending(session, entry)
    // The fields a real answer has, as null (the number when it is known), then what would have been sent.
    var result = Record()
    for name in ContractShapes.answerFields(of: write.endpoint.route) { result[name] = .null }
    if let number = write.number { result[PurchaseBodyField.number] = .string(number) }
    // What the next command of the flow needs from it, as a reservation carries its group.
    if let group = write.body?[PurchaseBodyField.groupID] { result[PurchaseBodyField.groupID] = Value(json: group) }
    result[AddedField.dryRun] = .bool(true)
    result[AddedField.method] = .string(write.endpoint.method.rawValue)
    result[AddedField.path] = .string(write.endpoint.path)
    result[AddedField.body] = write.body.map { Value(json: .object($0)) } ?? .null
    return .record(result)
  }

  if !write.confirmed { try await confirm(write.question, call) }

  // Journaled before the request leaves, so a run killed mid-write still leaves a trace of it.
  entry["outcome"] = "sending"
  let sending = try journalBeforeSending(session, entry)
  if Task.isCancelled {
    entry["outcome"] = "not_done"
    entry["error"] = "interrupted before sending"
    journalOutcome(session, entry, settling: sending)
    throw notSent("\(label) interrupted before the request was sent", help: write.nothingDone)
  }

  let outcome = await settle(write, session: session, interruptsBefore: interruptsBefore)
  switch outcome {
  case .done(let result, let checked):
    if let spend = write.spend { session.record(spend: spend.setup, spend.monthly, dryRun: false) }
    entry["outcome"] = "done"
    if checked { entry["checked"] = true }
    entry["result"] = result.json
    journalOutcome(session, entry, settling: sending)
    if checked {
      let seen = write.seenInAccount ?? "it went through (\(write.deed), seen in the account)"
      session.warn("\(label): \(seen); it was not sent again.")
    } else if Task.isCancelled {
      // The rest of the statement is interrupted: say here what the write did.
      session.warn("\(label): done: \(write.deed)")
    }
    return result
  case .notDone(let error):
    entry["outcome"] = "not_done"
    entry["status"] = error.status.map(JSONValue.int) ?? .null
    entry["error"] = .string(error.message)
    journalOutcome(session, entry, settling: sending)
    let why =
      if case .transport(.couldNotConnect) = error.kind { "the request never reached the server" } else {
        "the server refused it"
      }
    var details = error.details
    details["outcome"] = .string("not_done")
    details["number"] = write.number.map(Value.string) ?? .null
    throw CommandError(
      error.message, help: "\(why): \(write.nothingDone)" + (error.help.map { "; \($0)" } ?? ""),
      status: error.status, endpoint: error.endpoint, details: details)
  case .unknown(let why, let status, let endpoint):
    // It may have cost money: count it, so the budget stays a ceiling.
    if let spend = write.spend { session.record(spend: spend.setup, spend.monthly, dryRun: false) }
    entry["outcome"] = "unknown"
    entry["error"] = .string(why)
    journalOutcome(session, entry, settling: sending)
    throw CommandError(
      "the outcome of \(label) is unknown: \(why)",
      help:
        "it was not sent again\(write.spend == nil ? "" : ", and it counts against the budget"); find out with: \(write.check.howToFindOut), or later with: journal check",
      status: status, endpoint: endpoint,
      details: ["outcome": .string("unknown"), "number": write.number.map(Value.string) ?? .null])
  }
}

/// A write refused before anything was sent: not done, for certain.
private func notSent(_ message: String, help: String? = nil) -> CommandError {
  CommandError(message, help: help, details: ["outcome": .string("not_done")])
}

/// Sends the request once, away from the command's cancellation: after the first Ctrl-C it waits for the
/// answer (or looks at the account); a second Ctrl-C stops the waiting and leaves the outcome unknown.
private func settle(_ write: Write, session: Session, interruptsBefore: Int) async -> WriteOutcome {
  let label = write.label
  let client = session.client
  let delays = session.outcomeCheckDelays
  let warn = session.warn
  let attempt = Task { () async -> WriteOutcome in
    let error: NumbersAPIError
    do throws(NumbersAPIError) {
      return .done(try await write.send(client), checked: false)
    } catch let failure {
      error = failure
    }
    guard error.writeMayHaveHappened else { return .notDone(error) }
    guard let verify = write.check.look else {
      return .unknown(
        why: "\(error.message), and nothing shows whether it went through", status: error.status,
        endpoint: error.endpoint)
    }
    // After a second Ctrl-C the outcome is already reported unknown: look no more.
    if Task.isCancelled { return .unknown(why: "stopped waiting", status: error.status, endpoint: error.endpoint) }
    warn("\(label): \(error.description); looking at the account to see whether it went through…")
    var lastProblem = ""
    for delay in delays {
      do {
        try await Task.sleep(for: delay)
      } catch {
        break
      }
      do throws(NumbersAPIError) {
        if let result = try await verify(client) { return .done(result, checked: true) }
      } catch {
        lastProblem = "; looking failed: \(error.description)"
      }
    }
    let waited = delays.reduce(Duration.zero, +)
    let answered = error.status == nil ? "after the request was sent" : "in answer to the request"
    return .unknown(
      why: "\(error.message) \(answered), and the account did not show it within \(waited)\(lastProblem)",
      status: error.status, endpoint: error.endpoint)
  }

  let answer = OneAnswer<WriteOutcome>()
  return await withTaskCancellationHandler {
    await withCheckedContinuation { continuation in
      answer.wait(with: continuation)
      let token = session.interrupts.whenCount(reaches: interruptsBefore + 2) {
        attempt.cancel()
        answer.give(
          .unknown(why: "stopped waiting for the answer after a second Ctrl-C", endpoint: write.endpoint.name))
      }
      Task {
        answer.give(await attempt.value)
        session.interrupts.forget(token)
      }
    }
  } onCancel: {
    warn("\(label): the request has left; waiting for its outcome (Ctrl-C again to stop waiting, leaving it unknown)")
  }
}

/// A continuation resumed by whichever answer comes first.
private final class OneAnswer<Answer: Sendable>: Sendable {
  private let state = Mutex<(continuation: CheckedContinuation<Answer, Never>?, early: Answer?)>((nil, nil))

  func wait(with continuation: CheckedContinuation<Answer, Never>) {
    let early = state.withLock { state in
      if state.early == nil { state.continuation = continuation }
      return state.early
    }
    if let early { continuation.resume(returning: early) }
  }

  func give(_ answer: Answer) {
    let waiting = state.withLock { state -> CheckedContinuation<Answer, Never>? in
      guard let continuation = state.continuation else {
        if state.early == nil { state.early = answer }
        return nil
      }
      state.continuation = nil
      state.early = answer
      return continuation
    }
    waiting?.resume(returning: answer)
  }
}

/// Refuses a purchase that would take the session over its budget, or whose price is unknown under one.
private func checkBudget(_ spend: Price, command: String, _ session: Session) throws {
  guard let budget = session.budget else { return }
  guard let setup = spend.setup, let monthly = spend.monthly else {
    throw notSent(
      "\(command): the price is unknown, so the budget of \(budget) cannot be checked; nothing was sent",
      help: "pipe the group record in: groups … | first | purchase")
  }
  guard spend.fromServer else {
    throw notSent(
      "\(command): the price comes from a record, not from the server in this session, so the budget of \(budget) cannot be checked; nothing was sent",
      help: "list the group first, so 2cs knows its price: groups … | first | purchase")
  }
  let already = session.isDryRun ? session.planned.total : session.spent.total
  let after = already.adding(setup)?.adding(monthly) ?? already
  if after > budget {
    throw notSent(
      "\(command) would bring this session's spending to \(after) (setup plus first month), over the budget of \(budget); nothing was sent",
      help: session.ceiling.budget == nil
        ? "raise it with set budget=N, or turn it off with set budget=off"
        : "the command line's --budget \(session.ceiling.budget ?? budget) is the most any script may spend")
  }
}

/// On a live account, asks at the terminal; a script needs `--yes` on the command line.
private func confirm(_ question: String, _ call: Invocation) async throws {
  let session = try call.session
  await session.identifyServer()
  guard session.mode == .live, session.writesNeedConfirmation else { return }
  let command = call.signature.name
  if let confirmer = session.confirmer {
    guard await confirmer(question) == true else {
      throw notSent("\(command) cancelled: not confirmed; nothing was sent")
    }
  } else {
    throw notSent(
      "\(command) on a live account needs confirmation; nothing was sent",
      help: "run the script with --yes (a script's `set confirm=off` cannot stand in for it)")
  }
}

/// Journals a write before it is sent; when that fails, the write is not sent. Returns the entry's id.
@discardableResult
private func journalBeforeSending(_ session: Session, _ entry: JSONObject) throws -> String {
  do {
    return try session.journal.append(.object(entry))
  } catch {
    throw notSent("\(error)", help: "nothing was sent")
  }
}

/// Journals a write's outcome. The outcome stands whatever the disk does, so a failure here is a warning.
private func journalOutcome(_ session: Session, _ entry: JSONObject, settling sending: String) {
  do {
    try session.journal.append(.object(entry), settling: sending)
  } catch {
    let outcome = entry["outcome"]?.stringValue ?? "unknown"
    session.warn("\(error); the write's outcome (\(outcome)) is not journaled, and `journal check` will ask again")
  }
}

/// The purchase result, carrying `number`: the number the server says it sold, or else the one asked for.
/// An answer that says success but lists nothing bought, or the number as failed, is not taken at its word:
/// it is an unreadable answer, and the account is looked at.
private func purchaseResult(_ answer: JSONValue, asked number: String?, warn: (String) -> Void)
  throws(NumbersAPIError) -> Value
{
  guard case .record(var record) = Value(json: answer) else { return Value(json: answer) }
  var sold = number
  let listedAsFailed =
    if case .list(let failed)? = record[PurchaseField.failed], let number {
      failed.contains { if case .string(let text) = $0 { PhoneNumber.same(text, number) } else { false } }
    } else { false }
  if case .list(let purchased)? = record[PurchaseField.purchased] {
    if case .string(let first)? = purchased.first {
      if let number, !PhoneNumber.same(first, number) {
        warn("purchase: the server says it sold \(first), not \(number) as asked; see numbers")
      }
      sold = first
    } else if listedAsFailed || purchased.isEmpty {
      throw NumbersAPIError(
        .malformedResponse(status: 201, detail: "the answer says success but lists no number bought"),
        endpoint: Endpoint.purchase.name)
    }
  }
  if record[PurchaseBodyField.number] == nil, let sold { record[PurchaseBodyField.number] = .string(sold) }
  return .record(record)
}

/// Holding a number: `reserve`, and the step a purchase takes first in a group that does not let callers choose.
private func reservation(_ target: WriteTarget, number: String?, label: String) -> Write {
  let groupID = target.groupID
  return Write(
    label: label, endpoint: .createReservation, body: target.body(number: number),
    deed: "reserved \(number ?? "a number")", nothingDone: "nothing was reserved",
    question: "Reserve \(number ?? "a random number") of group \(groupID) (\(target.priceText))?", number: number,
    send: { client throws(NumbersAPIError) in
      var value = Value(json: try await client.reserve(groupID: groupID, number: number))
      if case .record(var record) = value {
        record[PurchaseBodyField.groupID] = .string(groupID)
        value = .record(record)
      }
      return value
    })
}

/// The first number `available` offers in a group, or nil when it offers none or refuses (the group may not
/// let callers choose after all): then a reservation picks the number instead.
private func firstOffered(in groupID: String, _ call: Invocation) async throws -> String? {
  do {
    let offered = try await call.request { client throws(NumbersAPIError) in
      try await client.availableNumbers(groupID: groupID)
    }
    return offered.first?[AvailableNumberField.number]?.stringValue
  } catch var error as CommandError {
    if error.status == 400 { return nil }
    error.help = "picking a number failed, so nothing was bought"
    error.details["outcome"] = .string("not_done")
    throw error
  }
}

/// A reservation made before a purchase, so the purchase names its number. Whatever became of the
/// reservation, a failure here means the purchase was not sent.
private func reserveForPurchase(_ target: WriteTarget, _ call: Invocation) async throws -> String {
  var step = reservation(target, number: nil, label: "purchase: reserve first")
  step.confirmed = true
  let held: Value
  do {
    held = try await perform(step, call)
  } catch var error as CommandError {
    error.help =
      "purchase reserves a number first, and that failed"
      + (error.help.map { " (\($0))" } ?? "") + "; nothing was bought: the purchase was not sent"
    error.details["reservation_outcome"] = error.details["outcome"] ?? .null
    error.details["outcome"] = .string("not_done")
    throw error
  }
  guard case .string(let number)? = held.field(ReservationDetailsField.number) else {
    throw notSent(
      "purchase: the reservation made first has no number, so the purchase cannot name one; nothing was bought",
      help: "the reservation expires by itself; see reservations")
  }
  try call.session.noteHolds(held)
  return number
}

let apiWriteCommands: [Command] = [
  Command(
    Signature(
      name: "reserve", category: .api, summary: "Hold a number (a random one of the group, or a chosen one).",
      parameters: [
        groupParameter, Parameter(numberParameterName, .string, summary: "the number to hold, in E.164"),
      ],
      input: "a group record, or a number record from available", accepts: [.record, .nothing],
      output: "the reservation {uuid, number, created_at, expires_at}; it carries `group_id`",
      resultShape: .fixed(ContractShapes.reservation),
      details: "Reservations are free and expire (the sandbox keeps them 30 minutes). On a live account it asks first.",
      examples: [Example("groups US near=212 | first | reserve | get number", "hold a random New York number")],
      flowStep: .reserve, apiCalls: [APICall(.createReservation)], requests: .reserve)
  ) { call in
    let target = try WriteTarget(input: call.input, call: call, command: "reserve")
    let result = try await perform(reservation(target, number: target.number, label: "reserve"), call)
    if result.field(AddedField.dryRun) == nil { try call.session.noteHolds(result) }
    return result
  },

  Command(
    Signature(
      name: "cancel", category: .api, summary: "Give a reserved number back.",
      parameters: [Parameter("uuid", .string, positional: true, summary: "the reservation's uuid")],
      input: "a reservation record", accepts: [.record, .nothing], output: "the server's answer",
      examples: [Example("reservations | first | cancel", "cancel the first reservation")], flowStep: .reserve,
      apiCalls: [APICall(.cancelReservation)], requests: .byUUID)
  ) { call in
    var uuid = call.string("uuid")
    if case .record(let record) = call.input {
      // A reservation from `reservations` or from `reserve`; an owned number has a uuid too, but is released.
      let isReservation =
        record[ReservationField.reservationEndDate] != nil || record[ReservationDetailsField.expiresAt] != nil
      guard isReservation, case .string(let id)? = record[ReservationField.uuid] else {
        throw CommandError(
          "cancel takes a reservation piped in, got \(call.input.summary)",
          help: record[VirtualNumberField.phoneNumber] != nil
            ? "this is a number the account owns: give it up with release" : "reservations | first | cancel")
      }
      uuid = try agreeing(given: uuid, piped: id, "reservation", parameter: "uuid", command: "cancel")
    }
    guard let uuid else {
      throw CommandError("cancel needs a reservation", help: "reservations | first | cancel, or cancel UUID")
    }
    let result = try await perform(
      Write(
        label: "cancel", endpoint: .cancelReservation(uuid: uuid), body: nil, deed: "cancelled reservation \(uuid)",
        nothingDone: "the reservation is still held",
        // A reservation missing from the list may have expired, or never have been this account's.
        seenInAccount: "reservation \(uuid) is no longer held, as the account shows (cancelled, or expired)",
        question: "Cancel reservation \(uuid)?",
        send: { client throws(NumbersAPIError) in Value(json: try await client.cancelReservation(uuid: uuid)) }), call)
    if result.field(AddedField.dryRun) == nil { try call.session.releaseHold(uuid: uuid) }
    return result
  },

  Command(
    Signature(
      name: "purchase", category: .api,
      summary: "Buy a number: a random one of a group, a chosen one, or a reserved one.",
      parameters: [
        groupParameter, Parameter(numberParameterName, .string, summary: "the number to buy, in E.164"),
      ],
      input: "a group, a number from available, or a reservation", accepts: [.record, .nothing],
      output: "the server's purchase result; it carries `number`, the number bought",
      details: """
        Every purchase names its number, so that if its answer is lost 2cs can tell whether it went through by \
        looking for that number among yours; it is never sent twice. For a random number 2cs first picks one \
        with `available` (one free read) where the group allows choosing, or else reserves one (a free write, \
        held for a while) and buys that. A number you chose is first looked up among yours (one read) and \
        refused if it is already yours. Outcomes: done; not done, only when certain (never sent, or refused); \
        unknown, an error that says how to find out and counts against the budget. \
        On a live account it asks first (scripts need --yes); --budget caps the spending.
        """,
      examples: [Example("groups country=US | first | purchase | get success", "buy a number", result: "true")],
      flowStep: .purchase,
      apiCalls: [
        APICall(.available, when: "for a random number, where the group allows choosing: to pick it"),
        APICall(
          .createReservation,
          when: "for a random number of a group that does not allow choosing: to learn which number is bought"),
        APICall(.ownedNumbers, when: "for a number you chose: to check it is not yours already"), APICall(.purchase),
      ], requests: .purchase)
  ) { call in
    let target = try WriteTarget(input: call.input, call: call, command: "purchase")
    let session = try call.session
    let groupID = target.groupID
    if target.needsDocuments {
      session.warn(
        "purchase: this group needs documents; the number stays \(VirtualNumberStatus.awaitingRegistration.rawValue) "
          + "until they are provided")
    }
    var number = target.number
    var confirmed = false
    if let chosen = number, !session.isDryRun {
      // A number the account already has would make a lost answer look like a purchase: refuse it up front.
      try checkBudget(target.price, command: "purchase", session)
      let owned: JSONValue?
      do {
        owned = try await call.request { client throws(NumbersAPIError) in try await client.ownedNumber(chosen) }
      } catch var error as CommandError {
        error.help = "looking at your numbers first failed, so nothing was bought"
        error.details["outcome"] = .string("not_done")
        throw error
      }
      if owned != nil { throw notSent("purchase: \(chosen) is already yours; nothing was sent") }
    } else if number == nil && !session.isDryRun {
      try checkBudget(target.price, command: "purchase", session)
      if target.allowsNumberSelection == true { number = try await firstOffered(in: groupID, call) }
      if number == nil {
        try await confirm(
          "Buy a random number of group \(groupID): \(target.priceText)? (2cs reserves it first, free, to know which number it buys)",
          call)
        confirmed = true
        number = try await reserveForPurchase(target, call)
      }
    }
    let chosen = number
    let warn = session.warn
    let result = try await perform(
      Write(
        label: "purchase", endpoint: .purchase, body: target.body(number: chosen),
        deed: "bought \(chosen ?? "a number")",
        nothingDone: confirmed && chosen != nil
          ? "nothing was bought; \(chosen ?? "") stays reserved for you until the reservation expires (reservations)"
          : "nothing was bought",
        question: "Buy \(chosen ?? "a random number") of group \(groupID): \(target.priceText)?",
        spend: target.price, number: chosen, confirmed: confirmed,
        send: { client throws(NumbersAPIError) in
          try purchaseResult(await client.purchase(groupID: groupID, number: chosen), asked: chosen, warn: warn)
        }), call)
    if result.field(AddedField.dryRun) == nil, let chosen { session.releaseHold(number: chosen) }
    return result
  },

  Command(
    Signature(
      name: "release", category: .api,
      summary: "Give up an owned number (it becomes \(VirtualNumberStatus.pendingCancellation.rawValue)).",
      parameters: [
        Parameter("uuid", .string, positional: true, summary: "the virtual number's uuid, or its phone number")
      ],
      input: "an owned number record, or a purchase result", accepts: [.record, .nothing],
      output: "the server's answer",
      examples: [Example("numbers | first | release", "release the first owned number")], flowStep: .manage,
      apiCalls: [
        APICall(.ownedNumbers, when: "for a number given as a phone number: to find its uuid"), APICall(.releaseNumber),
      ], requests: .release)
  ) { call in
    let session = try call.session
    var key = call.string("uuid")
    if case .record(let record) = call.input {
      if case .bool(true)? = record[AddedField.dryRun], !call.isDryRun { throw dryRunRecord("release") }
      var piped: String?
      if case .string(let uuid)? = record[VirtualNumberField.uuid], record[VirtualNumberField.phoneNumber] != nil {
        piped = uuid
      } else if case .list(let bought)? = record[PurchaseField.numbers], case .record(let owned)? = bought.first,
        case .string(let uuid)? = owned[VirtualNumberField.uuid]
      {
        piped = uuid
      } else if case .string(let phone)? = record[PurchaseBodyField.number] {
        piped = phone
      } else if case .list(let bought)? = record[PurchaseField.purchased], case .string(let phone)? = bought.first {
        piped = phone
      }
      guard piped != nil else {
        throw CommandError(
          "release takes an owned number or a purchase result piped in, got \(call.input.summary)",
          help: "numbers | first | release")
      }
      key = try agreeing(given: key, piped: piped, "number", parameter: "uuid", command: "release")
    }
    guard let key else {
      throw CommandError("release needs a number", help: "numbers | first | release, or release DID…, or release +1…")
    }
    var uuid = key
    var phone: String?
    if key.hasPrefix("+") || key.allSatisfy({ $0.isNumber || " ()-.".contains($0) }) {
      // A phone number: find its uuid among the owned numbers.
      let owned: JSONValue?
      do {
        owned = try await call.request { client throws(NumbersAPIError) in try await client.ownedNumber(key) }
      } catch var error as CommandError {
        error.help = "looking for \(key) among your numbers failed, so nothing was released"
        error.details["outcome"] = .string("not_done")
        throw error
      }
      guard let found = owned?[VirtualNumberField.uuid]?.stringValue else {
        throw CommandError("release: \(key) is not one of your numbers")
      }
      uuid = found
      phone = key
    }
    let resolved = uuid
    return try await perform(
      Write(
        label: "release", endpoint: .releaseNumber(uuid: resolved), body: nil, deed: "released \(phone ?? resolved)",
        nothingDone: "this request released nothing (numbers shows the number's status)",
        question: "Release \(phone ?? resolved)? It cannot be undone.",
        number: phone,
        send: { client throws(NumbersAPIError) in Value(json: try await client.releaseNumber(uuid: resolved)) }), call)
  },
]
