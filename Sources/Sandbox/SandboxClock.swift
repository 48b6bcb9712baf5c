public import Foundation
import Synchronization

/// The sandbox's idea of now. Tests use `ManualClock` to move time, for
/// example past a reservation's expiry.
public protocol SandboxClock: Sendable {
  var now: Date { get }
}

public struct SystemClock: SandboxClock {
  public init() {}
  public var now: Date { Date() }
}

public final class ManualClock: SandboxClock {
  private let current: Mutex<Date>

  public init(start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = Mutex(start) }

  public var now: Date { current.withLock { $0 } }

  public func advance(by seconds: TimeInterval) {
    current.withLock { $0 += seconds }
  }
}

extension Date {
  /// `2026-11-29T01:23:45Z`, as the API writes times.
  var apiText: String { formatted(.iso8601) }
}
