public import Foundation
import SystemSupport

/// How a sandbox is set up.
public struct SandboxConfiguration: Sendable {
  /// Makes the catalog; used only when no state file exists yet.
  public var seed: UInt64 = 2026
  /// The keys it accepts, one account each. Nil accepts any non-empty key as one account.
  public var apiKeys: [String]?
  /// The per-account limit reported by `/open/info` and enforced with 429; nil turns it off.
  public var requestsPerMinute: Int? = 80
  public var reservationLifetime: TimeInterval = 30 * 60
  /// How long a released number stays PENDING_CANCELLATION before it is RELEASED.
  public var releaseDelay: TimeInterval = 24 * 60 * 60
  public var faults = FaultPlan()
  /// Where state is kept; nil keeps it in memory.
  public var stateFile: String?
  public var clock: any SandboxClock = SystemClock()

  public init() {}

  /// `$XDG_STATE_HOME/2cs/sandbox.json`, falling back to `~/.local/state/2cs/sandbox.json`.
  public static func defaultStateFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    Folders.state(environment: environment) + "/sandbox.json"
  }
}
