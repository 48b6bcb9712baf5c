import Foundation
import TestSupport
import Testing

/// `2cs --dry-run` and `--budget` hold whatever the script says.
@Suite("The command line's promises, end to end")
struct CeilingCommandLineTests {
  @Test func aScriptCannotUndoDryRun() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/x.2cs"
      try "set dry_run=off\nset confirm=off\ngroups US | first | purchase\n".write(
        toFile: script, atomically: true, encoding: .utf8)
      let run = try run2cs(["--dry-run", script], home: home)
      #expect(run.status == 0, "\(run.standardError)")
      #expect(run.standardError.contains("--dry-run on the command line stays in force"))
      #expect(run.standardError.contains("dry run: 1 purchase(s) planned"), "\(run.standardError)")
      #expect(try run2cs(["-c", "numbers | count"], home: home).standardOutput == "0\n")
    }
  }

  @Test func aScriptCannotLiftOrRaiseTheBudget() async throws {
    try await withTemporaryFolder { home in
      for setting in ["set budget=off", "set budget=1000"] {
        let run = try run2cs(
          ["--budget", "2", "-c", "\(setting); groups US | where price.monthly_price > 2 | first | purchase"],
          home: home)
        #expect(run.status == 1, "\(setting): \(run.standardError)")
        #expect(run.standardError.contains("over the budget of 2; nothing was sent"), "\(run.standardError)")
      }
      #expect(try run2cs(["-c", "numbers | count"], home: home).standardOutput == "0\n")
    }
  }
}
