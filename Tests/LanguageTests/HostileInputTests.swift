import Foundation
import TestSupport
import Testing

/// Input that once crashed 2cs or ran away with memory ends in an error with a place instead.
@Suite("Hostile input")
struct HostileInputTests {
  @Test func aFileThatSourcesItselfStops() async throws {
    try await withTemporaryFolder { folder in
      let file = folder + "/again.2cs"
      try "source \(file)\n".write(toFile: file, atomically: true, encoding: .utf8)
      let output = try await LanguageHarness().run("source \(file)")
      #expect(output.contains("files source each other more than 200 deep"), "\(output.suffix(400))")
      #expect(output.hasSuffix("exit: 1"))
    }
  }

  @Test func aLongOperatorChainIsAnErrorNotACrash() async throws {
    let chain = Array(repeating: "1", count: 3000).joined(separator: " + ")
    let output = try await LanguageHarness().run("let x = \(chain)")
    #expect(output.contains("nesting deeper than 128 levels"), "\(output.prefix(300))")
    #expect(output.hasSuffix("exit: 2"))
    #expect(
      try await LanguageHarness().run(Array(repeating: "1", count: 100).joined(separator: " + ")) == "100\nexit: 0")
  }

  /// An error shows the line it is on; an escape sequence there is shown as text (␛), not sent to the terminal,
  /// and the carets stay under the error.
  @Test func controlCharactersInAnErrorLineAreShownNotSent() async throws {
    let output = try await LanguageHarness().run("print \"\u{1B}[2J\" nosuch$")
    #expect(!output.contains("\u{1B}"), "\(output)")
    #expect(output.contains("  print \"␛[2J\" nosuch$\n"), "\(output)")
    // Under the `$` of column 20, after the two spaces the line is indented by.
    #expect(output.contains("\n" + String(repeating: " ", count: 21) + "^\n"), "\(output)")
  }
}
