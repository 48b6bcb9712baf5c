import Foundation
import HTTPTypes
import NumbersAPI
import NumbersContract
import Sandbox
import Synchronization
import TestSupport
import Testing

@Suite("Concurrency and the state file")
struct ConcurrencyAndStateTests {
  @Test func fiftyConcurrentPurchasesOfOneNumberSellItOnce() async throws {
    let sandbox = try Sandbox(configuration: .testing())
    try await withTransport(.http, sandbox) { transport in
      let client = NumbersClient(transport: transport, apiKey: APIKey(testKey), settings: .testing)
      let groupID = try await selectableGroup(client)
      let number = try #require(try await client.availableNumbers(groupID: groupID).first?["number"]?.stringValue)
      let statuses = await withTaskGroup(of: Int.self) { group in
        for _ in 0..<50 {
          group.addTask {
            let failure = await errorIfAny { () async throws(NumbersAPIError) in
              try await client.purchase(groupID: groupID, number: number)
            }
            return failure.map { $0.status ?? -1 } ?? 201
          }
        }
        var statuses: [Int] = []
        for await status in group { statuses.append(status) }
        return statuses
      }
      #expect(statuses.filter { $0 == 201 }.count == 1)
      #expect(statuses.filter { $0 == 409 }.count == 49)
      #expect(try await client.ownedNumbers().compactMap { $0["phone_number"]?.stringValue } == [number])
    }
  }

  @Test func latencyWaitsOnTheSandboxClockNotForRealSeconds() async throws {
    let clock = ManualClock()
    var configuration = SandboxConfiguration.testing(clock: clock)
    configuration.faults = try FaultPlan(parsing: "latency=30s")
    let sandbox = try Sandbox(configuration: configuration)
    var fields = HTTPFields()
    fields[try #require(HTTPField.Name(Authentication.headerName))] = testKey
    let head = HTTPRequest(
      method: .get, scheme: nil, authority: nil, path: Endpoint.didTypes.path, headerFields: fields)
    let answered = Mutex(false)
    let request = Task {
      _ = await sandbox.handle(APIRequest(head: head))
      answered.withLock { $0 = true }
    }
    defer { request.cancel() }
    // Waiting suspends, never blocks: the request needs a thread of the same pool to reach its latency.
    try #require(await eventually { clock.sleepers == 1 }, "the request never began its latency")
    clock.advance(by: 29)
    #expect(!answered.withLock { $0 }, "answered before its latency passed on the sandbox's clock")
    clock.advance(by: 1)
    // Thirty seconds of latency pass at once on the clock; a real sleep would keep it waiting.
    #expect(await eventually(seconds: 5) { answered.withLock { $0 } }, "the latency was waited out in real time")
  }

  @Test("a lock file left read-only (a strict umask) is put back to 0600, so the next run can change state")
  func theLockFileIsOwnerOnlyWhateverItsMode() async throws {
    try await withTemporaryFolder { folder in
      var configuration = SandboxConfiguration.testing()
      configuration.stateFile = folder + "/sandbox.json"
      let lock = folder + "/sandbox.json.lock"
      #expect(FileManager.default.createFile(atPath: lock, contents: nil, attributes: [.posixPermissions: 0o400]))
      let client = NumbersClient(
        transport: try Sandbox(configuration: configuration).inProcessTransport(), apiKey: APIKey(testKey),
        settings: .testing)
      _ = try await client.reserve(groupID: try await selectableGroup(client))
      let attributes = try FileManager.default.attributesOfItem(atPath: lock)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
  }

  @Test func stateSurvivesARestart() async throws {
    try await withTemporaryFolder { folder in
      var configuration = SandboxConfiguration.testing()
      configuration.stateFile = folder + "/nested/sandbox.json"
      let first = try Sandbox(configuration: configuration)
      let client = NumbersClient(transport: first.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
      let bought = try await client.purchase(groupID: try await selectableGroup(client))
      let reserved = try await client.reserve(groupID: try await selectableGroup(client, country: "CA"))
      try await first.flush()

      let second = try Sandbox(configuration: configuration)
      let again = NumbersClient(transport: second.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
      #expect(try await again.ownedNumbers().map(\.["phone_number"]) == [bought["purchased"]?.arrayValue?.first])
      #expect(try await again.reservations().map(\.["uuid"]) == [reserved["uuid"]])
      #expect(try await again.info()["usage"]?["api_request_count"]?.intValue ?? 0 >= 6)

      let attributes = try FileManager.default.attributesOfItem(atPath: configuration.stateFile ?? "")
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
      let text = try String(contentsOfFile: configuration.stateFile ?? "", encoding: .utf8)
      #expect(!text.contains(testKey), "the state file never holds an API key")
    }
  }

  @Test func twoSandboxesOnOneFileSeeEachOthersChanges() async throws {
    try await withTemporaryFolder { folder in
      var configuration = SandboxConfiguration.testing()
      configuration.stateFile = folder + "/sandbox.json"
      let one = try Sandbox(configuration: configuration)
      let two = try Sandbox(configuration: configuration)
      let first = NumbersClient(transport: one.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
      let second = NumbersClient(transport: two.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
      let groupID = try await selectableGroup(first)
      let number = try #require(try await first.availableNumbers(groupID: groupID).first?["number"]?.stringValue)
      _ = try await first.purchase(groupID: groupID, number: number)
      let twice = await apiError { () async throws(NumbersAPIError) in
        try await second.purchase(groupID: groupID, number: number)
      }
      #expect(serverStatus(twice) == 409)
      _ = try await second.purchase(groupID: groupID)
      #expect(try await first.ownedNumbers().count == 2)
    }
  }

  @Test func aCorruptStateFileIsReportedAndKept() async throws {
    try await withTemporaryFolder { folder in
      let path = folder + "/sandbox.json"
      try Data("{ not json".utf8).write(to: URL(fileURLWithPath: path))
      var configuration = SandboxConfiguration.testing()
      configuration.stateFile = path
      #expect(throws: SandboxError.self) { try Sandbox(configuration: configuration) }
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "{ not json", "nothing is overwritten")
    }
  }

  @Test func resetForgetsEverything() async throws {
    try await withTemporaryFolder { folder in
      var configuration = SandboxConfiguration.testing()
      configuration.stateFile = folder + "/sandbox.json"
      let sandbox = try Sandbox(configuration: configuration)
      let client = NumbersClient(transport: sandbox.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
      _ = try await client.purchase(groupID: try await selectableGroup(client))
      try Sandbox.reset(stateFile: folder + "/sandbox.json")
      let fresh = try Sandbox(configuration: configuration)
      let after = NumbersClient(transport: fresh.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
      #expect(try await after.ownedNumbers().isEmpty)
    }
  }

  @Test func faultSpecificationsAreParsedAndCheckedStrictly() throws {
    let plan = try FaultPlan(parsing: "latency=250ms,500=10%,429=2,drop=0.5%,drop-after=1,retry-after=3,after=4")
    #expect(plan.latency == .milliseconds(250))
    #expect(plan.faults[.serverError] == .rate(0.1))
    #expect(plan.faults[.rateLimited] == .next(2))
    #expect(plan.faults[.dropAfter] == .next(1))
    #expect(plan.retryAfterSeconds == 3)
    #expect(plan.after == 4)
    #expect(try FaultPlan(parsing: "latency=5s").latency == .seconds(5))
    for bad in ["latency=fast", "500=150%", "teapot=1", "429", "drop=-1"] {
      #expect(throws: SandboxError.self, "\(bad)") { try FaultPlan(parsing: bad) }
    }
  }
}
