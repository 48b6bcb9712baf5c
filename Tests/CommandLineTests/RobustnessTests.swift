import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// 2cs never crashes and never hangs without end: output that cannot be written, Ctrl-\, and programs built to
/// be slow end as a person expects, with at most one line of explanation.
@Suite("Never crash", .serialized)
struct RobustnessTests {
  static let crashSigns = ["Fatal error", "crashed", "Backtrace", "Stack dump", "Segmentation"]

  /// Runs a shell command line with `$0` the built 2cs, in a private HOME; stops it (a failure) after `seconds`.
  func shell(_ command: String, home: String, seconds: Double = 120) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", command, try builtBinary()]
    process.environment = [
      "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "PATH": "/usr/bin:/bin",
      "LC_ALL": "C.UTF-8",
    ]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let standardOutput = GrowingText()
    let standardError = GrowingText()
    try process.run()
    standardOutput.collect(from: output.fileHandleForReading.fileDescriptor)
    standardError.collect(from: errors.fileHandleForReading.fileDescriptor)
    let ended = pollUntil(seconds: seconds, every: 20) { !process.isRunning }
    if !ended { process.terminate() }
    process.waitUntilExit()
    #expect(ended, "still running after \(seconds) s: \(command)")
    _ = pollUntil(seconds: 10) { standardOutput.isFinished && standardError.isFinished }
    return RunResult(
      status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
      standardOutput: standardOutput.text, standardError: standardError.text)
  }

  func expectNoCrash(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.exitedNormally, "ended by signal \(result.status)", sourceLocation: sourceLocation)
    for sign in Self.crashSigns {
      #expect(
        !result.standardError.contains(sign), "\(result.standardError.prefix(600))", sourceLocation: sourceLocation)
    }
  }

  // MARK: Input that is no script

  /// A folder or a closed stdin holds no script: that is said, with status 2, rather than run as an empty one.
  @Test(arguments: [("< \"$HOME\"", "it is a folder"), ("<&-", "it is closed"), ("- <&-", "it is closed")])
  func aStandardInputThatCannotBeReadIsSaid(redirection: String, reason: String) async throws {
    try await withTemporaryFolder { home in
      let result = try shell("\"$0\" \(redirection)", home: home)
      expectNoCrash(result)
      #expect(result.status == 2)
      #expect(result.standardError == "2cs: cannot read the script from stdin: \(reason)\n")
    }
  }

  // MARK: Output that cannot be written

  @Test func aFullDiskIsOneLineAndStatusOne() async throws {
    try await withTemporaryFolder { home in
      let result = try shell("\"$0\" -c 'print 1' > /dev/full", home: home)
      expectNoCrash(result)
      #expect(result.status == 1)
      #expect(result.standardError == "2cs: cannot write to standard output: No space left on device\n")
    }
  }

  @Test func aClosedStandardOutputIsOneLineAndStatusOne() async throws {
    try await withTemporaryFolder { home in
      let result = try shell("\"$0\" -c 'print 1' >&-", home: home)
      expectNoCrash(result)
      #expect(result.status == 1)
      #expect(result.standardError == "2cs: cannot write to standard output: Bad file descriptor\n")
    }
  }

  @Test func aClosedStandardErrorDoesNotCrash() async throws {
    try await withTemporaryFolder { home in
      let result = try shell("\"$0\" -c 'print 1; fail \"no luck\"' 2>&-", home: home)
      expectNoCrash(result)
      #expect(result.status == 1)
      #expect(result.standardOutput == "1\n")
    }
  }

  @Test func aReaderThatGoesAwayEndsItQuietly() async throws {
    try await withTemporaryFolder { home in
      for ignoring in ["", "trap '' PIPE; "] {
        let result = try shell(
          ignoring + "\"$0\" -c 'range 0 100000' 2>\"$HOME/errors\" | head -1; echo \"status ${PIPESTATUS[0]}\" >&2",
          home: home)
        let errors = (try? String(contentsOfFile: home + "/errors", encoding: .utf8)) ?? ""
        #expect(result.standardOutput == "[\n", "\(ignoring)")
        #expect(errors.isEmpty, "\(ignoring): \(errors.prefix(600))")
        #expect(result.standardError == "status 141\n", "\(ignoring): \(result.standardError)")
      }
    }
  }

  @Test func theSandboxIsSavedWhenOutputFails() async throws {
    try await withTemporaryFolder { home in
      let result = try shell(
        "\"$0\" -c 'groups US | first | reserve | get number; print after' > /dev/full", home: home)
      expectNoCrash(result)
      #expect(result.status == 1)
      let held = try run2cs(["-c", "reservations | count"], home: home)
      #expect(held.standardOutput == "1\n", "\(held.standardError)")
    }
  }

  // MARK: Ctrl-\

  @Test func quitEndsAScriptAsAnInterruptDoes() async throws {
    try await withTemporaryFolder { home in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try builtBinary())
      process.arguments = ["-c", "print ready\nsleep 60\nprint after"]
      process.environment = [
        "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "PATH": "/usr/bin:/bin",
      ]
      let output = Pipe()
      let errors = Pipe()
      process.standardOutput = output
      process.standardError = errors
      let standardOutput = GrowingText()
      let standardError = GrowingText()
      try process.run()
      standardOutput.collect(from: output.fileHandleForReading.fileDescriptor)
      standardError.collect(from: errors.fileHandleForReading.fileDescriptor)
      defer {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
      }
      #expect(standardOutput.waitBlocking(for: "ready"), "\(standardError.text)")
      kill(process.processIdentifier, SIGQUIT)
      #expect(pollUntil(seconds: 60, every: 20) { !process.isRunning })
      process.waitUntilExit()
      _ = pollUntil(seconds: 10) { standardError.isFinished }
      #expect(process.terminationReason == .exit)
      #expect(process.terminationStatus == 1)
      #expect(standardError.text.hasPrefix("<command>:2:1: error: interrupted\n"), "\(standardError.text.prefix(600))")
      #expect(!standardOutput.text.contains("after"))
    }
  }

  @Test func quitAtTheREPLIsTakenAsCtrlC() async throws {
    try await withTemporaryFolder { home in
      let environment = [
        "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
        "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
      ]
      let terminal = try PseudoTerminal(arguments: [], environment: environment)
      #expect(terminal.waitForPrompt("2cs[sandbox]> "), "no prompt: \(terminal.recent)")
      terminal.send("half a line\u{1C}")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "), "after Ctrl-\\ at the prompt: \(terminal.recent)")
      // Ctrl-U first: the signal may beat the typed letters to the reader, which then land on the new line.
      terminal.send("\u{15}sleep 60\r")
      // Until the Enter is read, a Ctrl-\ would make the terminal flush it from its input queue (as a signal
      // key does): wait for the line to be taken, shown by its new line.
      #expect(terminal.waitFor("sleep 60\n"))
      // A press that lands before the command starts is spent at the prompt: press until the command stops.
      let stopped = pollUntil(seconds: 60, every: 1) {
        terminal.send("\u{1C}")
        return terminal.waitFor("interrupted", seconds: 0.5)
      }
      #expect(stopped, "Ctrl-\\ while running: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))
      terminal.send("print alive\r")
      #expect(terminal.waitFor("alive"), "after Ctrl-\\: \(terminal.recent)")
      // A Ctrl-D typed before the prompt is drawn meets the terminal's own line editing: wait for it.
      #expect(terminal.waitForPrompt("2cs[sandbox]> "))
      terminal.send("\u{4}")
      #expect(terminal.exitStatus(seconds: 30) == 0)
    }
  }

  // MARK: Slow programs

  @Test func aCommandWithAHundredThousandArgumentsRunsInLinearTime() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/many.2cs"
      try ("print " + Array(repeating: "1", count: 100_000).joined(separator: " ") + "\n")
        .write(toFile: script, atomically: true, encoding: .utf8)
      let result = try shell("\"$0\" \"$HOME/many.2cs\"", home: home)
      expectNoCrash(result)
      #expect(result.status == 0)
      #expect(result.standardOutput.count == 200_000)
    }
  }
}
