import Foundation
import TestSupport
import Testing

/// Broken scripts of every kind: each must end with `file:line:col: error:`,
/// a caret under the place, and exit status 2 (not runnable) or 1 (failed
/// while running); never a crash, a signal or a stack trace.
@Suite("Malformed scripts")
struct MalformedCorpusTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Malformed")

  static var files: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".2cs") }.sorted()
  }

  @Test func theCorpusHasAtLeast121Scripts() {
    #expect(Self.files.count >= 121)
  }

  // One at a time: some scripts run 2cs up to its memory and time limits (1.5 GiB, a 5 s pattern), and 164 of
  // them at once starved the pseudo-terminal tests running beside them of the CPU they wait on.
  @Test(.serialized, arguments: files)
  func reportsAnErrorWithAPlace(file: String) async throws {
    try await withTemporaryFolder { home in
      let path = Self.folder.appendingPathComponent(file).path
      // Run next to the scripts, so that the bad data files they open are found at `data/…`.
      let result = try run2cs([path], home: home, directory: Self.folder.path)
      #expect(result.exitedNormally, "ended by a signal")
      #expect([1, 2].contains(result.status), "exit status \(result.status)")
      let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
      let first = lines.first.map(String.init) ?? ""
      #expect(first.hasPrefix(path + ":"), "first line: \(first)")
      // A script may say which error it is about, on a last line `# expect: TEXT`, so that another error,
      // found first by accident, does not pass for it.
      let script = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
      for line in script.split(separator: "\n") where line.hasPrefix("# expect: ") {
        let expected = line.dropFirst("# expect: ".count)
        #expect(first.contains(expected), "expected \"\(expected)\" in: \(first)")
      }
      // The place is one in the file: the line shown under it is that line of the file, and the caret
      // stands at that column.
      let header = try #require(
        try Regex(#"^.+:(\d+):(\d+): error: .+$"#).wholeMatch(in: first), "first line: \(first)")
      let line = try #require(header[1].substring.flatMap { Int($0) })
      let column = try #require(header[2].substring.flatMap { Int($0) })
      let fileLines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false)
      try #require(line >= 1 && line <= fileLines.count, "line \(line) of a file of \(fileLines.count)")
      // Control characters show as their pictures (ESC as ␛), one column each.
      let fileLine = String(
        String.UnicodeScalarView(
          fileLines[line - 1].unicodeScalars.map { scalar in
            switch scalar.value {
            case 0x09: scalar
            case 0x00..<0x20: Unicode.Scalar(0x2400 + scalar.value)!
            case 0x7F: "\u{2421}"
            case 0x80..<0xA0: "\u{FFFD}"
            default: scalar
            }
          }))
      #expect(column >= 1 && column <= fileLine.count + 1, "column \(column) of: \(fileLine)")
      // A line with bytes that are not UTF-8 is shown up to them.
      let shown = lines.count > 2 ? lines[1].dropFirst(2) : ""
      let cutAtInvalidBytes = fileLine.contains("\u{FFFD}") && fileLine.hasPrefix(shown)
      #expect(
        lines.count > 2 && lines[1].hasPrefix("  ") && (shown == fileLine || cutAtInvalidBytes),
        "the line shown:\n\(result.standardError)")
      let caret = lines.count > 2 ? lines[2].dropFirst(2) : ""
      #expect(
        caret.prefix(column - 1).allSatisfy { " \t".contains($0) } && caret.dropFirst(column - 1).hasPrefix("^"),
        "the caret is not at column \(column):\n\(result.standardError)")
      for crash in ["Fatal error", "Stack dump", "Backtrace", "Segmentation", "💣"] {
        #expect(!result.standardError.contains(crash))
      }
    }
  }
}
