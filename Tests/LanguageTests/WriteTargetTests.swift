import Language
import TestSupport
import Testing

/// A write buys, holds or gives back exactly what the script names, however it names it.
@Suite("Writes go to what the script names")
struct WriteTargetTests {
  private func sent(_ harness: LanguageHarness, _ method: String) -> [Substring] {
    harness.requests.text.split(separator: "\n").filter { $0.hasPrefix(method + " ") }
  }

  @Test func aRecordGivenAsTheGroupIsReadAsIfPipedIn() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      let g = groups US | where allow_number_selection | first
      let n = $g | available | last
      let b = purchase $n
      print ($b.number == $n.number)
      let m = $g | available | first
      let held = reserve group=$m
      print ($held.number == $m.number)
      let c = purchase $held
      print ($c.number == $held.number)
      """)
    #expect(output == "true\ntrue\ntrue\nexit: 0", "\(output)")
  }

  @Test func aPipedRecordAndAnArgumentThatDisagreeAreRefused() async throws {
    let harness = try LanguageHarness()
    for (source, message) in [
      (
        "let gs = groups US; $gs[0] | purchase group=$gs[1].id",
        "purchase: the group piped in is"
      ),
      (
        "let g = groups US | where allow_number_selection | first; let a = $g | available; $a[0] | purchase number=$a[1].number",
        "purchase: the record is for"
      ),
      ("let g = groups US | first; $g | reserve group=$g", "reserve: a record is piped in and another given"),
      (#"let c = "GB"; $c | groups US"#, "groups: the country piped in is GB, but country=US was given"),
      ("let r = regions US | first; $r | cities region=99", "cities: the region piped in is"),
      ("let g = groups US | first; $g | requirements DE", "requirements: the group's country piped in is US"),
    ] {
      let output = await harness.run(source)
      #expect(output.contains(message), "\(source)\n\(output)")
      #expect(output.hasSuffix("exit: 1"), "\(output)")
    }
    #expect(sent(harness, "POST").isEmpty, "\(harness.requests.text)")
  }

  @Test func cancelTakesOnlyAReservation() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("groups US | first | purchase; numbers | first | cancel")
    #expect(output.contains("error: cancel takes a reservation piped in"), "\(output)")
    #expect(output.contains("help: this is a number the account owns: give it up with release"), "\(output)")
    #expect(sent(harness, "DELETE").isEmpty, "\(harness.requests.text)")
  }

  @Test func aDryRunGoesOnWithTheFieldsOfARealAnswer() async throws {
    let harness = try LanguageHarness()
    harness.session.ceiling.dryRun = true
    let output = await harness.run(
      """
      let g = groups US | where allow_number_selection | first
      let held = $g | reserve
      print "holding $held.number until $held.expires_at"
      let bought = $held | purchase
      print $bought.success $bought.dry_run
      """)
    #expect(output.contains("holding null until null\n"), "\(output)")
    #expect(output.contains("null true\nexit: 0"), "\(output)")
    #expect(sent(harness, "POST").isEmpty, "\(harness.requests.text)")
  }

  @Test func sortingByARecordOrMixedKindsIsRefused() async throws {
    let harness = try LanguageHarness()
    let record = await harness.run("groups US | sort-by price | first | purchase")
    #expect(record.contains("error: sort-by: 'price' is a record, which has no order"), "\(record)")
    #expect(record.contains("help: sort by one of its fields: price.setup_price, price.monthly_price"), "\(record)")
    let mixed = await harness.run(#"[{p: 1}, {p: "a"}] | sort-by p"#)
    #expect(mixed.contains("the values of 'p' are number and string"), "\(mixed)")
    #expect(sent(harness, "POST").isEmpty, "\(harness.requests.text)")
  }

  @Test func aBlockIsNoConditionForIfOrAssert() async throws {
    let harness = try LanguageHarness()
    let conditional = await harness.run(#"if { false } { print "yes" }"#)
    #expect(conditional.contains("error: if takes a condition, not a block"), "\(conditional)")
    let assertion = await harness.run(#"assert { 1 > 2 } "too expensive"; print passed"#)
    #expect(assertion.contains("error: assert takes a condition, not a block"), "\(assertion)")
  }

  @Test func aFieldTheAPILeavesOutOfSomeAnswersIsReadWithAQuestionMark() async throws {
    let harness = try LanguageHarness()
    let plain = await harness.run("groups GB | get price.ppm")
    #expect(plain.contains("error: get: 'ppm' is not in every record of price"), "\(plain)")
    #expect(plain.contains("help: write 'ppm?' to read it"), "\(plain)")
    let marked = await harness.run("groups GB | get price.ppm? | count")
    #expect(marked.hasSuffix("exit: 0"), "\(marked)")
    // In a string a ? is text, so the way to ask is $( ).
    let inString = await harness.run(#"let a = groups GB | first; print "$a.price.ppm?""#)
    #expect(inString.contains("help: in a string, ? is text: write $($a.price.ppm?)"), "\(inString)")
    let typo = await harness.run(#"let a = groups GB | first; print "$a.pric""#)
    #expect(typo.contains("did you mean 'price'?"), "\(typo)")
  }

  @Test func selectKeepsNestedFieldsNested() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      "groups US | select id price.monthly_price | sort-by price.monthly_price | first | get price.monthly_price")
    #expect(output == "1.15\nexit: 0", "\(output)")
  }

  @Test func codeThatRunsLaterSeesVariablesAsTheyAreThen() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      let g = groups US | first
      def f [] { $g.extra }
      let g = {extra: 1}
      print (f)
      let best = {}
      for g in groups US {
        if $best == {} or $g.price.monthly_price < $best.price.monthly_price { let best = $g }
      }
      print $best.price.monthly_price
      try { fail "no" } catch err { print $err.message $err.outcome }
      """)
    #expect(output == "1\n1.15\nno null\nexit: 0", "\(output)")
  }

  @Test func aLongChainOfFieldsIsTooDeepNotACrash() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("let x = {a: 1}\n$x" + String(repeating: ".a", count: 2000))
    #expect(output.contains("error: nesting deeper than 128 levels"), "\(output.prefix(200))")
  }

  @Test func aValueACommandWouldDropIsRefused() async throws {
    let harness = try LanguageHarness()
    for (source, message) in [
      ("range 0 1e30", "range: to must be a whole number within ±9223372036854775807"),
      ("[1, 2] | first 99999999999999999999", "first: n must be a whole number within ±9223372036854775807"),
      (#"[1] | print "x""#, "print takes values, or one value piped in, not both"),
      ("[1] | sleep 0", "sleep takes nothing piped in"),
      ("let c = regions US | first; cities US | first | cities", "cities takes a region record piped in"),
    ] {
      let output = await harness.run(source)
      #expect(output.contains("error: \(message)"), "\(source)\n\(output)")
    }
  }

  @Test func aQuestionMarkDoesNotExcuseAFieldNoRecordCanHave() async throws {
    let harness = try LanguageHarness()
    let typo = await harness.run("groups JP | sort-by price.montly_price? | first | purchase")
    #expect(typo.contains("error: sort-by: no field 'montly_price' in price"), "\(typo)")
    #expect(typo.contains("did you mean 'monthly_price'?"), "\(typo)")
    let unknownShape = await harness.run("let r = [{a: 1}, {a: 2}] | each { $it }; $r | sort-by b? | first")
    #expect(unknownShape.contains("error: sort-by: no item has a value at 'b?'"), "\(unknownShape)")
    #expect(sent(harness, "POST").isEmpty, "\(harness.requests.text)")
  }

  @Test func whatADryRunPlannedIsNeverBoughtLater() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(
      """
      set dry_run=on
      let r = groups US | first | reserve
      set dry_run=off
      $r | purchase
      """)
    #expect(output.contains("purchase: the record piped in is what a dry run planned"), "\(output)")
    let given = await harness.run("set dry_run=on; let r = groups US | first | reserve; set dry_run=off; purchase $r")
    #expect(given.contains("purchase: the record piped in is what a dry run planned"), "\(given)")
    #expect(sent(harness, "POST").isEmpty, "\(harness.requests.text)")
  }

  @Test func aConditionThatIsTheSameForEveryRowIsRefused() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run(#"groups US | where "sms_out" | first | purchase"#)
    #expect(output.contains("error: where takes a condition; this value is the same for every row"), "\(output)")
    #expect(sent(harness, "POST").isEmpty, "\(harness.requests.text)")
    let repeated = await harness.run("def f [a, a] { }")
    #expect(repeated.contains("error: parameter 'a' is named twice"), "\(repeated)")
  }
}
