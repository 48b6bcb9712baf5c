import Foundation
import TestSupport
import Testing

/// `2cs check` finds the mistakes that would otherwise show only after money was spent.
@Suite("2cs check before money is spent")
struct CheckTests {
  @Test func aMisspeltVariableAFieldAndAListIntoPurchaseAreFoundBeforeAnythingIsSent() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/buy.2cs"
      let marked = MarkedSource(
        """
        let g = groups US | sort-by 1️⃣price.montly_price | first
        let bought = $g | purchase
        print "bought" 2️⃣$bouhgt.number
        groups US | 3️⃣purchase
        """)
      try marked.source.write(toFile: script, atomically: true, encoding: .utf8)
      let checked = try run2cs(["check", script], home: home)
      #expect(checked.status == 2, "\(checked.standardError)")
      let (field, variable, list) = (try marked.place("1️⃣"), try marked.place("2️⃣"), try marked.place("3️⃣"))
      for expected in [
        "\(field.location(in: script)): error: sort-by: no field 'montly_price' in price\n  \(field.lineText)\n\(field.caret(width: 18))\n  help: did you mean 'monthly_price'?",
        "\(variable.location(in: script)): error: undefined variable $bouhgt\n  \(variable.lineText)\n\(variable.caret(width: 7))\n  help: did you mean $bought?",
        "\(list.location(in: script)): error: purchase takes a group, a number from available, or a reservation piped in, not a list of records\n  \(list.lineText)\n\(list.caret(width: 8))\n  help: pick one with first",
      ] {
        #expect(checked.standardError.contains(expected), "\(checked.standardError)")
      }
      // Running it refuses the same way, before the purchase on line 2 is sent.
      let ran = try run2cs([script], home: home)
      #expect(ran.status == 2, "\(ran.standardError)")
      let owned = try run2cs(["-c", "numbers | count"], home: home)
      #expect(owned.standardOutput == "0\n", "nothing may be bought: \(owned.standardOutput)")
      let journal = try? String(contentsOfFile: home + "/state/2cs/journal.ndjson", encoding: .utf8)
      #expect((journal ?? "").isEmpty, "\(journal ?? "")")
    }
  }

  @Test func aScriptMayComeFromAPipe() async throws {
    try await withTemporaryFolder { home in
      let fifo = home + "/script.fifo"
      #expect(mkfifo(fifo, 0o600) == 0)
      let writer = Thread {
        let handle = FileHandle(forWritingAtPath: fifo)
        handle?.write(Data("print (40 + 2)\n".utf8))
        try? handle?.close()
      }
      writer.start()
      let ran = try run2cs([fifo], home: home)
      #expect(ran.status == 0, "\(ran.standardError)")
      #expect(ran.standardOutput == "42\n")
      let folder = try run2cs([home], home: home)
      #expect(folder.standardError == "2cs: cannot read \(home): it is a folder\n", "\(folder.standardError)")
    }
  }

  @Test func theDryRunSummaryCountsWhatWasBoughtAfterIt() async throws {
    try await withTemporaryFolder { home in
      let result = try run2cs(
        ["-c", "set dry_run=on; let g = groups US | first; $g | purchase; set dry_run=off; $g | purchase | count"],
        home: home)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(
        result.standardError.contains("those were not sent, but 1 purchase(s) were"), "\(result.standardError)")
      #expect(!result.standardError.contains("nothing was sent"), "\(result.standardError)")
    }
  }
}
