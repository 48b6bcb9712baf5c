import ArgumentParser
import Commands
import Foundation
import Language
import LineEditing
import NumbersAPI
import NumbersContract
import Sandbox
import SystemSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A running session: the engine with 2cs's commands, the API session, and how to close them.
struct Runtime {
  let engine: Engine
  let session: Session
  /// The key in use, so the REPL can keep it out of the history; never printed.
  let apiKey: String?
  private let sandbox: EmbeddedSandbox?
  private let transport: HTTPTransport?

  /// - Parameter sandboxInMemory: an embedded sandbox of its own, in memory, whatever the key and config say
  ///   (`2cs tour`).
  init(options: ConnectionOptions, arguments: [String] = [], sandboxInMemory: Bool = false) throws {
    let environment = ProcessInfo.processInfo.environment
    let configurationPath = ConfigurationFile.path(environment: environment)
    if let option = options.apiKey, !option.isEmpty {
      writeError(
        "2cs: warning: a key given with --api-key can be read by other users of this machine (ps, /proc/PID/cmdline); "
          + "set TWOCHAT_API_KEY instead, or api_key or api_key_command (say, a password manager) in \(configurationPath)"
      )
    }
    let (settings, othersCanWriteConfiguration) = try Self.configuration(
      profile: options.profile, environment: environment)
    let chosenBaseURL = options.sandbox ? nil : try Self.chosenBaseURL(options.baseURL, settings: settings)
    var key: String?
    if !options.sandbox,
      let source = KeySource(
        option: options.apiKey, environment: environment, settings: settings, profileChosen: options.profile != nil,
        othersCanWrite: othersCanWriteConfiguration)
    {
      // Before the key is in memory: a core file would hold it.
      if let problem = forbidCoreDumps() { writeError("2cs: warning: core dumps may still hold the key: \(problem)") }
      do throws(ConfigurationError) {
        key = try source.load()
      } catch {
        throw exitWithMessage(error.message, status: 2)
      }
    }
    apiKey = key
    let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    let tracing = Tracing(enabled: options.trace) { line in
      StandardStreams.writeError((stderrIsTerminal ? "trace: " : "") + line + "\n")
    }
    var clientSettings = ClientSettings()
    clientSettings.trace = tracing.hook

    let connection: Session.Connection
    let transportForClient: any Transport
    if sandboxInMemory || key == nil && chosenBaseURL == nil {
      var configuration = SandboxConfiguration()
      configuration.stateFile = sandboxInMemory ? nil : SandboxConfiguration.defaultStateFile(environment: environment)
      let embedded = EmbeddedSandbox(configuration: configuration)
      sandbox = embedded
      transportForClient = embedded.inProcessTransport()
      transport = nil
      connection = .embeddedSandbox
    } else {
      guard key != nil else {
        throw exitWithMessage(
          "a base URL needs an API key: TWOCHAT_API_KEY, api_key or api_key_command in \(configurationPath), or --api-key",
          status: 2)
      }
      let baseURL = try chosenBaseURL ?? BaseURL(parsing: LiveAPI.baseURL)
      let http = HTTPTransport(baseURL: baseURL.text)
      transport = http
      transportForClient = http
      sandbox = nil
      connection = .server
    }
    let client = NumbersClient(
      transport: transportForClient, apiKey: APIKey(key ?? "sandbox"), settings: clientSettings)
    session = Session(
      connection: connection, client: client,
      // A sandbox in memory leaves no journal behind: its writes are forgotten with it.
      journal: Journal(path: sandboxInMemory ? nil : Journal.defaultPath(environment: environment)),
      tracing: tracing)
    if let notice = session.journal.unfinishedWritesNotice() { writeError(notice) }
    session.ceiling.assumeYes = options.yes
    session.ceiling.dryRun = options.dryRun
    session.ceiling.budget = options.budget.flatMap { DecimalNumber($0) }
    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    let format = options.output ?? (stdoutIsTerminal ? .table : .json)
    session.settings.output = format
    session.renderer = Renderer(
      format: format, fitsTerminal: stdoutIsTerminal,
      color: stdoutIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb",
      ascii: !Terminal.localeIsUTF8(environment: environment), formatIsDefault: options.output == nil)

    engine = Engine(commands: builtinCommands, host: session)
    var visible = environment
    visible["TWOCHAT_API_KEY"] = nil
    engine.environment = visible
    engine[variable: "args"] = .list(arguments.map(Value.string))
    engine.output = { line in writeOut(line) }
    engine.display = { [session] value in writeOut(session.renderer.display(value)) }
  }

  /// The config file's settings (of `profile`, if given), and whether others can change the file.
  private static func configuration(profile: String?, environment: [String: String]) throws -> (
    ConfigurationFile.Settings?, othersCanWrite: Bool
  ) {
    do throws(ConfigurationError) {
      guard let file = try ConfigurationFile.load(environment: environment) else {
        guard let profile else { return (nil, false) }
        throw ConfigurationError(
          "no profile '\(profile)': there is no \(ConfigurationFile.path(environment: environment))")
      }
      return (try file.settings(profile: profile), file.othersCanWrite)
    } catch {
      throw exitWithMessage(error.message, status: 2)
    }
  }

  /// `--base-url`, else the config file's `base_url`, parsed; nil for neither. Plain http to a host that is not
  /// this machine is refused here, before the key is loaded or any connection is made.
  private static func chosenBaseURL(_ option: String?, settings: ConfigurationFile.Settings?) throws -> BaseURL? {
    let url: BaseURL
    do throws(BaseURL.Problem) {
      if let option {
        url = try BaseURL(parsing: option)
      } else if let settings, let fromFile = settings.baseURL {
        url = try BaseURL(parsing: fromFile, origin: "base_url in \(settings.origin)")
      } else {
        return nil
      }
    } catch {
      throw exitWithMessage(error.message, status: 2)
    }
    guard url.isEncrypted || url.hostIsLoopback else {
      throw exitWithMessage(
        "refusing to send the API key over plain http:// to \(url.host), which is not this machine: anyone "
          + "on the way could read it; use https://, or http:// only to 127.0.0.1, ::1 or localhost", status: 2)
    }
    return url
  }

  /// Runs a program; Ctrl-C cancels it (and its HTTP requests). A write whose request has left waits on for
  /// its outcome until a second Ctrl-C, so every press is counted. Call `LineEditor.installInterruptHandler()`
  /// first. A script (`stopsOnThirdPress`) that does not stop is ended by a third press.
  func runInterruptibly(_ parsed: Engine.Parsed, stopsOnThirdPress: Bool = false) async -> Engine.Outcome {
    _ = LineEditor.takeInterrupt()
    let engine = self.engine
    let interrupts = session.interrupts
    let task = Task { await engine.run(parsed) }
    let memoryLimitReached = SharedSwitch()
    let watcher = Task {
      var presses = 0
      while !Task.isCancelled {
        // Output that can no longer be written ends the program too: it stops as an interrupt would.
        if StandardStreams.outputFailure != nil { task.cancel() }
        // So does a program that takes more memory than any sensible one needs, before the machine runs out.
        if let resident = ProcessMemory.residentBytes(), resident > Self.memoryLimit {
          memoryLimitReached.set()
          task.cancel()
        }
        if LineEditor.takeInterrupt() {
          presses += 1
          task.cancel()
          interrupts.note()
          if stopsOnThirdPress && presses >= 3 {
            writeError("2cs: stopped by a third Ctrl-C; see `journal` for any write left unfinished")
            exit(130)
          }
        }
        try? await Task.sleep(for: .milliseconds(20))
      }
    }
    let outcome = await task.value
    watcher.cancel()
    if memoryLimitReached.isSet, case .failed(var error) = outcome, error.id == "interrupted" {
      error.id = "memory-limit"
      error.message = "stopped here: the program was using more than \(Self.memoryLimit / 1024 / 1024) MiB of memory"
      return .failed(error)
    }
    return outcome
  }

  /// The most memory a program may use: what it holds in values and what the interpreter needs to run it. The
  /// watcher looks every 20 ms; one step of a program (a `range` of 10 000 000 numbers) may add some 500 MiB
  /// before it is stopped, so 2cs stays under 2.5 GiB.
  static let memoryLimit = 1536 * 1024 * 1024

  /// Writes what is left to disk and closes connections.
  func close() async {
    session.tracing.writeCallCount()
    if let sandbox { try? await sandbox.flush() }
    if let transport {
      // A request the user gave up on may still be waiting: do not keep them waiting at exit too.
      await withTaskGroup(of: Void.self) { group in
        group.addTask { await transport.shutdown() }
        group.addTask { try? await Task.sleep(for: .milliseconds(300)) }
        await group.next()
        group.cancelAll()
      }
    }
    let planned = session.planned
    if planned.count > 0 {
      // A script may have turned its own dry run off and bought for real after planning.
      let spent = session.spent
      let sent =
        spent.count == 0
        ? "nothing was sent"
        : "those were not sent, but \(spent.count) purchase(s) were, \(spent.summary): see `2cs -c journal`"
      writeError("dry run: \(planned.count) purchase(s) planned, \(planned.summary); \(sent)")
    }
  }
}

/// Writes a line to stdout, unbuffered, so it stays in order with stderr. A failure is kept in
/// `StandardStreams.outputFailure`, which ends the program (see `endIfOutputFailed`).
func writeOut(_ text: String, newline: Bool = true) {
  StandardStreams.writeOutput(newline ? text + "\n" : text)
}

/// Writes a line to stderr.
func writeError(_ text: String) {
  StandardStreams.writeError(text.hasSuffix("\n") ? text : text + "\n")
}

/// When standard output could not be written: the one line that says why (none when the reader went away), and
/// the exit status to end with. The runtime is closed first, so the sandbox's state is saved.
func endIfOutputFailed() throws {
  guard let failure = StandardStreams.outputFailure else { return }
  if let message = failure.message { writeError(message) }
  throw ExitCode(failure.exitStatus)
}

/// A switch that one task turns on and another reads.
final class SharedSwitch: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  var isSet: Bool { lock.withLock { value } }

  func set() { lock.withLock { value = true } }
}
