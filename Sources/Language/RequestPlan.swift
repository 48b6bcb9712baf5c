/// What `explain` knows of a command call before it runs: what is written and what is piped in. A command's
/// `RequestPlanner` reads it to say which requests the call would send, and with what.
public struct CallSketch: Sendable {
  /// The shape of the value piped in.
  public var input: Shape
  /// Where the piped value comes from, as a placeholder: `<from groups>`, `<from $g>`; nil when nothing is piped.
  public var piped: String?
  /// The value piped in, when it is known before running (a variable the session holds).
  public var pipedValue: Value?
  /// Each parameter given, by its name (never an alias): a literal's text, or a placeholder (`<from $g>`).
  public var arguments: [String: String]
  /// The arguments written as literals, by parameter name.
  public var literals: [String: Value]

  public init(
    input: Shape, piped: String? = nil, pipedValue: Value? = nil, arguments: [String: String] = [:],
    literals: [String: Value] = [:]
  ) {
    self.input = input
    self.piped = piped
    self.pipedValue = pipedValue
    self.arguments = arguments
    self.literals = literals
  }

  /// Whether the piped records have a field of this name: true or false when their shape says, nil when it does
  /// not (an open record, or a value whose shape is unknown).
  public func pipedHas(_ field: String) -> Bool? {
    switch input.rows {
    case .record(let fields, let open):
      if fields.contains(where: { $0.name == field }) { return true }
      return open ? nil : false
    case .unknown: return nil
    default: return false
    }
  }

  /// Whether something is piped in, as far as is known.
  public var isPiped: Bool { piped != nil && input.kind != .nothing }
}

/// One request a call would send.
public struct PlannedRequest: Sendable {
  public enum Sending: Sendable, Equatable {
    case always
    /// Only in this case: "if the group allows choosing: to pick it".
    case when(String)
    /// Once for each page of results, at least once.
    case perPage(String)
  }

  public struct Argument: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
      self.name = name
      self.value = value
    }
  }

  public var call: APICall
  public var sending: Sending
  /// What it carries: in the query or path, or in a POST's body.
  public var arguments: [Argument]
  /// What it spends, for a request that spends money: "the group's setup price + first month".
  public var money: String?

  public init(_ call: APICall, sending: Sending = .always, arguments: [Argument] = [], money: String? = nil) {
    self.call = call
    self.sending = sending
    self.arguments = arguments
    self.money = money
  }
}

/// The requests a call would send, and why when that is not plain.
public struct RequestPlan: Sendable {
  public var requests: [PlannedRequest]
  /// Why it sends what it sends, in a sentence or two.
  public var note: String?
  /// The fewest requests it sends, when that is more than the requests always sent (one of two is sure to be).
  public var fewest: Int?
  /// What to know before it spends money; said once, after the totals.
  public var caution: String?

  public init(requests: [PlannedRequest], note: String? = nil, fewest: Int? = nil, caution: String? = nil) {
    self.requests = requests
    self.note = note
    self.fewest = fewest
    self.caution = caution
  }
}

/// How a command tells `explain` which of its `apiCalls` a call sends and with what, from what is written and
/// piped in. Declared with the signature, beside the command's code.
public struct RequestPlanner: Sendable {
  let compute: @Sendable (CallSketch, [APICall]) -> RequestPlan

  public init(_ compute: @escaping @Sendable (CallSketch, [APICall]) -> RequestPlan) { self.compute = compute }

  public func plan(_ sketch: CallSketch, calls: [APICall]) -> RequestPlan { compute(sketch, calls) }

  /// Every call, sent when its `when` says, carrying the arguments given for its parameters.
  public static let standard = RequestPlanner { sketch, calls in
    RequestPlan(
      requests: calls.map { call in
        PlannedRequest(
          call, sending: call.when.map(PlannedRequest.Sending.when) ?? .always,
          arguments: call.parameters.compactMap { name in sketch.arguments[name].map { .init(name, $0) } })
      })
  }
}
