import Commands
import Language
import Testing

/// How tables are laid out in a width, without a terminal.
@Suite("Table layout")
struct TableLayoutTests {
  func rows(_ records: [Record]) -> Value { .list(records.map(Value.record)) }

  func lines(_ value: Value, width: Int?, ascii: Bool = false) -> [String] {
    Renderer(format: .table, width: width, ascii: ascii).render(value).components(separatedBy: "\n")
  }

  @Test func displayWidthCountsTerminalCells() {
    #expect("abc".displayWidth == 3)
    #expect("東京".displayWidth == 4)
    #expect("한국어".displayWidth == 6)
    #expect("ｱｲ".displayWidth == 2)  // halfwidth katakana
    #expect("🎉".displayWidth == 2)
    #expect("❤️".displayWidth == 2)  // a text symbol with the emoji variation selector
    #expect("👨‍👩‍👧".displayWidth == 2)  // a ZWJ sequence is one glyph
    #expect("🇬🇧".displayWidth == 2)
    #expect("e\u{301}".displayWidth == 1)
    #expect("\u{200D}\u{FE0F}".displayWidth == 0)
    #expect("a\tb".displayWidth == 2)
    #expect("東京タワー".prefix(cells: 5) == "東京")
  }

  @Test func wideCharactersArePaddedByCells() {
    let value = rows([["name": .string("東京"), "n": .int(1)], ["name": .string("ab🎉"), "n": .int(22)]])
    let shown = lines(value, width: nil)
    #expect(shown == ["name   n", "────  ──", "東京   1", "ab🎉  22"], "\(shown)")
  }

  @Test func idsAndPhoneNumbersAreNeverCutAndTheFooterSaysWhatIsMissing() {
    let value = rows(
      (1...3).map { index -> Record in
        [
          "id": .string("grp_0123456789abcdef\(index)"), "contact": .string("+44 20 7946 09\(index)0"),
          "location": .string("A very long place name \(index)"),
          "notes": .string(String(repeating: "word ", count: 12)),
          "tags": .list([.string("a"), .string("b")]), "count": .int(index),
        ]
      })
    let shown = lines(value, width: 60)
    let text = shown.joined(separator: "\n")
    for line in shown { #expect(line.displayWidth <= 60, "\(line)") }
    for index in 1...3 {
      #expect(text.contains("grp_0123456789abcdef\(index)"), "\(text)")
      #expect(text.contains("+44 20 7946 09\(index)0"), "\(text)")
    }
    #expect(text.contains("…"), "\(text)")
    #expect(text.contains("not shown: ") && text.contains("notes"), "\(text)")
    #expect(text.contains("cut: location"), "\(text)")
  }

  @Test func nestedHeadersAreShortenedOnlyWhileTheyStayDistinct() {
    let price: Value = .record(["setup_price": .string("1.00"), "monthly_price": .string("2.00")])
    let other: Value = .record(["setup_price": .string("3.00")])
    let value = rows(
      [["id": .string("x"), "price": price, "other": other, "description": .string(String(repeating: "z", count: 80))]])
    let header = lines(value, width: 70)[0].split(separator: " ").map(String.init)
    #expect(header == ["id", "price.setup_price", "monthly_price", "other.setup_price", "description"], "\(header)")
  }

  @Test func tablesFitToBlocksWhenEvenTheIdsBarelyFit() {
    let id = "res_" + String(repeating: "7", count: 30)
    let value = rows(
      [["id": .string(id), "a": .string("one"), "b": .string("two")], ["id": .string("x"), "a": .string("three")]])
    let shown = lines(value, width: 24)
    for line in shown { #expect(line.displayWidth <= 24, "\(line)") }
    #expect(shown.first == "─[ record 1 ]───────────", "\(shown)")
    #expect(shown.contains("─[ record 2 ]───────────"), "\(shown)")
    // The id is wrapped, not cut: its pieces follow each other.
    let idLines = shown.drop { !$0.hasPrefix("id ") }.prefix { !$0.hasPrefix("a ") }
    #expect(idLines.map { $0.dropFirst(4) }.joined() == id, "\(shown)")
  }

  @Test func aSingleRecordWrapsItsValues() {
    let text = "one two three four five six seven eight nine ten"
    let value: Value = .record(["id": .string("num_1"), "description": .string(text)])
    #expect(lines(value, width: nil) == ["id           num_1", "description  \(text)"])
    let narrow = lines(value, width: 30)
    for line in narrow { #expect(line.displayWidth <= 30, "\(line)") }
    #expect(narrow.map { $0.dropFirst(13) }.joined(separator: " ").hasSuffix(text), "\(narrow)")
  }

  @Test func asciiDrawingForALocaleThatIsNotUTF8() {
    let value = rows([
      ["id": .string("a"), "note": .string(String(repeating: "long text ", count: 10)), "n": .int(1)]
    ])
    let text = lines(value, width: 40, ascii: true).joined(separator: "\n")
    #expect(text.utf8.allSatisfy { $0 < 0x80 }, "\(text)")
    #expect(text.contains("--  ") && text.contains("..."), "\(text)")
  }

  @Test func withoutAWidthNothingChanges() {
    let value = rows([["id": .string(String(repeating: "x", count: 300)), "price": .record(["monthly": .int(1)])]])
    let shown = lines(value, width: nil)
    #expect(shown[0].hasSuffix("price.monthly"))
    #expect(shown[2].count == 300 + 2 + "price.monthly".count)
  }

  @Test func tenThousandRowsAreLaidOut() {
    let value = rows(
      (0..<10_000).map { index -> Record in
        ["id": .string("num_\(index)"), "number": .string("+1415555\(index)"), "note": .string("n")]
      })
    let shown = lines(value, width: 80)
    #expect(shown.count == 10_002)
  }

  @Test func caretsCountDisplayCells() {
    let text = #"print "東京🎉" $nope"#
    let source = SourceFile(name: "t.2cs", text: text)
    let start = text.utf8.count - "$nope".utf8.count
    let diagnostic = Diagnostic(id: "x", message: "m", range: SourceRange(start, start + 5))
    let rendered = diagnostic.rendered(in: source).components(separatedBy: "\n")
    #expect(rendered[2] == "  " + String(repeating: " ", count: #"print "東京🎉" "#.displayWidth) + "^^^^^")
    let wide = Diagnostic(id: "x", message: "m", range: SourceRange(7, 7 + "東京".utf8.count))
    #expect(wide.rendered(in: source).components(separatedBy: "\n")[2] == "         ^^^^")
  }
}
