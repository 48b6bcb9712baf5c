import Foundation

/// What the sandbox remembers between runs. The catalog is not stored: it is
/// made again from `seed`. No API key is stored; accounts are numbered.
struct SandboxState: Codable, Sendable, Equatable {
  var format = 1
  var seed: UInt64
  /// Counts every uuid handed out, so uuids are fresh yet reproducible.
  var issued: UInt64 = 0
  var reservations: [Reservation] = []
  var owned: [OwnedNumber] = []
  /// API calls per account.
  var usage: [String: Int] = [:]

  struct Reservation: Codable, Sendable, Equatable {
    var uuid: String
    var account: String
    var groupID: String
    var numberID: String
    var number: String
    var createdAt: Date
    var expiresAt: Date
  }

  struct OwnedNumber: Codable, Sendable, Equatable {
    var uuid: String
    var account: String
    var groupID: String
    var numberID: String
    var number: String
    var createdAt: Date
    var releasedAt: Date?
  }

  init(seed: UInt64) { self.seed = seed }

  mutating func nextUUID() -> String {
    issued += 1
    var random = SeededRandom(seed: seed, "uuid", String(issued))
    return random.uuid()
  }
}
