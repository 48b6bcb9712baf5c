public import OrderedCollections

/// The name of a field in a JSON object of the contract. Each kind of object has its own enum of names, so a
/// misspelt or renamed field fails to compile wherever it is read or written.
public protocol FieldName: RawRepresentable<String>, CaseIterable, Sendable {}

extension OrderedDictionary where Key == String, Value == JSONValue {
  /// The field with this name.
  public subscript<Name: FieldName>(_ name: Name) -> Value? {
    get { self[name.rawValue] }
    set { self[name.rawValue] = newValue }
  }
}

extension JSONValue {
  public subscript<Name: FieldName>(_ name: Name) -> JSONValue? { self[name.rawValue] }
}

/// The fields every answer has, around its data: `{"success": true, "data": {...}}`, or the error envelope
/// `{"success": false, "error": true, "error_message": "..."}`.
public enum EnvelopeField: String, FieldName {
  case success, data, error
  case errorMessage = "error_message"
}

/// The lists and objects inside `data`, one per endpoint.
public enum DataField: String, FieldName {
  case regions, cities, groups, requirements, numbers, reservations
  case didTypes = "did_types"
  case reservationDetails = "reservation_details"
}

public enum RegionField: String, FieldName {
  case id
  case name = "region_name"
  case country = "iso_country_code"
}

public enum CityField: String, FieldName {
  case id
  case name = "city_name"
  case country = "iso_country_code"
}

public enum DIDTypeField: String, FieldName {
  case id, name
}

/// A number group: one catalogue of numbers sold on the same terms.
public enum GroupField: String, FieldName {
  case id, prefix, location, price, type, requirements, features
  case allowNumberSelection = "allow_number_selection"
  case isEligibleForFreeNumber = "is_eligible_for_free_number"
}

/// A group's prices: decimal strings, `ppm` (per minute) only where calls are charged.
public enum PriceField: String, FieldName {
  case setup = "setup_price"
  case monthly = "monthly_price"
  case perMinute = "ppm"
}

/// A regulatory requirement; servers may add fields of their own, varying by country.
public enum RequirementField: String, FieldName {
  case id, name, description, type
  case country = "iso_country_code"
  case didType = "did_type"
}

/// A number `available` offers.
public enum AvailableNumberField: String, FieldName {
  case id, number
}

/// The answer to a new reservation.
public enum ReservationDetailsField: String, FieldName {
  case uuid, number
  case createdAt = "created_at"
  case expiresAt = "expires_at"
}

/// A reservation as `GET /open/numbers/reservations` lists it.
public enum ReservationField: String, FieldName {
  case uuid, number, location, ppm
  case groupID = "did_group_id"
  case didType = "did_type"
  case country = "iso_country_code"
  case setupPrice = "setup_price"
  case monthlyPrice = "monthly_price"
  case reservationDate = "reservation_date"
  case reservationEndDate = "reservation_end_date"
  case needsRegistration = "needs_registration"
  case supportsSMSIn = "supports_sms_in"
  case supportsSMSOut = "supports_sms_out"
}

/// An answer that only says what happened, such as a cancelled reservation's.
public enum MessageField: String, FieldName {
  case message
}

/// The sandbox's answer to a purchase (the contract promises only `success`).
public enum PurchaseField: String, FieldName {
  case purchased, failed, numbers
}

/// One page of owned numbers, at the top level of the answer.
public enum OwnedNumbersPageField: String, FieldName {
  case count, page, numbers
}

/// A virtual number the account owns.
public enum VirtualNumberField: String, FieldName {
  case uuid
  case phoneNumber = "phone_number"
  case formattedPhoneNumber = "formatted_phone_number"
  case country = "iso_country_code"
  case regionName = "region_name"
  case friendlyName = "friendly_name"
  case providerType = "provider_type"
  case didType = "did_type"
  case status = "status_text"
  case createdAt = "created_at"
}

/// What a group's numbers can do, as its `features` list names it.
public enum GroupFeature: String, Sendable, CaseIterable {
  case voice, whatsapp
  case smsIn = "sms_in"
  case smsOut = "sms_out"
  case whatsappBusiness = "whatsapp_business"
}

/// The uuid of an owned virtual number: `DID` and a 36-character UUID.
public enum VirtualNumberID {
  public static let prefix = "DID"
  /// The same rule as a regular expression, for the OpenAPI description.
  public static let pattern = "^DID[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"

  public static func isWellFormed(_ id: String) -> Bool {
    guard id.hasPrefix(prefix) else { return false }
    let uuid = Array(id.utf8.dropFirst(prefix.utf8.count))
    guard uuid.count == 36 else { return false }
    return uuid.enumerated().allSatisfy { offset, byte in
      [8, 13, 18, 23].contains(offset)
        ? byte == UInt8(ascii: "-")
        : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
  }
}

/// The `status_text` of a virtual number.
public enum VirtualNumberStatus: String, Sendable, CaseIterable {
  case active = "ACTIVE"
  case awaitingRegistration = "AWAITING_REGISTRATION"
  case pendingActivation = "PENDING_ACTIVATION"
  case pendingCancellation = "PENDING_CANCELLATION"
  case released = "RELEASED"

  /// Whether the account gave the number up (or is giving it up): such a number may be sold to it again.
  public var isGivenUp: Bool { self == .pendingCancellation || self == .released }
}

/// The answer of `/open/info`, at the top level.
public enum InfoField: String, FieldName {
  case account, limits, usage
  /// Only a 2cs sandbox sends it; see `SandboxIdentification`.
  case server
}

public enum AccountField: String, FieldName {
  case name, uuid, blocked
  case onTrial = "on_trial"
  case createdAt = "created_at"
  case expiresAt = "expires_at"
}

public enum LimitsField: String, FieldName {
  case requestsPerMinute = "requests_per_minute"
}

public enum UsageField: String, FieldName {
  case apiRequestCount = "api_request_count"
  case maxAPIRequestCount = "max_api_request_count"
  case ownedNumbers = "owned_numbers"
}

/// The body of a reservation or a purchase.
public enum PurchaseBodyField: String, FieldName {
  case groupID = "group_id"
  case number
}
