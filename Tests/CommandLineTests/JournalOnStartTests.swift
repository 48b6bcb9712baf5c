import Foundation
import TestSupport
import Testing

/// A write the process never finished is named once when 2cs starts, in a script and in the REPL.
@Suite("Unfinished writes are reported on start")
struct JournalOnStartTests {
  static let sending =
    #"{"time":"2025-03-01T10:00:00Z","mode":"live","command":"purchase","method":"POST","path":"/open/numbers/purchase","#
    + #""body":{"group_id":"grp_1","number":"+12135550123"},"outcome":"sending","id":"a1"}"#
  static let notice =
    "journal: 1 write was left unfinished (purchase of +12135550123 at 2025-03-01T10:00:00Z): "
    + "run `journal check` to settle it\n"

  func writeJournal(_ lines: [String], home: String) throws {
    let folder = home + "/state/2cs"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: folder + "/journal.ndjson", atomically: true, encoding: .utf8)
  }

  @Test func aSendingEntryWithoutAnOutcomeIsReportedOnce() async throws {
    try await withTemporaryFolder { home in
      try writeJournal([Self.sending], home: home)
      let script = try run2cs(["-c", "print 1"], home: home)
      #expect(script.status == 0)
      #expect(script.standardError == Self.notice)
      #expect(script.standardOutput == "1\n")
      let piped = try run2cs([], home: home, input: "print 2\nprint 3\n")
      #expect(piped.standardError == Self.notice, "once per start, not per statement")
    }
  }

  @Test func aSettledWriteIsNotReported() async throws {
    try await withTemporaryFolder { home in
      try writeJournal([Self.sending, #"{"outcome":"ok","settles":"a1","id":"b2"}"#], home: home)
      let result = try run2cs(["-c", "print 1"], home: home)
      #expect(result.standardError == "")
    }
  }
}
