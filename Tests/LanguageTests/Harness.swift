import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import Sandbox
import Synchronization
import TestSupport

/// Runs 2cs source against a fresh in-memory sandbox on a fixed clock, and
/// collects everything it prints, its errors and its exit status as text.
struct LanguageHarness {
  let engine: Engine
  let session: Session
  let sandbox: Sandbox
  let transcript: Transcript
  /// Every request as it reaches the sandbox in this process, before the sandbox acts on it: `METHOD /path` lines.
  let requests: GrowingText

  final class Transcript: Sendable {
    private let lines = Mutex<[String]>([])
    private let growing = GrowingText()
    func add(_ line: String) {
      lines.withLock { $0.append(line) }
      growing.append(line + "\n")
    }
    /// Waits until `text` has been added (in any run), or `seconds` pass; true if it was.
    func waitFor(_ text: String, seconds: Double = 10) async -> Bool { await growing.wait(for: text, seconds: seconds) }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var count: Int { lines.withLock { $0.count } }
    /// What was added from line `start` on.
    func text(from start: Int) -> String { lines.withLock { $0[min(start, $0.count)...].joined(separator: "\n") } }
  }

  /// What a server that rewrites the sandbox's answers does to one.
  typealias Rewrite = @Sendable (APIRequest, APIResponse) -> APIResponse

  init(
    journal: String? = nil, mode: Session.Mode = .sandbox, faults: String? = nil, apiKey: String = "test",
    rewrite: Rewrite? = nil
  ) throws {
    let sandbox = try Self.sandbox(faults: faults)
    let requests = GrowingText()
    // `local` is a sandbox that says what it is, as `2cs sandbox serve` does; `live` one that does not.
    let identifies = mode == .local
    let transport = InProcessTransport { request in
      requests.append("\(request.head.method.rawValue) \(request.head.path ?? "/")\n")
      guard case .respond(var response) = await sandbox.handle(request) else { return .dropConnection }
      if identifies { SandboxIdentification.mark(&response.head.headerFields) }
      return .respond(rewrite?(request, response) ?? response)
    }
    self.init(
      sandbox: sandbox, transport: transport, requests: requests, journal: journal, mode: mode, apiKey: apiKey,
      timeout: ClientSettings().timeout)
  }

  /// A harness whose client reaches `sandbox` through `transport` (an HTTP one, say), giving up on a request after
  /// `timeout`; a live session says yes to every write, as `--yes` does.
  init(sandbox: Sandbox, transport: any Transport, mode: Session.Mode, apiKey: String, timeout: Duration) {
    self.init(
      sandbox: sandbox, transport: transport, requests: GrowingText(), journal: nil, mode: mode, apiKey: apiKey,
      timeout: timeout)
    session.ceiling.assumeYes = true
  }

  private init(
    sandbox: Sandbox, transport: any Transport, requests: GrowingText, journal: String?, mode: Session.Mode,
    apiKey: String, timeout: Duration
  ) {
    self.sandbox = sandbox
    self.requests = requests
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    settings.timeout = timeout
    settings.retry.sleep = { _ in }
    let transcript = Transcript()
    let client = NumbersClient(transport: transport, apiKey: APIKey(apiKey), settings: settings)
    session = Session(
      connection: mode == .sandbox ? .embeddedSandbox : .server, client: client, journal: Journal(path: journal),
      tracing: Tracing(enabled: false) { transcript.add("trace: " + $0) })
    session.warn = { transcript.add("warning: " + $0) }
    // Looking at the account after a lost answer: three looks, no real waiting.
    session.outcomeCheckDelays = [.zero, .milliseconds(1), .milliseconds(2)]
    engine = Engine(commands: builtinCommands, host: session)
    engine.environment = ["TWOCS_TEST": "yes"]
    engine[variable: "args"] = .list([.string("first"), .string("second")])
    let renderer = Renderer(format: .table)
    engine.output = { transcript.add($0) }
    engine.display = { transcript.add(renderer.render($0)) }
    self.transcript = transcript
  }

  /// A fresh in-memory sandbox on a clock that stands still, with `faults`.
  static func sandbox(faults: String? = nil) throws -> Sandbox {
    var configuration = SandboxConfiguration()
    configuration.requestsPerMinute = nil
    configuration.clock = ManualClock()
    if let faults { configuration.faults = try FaultPlan(parsing: faults) }
    return try Sandbox(configuration: configuration)
  }

  /// Runs `source` and returns what this run printed, then its errors, then `exit: N`.
  func run(_ source: String, name: String = "test.2cs") async -> String {
    let start = transcript.count
    let outcome = await engine.run(source, name: name)
    let status: Int32
    switch outcome {
    case .finished: status = 0
    case .exited(let code): status = code
    case .invalid(let diagnostics, let file):
      for diagnostic in diagnostics { transcript.add(diagnostic.rendered(in: file).trimmingNewline) }
      status = 2
    case .failed(let error):
      transcript.add(error.rendered.trimmingNewline)
      status = 1
    }
    transcript.add("exit: \(status)")
    return transcript.text(from: start)
  }
}

extension String {
  var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
