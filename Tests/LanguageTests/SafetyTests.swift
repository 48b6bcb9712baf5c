import Commands
import Foundation
import Language
import TestSupport
import Testing

/// Money is real on a live account: writes ask first, scripts need --yes,
/// and every write is journaled before the command returns.
@Suite("Safety on a live account")
struct SafetyTests {
  @Test func aScriptCannotBuyWithoutYes() async throws {
    let harness = try LanguageHarness(mode: .live)
    let output = await harness.run("groups US | first | purchase")
    #expect(output.contains("purchase on a live account needs confirmation; nothing was sent"))
    #expect(output.hasSuffix("exit: 1"))
    #expect(await harness.run("numbers | count") == "0\nexit: 0")
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 0)
  }

  @Test func yesLetsItThrough() async throws {
    let harness = try LanguageHarness(mode: .live)
    harness.session.ceiling.assumeYes = true
    let output = await harness.run("groups US | first | purchase | get success")
    #expect(output == "true\nexit: 0", "\(output)")
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
  }

  @Test func aScriptCannotStandInForYes() async throws {
    let harness = try LanguageHarness(mode: .live)
    let output = await harness.run("set confirm=off; groups US | first | purchase")
    #expect(output.contains("warning: set: confirm=off cannot stand in for --yes"), "\(output)")
    #expect(output.contains("purchase on a live account needs confirmation; nothing was sent"))
    #expect(await harness.run("numbers | count").contains("0\nexit: 0"))
  }

  @Test func theTerminalIsAskedWithNumberAndPrices() async throws {
    let harness = try LanguageHarness(mode: .live)
    let asked = LanguageHarness.Transcript()
    harness.session.confirmer = { question in
      asked.add(question)
      return false
    }
    let output = await harness.run("groups US near=213 | first | available | first | purchase")
    #expect(output.contains("purchase cancelled: not confirmed"))
    #expect(asked.text.hasPrefix("Buy +1213"))
    #expect(asked.text.contains("setup 0.00, monthly 1.15"))
  }

  @Test func theSandboxDoesNotAsk() async throws {
    let harness = try LanguageHarness(mode: .sandbox)
    #expect(await harness.run("groups US | first | purchase | get success").contains("true\nexit: 0"))
  }

  /// The Los Angeles group of the default catalog: the catalog is the same for the same seed.
  static let losAngeles = "grp_ac3585abd3b8"

  @Test func aPurchaseWhoseAnswerWasLostIsFoundNotResent() async throws {
    try await withTemporaryFolder { folder in
      // The group is known only by its id, so 2cs reserves a number first; that goes through. The server then
      // buys the reserved number and drops the connection before answering.
      let harness = try LanguageHarness(journal: folder + "/journal.ndjson", faults: "after=1,drop-after=1")
      let output = await harness.run("(purchase group=\(Self.losAngeles)).number")
      #expect(output.contains("warning: purchase: POST /open/numbers/purchase: connection lost"), "\(output)")
      let bought = try #require(output.split(separator: "\n").first { $0.hasPrefix("+1") })
      #expect(
        output.contains(
          "warning: purchase: it went through (bought \(bought), seen in the account); it was not sent again."))
      #expect(await harness.run("journal | last 2 | get outcome").contains("sending\ndone\n"))
      #expect(await harness.run("journal | last | get checked").contains("true\n"))
      #expect(await harness.run("numbers | get phone_number").contains("\(bought)\nexit: 0"))
      #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
    }
  }

  @Test func aPurchaseLostBeforeTheServerActedIsUnknownNotNotBought() async throws {
    try await withTemporaryFolder { folder in
      let harness = try LanguageHarness(journal: folder + "/journal.ndjson", faults: "after=1,drop=1")
      let output = await harness.run("purchase group=\(Self.losAngeles)")
      #expect(output.contains("the outcome of purchase is unknown"), "\(output)")
      #expect(!output.contains("nothing was bought"))
      #expect(output.hasSuffix("exit: 1"))
      #expect(await harness.run("journal | last 2 | get outcome").contains("sending\nunknown\n"))
      #expect(await harness.run("numbers | count").contains("0\nexit: 0"))
    }
  }

  @Test func aWriteThatCannotBeJournaledIsNotSent() async throws {
    // A journal inside a regular file cannot be created.
    let harness = try LanguageHarness(journal: "/dev/null/journal.ndjson")
    let output = await harness.run("groups US | first | purchase")
    #expect(output.contains("cannot write the journal"), "\(output)")
    #expect(output.contains("help: nothing was sent"))
    #expect(await harness.run("numbers | count").contains("0\nexit: 0"))
  }

  @Test func everyWriteIsJournaledWithItsOutcome() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      let harness = try LanguageHarness(journal: path)
      _ = await harness.run(
        """
        let g = groups US near=415 | first
        $g | purchase
        try { purchase group=grp_missing } catch { }
        set dry_run=on
        $g | reserve
        """)
      let output = await harness.run("journal | get outcome")
      #expect(output.contains("sending\ndone\nsending\nnot_done\ndry_run\n"), "\(output)")
      // Every outcome names the entry it settles, so nothing is left to report on the next start.
      #expect(try Journal(path: path).read().unsettled.isEmpty)
      #expect(Journal(path: path).unfinishedWritesNotice() == nil)
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
      // A journal others could read is made private at the next write.
      try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
      _ = await harness.run("set dry_run=on; $g | reserve")
      let again = try FileManager.default.attributesOfItem(atPath: path)
      #expect((again[.posixPermissions] as? Int) == 0o600)
    }
  }
}
