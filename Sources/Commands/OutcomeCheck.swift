import Language
import NumbersAPI
import NumbersContract

/// How 2cs sees in the account whether a write took effect when its answer was lost: the write path asks
/// right away, and `journal check` asks later for writes the journal left unsettled.
struct OutcomeCheck: Sendable {
  typealias Look = @Sendable (NumbersClient) async throws(NumbersAPIError) -> Value?

  /// Reads the account once: the write's result when it shows, nil when it does not (yet). Nil when nothing
  /// can tell, as for a reservation of a random number.
  let look: Look?
  /// The command that shows a person whether it happened.
  let howToFindOut: String

  init(endpoint: Endpoint, number: String?) {
    let uuid = endpoint.uuid ?? ""
    switch endpoint.route {
    case .purchase:
      look = number.map(Self.owned)
      howToFindOut =
        number.map { "numbers | where \(VirtualNumberField.phoneNumber.rawValue) == \"\($0)\"" } ?? "numbers"
    case .createReservation:
      look = number.map(Self.held)
      howToFindOut = "reservations"
    case .cancelReservation:
      look = Self.cancelled(uuid)
      howToFindOut = "reservations"
    case .releaseNumber:
      look = Self.released(uuid)
      howToFindOut = "numbers | where \(VirtualNumberField.uuid.rawValue) == \"\(uuid)\""
    default:
      look = nil
      howToFindOut = "journal"
    }
  }

  /// A purchase result made from the owned number, when `number` is owned.
  private static func owned(_ number: String) -> Look {
    { client throws(NumbersAPIError) in
      guard let owned = try await client.ownedNumber(number) else { return nil }
      return .record([
        EnvelopeField.success.rawValue: .bool(true), PurchaseField.purchased.rawValue: .list([.string(number)]),
        PurchaseField.numbers.rawValue: .list([Value(json: owned)]), PurchaseBodyField.number.rawValue: .string(number),
        AddedField.checkedAfterLostAnswer.rawValue: .bool(true),
      ])
    }
  }

  /// The reservation of `number`, when this account holds one.
  private static func held(_ number: String) -> Look {
    { client throws(NumbersAPIError) in
      let held = try await client.reservations().first { reservation in
        reservation[ReservationField.number]?.stringValue.map { PhoneNumber.same($0, number) } ?? false
      }
      return held.map { Value(json: $0) }
    }
  }

  /// A note that the reservation is gone, when it is no longer listed.
  private static func cancelled(_ uuid: String) -> Look {
    { client throws(NumbersAPIError) in
      let held = try await client.reservations().contains { $0[ReservationField.uuid]?.stringValue == uuid }
      return held
        ? nil
        : .record([
          EnvelopeField.success.rawValue: .bool(true),
          MessageField.message.rawValue: .string("reservation \(uuid) is no longer held"),
        ])
    }
  }

  /// The number's new status, once the list shows it being released or released. A number missing from the
  /// list proves nothing: the list may be late or cut short.
  private static func released(_ uuid: String) -> Look {
    { client throws(NumbersAPIError) in
      let owned = try await client.ownedNumbers().first { $0[VirtualNumberField.uuid]?.stringValue == uuid }
      guard let status = owned?[VirtualNumberField.status]?.stringValue,
        VirtualNumberStatus(rawValue: status)?.isGivenUp == true
      else { return nil }
      return .record([
        EnvelopeField.success.rawValue: .bool(true), VirtualNumberField.uuid.rawValue: .string(uuid),
        VirtualNumberField.status.rawValue: .string(status),
      ])
    }
  }
}
