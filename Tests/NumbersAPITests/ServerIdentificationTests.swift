import HTTPTypes
import NumbersAPI
import NumbersContract
import Synchronization
import TestSupport
import Testing

@Suite("What the answers say about the server")
struct ServerIdentificationTests {
  static let info = #"{"success": true, "account": {"name": "a"}}"#

  static func marked() -> HTTPFields {
    var fields = HTTPFields()
    SandboxIdentification.mark(&fields)
    return fields
  }

  @Test func noAnswerYetIsNotASandbox() {
    let server = CannedServer(status: 200, body: Self.info, headers: Self.marked())
    let numbers = client(server)
    #expect(!numbers.hasSeenAnswer)
    #expect(!numbers.serverIdentifiedAsSandbox)
  }

  @Test func anAnswerThatSaysItIsTheSandboxIdentifiesIt() async throws {
    let server = CannedServer(status: 200, body: Self.info, headers: Self.marked())
    let numbers = client(server)
    _ = try await numbers.info()
    #expect(numbers.hasSeenAnswer)
    #expect(numbers.serverIdentifiedAsSandbox)
    #expect(Self.marked()[HTTPField.Name("X-2cs-Sandbox")!] == "1")
  }

  @Test func anErrorAnswerCountsAsAnAnswer() async {
    let server = CannedServer(
      status: 401, body: #"{"success": false, "error": true, "error_message": "bad key"}"#, headers: Self.marked())
    let numbers = client(server)
    #expect(await errorIfAny { () async throws(NumbersAPIError) in try await numbers.info() } != nil)
    #expect(numbers.hasSeenAnswer && numbers.serverIdentifiedAsSandbox)
  }

  @Test func anAnswerWithoutTheHeaderIsNotTheSandbox() async throws {
    let server = CannedServer(status: 200, body: Self.info)
    let numbers = client(server)
    _ = try await numbers.info()
    #expect(numbers.hasSeenAnswer)
    #expect(!numbers.serverIdentifiedAsSandbox)
  }

  @Test func oneAnswerWithoutTheHeaderIsEnoughToDoubt() async throws {
    let answers = Mutex(0)
    let transport = InProcessTransport { _ in
      let count = answers.withLock { count in
        count += 1
        return count
      }
      let fields = count == 1 ? Self.marked() : HTTPFields()
      return .respond(
        APIResponse(head: HTTPResponse(status: .ok, headerFields: fields), body: Array(Self.info.utf8)))
    }
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    let numbers = NumbersClient(transport: transport, apiKey: APIKey("k"), settings: settings)
    _ = try await numbers.info()
    #expect(numbers.serverIdentifiedAsSandbox)
    _ = try await numbers.info()
    #expect(!numbers.serverIdentifiedAsSandbox)
  }

  @Test func copiesOfAClientShareWhatTheySaw() async throws {
    let server = CannedServer(status: 200, body: Self.info, headers: Self.marked())
    let numbers = client(server)
    let copy = numbers
    _ = try await copy.info()
    #expect(numbers.serverIdentifiedAsSandbox)
  }

  @Test func aPasswordInTheBaseURLIsNeverInATraceOrError() async {
    let transport = HTTPTransport(baseURL: "http://admin:hunter2-pw@127.0.0.1:1/")
    #expect(transport.displayBaseURL == "http://***@127.0.0.1:1")
    let lines = Mutex<[String]>([])
    var settings = ClientSettings()
    settings.requestsPerMinute = nil
    settings.retry = .never
    settings.trace = { record in lines.withLock { $0.append(record.line) } }
    let numbers = NumbersClient(transport: transport, apiKey: APIKey("k"), settings: settings)
    let error = await errorIfAny { () async throws(NumbersAPIError) in try await numbers.info() }
    await transport.shutdown()
    let traced = lines.withLock { $0.joined(separator: "\n") }
    #expect(traced.contains("127.0.0.1:1/open/info"), "\(traced)")
    #expect(!traced.contains("hunter2") && !traced.contains("admin"), "\(traced)")
    let message = error?.message ?? ""
    #expect(message.contains("***@127.0.0.1:1") && !message.contains("hunter2"), "\(message)")
    #expect(redactingUserInformation("https://u:pa/ss@host") == "https://***@host")
    #expect(redactingUserInformation("https://api.p.2chat.io") == "https://api.p.2chat.io")
  }
}
