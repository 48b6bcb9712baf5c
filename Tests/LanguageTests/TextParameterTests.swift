import Testing

/// A parameter that takes text takes what was written, even when it looks like a number.
@Suite("Text parameters keep what was written")
struct TextParameterTests {
  @Test func digitsWrittenForTextKeepTheirLeadingZeros() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      groups US near=415 | first | available contains=0555 | count
      groups GB near=020 | get location
      """)
    #expect(await harness.requests.wait(for: "number_contains=0555"), "\(harness.requests.text)")
    #expect(harness.requests.text.contains("city_name_or_prefix=020"), "\(harness.requests.text)")
    // 020 is London's area code written with the national trunk 0.
    #expect(output.contains("London"), "\(output)")
    #expect(output.hasSuffix("exit: 0"), "\(output)")
  }
}
