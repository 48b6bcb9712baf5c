/// The contract's rate limit: at most `limit` requests in any span of `window` (a minute for the API), the
/// first span included. It remembers when the latest `limit` requests came; the next one is admitted once the
/// oldest of them is a whole window old. The client paces itself with it as requests leave; the sandbox
/// enforces it as they arrive, with a `grace` for the network, which can deliver a request sooner after an
/// earlier one than it was sent. The wait it tells a refused request is the rule's own, without the grace, so a
/// client that waits it out keeps to the rule even with a server that gives none. Time is a duration since any
/// fixed origin the caller picks.
public struct RequestWindow: Sendable {
  public private(set) var limit: Int
  public let window: Duration
  /// How much sooner than the rule allows a request is still admitted.
  public let grace: Duration
  /// Times of the latest requests, at most `limit`, in a ring whose oldest is at `oldest`.
  private var times: [Duration] = []
  private var oldest = 0
  /// The latest time seen: a clock that steps back does not make the window longer.
  private var latest = Duration.zero

  public init(limit: Int, window: Duration = .seconds(60), grace: Duration = .zero) {
    self.limit = max(1, limit)
    self.window = window
    self.grace = grace
    times.reserveCapacity(self.limit)
  }

  /// Counts a request made at `now` and returns nil if the limit allows it; otherwise counts nothing and
  /// returns how long until it would.
  public mutating func admit(at moment: Duration) -> Duration? {
    let now = max(moment, latest)
    latest = now
    if times.count < limit {
      times.append(now)
      return nil
    }
    let freeAt = times[oldest] + window
    guard now >= freeAt - grace else { return freeAt - now }
    // The oldest request has left the window: its slot in the ring becomes the newest.
    times[oldest] = now
    oldest = (oldest + 1) % limit
    return nil
  }

  /// Lowers the limit, keeping the latest requests; a higher one is ignored.
  public mutating func lower(to newLimit: Int) {
    guard newLimit > 0, newLimit < limit else { return }
    let oldestFirst = Array(times[oldest...] + times[..<oldest])
    times = Array(oldestFirst.suffix(newLimit))
    oldest = 0
    limit = newLimit
  }
}
