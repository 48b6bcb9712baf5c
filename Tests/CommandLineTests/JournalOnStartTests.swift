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

/// `journal check` settles a write whose process died before it learned the outcome.
@Suite("journal check")
struct JournalCheckTests {
  @Test func anUnfinishedPurchaseIsSettledAgainstTheAccount() async throws {
    try await withTemporaryFolder { home in
      // A purchase that went through, whose process then "died": only its `sending` entry is left.
      let bought = try run2cs(
        [
          "-c",
          "let n = groups US | where allow_number_selection | first | available | first; let b = $n | purchase; print $n.number",
        ],
        home: home)
      #expect(bought.status == 0, "\(bought.standardError)")
      let number = bought.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
      let path = home + "/state/2cs/journal.ndjson"
      let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
      let sending = try #require(lines.first { $0.contains("\"outcome\":\"sending\"") })
      // And one whose number the account does not hold.
      let missing = sending.replacingOccurrences(of: number, with: "+12135550100")
        .replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"x")
      try "\(sending)\n\(missing)\n".write(toFile: path, atomically: true, encoding: .utf8)

      let check = try run2cs(["--output", "csv", "-c", "journal check | select write was now"], home: home)
      #expect(check.standardError.hasPrefix("journal: 2 writes were left unfinished"), "\(check.standardError)")
      #expect(check.standardOutput.contains("purchase of \(number)"), "\(check.standardOutput)")
      #expect(check.standardOutput.contains(",sending,done\n"))
      #expect(check.standardOutput.contains("purchase of +12135550100"))
      #expect(check.standardOutput.contains(",sending,unknown\n"))

      // Both are settled now: nothing is reported on start, and only the unknown one is looked at again.
      let again = try run2cs(["--output", "csv", "-c", "journal check | select was now"], home: home)
      #expect(again.standardError == "")
      #expect(again.standardOutput == "was,now\nunknown,unknown\n")
      let outcomes = try run2cs(["--output", "csv", "-c", "journal | get outcome"], home: home)
      #expect(outcomes.standardOutput.contains("sending\nsending\ndone\nunknown"), "\(outcomes.standardOutput)")
    }
  }
}
