import Commands
import Foundation
import Language

/// A line-by-line session on a terminal: each line (or group of lines, while
/// a bracket is open or a line ends in `|`) runs as a statement.
struct SimpleREPL {
  let runtime: Runtime

  func run() async -> Int32 {
    writeOut("2cs (\(runtime.session.mode.rawValue)): type help for the commands, exit or Ctrl-D to leave")
    var pending = ""
    while true {
      writeOut(pending.isEmpty ? "2cs[\(runtime.session.mode.rawValue)]> " : "...> ", newline: false)
      guard let line = readLine() else { return 0 }
      pending += (pending.isEmpty ? "" : "\n") + line
      let parsed = runtime.engine.parse(pending, name: "<repl>")
      if parsed.incomplete && !parsed.diagnostics.isEmpty { continue }
      pending = ""
      let outcome = await runtime.engine.run(parsed)
      if case .exited(let status) = outcome { return status }
      _ = report(outcome)
    }
  }
}
