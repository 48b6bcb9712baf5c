import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What people used to bash, psql and nushell do at a terminal, and expect to keep their session: history
/// search, suspending, pasting, piping the output, completing, and two sessions sharing one history.
@Suite("Terminal habits", .serialized)
struct TerminalHabitsTests {
  static let controlC = "\u{3}"
  static let controlD = "\u{4}"
  static let controlR = "\u{12}"
  static let controlU = "\u{15}"
  static let controlZ = "\u{1A}"
  static let left = "\u{1B}[D"
  static let right = "\u{1B}[C"
  static let end = "\u{1B}[F"
  static let prompt = "2cs[sandbox]> "

  func environment(home: String) -> [String: String] {
    [
      "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
      "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin", "PS1": "shell$ ",
    ]
  }

  /// A 2cs started at a pseudo-terminal, its prompt shown.
  func session(home: String, directory: String? = nil) throws -> PseudoTerminal {
    let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), directory: directory)
    #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
    return terminal
  }

  /// bash with job control, at a pseudo-terminal, running `command`.
  func shell(home: String, running command: String) throws -> PseudoTerminal {
    let terminal = try PseudoTerminal(
      arguments: ["--norc", "--noprofile", "-i"], environment: environment(home: home), program: "/bin/bash")
    #expect(terminal.waitForPrompt("shell$ "), "no shell: \(terminal.recent)")
    terminal.send(command + "\r")
    return terminal
  }

  /// Ctrl-D ends 2cs, then `exit` the shell it ran in.
  func leave(_ shell: PseudoTerminal, sourceLocation: SourceLocation = #_sourceLocation) {
    shell.send(Self.controlD)
    #expect(shell.waitForPrompt("shell$ "), "\(shell.recent)", sourceLocation: sourceLocation)
    shell.send("exit\r")
    #expect(shell.exitStatus() != nil, sourceLocation: sourceLocation)
  }

  @Test func ctrlCInTheHistorySearchCancelsOnlyTheSearch() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      terminal.send("let kept = 42\r")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send("print three\r")
      #expect(terminal.waitFor("three\n"))
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlR + "thr")
      #expect(terminal.waitFor("print three"), "the search found nothing: \(terminal.recent)")
      // Ctrl-C flushes keys the terminal holds unread: let the search take all three first.
      usleep(300_000)
      terminal.send(Self.controlC)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt after Ctrl-C in the search: \(terminal.recent)")
      // The session lives on, its variables with it.
      terminal.send("print $kept\r")
      #expect(terminal.waitFor("42\n"), "the session was lost: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  @Test func arrowsAndEnterAfterTheHistorySearchActOnTheLineFound() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      terminal.send("print one\r")
      #expect(terminal.waitFor("one\n"))
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send("print three\r")
      #expect(terminal.waitFor("three\n"))
      #expect(terminal.waitForPrompt(Self.prompt))
      // Left and Right end the search and move in the line found; End goes to its end.
      terminal.send(Self.controlR + "thr" + Self.left + Self.right + Self.end + " more\r")
      #expect(terminal.waitFor("three more\n"), "arrows after Ctrl-R: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      // Enter runs the line found.
      terminal.send(Self.controlR + "one\r")
      #expect(terminal.waitFor("\none\n"), "Enter after Ctrl-R: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
      #expect(!terminal.output.contains("[D") && !terminal.output.contains("[C"), "\(terminal.output)")
    }
  }

  @Test func afterCtrlZAndFgThePromptAndTheLineAreDrawnAgain() async throws {
    try await withTemporaryFolder { home in
      let terminal = try shell(home: home, running: try builtBinary())
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      terminal.send("print half")
      #expect(terminal.waitFor("print half"))
      terminal.send(Self.controlZ)
      #expect(terminal.waitFor("Stopped"), "Ctrl-Z did not stop 2cs: \(terminal.recent)")
      #expect(terminal.waitForPrompt("shell$ "))
      terminal.send("fg\r")
      #expect(terminal.waitFor(Self.prompt + "print half"), "not drawn again after fg: \(terminal.recent)")
      terminal.send(" way\r")
      #expect(terminal.waitFor("half way\n"), "the line was lost: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      leave(terminal)
    }
  }

  /// The shell gives 2cs the terminal back in 2cs's mode after every `fg`, the second Ctrl-Z of a line too.
  @Test func twoCtrlZInOneLineLeaveTheKeysWorking() async throws {
    try await withTemporaryFolder { home in
      let terminal = try shell(home: home, running: try builtBinary())
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      terminal.send("print ab")
      // Ctrl-Z flushes what the terminal holds unread: wait for the line to be taken first.
      #expect(terminal.waitFor("print ab"))
      for _ in 0..<2 {
        terminal.send(Self.controlZ)
        #expect(terminal.waitFor("Stopped"), "Ctrl-Z did not stop 2cs: \(terminal.recent)")
        #expect(terminal.waitForPrompt("shell$ "))
        terminal.send("fg\r")
        #expect(terminal.waitFor(Self.prompt + "print ab"), "not drawn again after fg: \(terminal.recent)")
      }
      // In 2cs's own mode, Left moves the cursor: the terminal would echo it as ^[[D.
      terminal.send(Self.left + "X\r")
      #expect(terminal.waitFor("aXb\n"), "keys after the second fg: \(terminal.recent)")
      #expect(!terminal.output.contains("^[[D"), "\(terminal.output)")
      #expect(terminal.waitForPrompt(Self.prompt))
      leave(terminal)
    }
  }

  /// `kill -STOP`, `kill -CONT` leave 2cs in the background, where the terminal is the shell's: it stops as a
  /// reader there does, and `fg` brings the session back, variables and half-typed line with it.
  @Test func stopAndContinueUnderAShellKeepTheSession() async throws {
    try await withTemporaryFolder { home in
      let terminal = try shell(home: home, running: try builtBinary())
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      terminal.send("let kept = 5\r")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send("print half")
      #expect(terminal.waitFor("print half"))
      let children =
        (try? String(contentsOfFile: "/proc/\(terminal.pid)/task/\(terminal.pid)/children", encoding: .utf8))
      guard let child = children?.split(separator: " ").first.flatMap({ pid_t($0) }) else {
        Issue.record("no 2cs under the shell")
        return
      }
      kill(child, SIGSTOP)
      #expect(terminal.waitFor("Stopped"), "\(terminal.recent)")
      kill(child, SIGCONT)
      // 2cs stops itself again at once, as a reader does: the terminal belongs to the shell now. (bash did not
      // continue it, so its job list says Stopped all along: look at the process instead, after it had time.)
      usleep(1_000_000)
      let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
      #expect(state.split(separator: ")").last?.split(separator: " ").first == "T", "still running: \(state)")
      terminal.send("fg\r")
      #expect(terminal.waitFor(Self.prompt + "print half"), "not drawn again after fg: \(terminal.recent)")
      terminal.send(" way $kept\r")
      #expect(terminal.waitFor("half way 5\n"), "the session was lost: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      leave(terminal)
    }
  }

  /// With no shell to continue it (`xterm -e 2cs`), Ctrl-Z cannot stop 2cs: it changes nothing.
  @Test func ctrlZWithNoShellChangesNothing() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      terminal.send("print ab")
      // Ctrl-Z flushes what the terminal holds unread: wait for the line to be taken first.
      #expect(terminal.waitFor("print ab"))
      terminal.send(Self.controlZ)
      #expect(terminal.waitFor(Self.prompt + "print ab"), "not drawn again: \(terminal.recent)")
      terminal.send(Self.left + "X\r")
      #expect(terminal.waitFor("aXb\n"), "keys after Ctrl-Z: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// Function keys, modified keys, kitty's and xterm's extended keys and mouse reports type nothing.
  @Test func keysWithNoUseTypeNothing() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      let keys = [
        "\u{1B}[1;2A", "\u{1B}[15~", "\u{1B}[24~", "\u{1B}[5;5~", "\u{1B}[1;2P", "\u{1B}[27;5;13~", "\u{1B}[13;5u",
        "\u{1B}[<0;5;5M", "\u{1B}[201~",
      ]
      terminal.send("print ab" + Self.left + keys.joined() + "c\r")
      #expect(terminal.waitFor("\nacb\n"), "junk typed into the line: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      // Shift-Left moves a character, Ctrl-Delete deletes a word.
      terminal.send("print one two" + Self.left + "\u{1B}[1;2D" + "\u{1B}[3;5~" + "\r")
      #expect(terminal.waitFor("one t\n"), "\(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// A history file libedit cannot read (plain text, say) is never replaced by this session's lines alone.
  @Test func aHistoryFileThatIsNotLibeditsIsLeftAsItIs() async throws {
    try await withTemporaryFolder { home in
      let path = home + "/state/2cs/history"
      try FileManager.default.createDirectory(atPath: home + "/state/2cs", withIntermediateDirectories: true)
      try "print 1\nimportant old line\n".write(toFile: path, atomically: true, encoding: .utf8)
      let terminal = try session(home: home)
      terminal.send("print 42\r")
      #expect(terminal.waitFor("is not a history file 2cs can read"), "\(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "print 1\nimportant old line\n")
    }
  }

  /// SIGTERM (or SIGHUP, the terminal closing) at the prompt ends the session as Ctrl-D does: the sandbox's
  /// state is saved and the terminal is left as it was, and the status says which signal ended it.
  @Test func sigtermAtThePromptEndsTheSessionWithItsStateSaved() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      terminal.send("groups US | first | reserve | get number\r")
      #expect(terminal.waitForPrompt("held"), "\(terminal.recent)")
      #expect(terminal.waitForPrompt("]> "))
      let number = terminal.output.split(separator: "\n").first { $0.hasPrefix("+1") }.map(String.init) ?? "?"
      kill(terminal.pid, SIGTERM)
      #expect(terminal.exitStatus() == 128 + SIGTERM)
      #expect(terminal.raw.hasSuffix("\u{1B}[?2004l\r\n"), "bracketed paste left on: \(terminal.raw.suffix(40))")
      let state = try String(contentsOfFile: home + "/state/2cs/sandbox.json", encoding: .utf8)
      #expect(state.contains(number), "the reservation of \(number) was not saved")
    }
  }

  @Test func stopAndContinueFromOutsideKeepTheSession() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      terminal.send("print half")
      #expect(terminal.waitFor("print half"))
      kill(terminal.pid, SIGSTOP)
      usleep(200_000)
      kill(terminal.pid, SIGCONT)
      #expect(terminal.waitFor(Self.prompt + "print half"), "not drawn again: \(terminal.recent)")
      terminal.send(" way\r")
      #expect(terminal.waitFor("half way\n"), "the session ended: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  @Test func pastedTextIsTextUntilEnter() async throws {
    try await withTemporaryFolder { home in
      let terminal = try session(home: home)
      #expect(terminal.raw.contains("\u{1B}[?2004h"), "bracketed paste is not asked for")
      // A TAB in pasted text is not completion.
      terminal.send("\u{1B}[200~print \"a\tb\"\u{1B}[201~\r")
      #expect(terminal.waitFor("a\tb\n"), "a pasted TAB: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      // Pasted lines run together when Enter is pressed, not one by one as they arrive.
      terminal.send("\u{1B}[200~let pasted = 7\rprint ($pasted * 6)\u{1B}[201~")
      #expect(!terminal.waitFor("42\n", seconds: 1), "pasted lines ran before Enter: \(terminal.recent)")
      terminal.send("\r")
      #expect(terminal.waitFor("42\n"), "the pasted block: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      // A paste whose end is slow to come shows what came so far after a second; what follows is still pasted
      // text (its line break does not run anything) until the end comes.
      terminal.send("\u{1B}[200~print \"slow\"\r")
      #expect(terminal.waitFor("print \"slow\"", seconds: 5), "the paste so far is not shown: \(terminal.recent)")
      usleep(1_500_000)
      terminal.send("print \"paste\"\u{1B}[201~")
      #expect(!terminal.waitFor("slow\n", seconds: 1), "pasted lines ran before Enter: \(terminal.recent)")
      terminal.send("\r")
      #expect(terminal.waitFor("slow\npaste\n"), "the slow paste: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// `2cs | tee log` at a terminal is still a session: the prompt and messages go to stderr, results to the pipe,
  /// each as soon as its statement runs.
  @Test func withStdoutPipedTheSessionStillPromptsAndAnswersAtOnce() async throws {
    try await withTemporaryFolder { home in
      let terminal = try shell(home: home, running: "\(try builtBinary()) | cat")
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt with stdout piped: \(terminal.recent)")
      terminal.send("print (40 + 2)\r")
      // The prompt (stderr) may come before the answer, which passes through `cat`: wait for both.
      #expect(terminal.waitFor("42\n"), "no answer before the end of input: \(terminal.recent)")
      // A second prompt after the answer (libedit may draw a prompt again, so count at least two).
      #expect(terminal.waitUntil { $0.components(separatedBy: Self.prompt).count >= 3 }, "\(terminal.recent)")
      leave(terminal)
    }
  }

  /// With stdout and stderr both away from the terminal, there is nothing to draw a prompt on, but each line
  /// typed still runs when it is typed.
  @Test func withStdoutAndStderrElsewhereLinesStillRunAsTyped() async throws {
    try await withTemporaryFolder { home in
      let terminal = try shell(home: home, running: "\(try builtBinary()) 2>/dev/null | cat")
      usleep(500_000)
      terminal.send("print (40 + 2)\r")
      #expect(terminal.waitFor("42\n"), "no answer before the end of input: \(terminal.recent)")
      leave(terminal)
    }
  }

  @Test func completionOffersAliasesFieldsQuotedPathsAndAsksBeforeAFlood() async throws {
    try await withTemporaryFolder { home in
      let folder = home + "/work"
      try FileManager.default.createDirectory(atPath: folder + "/my scripts", withIntermediateDirectories: true)
      try "print \"ran it\"\n".write(toFile: folder + "/my scripts/buy one.2cs", atomically: true, encoding: .utf8)
      try FileManager.default.createDirectory(atPath: folder + "/many", withIntermediateDirectories: true)
      for index in 0..<150 {
        FileManager.default.createFile(atPath: folder + "/many/f\(index).2cs", contents: Data())
      }
      let terminal = try session(home: home, directory: folder)

      terminal.send("groups US ty\t")
      #expect(terminal.waitFor("groups US type="), "alias: \(terminal.recent)")
      terminal.send(Self.controlU + "groups GB | where \t")
      #expect(terminal.waitFor("allow_number_selection"), "fields after where: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlU + "let g = groups GB | first\r")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send("$g.price.\t")
      #expect(terminal.waitFor("$g.price.monthly_price"), "$g.price.: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))

      // A path with a space is quoted, and completion goes on inside the quotes.
      terminal.send(Self.controlU + "source my\t")
      // libedit draws only what changed: the word, quoted, from where it started.
      #expect(terminal.waitFor("\"my scripts/"), "quoted path: \(terminal.recent)")
      terminal.send("\t")
      #expect(terminal.waitFor("buy one.2cs\" "), "inside the quotes: \(terminal.recent)")
      terminal.send("\r")
      #expect(terminal.waitFor("ran it\n"), "\(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))

      // 150 candidates: asked first; n lists nothing, y lists them.
      terminal.send("source many/\t")
      #expect(terminal.waitFor("Display all 150 possibilities? (y or n)"), "no question: \(terminal.recent)")
      terminal.send("n")
      #expect(terminal.waitForPrompt(Self.prompt + "source many/f"), "\(terminal.recent)")
      #expect(!terminal.output.contains("many/f149.2cs"), "listed after n")
      // An arrow is no answer, and its sequence is not typed into the line.
      terminal.send("\t")
      #expect(terminal.waitFor("Display all 150 possibilities? (y or n)"), "no question: \(terminal.recent)")
      terminal.send("\u{1B}[A")
      #expect(terminal.waitForPrompt(Self.prompt + "source many/f"), "\(terminal.recent)")
      #expect(!terminal.output.contains("[A"), "\(terminal.output)")
      terminal.send("\t")
      #expect(terminal.waitFor("Display all 150 possibilities? (y or n)"), "no question: \(terminal.recent)")
      terminal.send("y")
      #expect(terminal.waitFor("many/f149.2cs"), "not listed after y: \(terminal.recent)")
      #expect(terminal.waitForPrompt(Self.prompt))
      terminal.send(Self.controlU + Self.controlD)
      #expect(terminal.exitStatus() == 0)
    }
  }

  @Test func twoSessionsInterleavingKeepAllTheirLinesInTheHistory() async throws {
    try await withTemporaryFolder { home in
      let first = try session(home: home)
      let second = try session(home: home)
      for index in 0..<5 {
        for (name, terminal) in [("first", first), ("second", second)] {
          terminal.send("print \(name)-\(index)\r")
          #expect(terminal.waitFor("\(name)-\(index)\n"), "\(terminal.recent)")
          #expect(terminal.waitForPrompt(Self.prompt))
        }
      }
      first.send(Self.controlD)
      #expect(first.exitStatus() == 0)
      second.send(Self.controlD)
      #expect(second.exitStatus() == 0)
      // libedit writes a space as \040.
      let history = try String(contentsOfFile: home + "/state/2cs/history", encoding: .utf8)
        .replacingOccurrences(of: "\\040", with: " ")
      let lines = Set(history.split(separator: "\n").map(String.init))
      let typed = (0..<5).flatMap { index in ["print first-\(index)", "print second-\(index)"] }
      #expect(Set(typed).isSubset(of: lines), "missing: \(Set(typed).subtracting(lines).sorted())")
    }
  }
}
