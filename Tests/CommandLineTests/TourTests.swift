import Foundation
import TestSupport
import Testing

@testable import TwoCS

#if canImport(Glibc)
  import Glibc
#endif

/// `2cs tour` walks a learner through the purchase flow: driven here by piped input, as a learner would type.
@Suite("The tour", .serialized)
struct TourTests {
  /// The request each step makes, as its curl command shows it (for the live API).
  static let requests = [
    "'https://api.p.2chat.io/open/numbers/regions?country=US'",
    "'https://api.p.2chat.io/open/numbers/cities?country=US'",
    "'https://api.p.2chat.io/open/numbers/groups?country=US&did_type=local'",
    "'https://api.p.2chat.io/open/numbers/requirements?country=US&did_type=",
    "'https://api.p.2chat.io/open/numbers/available?group_id=grp_",
    "-X POST 'https://api.p.2chat.io/open/numbers/reservations'",
    "-X POST 'https://api.p.2chat.io/open/numbers/purchase'",
    "'https://api.p.2chat.io/open/voip/virtual-numbers?page_number=0",
    "-X DELETE 'https://api.p.2chat.io/open/voip/virtual-numbers/",
  ]

  @Test func everyStepExplainsSuggestsShowsItsCallAndTheSavedScriptBuysANumber() async throws {
    try await withTemporaryFolder { home in
      let typed = Tour.steps.map(\.suggestion).joined(separator: "\n") + "\n"
      let tour = try run2cs(["tour"], home: home, input: typed, directory: home)
      #expect(tour.status == 0, "\(tour.standardError)")
      // With stdout not a terminal, the tour talks on stderr (as the REPL does) and results go to stdout.
      var output = Substring(tour.standardError)
      for (number, step) in Tour.steps.enumerated() {
        let heading = "Step \(number + 1) of \(Tour.steps.count): \(step.title)"
        // In order: the heading, the idea, the command to run, and what matters in its result.
        for expected in [heading, step.idea, "Run: \(step.suggestion)", step.next] {
          guard let found = output.range(of: expected) else {
            Issue.record("step \(number + 1): missing \(expected.prefix(60)) in \(output.prefix(400))")
            return
          }
          output = output[found.upperBound...]
        }
      }
      // Every call shows as a curl command to run against the live API with one's own key, never the key.
      for request in Self.requests {
        #expect(tour.standardError.contains("curl -sS \(request)"), "no trace of \(request): \(tour.standardError)")
      }
      #expect(tour.standardError.contains("-H \"X-User-API-Key: $TWOCHAT_API_KEY\""))
      #expect(!tour.standardError.contains("Not yet") && !tour.standardError.contains("That ran, but"))

      // The tour's sandbox is forgotten: no state file, no journal of its writes.
      #expect(!FileManager.default.fileExists(atPath: home + "/state/2cs/journal.ndjson"))
      #expect(!FileManager.default.fileExists(atPath: home + "/state/2cs/sandbox.json"))

      // The learner's own script, saved at the last step, buys a number in the (persistent) sandbox.
      let script = home + "/" + Tour.scriptName
      let saved = try String(contentsOfFile: script, encoding: .utf8)
      #expect(saved.contains("let p = $r | purchase") && !saved.contains("history save"), "\(saved)")
      let rerun = try run2cs(["--output", "json", script], home: home, directory: home)
      #expect(rerun.status == 0, "\(rerun.standardError)")
      // Its `numbers` step lists the number it bought, which its last step releases: that one, no other.
      #expect(rerun.standardOutput.contains("\"phone_number\""), "\(rerun.standardOutput)")
      let owned = try run2cs(["--output", "json", "-c", "numbers | get status_text"], home: home)
      #expect(owned.standardOutput.contains("PENDING_CANCELLATION"), "\(owned.standardOutput)")
    }
  }

  /// A step is done by any statement that makes its call; the tour fills in the variable later steps read.
  @Test func aStepDoneAnotherWayCountsAndFailuresAreLeftOutOfTheScript() async throws {
    try await withTemporaryFolder { home in
      let typed = [
        "regions CA", "cities GB", "groups US | where allow_number_selection | first", "groups", "skip",
        "skip", "skip", "skip", "skip", "skip", "history save mine.2cs",
      ].joined(separator: "\n")
      let tour = try run2cs(["tour"], home: home, input: typed + "\n", directory: home)
      #expect(tour.status == 0, "\(tour.standardError)")
      #expect(tour.standardError.contains("Step 4 of 10"), "\(tour.standardError)")
      #expect(tour.standardError.contains("(The tour put that record in $g, for the next steps.)"))
      // `groups` without a country fails: the learner is told, and it is not in the script.
      #expect(tour.standardError.contains("groups needs a country"))
      #expect(tour.standardError.contains("Not yet: fix it and run it again, or type skip."))
      #expect(tour.standardOutput.contains("(left out 1 that failed)"), "\(tour.standardOutput)")
      let saved = try String(contentsOfFile: home + "/mine.2cs", encoding: .utf8)
      #expect(!saved.split(separator: "\n").contains("groups"), "\(saved)")
      #expect(tour.standardError.contains("Saved. Run it in the sandbox"))
    }
  }

  @Test func stepStartsPartwayWithTheEarlierStepsDone() async throws {
    try await withTemporaryFolder { home in
      let tour = try run2cs(["tour", "--step", "5"], home: home, input: "available $g | first\n", directory: home)
      #expect(tour.status == 0, "\(tour.standardError)")
      #expect(!tour.standardError.contains("Step 4 of 10"))
      #expect(tour.standardError.contains("Step 5 of 10: Available numbers"))
      #expect(tour.standardError.contains("Step 6 of 10"), "the step was not done: \(tour.standardError)")
      // Ended early (no more input): where to come back.
      #expect(tour.standardError.contains("2cs tour --step 6 starts there again"))
      let refused = try run2cs(["tour", "--step", "11"], home: home)
      #expect(refused.status == 2)
      #expect(refused.standardError.contains("--step must be from 1 to 10"))
    }
  }

  /// On a terminal the suggestion is already in the line: Enter runs it, and it can be edited first.
  @Test func theSuggestionIsInTheLineReadyToEdit() async throws {
    try await withTemporaryFolder { home in
      let environment = [
        "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
        "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
      ]
      let terminal = try PseudoTerminal(arguments: ["tour"], environment: environment, directory: home)
      #expect(terminal.waitFor("Step 1 of 10: Regions"), "\(terminal.recent)")
      #expect(terminal.waitFor("2cs[sandbox]> regions US"), "the suggestion is not in the line: \(terminal.recent)")
      // Two backspaces and CA: the edited command runs, and it does the step.
      terminal.send("\u{7F}\u{7F}CA\r")
      #expect(terminal.waitFor("regions?country=CA"), "the edited command did not run: \(terminal.recent)")
      #expect(terminal.waitFor("Step 2 of 10: Cities"), "\(terminal.recent)")
      #expect(terminal.waitFor("2cs[sandbox]> cities US | first 5"), "\(terminal.recent)")
      terminal.send("\r")
      #expect(terminal.waitFor("Step 3 of 10"), "\(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> let g = groups US type=local | where allow_number_selection"))
      terminal.send("\u{15}\u{4}")
      #expect(terminal.waitFor("2cs tour --step 3 starts there again"), "\(terminal.recent)")
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// The README's tour is `2cs tour`: its steps, in order, as the tour suggests them.
  @Test func theReadmesTourIsTheTour() throws {
    let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.components(separatedBy: "## A short tour").dropFirst().first)
    let block = try #require(
      section.components(separatedBy: "```2cs\n").dropFirst().first?.components(separatedBy: "```").first)
    let commands = block.split(separator: "\n").map { line in
      String(line.split(separator: "#", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
    }
    let steps = Tour.steps.map(\.suggestion)
    #expect(commands == Array(steps.dropLast()), "README: \(commands)")
    #expect(section.contains("`\(steps.last ?? "")`"), "the last step, history save, is not in the README's tour")
    #expect(section.contains("scripts/2cs tour"))
  }
}
