import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import Sandbox
import TestSupport
import Testing

/// A purchase whose answer goes astray is reported as done with the number really bought, or as unknown:
/// never as "not bought" when it was, never with another number, and never sent twice.
@Suite("Purchase outcomes against a misbehaving server")
struct PurchaseOutcomeTests {
  /// How the purchase names its number.
  enum Way: String, CaseIterable, CustomTestStringConvertible {
    /// A number from `available`.
    case chosen
    /// A random number of a group that lets callers choose: 2cs picks one with `available`.
    case randomFromChoosableGroup
    /// A random number of a group that does not: 2cs reserves one first (one more POST).
    case randomFromFixedGroup

    var testDescription: String { rawValue }

    var statement: String {
      switch self {
      case .chosen: "available $pick | skip 4 | first | purchase"
      case .randomFromChoosableGroup: "$pick | purchase"
      case .randomFromFixedGroup: "groups US | where not allow_number_selection | first | purchase"
      }
    }

    /// POSTs the way sends before its purchase.
    var postsBefore: Int { self == .randomFromFixedGroup ? 1 : 0 }
  }

  enum Expected: Sendable { case done, unknown }

  /// Server behaviour, each after the purchase was committed unless said otherwise.
  static let servers: [(faults: String, expected: Expected)] = [
    ("drop-after=1", .done),
    ("502-after=1", .done),
    ("html-after=1", .done),
    ("drop-after=1,list-late=2", .done),
    ("drop-after=1,list-late=50", .unknown),
    ("drop-after=1,page-cap=1", .done),
    ("drop-after=1,no-count", .done),
    ("drop-after=1,no-plus", .done),
    ("drop-after=1,page-cap=1,no-count,no-plus,list-late=1", .done),
    // Before committing: nothing was bought, but only a definite refusal could prove it.
    ("drop=1", .unknown),
    ("500=1", .unknown),
  ]

  @Test(arguments: Way.allCases, servers.indices)
  func theReportedNumberIsTheOneBoughtOrTheOutcomeIsUnknown(way: Way, server: Int) async throws {
    let (faults, expected) = Self.servers[server]
    // Two numbers of the same group are bought first, in the same second (the harness's clock stands still).
    let harness = try LanguageHarness(faults: "only=POST,after=\(2 + way.postsBefore),\(faults)")
    let output = await harness.run(
      """
      let pick = groups US | where allow_number_selection | first
      for n in (available $pick | first 2) { $n | purchase }
      try {
        let bought = \(way.statement)
        print "reported done $bought.number"
      } catch err {
        print "reported $err.outcome"
        print $err.message
      }
      """)
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 3, "sent twice? \(output)")
    let owned = try await ownedPhoneNumbers(harness.sandbox)
    let report = output.split(separator: "\n").first { $0.hasPrefix("reported ") } ?? ""
    switch expected {
    case .done:
      #expect(report.hasPrefix("reported done +"), "\(faults): \(output)")
      let reported = String(report.dropFirst("reported done ".count))
      #expect(owned.count == 3)
      // The number reported is the one this purchase bought, not one of the two before it.
      #expect(owned.last.map { PhoneNumber.same($0, reported) } == true, "\(reported) vs \(owned)")
    case .unknown:
      #expect(report == "reported unknown", "\(faults): \(output)")
      #expect(output.contains("the outcome of purchase is unknown"))
    }
    #expect(!output.contains("nothing was bought"), "a false 'not bought': \(output)")
  }

  @Test func aDefiniteRefusalIsNotDone() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      let n = groups US | where allow_number_selection | first | available | first
      $n | reserve | get number | print
      try { purchase group=grp_missing number=$n.number } catch err { print "missing: $err.outcome $err.status" }
      """)
    #expect(output.contains("missing: not_done 404"), "\(output)")
    #expect(!output.contains("unknown"))
  }

  @Test func anUnknownOutcomeIsJournaledAndCountsAgainstTheBudget() async throws {
    try await withTemporaryFolder { folder in
      let harness = try LanguageHarness(
        journal: folder + "/journal.ndjson", faults: "only=POST,drop-after=1,list-late=50")
      harness.session.ceiling.budget = DecimalNumber("2.5")
      let output = await harness.run(
        """
        let g = groups US | where allow_number_selection and price.monthly_price == 1.50 | first
        try { $g | purchase } catch err { print "first: $err.outcome" }
        $g | purchase
        """)
      #expect(output.contains("first: unknown"), "\(output)")
      #expect(output.contains("over the budget of 2.5; nothing was sent"), "\(output)")
      #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
      let journal = await harness.run("journal | get outcome")
      #expect(journal.contains("sending\nunknown\n"), "\(journal)")
    }
  }

  @Test func aReleaseWhoseAnswerIsLostIsCheckedToo() async throws {
    let harness = try LanguageHarness(faults: "only=DELETE,502-after=1")
    let output = await harness.run(
      """
      let b = groups US | where allow_number_selection | first | purchase
      $b | release | get success
      numbers | first | get status_text
      """)
    #expect(output.contains("warning: release: it went through"), "\(output)")
    #expect(output.contains("true\nPENDING_CANCELLATION"), "\(output)")
  }

  private func ownedPhoneNumbers(_ sandbox: Sandbox) async throws -> [String] {
    let client = NumbersClient(transport: sandbox.inProcessTransport(), apiKey: APIKey("test"))
    return try await client.ownedNumbers().compactMap { $0["phone_number"]?.stringValue }
  }
}

/// Ctrl-C while a purchase is in flight, as the REPL delivers it: the first cancels the statement, and the
/// purchase waits on for its outcome; a second stops the waiting.
@Suite("Ctrl-C during a write")
struct InterruptedWriteTests {
  @Test func aSecondCtrlCLeavesTheOutcomeUnknown() async throws {
    let harness = try LanguageHarness(faults: "only=POST,latency=10s")
    let running = Task { await harness.run("groups US | where allow_number_selection | first | purchase") }
    #expect(await harness.requests.wait(for: "POST /open/numbers/purchase"), "the purchase never left")
    running.cancel()
    harness.session.interrupts.note()
    // The first Ctrl-C is taken: the purchase waits on for its answer (ten seconds of latency).
    #expect(await harness.transcript.waitFor("waiting for its outcome"), "\(harness.transcript.text)")
    harness.session.interrupts.note()
    let output = await running.value
    #expect(output.contains("waiting for its outcome (Ctrl-C again to stop waiting"), "\(output)")
    #expect(output.contains("the outcome of purchase is unknown: stopped waiting"), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
  }
}

/// What a hostile user or a sloppy server tried, and what holds.
@Suite("Purchases that cannot be fooled")
struct UnfooledPurchaseTests {
  @Test func aNumberAlreadyYoursIsRefusedBeforeSending() async throws {
    // Were it sent and its answer lost, the account would show the number and 2cs would call it bought.
    let harness = try LanguageHarness(faults: "only=POST,after=1,drop=100%")
    let output = await harness.run(
      """
      let n = groups US | where allow_number_selection | first | available | first
      let b = $n | purchase
      try { purchase group=$n.group_id number=$n.number } catch err { print "again: $err.outcome $err.message" }
      """)
    #expect(output.contains("again: not_done purchase: +1"), "\(output)")
    #expect(output.contains(" is already yours; nothing was sent"))
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
  }

  @Test func aGroupThatRefusesChoosingGetsItsNumberReservedInstead() async throws {
    let harness = try LanguageHarness()
    // The record claims the Orlando group lets callers choose; `available` refuses, so 2cs reserves one.
    let output = await harness.run("{id: grp_ebecf4c87a9d, allow_number_selection: true} | purchase | get number")
    #expect(output.contains("+1407"), "\(output)")
    #expect(output.hasSuffix("exit: 0"))
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/reservations") == 1)
  }

  @Test func aPurchaseRefusedAfterReservingSaysTheNumberStaysHeld() async throws {
    // The reservation goes through; the purchase meets a 429.
    let harness = try LanguageHarness(faults: "only=POST,after=1,429=1")
    let output = await harness.run("groups US | where not allow_number_selection | first | purchase")
    #expect(output.contains("stays reserved for you until the reservation expires"), "\(output)")
    #expect(await harness.run("reservations | count").contains("1\nexit: 0"))
  }

  @Test func aBudgetTrustsTheServersPriceNotARecords() async throws {
    let harness = try LanguageHarness()
    harness.session.ceiling.budget = DecimalNumber(2)
    let output = await harness.run(
      """
      let g = groups US | where allow_number_selection | first
      for i in (range 0 3) {
        {id: $g.id, country: "US", allow_number_selection: true, price: {setup_price: 0, monthly_price: 0}} | purchase | get number | print
      }
      """)
    #expect(output.contains("over the budget of 2; nothing was sent"), "\(output)")
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
    let stranger = try LanguageHarness()
    stranger.session.ceiling.budget = DecimalNumber(2)
    let forged = await stranger.run(
      "{id: grp_ac3585abd3b8, allow_number_selection: true, price: {setup_price: 0, monthly_price: 0}} | purchase")
    #expect(forged.contains("the price comes from a record, not from the server"), "\(forged)")
    #expect(await stranger.sandbox.receivedCount(.post, "/open/numbers/purchase") == 0)
  }

  @Test func anAnswerThatListsTheNumberAsFailedIsCheckedInTheAccount() async throws {
    // The server bought the number, then said it failed.
    let harness = try LanguageHarness(rewrite: { request, response in
      guard request.head.path == "/open/numbers/purchase" else { return response }
      let number = (try? JSONValue(parsing: request.body))?["number"] ?? .null
      return APIResponse(status: .created, json: ["success": true, "purchased": [], "failed": [number]])
    })
    let output = await harness.run("groups US | where allow_number_selection | first | purchase | get number")
    #expect(output.contains("warning: purchase: it went through"), "\(output)")
    #expect(output.hasSuffix("exit: 0"))
  }

  @Test func aKeyTheServerEchoesIsBlankedInErrorsAndTheJournal() async throws {
    try await withTemporaryFolder { folder in
      let key = "sk-live-0123456789"
      let harness = try LanguageHarness(
        journal: folder + "/journal.ndjson", apiKey: key,
        rewrite: { request, response in
          guard request.head.path == "/open/numbers/purchase" else { return response }
          return APIResponse(
            status: .badRequest,
            json: ["success": false, "error": true, "error_message": .string("bad key \(key) for this group")])
        })
      let output = await harness.run("groups US | where allow_number_selection | first | purchase")
      #expect(output.contains("bad key *** for this group"), "\(output)")
      #expect(!output.contains(key))
      let journal = try String(contentsOfFile: folder + "/journal.ndjson", encoding: .utf8)
      #expect(!journal.contains(key))
    }
  }
}
