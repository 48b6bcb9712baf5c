import Testing

/// A passing server error or broken connection on a read does not end a script. (That a write is
/// still sent once is shown against the client: ClientBehaviourTests and RetryTests.)
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
}
