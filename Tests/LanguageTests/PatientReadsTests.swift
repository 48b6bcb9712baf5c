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
    // The whole answer, as a server without faults gives it: not an empty or partial list.
    #expect(output == (try await LanguageHarness().run("regions US | count")), "\(output)")
    #expect(!output.hasPrefix("0\n"), "\(output)")
    #expect(await harness.sandbox.receivedCount(.get, "/open/numbers/regions") == 3, "two dropped, then answered")
  }
}
