import Foundation
import Language
import NumbersAPI

/// What a write is about, gathered from its arguments and the piped record.
private struct WriteTarget {
  var groupID: String?
  var number: String?
  var setup: DecimalNumber?
  var monthly: DecimalNumber?
  var needsDocuments = false

  init(input: Value, call: Invocation, command: String) throws {
    if case .list(let items) = input {
      throw CommandError(
        "\(command) takes one record, not a list of \(items.count)",
        help: "pick one with first (… | first | \(command)) or go through them with: for g in … { \(command) … }")
    }
    if case .record(let record) = input {
      if case .record(let price)? = record["price"] {
        setup = price["setup_price"].flatMap(Self.number)
        monthly = price["monthly_price"].flatMap(Self.number)
      } else {
        setup = record["setup_price"].flatMap(Self.number)
        monthly = record["monthly_price"].flatMap(Self.number)
      }
      if case .list(let requirements)? = record["requirements"], !requirements.isEmpty { needsDocuments = true }
      if case .bool(true)? = record["needs_registration"] { needsDocuments = true }
      if case .string(let number)? = record["number"] { self.number = number }
    }
    if call.given("group_id") || input != .null {
      groupID = try? groupIdentifier(input, argument: call["group_id"], command: command)
    }
    if let number = call.string("number") { self.number = number }
    if let groupID, setup == nil || monthly == nil, let known = try? call.session.knownPrice(ofGroup: groupID) {
      setup = known.setup
      monthly = known.monthly
      needsDocuments = needsDocuments || known.needsDocuments
    }
    guard groupID != nil else {
      throw CommandError(
        "\(command) needs a group",
        help: "pipe a group, a number from available or a reservation in, or give group=ID")
    }
  }

  static func number(_ value: Value) -> DecimalNumber? {
    if case .number(let number) = value { return number }
    return nil
  }

  var body: JSONObject {
    var body: JSONObject = ["group_id": .string(groupID ?? "")]
    if let number { body["number"] = .string(number) }
    return body
  }

  var priceText: String {
    guard let setup, let monthly else { return "price unknown (pipe the group record in to see it)" }
    return "setup \(setup), then \(monthly) a month"
  }
}

/// What the owned numbers showed after a write's answer was lost.
enum LostAnswerOutcome: Sendable {
  case done(Value)
  case notDone
  case unknown
}

/// Looks at the owned numbers after a lost answer; made just before the request is sent.
typealias LostAnswerCheck = @Sendable (Session) async -> LostAnswerOutcome

/// The steps every write shares: refuse lists, dry-run, confirm on a live account, journal the outcome.
private func write(
  _ call: Invocation, endpoint: Endpoint, body: JSONObject?, question: String,
  spend: (setup: DecimalNumber?, monthly: DecimalNumber?)? = nil,
  send: @Sendable (NumbersClient) async throws(NumbersAPIError) -> Value,
  check: (@Sendable (Session) async -> LostAnswerCheck)? = nil
) async throws -> Value {
  let session = try call.session
  var entry: JSONObject = [
    "time": .string(Date().formatted(.iso8601)), "mode": .string(session.mode.rawValue),
    "command": .string(call.signature.name), "method": .string(endpoint.method.rawValue),
    "path": .string(endpoint.path),
  ]
  if let body { entry["body"] = .object(body) }

  if let spend, let budget = session.settings.budget {
    guard let setup = spend.setup, let monthly = spend.monthly else {
      throw CommandError(
        "\(call.signature.name): the price is unknown, so the budget of \(budget) cannot be checked",
        help: "pipe the group record in: groups … | first | purchase")
    }
    let already = session.settings.dryRun ? session.planned.total : session.spent.total
    let after = already.adding(setup)?.adding(monthly) ?? already
    if after > budget {
      throw CommandError(
        "\(call.signature.name) would bring this session's spending to \(after) (setup plus first month), over the budget of \(budget)",
        help: "raise it with set budget=N, or turn it off with set budget=off")
    }
  }

  if session.settings.dryRun {
    call.print(
      "dry run: \(endpoint.method.rawValue) \(endpoint.path)\(body.map { " " + JSONValue.object($0).jsonText } ?? "")")
    if let spend { session.record(spend: spend.setup, spend.monthly, dryRun: true) }
    entry["outcome"] = "dry_run"
    try journal(session, entry)
    var result: Record = [
      "dry_run": .bool(true), "method": .string(endpoint.method.rawValue), "path": .string(endpoint.path),
    ]
    result["body"] = body.map { Value(json: .object($0)) } ?? .null
    return .record(result)
  }

  if session.mode == .live && session.settings.confirm {
    if let confirmer = session.confirmer {
      guard await confirmer(question) else { throw CommandError("\(call.signature.name) cancelled: not confirmed") }
    } else if !session.assumeYes {
      throw CommandError(
        "\(call.signature.name) on a live account needs confirmation; nothing was sent",
        help: "run the script with --yes, or put `set confirm=off` before it")
    }
  }

  // Journaled before the request leaves too, so a run killed mid-write still leaves a trace of it.
  entry["outcome"] = "sending"
  let checkLostAnswer = await check?(session)
  try journal(session, entry, sent: false)
  let result: Value
  do throws(NumbersAPIError) {
    result = try await send(session.client)
  } catch {
    entry["outcome"] = "error"
    entry["status"] = error.status.map(JSONValue.int) ?? .null
    entry["error"] = .string(error.message)
    if case .transport(let failure) = error.kind, failure.requestMayHaveArrived, let checkLostAnswer {
      session.warn("\(call.signature.name): \(error.message) after the request was sent; checking what happened…")
      switch await checkLostAnswer(session) {
      case .done(let found):
        if let spend { session.record(spend: spend.setup, spend.monthly, dryRun: false) }
        entry["outcome"] = "ok_after_check"
        entry["result"] = found.json
        try journal(session, entry)
        session.warn("\(call.signature.name): it went through (found in your numbers); it was not sent again.")
        return found
      case .notDone:
        entry["outcome"] = "not_done_after_check"
        try journal(session, entry)
        throw CommandError(
          "\(error.message) after the request was sent; your numbers do not show the purchase, so nothing was bought",
          help: "it was not sent again; try once more if you still want it", endpoint: error.endpoint)
      case .unknown:
        entry["outcome"] = "unknown_after_check"
        try journal(session, entry)
        throw CommandError(
          "\(error.message) after the request was sent, and 2cs could not tell whether it went through",
          help: "it was not sent again; look at `numbers` before you try again", endpoint: error.endpoint)
      }
    }
    try journal(session, entry)
    if case .transport(.cancelled) = error.kind { throw CancellationError() }
    throw CommandError(error.message, status: error.status, endpoint: error.endpoint)
  }
  if let spend { session.record(spend: spend.setup, spend.monthly, dryRun: false) }
  entry["outcome"] = "ok"
  entry["result"] = result.json
  try journal(session, entry)
  return result
}

private func journal(_ session: Session, _ entry: JSONObject, sent: Bool = true) throws {
  do {
    try session.journal.append(.object(entry))
  } catch {
    throw CommandError(
      "\(error)",
      help: sent ? "the write itself was carried out; see `numbers` or `reservations`" : "nothing was sent")
  }
}

extension Value {
  /// Passes the value to `note` when it is not a dry run, and returns it.
  fileprivate func noting(_ note: (Value) throws -> Void) rethrows -> Value {
    if field("dry_run") == nil { try note(self) }
    return self
  }
}

let apiWriteCommands: [Command] = [
  Command(
    Signature(
      name: "reserve", category: .api, summary: "Hold a number (a random one of the group, or a chosen one).",
      parameters: [
        Parameter("group_id", .any, aliases: ["group"], positional: true, summary: "a group record or id"),
        Parameter("number", .string, summary: "the number to hold, in E.164"),
      ],
      input: "a group record, or a number record from available",
      output: "the reservation {uuid, number, created_at, expires_at}; it carries `group_id`",
      details: "Reservations expire (the sandbox keeps them 30 minutes). On a live account it asks first.",
      examples: [Example("groups US near=212 | first | reserve | get number", "hold a random New York number")])
  ) { call in
    let target = try WriteTarget(input: call.input, call: call, command: "reserve")
    let groupID = target.groupID ?? ""
    let number = target.number
    return try await write(
      call, endpoint: .createReservation, body: target.body,
      question: "Reserve \(number ?? "a random number") of group \(groupID) (\(target.priceText))?"
    ) { client throws(NumbersAPIError) in
      var value = Value(json: try await client.reserve(groupID: groupID, number: number))
      if case .record(var record) = value {
        record["group_id"] = .string(groupID)
        value = .record(record)
      }
      return value
    }
    .noting { try call.session.noteHolds($0) }
  },

  Command(
    Signature(
      name: "cancel", category: .api, summary: "Give a reserved number back.",
      parameters: [Parameter("uuid", .string, positional: true, summary: "the reservation's uuid")],
      input: "a reservation record", output: "the server's answer",
      examples: [Example("reservations | first | cancel", "cancel the first reservation")])
  ) { call in
    var uuid = call.string("uuid")
    if case .list(let items) = call.input {
      throw CommandError("cancel takes one reservation, not a list of \(items.count)", help: "use first, or for")
    }
    if uuid == nil, case .record(let record) = call.input, case .string(let id)? = record["uuid"] { uuid = id }
    guard let uuid else {
      throw CommandError("cancel needs a reservation", help: "reservations | first | cancel, or cancel UUID")
    }
    let result = try await write(
      call, endpoint: .cancelReservation(uuid: uuid), body: nil, question: "Cancel reservation \(uuid)?"
    ) { client throws(NumbersAPIError) in Value(json: try await client.cancelReservation(uuid: uuid)) }
    if result.field("dry_run") == nil { try call.session.releaseHold(uuid: uuid) }
    return result
  },

  Command(
    Signature(
      name: "purchase", category: .api,
      summary: "Buy a number: a random one of a group, a chosen one, or a reserved one.",
      parameters: [
        Parameter("group_id", .any, aliases: ["group"], positional: true, summary: "a group record or id"),
        Parameter("number", .string, summary: "the number to buy, in E.164"),
      ],
      input: "a group, a number from available, or a reservation", output: "the server's purchase result",
      details: """
        Never sent twice: if the connection breaks after the request left, 2cs looks in your numbers and reports what happened \
        (for a random number it first reads how many numbers you own, one extra call, so it can tell). \
        On a live account it asks first (scripts need --yes); --budget caps the spending.
        """,
      examples: [Example("groups country=US | first | purchase | get success", "buy a number", result: "true")])
  ) { call in
    let target = try WriteTarget(input: call.input, call: call, command: "purchase")
    let session = try call.session
    let groupID = target.groupID ?? ""
    let number = target.number
    if target.needsDocuments {
      session.warn(
        "purchase: this group needs documents; the number stays AWAITING_REGISTRATION until they are provided")
    }
    let result = try await write(
      call, endpoint: .purchase, body: target.body,
      question: "Buy \(number ?? "a random number") of group \(groupID): \(target.priceText)?",
      spend: (target.setup, target.monthly)
    ) { client throws(NumbersAPIError) in
      Value(json: try await client.purchase(groupID: groupID, number: number))
    } check: { session in
      // For a random number, how many numbers the account owns just before tells whether one was added.
      let ownedBefore =
        number == nil
        ? (try? await session.client.ownedNumbersPage(pageNumber: 0, resultsPerPage: 1))?.total : nil
      return { session in
        guard let owned = try? await session.client.ownedNumbers() else { return .unknown }
        let bought: JSONValue?
        if let number {
          bought = owned.first { $0["phone_number"]?.stringValue == number }
        } else {
          guard let ownedBefore else { return .unknown }
          bought =
            owned.count > ownedBefore
            ? owned.max { ($0["created_at"]?.stringValue ?? "") < ($1["created_at"]?.stringValue ?? "") } : nil
        }
        guard let bought else { return .notDone }
        return .done(
          .record([
            "success": .bool(true), "purchased": .list([Value(json: bought["phone_number"] ?? .null)]),
            "numbers": .list([Value(json: bought)]), "checked_after_connection_loss": .bool(true),
          ]))
      }
    }
    if result.field("dry_run") == nil, let number { session.releaseHold(number: number) }
    return result
  },

  Command(
    Signature(
      name: "release", category: .api, summary: "Give up an owned number (it becomes PENDING_CANCELLATION).",
      parameters: [
        Parameter("uuid", .string, positional: true, summary: "the virtual number's uuid, or its phone number")
      ],
      input: "an owned number record, or a purchase result", output: "the server's answer",
      examples: [Example("numbers | first | release", "release the first owned number")])
  ) { call in
    let session = try call.session
    var key = call.string("uuid")
    switch call.input {
    case .list(let items):
      throw CommandError("release takes one number, not a list of \(items.count)", help: "use first, or for")
    case .record(let record) where key == nil:
      if case .string(let uuid)? = record["uuid"], record["phone_number"] != nil {
        key = uuid
      } else if case .list(let bought)? = record["numbers"], case .record(let owned)? = bought.first,
        case .string(let uuid)? = owned["uuid"]
      {
        key = uuid
      } else if case .list(let bought)? = record["purchased"], case .string(let phone)? = bought.first {
        key = phone
      }
    default: break
    }
    guard var uuid = key else {
      throw CommandError("release needs a number", help: "numbers | first | release, or release DID…, or release +1…")
    }
    if uuid.hasPrefix("+") {
      // A phone number: find its uuid among the owned numbers.
      let phone = uuid
      let owned = try await api { () async throws(NumbersAPIError) in try await session.client.ownedNumbers() }
      guard let match = owned.first(where: { $0["phone_number"]?.stringValue == phone }),
        let found = match["uuid"]?.stringValue
      else { throw CommandError("release: \(phone) is not one of your numbers") }
      uuid = found
    }
    let resolved = uuid
    return try await write(
      call, endpoint: .releaseNumber(uuid: resolved), body: nil,
      question: "Release \(key ?? resolved)? It cannot be undone."
    ) { client throws(NumbersAPIError) in Value(json: try await client.releaseNumber(uuid: resolved)) }
  },
]
