import Foundation
import NumbersAPI
import NumbersContract
import Sandbox
import Synchronization
import Testing

/// The client's retries, measured against the sandbox's injected faults.
@Suite("Client behaviour under injected faults")
struct ClientBehaviourTests {
  /// The catalog is the same for the same seed, so a fault-free twin names a group
  /// without using up a fault meant for the call under test.
  func selectableGroupOfAFaultFreeTwin() async throws -> String {
    let twin = try Sandbox(configuration: .testing())
    return try await selectableGroup(NumbersClient(transport: twin.inProcessTransport(), apiKey: APIKey(testKey)))
  }

  func configuration(faults: String) throws -> SandboxConfiguration {
    var configuration = SandboxConfiguration.testing()
    configuration.faults = try FaultPlan(parsing: faults)
    return configuration
  }

  @Test(arguments: Via.allCases)
  func aGetAnswered429IsRetriedAfterRetryAfter(via: Via) async throws {
    let pauses = Pauses()
    var settings = ClientSettings.testing
    settings.retry.sleep = { pause in pauses.add(pause) }
    try await withClient(via, configuration: try configuration(faults: "429=1,retry-after=1"), settings: settings) {
      client, sandbox in
      let types = try await client.didTypes()
      #expect(types.count == 6)
      #expect(pauses.all == [.seconds(1)], "the pause before the second try is Retry-After")
      #expect(await sandbox.receivedCount(.get, "/open/numbers/did-types") == 2)
    }
  }

  /// The pauses a client asked for between tries, written down instead of waited out.
  final class Pauses: Sendable {
    private let recorded = Mutex<[Duration]>([])
    var all: [Duration] { recorded.withLock { $0 } }
    func add(_ pause: Duration) { recorded.withLock { $0.append(pause) } }
  }

  @Test(arguments: Via.allCases)
  func aGetAnswered500IsTriedAgain(via: Via) async throws {
    try await withClient(via, configuration: try configuration(faults: "500=2")) { client, sandbox in
      let types = try await client.didTypes()
      #expect(types.count == 6)
      #expect(await sandbox.receivedCount(.get, "/open/numbers/did-types") == 3)
    }
  }

  @Test(arguments: Via.allCases)
  func aPostAnswered500IsNotSentAgain(via: Via) async throws {
    let groupID = try await selectableGroupOfAFaultFreeTwin()
    try await withClient(via, configuration: try configuration(faults: "500=1")) { client, sandbox in
      let failure = await apiError { () async throws(NumbersAPIError) in try await client.purchase(groupID: groupID) }
      #expect(serverStatus(failure) == 500)
      #expect(failure?.endpoint == "POST /open/numbers/purchase")
      #expect(await sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
      let owned = try await client.ownedNumbers()
      #expect(owned.isEmpty)
    }
  }

  @Test(arguments: Via.allCases)
  func aDroppedConnectionIsATypedError(via: Via) async throws {
    let groupID = try await selectableGroupOfAFaultFreeTwin()
    try await withClient(via, configuration: try configuration(faults: "drop=1")) { client, sandbox in
      let failure = await apiError { () async throws(NumbersAPIError) in try await client.purchase(groupID: groupID) }
      guard case .transport(let transportFailure) = failure?.kind else {
        Issue.record("expected a transport error, got \(String(describing: failure))")
        return
      }
      #expect(transportFailure.requestMayHaveArrived)
      #expect(await sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
    }
  }

  @Test(arguments: Via.allCases)
  func aPurchaseCommittedBeforeTheDropIsOwned(via: Via) async throws {
    let groupID = try await selectableGroupOfAFaultFreeTwin()
    try await withClient(via, configuration: try configuration(faults: "drop-after=1")) { client, sandbox in
      let failure = await apiError { () async throws(NumbersAPIError) in try await client.purchase(groupID: groupID) }
      guard case .transport(let transportFailure) = failure?.kind else {
        Issue.record("expected a transport error, got \(String(describing: failure))")
        return
      }
      #expect(transportFailure.requestMayHaveArrived)
      #expect(await sandbox.receivedCount(.post, "/open/numbers/purchase") == 1)
      let owned = try await client.ownedNumbers()
      #expect(owned.count == 1, "the change was committed before the drop")
    }
  }

  @Test(arguments: Via.allCases)
  func everyGetFailingGivesUpAfterFourTries(via: Via) async throws {
    try await withClient(via, configuration: try configuration(faults: "drop=100%")) { client, sandbox in
      let failure = await apiError { () async throws(NumbersAPIError) in try await client.didTypes() }
      guard case .transport(.connectionLost) = failure?.kind else {
        Issue.record("expected a lost connection, got \(String(describing: failure))")
        return
      }
      #expect(await sandbox.receivedCount(.get, "/open/numbers/did-types") == 4)
    }
  }

  @Test func aLongRetryAfterIsReportedNotWaited() async throws {
    var configuration = SandboxConfiguration.testing()
    configuration.faults = try FaultPlan(parsing: "429=1,retry-after=3600")
    try await withClient(.inProcess, configuration: configuration) { client, sandbox in
      let failure = await apiError { () async throws(NumbersAPIError) in try await client.didTypes() }
      guard case .server(429, _, let retryAfter) = failure?.kind else {
        Issue.record("expected 429, got \(String(describing: failure))")
        return
      }
      #expect(retryAfter == 3600)
      #expect(await sandbox.receivedCount(.get, "/open/numbers/did-types") == 1)
    }
  }

  @Test func aRefusedConnectionIsCouldNotConnect() async throws {
    // Bind a port, then close it, so nothing listens there.
    let port = try await withServer(try Sandbox(configuration: .testing())) { port in port }
    let transport = HTTPTransport(baseURL: "http://127.0.0.1:\(port)", connectTimeout: .seconds(2))
    var settings = ClientSettings.testing
    settings.retry = .never
    let client = NumbersClient(transport: transport, apiKey: APIKey(testKey), settings: settings)
    let failure = await apiError { () async throws(NumbersAPIError) in try await client.purchase(groupID: "grp_x") }
    await transport.shutdown()
    guard case .transport(let transportFailure) = failure?.kind else {
      Issue.record("expected a transport error, got \(String(describing: failure))")
      return
    }
    #expect(!transportFailure.requestMayHaveArrived)
  }
}
