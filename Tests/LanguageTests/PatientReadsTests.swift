import Testing

/// A passing server error on a read does not end a script; a write is still sent once.
@Suite("Reads are patient in scripts")
struct PatientReadsTests {
  @Test func oneServerErrorOnAGetDoesNotEndTheScript() async throws {
    let harness = try LanguageHarness(faults: "500=1")
    let output = await harness.run("did-types | count")
    #expect(output == "6\nexit: 0", "\(output)")
  }

  @Test func aBrokenConnectionOnAGetDoesNotEndTheScript() async throws {
    let harness = try LanguageHarness(faults: "drop=2")
    let output = await harness.run("regions US | count")
    #expect(output.hasSuffix("\nexit: 0"), "\(output)")
    #expect(!output.contains("error"), "\(output)")
  }

  @Test func aPurchaseAnswered500IsNotSentAgain() async throws {
    // The first request (the owned-number count taken before sending) goes through; the purchase gets the 500.
    let harness = try LanguageHarness(faults: "after=1,500=1")
    let output = await harness.run("purchase group=\(SafetyTests.losAngeles)")
    #expect(output.contains("error"), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
    #expect(await harness.run("numbers | count").hasSuffix("0\nexit: 0"))
  }
}
