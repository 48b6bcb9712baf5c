import Commands
import Foundation
import NumbersAPI
import NumbersContract
import TestSupport
import Testing

/// The journal never loses an entry: every entry is a whole line, a torn line
/// is reported and kept apart, and a write left `sending` is found on start.
@Suite("The journal never loses an entry")
struct JournalTests {
  static let sending: JSONValue = [
    "time": "2025-03-01T10:00:00Z", "mode": "live", "command": "purchase", "method": "POST",
    "path": "/open/numbers/purchase", "body": ["group_id": "grp_1", "number": "+12135550123"], "outcome": "sending",
  ]

  func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  @Test("a journal made read-only (a strict umask) or readable by others is put back to 0600 and written")
  func theJournalIsOwnerOnlyWhateverItsMode() async throws {
    try await withTemporaryFolder { folder in
      for mode: mode_t in [0o400, 0o644] {
        let path = folder + "/journal-\(mode).ndjson"
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: mode]))
        try Journal(path: path).append(["outcome": "first"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "from \(String(mode, radix: 8))")
        #expect(try text(path).contains("\"outcome\":\"first\""))
      }
    }
  }

  @Test func aTornLastLineIsEndedSoTheNextEntryStaysWhole() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      let journal = Journal(path: path)
      try journal.append(["outcome": "first"])
      // A full disk or a killed process cut the second entry short.
      let torn = #"{"time":"2025-03-01T10:00:00Z","outc"#
      let handle = try #require(FileHandle(forWritingAtPath: path))
      try handle.seekToEnd()
      try handle.write(contentsOf: Data(torn.utf8))
      try handle.close()
      try journal.append(["outcome": "third"])

      let lines = try text(path).split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count == 4, "three lines and the final newline: \(lines)")
      #expect(lines[1] == torn)
      let contents = try journal.read()
      #expect(contents.entries.map(\.outcome) == ["first", "third"])
      #expect(contents.entries.map(\.line) == [1, 3])
      #expect(contents.tornLines == [TornJournalLine(line: 2, byteCount: torn.utf8.count, wholeEntryFollowed: false)])

      let harness = try LanguageHarness(journal: path)
      let output = await harness.run("journal | get outcome")
      #expect(output.contains("warning: \(path):2: a torn entry (\(torn.utf8.count) bytes), kept as is"), "\(output)")
      #expect(output.contains("first\nthird\nexit: 0"), "\(output)")
    }
  }

  @Test func anEntryGluedToATornLineByAnOlderVersionIsStillRead() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      let glued =
        #"{"outcome":"first"}"# + "\n" + #"{"time":"2025-03-01T10:00:00Z","body":{"gr{"outcome":"third"}"# + "\n"
      try glued.write(toFile: path, atomically: true, encoding: .utf8)
      let contents = try Journal(path: path).read()
      #expect(contents.entries.map(\.outcome) == ["first", "third"])
      #expect(contents.tornLines == [TornJournalLine(line: 2, byteCount: 42, wholeEntryFollowed: true)])
      #expect(
        contents.warnings(path: "journal.ndjson") == [
          "journal.ndjson:2: a torn entry (42 bytes), followed by a whole entry on the same line, kept as is"
        ])
    }
  }

  @Test func aFullDiskIsAnErrorAndTheEntryIsNotTakenAsWritten() throws {
    // Every write to /dev/full fails with ENOSPC.
    #expect {
      try Journal(path: "/dev/full").append(Self.sending)
    } throws: { error in
      "\(error)" == "cannot write the journal /dev/full: No space left on device"
    }
  }

  @Test func eachEntryHasAnIdAndAnOutcomeSettlesItsSendingEntry() async throws {
    try await withTemporaryFolder { folder in
      let journal = Journal(path: folder + "/journal.ndjson")
      let sendingID = try journal.append(Self.sending)
      let unsettled = try journal.read().unsettled
      #expect(unsettled.map(\.id) == [sendingID])
      let sending = try #require(unsettled.first)

      // The outcome reuses the sending entry's fields, id included: it still gets an id of its own.
      var outcome = sending.fields
      outcome["outcome"] = "ok"
      let outcomeID = try journal.append(.object(outcome), settling: sending.reference)
      #expect(outcomeID != sendingID)
      let contents = try journal.read()
      #expect(contents.unsettled.isEmpty)
      #expect(contents.settlement(of: sending)?.id == outcomeID)
      #expect(contents.entries.last?.settles == sendingID)
      #expect(contents.entries.first?.fields["body"]?["number"] == "+12135550123")
    }
  }

  @Test func entriesWrittenBeforeIdsAreMatchedByTimeMethodAndPath() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      var outcome = try #require(Self.sending.objectValue)
      outcome["outcome"] = "ok"
      var later = try #require(Self.sending.objectValue)
      later["time"] = "2025-03-01T11:00:00Z"
      let lines = [Self.sending, .object(outcome), .object(later)].map(\.jsonText)
      try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      let contents = try Journal(path: path).read()
      #expect(contents.unsettled.map(\.line) == [3])
      #expect(contents.settlement(of: contents.entries[0])?.line == 2)
    }
  }

  @Test func aWriteLeftSendingIsNamedInTheNoticeOnStart() async throws {
    try await withTemporaryFolder { folder in
      let journal = Journal(path: folder + "/journal.ndjson")
      #expect(journal.unfinishedWritesNotice() == nil)
      try journal.append(Self.sending)
      #expect(
        journal.unfinishedWritesNotice()
          == "journal: 1 write was left unfinished (purchase of +12135550123 at 2025-03-01T10:00:00Z): "
          + "run `journal check` to settle it")
      var release = try #require(Self.sending.objectValue)
      release["command"] = "release"
      release["method"] = "DELETE"
      release["path"] = "/open/voip/virtual-numbers/DID123"
      release["body"] = nil
      try journal.append(.object(release))
      #expect(
        journal.unfinishedWritesNotice()
          == "journal: 2 writes were left unfinished (purchase of +12135550123 at 2025-03-01T10:00:00Z; "
          + "release of DID123 at 2025-03-01T10:00:00Z): run `journal check` to settle them")
    }
  }

  @Test func journalCheckLeavesAnotherServersWritesAlone() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      // A release sent to another server: this account's list would say nothing about it.
      let line =
        #"{"outcome":"sending","id":"r1","time":"T1","server":"https://api.example.net","command":"release","#
        + #""method":"DELETE","path":"/open/voip/virtual-numbers/DIDaa3995b2-0ac5-4ebd-9d4c-34b29bff8b4b"}"#
      try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      let harness = try LanguageHarness(journal: path)
      let output = await harness.run("journal check | get now")
      #expect(output.contains("not checked"), "\(output)")
      #expect(try Journal(path: path).read().unsettled.map(\.reference) == ["r1"])
    }
  }

  @Test func aDryRunInTheSameSecondSettlesNothing() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      let lines = [
        #"{"outcome":"sending","id":"live","time":"T1","method":"POST","path":"/open/numbers/purchase"}"#,
        #"{"outcome":"dry_run","id":"plan","time":"T1","method":"POST","path":"/open/numbers/purchase"}"#,
      ]
      try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      let journal = Journal(path: path)
      #expect(try journal.read().unsettled.map(\.reference) == ["live"])
      #expect(journal.unfinishedWritesNotice() != nil)
    }
  }

  @Test func theQuickCheckOnStartAgreesWithAFullRead() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      let lines = [
        // Nested fields named like the ones that pair entries must not count.
        #"{"outcome":"sending","id":"a","body":{"id":"b","outcome":"ok","settles":"a"},"time":"T1"}"#,
        #"{"result":{"settles":"c"},"outcome":"ok","id":"d","note":"a \"quoted\" {brace}"}"#,
        // Escapes in the fields that are kept.
        #"{"outcome":"sending","id":"e\"1","time":"T2","body":{"number":"+1\u0032"}}"#,
        #"{"outcome":"ok","settles":"e\"1"}"#,
        "   ",
        #"{"outcome":"sending","id":"f","time":"T3","method":"POST","path":"/p"}"#,
        // Torn, then an entry glued to a torn one by an older version.
        #"{"outcome":"ok","settles":"f""#,
        #"{"time":"T4","outc{"outcome":"sending","id":"g","time":"T4","method":"DELETE","path":"/q"}"#,
        // Written before ids: paired by time, method and path.
        #"{"outcome":"sending","time":"T5","method":"POST","path":"/p"}"#,
        #"{"outcome":"ok","time":"T5","method":"POST","path":"/p"}"#,
        #"{"outcome":"sending","time":"T6","method":"POST","path":"/p"}"#,
        #"[1,2]"#,
        #"{"outcome":"sending","id":"h"} trailing"#,
      ]
      try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      let journal = Journal(path: path)
      let full = try journal.read()
      #expect(full.unsettled.map(\.reference) == ["a", "f", "g", "line:11"])
      #expect(full.tornLines.map(\.line) == [7, 8, 12, 13])
      let notice = try #require(journal.unfinishedWritesNotice())
      #expect(notice.hasPrefix("journal: 4 writes were left unfinished (a write at T1; POST /p at T3; DELETE /q at T4"))
      #expect(notice.hasSuffix("; and 1 more): run `journal check` to settle them"), "\(notice)")
    }
  }

  @Test func tenThousandLinesAreReadInOnePass() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/journal.ndjson"
      var lines: [String] = []
      for index in 0..<5_000 {
        let id = "id-\(index)"
        lines.append(#"{"outcome":"sending","time":"T\#(index)","method":"POST","path":"/p","id":"\#(id)"}"#)
        lines.append(#"{"outcome":"ok","settles":"\#(id)","id":"o-\#(index)"}"#)
      }
      try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      let contents = try Journal(path: path).read()
      #expect(contents.entries.count == 10_000)
      #expect(contents.unsettled.isEmpty)
      #expect(contents.tornLines.isEmpty)
    }
  }
}
