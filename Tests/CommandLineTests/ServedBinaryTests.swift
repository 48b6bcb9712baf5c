import Foundation
import HTTPTypes
import NumbersAPI
import NumbersContract
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The purchases the server acknowledged, and a wait until there are enough of them or every worker stopped.
actor Acknowledged {
  private(set) var numbers: [String] = []
  private var working: Int
  private var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?

  init(workers: Int) { working = workers }

  func add(_ number: String) {
    numbers.append(number)
    wakeIfDue()
  }

  func workerStopped() {
    working -= 1
    wakeIfDue()
  }

  /// Returns once `count` purchases were acknowledged, or no worker is left to make more.
  func wait(for count: Int) async {
    await withCheckedContinuation { continuation in
      waiter = (count, continuation)
      wakeIfDue()
    }
  }

  private func wakeIfDue() {
    guard let waiter, numbers.count >= waiter.count || working == 0 else { return }
    self.waiter = nil
    waiter.continuation.resume()
  }
}

@Suite("2cs sandbox serve as a process", .serialized)
struct ServedBinaryTests {
  @Test func groupsNeedTheKeyAndHaveTheDocumentedShape() async throws {
    let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
    defer { server.kill(signal: SIGTERM) }
    let transport = HTTPTransport(baseURL: server.baseURL)
    defer { Task { await transport.shutdown() } }
    var fields = HTTPFields()
    fields[HTTPField.Name(Authentication.headerName)!] = "k"
    let path = "/open/numbers/groups?country=GB"
    let withKey = try await transport.send(
      APIRequest(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: path, headerFields: fields)),
      timeout: .seconds(5))
    #expect(withKey.head.status.code == 200)
    let body = try JSONValue(parsing: withKey.body)
    #expect(body["success"] == true)
    let first = try #require(body["data"]?["groups"]?.arrayValue?.first)
    #expect(first["price"]?["monthly_price"]?.stringValue != nil && first["prefix"]?.stringValue != nil)

    let withoutKey = try await transport.send(
      APIRequest(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: path)), timeout: .seconds(5))
    #expect(withoutKey.head.status.code == 401)
    #expect(
      try JSONValue(parsing: withoutKey.body)
        == ["success": false, "error": true, "error_message": "missing X-User-API-Key header"])
  }

  @Test func theOpenAPIDescriptionIsServedWithoutAKey() async throws {
    let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
    defer { server.kill(signal: SIGTERM) }
    let transport = HTTPTransport(baseURL: server.baseURL)
    defer { Task { await transport.shutdown() } }
    let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: OpenAPIDescription.path)
    let answer = try await transport.send(APIRequest(head: head), timeout: .seconds(5))
    #expect(answer.head.status.code == 200)
    let text = String(decoding: answer.body, as: UTF8.self)
    #expect(text.hasPrefix("openapi: \"3.1.0\"\n"))
    for route in Endpoint.Route.allCases { #expect(text.contains("\n  \(route.pathTemplate):\n"), "\(route)") }
  }

  @Test func everyAcknowledgedPurchaseSurvivesSIGKILL() async throws {
    try await withTemporaryFolder { folder in
      let stateFile = folder + "/sandbox.json"
      let arguments = ["--state", stateFile, "--requests-per-minute", "0", "--api-key", "k"]
      let server = try ServedSandbox(arguments: arguments)
      let transport = HTTPTransport(baseURL: server.baseURL)
      var settings = ClientSettings()
      settings.requestsPerMinute = nil
      settings.retry = .never
      settings.timeout = .seconds(5)
      let client = NumbersClient(transport: transport, apiKey: APIKey("k"), settings: settings)
      let groups = try await client.groups(.init(country: "US", didType: "local")).compactMap { $0["id"]?.stringValue }
      let workers = 6
      let acknowledged = Acknowledged(workers: workers)

      // Buys until the server is gone.
      let buy: @Sendable (Int) async -> Void = { worker in
        var round = worker
        var refusedInARow = 0
        while true {
          let groupID = groups[round % groups.count]
          do throws(NumbersAPIError) {
            let result = try await client.purchase(groupID: groupID)
            if let number = result["purchased"]?.arrayValue?.first?.stringValue { await acknowledged.add(number) }
            refusedInARow = 0
          } catch {
            if case .transport = error.kind { return }
            // A server that refuses every purchase would keep the test waiting forever.
            refusedInARow += 1
            if refusedInARow == 20 {
              Issue.record("worker \(worker): 20 purchases refused in a row, the last: \(error)")
              return
            }
          }
          round += 1
        }
      }

      await withTaskGroup(of: Void.self) { group in
        for worker in 0..<workers {
          group.addTask {
            await buy(worker)
            await acknowledged.workerStopped()
          }
        }
        // Kill while purchases are in flight: as soon as 40 were acknowledged.
        await acknowledged.wait(for: 40)
        server.kill(signal: SIGKILL)
      }
      await transport.shutdown()

      let stored = try Data(contentsOf: URL(fileURLWithPath: stateFile))
      #expect((try? JSONValue(parsing: Array(stored))) != nil, "the state file parses after SIGKILL")

      let restarted = try ServedSandbox(arguments: arguments)
      defer { restarted.kill(signal: SIGTERM) }
      let again = HTTPTransport(baseURL: restarted.baseURL)
      let owned = try await NumbersClient(transport: again, apiKey: APIKey("k"), settings: settings)
        .ownedNumbers(resultsPerPage: 100)
      await again.shutdown()
      let ownedNumbers = Set(owned.compactMap { $0["phone_number"]?.stringValue })
      let acked = await acknowledged.numbers
      #expect(acked.count >= 40)
      let lost = acked.filter { !ownedNumbers.contains($0) }
      #expect(lost.isEmpty, "acknowledged but lost: \(lost)")
    }
  }

  /// SIGINT or SIGTERM stops the server even while a client holds a connection with answers it does not read: the
  /// server does not wait for the client's time-out (15 s) to end it.
  @Test(arguments: [SIGTERM, SIGINT]) func aSignalStopsTheServerWhileAClientReadsNoAnswers(signal: Int32) async throws {
    let server = try ServedSandbox(arguments: ["--memory"])
    try await onOwnThread {
      let client = try RawHTTPConnection(port: server.port, timeout: 20, receiveBuffer: 4096)
      client.send(Array(String(repeating: "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", count: 200).utf8))
      #expect(client.waitUntilReadable(seconds: 20))
      Glibc.kill(server.process.processIdentifier, signal)
      #expect(pollUntil(seconds: 10, every: 100) { !server.process.isRunning }, "still serving 10 s after the signal")
      if server.process.isRunning { server.kill(signal: SIGKILL) }
      #expect(server.process.terminationStatus == 0)
      withExtendedLifetime(client) {}
    }
  }
}
