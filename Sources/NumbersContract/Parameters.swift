/// The query parameters of the contract's endpoints.
public enum QueryParameter: String, Sendable, CaseIterable {
  case country, region
  case regionID = "region_id"
  case cityID = "city_id"
  case cityNameOrPrefix = "city_name_or_prefix"
  case didType = "did_type"
  case groupID = "group_id"
  case numberContains = "number_contains"
  case pageNumber = "page_number"
  case resultsPerPage = "results_per_page"

  /// The most numbers one page of owned numbers holds.
  public static let largestResultsPerPage = 100
  /// The last page that can be asked for: its first number's place, the page times the results per page, is
  /// a whole number a server can hold.
  public static let largestPage = Int.max / largestResultsPerPage
}

/// What a parameter or body field holds, as the OpenAPI description states it.
public enum ParameterKind: Sendable, Equatable {
  case string
  /// An ISO 3166 country code: two upper-case letters.
  case countryCode
  /// A whole number in this range.
  case integerIn(ClosedRange<Int>)
  /// Text of decimal digits only.
  case digits
  /// Text with these values only.
  case oneOf([String])
}

/// One parameter of an endpoint.
public struct ParameterSpec<Name: RawRepresentable<String> & Sendable>: Sendable {
  public var name: Name
  public var kind: ParameterKind
  public var required: Bool
  public var summary: String

  init(_ name: Name, _ kind: ParameterKind, required: Bool = false, _ summary: String) {
    self.name = name
    self.kind = kind
    self.required = required
    self.summary = summary
  }
}

/// The kinds of phone number (DID: direct inward dialling) the API sells; `did_type` names them in
/// `groups` and numbers them in `requirements`.
public enum DIDType: Int, Sendable, CaseIterable {
  case local = 1, mobile, tollfree, national, global, sharedcost

  public var name: String { String(describing: self) }

  public init?(name: String) {
    guard let match = DIDType.allCases.first(where: { $0.name == name }) else { return nil }
    self = match
  }

  /// What `groups` takes for "every type".
  public static let allTypesName = "all"
}

extension Endpoint.Route {
  public var queryParameters: [ParameterSpec<QueryParameter>] {
    let country = ParameterSpec(
      QueryParameter.country, .countryCode, required: true, "an upper-case ISO 3166 country code, such as US")
    let id = ParameterKind.integerIn(0...Int.max)
    switch self {
    case .regions: return [country]
    case .cities: return [country, .init(.region, id, "a region id from regions")]
    case .groups:
      return [
        country, .init(.regionID, id, "only groups in this region"),
        .init(.cityID, id, "only groups in this city"),
        .init(.cityNameOrPrefix, .string, "the start of a city's name, or an area code"),
        .init(.didType, .oneOf(DIDType.allCases.map(\.name) + [DIDType.allTypesName]), "a DID type name, or all"),
      ]
    case .requirements:
      return [country, .init(.didType, .integerIn(1...DIDType.allCases.count), "a DID type id from did-types")]
    case .available:
      return [
        .init(.groupID, .string, required: true, "a group id from groups"),
        .init(.numberContains, .digits, "digits the number must contain"),
      ]
    case .ownedNumbers:
      return [
        .init(.pageNumber, .integerIn(0...QueryParameter.largestPage), "the page, counted from 0"),
        .init(
          .resultsPerPage, .integerIn(1...QueryParameter.largestResultsPerPage),
          "numbers per page, 1 to \(QueryParameter.largestResultsPerPage)"),
      ]
    case .didTypes, .createReservation, .listReservations, .cancelReservation, .purchase, .releaseNumber, .info:
      return []
    }
  }

  /// The query parameter of this name, if the route takes it.
  public func queryParameter(_ name: QueryParameter) -> ParameterSpec<QueryParameter>? {
    queryParameters.first { $0.name == name }
  }

  /// The fields of the JSON body a write sends.
  public var bodyFields: [ParameterSpec<PurchaseBodyField>] {
    switch self {
    case .createReservation, .purchase:
      return [
        .init(.groupID, .string, required: true, "a group id from groups"),
        .init(.number, .string, "a number in E.164 (+12135550123); without it, a random number of the group"),
      ]
    default: return []
    }
  }
}
