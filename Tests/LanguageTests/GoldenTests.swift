import Foundation
import TestSupport
import Testing

/// The golden scripts: `Golden/NAME.2cs` runs against a fresh sandbox and
/// must print exactly `Golden/NAME.out`. Run with `GOLDEN_RECORD=1` to
/// rewrite the expectations after a deliberate change, then review the diff.
enum Golden {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  static var cases: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".2cs") }.map { String($0.dropLast(4)) }.sorted()
  }
}

@Suite("Golden scripts")
struct GoldenTests {
  @Test func thereAreAtLeastSixtyCases() {
    #expect(Golden.cases.count >= 60)
  }

  @Test(arguments: Golden.cases)
  func script(name: String) async throws {
    let script = Golden.folder.appendingPathComponent(name + ".2cs")
    let expected = Golden.folder.appendingPathComponent(name + ".out")
    let source = try String(contentsOf: script, encoding: .utf8)
    // Each script gets a folder of its own for files, with a helper to `source` and a journal.
    let folder = NSTemporaryDirectory() + "2cs-golden-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "let greeting = \"hello from helpers\"\ndef twice [x] { $x * 2 }\n".write(
      toFile: folder + "/helpers.2cs", atomically: true, encoding: .utf8)
    let harness = try LanguageHarness(journal: folder + "/journal.ndjson")
    harness.engine.workingDirectory = folder
    let actual = await harness.run(source, name: name + ".2cs") + "\n"
    // Not #expect(actual == wanted): that prints both texts whole before the message.
    if let mismatch = try goldenMismatch(actual, expected: expected, name: name) { Issue.record("\(mismatch)") }
  }
}
