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

  @Test func theCorpusHasAtLeastFortyScripts() {
    #expect(Self.files.count >= 40)
  }

  @Test(arguments: files)
  func reportsAnErrorWithAPlace(file: String) async throws {
    try await withTemporaryFolder { home in
      let path = Self.folder.appendingPathComponent(file).path
      let result = try run2cs([path], home: home)
      #expect(result.exitedNormally, "ended by a signal")
      #expect([1, 2].contains(result.status), "exit status \(result.status)")
      let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
      let first = lines.first.map(String.init) ?? ""
      #expect(first.hasPrefix(path + ":"), "first line: \(first)")
      #expect(first.range(of: #"^.+:\d+:\d+: error: .+"#, options: .regularExpression) != nil, "first line: \(first)")
      #expect(
        lines.contains { $0.contains("^") && $0.allSatisfy { " \t^".contains($0) } },
        "no caret line:\n\(result.standardError)")
      for crash in ["Fatal error", "Stack dump", "Backtrace", "Segmentation", "💣"] {
        #expect(!result.standardError.contains(crash))
      }
    }
  }
}
