import Commands
import Language
import TestSupport
import Testing

/// Another Swift program can embed the language with commands of its own.
@Suite("Embedding the engine")
struct EmbeddingTests {
  @Test func anEngineRunsItsOwnCommandsAndSharesVariables() async throws {
    let shout = Command(
      Signature(
        name: "shout", category: .data, summary: "upper-cases text",
        parameters: [Parameter("text", .string, positional: true, summary: "what to shout")], input: "text",
        output: "text")
    ) { call in
      guard case .string(let text) = call["text"] ?? call.input else { throw CommandError("shout needs text") }
      return .string(text.uppercased())
    }
    let engine = Engine(commands: [shout])
    engine[variable: "name"] = .string("world")
    let outcome = await engine.run("let greeting = shout \"hello $name\"\n$greeting | shout", name: "embed.2cs")
    guard case .finished(let value) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(value == .string("HELLO WORLD"))
    #expect(engine[variable: "greeting"] == .string("HELLO WORLD"))
    #expect(engine.commandNames == ["shout"])

    engine.add(
      Command(Signature(name: "answer", category: .data, summary: "42", output: "a number")) { _ in .int(42) })
    guard case .finished(let answer) = await engine.run("answer", name: "more.2cs") else {
      Issue.record("answer failed")
      return
    }
    #expect(answer == .int(42))
  }

  @Test func errorsCarryTheirPlace() async throws {
    let engine = Engine(commands: builtinCommands)
    let marked = MarkedSource("let x = 1️⃣[1, 2\n")
    guard case .invalid(let diagnostics, let source) = await engine.run(marked.source, name: "bad.2cs") else {
      Issue.record("expected a syntax error")
      return
    }
    let open = try marked.place("1️⃣")
    #expect(
      diagnostics.first?.rendered(in: source)
        == "\(open.location(in: "bad.2cs")): error: '[' is never closed\n  \(open.lineText)\n\(open.caret())\n")
    #expect(diagnostics.count == 1, "\(diagnostics.map { $0.rendered(in: source) })")
    #expect(engine.parse("groups US |", name: "repl").incomplete)
    #expect(!engine.parse("groups US | count", name: "repl").incomplete)
  }
}

@Suite("Rendering")
struct RenderingTests {
  let rows: Value = .list([
    .record([
      "id": .string("grp_1"), "price": .record(["monthly_price": .number(DecimalNumber(significand: 350, scale: 2))]),
    ]),
    .record(["id": .string("grp_22222222222222"), "note": .string("a \"quoted\", text")]),
  ])

  @Test func tablesFlattenNestedRecordsAndFitTheWidth() {
    let wide = Renderer(format: .table).render(rows)
    #expect(wide.split(separator: "\n").first == "id                  price.monthly_price  note")
    let narrow = Renderer(format: .table, width: 40).render(rows)
    #expect(narrow.split(separator: "\n").allSatisfy { $0.displayWidth <= 40 }, "\(narrow)")
    #expect(narrow.contains("\ngrp_22222222222222\n"), "\(narrow)")
    #expect(narrow.hasSuffix("… 1 column not shown: note (select\nthem, or | json)"), "\(narrow)")
    // Narrower still, the id and one other column do not fit: one block per record, the id whole.
    let blocks = Renderer(format: .table, width: 30).render(rows)
    #expect(blocks.split(separator: "\n").allSatisfy { $0.displayWidth <= 30 }, "\(blocks)")
    #expect(blocks.contains("\nid    grp_22222222222222\n"), "\(blocks)")
  }

  @Test func csvQuotesAndNdjsonIsOneLineEach() {
    #expect(
      Renderer(format: .csv).render(rows)
        == "id,price.monthly_price,note\ngrp_1,3.50,\ngrp_22222222222222,,\"a \"\"quoted\"\", text\"")
    let lines = Renderer(format: .ndjson).render(rows).split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.first == #"{"id":"grp_1","price":{"monthly_price":3.50}}"#)
  }
}

@Suite("Decimal numbers")
struct DecimalTests {
  @Test(arguments: [
    ("0.1", "0.2", "0.3"), ("3.50", "1", "4.50"), ("-1.25", "1.25", "0.00"),
    ("999999999999999999", "1", "1000000000000000000"),
  ])
  func additionIsExactAndKeepsPlaces(a: String, b: String, sum: String) {
    #expect(DecimalNumber(a).flatMap { left in DecimalNumber(b).flatMap { left.adding($0) } }?.description == sum)
  }

  @Test func parsingRefusesWhatIsNotANumber() {
    for text in ["", "-", "1.", ".", "1e", "abc", "1.2.3", "+", "1 2"] {
      #expect(DecimalNumber(text) == nil, "\(text)")
    }
    #expect(DecimalNumber("2e3")?.description == "2000")
    #expect(DecimalNumber("1.5E-3")?.description == "0.0015")
    #expect(DecimalNumber("3.50") == DecimalNumber("3.5"))
  }

  @Test func divisionRoundsAtTwentyPlacesAndKeepsTheOperandsPlaces() {
    #expect(DecimalNumber(10).dividing(by: DecimalNumber(4))?.description == "2.5")
    #expect(DecimalNumber(significand: 700, scale: 2).dividing(by: DecimalNumber(2))?.description == "3.50")
    #expect(DecimalNumber(2).dividing(by: DecimalNumber(3))?.description == "0.66666666666666666667")
    #expect(DecimalNumber(1).dividing(by: DecimalNumber(0)) == nil)
  }

  @Test func overflowIsReportedNotWrapped() {
    let huge = DecimalNumber(significand: Int128("99999999999999999999999999999999999") ?? 0, scale: 0)
    #expect(huge.multiplying(by: huge) == nil)
  }

  @Test("a string written as a literal reads back as the same string")
  func literalTextRoundTrips() async throws {
    let engine = Engine(commands: [])
    for text in ["plain", "say \"hi\"", "back\\slash", "two\nlines\tand a tab", "$name and $(x)", "é😀", ""] {
      let literal = Value.string(text).literalText
      guard case .finished = await engine.run("let read = \(literal)", name: "literal.2cs", display: false) else {
        Issue.record("\(literal) does not parse")
        continue
      }
      #expect(engine[variable: "read"] == .string(text), "\(literal)")
    }
  }
}
