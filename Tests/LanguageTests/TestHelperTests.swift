import TestSupport
import Testing

/// The helpers other tests trust to tell them what went wrong, and where.
@Suite("Test helpers")
struct TestHelperTests {
  @Test func anInsertedLineIsOneAddedLineNotAShiftOfEverythingAfter() {
    let expected = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
    var lines = expected.split(separator: "\n").map(String.init)
    lines.insert("surprise", at: 4)
    lines[8] = "line 8, changed"
    let actual = lines.joined(separator: "\n") + "\n"
    #expect(
      lineDiff(expected: expected, actual: actual) == """
        1 expected line missing, 2 unexpected (- expected, + actual):
           3  3 | line 3
           4  4 | line 4
        +     5 | surprise
           5  6 | line 5
           6  7 | line 6
           7  8 | line 7
        -  8    | line 8
        +     9 | line 8, changed
           9 10 | line 9
          10 11 | line 10
        """)
  }

  @Test func farApartChangesAreShownApartWithTheirContext() {
    let expected = (1...20).map { "line \($0)" }.joined(separator: "\n")
    let actual = expected.replacingOccurrences(of: "line 2\n", with: "line two\n")
      .replacingOccurrences(of: "line 19", with: "line 19 ")
    #expect(
      lineDiff(expected: expected, actual: actual, context: 1) == """
        2 expected lines missing, 2 unexpected (- expected, + actual):
           1  1 | line 1
        -  2    | line 2
        +     2 | line two
           3  3 | line 3
        …
          18 18 | line 18
        - 19    | line 19
        +    19 | line 19·
          20 20 | line 20
        """)
    #expect(lineDiff(expected: "same\n", actual: "same\n") == "")
    #expect(lineDiff(expected: "a\n", actual: "a").hasSuffix("(the actual text has no newline at its end)"))
  }

  @Test func markersGiveLineAndColumnInCharacters() throws {
    let marked = MarkedSource("let s = \"é\"\n  1️⃣grops 2️⃣--x\n")
    #expect(marked.source == "let s = \"é\"\n  grops --x\n")
    let first = try marked.place("1️⃣")
    #expect(first.line == 2 && first.column == 3 && first.lineText == "  grops --x" && first.offset == 15)
    #expect(try marked.place("2️⃣").location(in: "f.2cs") == "f.2cs:2:9")
    #expect(first.caret(width: 5) == "    ^^^^^")
    #expect(throws: TestFailure.self) { try marked.place("3️⃣") }
  }
}
