import NumbersContract

/// Where a rate limiter reads the time and waits. Time is a duration since a
/// fixed origin, so a test can run hours of pacing on a clock it moves itself.
public protocol PacingClock: Sendable {
  var now: Duration { get }
  /// Returns once `now` has reached `deadline`; throws `CancellationError` if the task is cancelled.
  func sleep(until deadline: Duration) async throws
}

/// The machine's monotonic clock.
public struct SystemPacingClock: PacingClock {
  private let origin = ContinuousClock.now

  public init() {}

  public var now: Duration { origin.duration(to: .now) }

  public func sleep(until deadline: Duration) async throws {
    try await Task.sleep(until: origin + deadline, clock: .continuous)
  }
}

/// Paces a client to the contract's `RequestWindow`, shared by every copy of the client: a request that the
/// window does not admit yet waits on the clock until it does.
public actor RateLimiter {
  private var requests: RequestWindow
  private let clock: any PacingClock

  public var limit: Int { requests.limit }
  public var window: Duration { requests.window }

  /// - Parameters:
  ///   - requestsPerMinute: the most requests in any 60 seconds.
  ///   - window: the span the limit applies to; 60 seconds for a per-minute limit.
  public init(requestsPerMinute: Int, window: Duration = .seconds(60), clock: any PacingClock = SystemPacingClock()) {
    precondition(requestsPerMinute > 0, "a rate limiter needs a positive rate")
    requests = RequestWindow(limit: requestsPerMinute, window: window)
    self.clock = clock
  }

  /// Lowers the limit, as when the account reports it allows fewer requests than assumed; a higher one is
  /// ignored, so a server cannot talk the client into sending faster than it was set up to.
  public func lower(to requestsPerMinute: Int) {
    requests.lower(to: requestsPerMinute)
  }

  /// Waits until a request may be sent, counts it as sent and returns when
  /// (on the limiter's clock). Throws `CancellationError` if the task is cancelled while waiting.
  @discardableResult
  public func acquire() async throws -> Duration {
    while true {
      let now = clock.now
      guard let wait = requests.admit(at: now) else { return now }
      // Other callers may take the slot while this one sleeps, so look again after waking.
      try await clock.sleep(until: now + wait)
    }
  }
}
