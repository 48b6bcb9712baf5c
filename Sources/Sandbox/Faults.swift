/// Misbehaviour to inject, for tests and demos. Written as
/// `latency=200ms,500=10%,429=2,drop=5%,drop-after=1`: a percentage is a rate
/// over all requests, a whole number means "the next N requests". Besides these,
/// the ways a strict or sloppy server can answer the owned-number list:
/// `list-late=N`, `page-cap=N`, `no-count`, `no-plus`.
public struct FaultPlan: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// Answer 500 without acting.
    case serverError = "500"
    /// Answer 429 with `Retry-After` without acting.
    case rateLimited = "429"
    /// Close the connection without acting or answering.
    case dropBefore = "drop"
    /// Act (commit the change), then close the connection without answering.
    case dropAfter = "drop-after"
    /// Act, then answer 502 with an HTML page, as a proxy in front of the server would.
    case badGatewayAfter = "502-after"
    /// Act, then answer 200 with an HTML page instead of JSON.
    case htmlAfter = "html-after"
  }

  public enum Frequency: Sendable, Equatable {
    case rate(Double)
    case next(Int)
  }

  public var latency: Duration?
  public var faults: [Kind: Frequency] = [:]
  /// The `Retry-After` seconds sent with injected 429s.
  public var retryAfterSeconds = 1
  /// How many requests go through untouched before faults start.
  public var after = 0
  /// Only requests with this method (`POST`, say) meet faults, and count for `after`.
  public var onlyMethod: String?
  public var seed: UInt64 = 1
  /// A number bought is left out of the next N answers of the owned-number list, as a slow back end would.
  public var listLate = 0
  /// Pages of the owned-number list hold at most this many, whatever `results_per_page` asked.
  public var pageCap: Int?
  /// The owned-number list leaves out `count`.
  public var omitCount = false
  /// The owned-number list gives phone numbers without their `+`.
  public var numbersWithoutPlus = false

  public init() {}

  public var isEmpty: Bool {
    latency == nil && faults.isEmpty && listLate == 0 && pageCap == nil && !omitCount && !numbersWithoutPlus
  }

  public static let syntax =
    "latency=DURATION (250ms, 5s), 500=, 429=, drop=, drop-after=, 502-after=, html-after= (a rate like 10% or a count like 2), retry-after=SECONDS, after=N (requests let through first), only=METHOD (faults for that method alone), seed=N, list-late=N, page-cap=N, no-count, no-plus"

  public init(parsing spec: String) throws(SandboxError) {
    self.init()
    for item in spec.split(separator: ",", omittingEmptySubsequences: true) {
      switch String(item).trimmed {
      case "no-count":
        omitCount = true
        continue
      case "no-plus":
        numbersWithoutPlus = true
        continue
      default: break
      }
      let pair = item.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
      guard pair.count == 2, !pair[1].isEmpty else {
        throw .invalidFaults("'\(item)' is not key=value; the keys are: \(Self.syntax)")
      }
      let (key, value) = (pair[0], pair[1])
      switch key {
      case "latency":
        guard let duration = Self.duration(value) else {
          throw .invalidFaults("latency '\(value)' is not a duration such as 250ms or 5s")
        }
        latency = duration
      case "retry-after": retryAfterSeconds = try Self.wholeNumber(value, of: key, meaning: "seconds")
      case "after": after = try Self.wholeNumber(value, of: key, meaning: "requests")
      case "only":
        guard ["GET", "POST", "DELETE"].contains(value.uppercased()) else {
          throw .invalidFaults("only '\(value)' is not GET, POST or DELETE")
        }
        onlyMethod = value.uppercased()
      case "list-late": listLate = try Self.wholeNumber(value, of: key, meaning: "answers")
      case "page-cap": pageCap = try Self.wholeNumber(value, of: key, meaning: "numbers a page", atLeast: 1)
      case "seed":
        guard let number = UInt64(value) else { throw .invalidFaults("seed '\(value)' is not a whole number") }
        seed = number
      default:
        guard let kind = Kind(rawValue: key) else {
          throw .invalidFaults("unknown fault '\(key)'; the keys are: \(Self.syntax)")
        }
        guard let frequency = Self.frequency(value) else {
          throw .invalidFaults("\(key)='\(value)' is neither a rate such as 10% nor a count such as 2")
        }
        faults[kind] = frequency
      }
    }
  }

  /// `value` as a whole number of at least `atLeast`, or an error naming the setting and what it counts.
  private static func wholeNumber(_ value: String, of key: String, meaning: String, atLeast minimum: Int = 0)
    throws(SandboxError) -> Int
  {
    guard let number = Int(value), number >= minimum else {
      throw .invalidFaults("\(key) '\(value)' is not a whole number of \(meaning) (from \(minimum))")
    }
    return number
  }

  private static func frequency(_ text: String) -> Frequency? {
    if text.hasSuffix("%") {
      guard let percent = Double(text.dropLast()), (0...100).contains(percent) else { return nil }
      return .rate(percent / 100)
    }
    guard let count = Int(text), count >= 0 else { return nil }
    return .next(count)
  }

  static func duration(_ text: String) -> Duration? {
    if text.hasSuffix("ms"), let value = Int(text.dropLast(2)), value >= 0 { return .milliseconds(value) }
    if text.hasSuffix("s"), let value = Double(text.dropLast()), value >= 0 { return .milliseconds(Int(value * 1000)) }
    return nil
  }
}

/// Decides, request by request, which faults of a plan fire.
struct FaultDice {
  private var plan: FaultPlan
  private var random: SeededRandom
  private var requestsLetThrough = 0

  init(plan: FaultPlan) {
    self.plan = plan
    self.random = SeededRandom(seed: plan.seed, "faults")
  }

  var latency: Duration? { plan.latency }

  /// Whether faults may touch a request with this method.
  func applies(to method: String) -> Bool { plan.onlyMethod.map { $0 == method } ?? true }
  var retryAfterSeconds: Int { plan.retryAfterSeconds }

  /// Counts a request; true while it is among the first `after`, which no fault touches.
  mutating func letsThrough() -> Bool {
    guard requestsLetThrough < plan.after else { return false }
    requestsLetThrough += 1
    return true
  }

  mutating func fires(_ kind: FaultPlan.Kind) -> Bool {
    switch plan.faults[kind] {
    case nil: return false
    case .rate(let probability):
      return Double(random.next() % 1_000_000) / 1_000_000 < probability
    case .next(let remaining):
      guard remaining > 0 else { return false }
      plan.faults[kind] = .next(remaining - 1)
      return true
    }
  }
}

extension String {
  var trimmed: String {
    var text = Substring(self)
    while text.first?.isWhitespace == true { text.removeFirst() }
    while text.last?.isWhitespace == true { text.removeLast() }
    return String(text)
  }
}
