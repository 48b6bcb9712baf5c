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
    switch endpoint {
    case .purchase:
      look = number.map(Self.owned)
      howToFindOut = number.map { "numbers | where phone_number == \"\($0)\"" } ?? "numbers"
    case .createReservation:
      look = number.map(Self.held)
      howToFindOut = "reservations"
    case .cancelReservation(let uuid):
      look = Self.cancelled(uuid)
      howToFindOut = "reservations"
    case .releaseNumber(let uuid):
      look = Self.released(uuid)
      howToFindOut = "numbers | where uuid == \"\(uuid)\""
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
        "success": .bool(true), "purchased": .list([.string(number)]), "numbers": .list([Value(json: owned)]),
        "number": .string(number), "checked_after_lost_answer": .bool(true),
      ])
    }
  }

  /// The reservation of `number`, when this account holds one.
  private static func held(_ number: String) -> Look {
    { client throws(NumbersAPIError) in
      let held = try await client.reservations().first { reservation in
        reservation["number"]?.stringValue.map { PhoneNumber.same($0, number) } ?? false
      }
      return held.map { Value(json: $0) }
    }
  }

  /// A note that the reservation is gone, when it is no longer listed.
  private static func cancelled(_ uuid: String) -> Look {
    { client throws(NumbersAPIError) in
      let held = try await client.reservations().contains { $0["uuid"]?.stringValue == uuid }
      return held
        ? nil : .record(["success": .bool(true), "message": .string("reservation \(uuid) is no longer held")])
    }
  }

  /// The number's new status, once the list shows it being released or released. A number missing from the
  /// list proves nothing: the list may be late or cut short.
  private static func released(_ uuid: String) -> Look {
    { client throws(NumbersAPIError) in
      let owned = try await client.ownedNumbers().first { $0["uuid"]?.stringValue == uuid }
      guard let status = owned?["status_text"]?.stringValue, ["PENDING_CANCELLATION", "RELEASED"].contains(status)
      else { return nil }
      return .record(["success": .bool(true), "uuid": .string(uuid), "status_text": .string(status)])
    }
  }
}
