import Foundation
import NumbersContract

extension Sandbox {
  static func success(_ name: DataField, _ value: JSONValue, status: Int = 200) -> APIResponse {
    var data = JSONObject()
    data[name] = value
    return APIResponse(status: .init(code: status), json: SuccessEnvelope.json(data: data))
  }

  static func successTopLevel(_ fields: JSONObject, status: Int = 200) -> APIResponse {
    APIResponse(status: .init(code: status), json: SuccessEnvelope.json(topLevel: fields))
  }

  /// A JSON object of the contract's fields, in the order given.
  static func object<Name: FieldName>(_ fields: KeyValuePairs<Name, JSONValue>) -> JSONValue {
    var object = JSONObject()
    for (name, value) in fields { object[name] = value }
    return .object(object)
  }

  // MARK: Catalog

  func country(_ call: CallContext) throws -> Catalog.Country {
    let code = try call.requiredParameter(.country)
    guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
      throw Failure.invalidParameter(.country, code, expected: "an upper-case ISO 3166 country code such as US")
    }
    guard let country = catalog.countries[code] else { throw Failure.notFound("country \(code)") }
    return country
  }

  func regions(_ call: CallContext) throws -> APIResponse {
    let country = try country(call)
    let regions = catalog.regions.filter { $0.country == country.code }.map { region in
      Self.object([RegionField.id: .int(region.id), .name: .string(region.name), .country: .string(region.country)])
    }
    return Self.success(.regions, .array(regions))
  }

  func cities(_ call: CallContext) throws -> APIResponse {
    let country = try country(call)
    let regionID = try call.integerParameter(.region, expected: "a region id (a whole number)")
    if let regionID, !catalog.regions.contains(where: { $0.id == regionID && $0.country == country.code }) {
      throw Failure.notFound("region \(regionID) in \(country.code)")
    }
    let cities = catalog.cities.filter { $0.country == country.code && (regionID == nil || $0.regionID == regionID) }
      .map { city in
        Self.object([CityField.id: .int(city.id), .name: .string(city.name), .country: .string(city.country)])
      }
    return Self.success(.cities, .array(cities))
  }

  func didTypes() -> APIResponse {
    let types = DIDType.allCases.map { type in
      Self.object([DIDTypeField.id: .int(type.rawValue), .name: .string(type.name)])
    }
    return Self.success(.didTypes, .array(types))
  }

  func groups(_ call: CallContext) throws -> APIResponse {
    let country = try country(call)
    let regionID = try call.integerParameter(.regionID, expected: "a region id (a whole number)")
    let cityID = try call.integerParameter(.cityID, expected: "a city id (a whole number)")
    if let regionID, !catalog.regions.contains(where: { $0.id == regionID && $0.country == country.code }) {
      throw Failure.notFound("region \(regionID) in \(country.code)")
    }
    if let cityID, !catalog.cities.contains(where: { $0.id == cityID && $0.country == country.code }) {
      throw Failure.notFound("city \(cityID) in \(country.code)")
    }
    var type: DIDType?
    if let name = call.parameter(.didType), name != DIDType.allTypesName {
      guard let known = DIDType(name: name) else {
        let names = DIDType.allCases.map(\.name).joined(separator: ", ")
        throw Failure.invalidParameter(.didType, name, expected: "one of \(names) or \(DIDType.allTypesName)")
      }
      type = known
    }
    let nearby = call.parameter(.cityNameOrPrefix).map(Nearby.init)
    let groups = catalog.groups.filter { group in
      group.country == country.code && (type == nil || group.type == type)
        && (regionID == nil || group.regionID == regionID) && (cityID == nil || group.cityID == cityID)
        && (nearby?.includes(group) ?? true)
    }
    return Self.success(.groups, .array(groups.map(\.json)))
  }

  /// A city name's beginning (any case) or the digits a group's numbers start with: in international form, or
  /// as an area code, written with the national trunk `0` or without it (`020` and `20` are London's).
  /// The text is read once, not once a group: it may be as long as a request line allows.
  private struct Nearby {
    /// The digits, when the text is digits alone (with `+() -` between them), and the same without a trunk `0`.
    var digits: (all: String, withoutTrunk: String)?
    var lowercased: String

    init(_ text: String) {
      let digits = text.filter(\.isNumber)
      if !digits.isEmpty, digits.count == text.filter({ !"+() -".contains($0) }).count {
        self.digits = (digits, digits.hasPrefix("0") ? String(digits.dropFirst()) : digits)
      }
      lowercased = text.lowercased()
    }

    func includes(_ group: Catalog.Group) -> Bool {
      guard let digits else { return group.cityID != nil && group.location.lowercased().hasPrefix(lowercased) }
      let groupDigits = group.prefix.filter(\.isNumber)
      let areaCode = group.prefix.split(separator: "(").last?.filter(\.isNumber) ?? ""
      return groupDigits.hasPrefix(digits.all) || areaCode.hasPrefix(digits.all)
        || (!digits.withoutTrunk.isEmpty && areaCode.hasPrefix(digits.withoutTrunk))
    }
  }

  func requirements(_ call: CallContext) throws -> APIResponse {
    let country = try country(call)
    var types = DIDType.allCases
    if let text = call.parameter(.didType) {
      guard let id = Int(text), let type = DIDType(rawValue: id) else {
        throw Failure.invalidParameter(
          .didType, text, expected: "a DID type id from \(Endpoint.didTypes.path) (1 to \(DIDType.allCases.count))")
      }
      types = [type]
    }
    let items = types.flatMap { type in
      catalog.requirements(country: country.code, type: type).map { $0.json(country: country.code, type: type) }
    }
    return Self.success(.requirements, .array(items))
  }

  func available(_ call: CallContext, account: String) throws -> APIResponse {
    try refresh()
    let group = try group(id: try call.requiredParameter(.groupID))
    var contains: String?
    if let text = call.parameter(.numberContains) {
      guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
        throw Failure.invalidParameter(.numberContains, text, expected: "digits only")
      }
      contains = text
    }
    guard group.allowsSelection else { throw Failure.selectionNotAllowed(groupID: group.id) }
    let free = freeNumbers(in: group, state: state).filter { contains == nil || $0.e164.contains(contains ?? "") }
    let items = free.map { number in
      Self.object([AvailableNumberField.id: .string(number.id), .number: .string(number.e164)])
    }
    return Self.success(.numbers, .array(items))
  }

  // MARK: Reservations and purchases

  func group(id: String) throws -> Catalog.Group {
    guard let group = catalog.group(id: id) else { throw Failure.notFound("group \(Failure.shown(id))") }
    return group
  }

  func freeNumbers(in group: Catalog.Group, state: SandboxState) -> [Catalog.PoolNumber] {
    let moment = now
    var taken = Set(state.owned.lazy.filter { $0.groupID == group.id }.map(\.numberID))
    for reservation in state.reservations where reservation.groupID == group.id && reservation.expiresAt > moment {
      taken.insert(reservation.numberID)
    }
    return group.numbers.filter { !taken.contains($0.id) }
  }

  /// The group and, if the body names one, the number of a reserve or purchase request.
  /// The group and chosen number of a reservation or purchase. A group that does not let callers choose still
  /// sells a number `purchaser` holds a reservation of: that is how its random numbers are bought by name.
  private func target(of call: CallContext, purchaser: String? = nil) throws
    -> (group: Catalog.Group, number: Catalog.PoolNumber?)
  {
    let body = try call.bodyObject()
    guard let groupValue = body[PurchaseBodyField.groupID], groupValue != .null else {
      throw Failure.missingParameter(PurchaseBodyField.groupID)
    }
    guard let groupID = groupValue.stringValue ?? (groupValue.intValue.map(String.init)) else {
      throw Failure.invalidParameter(PurchaseBodyField.groupID, groupValue.jsonText, expected: "a group id string")
    }
    let group = try group(id: groupID)
    guard let numberValue = body[PurchaseBodyField.number], numberValue != .null else { return (group, nil) }
    guard let number = numberValue.stringValue, !number.isEmpty else {
      throw Failure.invalidParameter(
        PurchaseBodyField.number, numberValue.jsonText, expected: "a phone number in E.164, like +12135550123")
    }
    let moment = now
    let reserved = state.reservations.contains { reservation in
      reservation.account == purchaser && reservation.number == number && reservation.expiresAt > moment
    }
    guard group.allowsSelection || reserved else { throw Failure.selectionNotAllowed(groupID: group.id) }
    guard let entry = catalog.poolEntry(for: number, in: group) else {
      throw Failure.conflict("number \(Failure.shown(number)) is not in group \(group.id)")
    }
    return (group, entry)
  }

  /// Refuses a number someone else holds; returns this account's live reservation of it, if any.
  private func checkHolder(of number: Catalog.PoolNumber, account: String, in state: SandboxState) throws
    -> SandboxState.Reservation?
  {
    if state.owned.contains(where: { $0.numberID == number.id }) {
      throw Failure.conflict("number \(number.e164) is already taken")
    }
    let moment = now
    guard let reservation = state.reservations.first(where: { $0.numberID == number.id && $0.expiresAt > moment })
    else { return nil }
    guard reservation.account == account else {
      throw Failure.conflict("number \(number.e164) is reserved by another account")
    }
    return reservation
  }

  private func randomFreeNumber(in group: Catalog.Group, state: inout SandboxState) throws -> Catalog.PoolNumber {
    let free = freeNumbers(in: group, state: state)
    guard !free.isEmpty else { throw Failure.conflict("no numbers left in group \(group.id)") }
    var random = SeededRandom(seed: state.seed, "pick", String(state.issued))
    return free[Int(random.next() % UInt64(free.count))]
  }

  func reserve(_ call: CallContext, account: String) throws -> APIResponse {
    let (group, chosen) = try target(of: call)
    let lifetime = configuration.reservationLifetime
    let moment = now
    let reservation = try commit { state -> SandboxState.Reservation in
      let number: Catalog.PoolNumber
      if let chosen {
        if let mine = try checkHolder(of: chosen, account: account, in: state) {
          throw Failure.conflict("number \(chosen.e164) is already reserved by this account (reservation \(mine.uuid))")
        }
        number = chosen
      } else {
        number = try randomFreeNumber(in: group, state: &state)
      }
      let reservation = SandboxState.Reservation(
        uuid: state.nextUUID(), account: account, groupID: group.id, numberID: number.id, number: number.e164,
        createdAt: moment, expiresAt: moment.addingTimeInterval(lifetime))
      state.reservations.append(reservation)
      return reservation
    }
    let details = Self.object([
      ReservationDetailsField.uuid: .string(reservation.uuid), .number: .string(reservation.number),
      .createdAt: .string(reservation.createdAt.apiText), .expiresAt: .string(reservation.expiresAt.apiText),
    ])
    return Self.success(.reservationDetails, details, status: 201)
  }

  func listReservations(account: String) throws -> APIResponse {
    try refresh()
    let moment = now
    let items = state.reservations.filter { $0.account == account && $0.expiresAt > moment }.compactMap {
      reservation -> JSONValue? in
      guard let group = catalog.group(id: reservation.groupID) else { return nil }
      return Self.object([
        ReservationField.uuid: .string(reservation.uuid), .number: .string(reservation.number),
        .groupID: .string(group.id), .didType: .string(group.type.name), .country: .string(group.country),
        .location: .string(group.location), .setupPrice: .string(group.price.setup),
        .monthlyPrice: .string(group.price.monthly), .ppm: group.price.perMinute.json,
        .reservationDate: .string(reservation.createdAt.apiText),
        .reservationEndDate: .string(reservation.expiresAt.apiText),
        .needsRegistration: .bool(!group.requirements.isEmpty),
        .supportsSMSIn: .bool(group.features.contains(.smsIn)),
        .supportsSMSOut: .bool(group.features.contains(.smsOut)),
      ])
    }
    return Self.success(.reservations, .array(items))
  }

  func cancelReservation(uuid: String, account: String) throws -> APIResponse {
    let moment = now
    // A uuid that names no reservation is answered without taking the state's lock and copying it.
    try refresh()
    guard state.reservations.contains(where: { $0.uuid == uuid }) else {
      throw Failure.notFound("reservation \(Failure.shown(uuid))")
    }
    let number = try commit { state -> String in
      guard
        let index = state.reservations.firstIndex(where: {
          $0.uuid == uuid && $0.account == account && $0.expiresAt > moment
        })
      else { throw Failure.notFound("reservation \(Failure.shown(uuid))") }
      return state.reservations.remove(at: index).number
    }
    var answer = JSONObject()
    answer[MessageField.message] = .string("reservation \(uuid) cancelled; \(number) is available again")
    return Self.successTopLevel(answer)
  }

  func purchase(_ call: CallContext, account: String) throws -> APIResponse {
    try refresh()
    let (group, chosen) = try target(of: call, purchaser: account)
    let moment = now
    let bought = try commit { state -> SandboxState.OwnedNumber in
      let number: Catalog.PoolNumber
      if let chosen {
        if let mine = try checkHolder(of: chosen, account: account, in: state) {
          state.reservations.removeAll { $0.uuid == mine.uuid }
        }
        number = chosen
      } else {
        number = try randomFreeNumber(in: group, state: &state)
      }
      let owned = SandboxState.OwnedNumber(
        uuid: VirtualNumberID.prefix + state.nextUUID(), account: account, groupID: group.id, numberID: number.id,
        number: number.e164, createdAt: moment)
      state.owned.append(owned)
      return owned
    }
    if configuration.faults.listLate > 0 { unlistedNumbers[bought.uuid] = configuration.faults.listLate }
    var answer = JSONObject()
    answer[PurchaseField.purchased] = [.string(bought.number)]
    answer[PurchaseField.failed] = []
    answer[PurchaseField.numbers] = [virtualNumberJSON(bought)]
    return Self.successTopLevel(answer, status: 201)
  }

  // MARK: Owned numbers

  func status(of owned: SandboxState.OwnedNumber) -> VirtualNumberStatus {
    if let released = owned.releasedAt {
      return now.timeIntervalSince(released) >= configuration.releaseDelay ? .released : .pendingCancellation
    }
    let needsDocuments = catalog.group(id: owned.groupID).map { !$0.requirements.isEmpty } ?? false
    return needsDocuments ? .awaitingRegistration : .active
  }

  func virtualNumberJSON(_ owned: SandboxState.OwnedNumber) -> JSONValue {
    let group = catalog.group(id: owned.groupID)
    let formatted = group.flatMap { catalog.poolEntry(for: owned.number, in: $0)?.formatted } ?? owned.number
    return Self.object([
      VirtualNumberField.uuid: .string(owned.uuid), .phoneNumber: .string(owned.number),
      .formattedPhoneNumber: .string(formatted), .country: group.map { .string($0.country) } ?? .null,
      .regionName: (group?.regionName ?? group?.countryName).json,
      .friendlyName: group.map { .string($0.location) } ?? .null,
      .providerType: "sandbox", .didType: group.map { .string($0.type.name) } ?? .null,
      .status: .string(status(of: owned).rawValue), .createdAt: .string(owned.createdAt.apiText),
    ])
  }

  func ownedNumbers(_ call: CallContext, account: String) throws -> APIResponse {
    try refresh()
    let page =
      try call.integerParameter(
        .pageNumber, in: 0...QueryParameter.largestPage,
        expected: "a page number counted from 0, at most \(QueryParameter.largestPage)") ?? 0
    let asked = try call.integerParameter(.resultsPerPage, expected: "a whole number from 1 to 100") ?? 50
    guard (1...100).contains(asked) else {
      throw Failure.invalidParameter(.resultsPerPage, String(asked), expected: "a whole number from 1 to 100")
    }
    let faults = configuration.faults
    let perPage = min(asked, faults.pageCap ?? asked)
    let mine = state.owned.filter { $0.account == account && unlistedNumbers[$0.uuid] == nil }
    for (uuid, answers) in unlistedNumbers { unlistedNumbers[uuid] = answers > 1 ? answers - 1 : nil }
    let start = min(mine.count, page * perPage)
    var numbers = mine[start..<min(mine.count, start + perPage)].map(virtualNumberJSON)
    if faults.numbersWithoutPlus {
      numbers = numbers.map { number in
        var object = number.objectValue ?? [:]
        object[VirtualNumberField.phoneNumber] = object[VirtualNumberField.phoneNumber]?.stringValue.map {
          .string(String($0.drop { $0 == "+" }))
        }
        return .object(object)
      }
    }
    var body = JSONObject()
    if !faults.omitCount { body[OwnedNumbersPageField.count] = .int(mine.count) }
    body[OwnedNumbersPageField.page] = .int(page)
    body[OwnedNumbersPageField.numbers] = .array(numbers)
    return Self.successTopLevel(body)
  }

  func release(uuid: String, account: String) throws -> APIResponse {
    guard VirtualNumberID.isWellFormed(uuid) else {
      throw Failure.invalidParameter(pathID: uuid, expected: "DID followed by a 36-character UUID")
    }
    let moment = now
    try commit { state in
      guard let index = state.owned.firstIndex(where: { $0.uuid == uuid && $0.account == account }) else {
        throw Failure.notFound("virtual number \(Failure.shown(uuid))")
      }
      guard state.owned[index].releasedAt == nil else {
        throw Failure.conflict("virtual number \(uuid) is already released")
      }
      state.owned[index].releasedAt = moment
    }
    return Self.successTopLevel([:])
  }

  func info(account: String) -> APIResponse {
    let number = Int(account.split(separator: "-").last ?? "1") ?? 1
    var random = SeededRandom(seed: state.seed, "account", account)
    let created = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    var answer = JSONObject()
    answer[InfoField.account] = Self.object([
      AccountField.name: .string("Sandbox account \(number)"), .uuid: .string(random.uuid()), .onTrial: false,
      .blocked: false, .createdAt: .string(created.apiText),
      .expiresAt: .string(created.addingTimeInterval(3 * 365 * 86_400).apiText),
    ])
    answer[InfoField.limits] = Self.object([
      LimitsField.requestsPerMinute: configuration.requestsPerMinute.map(JSONValue.int) ?? .null
    ])
    answer[InfoField.usage] = Self.object([
      UsageField.apiRequestCount: .int(usage(of: account)), .maxAPIRequestCount: .int(100_000),
      .ownedNumbers: .int(state.owned.filter { $0.account == account && $0.releasedAt == nil }.count),
    ])
    answer[InfoField.server] = .string(SandboxIdentification.infoValue)
    return Self.successTopLevel(answer)
  }
}
