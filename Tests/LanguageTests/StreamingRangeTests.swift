import Testing

/// `range` makes its numbers one at a time, and `for` and the commands that stream take them so, holding nothing:
/// a range far larger than a list may be is fine until something needs all of it at once.
@Suite("Streaming ranges") struct StreamingRangeTests {
  @Test func forAndTheStreamingCommandsGoThroughARangeTooLargeForAList() async throws {
    let harness = try LanguageHarness()
    // Each is far past the 10 000 000 items a list may hold.
    #expect(await harness.run("range 0 100000000 | count") == "100000000\nexit: 0")
    #expect(await harness.run("print \"$(range 0 100000000 | where $it % 7 == 3 | take 3)\"") == "[3, 10, 17]\nexit: 0")
    #expect(await harness.run("print \"$(range 0 100000000 | skip 99999998)\"") == "[99999998, 99999999]\nexit: 0")
    #expect(await harness.run("range 5 100000000 | first") == "5\nexit: 0")
    #expect(await harness.run("print \"$(range 0 100000000 | first 2 | each { $it * 10 })\"") == "[0, 10]\nexit: 0")
    let loop = "let seen = 0; for i in range 0 100000000 { let seen = $i; if $i == 20000 { break } }; $seen"
    #expect(await harness.run(loop) == "20000\nexit: 0")
    // Every Int: one more than Int.max of them.
    #expect(
      await harness.run("range -9223372036854775808 9223372036854775807 | count")
        == "18446744073709551615\nexit: 0")
    #expect(
      await harness.run("print \"$(range 9223372036854775800 9223372036854775807 | skip 5)\"")
        == "[9223372036854775805, 9223372036854775806]\nexit: 0")
  }

  @Test func streamsAreLazyAsGeneratorsAre() async throws {
    let harness = try LanguageHarness()
    // `first` pulls one item, so the block runs once; `take 2` pulls two.
    #expect(await harness.run("range 0 1000000000 | each { print \"ran $it\"; $it } | first") == "ran 0\n0\nexit: 0")
    #expect(
      await harness.run("print \"$(range 0 1000000000 | each { print \"ran $it\"; $it } | take 2)\"")
        == "ran 0\nran 1\n[0, 1]\nexit: 0")
    #expect(await harness.run("for x in (range 0 3 | each { $it * 2 }) { print $x }") == "0\n2\n4\nexit: 0")
    #expect(await harness.run("for x in range 3 1 { print $x }; print done") == "done\nexit: 0")
  }

  @Test func aStreamTooLongToHoldIsAnErrorWhereItWouldBeHeld() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("let r = range 0 100000000")
    #expect(output.contains("test.2cs:1:9: error: more than 10000000 items to hold in a list"), "\(output)")
    #expect(output.contains("help: for, each, where, first, take, skip and count go through a range"), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
    // A stage that needs the whole list at once collects what comes to it.
    #expect(await harness.run("print \"$(range 0 100000000 | take 3 | sort-by --reverse)\"") == "[2, 1, 0]\nexit: 0")
    let sorted = await harness.run("range 0 100000000 | sort-by --reverse")
    #expect(sorted.contains("error: more than 10000000 items to hold in a list"), "\(sorted)")
  }

  @Test func aConditionOnAStreamIsCheckedAgainstItsItems() async throws {
    let harness = try LanguageHarness()
    // Found before anything runs: a range's items are numbers, which have no fields.
    let output = await harness.run("range 0 100000000 | where price > 2 | count")
    #expect(output.contains("test.2cs:1:27: error: 'price' is not a field"), "\(output)")
    #expect(!output.hasSuffix("exit: 0"))
    // At run time, when the checker cannot know what the items are.
    let later = await harness.run("let f = { $it }; range 0 100000000 | each $f | where price > 2 | count")
    #expect(later.contains("test.2cs:1:54: error:"), "\(later)")
    #expect(later.contains("price"), "\(later)")
    #expect(later.hasSuffix("exit: 1"), "\(later)")
  }
}
