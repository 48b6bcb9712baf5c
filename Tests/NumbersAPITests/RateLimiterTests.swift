import NumbersAPI
import NumbersContract
import Synchronization
import Testing

/// A clock that moves only when told to, or when someone sleeps on it: a
/// sleep jumps straight to its deadline, so hours of pacing take no real time.
final class SteppedClock: PacingClock {
  private let current = Mutex(Duration.zero)

  var now: Duration { current.withLock { $0 } }

  func advance(by step: Duration) { current.withLock { $0 += step } }

  func sleep(until deadline: Duration) async throws {
    try Task.checkCancellation()
    current.withLock { $0 = max($0, deadline) }
    await Task.yield()
  }
}

/// A clock on which time stands still: a sleep lasts until its task is cancelled.
struct StoppedClock: PacingClock {
  var now: Duration { .zero }
  func sleep(until deadline: Duration) async throws { try await Task.sleep(for: .seconds(86_400)) }
}

/// A small seeded generator, so a run of gaps is the same every time.
struct SeededGaps: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state
  }
}

/// The largest number of send times inside any half-open window `[t, t + window)`.
func busiestWindow(_ times: [Duration], window: Duration) -> Int {
  let sorted = times.sorted()
  var busiest = 0
  var first = 0
  for last in sorted.indices {
    while sorted[last] - sorted[first] >= window { first += 1 }
    busiest = max(busiest, last - first + 1)
  }
  return busiest
}

@Suite("The rate limiter never exceeds the limit in any 60 seconds")
struct RateLimiterTests {
  @Test func noMinuteEverHoldsMoreThanTheLimit() async throws {
    let clock = SteppedClock()
    let limiter = RateLimiter(requestsPerMinute: 80, clock: clock)
    var random = SeededGaps(state: 42)
    var times: [Duration] = []
    for index in 0..<500 {
      // Bursts with no gap at all, then stretches of slow requests, as a script makes them.
      let gap: Duration = index % 100 < 60 ? .zero : .milliseconds(Int.random(in: 0...3000, using: &random))
      clock.advance(by: gap)
      times.append(try await limiter.acquire())
    }
    #expect(busiestWindow(times, window: .seconds(60)) == 80)
    let firstTooSoon = times.indices.dropFirst(80).first { times[$0] - times[$0 - 80] < .seconds(60) }
    #expect(firstTooSoon == nil, "request \(firstTooSoon ?? 0) went within 60 s of the 80th before it")
  }

  @Test func theFirstMinuteIsLimitedToo() async throws {
    let clock = SteppedClock()
    let limiter = RateLimiter(requestsPerMinute: 80, clock: clock)
    var times: [Duration] = []
    for _ in 0..<152 { times.append(try await limiter.acquire()) }
    // The first 80 go at once; the 81st waits until the first is a minute old.
    #expect(times.prefix(80).allSatisfy { $0 == .zero })
    #expect(times[80] == .seconds(60))
    #expect(busiestWindow(times, window: .seconds(60)) == 80)
    #expect(times.filter { $0 < .seconds(54) }.count == 80)
  }

  @Test func aLowerLimitFromTheAccountTakesOverMidMinute() async throws {
    let clock = SteppedClock()
    let limiter = RateLimiter(requestsPerMinute: 80, clock: clock)
    var times: [Duration] = []
    for _ in 0..<10 {
      times.append(try await limiter.acquire())
      clock.advance(by: .seconds(1))
    }
    await limiter.lower(to: 12)
    await limiter.lower(to: 500)  // a higher limit is ignored
    for _ in 0..<100 { times.append(try await limiter.acquire()) }
    #expect(await limiter.limit == 12)
    #expect(busiestWindow(times, window: .seconds(60)) == 12)
  }

  @Test func callersWaitingTogetherStillKeepTheLimit() async throws {
    let clock = SteppedClock()
    let limiter = RateLimiter(requestsPerMinute: 7, clock: clock)
    let times = try await withThrowingTaskGroup(of: Duration.self) { group in
      for _ in 0..<200 { group.addTask { try await limiter.acquire() } }
      var times: [Duration] = []
      for try await time in group { times.append(time) }
      return times
    }
    #expect(times.count == 200)
    #expect(busiestWindow(times, window: .seconds(60)) == 7)
  }

  @Test func aCancelledWaitThrows() async throws {
    let limiter = RateLimiter(requestsPerMinute: 1, clock: StoppedClock())
    try await limiter.acquire()
    let waiting = Task { try await limiter.acquire() }
    waiting.cancel()
    await #expect(throws: CancellationError.self) { try await waiting.value }
  }
}
