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
    #expect(await harness.run("numbers | count").contains("0\n"))
  }

  @Test func yesOrConfirmOffLetsItThrough() async throws {
    let harness = try LanguageHarness(mode: .live)
    harness.session.assumeYes = true
    #expect(await harness.run("groups US | first | purchase | get success").contains("true"))
    let other = try LanguageHarness(mode: .live)
    #expect(await other.run("set confirm=off; groups US | first | purchase | get success").contains("true"))
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
    #expect(asked.text.contains("setup 0.00, then 1.15 a month"))
  }

  @Test func theSandboxDoesNotAsk() async throws {
    let harness = try LanguageHarness(mode: .sandbox)
    #expect(await harness.run("groups US | first | purchase | get success").contains("true\nexit: 0"))
  }

  /// The Los Angeles group of the default catalog: the catalog is the same for the same seed.
  static let losAngeles = "grp_ac3585abd3b8"

  @Test func aPurchaseWhoseAnswerWasLostIsFoundNotResent() async throws {
    try await withTemporaryFolder { folder in
      // The count of owned numbers taken before sending goes through; the server then buys the number and
      // drops the connection before answering.
      let harness = try LanguageHarness(journal: folder + "/journal.ndjson", faults: "after=1,drop-after=1")
      let output = await harness.run("(purchase group=\(Self.losAngeles)).purchased | count")
      #expect(output.contains("warning: purchase: connection lost"), "\(output)")
      #expect(output.contains("warning: purchase: it went through (found in your numbers); it was not sent again."))
      #expect(output.contains("1\nexit: 0"))
      let journal = await harness.run("journal | get outcome")
      #expect(journal.contains("sending\nok_after_check\n"))
      #expect(await harness.run("numbers | count").contains("1\nexit: 0"))
    }
  }

  @Test func aPurchaseLostBeforeTheServerActedIsReportedAsNotDone() async throws {
    try await withTemporaryFolder { folder in
      let harness = try LanguageHarness(journal: folder + "/journal.ndjson", faults: "after=1,drop=1")
      let output = await harness.run("purchase group=\(Self.losAngeles)")
      #expect(output.contains("your numbers do not show the purchase, so nothing was bought"), "\(output)")
      #expect(output.hasSuffix("exit: 1"))
      #expect(await harness.run("journal | get outcome").contains("sending\nnot_done_after_check\n"))
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
      #expect(output.contains("sending\nok\nsending\nerror\ndry_run\n"))
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
  }
}
