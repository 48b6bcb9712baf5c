import Language
import NumbersAPI
import NumbersContract

/// Country codes the tab completion offers.
let knownCountries = ["US", "CA", "GB", "DE", "FR", "ES", "BR", "MX", "AU", "JP"]
let didTypeNames = DIDType.allCases.map(\.name)

private let country = Parameter(
  QueryParameter.country.rawValue, .string, positional: true, summary: "ISO country code, e.g. US",
  suggestions: knownCountries)
private let countryOrGroup = Parameter(
  QueryParameter.country.rawValue, .any, positional: true, summary: "ISO country code, or a group record",
  suggestions: knownCountries)

/// The country from the argument or from piped text, upper-cased.
private func countryCode(_ call: Invocation, from input: Value? = nil) throws -> String {
  if let given = call.string(country.name) { return given.uppercased() }
  if case .string(let piped) = input ?? call.input { return piped.uppercased() }
  throw CommandError(
    "\(call.signature.name) needs a country", help: "give one (\(call.signature.name) US) or pipe a country code in")
}

/// What an argument says, checked against what the piped record says of the same thing: a script that pipes one
/// group in and names another must not have one of them dropped without a word.
func agreeing<T: Equatable & CustomStringConvertible>(
  given: T?, piped: T?, _ what: String, parameter: String, command: String
) throws -> T? {
  if let given, let piped, given != piped {
    throw CommandError(
      "\(command): the \(what) piped in is \(piped), but \(parameter)=\(given) was given",
      help: "give it one way: pipe the record in, or write \(parameter)=", parameter: parameter)
  }
  return given ?? piped
}

private func list(_ values: [JSONValue], adding extra: (String, Value)? = nil) -> Value {
  .list(
    values.map { json in
      var value = Value(json: json)
      if let (key, field) = extra, case .record(var record) = value, record[key] == nil {
        record[key] = field
        value = .record(record)
      }
      return value
    })
}

let apiReadCommands: [Command] = [
  Command(
    Signature(
      name: "regions", category: .api, summary: "Regions (states, provinces) of a country: US, CA and GB have them.",
      parameters: [country], input: "a country code string", accepts: [.string, .nothing],
      output: "a list of {id, region_name, iso_country_code}", resultShape: .fixed(ContractShapes.list(of: .regions)),
      examples: [Example("regions US | count", "how many US regions there are", result: "8")], flowStep: .location,
      apiCalls: [APICall(.regions)], requests: .regions)
  ) { call in
    let code = try countryCode(call)
    return list(try await call.request { client throws(NumbersAPIError) in try await client.regions(country: code) })
  },

  Command(
    Signature(
      name: "cities", category: .api, summary: "Cities of a country, or of one region.",
      parameters: [
        country, Parameter(.region, of: .cities, .integer),
      ], input: "a region record (its country and id), or a country code string",
      accepts: [.record, .string, .nothing], output: "a list of {id, city_name, iso_country_code}",
      resultShape: .fixed(ContractShapes.list(of: .cities)),
      examples: [
        Example("regions US | first | cities | get city_name", "the cities of the first US region"),
        Example("cities DE | count", "German cities with numbers", result: "4"),
      ], flowStep: .location, apiCalls: [APICall(.cities)],
      requests: .cities)
  ) { call in
    var regionID = call.integer(QueryParameter.region.rawValue)
    var code = call.string(country.name)?.uppercased()
    if case .record(let region) = call.input {
      guard region[RegionField.name] != nil else {
        throw CommandError(
          "cities takes a region record piped in, got \(call.input.summary)",
          help: "regions US | first | cities, or cities US")
      }
      code = try agreeing(
        given: code, piped: region[RegionField.country]?.text, "country", parameter: country.name,
        command: "cities")
      regionID = try agreeing(
        given: regionID, piped: region[RegionField.id]?.decimal?.intValue, "region",
        parameter: QueryParameter.region.rawValue, command: "cities")
    }
    guard let code = code ?? (try? countryCode(call)) else {
      throw CommandError(
        "cities needs a country", help: "cities US, or pipe a region record in: regions US | first | cities")
    }
    return list(
      try await call.request { client throws(NumbersAPIError) in
        try await client.cities(country: code, regionID: regionID)
      })
  },

  Command(
    Signature(
      name: "did-types", category: .api, summary: "The kinds of number (DID types) and their ids.",
      accepts: .nothing, output: "a list of {id, name}", resultShape: .fixed(ContractShapes.list(of: .didTypes)),
      examples: [Example("did-types | get name", "the type names")], flowStep: .search, apiCalls: [APICall(.didTypes)])
  ) { call in
    return list(try await call.request { client throws(NumbersAPIError) in try await client.didTypes() })
  },

  Command(
    Signature(
      name: "groups", category: .api, summary: "Number groups (catalogs of numbers) with prices and features.",
      parameters: [
        country,
        Parameter(.regionID, of: .groups, .integer, aliases: ["region"]),
        Parameter(.cityID, of: .groups, .integer, aliases: ["city"]),
        Parameter(.cityNameOrPrefix, of: .groups, .string, aliases: ["near"]),
        Parameter(.didType, of: .groups, .choice(didTypeNames + [DIDType.allTypesName]), aliases: ["type"]),
      ],
      input: "a region or city record (its country and id), or a country code string",
      accepts: [.record, .string, .nothing], output: "a list of groups; each carries `country`, the country asked for",
      resultShape: .fixed(ContractShapes.groups),
      details: "The live API may insist on a region for US searches; its message is shown as it is.",
      examples: [
        Example("groups GB type=mobile | count", "mobile groups in the United Kingdom", result: "1"),
        Example(
          "groups US near=213 | first | get prefix", "the group of area code 213", result: "\"+1 (213)\""),
        Example("cities US | where city_name == \"Miami\" | first | groups | count", "groups of one city", result: "1"),
      ], flowStep: .search, apiCalls: [APICall(.groups)], requests: .groups)
  ) { call in
    let session = try call.session
    var query = GroupQuery(country: "")
    query.regionID = call.integer(QueryParameter.regionID.rawValue)
    query.cityID = call.integer(QueryParameter.cityID.rawValue)
    query.cityNameOrPrefix = call.string(QueryParameter.cityNameOrPrefix.rawValue)
    query.didType = call.string(QueryParameter.didType.rawValue)
    var code = call.string(country.name)?.uppercased()
    switch call.input {
    case .record(let place):
      code = try agreeing(
        given: code, piped: place[RegionField.country]?.text, "country", parameter: country.name,
        command: "groups")
      let id = place[RegionField.id]?.decimal?.intValue
      if place[CityField.name] != nil {
        query.cityID = try agreeing(
          given: query.cityID, piped: id, "city", parameter: QueryParameter.cityID.rawValue, command: "groups")
      } else if place[RegionField.name] != nil {
        query.regionID = try agreeing(
          given: query.regionID, piped: id, "region", parameter: QueryParameter.regionID.rawValue, command: "groups")
      } else {
        throw CommandError("groups takes a region or city record, got \(call.input.summary)")
      }
    case .string(let text):
      code = try agreeing(given: code, piped: text.uppercased(), "country", parameter: country.name, command: "groups")
    case .null: break
    default: throw CommandError("groups takes a region or city record or a country code, got \(call.input.summary)")
    }
    guard let code else { throw CommandError("groups needs a country", help: "groups US, or groups country=US") }
    query.country = code
    let groups = try await call.request { client throws(NumbersAPIError) in try await client.groups(query) }
    let result = list(groups, adding: (AddedField.country.rawValue, .string(code)))
    if case .list(let items) = result { session.remember(groups: items) }
    return result
  },

  Command(
    Signature(
      name: "requirements", category: .api,
      summary: "Documents needed to buy numbers of a country and type; an empty list means none.",
      parameters: [
        countryOrGroup,
        Parameter(
          QueryParameter.didType.rawValue, .any, aliases: ["type"], summary: "a DID type name or id",
          suggestions: didTypeNames),
      ],
      input: "a group record (its country and type)", accepts: [.record, .nothing],
      output: "a list of requirement records", resultShape: .fixed(ContractShapes.list(of: .requirements)),
      examples: [
        Example("requirements US", "the sandbox's US asks for no documents", result: "[]"),
        Example("requirements DE type=local | count", "documents for a German local number", result: "2"),
      ], flowStep: .requirements,
      apiCalls: [APICall(.didTypes, when: "for a type given by name, once a session"), APICall(.requirements)],
      requests: .requirements)
  ) { call in
    let session = try call.session
    var code = call.string(country.name)?.uppercased()
    var typeValue = call[QueryParameter.didType.rawValue]
    let groupRecord: Value =
      if case .record = call[country.name] ?? .null { call[country.name] ?? .null } else { call.input }
    if case .record(let group) = groupRecord {
      code = try agreeing(
        given: code, piped: group[AddedField.country]?.text, "group's country", parameter: country.name,
        command: "requirements")
      if case .string(let given)? = typeValue {
        _ = try agreeing(
          given: given, piped: group[GroupField.type]?.text, "group's type",
          parameter: QueryParameter.didType.rawValue, command: "requirements")
      }
      if typeValue == nil { typeValue = group[GroupField.type] }
      guard code != nil else {
        throw CommandError(
          "requirements cannot tell the group's country", help: "give it: requirements country=DE type=local")
      }
    }
    guard let code = code ?? (try? countryCode(call)) else {
      throw CommandError("requirements needs a country", help: "requirements DE, or pipe a group record in")
    }
    var typeID: Int?
    switch typeValue {
    case .number(let number)?: typeID = number.intValue
    case .string(let name)?: typeID = try await session.didTypeID(named: name)
    case nil, .null?: typeID = nil
    case let other?: throw CommandError("requirements: did_type must be a name or an id, got \(other.summary)")
    }
    return list(
      try await call.request { client throws(NumbersAPIError) in
        try await client.requirements(country: code, didTypeID: typeID)
      })
  },

  Command(
    Signature(
      name: "available", category: .api, summary: "Numbers of a group that can be chosen (if it allows selection).",
      parameters: [
        groupParameter,
        Parameter(.numberContains, of: .available, .string, aliases: ["contains"]),
      ],
      input: "a group record", accepts: [.record, .nothing], output: "a list of {id, number}; each carries `group_id`",
      resultShape: .fixed(ContractShapes.available),
      examples: [
        Example(
          "groups US near=415 | first | available contains=555 | count", "vanity numbers in San Francisco",
          result: "5")
      ], flowStep: .browse, apiCalls: [APICall(.available)], requests: .available)
  ) { call in
    let groupID = try groupIdentifier(call.input, argument: call[groupParameter.name], command: "available")
    let numbers = try await call.request { client throws(NumbersAPIError) in
      try await client.availableNumbers(
        groupID: groupID, numberContains: call.string(QueryParameter.numberContains.rawValue))
    }
    return list(numbers, adding: (PurchaseBodyField.groupID.rawValue, .string(groupID)))
  },

  Command(
    Signature(
      name: "reservations", category: .api, summary: "Numbers this account holds, with their prices and expiry.",
      accepts: .nothing, output: "a list of reservation records",
      resultShape: .fixed(ContractShapes.list(of: .listReservations)),
      examples: [Example("reservations | count", "how many are held")], flowStep: .reserve,
      apiCalls: [APICall(.listReservations)])
  ) { call in
    let session = try call.session
    let held = list(try await call.request { client throws(NumbersAPIError) in try await client.reservations() })
    session.noteHolds(held)
    return held
  },

  Command(
    Signature(
      name: "numbers", category: .api, summary: "Every virtual number this account owns (all pages).",
      accepts: .nothing, output: "a list of virtual number records with status_text",
      resultShape: .fixed(ContractShapes.shape(of: .array(.object(ObjectSchema.virtualNumber.name)))),
      examples: [Example("numbers | where status_text == \"ACTIVE\" | count", "active numbers")], flowStep: .manage,
      apiCalls: [APICall(.ownedNumbers, when: "once per page of results")], requests: .numbers)
  ) { call in
    return list(try await call.request { client throws(NumbersAPIError) in try await client.ownedNumbers() })
  },

  Command(
    Signature(
      name: "info", category: .api, summary: "The account: name, limits, usage; and the mode: sandbox, local or live.",
      accepts: .nothing, output: "a record", resultShape: .fixed(ContractShapes.info),
      examples: [Example("info | get mode", "sandbox, local or live")], flowStep: .manage, apiCalls: [APICall(.info)])
  ) { call in
    let session = try call.session
    var value = Value(json: try await call.request { client throws(NumbersAPIError) in try await client.info() })
    if case .record(var record) = value {
      record[EnvelopeField.success] = nil
      record[AddedField.mode] = .string(session.mode.rawValue)
      value = .record(record)
    }
    return value
  },
]

/// The group a command is about: a record or an id, given or piped.
let groupParameter = Parameter(
  PurchaseBodyField.groupID.rawValue, .any, aliases: ["group"], positional: true, summary: "a group record or id")

/// The group id from an argument (a record or an id) or from a piped group or number record.
func groupIdentifier(_ input: Value, argument: Value?, command: String) throws -> String {
  func identifier(_ value: Value) -> String? {
    switch value {
    case .string(let text): return text
    case .record(let record):
      for key in [PurchaseBodyField.groupID.rawValue, ReservationField.groupID.rawValue] {
        if case .string(let id)? = record[key] { return id }
      }
      if record[GroupField.prefix] != nil || record[GroupField.allowNumberSelection] != nil,
        case .string(let id)? = record[GroupField.id]
      {
        return id
      }
      return nil
    default: return nil
    }
  }
  if let argument {
    guard let id = identifier(argument) else {
      throw CommandError(
        "\(command): \(groupParameter.name) must be a group record or an id, got \(argument.summary)",
        parameter: groupParameter.name)
    }
    return try agreeing(given: id, piped: identifier(input), "group", parameter: groupParameter.name, command: command)
      ?? id
  }
  guard let id = identifier(input) else {
    throw CommandError(
      "\(command) needs a group", help: "pipe a group record in (groups US | first | \(command)) or give group=ID")
  }
  return id
}
