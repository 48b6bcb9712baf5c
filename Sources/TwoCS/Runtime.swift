import Commands
import Foundation
import Language
import NumbersAPI
import Sandbox

#if canImport(Glibc)
  import Glibc
#endif

/// The live API's address.
let liveBaseURL = "https://api.p.2chat.io"

/// A running session: the engine with 2cs's commands, the API session, and how to close them.
struct Runtime {
  let engine: Engine
  let session: Session
  /// The key in use, so the REPL can keep it out of the history; never printed.
  let apiKey: String?
  private let sandbox: EmbeddedSandbox?
  private let transport: HTTPTransport?

  init(options: ConnectionOptions, arguments: [String] = []) throws {
    let environment = ProcessInfo.processInfo.environment
    let file: ConfigurationFile
    do {
      file = try ConfigurationFile.load(environment: environment)
    } catch {
      throw exitWithMessage(String(describing: error), status: 2)
    }
    let given = options.apiKey ?? environment["TWOCHAT_API_KEY"] ?? file.apiKey
    let key = options.sandbox ? nil : given.flatMap { $0.isEmpty ? nil : $0 }
    let chosenBaseURL = options.sandbox ? nil : options.baseURL ?? file.baseURL
    apiKey = key
    let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    let tracing = Tracing(enabled: options.trace) { line in
      FileHandle.standardError.write(Data(((stderrIsTerminal ? "trace: " : "") + line + "\n").utf8))
    }
    var clientSettings = ClientSettings()
    clientSettings.trace = tracing.hook

    let mode: Session.Mode
    let transportForClient: any Transport
    if key == nil && chosenBaseURL == nil {
      var configuration = SandboxConfiguration()
      configuration.stateFile = SandboxConfiguration.defaultStateFile(environment: environment)
      let embedded = EmbeddedSandbox(configuration: configuration)
      sandbox = embedded
      transportForClient = embedded.transport
      transport = nil
      mode = .sandbox
    } else {
      guard key != nil else {
        throw exitWithMessage("--base-url needs an API key: --api-key KEY or TWOCHAT_API_KEY", status: 2)
      }
      let baseURL = chosenBaseURL ?? liveBaseURL
      let http = HTTPTransport(baseURL: baseURL)
      transport = http
      transportForClient = http
      sandbox = nil
      mode = Self.isLoopback(baseURL) ? .local : .live
    }
    let client = NumbersClient(
      transport: transportForClient, apiKey: APIKey(key ?? "sandbox"), settings: clientSettings)
    session = Session(
      mode: mode, client: client, journal: Journal(path: Journal.defaultPath(environment: environment)),
      tracing: tracing)
    if let notice = session.journal.unfinishedWritesNotice() { writeError(notice) }
    session.assumeYes = options.yes
    session.settings.dryRun = options.dryRun
    session.settings.budget = options.budget.flatMap { DecimalNumber($0) }
    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    let format = options.output ?? (stdoutIsTerminal ? .table : .json)
    session.settings.output = format
    session.renderer = Renderer(
      format: format, width: stdoutIsTerminal ? terminalWidth() : nil,
      color: stdoutIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb")

    engine = Engine(commands: builtinCommands, host: session)
    var visible = environment
    visible["TWOCHAT_API_KEY"] = nil
    engine.environment = visible
    engine[variable: "args"] = .list(arguments.map(Value.string))
    engine.output = { line in writeOut(line) }
    engine.display = { [session] value in writeOut(session.renderer.render(value)) }
  }

  /// Writes what is left to disk and closes connections.
  func close() async {
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
      writeError(
        "dry run: \(planned.count) purchase(s) planned, setup \(planned.setup), first month \(planned.monthly), total \(planned.total); nothing was sent"
      )
    }
  }

  static func isLoopback(_ url: String) -> Bool {
    guard let start = url.range(of: "://")?.upperBound else { return false }
    let rest = url[start...]
    let host: Substring
    if rest.hasPrefix("[") {
      host = rest.prefix { $0 != "]" }.dropFirst()
    } else {
      host = rest.prefix { $0 != ":" && $0 != "/" }
    }
    return host == "localhost" || host.hasPrefix("127.") || host == "::1"
  }
}

func terminalWidth() -> Int? {
  var size = winsize()
  guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
  return Int(size.ws_col)
}

/// Writes a line to stdout, unbuffered, so it stays in order with stderr.
func writeOut(_ text: String, newline: Bool = true) {
  FileHandle.standardOutput.write(Data((newline ? text + "\n" : text).utf8))
}

/// Writes a line to stderr.
func writeError(_ text: String) {
  FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
