import HTTPTypes
import NumbersAPI
import NumbersContract
import Sandbox
import Testing

@Suite("Catalog endpoints through both transports")
struct CatalogEndpointTests {
  @Test(arguments: Via.allCases)
  func regionsOfUSHaveIntegerIdsAndNames(via: Via) async throws {
    try await withClient(via) { client, _ in
      let regions = try await client.regions(country: "US")
      #expect(regions.count >= 5)
      let california = try #require(regions.first { $0["region_name"] == "California" })
      #expect(california["id"]?.intValue != nil)
      #expect(california["iso_country_code"] == "US")
      #expect(try await client.regions(country: "DE").isEmpty)
    }
  }

  @Test(arguments: Via.allCases)
  func countryIsValidated(via: Via) async throws {
    try await withClient(via) { client, _ in
      let lowerCase = await apiError { () async throws(NumbersAPIError) in try await client.regions(country: "us") }
      #expect(serverStatus(lowerCase) == 400)
      #expect(lowerCase?.message.contains("country") == true)
      #expect(lowerCase?.endpoint == "GET /open/numbers/regions")
      let missing = await apiError { () async throws(NumbersAPIError) in try await client.regions(country: "") }
      #expect(serverStatus(missing) == 400)
      #expect(missing?.message == "country is required")
      let unknown = await apiError { () async throws(NumbersAPIError) in try await client.groups(.init(country: "ZZ")) }
      #expect(serverStatus(unknown) == 404)
    }
  }

  @Test(arguments: Via.allCases)
  func citiesFilterByRegion(via: Via) async throws {
    try await withClient(via) { client, _ in
      let all = try await client.cities(country: "US")
      let california = try #require(try await client.regions(country: "US").first { $0["region_name"] == "California" })
      let regionID = try #require(california["id"]?.intValue)
      let inCalifornia = try await client.cities(country: "US", regionID: regionID)
      #expect(inCalifornia.contains { $0["city_name"] == "Los Angeles" })
      #expect(!inCalifornia.contains { $0["city_name"] == "Chicago" })
      #expect(all.count > inCalifornia.count)
      #expect(try await client.cities(country: "DE").contains { $0["city_name"] == "Berlin" })
      let unknown = await apiError { () async throws(NumbersAPIError) in
        try await client.cities(country: "US", regionID: 99_999)
      }
      #expect(serverStatus(unknown) == 404)
    }
  }

  @Test(arguments: Via.allCases)
  func didTypesAreTheSixDocumentedNames(via: Via) async throws {
    try await withClient(via) { client, _ in
      let names = try await client.didTypes().compactMap { $0["name"]?.stringValue }
      #expect(names == ["local", "mobile", "tollfree", "national", "global", "sharedcost"])
    }
  }

  @Test(arguments: Via.allCases)
  func groupsHaveTheDocumentedShape(via: Via) async throws {
    try await withClient(via) { client, _ in
      let groups = try await client.groups(.init(country: "GB"))
      #expect(!groups.isEmpty)
      for group in groups {
        let object = try #require(group.objectValue)
        for key in [
          "id", "prefix", "location", "price", "type", "requirements", "allow_number_selection",
          "is_eligible_for_free_number", "features",
        ] {
          #expect(object[key] != nil, "group lacks \(key)")
        }
        #expect(group["id"]?.stringValue != nil)
        #expect(group["price"]?["monthly_price"]?.stringValue != nil, "prices are decimal strings")
        #expect(group["features"]?.arrayValue?.contains("voice") == true)
        if group["features"]?.arrayValue?.contains("whatsapp") == true { #expect(group["type"] == "mobile") }
      }
      let types = Set(groups.compactMap { $0["type"]?.stringValue })
      #expect(types.isSuperset(of: ["local", "mobile", "tollfree"]))
    }
  }

  @Test(arguments: Via.allCases)
  func groupsFilterByTypeCityRegionAndName(via: Via) async throws {
    try await withClient(via) { client, _ in
      let mobile = try await client.groups(.init(country: "GB", didType: "mobile"))
      #expect(!mobile.isEmpty && mobile.allSatisfy { $0["type"] == "mobile" })
      let losAngeles = try #require(try await client.cities(country: "US").first { $0["city_name"] == "Los Angeles" })
      let inLA = try await client.groups(.init(country: "US", cityID: losAngeles["id"]?.intValue, didType: "local"))
      #expect(inLA.count == 2)
      #expect(inLA.allSatisfy { $0["location"] == "Los Angeles" })
      let near = try await client.groups(.init(country: "US", cityNameOrPrefix: "los"))
      #expect(near.map(\.["id"]) == inLA.map(\.["id"]))
      let byPrefix = try await client.groups(.init(country: "US", cityNameOrPrefix: "213"))
      #expect(byPrefix.count == 1 && byPrefix.first?["prefix"] == "+1 (213)")
      let texas = try #require(try await client.regions(country: "US").first { $0["region_name"] == "Texas" })
      let inTexas = try await client.groups(.init(country: "US", regionID: texas["id"]?.intValue))
      #expect(Set(inTexas.compactMap { $0["location"]?.stringValue }) == ["Houston", "Austin", "Dallas"])
      let all = try await client.groups(.init(country: "US", didType: "all"))
      #expect(all.count == (try await client.groups(.init(country: "US"))).count)
      let bad = await apiError { () async throws(NumbersAPIError) in
        try await client.groups(.init(country: "US", didType: "landline"))
      }
      #expect(serverStatus(bad) == 400)
      #expect(bad?.message.contains("did_type") == true)
    }
  }

  @Test(arguments: Via.allCases)
  func requirementsVaryByCountryAndType(via: Via) async throws {
    try await withClient(via) { client, _ in
      #expect(try await client.requirements(country: "US").isEmpty)
      let germanLocal = try await client.requirements(country: "DE", didTypeID: 1)
      #expect(germanLocal.count >= 1)
      #expect(germanLocal.allSatisfy { $0["did_type"] == "local" })
      #expect(try await client.requirements(country: "GB", didTypeID: 2).count >= 1)
      let bad = await apiError { () async throws(NumbersAPIError) in
        try await client.requirements(country: "DE", didTypeID: 42)
      }
      #expect(serverStatus(bad) == 400)
    }
  }

  @Test(arguments: Via.allCases)
  func availableNumbersAreE164AndSearchable(via: Via) async throws {
    try await withClient(via) { client, _ in
      let groups = try await client.groups(.init(country: "US", didType: "local"))
      let selectable = try #require(groups.first { $0["allow_number_selection"] == true })
      let groupID = try #require(selectable["id"]?.stringValue)
      let numbers = try await client.availableNumbers(groupID: groupID)
      #expect(!numbers.isEmpty)
      for number in numbers {
        let text = try #require(number["number"]?.stringValue)
        #expect(text.hasPrefix("+1") && text.count == 12 && text.dropFirst().allSatisfy(\.isNumber))
        #expect(number["id"]?.stringValue != nil)
      }
      let vanity = try await client.availableNumbers(groupID: groupID, numberContains: "555")
      #expect(!vanity.isEmpty && vanity.count < numbers.count)
      #expect(vanity.allSatisfy { $0["number"]?.stringValue?.contains("555") == true })

      let letters = await apiError { () async throws(NumbersAPIError) in
        try await client.availableNumbers(groupID: groupID, numberContains: "55a")
      }
      #expect(serverStatus(letters) == 400)
      #expect(letters?.message.contains("number_contains") == true)
      let fixed = try #require(groups.first { $0["allow_number_selection"] == false }?["id"]?.stringValue)
      let notSelectable = await apiError { () async throws(NumbersAPIError) in
        try await client.availableNumbers(groupID: fixed)
      }
      #expect(serverStatus(notSelectable) == 400)
      let unknown = await apiError { () async throws(NumbersAPIError) in
        try await client.availableNumbers(groupID: "grp_nope")
      }
      #expect(serverStatus(unknown) == 404)
      let missing = await apiError { () async throws(NumbersAPIError) in try await client.availableNumbers(groupID: "")
      }
      #expect(serverStatus(missing) == 400)
      #expect(missing?.message == "group_id is required")
    }
  }

  @Test(arguments: Via.allCases)
  func everyCountryOfTheCatalogAndEveryTypeIsOffered(via: Via) async throws {
    try await withClient(via) { client, _ in
      var types: Set<String> = []
      for country in ["US", "CA", "GB", "DE", "FR", "ES", "BR", "MX", "AU", "JP"] {
        let groups = try await client.groups(.init(country: country))
        #expect(!groups.isEmpty, "no groups in \(country)")
        types.formUnion(groups.compactMap { $0["type"]?.stringValue })
      }
      #expect(types == ["local", "mobile", "tollfree", "national", "global", "sharedcost"])
    }
  }

  /// A read asked again in the same words is answered from what the first one found, but still counted, still
  /// under the rate limit, and a body still checked.
  @Test(arguments: Via.allCases)
  func aCatalogReadAskedAgainIsCountedLimitedAndChecked(via: Via) async throws {
    var configuration = SandboxConfiguration.testing()
    configuration.requestsPerMinute = 3
    let sandbox = try Sandbox(configuration: configuration)
    try await withTransport(via, sandbox) { transport in
      func get(_ target: String, body: String = "") async throws -> APIResponse {
        var fields = HTTPFields()
        fields[HTTPField.Name(Authentication.headerName)!] = testKey
        if !body.isEmpty { fields[.contentType] = "text/plain" }
        let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: target, headerFields: fields)
        return try await transport.send(APIRequest(head: head, body: Array(body.utf8)), timeout: .seconds(5))
      }
      let target = "/open/numbers/groups?country=GB&type=mobile"
      let first = try await get(target)
      let again = try await get(target)
      #expect(first.head.status == .ok)
      #expect(again.head.status == .ok && again.body == first.body)
      // Refused before the rate limit counts it.
      #expect(try await get(target, body: "x").head.status.code == 415)
      #expect(try await get(target).head.status == .ok)
      #expect(try await get(target).head.status.code == 429)
    }
    #expect(await sandbox.receivedCount(.get, "/open/numbers/groups") == 5)
  }

  /// A catalog answer is kept for the next time only for a short query, so a stream of long ones, each a little
  /// different, holds no memory.
  @Test func onlyShortQueriesHaveTheirAnswersKept() async throws {
    let sandbox = try Sandbox(configuration: .testing())
    let client = NumbersClient(transport: sandbox.inProcessTransport(), apiKey: APIKey(testKey), settings: .testing)
    _ = try await client.regions(country: "US")
    _ = try await client.regions(country: "US")
    #expect(await sandbox.keptCatalogAnswers == 2, "one answer, found by its query and by its text")
    for index in 0..<20 {
      let long = String(repeating: "x", count: 600) + String(index)
      _ = try await client.groups(.init(country: "GB", cityNameOrPrefix: long))
    }
    #expect(await sandbox.keptCatalogAnswers == 2)
  }

  @Test func theCatalogIsTheSameForTheSameSeed() async throws {
    let first = try Sandbox(configuration: .testing())
    let second = try Sandbox(configuration: .testing())
    let groupsA = try await NumbersClient(transport: first.inProcessTransport(), apiKey: APIKey(testKey))
      .groups(.init(country: "FR"))
    let groupsB = try await NumbersClient(transport: second.inProcessTransport(), apiKey: APIKey(testKey))
      .groups(.init(country: "FR"))
    #expect(groupsA == groupsB)
  }
}
