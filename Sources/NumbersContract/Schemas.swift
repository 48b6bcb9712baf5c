/// The shape of a JSON value in an answer, as the OpenAPI description states it.
public indirect enum Schema: Sendable, Equatable {
  case string
  case integer
  case boolean
  /// A price: a decimal number written as a string, such as `"3.50"`.
  case decimalString
  /// Text with these values only.
  case oneOf([String])
  case array(Schema)
  /// A named object of `ObjectSchema.all`.
  case object(String)
  /// An object with these fields, written in place rather than named.
  case fields([SchemaField])
  case nullable(Schema)
}

/// One field of an object: its name, its shape, and whether every answer has it.
public struct SchemaField: Sendable, Equatable {
  public var name: String
  public var schema: Schema
  public var required: Bool

  init<Name: FieldName>(_ name: Name, _ schema: Schema, required: Bool = true) {
    self.name = name.rawValue
    self.schema = schema
    self.required = required
  }
}

/// A kind of object in the contract's answers. Servers may send more fields than these; 2cs shows them all.
public struct ObjectSchema: Sendable, Equatable {
  public var name: String
  public var summary: String
  public var fields: [SchemaField]
  /// Whether answers often carry fields besides these (requirements vary by country; the API's description
  /// lists the others with "..."), so that a field not listed here may still be there.
  public var fieldsVary: Bool

  init(_ name: String, _ summary: String, _ fields: [SchemaField], fieldsVary: Bool = false) {
    self.name = name
    self.summary = summary
    self.fields = fields
    self.fieldsVary = fieldsVary
  }

  public static let region = ObjectSchema(
    "Region", "A region (state, province) of a country.",
    [.init(RegionField.id, .integer), .init(RegionField.name, .string), .init(RegionField.country, .string)])

  public static let city = ObjectSchema(
    "City", "A city with numbers.",
    [.init(CityField.id, .integer), .init(CityField.name, .string), .init(CityField.country, .string)])

  public static let didType = ObjectSchema(
    "DIDType", "A kind of number; `id` is what requirements takes, `name` what groups takes.",
    [.init(DIDTypeField.id, .integer), .init(DIDTypeField.name, .oneOf(DIDType.allCases.map(\.name)))])

  public static let price = ObjectSchema(
    "Price", "A group's prices, as decimal strings.",
    [
      .init(PriceField.setup, .decimalString), .init(PriceField.monthly, .decimalString),
      .init(PriceField.perMinute, .decimalString, required: false),
    ])

  public static let requirement = ObjectSchema(
    "Requirement", "A document or detail needed before numbers of a country and type work; fields vary by country.",
    [
      .init(RequirementField.id, .string), .init(RequirementField.name, .string),
      .init(RequirementField.description, .string, required: false),
      .init(RequirementField.type, .string, required: false),
      .init(RequirementField.country, .string, required: false),
      .init(RequirementField.didType, .string, required: false),
    ], fieldsVary: true)

  public static let group = ObjectSchema(
    "Group", "A number group: one catalogue of numbers sold on the same terms.",
    [
      .init(GroupField.id, .string), .init(GroupField.prefix, .string), .init(GroupField.location, .string),
      .init(GroupField.price, .object(price.name)), .init(GroupField.type, .oneOf(DIDType.allCases.map(\.name))),
      .init(GroupField.requirements, .array(.object(requirement.name))),
      .init(GroupField.allowNumberSelection, .boolean), .init(GroupField.isEligibleForFreeNumber, .boolean),
      .init(GroupField.features, .array(.oneOf(GroupFeature.allCases.map(\.rawValue)))),
    ])

  public static let availableNumber = ObjectSchema(
    "AvailableNumber", "A number of a group that can be chosen; `number` is in E.164.",
    [.init(AvailableNumberField.id, .string), .init(AvailableNumberField.number, .string)])

  public static let reservationDetails = ObjectSchema(
    "ReservationDetails", "A new reservation.",
    [
      .init(ReservationDetailsField.uuid, .string), .init(ReservationDetailsField.number, .string),
      .init(ReservationDetailsField.createdAt, .string), .init(ReservationDetailsField.expiresAt, .string),
    ])

  public static let reservation = ObjectSchema(
    "Reservation", "A number the account holds.",
    [
      .init(ReservationField.uuid, .string), .init(ReservationField.number, .string),
      .init(ReservationField.groupID, .string), .init(ReservationField.didType, .string),
      .init(ReservationField.country, .string), .init(ReservationField.location, .string),
      .init(ReservationField.setupPrice, .decimalString), .init(ReservationField.monthlyPrice, .decimalString),
      .init(ReservationField.ppm, .nullable(.decimalString), required: false),
      .init(ReservationField.reservationDate, .string), .init(ReservationField.reservationEndDate, .string),
      .init(ReservationField.needsRegistration, .boolean), .init(ReservationField.supportsSMSIn, .boolean),
      .init(ReservationField.supportsSMSOut, .boolean),
    ])

  public static let virtualNumber = ObjectSchema(
    "VirtualNumber", "A number the account owns.",
    [
      .init(VirtualNumberField.uuid, .string), .init(VirtualNumberField.phoneNumber, .string),
      .init(VirtualNumberField.formattedPhoneNumber, .string, required: false),
      .init(VirtualNumberField.country, .nullable(.string), required: false),
      .init(VirtualNumberField.regionName, .nullable(.string), required: false),
      .init(VirtualNumberField.friendlyName, .nullable(.string), required: false),
      .init(VirtualNumberField.providerType, .string, required: false),
      .init(VirtualNumberField.didType, .nullable(.string), required: false),
      .init(VirtualNumberField.status, .oneOf(VirtualNumberStatus.allCases.map(\.rawValue))),
      .init(VirtualNumberField.createdAt, .string, required: false),
    ], fieldsVary: true)

  public static let account = ObjectSchema(
    "Account", "The account the key belongs to.",
    [
      .init(AccountField.name, .string), .init(AccountField.uuid, .string), .init(AccountField.onTrial, .boolean),
      .init(AccountField.blocked, .boolean), .init(AccountField.createdAt, .string),
      .init(AccountField.expiresAt, .string, required: false),
    ])

  public static let limits = ObjectSchema(
    "Limits", "What the account may do.", [.init(LimitsField.requestsPerMinute, .nullable(.integer))])

  public static let usage = ObjectSchema(
    "Usage", "What the account has used; each API call costs one credit.",
    [
      .init(UsageField.apiRequestCount, .integer), .init(UsageField.maxAPIRequestCount, .integer),
      .init(UsageField.ownedNumbers, .integer, required: false),
    ], fieldsVary: true)

  /// Every kind of object, each referred to by name from the others and from the answers.
  public static let all: [ObjectSchema] = [
    region, city, didType, price, requirement, group, availableNumber, reservationDetails, reservation,
    virtualNumber, account, limits, usage,
  ]
}

/// Where an answer's fields stand, besides `success`.
public enum AnswerLayout: Sendable, Equatable {
  /// `{"success": true, "data": {NAME: ...}}`.
  case data(DataField, Schema)
  /// `{"success": true, field: ..., ...}`.
  case topLevel([SchemaField])
}

extension Endpoint.Route {
  /// The HTTP status of a success.
  public var successStatus: Int { self == .createReservation || self == .purchase ? 201 : 200 }

  /// A one-line account of what the call does.
  public var summary: String {
    switch self {
    case .regions: "The regions of a country (US, CA and GB have them)."
    case .cities: "The cities of a country, or of one of its regions."
    case .didTypes: "The kinds of number and their ids."
    case .groups: "Number groups: catalogues of numbers with their prices, features and requirements."
    case .requirements: "The documents needed for numbers of a country (and type); an empty list means none."
    case .available: "Numbers of a group that can be chosen, for groups that allow choosing."
    case .createReservation: "Holds a number (a chosen one, or a random one of the group) for a while, free."
    case .listReservations: "The numbers the account holds."
    case .cancelReservation: "Gives a held number back."
    case .purchase: "Buys a number: a chosen one, a reserved one, or a random one of the group."
    case .ownedNumbers: "One page of the numbers the account owns."
    case .releaseNumber: "Gives an owned number up; it becomes PENDING_CANCELLATION."
    case .info: "The account, its limits and its usage."
    }
  }

  /// What a success answer holds.
  public var answer: AnswerLayout {
    switch self {
    case .regions: .data(.regions, .array(.object(ObjectSchema.region.name)))
    case .cities: .data(.cities, .array(.object(ObjectSchema.city.name)))
    case .didTypes: .data(.didTypes, .array(.object(ObjectSchema.didType.name)))
    case .groups: .data(.groups, .array(.object(ObjectSchema.group.name)))
    case .requirements: .data(.requirements, .array(.object(ObjectSchema.requirement.name)))
    case .available: .data(.numbers, .array(.object(ObjectSchema.availableNumber.name)))
    case .createReservation: .data(.reservationDetails, .object(ObjectSchema.reservationDetails.name))
    case .listReservations: .data(.reservations, .array(.object(ObjectSchema.reservation.name)))
    case .cancelReservation: .topLevel([.init(MessageField.message, .string, required: false)])
    case .purchase:
      // The contract promises only `success`; these are what the sandbox adds.
      .topLevel([
        .init(PurchaseField.purchased, .array(.string), required: false),
        .init(PurchaseField.failed, .array(.string), required: false),
        .init(PurchaseField.numbers, .array(.object(ObjectSchema.virtualNumber.name)), required: false),
      ])
    case .ownedNumbers:
      .topLevel([
        .init(OwnedNumbersPageField.count, .integer, required: false),
        .init(OwnedNumbersPageField.page, .integer, required: false),
        .init(OwnedNumbersPageField.numbers, .array(.object(ObjectSchema.virtualNumber.name))),
      ])
    case .releaseNumber: .topLevel([])
    case .info:
      .topLevel([
        .init(InfoField.account, .object(ObjectSchema.account.name)),
        .init(InfoField.limits, .object(ObjectSchema.limits.name)),
        .init(InfoField.usage, .object(ObjectSchema.usage.name)),
        .init(InfoField.server, .string, required: false),
      ])
    }
  }
}
