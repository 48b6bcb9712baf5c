import ArgumentParser
import CProcessControl
import Foundation
import Hummingbird
import NumbersAPI
import NumbersContract
import Sandbox
import SandboxServer
import SystemSupport

struct SandboxCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sandbox",
    abstract: "Run or reset the simulated Numbers API.",
    subcommands: [Serve.self, Reset.self]
  )

  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the sandbox over HTTP, for any client that speaks the Numbers API.",
      discussion: """
        Every answer carries the header \(SandboxIdentification.headerName): \(SandboxIdentification.headerValue) \
        (and \(Endpoint.info.path) says "\(InfoField.server.rawValue)": "\(SandboxIdentification.infoValue)"): \
        that is how 2cs knows the server is local and not the live API, whatever its address. \
        GET \(OpenAPIDescription.path) describes the API it serves (OpenAPI 3.1).

        SIGINT (Ctrl-C) or SIGTERM stops it: it takes no new connections, gives those open \
        \(SandboxHTTPServer.shutdownGrace.components.seconds) seconds to finish their requests, then closes them \
        (a client that has not read its answers by then may miss the last). It waits longer only for the state \
        file's lock, if another process holds it, and exits once the state is saved.

        Example:
          2cs sandbox serve --port 8080 --api-key k &
          curl -s -H '\(Authentication.headerName): k' 'http://127.0.0.1:8080\(Endpoint.groups.path)?country=GB'
          curl -s http://127.0.0.1:8080\(OpenAPIDescription.path)
        """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: "The state file (default: $XDG_STATE_HOME/2cs/sandbox.json).")
    var state: String?

    @Flag(help: "Keep state in memory only; nothing is written.")
    var memory = false

    @Option(
      name: .customLong("api-key"),
      help: "An accepted API key, one account each; repeat for several. Without it any key is accepted.")
    var apiKeys: [String] = []

    @Option(help: "Faults to inject: \(FaultPlan.syntax).")
    var faults: String?

    @Option(help: "The per-account rate limit; 0 turns it off.")
    var requestsPerMinute = 80

    @Option(help: "The catalog's seed, for a new state file.")
    var seed: UInt64 = 2026

    @Flag(help: "Do not log each request.")
    var quiet = false

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
      guard requestsPerMinute >= 0 else { throw ValidationError("--requests-per-minute must not be negative") }
      if memory && state != nil { throw ValidationError("--memory and --state cannot be used together") }
      if apiKeys.contains(where: \.isEmpty) { throw ValidationError("--api-key must not be empty") }
    }

    func run() async throws {
      Self.allowAsManyConnectionsAsTheSystemDoes()
      // Two malloc arenas rather than eight per core: with many connections at once the memory they hold
      // unused, not what the server keeps, was most of its footprint.
      _ = process_control_limit_malloc_arenas(2)
      var configuration = SandboxConfiguration()
      configuration.seed = seed
      configuration.apiKeys = apiKeys.isEmpty ? nil : apiKeys
      configuration.requestsPerMinute = requestsPerMinute == 0 ? nil : requestsPerMinute
      configuration.stateFile = memory ? nil : (state ?? SandboxConfiguration.defaultStateFile())
      let sandbox: Sandbox
      do {
        if let faults { configuration.faults = try FaultPlan(parsing: faults) }
        sandbox = try Sandbox(configuration: configuration)
      } catch {
        throw exitWithMessage(error.description)
      }
      let stateNote = configuration.stateFile.map { "state: \($0)" } ?? "state in memory"
      let keyNote = apiKeys.isEmpty ? "any API key accepted" : "\(apiKeys.count) API key(s) accepted"
      let banner = "2cs sandbox listening on http://\(host):%d (\(stateNote); \(keyNote))"
      let faultNote = faults.map { "injecting faults: \($0)" }
      var log: (@Sendable (String) -> Void)?
      if !quiet {
        let requestLog = RequestLog()
        log = { requestLog.add($0) }
      }
      let app = SandboxHTTPServer.application(sandbox: sandbox, host: host, port: port, log: log) { boundPort in
        printFlushed(String(format: banner, boundPort))
        if let faultNote { printFlushed(faultNote) }
      }
      do {
        try await SandboxHTTPServer.run(app)
      } catch {
        throw exitWithMessage("cannot serve on \(host):\(port): \(error)")
      }
      do {
        try await sandbox.flush()
      } catch {
        throw exitWithMessage(error.description)
      }
    }

    /// Raises the limit on open files to the most the system allows: each connection takes one, and the usual
    /// default of 1 024 would leave a server with many idle clients refusing new ones.
    static func allowAsManyConnectionsAsTheSystemDoes() {
      var limit = rlimit()
      guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
      limit.rlim_cur = limit.rlim_max
      setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
  }

  struct Reset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Forget every reservation, purchase and usage count of the sandbox."
    )

    @Option(help: "The state file (default: $XDG_STATE_HOME/2cs/sandbox.json).")
    var state: String?

    func run() async throws {
      let path = state ?? SandboxConfiguration.defaultStateFile()
      do {
        try Sandbox.reset(stateFile: path)
      } catch {
        throw exitWithMessage(error.description)
      }
      print("sandbox state cleared: \(path)")
    }
  }
}

/// Prints `2cs: message` to stderr and gives the exit status for a failure, without a stack trace.
func exitWithMessage(_ message: String, status: Int32 = 1) -> ExitCode {
  StandardStreams.writeError("2cs: \(message)\n")
  return ExitCode(status)
}

/// Prints a line and flushes it at once, so a log read through a pipe is never behind.
func printFlushed(_ line: String) {
  StandardStreams.writeOutput(line + "\n")
}
