import Foundation
import Language
import TestSupport
import Testing

/// `explain`'s golden cases: `Explain/NAME.2cs` must print exactly `Explain/NAME.out`, and send no request. A
/// case whose name starts with `script-` is explained whole, as `2cs explain FILE` does; the others run, and
/// their `explain` statements print. Example scripts of scripts/examples are explained whole too, with their
/// expectations in `Explain/example-NAME.out`. `GOLDEN_RECORD=1` re-records them.
enum ExplainGolden {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Explain")
  static let examples = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scripts/examples")
  static let exampleNames = ["purchase-flow", "def-helper"]

  static var cases: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".2cs") }.map { String($0.dropLast(4)) }.sorted()
      + exampleNames.map { "example-" + $0 }
  }

  /// Explains or runs a case in a fresh sandbox; what it printed, and the requests the sandbox saw.
  static func output(of name: String) async throws -> (text: String, requests: String) {
    let harness = try LanguageHarness()
    let text: String
    if name.hasPrefix("example-") {
      let script = examples.appendingPathComponent(String(name.dropFirst("example-".count)) + ".2cs")
      text = explainWhole(try String(contentsOf: script, encoding: .utf8), name: script.lastPathComponent, harness)
    } else {
      let source = try String(contentsOf: folder.appendingPathComponent(name + ".2cs"), encoding: .utf8)
      if name.hasPrefix("script-") {
        text = explainWhole(source, name: name + ".2cs", harness)
      } else {
        text = await harness.run(source, name: name + ".2cs")
      }
    }
    return (text + "\n", harness.requests.text)
  }

  /// What `2cs explain FILE` prints: the explanation, or the errors.
  static func explainWhole(_ source: String, name: String, _ harness: LanguageHarness) -> String {
    let parsed = harness.engine.parse(source, name: name)
    guard parsed.diagnostics.isEmpty else {
      return parsed.diagnostics.map { $0.rendered(in: parsed.source).trimmingNewline }.joined(separator: "\n")
    }
    return harness.engine.explanation(of: parsed)
  }
}

@Suite("explain")
struct ExplainTests {
  @Test func thereAreTwelvePipelinesAndTwoScripts() {
    #expect(ExplainGolden.cases.filter { !$0.hasPrefix("script-") && !$0.hasPrefix("example-") }.count >= 12)
    #expect(ExplainGolden.cases.filter { $0.hasPrefix("example-") }.count >= 2)
  }

  @Test(arguments: ExplainGolden.cases)
  func golden(name: String) async throws {
    let (actual, requests) = try await ExplainGolden.output(of: name)
    #expect(requests.isEmpty, "explain sent requests:\n\(requests)")
    let expected = ExplainGolden.folder.appendingPathComponent(name + ".out")
    // Not #expect(actual == wanted): that prints both texts whole before the message.
    if let mismatch = try goldenMismatch(actual, expected: expected, name: name) { Issue.record("\(mismatch)") }
  }

  /// The counter the golden cases read counts: the card's example run for real sends its requests.
  @Test func theRequestCounterSeesTheSamePipelineRunForReal() async throws {
    let harness = try LanguageHarness()
    let ran = await harness.run("groups country=US | first | purchase | get success")
    #expect(ran.hasSuffix("exit: 0"), "\(ran)")
    let requests = harness.requests.text.split(separator: "\n")
    #expect(requests.first?.hasPrefix("GET /open/numbers/groups") == true, "\(requests)")
    #expect(requests.contains { $0.hasPrefix("POST /open/numbers/purchase") }, "\(requests)")
    #expect(requests.count >= 3, "\(requests)")
  }

  /// An error in the explained pipeline is reported as `check` reports it, with its place, and nothing is sent.
  @Test func anErrorIsReportedWithItsPlace() async throws {
    let harness = try LanguageHarness()
    let marked = MarkedSource("explain groups US | first | 1️⃣purchas")
    let text = await harness.run(marked.source, name: "bad.2cs")
    let place = try marked.place("1️⃣")
    #expect(text.hasPrefix("bad.2cs:\(place.line):\(place.column): error: unknown command 'purchas'"), "\(text)")
    #expect(text.hasSuffix("exit: 2"), "\(text)")
    #expect(harness.requests.text.isEmpty)
  }

  /// A variable the session holds is known: a purchase of its group shows the price it would spend.
  @Test func aGroupTheSessionHoldsShowsItsPrice() async throws {
    let harness = try LanguageHarness()
    _ = await harness.run("let g = groups US near=213 | first")
    let before = harness.requests.text
    let text = await harness.run("explain $g | purchase")
    #expect(harness.requests.text == before, "explain sent requests")
    #expect(text.contains("money: 1 purchase: "), "\(text)")
    #expect(text.contains(" setup + "), "\(text)")
    #expect(text.contains("first month = "), "\(text)")
  }

  /// What an explained `let` would bind stays unbound: the explanation ran nothing.
  @Test func anExplainedLetBindsNothing() async throws {
    let harness = try LanguageHarness()
    let text = await harness.run("explain let g = regions US\n$g")
    #expect(text.contains("error: undefined variable $g"), "\(text)")
    #expect(harness.requests.text.isEmpty)
  }
}
