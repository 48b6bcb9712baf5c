import NumbersAPI
import NumbersContract
import Sandbox
import TestSupport
import Testing

@Suite("sandbox serve says what it is")
struct IdentificationTests {
  @Test func everyServedAnswerCarriesTheHeaderErrorsIncluded() async throws {
    try await withClient(.http) { client, _ in
      #expect(!client.serverIdentifiedAsSandbox, "nothing answered yet")
      _ = try await client.didTypes()
      #expect(client.serverIdentifiedAsSandbox)
      let missing = await apiError { () async throws(NumbersAPIError) in try await client.availableNumbers(groupID: "x")
      }
      #expect(serverStatus(missing) == 404)
      #expect(client.serverIdentifiedAsSandbox, "a 404 is marked too")
    }
    try await withClient(.http, key: "wrong") { client, _ in
      _ = await apiError { () async throws(NumbersAPIError) in try await client.didTypes() }
      #expect(client.hasSeenAnswer && client.serverIdentifiedAsSandbox, "a 401 is marked too")
    }
  }

  @Test func theEmbeddedSandboxNeedsNoHeader() async throws {
    try await withClient(.inProcess) { client, _ in
      _ = try await client.didTypes()
      #expect(client.hasSeenAnswer && !client.serverIdentifiedAsSandbox)
    }
  }

  @Test(arguments: Via.allCases)
  func infoNamesTheServer(via: Via) async throws {
    try await withClient(via) { client, _ in
      let info = try await client.info()
      #expect(info[InfoField.server]?.stringValue == "2cs sandbox")
    }
  }
}
