/// A token bucket shared by every copy of a client, so loops pace themselves
/// below the server's per-minute limit instead of tripping it.
public actor RateLimiter {
  private let capacity: Double
  private let tokensPerSecond: Double
  private var tokens: Double
  private var lastRefill: ContinuousClock.Instant

  /// - Parameter requestsPerMinute: the sustained rate; also the burst size.
  public init(requestsPerMinute: Int) {
    precondition(requestsPerMinute > 0, "a rate limiter needs a positive rate")
    capacity = Double(requestsPerMinute)
    tokensPerSecond = Double(requestsPerMinute) / 60
    tokens = capacity
    lastRefill = .now
  }

  /// Waits until a request may be sent. Throws `CancellationError` if the task is cancelled while waiting.
  public func acquire() async throws {
    while true {
      refill()
      if tokens >= 1 {
        tokens -= 1
        return
      }
      let wait = (1 - tokens) / tokensPerSecond
      try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up))))
    }
  }

  private func refill() {
    let now = ContinuousClock.now
    let elapsed = lastRefill.duration(to: now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    tokens = min(capacity, tokens + seconds * tokensPerSecond)
    lastRefill = now
  }
}
