import NumbersContract

/// The sandbox's numbers for sale: made from `catalogSpec` and a seed, the
/// same every time for the same seed.
struct Catalog: Sendable {
  struct Region: Sendable {
    var id: Int
    var name: String
    var country: String
  }

  struct City: Sendable {
    var id: Int
    var name: String
    var country: String
    var regionID: Int?
  }

  struct PoolNumber: Sendable {
    var id: String
    /// E.164, e.g. `+12135550123`.
    var e164: String
    var formatted: String
  }

  struct Group: Sendable {
    var id: String
    var country: String
    var countryName: String
    var cityID: Int?
    var regionID: Int?
    var regionName: String?
    var prefix: String
    var location: String
    var type: DIDType
    var price: Price
    var features: [GroupFeature]
    var requirements: [RequirementSpec]
    var allowsSelection: Bool
    var freeNumberEligible: Bool
    var numbers: [PoolNumber]
  }

  struct Country: Sendable {
    var code: String
    var name: String
    var requirements: [DIDType: [RequirementSpec]]
  }

  private(set) var countries: [String: Country] = [:]
  private(set) var regions: [Region] = []
  private(set) var cities: [City] = []
  private(set) var groups: [Group] = []
  private var groupIndex: [String: Int] = [:]

  init(seed: UInt64) {
    var nextRegionID = 1
    var nextCityID = 1001
    for country in catalogSpec {
      var requirements: [DIDType: [RequirementSpec]] = [:]
      var placedCities: [(spec: CitySpec, id: Int, region: Region?)] = []
      for regionSpec in country.regions {
        let region = Region(id: nextRegionID, name: regionSpec.name, country: country.code)
        nextRegionID += 1
        regions.append(region)
        for city in regionSpec.cities {
          placedCities.append((city, nextCityID, region))
          nextCityID += 1
        }
      }
      for city in country.cities {
        placedCities.append((city, nextCityID, nil))
        nextCityID += 1
      }
      for (city, cityID, region) in placedCities {
        cities.append(City(id: cityID, name: city.name, country: country.code, regionID: region?.id))
        for (position, areaCode) in city.areaCodes.enumerated() {
          // A city's second area code is dearer and, for SMS-capable countries, voice only.
          let price = position == 0 ? country.localPrice : country.localPrice.raisingMonthly(byCents: 35)
          let features = position == 0 ? country.localFeatures : [.voice]
          let spec = GroupSpec(
            type: .local, areaCode: areaCode, nationalLength: country.nationalLength, location: city.name,
            price: price, features: features, requirements: country.localRequirements,
            allowsSelection: city.allowsSelection, poolSize: city.poolSize)
          addGroup(spec, country: country, cityID: cityID, region: region, seed: seed)
        }
      }
      if !country.localRequirements.isEmpty { requirements[.local] = country.localRequirements }
      for spec in country.otherGroups {
        addGroup(spec, country: country, cityID: nil, region: nil, seed: seed)
        if !spec.requirements.isEmpty { requirements[spec.type, default: []] += spec.requirements }
      }
      countries[country.code] = Country(code: country.code, name: country.name, requirements: requirements)
    }
  }

  private mutating func addGroup(_ spec: GroupSpec, country: CountrySpec, cityID: Int?, region: Region?, seed: UInt64) {
    var random = SeededRandom(seed: seed, "group", country.code, spec.type.name, spec.areaCode)
    let id = "grp_" + random.hex(12)
    let dial = spec.type == .global ? "" : country.dialCode
    let prefix =
      spec.type == .global
      ? "+\(spec.areaCode.prefix(3)) (\(spec.areaCode.dropFirst(3)))" : "+\(dial) (\(spec.areaCode))"
    var numbers: [PoolNumber] = []
    var seen: Set<String> = []
    let subscriberLength = spec.nationalLength - spec.areaCode.count
    while numbers.count < spec.poolSize {
      var subscriber = random.digits(subscriberLength)
      // Every fourth number is a "vanity" one with 555 in it, for number_contains searches.
      if numbers.count % 4 == 0, subscriberLength >= 7 {
        subscriber = "555" + subscriber.dropFirst(3)
      }
      if subscriber.first == "0" { subscriber = "2" + subscriber.dropFirst() }
      let e164 = "+" + dial + spec.areaCode + subscriber
      guard seen.insert(e164).inserted else { continue }
      numbers.append(
        PoolNumber(id: "num_" + random.hex(12), e164: e164, formatted: prefix + " " + Self.grouped(subscriber)))
    }
    let group = Group(
      id: id, country: country.code, countryName: country.name, cityID: cityID, regionID: region?.id,
      regionName: region?.name, prefix: prefix, location: spec.location, type: spec.type, price: spec.price,
      features: spec.features, requirements: spec.requirements, allowsSelection: spec.allowsSelection,
      freeNumberEligible: spec.type == .local && spec.requirements.isEmpty && spec.price.setup == "0.00"
        && spec.features.contains(.smsOut),
      numbers: numbers)
    groupIndex[id] = groups.count
    groups.append(group)
  }

  /// `5551234` as `555-1234`; longer numbers in threes then a four.
  private static func grouped(_ digits: String) -> String {
    guard digits.count > 4 else { return digits }
    let head = digits.dropLast(4)
    var parts: [Substring] = []
    var rest = head[...]
    while !rest.isEmpty {
      parts.append(rest.prefix(3))
      rest = rest.dropFirst(3)
    }
    return (parts + [digits.suffix(4)]).joined(separator: "-")
  }

  func group(id: String) -> Group? { groupIndex[id].map { groups[$0] } }

  /// The group and pool entry of a phone number, matched on its digits.
  func poolEntry(for number: String, in group: Group) -> PoolNumber? {
    let digits = number.filter(\.isNumber)
    return group.numbers.first { $0.e164.dropFirst() == digits }
  }

  func requirements(country: String, type: DIDType) -> [RequirementSpec] {
    countries[country]?.requirements[type] ?? []
  }
}

extension Price {
  func raisingMonthly(byCents cents: Int) -> Price {
    let parts = monthly.split(separator: ".")
    let total = (Int(parts[0]) ?? 0) * 100 + (parts.count > 1 ? Int(parts[1]) ?? 0 : 0) + cents
    let raised = "\(total / 100)." + (total % 100 < 10 ? "0" : "") + "\(total % 100)"
    return Price(setup: setup, monthly: raised, perMinute: perMinute)
  }
}

extension RequirementSpec {
  func json(country: String, type: DIDType) -> JSONValue {
    Sandbox.object([
      RequirementField.id: .string("\(country.lowercased())_\(type.name)_\(id)"), .name: .string(name),
      .description: .string(description), .type: .string(kind), .country: .string(country),
      .didType: .string(type.name),
    ])
  }
}

extension Catalog.Group {
  var json: JSONValue {
    var price = JSONObject()
    price[PriceField.setup] = .string(self.price.setup)
    price[PriceField.monthly] = .string(self.price.monthly)
    if let perMinute = self.price.perMinute { price[PriceField.perMinute] = .string(perMinute) }
    return Sandbox.object([
      GroupField.id: .string(id), .prefix: .string(prefix), .location: .string(location), .price: .object(price),
      .type: .string(type.name),
      .requirements: .array(requirements.map { $0.json(country: country, type: type) }),
      .allowNumberSelection: .bool(allowsSelection), .isEligibleForFreeNumber: .bool(freeNumberEligible),
      .features: .array(features.map { .string($0.rawValue) }),
    ])
  }
}
