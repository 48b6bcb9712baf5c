import HTTPTypes
import NumbersAPI
import NumbersContract
import Synchronization
import TestSupport
import Testing

/// A server that plays its answers in order, repeating the last, and counts what it got.
final class ScriptedServer: Sendable {
  enum Answer: Sendable {
    case status(Int, retryAfter: String? = nil)
    case drop
    case timeOut
    case success
  }

  private let answers: [Answer]
  private let received = Mutex(0)

  init(_ answers: [Answer]) { self.answers = answers }

  var requestCount: Int { received.withLock { $0 } }

  var transport: ScriptedTransport { ScriptedTransport(server: self) }

  fileprivate func next() -> Answer {
    let index = received.withLock { count -> Int in
      defer { count += 1 }
      return count
    }
    return answers[min(index, answers.count - 1)]
  }
}

struct ScriptedTransport: Transport {
  let server: ScriptedServer
  var displayBaseURL: String { "https://api.example" }

  func send(_ request: APIRequest, timeout: Duration) async throws(TransportFailure) -> APIResponse {
    switch server.next() {
    case .drop: throw .connectionLost("reset by peer")
    case .timeOut: throw .timedOut
    case .success:
      return APIResponse(status: .ok, json: ["success": true, "data": ["did_types": [["id": 1, "name": "local"]]]])
    case .status(let code, let retryAfter):
      var fields = HTTPFields()
      if let retryAfter { fields[.retryAfter] = retryAfter }
      let body = #"{"success":false,"error":true,"error_message":"trouble"}"#
      return APIResponse(head: HTTPResponse(status: .init(code: code), headerFields: fields), body: Array(body.utf8))
    }
  }
}

/// The pauses a client asked for between tries, written down instead of waited out.
final class Pauses: Sendable {
  private let recorded = Mutex<[Duration]>([])

  var all: [Duration] { recorded.withLock { $0 } }

  /// Client settings that record pauses here, doubling from `initialDelay`.
  func settings(initialDelay: Duration = .milliseconds(400)) -> ClientSettings {
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    settings.retry.initialDelay = initialDelay
    settings.retry.sleep = { pause in self.recorded.withLock { $0.append(pause) } }
    return settings
  }
}

@Suite("Reads are patient: GETs are tried again with back-off, writes never")
struct RetryTests {
  @Test(arguments: [500, 502, 503, 504])
  func aGetThatGets5xxIsTriedAgain(status: Int) async throws {
    let server = ScriptedServer([.status(status), .success])
    let pauses = Pauses()
    let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
    let types = try await client.didTypes()
    #expect(types.count == 1)
    #expect(server.requestCount == 2)
  }

  @Test(arguments: [ScriptedServer.Answer.drop, .timeOut])
  func aGetWhoseConnectionBrokeIsTriedAgain(failure: ScriptedServer.Answer) async throws {
    let server = ScriptedServer([failure, failure, .success])
    let pauses = Pauses()
    let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
    #expect(try await client.didTypes().count == 1)
    #expect(server.requestCount == 3)
  }

  @Test func backOffDoublesWithJitterAndStopsAfterFourTries() async throws {
    let server = ScriptedServer([.status(500)])
    let pauses = Pauses()
    let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
    let failure = await errorIfAny { () async throws(NumbersAPIError) in try await client.didTypes() }
    #expect(failure?.status == 500)
    #expect(server.requestCount == 4)
    let waited = pauses.all
    #expect(waited.count == 3)
    for (index, pause) in waited.enumerated() {
      let full = Duration.milliseconds(400) * (1 << index)
      #expect(pause >= full / 2 && pause <= full, "pause \(index + 1) was \(pause), outside \(full / 2)...\(full)")
    }
  }

  @Test(arguments: [429, 503])
  func retryAfterIsHonoured(status: Int) async throws {
    let server = ScriptedServer([.status(status, retryAfter: "7"), .status(status, retryAfter: "2"), .success])
    let pauses = Pauses()
    let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
    #expect(try await client.didTypes().count == 1)
    #expect(pauses.all == [.seconds(7), .seconds(2)])
  }

  @Test func aRetryAfterLongerThanAllowedIsReportedNotWaited() async throws {
    let server = ScriptedServer([.status(503, retryAfter: "3600"), .success])
    let pauses = Pauses()
    let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
    let failure = await errorIfAny { () async throws(NumbersAPIError) in try await client.didTypes() }
    #expect(failure?.kind == .server(status: 503, message: "trouble", retryAfterSeconds: 3600))
    #expect(server.requestCount == 1)
    #expect(pauses.all.isEmpty)
  }

  @Test(arguments: [ScriptedServer.Answer.status(500), .status(503, retryAfter: "1"), .drop, .timeOut])
  func writesAreNeverSentTwice(failure: ScriptedServer.Answer) async throws {
    for write in ["purchase", "reserve", "cancel", "release"] {
      let server = ScriptedServer([failure, .success])
      let pauses = Pauses()
      let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
      let error = await errorIfAny { () async throws(NumbersAPIError) in
        switch write {
        case "purchase": _ = try await client.purchase(groupID: "g", number: "+12135550123")
        case "reserve": _ = try await client.reserve(groupID: "g")
        case "cancel": _ = try await client.cancelReservation(uuid: "r")
        default: _ = try await client.releaseNumber(uuid: "DIDx")
        }
      }
      #expect(error != nil, "\(write)")
      #expect(server.requestCount == 1, "\(write) was sent \(server.requestCount) times")
      #expect(pauses.all.isEmpty)
    }
  }

  @Test func aDefiniteAnswerIsNotTriedAgain() async throws {
    for status in [400, 401, 404, 409] {
      let server = ScriptedServer([.status(status), .success])
      let pauses = Pauses()
      let client = NumbersClient(transport: server.transport, apiKey: APIKey("k"), settings: pauses.settings())
      let failure = await errorIfAny { () async throws(NumbersAPIError) in try await client.didTypes() }
      #expect(failure?.status == status)
      #expect(server.requestCount == 1)
    }
  }
}
