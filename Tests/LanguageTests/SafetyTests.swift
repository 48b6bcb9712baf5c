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
