import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import Sandbox
import TestSupport
import Testing

/// A session over HTTP to a `MisbehavingServer` in front of a fresh sandbox, with a time-out of `timeout`.
func withMisbehavingServer<T: Sendable>(
  timeout: Duration = ClientSettings().timeout, _ body: (LanguageHarness, MisbehavingServer) async throws -> T
) async throws -> T {
  let sandbox = try LanguageHarness.sandbox()
  let server = try MisbehavingServer(serving: sandbox)
  let transport = HTTPTransport(baseURL: server.baseURL)
  let harness = LanguageHarness(
    sandbox: sandbox, transport: transport, mode: .live, apiKey: BadAnswer.apiKey, timeout: timeout)
  let result: Result<T, any Error>
  do {
    result = .success(try await body(harness, server))
  } catch {
    result = .failure(error)
  }
  server.close()
  await transport.shutdown()
  return try result.get()
}

/// Each bad answer, to a read and to every write, in one session that goes on after each: a typed error that
/// names the endpoint, never a crash; a write is sent once, and is called done only when the server or the
/// account says so, not done only when the server refused it, and unknown otherwise, with how to find out.
@Suite("A misbehaving server", .timeLimit(.minutes(10)))
struct MisbehavingServerTests {
  /// A write of the suite: the statement that meets the bad answer, one that must work after it, and how the
  /// error names the write.
  struct Write: Sendable, CustomStringConvertible {
    var call: CallUnderTest
    var statement: String
    var next: String
    var label: String
    /// Whether 2cs can look in the account for the write when its answer is bad.
    var checkable: Bool
    var nothingDone: String
    var findOut: String

    var description: String { statement }
  }

  /// Numbers held or bought first, with good answers: `$offered` is the numbers on offer in group `$g`; random
  /// numbers are reserved in `$other`, so that they are never one of those.
  static let setUp = """
    let g = groups US | where allow_number_selection | first
    let other = groups US | where allow_number_selection | skip 1 | first
    let offered = available $g
    let owned = $offered | skip 8 | first | purchase
    let held = $offered | skip 9 | first | reserve
    """

  static let writes: [Write] = [
    Write(
      call: .reserve, statement: "$offered | first | reserve", next: "$offered | skip 1 | first | reserve | get number",
      label: "reserve", checkable: true, nothingDone: "nothing was reserved", findOut: "reservations"),
    Write(
      call: .reserve, statement: "$other | reserve", next: "$other | reserve | get number", label: "reserve",
      checkable: false, nothingDone: "nothing was reserved", findOut: "reservations"),
    Write(
      call: .purchase, statement: "$offered | skip 2 | first | purchase",
      next: "$offered | skip 3 | first | purchase | get number", label: "purchase", checkable: true,
      nothingDone: "nothing was bought", findOut: "numbers | where phone_number =="),
    Write(
      call: .cancel, statement: "$held | cancel", next: "$offered | skip 4 | first | reserve | cancel | get success",
      label: "cancel", checkable: true, nothingDone: "the reservation is still held", findOut: "reservations"),
    Write(
      call: .release, statement: "$owned | release",
      next: "$offered | skip 5 | first | purchase | release | get success", label: "release", checkable: true,
      nothingDone: "this request released nothing", findOut: "numbers | where uuid =="),
  ]

  @Test(arguments: BadAnswer.allCases)
  func aBadAnswerIsATypedErrorAndTheSessionGoesOn(bad: BadAnswer) async throws {
    // The drip outlasts any time-out; a short one keeps its case short, and the others keep the usual one, which
    // a loaded machine cannot exceed by mistake.
    // Past the usual 30 s for the others: with the whole suite running, an in-process answer can be slow to come.
    try await withMisbehavingServer(timeout: bad == .slowDrip ? .seconds(8) : .seconds(120)) {
      harness, server in
      let prepared = await harness.run(Self.setUp)
      try #require(prepared.hasSuffix("exit: 0"), "\(prepared)")

      // A read, tried again where that is safe, then reported.
      server.misbehave(on: CallUnderTest.regions.request, bad.misbehaviour(for: .regions), acting: false)
      let read = await harness.run("regions US")
      server.behave()
      let readStatus = bad.status(for: .regions).map { "HTTP \($0): " } ?? ""
      #expect(read.contains("test.2cs:1:1: error: GET /open/numbers/regions: \(readStatus)"), "\(bad): \(read)")
      #expect(read.contains(bad.says(for: .regions)), "\(bad): \(read)")
      #expect(read.hasSuffix("exit: 1"))
      expectNothingLeaked(read, bad)
      let readAgain = await harness.run("regions US | count")
      #expect(readAgain.hasSuffix("exit: 0"), "the session goes on after \(bad): \(readAgain)")

      for write in Self.writes {
        let sentBefore = server.count(write.call.request)
        server.misbehave(on: write.call.request, bad.misbehaviour(for: write.call), acting: bad.acts)
        let output = await harness.run(write.statement)
        server.behave()
        #expect(server.count(write.call.request) == sentBefore + 1, "\(bad), \(write): sent more than once")
        expectNothingLeaked(output, bad)
        #expect(output.contains(bad.says(for: write.call)), "\(bad), \(write): \(output)")
        let status = bad.status(for: write.call).map { "HTTP \($0): " }
        let errorLine = "error: \(write.call.request)"
        if bad.refuses {
          #expect(output.contains(errorLine), "\(bad), \(write): \(output)")
          if let status { #expect(output.contains(status), "\(bad), \(write): \(output)") }
          #expect(output.contains("help: the server refused it: \(write.nothingDone)"), "\(bad), \(write): \(output)")
          #expect(output.hasSuffix("exit: 1"))
        } else if bad.acts && write.checkable {
          #expect(output.contains("warning: \(write.label): \(write.call.request)"), "\(bad), \(write): \(output)")
          let seen = write.call == .cancel ? "is no longer held, as the account shows" : "it went through"
          #expect(output.contains(seen), "\(bad), \(write): \(output)")
          #expect(output.hasSuffix("exit: 0"), "\(bad), \(write): \(output)")
        } else {
          #expect(output.contains(errorLine), "\(bad), \(write): \(output)")
          if let status { #expect(output.contains(status), "\(bad), \(write): \(output)") }
          #expect(output.contains("the outcome of \(write.label) is unknown"), "\(bad), \(write): \(output)")
          #expect(output.contains("find out with: \(write.findOut)"), "\(bad), \(write): \(output)")
          #expect(!output.contains(write.nothingDone), "a false 'not done': \(output)")
          #expect(output.hasSuffix("exit: 1"))
        }
        let next = await harness.run(write.next)
        #expect(next.hasSuffix("exit: 0"), "the session goes on after \(bad), \(write): \(next)")
      }
    }
  }

  /// A connection dropped after the request left (the server not having acted): reserve, cancel and release say
  /// the outcome is unknown and how to find out, in the message and in `$err.outcome`, and send nothing again.
  @Test func aWriteWhoseAnswerIsLostIsUnknownWithHowToFindOut() async throws {
    try await withMisbehavingServer { harness, server in
      let prepared = await harness.run(
        """
        \(Self.setUp)
        let owned2 = $offered | skip 10 | first | purchase
        let held2 = $offered | skip 11 | first | reserve
        """)
      try #require(prepared.hasSuffix("exit: 0"), "\(prepared)")
      let writes: [(write: Write, again: String)] = [
        (Self.writes[0], "$offered | skip 1 | first | reserve"), (Self.writes[1], "$other | reserve"),
        (Self.writes[3], "$held2 | cancel"), (Self.writes[4], "$owned2 | release"),
      ]
      for (write, again) in writes {
        server.misbehave(on: write.call.request, .dropConnection, acting: false)
        let sentBefore = server.count(write.call.request)
        let output = await harness.run(write.statement)
        #expect(output.contains("error: \(write.call.request)"), "\(write): \(output)")
        #expect(output.contains("the outcome of \(write.label) is unknown: connection lost"), "\(write): \(output)")
        #expect(output.contains("help: it was not sent again; find out with: \(write.findOut)"), "\(output)")
        let caught = await harness.run(#"try { \#(again) } catch err { print "outcome: $err.outcome" }"#)
        #expect(caught.contains("outcome: unknown\n"), "\(write): \(caught)")
        #expect(server.count(write.call.request) == sentBefore + 2, "\(write): one request per statement")
        server.behave()
      }
    }
  }

  /// A 429 whose `Retry-After` is too long to wait out says how long to wait, in the message and in
  /// `$err.retry_after_seconds`; a write it refuses is not done.
  @Test func aRateLimitSaysHowLongToWait() async throws {
    try await withMisbehavingServer { harness, server in
      let prepared = await harness.run(Self.setUp)
      try #require(prepared.hasSuffix("exit: 0"), "\(prepared)")
      let tooMany = MisbehavingServer.Misbehaviour.answer(
        status: 429, headers: [("Retry-After", "120"), ("Content-Type", "application/json")],
        body: Array(#"{"success": false, "error": true, "error_message": "rate limit exceeded"}"#.utf8))
      let says = "HTTP 429: rate limit exceeded; the server asks to wait 120 s before trying again"
      server.misbehave(on: CallUnderTest.regions.request, tooMany, acting: false)
      let read = await harness.run("regions US")
      #expect(read.contains("error: GET /open/numbers/regions: \(says)"), "\(read)")
      #expect(server.count(CallUnderTest.regions.request) == 1, "two minutes are not waited out")
      let caughtRead = await harness.run("try { regions US } catch err { print $err.retry_after_seconds }")
      #expect(caughtRead.contains("120\nexit: 0"), "\(caughtRead)")
      server.misbehave(on: CallUnderTest.reserve.request, tooMany, acting: false)
      let write = await harness.run("$offered | first | reserve")
      #expect(write.contains("error: POST /open/numbers/reservations: \(says)"), "\(write)")
      #expect(write.contains("help: the server refused it: nothing was reserved"), "\(write)")
      let caughtWrite = await harness.run(
        #"try { $offered | first | reserve } catch err { print "$err.outcome $err.retry_after_seconds" }"#)
      #expect(caughtWrite.contains("not_done 120\nexit: 0"), "\(caughtWrite)")
    }
  }

  private func expectNothingLeaked(_ output: String, _ bad: BadAnswer) {
    #expect(!output.contains(BadAnswer.apiKey), "\(bad): the key is shown: \(output)")
    for mark in crashMarks { #expect(!output.contains(mark), "\(bad): \(output)") }
  }
}
