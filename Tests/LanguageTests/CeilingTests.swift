import Commands
import Language
import Testing

/// What the command line promises (`--dry-run`, `--budget`, the need for `--yes`) no script can undo.
@Suite("The command line is a ceiling")
struct CeilingTests {
  static let buyOne = "groups US | where allow_number_selection | first | purchase"

  @Test func aScriptCannotTurnDryRunOff() async throws {
    let harness = try LanguageHarness(mode: .live)
    harness.session.ceiling.dryRun = true
    let output = await harness.run("set dry_run=off; set confirm=off; \(Self.buyOne) | get dry_run")
    #expect(output.contains("warning: set: --dry-run on the command line stays in force"), "\(output)")
    #expect(output.contains("dry run: POST /open/numbers/purchase"))
    #expect(output.contains("true\nexit: 0"))
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 0)
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/reservations") == 0)
  }

  @Test(arguments: ["set budget=off", "set budget=100"])
  func aScriptCannotLiftOrRaiseTheBudget(setting: String) async throws {
    let harness = try LanguageHarness()
    harness.session.ceiling.budget = DecimalNumber(2)
    let output = await harness.run("\(setting); groups US | where price.monthly_price > 2 | first | purchase")
    #expect(output.contains("warning: set: --budget 2 on the command line stays the limit"), "\(output)")
    #expect(output.contains("over the budget of 2; nothing was sent"))
    #expect(await harness.sandbox.receivedCount(.post, "/open/numbers/purchase") == 0)
  }

  @Test func aScriptMayLowerTheBudget() async throws {
    let harness = try LanguageHarness()
    harness.session.ceiling.budget = DecimalNumber(100)
    let output = await harness.run("set budget=1; groups US | where price.monthly_price > 2 | first | purchase")
    #expect(!output.contains("warning: set:"), "\(output)")
    #expect(output.contains("over the budget of 1; nothing was sent"))
  }

  @Test func theDryRunPlanNeverCountsAnUnknownPriceAsZero() async throws {
    let harness = try LanguageHarness()
    harness.session.ceiling.dryRun = true
    let output = await harness.run(
      """
      groups US | where allow_number_selection | first | purchase | get dry_run
      purchase group=grp_0123456789ab | get dry_run
      """)
    #expect(output.contains("(setup 0.00, monthly 1.15)"), "\(output)")
    #expect(output.contains("{\"group_id\":\"grp_0123456789ab\"} (price unknown)"), "\(output)")
    let plan = harness.session.planned
    #expect(plan.count == 2 && plan.unknownPrices == 1)
    #expect(plan.summary == "setup 0.00, first month 1.15, total 1.15, plus 1 at a price 2cs does not know")
  }
}
