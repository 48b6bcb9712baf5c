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

/// A sliding-window limiter shared by every copy of a client: it remembers
/// when the last `limit` requests were sent, and the next one goes only once
/// the oldest of them is a whole window old. So no window of that length,
/// the first one included, ever holds more than `limit` requests.
public actor RateLimiter {
  public private(set) var limit: Int
  public let window: Duration
  private let clock: any PacingClock
  /// Send times of the latest requests, at most `limit`, oldest at `oldest`.
  private var sendTimes: [Duration] = []
  private var oldest = 0

  /// - Parameters:
  ///   - requestsPerMinute: the most requests in any 60 seconds.
  ///   - window: the span the limit applies to; 60 seconds for a per-minute limit.
  public init(requestsPerMinute: Int, window: Duration = .seconds(60), clock: any PacingClock = SystemPacingClock()) {
    precondition(requestsPerMinute > 0, "a rate limiter needs a positive rate")
    limit = requestsPerMinute
    self.window = window
    self.clock = clock
    sendTimes.reserveCapacity(requestsPerMinute)
  }

  /// Lowers the limit, as when the account reports it allows fewer requests than assumed; a higher one is
  /// ignored, so a server cannot talk the client into sending faster than it was set up to.
  public func lower(to requestsPerMinute: Int) {
    guard requestsPerMinute > 0, requestsPerMinute < limit else { return }
    let oldestFirst = Array(sendTimes[oldest...] + sendTimes[..<oldest])
    sendTimes = Array(oldestFirst.suffix(requestsPerMinute))
    oldest = 0
    limit = requestsPerMinute
  }

  /// Waits until a request may be sent, counts it as sent and returns when
  /// (on the limiter's clock). Throws `CancellationError` if the task is cancelled while waiting.
  @discardableResult
  public func acquire() async throws -> Duration {
    while true {
      let now = clock.now
      if sendTimes.count < limit {
        sendTimes.append(now)
        return now
      }
      let freeAt = sendTimes[oldest] + window
      if now >= freeAt {
        // The oldest send has left the window: its slot in the ring becomes the newest.
        sendTimes[oldest] = now
        oldest = (oldest + 1) % limit
        return now
      }
      // Other callers may take the slot while this one sleeps, so look again after waking.
      try await clock.sleep(until: freeAt)
    }
  }
}
