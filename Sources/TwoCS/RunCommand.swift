import ArgumentParser
import Commands
import Foundation
import Language
import LineEditing
import SystemSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `2cs [FILE [ARGS...]]`, `2cs -c SOURCE`, or lines from stdin.
struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a .2cs script, a one-liner (-c), or the lines piped in; with none of them on a terminal, the REPL.",
    discussion: """
      Exit status: 0 when all went well, 1 for an error while running, 2 for a usage or syntax error.
      """
  )

  @Option(name: .customShort("c"), help: "Run this source text instead of a file.")
  var command: String?

  @OptionGroup var connection: ConnectionOptions

  @Argument(help: "A .2cs script; `-` reads it from stdin.")
  var script: String?

  @Argument(parsing: .captureForPassthrough, help: "Arguments for the script, in $args.")
  var arguments: [String] = []

  func validate() throws {
    if command != nil && script != nil {
      throw ValidationError("give either -c SOURCE or a script file, not both")
    }
  }

  func run() async throws {
    let runtime = try Runtime(options: connection, arguments: arguments)
    let status: Int32
    if let command {
      status = await execute(bytes: Array(command.utf8), name: "<command>", runtime, emptyIsError: true)
    } else if let script, script != "-" {
      let bytes: [UInt8]
      do throws(FileIO.ReadFailure) {
        bytes = try readScript(script)
      } catch {
        await runtime.close()
        throw exitWithMessage("cannot read \(script): \(error.reason)", status: 2)
      }
      status = await execute(bytes: bytes, name: script, runtime, emptyIsError: true)
    } else if script == "-" || isatty(STDIN_FILENO) != 1 {
      let bytes: [UInt8]
      do throws(FileIO.ReadFailure) {
        bytes = try FileIO.readStandardInput(limit: scriptSizeLimit)
      } catch {
        await runtime.close()
        throw exitWithMessage("cannot read the script from stdin: \(error.reason)", status: 2)
      }
      status = await execute(bytes: bytes, name: "<stdin>", runtime, emptyIsError: false)
    } else {
      let historyLimit = Int(ProcessInfo.processInfo.environment["TWOCS_HISTORY_SIZE"] ?? "") ?? 1000
      status = await InteractiveSession(runtime: runtime, apiKey: runtime.apiKey, historyLimit: historyLimit).run()
    }
    await runtime.close()
    try endIfOutputFailed()
    // A script that SIGHUP or SIGTERM stopped ends as a shell reports it, after its state was saved.
    if LineEditor.endingSignal != 0 { throw ExitCode(128 + LineEditor.endingSignal) }
    if status != 0 { throw ExitCode(status) }
  }

  private func execute(bytes: [UInt8], name: String, _ runtime: Runtime, emptyIsError: Bool) async -> Int32 {
    switch loadSource(bytes, name: name, emptyIsError: emptyIsError) {
    case .success(let source):
      // Ctrl-C stops the script; a write in flight first learns its outcome (a second press stops waiting).
      LineEditor.installInterruptHandler()
      let parsed = runtime.engine.parse(source.text, name: source.name)
      let outcome = await runtime.runInterruptibly(parsed, stopsOnThirdPress: true)
      // Stopped because its output could not be written: `run` says so once, not as an interrupt.
      if StandardStreams.outputFailure != nil { return 1 }
      return report(outcome)
    case .failure(let invalid):
      writeError(invalid.diagnostic.rendered(in: invalid.source))
      return 2
    }
  }
}

/// Prints an outcome's errors and gives its exit status.
func report(_ outcome: Engine.Outcome) -> Int32 {
  switch outcome {
  case .finished: return 0
  case .exited(let status): return status
  case .invalid(let diagnostics, let source):
    writeError(diagnostics.map { $0.rendered(in: source) }.joined())
    return 2
  case .failed(let error):
    writeError(error.rendered)
    return 1
  }
}

/// A script's text, refused when it is not UTF-8 or (for files and -c) has nothing in it.
func loadSource(_ bytes: [UInt8], name: String, emptyIsError: Bool) -> Result<SourceFile, InvalidSource> {
  let decoded = SourceFile.decoding(bytes, name: name)
  if emptyIsError, case .success(let source) = decoded, source.text.allSatisfy(\.isWhitespace) {
    let diagnostic = Diagnostic(
      id: "empty", message: "nothing to run: \(name) is empty", range: SourceRange(0, 0),
      help: "a script holds statements such as: groups US | first")
    return .failure(InvalidSource(diagnostic: diagnostic, source: source))
  }
  return decoded
}

/// The largest script 2cs reads, from a file or stdin.
let scriptSizeLimit = 64 * 1024 * 1024

/// A script's text: a file, or a pipe (`2cs <(…)`, `/dev/stdin`), of at most 64 MiB.
func readScript(_ path: String) throws(FileIO.ReadFailure) -> [UInt8] {
  try FileIO.readFile(path, limit: scriptSizeLimit, streams: true)
}

/// `2cs check FILE...`
struct Check: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Parse and bind scripts without running anything; exit 2 if any has errors.",
    discussion:
      "Reports every error of every file at once: syntax; unknown commands, parameters and flags; wrong literal "
      + "types; variables read before anything binds them; fields that no record of a command's result has; "
      + "and values piped into a command that does not take them (a list into purchase)."
  )

  @Argument(help: "The .2cs files to check.")
  var files: [String]

  func run() async throws {
    let engine = Engine(commands: builtinCommands)
    var failed = false
    for file in files {
      let data: [UInt8]
      do throws(FileIO.ReadFailure) {
        data = try readScript(file)
      } catch {
        writeError("2cs: cannot read \(file): \(error.reason)")
        failed = true
        continue
      }
      switch loadSource(data, name: file, emptyIsError: true) {
      case .failure(let invalid):
        writeError(invalid.diagnostic.rendered(in: invalid.source))
        failed = true
      case .success(let source):
        let diagnostics = engine.check(source.text, name: file)
        try endIfOutputFailed()
        if diagnostics.isEmpty {
          writeOut("\(file): ok")
        } else {
          writeError(diagnostics.map { $0.rendered(in: source) }.joined())
          failed = true
        }
      }
    }
    try endIfOutputFailed()
    if failed { throw ExitCode(2) }
  }
}

/// `2cs explain FILE`
struct Explain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what a script would do, and send nothing: each command's step of the purchase flow, its HTTP "
      + "requests and their parameters, what they cost and what it returns; then the totals.",
    discussion:
      "Values that earlier statements produce are shown as placeholders (group_id=<from groups>). Nothing is sent "
      + "and no sandbox state is made. A script with errors is reported as `2cs check` reports it, with status 2. "
      + "In the language, `explain <pipeline>` does the same for one statement."
  )

  @Argument(help: "The .2cs script to explain; `-` reads it from stdin.")
  var file: String

  func run() async throws {
    let engine = Engine(commands: builtinCommands)
    let bytes: [UInt8]
    do throws(FileIO.ReadFailure) {
      bytes = file == "-" ? try FileIO.readStandardInput(limit: scriptSizeLimit) : try readScript(file)
    } catch {
      throw exitWithMessage("cannot read \(file): \(error.reason)", status: 2)
    }
    let name = file == "-" ? "<stdin>" : file
    switch loadSource(bytes, name: name, emptyIsError: true) {
    case .failure(let invalid):
      writeError(invalid.diagnostic.rendered(in: invalid.source))
      throw ExitCode(2)
    case .success(let source):
      let parsed = engine.parse(source.text, name: name)
      guard parsed.diagnostics.isEmpty else {
        writeError(parsed.diagnostics.map { $0.rendered(in: parsed.source) }.joined())
        throw ExitCode(2)
      }
      writeOut(engine.explanation(of: parsed))
      try endIfOutputFailed()
    }
  }
}
