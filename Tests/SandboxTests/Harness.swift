import Foundation
import Hummingbird
import NumbersAPI
import NumbersContract
import Sandbox
import SandboxServer
import TestSupport
import Testing

/// The two ways a client reaches the sandbox; most tests run through both.
enum Via: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case inProcess, http
  var testDescription: String { rawValue }
}

let testKey = "test-key"
let otherKey = "other-key"

extension SandboxConfiguration {
  /// Two accounts, no rate limit, a clock the test moves, state in memory.
  static func testing(clock: ManualClock = ManualClock()) -> SandboxConfiguration {
    var configuration = SandboxConfiguration()
    configuration.apiKeys = [testKey, otherKey]
    configuration.requestsPerMinute = nil
    configuration.clock = clock
    return configuration
  }
}

extension ClientSettings {
  static var testing: ClientSettings {
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    // Pauses between tries are not waited out: the sandbox runs on a clock the test moves, not on real time.
    settings.retry.sleep = { _ in }
    return settings
  }
}

/// Serves `sandbox` over HTTP on an ephemeral loopback port for the duration of `body`.
func withServer<T: Sendable>(
  _ sandbox: Sandbox, timeouts: SandboxHTTPServer.Timeouts = .standard, log: (@Sendable (String) -> Void)? = nil,
  _ body: @Sendable (Int) async throws -> T
) async throws -> T {
  let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
  let app = SandboxHTTPServer.application(
    sandbox: sandbox, host: "127.0.0.1", port: 0, log: log, timeouts: timeouts
  ) { port in
    continuation.yield(port)
  }
  return try await withThrowingTaskGroup(of: T?.self) { group in
    group.addTask {
      try await app.run()
      return nil
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
    let result = try await body(port)
    group.cancelAll()
    while let _ = try? await group.next() {}
    return result
  }
}

/// A transport to `sandbox`, in-process or over loopback HTTP, for the duration of `body`.
func withTransport<T: Sendable>(
  _ via: Via, _ sandbox: Sandbox, _ body: @Sendable (any Transport) async throws -> T
) async throws -> T {
  switch via {
  case .inProcess:
    return try await body(sandbox.inProcessTransport())
  case .http:
    return try await withServer(sandbox) { port in
      let transport = HTTPTransport(baseURL: "http://127.0.0.1:\(port)")
      do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
      } catch {
        await transport.shutdown()
        throw error
      }
    }
  }
}

/// A client for account `key` on a fresh sandbox.
func withClient<T: Sendable>(
  _ via: Via, configuration: SandboxConfiguration = .testing(), key: String = testKey,
  settings: ClientSettings = .testing,
  _ body: @Sendable (NumbersClient, Sandbox) async throws -> T
) async throws -> T {
  let sandbox = try Sandbox(configuration: configuration)
  return try await withTransport(via, sandbox) { transport in
    try await body(NumbersClient(transport: transport, apiKey: APIKey(key), settings: settings), sandbox)
  }
}

/// The error a call throws, or a test failure if it succeeds.
func apiError<T>(_ call: () async throws(NumbersAPIError) -> T) async -> NumbersAPIError? {
  let error = await errorIfAny(call)
  if error == nil { Issue.record("expected an error") }
  return error
}

func serverStatus(_ error: NumbersAPIError?) -> Int? {
  if case .server(let status, _, _) = error?.kind { return status }
  return nil
}
