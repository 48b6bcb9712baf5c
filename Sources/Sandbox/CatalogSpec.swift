import NumbersContract

/// The hand-written shape of the sandbox's catalog: countries, regions,
/// cities with their area codes, and the non-geographic groups. `Catalog`
/// turns it into records with ids and number pools.
struct CountrySpec {
  var code: String
  var name: String
  var dialCode: String
  /// Digits in a national number (area code included) for geographic groups.
  var nationalLength: Int
  var regions: [RegionSpec] = []
  /// Cities of countries that have no regions.
  var cities: [CitySpec] = []
  var localPrice: Price
  var localRequirements: [RequirementSpec] = []
  var localFeatures: [GroupFeature] = [.voice, .smsIn, .smsOut]
  var otherGroups: [GroupSpec] = []
}

struct RegionSpec {
  var name: String
  var cities: [CitySpec]
}

struct CitySpec {
  var name: String
  var areaCodes: [String]
  /// How many numbers each of its groups starts with.
  var poolSize = 20
  var allowsSelection = true

  init(_ name: String, _ areaCodes: String..., poolSize: Int = 20, allowsSelection: Bool = true) {
    self.name = name
    self.areaCodes = areaCodes
    self.poolSize = poolSize
    self.allowsSelection = allowsSelection
  }
}

struct Price {
  var setup: String
  var monthly: String
  var perMinute: String?
}

struct GroupSpec {
  var type: DIDType
  var areaCode: String
  var nationalLength: Int
  var location: String
  var price: Price
  var features: [GroupFeature]
  var requirements: [RequirementSpec] = []
  var allowsSelection = true
  var poolSize = 20
}

struct RequirementSpec {
  var id: String
  var name: String
  var description: String
  var kind: String
}

private let proofOfAddress = RequirementSpec(
  id: "address", name: "Proof of address",
  description: "A utility bill or bank statement under 3 months old showing an address in the number's area.",
  kind: "document")
private let identity = RequirementSpec(
  id: "identity", name: "Identity document",
  description: "A passport or national identity card of the account holder.", kind: "document")
private let businessRegistration = RequirementSpec(
  id: "business_registration", name: "Business registration",
  description: "A company registration extract naming the account holder.", kind: "document")
private let endUserAddress = RequirementSpec(
  id: "end_user_address", name: "End-user address", description: "The street address of the number's end user.",
  kind: "address")

private let mobileFeatures: [GroupFeature] = [.voice, .smsIn, .smsOut, .whatsapp, .whatsappBusiness]

let catalogSpec: [CountrySpec] = [
  CountrySpec(
    code: "US", name: "United States", dialCode: "1", nationalLength: 10,
    regions: [
      RegionSpec(
        name: "California",
        cities: [
          CitySpec("Los Angeles", "213", "310"), CitySpec("San Francisco", "415"),
          CitySpec("San Diego", "619", poolSize: 2),
        ]),
      RegionSpec(name: "New York", cities: [CitySpec("New York", "212", "646"), CitySpec("Buffalo", "716")]),
      RegionSpec(
        name: "Texas", cities: [CitySpec("Houston", "713"), CitySpec("Austin", "512"), CitySpec("Dallas", "214")]),
      RegionSpec(
        name: "Florida", cities: [CitySpec("Miami", "305"), CitySpec("Orlando", "407", allowsSelection: false)]),
      RegionSpec(name: "Illinois", cities: [CitySpec("Chicago", "312")]),
      RegionSpec(name: "Washington", cities: [CitySpec("Seattle", "206")]),
      RegionSpec(name: "Massachusetts", cities: [CitySpec("Boston", "617")]),
      RegionSpec(name: "Colorado", cities: [CitySpec("Denver", "303", poolSize: 1)]),
    ],
    localPrice: Price(setup: "0.00", monthly: "1.15", perMinute: "0.01"),
    otherGroups: [
      GroupSpec(
        type: .tollfree, areaCode: "800", nationalLength: 10, location: "United States",
        price: Price(setup: "0.00", monthly: "2.00", perMinute: "0.03"), features: [.voice, .smsIn]),
      GroupSpec(
        type: .tollfree, areaCode: "888", nationalLength: 10, location: "United States",
        price: Price(setup: "0.00", monthly: "2.50", perMinute: "0.03"), features: [.voice], allowsSelection: false),
    ]),
  CountrySpec(
    code: "CA", name: "Canada", dialCode: "1", nationalLength: 10,
    regions: [
      RegionSpec(name: "Ontario", cities: [CitySpec("Toronto", "416", "647"), CitySpec("Ottawa", "613")]),
      RegionSpec(name: "Quebec", cities: [CitySpec("Montreal", "514")]),
      RegionSpec(name: "British Columbia", cities: [CitySpec("Vancouver", "604")]),
      RegionSpec(name: "Alberta", cities: [CitySpec("Calgary", "403", poolSize: 1)]),
    ],
    localPrice: Price(setup: "0.00", monthly: "1.25", perMinute: "0.01"),
    otherGroups: [
      GroupSpec(
        type: .tollfree, areaCode: "844", nationalLength: 10, location: "Canada",
        price: Price(setup: "0.00", monthly: "2.25", perMinute: "0.04"), features: [.voice])
    ]),
  CountrySpec(
    code: "GB", name: "United Kingdom", dialCode: "44", nationalLength: 10,
    regions: [
      RegionSpec(
        name: "England",
        cities: [
          CitySpec("London", "20"), CitySpec("Manchester", "161"), CitySpec("Birmingham", "121"),
          CitySpec("Leeds", "113", allowsSelection: false),
        ]),
      RegionSpec(name: "Scotland", cities: [CitySpec("Edinburgh", "131"), CitySpec("Glasgow", "141")]),
      RegionSpec(name: "Wales", cities: [CitySpec("Cardiff", "29", poolSize: 1)]),
      RegionSpec(name: "Northern Ireland", cities: [CitySpec("Belfast", "28")]),
    ],
    localPrice: Price(setup: "1.00", monthly: "1.50", perMinute: "0.02"),
    localFeatures: [.voice, .smsIn],
    otherGroups: [
      GroupSpec(
        type: .mobile, areaCode: "7400", nationalLength: 10, location: "United Kingdom",
        price: Price(setup: "2.00", monthly: "4.50", perMinute: "0.05"), features: mobileFeatures,
        requirements: [identity, endUserAddress]),
      GroupSpec(
        type: .tollfree, areaCode: "800", nationalLength: 10, location: "United Kingdom",
        price: Price(setup: "10.00", monthly: "12.00", perMinute: "0.08"), features: [.voice], allowsSelection: false),
      GroupSpec(
        type: .national, areaCode: "330", nationalLength: 10, location: "United Kingdom",
        price: Price(setup: "0.00", monthly: "1.75", perMinute: "0.02"), features: [.voice]),
      GroupSpec(
        type: .sharedcost, areaCode: "845", nationalLength: 10, location: "United Kingdom",
        price: Price(setup: "0.00", monthly: "3.00", perMinute: "0.04"), features: [.voice]),
      GroupSpec(
        type: .global, areaCode: "8835100", nationalLength: 12, location: "International (iNum)",
        price: Price(setup: "0.00", monthly: "0.95", perMinute: nil), features: [.voice], poolSize: 2),
    ]),
  CountrySpec(
    code: "DE", name: "Germany", dialCode: "49", nationalLength: 10,
    cities: [
      CitySpec("Berlin", "30"), CitySpec("Munich", "89"), CitySpec("Hamburg", "40"), CitySpec("Frankfurt", "69"),
    ],
    localPrice: Price(setup: "5.00", monthly: "3.00", perMinute: "0.02"),
    localRequirements: [proofOfAddress, identity],
    localFeatures: [.voice],
    otherGroups: [
      GroupSpec(
        type: .mobile, areaCode: "151", nationalLength: 11, location: "Germany",
        price: Price(setup: "5.00", monthly: "9.00", perMinute: "0.06"), features: mobileFeatures,
        requirements: [identity], allowsSelection: false)
    ]),
  CountrySpec(
    code: "FR", name: "France", dialCode: "33", nationalLength: 9,
    cities: [CitySpec("Paris", "1"), CitySpec("Lyon", "4"), CitySpec("Toulouse", "5")],
    localPrice: Price(setup: "2.00", monthly: "3.50", perMinute: "0.02"),
    localRequirements: [proofOfAddress, identity],
    localFeatures: [.voice],
    otherGroups: [
      GroupSpec(
        type: .national, areaCode: "9", nationalLength: 9, location: "France",
        price: Price(setup: "0.00", monthly: "2.50", perMinute: "0.02"), features: [.voice, .smsIn]),
      GroupSpec(
        type: .sharedcost, areaCode: "81", nationalLength: 9, location: "France",
        price: Price(setup: "15.00", monthly: "6.00", perMinute: "0.05"), features: [.voice],
        requirements: [businessRegistration]),
    ]),
  CountrySpec(
    code: "ES", name: "Spain", dialCode: "34", nationalLength: 9,
    cities: [CitySpec("Madrid", "91"), CitySpec("Barcelona", "93"), CitySpec("Valencia", "96", poolSize: 2)],
    localPrice: Price(setup: "3.00", monthly: "3.00", perMinute: "0.02"),
    localRequirements: [proofOfAddress],
    localFeatures: [.voice],
    otherGroups: [
      GroupSpec(
        type: .tollfree, areaCode: "900", nationalLength: 9, location: "Spain",
        price: Price(setup: "20.00", monthly: "18.00", perMinute: "0.09"), features: [.voice])
    ]),
  CountrySpec(
    code: "BR", name: "Brazil", dialCode: "55", nationalLength: 10,
    cities: [CitySpec("São Paulo", "11"), CitySpec("Rio de Janeiro", "21"), CitySpec("Brasília", "61")],
    localPrice: Price(setup: "10.00", monthly: "6.00", perMinute: "0.03"),
    localFeatures: [.voice],
    otherGroups: [
      GroupSpec(
        type: .mobile, areaCode: "119", nationalLength: 11, location: "São Paulo",
        price: Price(setup: "10.00", monthly: "18.00", perMinute: "0.07"), features: mobileFeatures)
    ]),
  CountrySpec(
    code: "MX", name: "Mexico", dialCode: "52", nationalLength: 10,
    cities: [CitySpec("Mexico City", "55"), CitySpec("Guadalajara", "33"), CitySpec("Monterrey", "81")],
    localPrice: Price(setup: "0.00", monthly: "8.50", perMinute: "0.03"),
    localFeatures: [.voice, .smsIn],
    otherGroups: [
      GroupSpec(
        type: .tollfree, areaCode: "800", nationalLength: 10, location: "Mexico",
        price: Price(setup: "25.00", monthly: "20.00", perMinute: "0.10"), features: [.voice])
    ]),
  CountrySpec(
    code: "AU", name: "Australia", dialCode: "61", nationalLength: 9,
    cities: [CitySpec("Sydney", "2"), CitySpec("Melbourne", "3"), CitySpec("Brisbane", "7")],
    localPrice: Price(setup: "0.00", monthly: "5.00", perMinute: "0.02"),
    localFeatures: [.voice, .smsIn, .smsOut],
    otherGroups: [
      GroupSpec(
        type: .mobile, areaCode: "4", nationalLength: 9, location: "Australia",
        price: Price(setup: "5.00", monthly: "12.50", perMinute: "0.06"), features: mobileFeatures,
        requirements: [endUserAddress]),
      GroupSpec(
        type: .tollfree, areaCode: "1800", nationalLength: 10, location: "Australia",
        price: Price(setup: "0.00", monthly: "15.00", perMinute: "0.08"), features: [.voice], poolSize: 2),
    ]),
  CountrySpec(
    code: "JP", name: "Japan", dialCode: "81", nationalLength: 10,
    cities: [CitySpec("Tokyo", "3"), CitySpec("Osaka", "6"), CitySpec("Nagoya", "52", allowsSelection: false)],
    localPrice: Price(setup: "25.00", monthly: "12.00", perMinute: "0.04"),
    localRequirements: [proofOfAddress, identity, businessRegistration],
    localFeatures: [.voice],
    otherGroups: [
      GroupSpec(
        type: .national, areaCode: "50", nationalLength: 10, location: "Japan",
        price: Price(setup: "10.00", monthly: "7.00", perMinute: nil), features: [.voice], requirements: [identity]),
      GroupSpec(
        type: .tollfree, areaCode: "120", nationalLength: 9, location: "Japan",
        price: Price(setup: "30.00", monthly: "25.00", perMinute: "0.12"), features: [.voice], allowsSelection: false),
    ]),
]
