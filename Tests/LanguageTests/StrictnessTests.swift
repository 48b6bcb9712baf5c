import Language
import TestSupport
import Testing

/// A typo must never change what a script does without a word: a field that no record has, a bare word taken for
/// a field, a value piped into a command that does not take it, are errors before anything is sent.
@Suite("No silent guesses")
struct StrictnessTests {
  /// Requests that would change the account.
  private func writes(_ harness: LanguageHarness) -> [Substring] {
    harness.requests.text.split(separator: "\n").filter { !$0.hasPrefix("GET ") }
  }

  @Test func aMisspeltSortFieldStopsThePurchase() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("groups JP | sort-by price.montly_price | first | purchase")
    #expect(output.contains("error: sort-by: no field 'montly_price' in price"), "\(output)")
    #expect(output.contains("did you mean 'monthly_price'?"), "\(output)")
    #expect(output.hasSuffix("exit: 2") || output.hasSuffix("exit: 1"), "\(output)")
    #expect(writes(harness).isEmpty, "\(harness.requests.text)")
  }

  @Test(arguments: [
    ("groups JP | get price.montly_price", "get: no field 'montly_price' in price"),
    ("groups JP | select id price.montly_price", "select: no field 'montly_price' in price"),
    ("groups JP | min price.montly_price", "min: no field 'montly_price' in price"),
    ("groups JP | max pricee.monthly_price", "max: no field 'pricee' in these records"),
    ("groups JP | sum price.montly_price", "sum: no field 'montly_price' in price"),
    ("groups JP | group-by typ", "group-by: no field 'typ' in these records"),
    ("groups JP | where price.montly_price < 10", "no field 'montly_price' in price"),
    ("let g = groups JP | first; $g.pric", "no field 'pric' in $g"),
    ("let gs = groups JP; $gs.price.montly", "no field 'montly' in $gs.price"),
  ])
  func aFieldThatNoRecordHasIsAnError(source: String, message: String) async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(source)
    #expect(output.contains("error: \(message)"), "\(output)")
    #expect(!output.hasSuffix("exit: 0"), "\(output)")
  }

  @Test func theSameMistakesAreFoundAtRunTimeWhenTheShapesAreNotKnown() async throws {
    // Read from a variable the checker cannot see into: the run itself refuses.
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      let rows = [{price: {monthly_price: 2}}, {price: {monthly_price: 1}}] | each { $it }
      $rows | sort-by price.montly_price
      """)
    #expect(output.contains("test.2cs:2:17: error: sort-by: no field 'montly_price' in price"), "\(output)")
    #expect(output.hasSuffix("exit: 1"), "\(output)")
  }

  @Test func aFieldThatMayBeMissingIsAskedForWithAQuestionMark() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      let rows = [{a: 1, p: {x: 1}}, {b: 2, p: {}}] | each { $it }
      print "$($rows | get a)"
      print "$($rows | get p.x)"
      print ($rows | where a == 1 | count) ($rows | where b? == null | count)
      print "$($rows | get c?)" ($rows | sort-by a? | count)
      let r = [{a: 1}] | each { $it } | first
      print $r.b? "$($r.b? == null)" $r["a"] ($r.list?)
      print ([1, 2][5]?) "$([1, 2][-1])"
      """)
    #expect(
      output == """
        [1, null]
        [1, null]
        1 1
        [null, null] 2
        null true 1 null
        null 2
        exit: 0
        """, "\(output)")
  }

  @Test func aBareWordInAConditionThatIsNoFieldAsksForQuotes() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("groups JP | where type != mobile | count")
    #expect(output.contains("test.2cs:1:27: error: 'mobile' is not a field of these records"), "\(output)")
    #expect(output.contains(#"help: to compare with the text, write it in quotes: "mobile""#), "\(output)")
    let quoted = await harness.run(#"groups JP | where type != "mobile" | count"#)
    #expect(quoted.hasSuffix("exit: 0"), "\(quoted)")
    // Found while running too, when nothing says what the rows hold.
    let rows = await harness.run("let rows = [{type: a}] | each { $it }; $rows | where type != mobile")
    #expect(rows.contains("error: 'mobile' is not a field of these records"), "\(rows)")
    #expect(rows.hasSuffix("exit: 1"), "\(rows)")
  }

  @Test func interpolationIndexesLists() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      #"""
      let x = {list: [{n: 1}, {n: 2}], name: "q"}
      print "$x.list[0].n, $x.list[-1].n and $x.list[1]. $x.name. [$x.name]"
      print "$x.list[2]"
      """#)
    #expect(output.hasPrefix("1, 2 and {n: 2}. q. [q]\n"), "\(output)")
    #expect(output.contains("test.2cs:3:8: error: index 2 is out of range for a list of 2"), "\(output)")
    let unclosed = await harness.run(#"print "$x[0""#)
    #expect(unclosed.contains("error: '[' is never closed"), "\(unclosed)")
  }

  @Test func pipedInputIsCheckedAgainstWhatTheCommandTakes() async throws {
    let harness = try LanguageHarness()
    let text = await harness.run(#""grp_anything" | purchase"#)
    #expect(
      text.contains("error: purchase takes a group, a number from available, or a reservation piped in"), "\(text)")
    let variable = await harness.run(#"let id = "grp_anything"; $id | purchase"#)
    #expect(variable.contains("purchase takes a group"), "\(variable)")
    #expect(!variable.hasSuffix("exit: 0"), "\(variable)")
    let list = await harness.run("let gs = [{id: x}] | each { $it }; $gs | reserve")
    #expect(list.contains("help: pick one with first"), "\(list)")
    let numbers = await harness.run("[1, 2] | numbers")
    #expect(numbers.contains("error: numbers takes nothing piped in"), "\(numbers)")
    #expect(writes(harness).isEmpty, "\(harness.requests.text)")
  }

  @Test func aForLoopOverAPipelineWithABlock() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      for x in [1, 2] | each { $it * 10 } { print $x }
      for y in [1, 2, 3] | each { {n: $it} } | where n > 1 {
        print $y.n
      }
      """)
    #expect(output == "10\n20\n2\n3\nexit: 0", "\(output)")
  }

  @Test func checkFindsAMisspeltVariableAFieldAndAListIntoPurchase() async throws {
    let harness = try LanguageHarness()
    let source = MarkedSource(
      """
      let g = groups US | sort-by 1️⃣price.montly_price | first
      let bought = $g | purchase
      print 2️⃣$bouhgt.number
      groups US | 3️⃣purchase
      def pick [] { $in | first }
      for x in [1] { print $x 4️⃣$later }
      let later = 1
      each { print $later $it }
      """)
    let diagnostics = harness.engine.check(source.source, name: "check.2cs")
    let found = diagnostics.map { "\($0.range.start) \($0.message)" }
    #expect(
      found == [
        "\(try source.place("1️⃣").offset) sort-by: no field 'montly_price' in price",
        "\(try source.place("2️⃣").offset) undefined variable $bouhgt",
        "\(try source.place("3️⃣").offset) purchase takes a group, a number from available, or a reservation piped in, not a list of records",
        "\(try source.place("4️⃣").offset) undefined variable $later",
      ], "\(found)")
    #expect(harness.requests.text.isEmpty)
  }

  @Test func checkFollowsScopes() async throws {
    let harness = try LanguageHarness()
    let fine = harness.engine.check(
      """
      def total [xs, start = 0] { let s = $start; for x in $xs { let s = $s + $x }; $s + $limit }
      let limit = 3
      total [1, 2]
      let f = { $it + $limit }
      [1] | each $f
      try { fail "no" } catch e { print $e.message }
      print $e.message $args $env.HOME
      if true { let maybe = 1 }
      print $maybe
      for i in [1, 2] { if $i > 1 { print $previous }; let previous = $i }
      """, name: "fine.2cs")
    #expect(fine.isEmpty, "\(fine.map(\.message))")
    let inner = harness.engine.check("def f [] { let inside = 1 }\nprint $inside", name: "inner.2cs")
    #expect(inner.map(\.message) == ["undefined variable $inside"])
  }

  @Test func aBlockRunForEachItemReadsTheItemsShape() async throws {
    let engine = try LanguageHarness().engine
    #expect(engine.check(#"groups US | each { "$it.prefx" }"#, name: "t.2cs").map(\.id) == ["missing-field"])
    #expect(engine.check("groups US | each { if type == local { 1 } }", name: "t.2cs").map(\.id) == ["bare-word"])
    #expect(engine.check("groups US | take 1 | each { $it | purchase }", name: "t.2cs").isEmpty)
  }

  @Test func aBlockIsNoCondition() async throws {
    let harness = try LanguageHarness()
    let checked = await harness.run("[1, 5, 10] | where { $it > 2 }")
    #expect(checked.contains("test.2cs:1:20: error: where takes a condition, not a block"), "\(checked)")
    // Known only when it runs: refused then, by where and by if.
    let ran = await harness.run("let c = { $it > 2 }; [1, 5] | where $c")
    #expect(ran.contains("test.2cs:1:37: error: where takes a condition, not a block"), "\(ran)")
    let conditional = await harness.run("let c = { false }; if $c { print yes }")
    #expect(conditional.contains("error: if takes a condition, not a block"), "\(conditional)")
    #expect(!conditional.split(separator: "\n").contains("yes"), "\(conditional)")
  }

  @Test func aNullOnTheWayDoesNotHideAMisspeltField() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      let rows = [{price: null}, {price: {monthly_price: 1}}] | each { $it }
      $rows | sort-by price.montly_price
      """)
    #expect(output.contains("error: sort-by: no field 'montly_price' in price"), "\(output)")
    let allNull = await harness.run("[{price: null}] | each { $it } | where price.montly_price == 1 | count")
    #expect(allNull.hasSuffix("0\nexit: 0"), "\(allNull)")
  }

  @Test func theCheckReadsFieldsAsTheInterpreterDoes() async throws {
    let harness = try LanguageHarness()
    let engine = harness.engine
    // Fields of a list of lists of records, as `.field` maps through them.
    #expect(engine.check("let gs = groups DE; $gs.requirements.name", name: "t.2cs").isEmpty)
    #expect(engine.check("let gs = groups DE; $gs.features.name", name: "t.2cs").map(\.id) == ["missing-field"])
    // Requirements vary by country: a field the API's description does not list may still be there.
    #expect(engine.check("requirements DE | get registration_form?", name: "t.2cs").isEmpty)
    #expect(engine.check("requirements DE | get registration_form", name: "t.2cs").isEmpty)
    #expect(engine.check("groups DE | get registration_form", name: "t.2cs").map(\.id) == ["missing-field"])
    // assert reads the value piped in, not its items.
    #expect(engine.check("{a: 1} | assert a == 1", name: "t.2cs").isEmpty)
    #expect(engine.check("[1] | where a == 1", name: "t.2cs").map(\.id) == ["bare-word"])
    // select keeps a field under its name, without the question mark.
    let selected = await harness.run("let r = [{x: 1}] | each { $it } | select x? y? | first; print $r.x $r.y")
    #expect(selected == "1 null\nexit: 0", "\(selected)")
  }

  @Test func codeThatRunsLaterMayReadWhatIsBoundLater() async throws {
    let harness = try LanguageHarness()
    let engine = harness.engine
    let definition = "def report [] { print $budget }"
    // In a script, nothing binds it: an error. In the REPL or a sourced file, later code may.
    #expect(engine.check(definition, name: "t.2cs").map(\.id) == ["undefined-variable"])
    #expect(engine.parse(definition, name: "<repl>", moreCodeMayFollow: true).diagnostics.isEmpty)
    #expect(engine.parse("def f [] { g }", name: "<repl>", moreCodeMayFollow: true).diagnostics.isEmpty)
    #expect(engine.check("def f [] { g }", name: "t.2cs").map(\.id) == ["unknown-command"])
    #expect(engine.parse("print $budget", name: "<repl>", moreCodeMayFollow: true).diagnostics.count == 1)
    // `source` anywhere may bind anything.
    #expect(engine.check("let r = (source lib.2cs); print $fromLibrary", name: "t.2cs").isEmpty)
  }

  @Test func anUnclosedIndexInAStringStopsAtTheEndOfItsLine() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("let x = [1]\nprint \"$x[0\"\nprint \"a]\"\nprint $nope")
    #expect(output.contains("test.2cs:2:10: error: '[' is never closed"), "\(output)")
    #expect(output.contains("test.2cs:4:7: error: undefined variable $nope"), "\(output)")
  }

  @Test func aProgramWithThousandsOfErrorsReportsTheFirstFifty() async throws {
    let engine = try LanguageHarness().engine
    let diagnostics = engine.check("print 1" + String(repeating: " | count", count: 20_000), name: "t.2cs")
    #expect(diagnostics.count == 51)
    #expect(diagnostics.last?.message == "19949 more errors not shown", "\(diagnostics.last?.message ?? "")")
  }
}
