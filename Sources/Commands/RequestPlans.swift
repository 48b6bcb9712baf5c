import Language
import NumbersContract

/// What the API commands would send, for `explain`: which of their requests and with what parameters, read from
/// what is written and what is piped in. Each follows what its command's code does.
extension RequestPlanner {
  /// The calls of the contract, with these values for their parameters (the arguments given, and what the
  /// command reads from the value piped in); paged calls are sent once a page.
  static func contract(_ values: @escaping @Sendable (CallSketch) -> [String: String]) -> RequestPlanner {
    RequestPlanner { sketch, calls in
      let given = sketch.arguments.merging(values(sketch)) { _, read in read }
      return RequestPlan(requests: calls.map { planned($0, given) })
    }
  }

  /// `regions`: the country given, or the text piped in.
  static let regions = contract { sketch in
    [QueryParameter.country.rawValue: sketch.arguments[QueryParameter.country.rawValue] ?? pipedText(sketch)]
      .compactMapValues { $0 }
  }

  /// `cities`: from a region piped in, its country and id.
  static let cities = contract { sketch in
    var values: [String: String] = [:]
    let country = QueryParameter.country.rawValue
    let region = QueryParameter.region.rawValue
    if sketch.isPiped, sketch.input.rows.kind != .string {
      values[country] = sketch.arguments[country] ?? sketch.piped
      values[region] = sketch.arguments[region] ?? sketch.piped
    } else {
      values[country] = sketch.arguments[country] ?? pipedText(sketch)
    }
    return values.compactMapValues { $0 }
  }

  /// `groups`: from a region or a city piped in, its country and id.
  static let groups = contract { sketch in
    var values: [String: String] = [:]
    let country = QueryParameter.country.rawValue
    guard sketch.isPiped, sketch.input.rows.kind != .string else {
      return [country: sketch.arguments[country] ?? pipedText(sketch)].compactMapValues { $0 }
    }
    values[country] = sketch.arguments[country] ?? sketch.piped
    if sketch.pipedHas(CityField.name.rawValue) != false {
      values[QueryParameter.cityID.rawValue] = sketch.arguments[QueryParameter.cityID.rawValue] ?? sketch.piped
    }
    if sketch.pipedHas(RegionField.name.rawValue) != false {
      values[QueryParameter.regionID.rawValue] = sketch.arguments[QueryParameter.regionID.rawValue] ?? sketch.piped
    }
    return values.compactMapValues { $0 }
  }

  /// `requirements`: the country and type given, or a group's; a type given by name is looked up first.
  static let requirements = RequestPlanner { sketch, calls in
    let country = QueryParameter.country.rawValue
    let didType = QueryParameter.didType.rawValue
    // A group given as the first argument (`requirements $g`) is read as one piped in.
    var group = sketch.isPiped ? sketch.piped : nil
    var countryValue = sketch.arguments[country]
    if let given = countryValue, sketch.literals[country] == nil {
      group = given
      countryValue = nil
    }
    countryValue = countryValue ?? group
    var typeValue: String?
    var namedType: String?
    switch sketch.literals[didType] {
    case .number(let id)?: typeValue = id.description
    case .string(let name)?:
      typeValue = "<id of \(name)>"
      namedType = name
    default:
      if let given = sketch.arguments[didType] {
        typeValue = "<id of \(given)>"
        namedType = given
      } else if let group {
        typeValue = "<id of the type of \(origin(of: group))>"
        namedType = "the group's type"
      }
    }
    var values: [String: String] = [:]
    values[country] = countryValue
    values[didType] = typeValue
    var requests: [PlannedRequest] = []
    for call in calls {
      if call.path == Endpoint.Route.didTypes.pathTemplate {
        guard let namedType else { continue }
        requests.append(
          PlannedRequest(call, sending: .when("the first time this session: to learn the id of \(namedType)")))
      } else {
        requests.append(planned(call, values))
      }
    }
    return RequestPlan(requests: requests)
  }

  /// `available`: the group given or piped in.
  static let available = contract { sketch in
    [QueryParameter.groupID.rawValue: sketch.arguments[QueryParameter.groupID.rawValue] ?? sketch.pipedIfAny]
      .compactMapValues { $0 }
  }

  /// `reserve`: the group, and the number when one is chosen (given, or a number from `available` piped in).
  static let reserve = contract { sketch in
    let group = PurchaseBodyField.groupID.rawValue
    let number = PurchaseBodyField.number.rawValue
    let chosen = sketch.arguments[number] ?? (sketch.pipedHas(number) == true ? sketch.piped : nil)
    return [group: sketch.arguments[group] ?? sketch.pipedIfAny, number: chosen].compactMapValues { $0 }
  }

  /// `cancel` and `release`: the uuid given or piped in.
  static let byUUID = contract { sketch in
    let uuid = Endpoint.Route.pathParameterName
    return [uuid: sketch.arguments[uuid] ?? sketch.pipedIfAny].compactMapValues { $0 }
  }

  /// `release`: a phone number is looked up among yours first, to find its uuid.
  static let release = RequestPlanner { sketch, calls in
    let uuid = Endpoint.Route.pathParameterName
    let given = sketch.arguments[uuid]
    let lookup: PlannedRequest.Sending?
    switch sketch.literals[uuid] {
    case .string(let key)? where key.hasPrefix("+") || key.allSatisfy({ $0.isNumber || " ()-.".contains($0) }):
      lookup = .perPage("a phone number: its uuid is looked for among your numbers, once a page of 50")
    case .string?: lookup = nil
    default:
      if given == nil, sketch.pipedHas(VirtualNumberField.uuid.rawValue) == true,
        sketch.pipedHas(VirtualNumberField.phoneNumber.rawValue) == true
      {
        lookup = nil
      } else {
        lookup = .when("for a phone number (not a uuid): to find its uuid, once a page of 50 of your numbers")
      }
    }
    var requests: [PlannedRequest] = []
    for call in calls {
      if call.path == Endpoint.Route.releaseNumber.pathTemplate {
        requests.append(planned(call, [uuid: given ?? sketch.pipedIfAny ?? "<uuid>"]))
      } else if let lookup {
        requests.append(PlannedRequest(call, sending: lookup, arguments: pages))
      }
    }
    return RequestPlan(requests: requests)
  }

  /// `numbers`: every page of the account's numbers.
  static let numbers = RequestPlanner { _, calls in
    RequestPlan(
      requests: calls.map {
        PlannedRequest($0, sending: .perPage("once a page of 50, until a page comes back empty"), arguments: pages)
      })
  }

  /// `purchase`: a random number is picked first, a chosen one looked for among yours, so that an answer lost on
  /// the way can be checked against the account; then the purchase, which spends money.
  static let purchase = RequestPlanner { sketch, calls in
    let group = PurchaseBodyField.groupID.rawValue
    let number = PurchaseBodyField.number.rawValue
    let groupValue = sketch.arguments[group] ?? sketch.pipedIfAny ?? "<group>"
    let chosenValue = sketch.arguments[number] ?? (sketch.pipedHas(number) == true ? sketch.piped : nil)
    // Unknown when nothing says whether the piped record names a number.
    let chosen: Bool? = chosenValue != nil ? true : (sketch.pipedHas(number) == nil ? nil : false)
    let route: (APICall) -> Endpoint.Route? = { call in
      Endpoint.Route.allCases.first { $0.method.rawValue == call.method && $0.pathTemplate == call.path }
    }
    var requests: [PlannedRequest] = []
    for call in calls {
      switch route(call) {
      case .available? where chosen != true:
        requests.append(
          PlannedRequest(
            call, sending: .when("if the group allows choosing: to pick the number to buy"),
            arguments: [.init(QueryParameter.groupID.rawValue, groupValue)]))
      case .createReservation? where chosen != true:
        requests.append(
          PlannedRequest(
            call,
            sending: .when(
              "if the group does not allow choosing, or offers none: a free reservation tells which number is bought"),
            arguments: [.init(group, groupValue)]))
      case .ownedNumbers? where chosen != false:
        requests.append(
          PlannedRequest(
            call,
            sending: chosen == true
              ? .perPage("to check the number is not yours already: once a page of 50 of your numbers")
              : .when("for a number you chose: to check it is not yours already, once a page of 50"),
            arguments: pages))
      case .purchase?:
        let bought = chosenValue ?? (chosen == false ? "<the number picked above>" : "<the number>")
        requests.append(
          PlannedRequest(
            call, arguments: [.init(group, groupValue), .init(number, bought)], money: price(sketch)))
      default: continue
      }
    }
    let note: String
    switch chosen {
    case true?:
      note =
        "A chosen number: 2cs first looks for it among your numbers, so that if the purchase's answer is lost, "
        + "finding it there means it was bought, never a number you had already; a purchase is never sent twice."
    case false?:
      note =
        "A random number: 2cs first picks which number it buys (available where the group allows choosing, else "
        + "a free reservation), so that if the purchase's answer is lost it can look for that number among yours "
        + "and tell whether it was bought; a purchase is never sent twice."
    case nil:
      note =
        "A random number is picked first (available, or a free reservation); a chosen one is first looked for "
        + "among your numbers: either way a lost answer can be checked, and a purchase is never sent twice."
    }
    return RequestPlan(
      requests: requests, note: note, fewest: chosen == false ? 2 : nil,
      caution:
        "On a live account a purchase asks first (a script needs --yes), and --budget caps what a session spends.")
  }
}

extension CallSketch {
  /// The piped value's placeholder, when something is piped in.
  fileprivate var pipedIfAny: String? { isPiped ? piped : nil }
}

/// A piped country code: the text piped in.
private func pipedText(_ sketch: CallSketch) -> String? {
  sketch.isPiped && sketch.input.kind != .record && sketch.input.kind != .list ? sketch.piped : nil
}

/// What a placeholder names: `groups` for `<from groups>`.
private func origin(of placeholder: String) -> String {
  guard placeholder.hasPrefix("<from "), placeholder.hasSuffix(">") else { return placeholder }
  return String(placeholder.dropFirst("<from ".count).dropLast())
}

/// The page parameters 2cs sends when it reads the account's numbers.
private let pages: [PlannedRequest.Argument] = [
  .init(QueryParameter.pageNumber.rawValue, "0,1,…"), .init(QueryParameter.resultsPerPage.rawValue, "50"),
]

/// A call of the contract with the values of its parameters that are known; the account's numbers by page.
private func planned(_ call: APICall, _ values: [String: String]) -> PlannedRequest {
  if call.path == Endpoint.Route.ownedNumbers.pathTemplate {
    return PlannedRequest(call, sending: .perPage("once a page of 50, until a page comes back empty"), arguments: pages)
  }
  return PlannedRequest(
    call, sending: call.when.map(PlannedRequest.Sending.when) ?? .always,
    arguments: call.parameters.compactMap { name in values[name].map { .init(name, $0) } })
}

/// What a purchase spends: the price when the group piped in is known, else where it is read from.
private func price(_ sketch: CallSketch) -> String {
  if case .record? = sketch.pipedValue, let value = sketch.pipedValue {
    let price = value.field(GroupField.price) ?? value
    if let setup = price.field(PriceField.setup)?.decimal, let monthly = price.field(PriceField.monthly)?.decimal,
      let total = setup.adding(monthly)
    {
      return "\(setup) setup + \(monthly) first month = \(total)"
    }
  }
  if sketch.pipedHas(ReservationField.setupPrice.rawValue) == true {
    return "the reservation's setup_price + monthly_price (its first month)"
  }
  return "the group's setup price + first month (price.setup_price + price.monthly_price)"
}
