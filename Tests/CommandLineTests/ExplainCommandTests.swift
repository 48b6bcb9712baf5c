import Foundation
import TestSupport
import Testing

/// `2cs explain FILE` says what a script would send and spend, and sends nothing.
@Suite("2cs explain")
struct ExplainCommandTests {
  @Test func aScriptIsExplainedWithItsTotalsAndNothingIsMade() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/buy.2cs"
      try "let g = groups country=US | first\n$g | purchase\n".write(toFile: script, atomically: true, encoding: .utf8)
      let explained = try run2cs(["explain", script], home: home)
      #expect(explained.status == 0, "\(explained.standardError)")
      for expected in [
        "let g = groups country=US | first\n", "GET /open/numbers/groups  country=US\n",
        "POST /open/numbers/purchase  body: group_id=<from $g> number=<the number picked above>\n",
        "  API calls: 3 to 4 calls = 3–4 credits\n", "  flow steps: search → purchase\n", "Nothing was sent.",
      ] {
        #expect(explained.standardOutput.contains(expected), "\(explained.standardOutput)")
      }
      // Nothing was sent, so no sandbox was made: no state, no journal.
      let state = (try? FileManager.default.contentsOfDirectory(atPath: home + "/state/2cs")) ?? []
      #expect(!state.contains("sandbox.json"), "\(state)")
      #expect(!state.contains("journal.ndjson"), "\(state)")
    }
  }

  @Test func aScriptWithAnErrorIsReportedAsCheckReportsIt() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/bad.2cs"
      let marked = MarkedSource("groups US | 1️⃣purchase\n")
      try marked.source.write(toFile: script, atomically: true, encoding: .utf8)
      let explained = try run2cs(["explain", script], home: home)
      #expect(explained.status == 2)
      #expect(explained.standardOutput.isEmpty, "\(explained.standardOutput)")
      let place = try marked.place("1️⃣")
      #expect(
        explained.standardError.hasPrefix("\(place.location(in: script)): error: purchase takes a group"),
        "\(explained.standardError)")
      let checked = try run2cs(["check", script], home: home)
      #expect(checked.standardError == explained.standardError)
      let missing = try run2cs(["explain", home + "/none.2cs"], home: home)
      #expect(missing.status == 2, "\(missing.standardError)")
    }
  }
}
