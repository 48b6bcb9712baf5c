public import Foundation
import Synchronization

/// The sandbox's idea of now, and how it waits (the `latency` fault). Tests use `ManualClock` to move time, for
/// example past a reservation's expiry, and to hold a request for as long as they need.
public protocol SandboxClock: Sendable {
  var now: Date { get }
  /// Returns once `duration` has passed on this clock; throws `CancellationError` if the task is cancelled first.
  func sleep(for duration: Duration) async throws
}

extension SandboxClock {
  public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

public struct SystemClock: SandboxClock {
  public init() {}
  public var now: Date { Date() }
}

/// A clock that moves only when told to; a sleep on it lasts until the clock is moved past its end.
public final class ManualClock: SandboxClock {
  private struct Sleeper {
    var wakesAt: Date
    var continuation: CheckedContinuation<Void, any Error>
  }

  private struct State {
    var now: Date
    var sleepers: [UInt64: Sleeper] = [:]
    var nextSleeper: UInt64 = 0
  }

  private let state: Mutex<State>

  public init(start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { state = Mutex(State(now: start)) }

  public var now: Date { state.withLock { $0.now } }

  /// How many sleeps are waiting for the clock to move.
  public var sleepers: Int { state.withLock { $0.sleepers.count } }

  public func advance(by seconds: TimeInterval) {
    let woken = state.withLock { state -> [Sleeper] in
      state.now += seconds
      let due = state.sleepers.filter { $0.value.wakesAt <= state.now }
      for key in due.keys { state.sleepers[key] = nil }
      return Array(due.values)
    }
    for sleeper in woken { sleeper.continuation.resume() }
  }

  public func sleep(for duration: Duration) async throws {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    let key = state.withLock { state -> UInt64 in
      state.nextSleeper += 1
      return state.nextSleeper
    }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        enum Start { case wait, wake, cancel }
        let start = state.withLock { state -> Start in
          if Task.isCancelled { return .cancel }
          let wakesAt = state.now + seconds
          guard wakesAt > state.now else { return .wake }
          state.sleepers[key] = Sleeper(wakesAt: wakesAt, continuation: continuation)
          return .wait
        }
        switch start {
        case .wait: break
        case .wake: continuation.resume()
        case .cancel: continuation.resume(throwing: CancellationError())
        }
      }
    } onCancel: {
      state.withLock { $0.sleepers.removeValue(forKey: key) }?.continuation.resume(throwing: CancellationError())
    }
  }
}

extension Date {
  /// `2026-11-29T01:23:45Z`, as the API writes times.
  var apiText: String { formatted(.iso8601) }
}
