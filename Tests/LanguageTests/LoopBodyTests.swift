import Testing

/// A loop body of plain statements is made ready after its first run so the rest read variables from their slots
/// (see `CompiledBody`). It must mean exactly what running each statement does.
@Suite("Loop bodies") struct LoopBodyTests {
  @Test func variablesReadTheNearestScopeAsTheyDidOnTheFirstRun() async throws {
    let harness = try LanguageHarness()
    // A def's loop adds to the def's own variable; a global of the same name read first is left alone.
    let shadowing = """
      let t = 10
      def g [] { for i in [1, 2, 3] { let t = $t + $i }; $t }
      print (g) $t
      """
    #expect(await harness.run(shadowing) == "16 10\nexit: 0")
    #expect(
      await harness.run("let n = 0; for i in range 0 5 { let n = ($n + $i) * 2; let m = $n }; print $n $m")
        == "52 52\nexit: 0")
    #expect(
      await harness.run("let r = {x: {y: 3}}; let s = 0; for i in range 0 4 { let s = $s + $r.x.y - $i }; print $s")
        == "6\nexit: 0")
    #expect(
      await harness.run("let c = 0; for i in range 0 3 { let c = $c + 1; let e = $env.TWOCS_TEST }; print $c $e")
        == "3 yes\nexit: 0")
    // A global bound in the loop body is the one read after it.
    #expect(await harness.run("for i in [1, 2] { let last = $i }; print $last") == "2\nexit: 0")
  }

  @Test func anErrorOnALaterItemIsPlacedAsOnTheFirst() async throws {
    let harness = try LanguageHarness()
    let output = await harness.run("let total = 0\nfor i in [1, 2, \"three\"] { let total = $total + $i * 2 }")
    #expect(output.contains("test.2cs:2:49: error:"), "\(output)")
    #expect(output.hasSuffix("exit: 1"), "\(output)")
    let missing = await harness.run("let r = {x: 1}\nfor i in range 0 3 { let v = $r.x; let r = {y: 2} }")
    #expect(missing.contains("test.2cs:2:30: error: no field 'x'"), "\(missing)")
    #expect(missing.contains("x"), "\(missing)")
  }
}
