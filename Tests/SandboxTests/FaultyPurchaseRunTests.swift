import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import Sandbox
import Synchronization
import TestSupport
import Testing

/// A script buys twenty chosen numbers through `sandbox serve`'s HTTP server while a third of all requests
/// fail: dropped before or after the server acted, 500s and 429s. It ends owning each number once, every
/// outcome it was told was true, and the journal agrees with the server.
@Suite("Twenty purchases through a faulty server")
struct FaultyPurchaseRunTests {
  static let script = """
    # Whether a number is ours; a failed look says no, and the purchase is tried again (a 409 if it was ours).
    def owns [number] {
      try { return ($number in (numbers | get phone_number)) } catch err { return false }
    }
    def settle [n, tries = 12] {
      if $tries == 0 { fail "gave up on $n.number" }
      try {
        let bought = $n | purchase
        print "done $bought.number"
      } catch err {
        print "$err.outcome $n.number"
        if not (owns $n.number) { settle $n tries=($tries - 1) }
      }
    }
    let wanted = groups US | where allow_number_selection | first | available | first 20
    for n in $wanted { settle $n }
    print "wanted $($wanted | get number | json)"
    """

  @Test(arguments: [UInt64(1), 2, 3])
  func eachNumberIsOwnedOnceAndEveryReportIsTrue(seed: UInt64) async throws {
    try await withTemporaryFolder { folder in
      var configuration = SandboxConfiguration.testing()
      configuration.faults = try FaultPlan(
        parsing: "drop=8%,drop-after=8%,500=7%,429=7%,retry-after=0,seed=\(seed)")
      let sandbox = try Sandbox(configuration: configuration)
      let journal = Journal(path: folder + "/journal.ndjson")
      let lines = try await withTransport(.http, sandbox) { transport in
        var settings = ClientSettings.testing
        settings.retry.maximumAttempts = 6
        let session = Session(
          connection: .server, client: NumbersClient(transport: transport, apiKey: APIKey(testKey), settings: settings),
          journal: journal, tracing: Tracing(enabled: false) { _ in })
        session.outcomeCheckDelays = [.zero, .milliseconds(10), .milliseconds(20)]
        let printed = Printed()
        session.warn = { _ in }
        let engine = Engine(commands: builtinCommands, host: session)
        engine.output = { printed.add($0) }
        let outcome = await engine.run(Self.script, name: "twenty.2cs")
        if case .failed(let error) = outcome { Issue.record("the script failed: \(error.rendered)") }
        return printed.lines
      }

      let wanted = try #require(lines.last { $0.hasPrefix("wanted ") })
      let wantedNumbers =
        try JSONValue(parsing: Array(wanted.dropFirst("wanted ".count).utf8)).arrayValue?
        .compactMap(\.stringValue) ?? []
      #expect(wantedNumbers.count == 20)

      let owned = try await ownedNumbers(sandbox)
      #expect(owned.sorted() == wantedNumbers.sorted(), "each wanted number owned exactly once")

      // Every "done" was true.
      for line in lines where line.hasPrefix("done ") {
        #expect(owned.contains(String(line.dropFirst("done ".count))), "\(line)")
      }
      // The journal: one POST per `sending` entry, every entry settled, and no bought number is only ever
      // journaled as not done.
      let contents = try journal.read()
      #expect(contents.unsettled.isEmpty && contents.tornLines.isEmpty)
      let purchases = contents.entries.map(\.fields).filter { $0["path"]?.stringValue == "/open/numbers/purchase" }
      let sending = purchases.filter { $0["outcome"]?.stringValue == "sending" }
      let settled = purchases.filter { $0["outcome"]?.stringValue != "sending" }
      #expect(sending.count == settled.count)
      #expect(
        Set(settled.compactMap { $0["settles"]?.stringValue }) == Set(sending.compactMap { $0["id"]?.stringValue }))
      #expect(await sandbox.receivedCount(.post, "/open/numbers/purchase") == sending.count)
      for number in owned {
        let outcomes = settled.filter { $0["number"]?.stringValue == number }.compactMap { $0["outcome"]?.stringValue }
        #expect(outcomes.contains("done") || outcomes.contains("unknown"), "\(number): \(outcomes)")
      }
      for entry in settled where entry["outcome"]?.stringValue == "done" {
        #expect(owned.contains(entry["number"]?.stringValue ?? ""), "\(entry)")
      }
    }
  }

  private func ownedNumbers(_ sandbox: Sandbox) async throws -> [String] {
    let client = NumbersClient(transport: sandbox.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
    var all: [String] = []
    // The faults are used up by now or not: read through them.
    for _ in 0..<20 {
      if let numbers = try? await client.ownedNumbers() {
        all = numbers.compactMap { $0["phone_number"]?.stringValue }
        break
      }
    }
    return all
  }
}

private final class Printed: Sendable {
  private let storage = Mutex<[String]>([])
  func add(_ line: String) { storage.withLock { $0.append(line) } }
  var lines: [String] { storage.withLock { $0 } }
}
