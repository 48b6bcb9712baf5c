import Commands
import Foundation
import Language
import LineEditing
import SystemSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The REPL: libedit line editing, history, completion, a prompt that shows
/// the mode and the reservations held, and Ctrl-C that cancels a running command.
/// When stdout is not the terminal (`2cs | tee log`), the prompt and the session's own messages go to stderr,
/// and only results to stdout; with neither on a terminal, lines typed still run one at a time.
struct InteractiveSession {
  let runtime: Runtime
  let apiKey: String?
  let historyLimit: Int
  /// `2cs tour`: introduces each step, suggests its command and moves on when it is done.
  var tour: Tour? = nil

  private var session: Session { runtime.session }

  func run() async -> Int32 {
    var input: (any StatementInput)?
    let status = await loop(&input)
    // Lines a failed save kept in memory get one more try.
    input?.finish()
    return status
  }

  private func loop(_ chosenInput: inout (any StatementInput)?) async -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    let color = environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    let engine = runtime.engine
    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    // Text for the person at the terminal, not part of the results.
    let say: (String) -> Void = { text in stdoutIsTerminal ? writeOut(text) : writeError(text) }
    let input: any StatementInput
    // Line editing needs a terminal to draw on; with stdout and stderr both elsewhere (`2cs 2>/dev/null | cat`),
    // typed lines still run one by one, as they come.
    if isatty(STDIN_FILENO) == 1 && (stdoutIsTerminal || isatty(STDERR_FILENO) == 1) {
      let editor = LineEditor(
        program: "2cs", historyPath: Folders.state(environment: environment) + "/history", historyLimit: historyLimit,
        secrets: apiKey.map { [$0] } ?? [], drawsOnStandardError: !stdoutIsTerminal
      ) { line, cursor in
        engine.complete(line, cursor: cursor, listFolder: listFolder)
      }
      // Live writes and `confirm` ask here, at the terminal.
      session.confirmer = { question in editor.confirm(question) }
      input = editor
    } else {
      input = StandardInputLines()
    }
    chosenInput = input
    LineEditor.installInterruptHandler()
    // One call, so that the banner and the prompt say whether the server is a `2cs sandbox serve`.
    await session.identifyServer()
    if let tour {
      await tour.start(runtime, say: say)
    } else {
      say("2cs \(session.mode.rawValue) session: help lists the commands, Ctrl-D leaves")
    }
    // The embedded sandbox answers at once and for free: learn the reservations held before this session.
    if session.mode == .sandbox && tour == nil {
      _ = await engine.run("reservations", name: "<startup>", display: false)
    }

    var pending = ""
    var warned: Set<String> = []
    while true {
      var suggestion = ""
      if pending.isEmpty {
        warnAboutExpiringHolds(&warned)
        if let tour {
          guard let next = tour.nextSuggestion(say: say, inLine: input.showsSuggestions) else { return 0 }
          suggestion = next
        }
      }
      let prompt = pending.isEmpty ? mainPrompt(color: color) : "...> "
      switch input.read(prompt: prompt, suggestion: suggestion) {
      case .endOfInput:
        if pending.isEmpty {
          say("")
          tour?.leave(say: say)
          return Self.endingStatus
        }
        pending = ""
        say("")
      case .interrupted:
        pending = ""
        say("")
      case .line(var line):
        // In the tour, `skip` alone runs the step's suggestion (the language's `skip` always takes a count); so
        // does `skip` typed after the suggestion left in the line.
        let typed = line.trimmingCharacters(in: .whitespaces)
        let skipped = typed == "skip" || typed.hasSuffix("skip") && typed.dropLast(4) == suggestion
        if tour != nil, pending.isEmpty, skipped {
          line = suggestion
          say("(running: \(suggestion))")
        }
        pending += (pending.isEmpty ? "" : "\n") + line
        let parsed = engine.parse(pending, name: "<repl>", moreCodeMayFollow: true)
        if parsed.incomplete && !parsed.diagnostics.isEmpty { continue }
        let statement = pending
        pending = ""
        guard !statement.allSatisfy(\.isWhitespace) else { continue }
        input.remember(statement)
        var recorded: Int?
        if !(apiKey.map { statement.contains($0) } ?? false) {
          session.statements.append(statement)
          recorded = session.statements.count - 1
        }
        tour?.statementStarts()
        let outcome = await runtime.runInterruptibly(parsed)
        // The terminal can no longer be written to: end the session (`run` says why).
        if StandardStreams.outputFailure != nil { return 1 }
        if case .exited(let status) = outcome { return status }
        // SIGHUP or SIGTERM cancelled the statement: the session ends, its state saved.
        if LineEditor.endingSignal != 0 { return Self.endingStatus }
        if report(outcome) != 0, let recorded { session.failedStatements.insert(recorded) }
        tour?.statementEnded(statement, outcome: outcome, engine: engine, say: say)
      }
    }
  }

  /// 0 at the end of input; 128 and the signal's number after SIGHUP or SIGTERM, as a shell reports it.
  static var endingStatus: Int32 { LineEditor.endingSignal == 0 ? 0 : 128 + LineEditor.endingSignal }

  /// `2cs[sandbox]> ` (or `local`, `live`), or `2cs[sandbox · 2 held 07:41]> ` while reservations are held.
  private func mainPrompt(color: Bool) -> String {
    let mode = session.mode.rawValue
    var label = color ? "\u{1}\u{1B}[\(session.mode == .live ? "31" : "32")m\u{1}\(mode)\u{1}\u{1B}[0m\u{1}" : mode
    let holds = session.activeHolds()
    if let soonest = holds.first {
      let seconds = max(0, Int(soonest.expires.timeIntervalSinceNow))
      label += " · \(holds.count) held \(String(format: "%02d:%02d", seconds / 60, seconds % 60))"
    }
    return "2cs[\(label)]> "
  }

  private func warnAboutExpiringHolds(_ warned: inout Set<String>) {
    for hold in session.activeHolds() where hold.expires.timeIntervalSinceNow < 60 && !warned.contains(hold.uuid) {
      warned.insert(hold.uuid)
      writeError(
        "warning: the reservation of \(hold.number) expires in \(max(0, Int(hold.expires.timeIntervalSinceNow))) s")
    }
  }
}

/// Where the REPL's statements come from: the line editor at a terminal, or the lines of stdin (`2cs tour` driven
/// by a script, in tests).
protocol StatementInput {
  /// Whether a suggestion is put into the line (a terminal), rather than only printed.
  var showsSuggestions: Bool { get }
  func read(prompt: String, suggestion: String) -> LineEditor.Input
  func remember(_ statement: String)
  /// The session ends.
  func finish()
}

extension LineEditor: StatementInput {
  var showsSuggestions: Bool { true }
  func finish() { saveHistory() }
}

/// Lines of stdin, one at a time, without prompts or history.
struct StandardInputLines: StatementInput {
  var showsSuggestions: Bool { false }

  func read(prompt: String, suggestion: String) -> LineEditor.Input {
    guard let line = readLine(strippingNewline: true) else { return .endOfInput }
    return .line(line)
  }

  func remember(_ statement: String) {}
  func finish() {}
}

/// A folder's entries for completion, folders ending in `/`, hidden ones left out.
func listFolder(_ path: String) -> [String] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  return entries.filter { !$0.hasPrefix(".") }.map { name in
    var isFolder: ObjCBool = false
    let exists = FileManager.default.fileExists(
      atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isFolder)
    return exists && isFolder.boolValue ? name + "/" : name
  }
}
