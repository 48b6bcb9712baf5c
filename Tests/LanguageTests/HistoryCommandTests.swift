import Commands
import Foundation
import Language
import TestSupport
import Testing

@Suite("The history command")
struct HistoryCommandTests {
  @Test func listsAndSavesTheSessionsStatements() async throws {
    try await withTemporaryFolder { folder in
      let harness = try LanguageHarness()
      harness.engine.workingDirectory = folder
      harness.session.statements = ["let g = groups US | first", "$g | available | first 3", "$g | purchase"]
      let listed = await harness.run("history 2 | get statement")
      #expect(listed.hasPrefix("$g | available | first 3\n$g | purchase\n"))
      _ = await harness.run("history save flow.2cs 2")
      let saved = try String(contentsOfFile: folder + "/flow.2cs", encoding: .utf8)
      #expect(saved.hasPrefix("#!/usr/bin/env 2cs\n# Saved from a 2cs session on "))
      #expect(saved.hasSuffix("\n\n$g | available | first 3\n$g | purchase\n"))
      let refused = await harness.run("history save flow.txt")
      #expect(refused.contains("history save: 'flow.txt' must end in .2cs"))
    }
  }

  @Test func aFileThatIsThereIsReplacedOnlyWhenAskedTo() async throws {
    try await withTemporaryFolder { folder in
      let harness = try LanguageHarness()
      harness.engine.workingDirectory = folder
      harness.session.statements = ["print 1"]
      try "kept\n".write(toFile: folder + "/mine.2cs", atomically: true, encoding: .utf8)
      let refused = await harness.run("history save mine.2cs")
      #expect(refused.contains("error: history save: mine.2cs is there already"), "\(refused)")
      #expect(refused.contains("help: history save mine.2cs --force replaces it"), "\(refused)")
      #expect(try String(contentsOfFile: folder + "/mine.2cs", encoding: .utf8) == "kept\n")
      let forced = await harness.run("history save mine.2cs --force")
      #expect(forced.hasSuffix("exit: 0"), "\(forced)")
      #expect(try String(contentsOfFile: folder + "/mine.2cs", encoding: .utf8).hasSuffix("print 1\n"))
    }
  }

  @Test func holdsExpireAndAreListedSoonestFirst() throws {
    let harness = try LanguageHarness()
    let now = Date()
    harness.session.noteHolds(
      .list([
        .record([
          "uuid": .string("late"), "number": .string("+1"),
          "expires_at": .string(now.addingTimeInterval(600).formatted(.iso8601)),
        ]),
        .record([
          "uuid": .string("soon"), "number": .string("+2"),
          "expires_at": .string(now.addingTimeInterval(30).formatted(.iso8601)),
        ]),
        .record([
          "uuid": .string("gone"), "number": .string("+3"),
          "expires_at": .string(now.addingTimeInterval(-5).formatted(.iso8601)),
        ]),
      ]))
    #expect(harness.session.activeHolds(at: now).map(\.uuid) == ["soon", "late"])
  }
}
