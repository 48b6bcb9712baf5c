import HTTPTypes
import NumbersAPI
import NumbersContract
import Synchronization
import TestSupport
import Testing

/// A server that answers every request with one canned response and remembers what it got.
final class CannedServer: Sendable {
  let status: Int
  let body: String
  let headers: HTTPFields
  let requests = Mutex<[APIRequest]>([])

  init(status: Int, body: String, headers: HTTPFields = [:]) {
    self.status = status
    self.body = body
    self.headers = headers
  }

  var transport: InProcessTransport {
    InProcessTransport(displayBaseURL: "https://api.example") { request in
      self.requests.withLock { $0.append(request) }
      return .respond(
        APIResponse(
          head: HTTPResponse(status: .init(code: self.status), headerFields: self.headers), body: Array(self.body.utf8))
      )
    }
  }
}

func client(_ server: CannedServer, key: String = "s3cret-key", trace: (@Sendable (TraceRecord) -> Void)? = nil)
  -> NumbersClient
{
  var settings = ClientSettings()
  settings.requestsPerMinute = nil
  settings.retry.initialDelay = .milliseconds(1)
  settings.trace = trace
  return NumbersClient(transport: server.transport, apiKey: APIKey(key), settings: settings)
}

@Suite("The client against servers that follow the contract, and ones that do not")
struct ClientTests {
  @Test func theErrorEnvelopeBecomesATypedError() async {
    let server = CannedServer(
      status: 409, body: #"{"success":false,"error":true,"error_message":"no numbers left in group g"}"#)
    let error = await errorIfAny { () async throws(NumbersAPIError) in try await client(server).purchase(groupID: "g") }
    #expect(error?.kind == .server(status: 409, message: "no numbers left in group g", retryAfterSeconds: nil))
    #expect(error?.description == "POST /open/numbers/purchase: HTTP 409: no numbers left in group g")
  }

  @Test func anErrorWithoutAnEnvelopeStillCarriesStatusAndText() async {
    let server = CannedServer(status: 502, body: "<html>Bad Gateway</html>")
    let error = await errorIfAny { () async throws(NumbersAPIError) in try await client(server).purchase(groupID: "g") }
    #expect(error?.status == 502)
    #expect(error?.message == "Bad Gateway (an HTML page, not the API's JSON)")
    #expect(
      error?.description == "POST /open/numbers/purchase: HTTP 502: Bad Gateway (an HTML page, not the API's JSON)")
  }

  @Test func garbageOnSuccessIsAMalformedResponse() async {
    for body in ["not json", "[1,2]", #"{"success":true}"#, #"{"success":true,"data":{"regions":"x"}}"#] {
      let error = await errorIfAny { () async throws(NumbersAPIError) in
        try await client(CannedServer(status: 200, body: body)).regions(country: "US")
      }
      guard case .malformedResponse(200, _) = error?.kind else {
        Issue.record("\(body): expected a malformed response, got \(String(describing: error))")
        continue
      }
    }
  }

  @Test func successFalseOn200IsAnError() async {
    let server = CannedServer(status: 200, body: #"{"success":false,"error_message":"account blocked"}"#)
    let error = await errorIfAny { () async throws(NumbersAPIError) in try await client(server).info() }
    #expect(error?.message == "account blocked")
  }

  @Test func listsAreReadFromDataOrTheTopLevel() async throws {
    let nested = CannedServer(status: 200, body: #"{"success":true,"data":{"regions":[{"id":1}]}}"#)
    let flat = CannedServer(status: 200, body: #"{"success":true,"regions":[{"id":2}]}"#)
    #expect(try await client(nested).regions(country: "US") == [["id": 1]])
    #expect(try await client(flat).regions(country: "US") == [["id": 2]])
  }

  @Test func parametersAreEncodedAndTheKeyIsSent() async throws {
    let server = CannedServer(status: 200, body: #"{"success":true,"data":{"groups":[]}}"#)
    _ = try await client(server).groups(.init(country: "US", cityID: 7, cityNameOrPrefix: "San José & co"))
    let request = try #require(server.requests.withLock { $0.first })
    #expect(
      request.head.path == "/open/numbers/groups?country=US&city_id=7&city_name_or_prefix=San%20Jos%C3%A9%20%26%20co")
    #expect(request.head.headerFields[HTTPField.Name("X-User-API-Key")!] == "s3cret-key")
  }

  @Test func postBodiesAreJSON() async throws {
    let server = CannedServer(status: 201, body: #"{"success":true}"#)
    _ = try await client(server).purchase(groupID: "grp_1", number: "+12135550123")
    let request = try #require(server.requests.withLock { $0.first })
    #expect(request.head.method == .post)
    #expect(request.head.headerFields[.contentType] == "application/json")
    #expect(try JSONValue(parsing: request.body) == ["group_id": "grp_1", "number": "+12135550123"])
  }

  @Test func ownedNumbersReadOnPastAShortPageUntilAnEmptyOne() async throws {
    // A server that caps pages silently: the second page is short, yet more follow.
    let pages: [[JSONValue]] = [[["uuid": "a"], ["uuid": "b"]], [["uuid": "c"]], [["uuid": "d"], ["uuid": "e"]], []]
    let requests = Mutex(0)
    let transport = InProcessTransport { request in
      let page = requests.withLock { count -> Int in
        defer { count += 1 }
        return count
      }
      #expect(request.head.path?.contains("page_number=\(page)&results_per_page=2") == true)
      return .respond(
        APIResponse(status: .ok, json: ["success": true, "page": .int(page), "numbers": .array(pages[min(page, 3)])]))
    }
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    let owned = try await NumbersClient(transport: transport, apiKey: APIKey("k"), settings: settings)
      .ownedNumbers(resultsPerPage: 2)
    #expect(owned.compactMap { $0["uuid"]?.stringValue } == ["a", "b", "c", "d", "e"])
    #expect(requests.withLock { $0 } == 4)
  }

  @Test func aServerThatIgnoresThePageNumberEndsTheReading() async throws {
    let requests = Mutex(0)
    let transport = InProcessTransport { _ in
      requests.withLock { $0 += 1 }
      return .respond(APIResponse(status: .ok, json: ["success": true, "numbers": [["uuid": "a"]]]))
    }
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    let owned = try await NumbersClient(transport: transport, apiKey: APIKey("k"), settings: settings).ownedNumbers()
    #expect(owned.count == 1)
    #expect(requests.withLock { $0 } == 2)
  }

  @Test func getsAreRetriedOn503ButPostsNever() async {
    let server = CannedServer(status: 503, body: #"{"success":false,"error":true,"error_message":"busy"}"#)
    _ = await errorIfAny { () async throws(NumbersAPIError) in try await client(server).didTypes() }
    #expect(server.requests.withLock { $0.count } == 4)
    let other = CannedServer(status: 503, body: "{}")
    _ = await errorIfAny { () async throws(NumbersAPIError) in try await client(other).reserve(groupID: "g") }
    #expect(other.requests.withLock { $0.count } == 1)
    let deletes = CannedServer(status: 500, body: "{}")
    _ = await errorIfAny { () async throws(NumbersAPIError) in try await client(deletes).releaseNumber(uuid: "DIDx") }
    #expect(deletes.requests.withLock { $0.count } == 1)
  }

  @Test func theKeyNeverAppearsInTracesOrErrors() async throws {
    let lines = Mutex<[String]>([])
    let server = CannedServer(status: 401, body: #"{"success":false,"error":true,"error_message":"invalid API key"}"#)
    let traced = client(server, key: "s3cret-key") { record in lines.withLock { $0.append(record.line) } }
    let error = await errorIfAny { () async throws(NumbersAPIError) in try await traced.purchase(groupID: "g") }
    let trace = lines.withLock { $0.joined(separator: "\n") }
    #expect(trace.contains("curl -sS -X POST 'https://api.example/open/numbers/purchase' -H 'X-User-API-Key: ***'"))
    #expect(trace.contains("--data '{\"group_id\":\"g\"}'"))
    #expect(trace.contains("# 401 in"))
    for text in [trace, String(describing: error), String(describing: traced), String(reflecting: traced)] {
      #expect(!text.contains("s3cret-key"))
    }
    #expect("\(APIKey("s3cret-key"))" == "***")
  }

  @Test func pathSegmentsArePercentEncoded() {
    #expect(Endpoint.cancelReservation(uuid: "a/b c").path == "/open/numbers/reservations/a%2Fb%20c")
    #expect(percentDecoded("a%2Fb+c") == "a/b c")
    #expect(percentDecoded("%zz") == nil)
  }
}

/// Every call costs an API credit: the catalog's lists, which do not change within a session, are asked once.
@Suite("Catalog asked once per session")
struct CatalogOnceTests {
  @Test func regionsCitiesAndDIDTypesAreAskedOncePerRequest() async throws {
    let server = CannedServer(
      status: 200, body: #"{"success": true, "regions": [], "cities": [], "did_types": [], "numbers": []}"#)
    let session = client(server)
    for _ in 0..<3 {
      _ = try await session.regions(country: "US")
      _ = try await session.cities(country: "US")
      _ = try await session.cities(country: "US", regionID: 1)
      _ = try await session.didTypes()
    }
    let paths = server.requests.withLock { $0.compactMap(\.head.path) }
    #expect(paths.count == 4, "\(paths)")
    #expect(Set(paths).count == 4, "the same request was sent twice: \(paths)")
    // A failed answer is not kept: the next ask sends again.
    let failing = CannedServer(status: 500, body: "")
    let failingClient = client(failing)
    for _ in 0..<2 { _ = try? await failingClient.regions(country: "GB") }
    #expect(failing.requests.withLock { $0.count } >= 2)
  }
}
