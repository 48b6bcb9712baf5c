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
/// and only results to stdout.
struct InteractiveSession {
  let runtime: Runtime
  let apiKey: String?
  let historyLimit: Int

  private var session: Session { runtime.session }

  func run() async -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    let color = environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    let engine = runtime.engine
    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    // Text for the person at the terminal, not part of the results.
    let say: (String) -> Void = { text in stdoutIsTerminal ? writeOut(text) : writeError(text) }
    let editor = LineEditor(
      program: "2cs", historyPath: Folders.state(environment: environment) + "/history", historyLimit: historyLimit,
      secrets: apiKey.map { [$0] } ?? [], drawsOnStandardError: !stdoutIsTerminal
    ) { line, cursor in
      engine.complete(line, cursor: cursor, listFolder: listFolder)
    }
    LineEditor.installInterruptHandler()
    // Live writes and `confirm` ask here, at the terminal.
    session.confirmer = { question in editor.confirm(question) }
    // One call, so that the banner and the prompt say whether the server is a `2cs sandbox serve`.
    await session.identifyServer()
    say("2cs \(session.mode.rawValue) session: help lists the commands, Ctrl-D leaves")
    // The embedded sandbox answers at once and for free: learn the reservations held before this session.
    if session.mode == .sandbox { _ = await engine.run("reservations", name: "<startup>", display: false) }

    var pending = ""
    var warned: Set<String> = []
    while true {
      if pending.isEmpty { warnAboutExpiringHolds(&warned) }
      let prompt = pending.isEmpty ? mainPrompt(color: color) : "...> "
      switch editor.read(prompt: prompt) {
      case .endOfInput:
        if pending.isEmpty {
          say("")
          return 0
        }
        pending = ""
        say("")
      case .interrupted:
        pending = ""
        say("")
      case .line(let line):
        pending += (pending.isEmpty ? "" : "\n") + line
        let parsed = engine.parse(pending, name: "<repl>", moreCodeMayFollow: true)
        if parsed.incomplete && !parsed.diagnostics.isEmpty { continue }
        let statement = pending
        pending = ""
        guard !statement.allSatisfy(\.isWhitespace) else { continue }
        editor.remember(statement)
        if !(apiKey.map { statement.contains($0) } ?? false) { session.statements.append(statement) }
        let outcome = await runtime.runInterruptibly(parsed)
        // The terminal can no longer be written to: end the session (`run` says why).
        if StandardStreams.outputFailure != nil { return 1 }
        if case .exited(let status) = outcome { return status }
        _ = report(outcome)
      }
    }
  }

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
