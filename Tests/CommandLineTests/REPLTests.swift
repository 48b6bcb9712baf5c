import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The interactive session on a real pseudo-terminal.
@Suite("The REPL on a terminal", .serialized)
struct REPLTests {
  static let controlC = "\u{3}"
  static let controlD = "\u{4}"
  static let controlU = "\u{15}"
  static let upArrow = "\u{1B}[A"

  func environment(home: String) -> [String: String] {
    [
      "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
      "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
    ]
  }

  @Test func completionOutputCtrlCAndCtrlD() async throws {
    try await withTemporaryFolder { home in
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home))
      #expect(terminal.waitForPrompt("2cs[sandbox]> "), "no prompt: \(terminal.recent)")

      terminal.send("gro\t")
      #expect(terminal.waitFor("groups"), "gro+TAB: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "), "the line is shown again after the list")
      terminal.send(Self.controlU + "groups co\t")
      #expect(terminal.waitFor("groups country="), "groups co+TAB: \(terminal.recent)")

      terminal.send(Self.controlU + "let g = groups GB | first\r")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))
      terminal.send("$g.pr\t")
      #expect(terminal.waitFor("$g.price"), "$g.pr+TAB: \(terminal.recent)")

      terminal.send(Self.controlU + "did-types\r")
      #expect(terminal.waitFor("tollfree"), "did-types: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))

      terminal.send("half a line" + Self.controlC)
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))
      terminal.send("print alive\r")
      #expect(terminal.waitFor("alive"), "after Ctrl-C: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))

      terminal.send("if (confirm \"Go on?\") { print went on } else { print stopped }\r")
      #expect(terminal.waitForPrompt("Go on? [y/N] "), "no question: \(terminal.recent)")
      terminal.send("y\r")
      #expect(terminal.waitFor("went on"), "answer y: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))

      // Ctrl-C at the question ends the statement: it is not a no, so the else branch does not run.
      terminal.send("if (confirm \"Go on?\") { print went on } else { print took the else } ; print after\r")
      #expect(terminal.waitForPrompt("Go on? [y/N] "), "no question: \(terminal.recent)")
      terminal.send(Self.controlC)
      #expect(terminal.waitForPrompt("2cs[sandbox]> "), "after Ctrl-C at the question: \(terminal.recent)")
      terminal.send("print alive again\r")
      #expect(terminal.waitFor("alive again"), "\(terminal.recent)")
      let printed = terminal.output.split(separator: "\n")
      #expect(printed.contains { $0.hasSuffix("error: interrupted") }, "\(terminal.output)")
      #expect(!printed.contains("took the else") && !printed.contains("after"), "\(terminal.output)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))

      terminal.send("groups US | first | reserve | get number\r")
      #expect(terminal.waitFor("2cs[sandbox · 1 held 29:"), "prompt with a hold: \(terminal.recent)")
      #expect(terminal.waitForPrompt("> "))

      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// A person may press Ctrl-C, or start typing, the moment a prompt shows: Ctrl-C on an empty
  /// or a half-typed line always gives a fresh prompt, and no key typed then is lost.
  @Test func ctrlCAndKeysTheMomentThePromptShows() async throws {
    try await withTemporaryFolder { home in
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home))
      #expect(terminal.waitFor("2cs[sandbox]> "), "no prompt: \(terminal.recent)")
      for round in 0..<40 {
        // No pause after the prompt: the keys go out as soon as it is seen.
        terminal.send(round % 2 == 0 ? Self.controlC : "half a line \(round)" + Self.controlC)
        guard terminal.waitFor("2cs[sandbox]> ", seconds: 5) else {
          Issue.record("round \(round): no prompt after Ctrl-C: \(terminal.recent)")
          return
        }
        // The output, not the echo, holds the sum.
        terminal.send("print (1000 + \(round))\r")
        guard terminal.waitFor("\(round + 1000)\n", seconds: 5), terminal.waitFor("2cs[sandbox]> ", seconds: 5)
        else {
          Issue.record("round \(round): keys lost after the prompt: \(terminal.recent)")
          return
        }
      }
      // Echoed twice: once by the terminal's own line editing, which had the keys before 2cs.
      let twice = (0..<40).filter { terminal.screen.contains("print (1000 + \($0))\nprint (1000 + \($0))") }
      #expect(twice.isEmpty, "typed before the terminal was in raw mode, rounds \(twice)")
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0, "Ctrl-D as the prompt showed: \(terminal.recent)")
    }
  }

  @Test func historySurvivesARestartWithoutTheKey() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "s3cr3t"])
      defer { server.kill(signal: SIGTERM) }
      let arguments = ["--base-url", server.baseURL, "--api-key", "s3cr3t"]
      do {
        let first = try PseudoTerminal(arguments: arguments, environment: environment(home: home))
        #expect(first.waitForPrompt("2cs[local]> "))
        first.send("print \"s3cr3t\"\r")
        #expect(first.waitForPrompt("2cs[local]> "))
        first.send("groups GB | count\r")
        #expect(first.waitFor("13"))
        // Keys typed before the prompt is back can be lost when libedit switches the terminal mode.
        #expect(first.waitForPrompt("2cs[local]> "))
        first.send(Self.controlD)
        #expect(first.exitStatus() == 0)
      }
      let second = try PseudoTerminal(arguments: arguments, environment: environment(home: home))
      #expect(second.waitForPrompt("2cs[local]> "))
      second.send(Self.upArrow)
      #expect(second.waitFor("groups GB | count"), "Up did not recall: \(second.recent)")
      second.send(Self.controlU + Self.controlD)
      #expect(second.exitStatus() == 0)

      let path = home + "/state/2cs/history"
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
      let history = try String(contentsOfFile: path, encoding: .utf8)
      #expect(history.contains("groups"))
      #expect(!history.contains("s3cr3t"), "the key reached the history")
    }
  }

  @Test func homeEndWordMovesAndPageKeysAsTerminalsSendThem() async throws {
    try await withTemporaryFolder { home in
      let session = try PseudoTerminal(arguments: [], environment: environment(home: home))
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      // Home as PuTTY, tmux and screen send it, End likewise; PgUp and Insert type nothing.
      session.send("int 5\u{1B}[1~pr\u{1B}[4~6\u{1B}[5~\u{1B}[2~\r")
      #expect(session.waitFor("56\n"), "\(session.recent)")
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      // Ctrl-Left and Alt-Left go back a word; Home as xterm sends it.
      session.send("print 8 9\u{1B}[1;5D1\u{1B}[1;3D\u{1B}[1;3D\u{1B}[H#\u{1B}[F\r")
      #expect(session.waitForPrompt("2cs[sandbox]> "), "\(session.recent)")
      session.send("print 8 9\u{1B}[1;5D1\r")
      #expect(session.waitFor("8 19\n"), "\(session.recent)")
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send(Self.controlD)
      #expect(session.exitStatus() == 0)
    }
  }

  @Test func theUsersEditrcIsRead() async throws {
    try await withTemporaryFolder { home in
      // Ctrl-T bound to moving to the start of the line.
      try "bind ^T ed-move-to-beg\n".write(toFile: home + "/.editrc", atomically: true, encoding: .utf8)
      let session = try PseudoTerminal(arguments: [], environment: environment(home: home))
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send("int 3\u{14}pr\r")
      #expect(session.waitFor("3\n"), "\(session.recent)")
      #expect(!session.output.contains("unknown command"), "\(session.output)")
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send(Self.controlD)
      #expect(session.exitStatus() == 0)
    }
  }

  @Test func aHistorySizeOfZeroKeepsNoHistoryFile() async throws {
    try await withTemporaryFolder { home in
      var environment = environment(home: home)
      environment["TWOCS_HISTORY_SIZE"] = "0"
      let session = try PseudoTerminal(arguments: [], environment: environment)
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send("print 41\r")
      #expect(session.waitFor("41"))
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send(Self.controlD)
      #expect(session.exitStatus() == 0)
      #expect(!FileManager.default.fileExists(atPath: home + "/state/2cs/history"))
    }
  }

  @Test func aHistoryThatCannotBeSavedIsSaidOnce() async throws {
    try await withTemporaryFolder { home in
      // A folder where the history file should be: it cannot be replaced, even by root.
      try FileManager.default.createDirectory(
        atPath: home + "/state/2cs/history", withIntermediateDirectories: true)
      let session = try PseudoTerminal(arguments: [], environment: environment(home: home))
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send("print 41\r")
      #expect(session.waitFor("the history file is not saved"), "\(session.recent)")
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send("print 42\r")
      #expect(session.waitFor("42"))
      #expect(session.waitForPrompt("2cs[sandbox]> "))
      session.send(Self.controlD)
      #expect(session.exitStatus() == 0)
      #expect(session.output.components(separatedBy: "the history file is not saved").count == 2, "\(session.output)")
    }
  }

  @Test func aTrailingPipeContinuesOnTheNextLine() async throws {
    try await withTemporaryFolder { home in
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home))
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))
      terminal.send("groups GB |\r")
      #expect(terminal.waitForPrompt("...> "), "no continuation prompt: \(terminal.recent)")
      terminal.send("count\r")
      #expect(terminal.waitFor("13\n"), "multi-line: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  @Test func ctrlCCancelsARunningCommandAtOnce() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory"])
      defer { server.kill(signal: SIGTERM) }
      // The server never gets the request while the test runs: only the Ctrl-C can end the command.
      let proxy = try HoldingProxy(forwardingTo: server.port, holding: "GET /open/numbers/did-types")
      defer { proxy.close() }
      let terminal = try PseudoTerminal(
        arguments: ["--base-url", proxy.baseURL, "--api-key", "k"], environment: environment(home: home))
      #expect(terminal.waitForPrompt("2cs[local]> "))
      terminal.send("did-types | count\r")
      #expect(proxy.waitUntilHeld(), "did-types never left 2cs: \(terminal.recent)")
      terminal.send(Self.controlC)
      // Well within the request's 30 s time-out: the command did not wait for the request to end.
      #expect(terminal.waitFor("interrupted", seconds: 10), "not interrupted: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[local]> ", seconds: 10))
      terminal.send("print alive\r")
      #expect(terminal.waitFor("alive"), "after cancelling: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[local]> "))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }
}
