/// What a value will look like, as far as it is known before the program runs. Commands declare the shape of
/// what they return; `2cs check` follows shapes through pipelines and variables to catch a misspelt field or a
/// list piped into a command that takes one record, and completion offers their field names.
public indirect enum Shape: Sendable, Equatable {
  /// Nothing is known: every use is allowed.
  case unknown
  case null
  case bool
  case number
  case string
  case block
  case list(Shape)
  /// A record with these fields. An `open` record may have others too (the API's requirements vary by
  /// country), so only a closed one makes a field it lacks an error before running.
  case record([ShapeField], open: Bool)

  /// The kind of value it is, or nil when that is not known.
  public var kind: ValueKinds? {
    switch self {
    case .unknown: nil
    case .null: .nothing
    case .bool: .bool
    case .number: .number
    case .string: .string
    case .block: .block
    case .list: .list
    case .record: .record
    }
  }

  /// How it reads in a message: `a list of records`, `a string`, `nothing`.
  public var summary: String {
    switch self {
    case .unknown: "a value"
    case .null: "nothing"
    case .bool: "a bool"
    case .number: "a number"
    case .string: "a string"
    case .block: "a block"
    case .list(let item): item.kind == .record ? "a list of records" : "a list"
    case .record: "a record"
    }
  }

  /// The shape of a list's items; unknown for anything else.
  public var element: Shape {
    if case .list(let item) = self { return item }
    return .unknown
  }

  /// A list's items, or the value itself: what a command that reads fields of rows reads them from.
  public var rows: Shape { kind == .list ? element : self }

  /// The shape at a path of fields, read as the interpreter reads it: from a record, or from each record of a
  /// list (of lists); and, when the shapes show that no record can have it, why.
  public func reading(_ path: FieldPath) -> (shape: Shape, missing: MissingField?) {
    var current = self
    for (position, step) in path.steps.enumerated() {
      switch current.readingField(step) {
      case .success(let next): current = next
      case .failure(var missing):
        if position > 0 { missing.within = FieldPath(steps: Array(path.steps.prefix(position))).description }
        return (.unknown, missing)
      }
    }
    return (current, nil)
  }

  private func readingField(_ step: FieldPath.Step) -> Result<Shape, MissingField> {
    switch self {
    case .unknown, .null: return .success(.unknown)
    case .list(let item): return item.readingField(step).map(Shape.list)
    case .record(let fields, let open):
      if let field = fields.first(where: { $0.name == step.name }) {
        guard field.mayBeMissing, !step.optional else { return .success(field.shape) }
        var missing = MissingField(name: step.name, within: nil, fields: [], otherKinds: [])
        missing.inSomeOnly = true
        return .failure(missing)
      }
      // `?` allows a field that some records leave out, not one that none of them can have.
      if open { return .success(.unknown) }
      var missing = MissingField(name: step.name, within: nil, fields: fields.map(\.name), otherKinds: [])
      missing.markedOptional = step.optional
      return .failure(missing)
    default:
      var missing = MissingField(name: step.name, within: nil, fields: [], otherKinds: [kind?.name ?? "value"])
      missing.inOneRecord = true
      return .failure(missing)
    }
  }

  /// The shape of a value, for variables already set (in the REPL). At most `budget` values are looked at: the
  /// items of a long list are sampled, and a record seen only in part is open.
  public init(of value: Value) {
    var budget = 2_000
    self.init(of: value, budget: &budget)
  }

  private init(of value: Value, budget: inout Int) {
    guard budget > 0 else {
      self = .unknown
      return
    }
    budget -= 1
    switch value {
    case .null: self = .null
    case .bool: self = .bool
    case .number: self = .number
    case .string: self = .string
    case .block: self = .block
    case .error(let error): self = Shape(of: .record(error.record), budget: &budget)
    case .record(let record):
      var fields: [ShapeField] = []
      for field in record {
        guard budget > 0 else {
          self = .record(fields, open: true)
          return
        }
        fields.append(ShapeField(field.key, Shape(of: field.value, budget: &budget)))
      }
      self = .record(fields, open: false)
    case .list(let items):
      let sampled = items.prefix(64)
      var merged: Shape?
      for item in sampled {
        let shape = Shape(of: item, budget: &budget)
        merged = merged.map { $0.merged(with: shape) } ?? shape
      }
      // Items not looked at may have other fields.
      if sampled.count < items.count, case .record(let fields, _)? = merged { merged = .record(fields, open: true) }
      self = .list(merged ?? .unknown)
    }
  }

  /// A shape both may have: records keep the fields of either; different kinds become unknown.
  public func merged(with other: Shape) -> Shape {
    switch (self, other) {
    case _ where self == other: return self
    case (.list(let a), .list(let b)): return .list(a.merged(with: b))
    case (.record(let a, let aOpen), .record(let b, let bOpen)):
      var fields = a
      for field in b {
        if let position = fields.firstIndex(where: { $0.name == field.name }) {
          fields[position].shape = fields[position].shape.merged(with: field.shape)
        } else {
          fields.append(field)
        }
      }
      return .record(fields, open: aOpen || bOpen)
    default: return .unknown
    }
  }
}

public struct ShapeField: Sendable, Equatable {
  public var name: String
  public var shape: Shape
  /// Whether some records leave it out (the API's `ppm`): reading it must then say so, as `ppm?`.
  public var mayBeMissing: Bool

  public init(_ name: String, _ shape: Shape, mayBeMissing: Bool = false) {
    self.name = name
    self.shape = shape
    self.mayBeMissing = mayBeMissing
  }
}

/// Kinds of value, as a set: what a command takes piped in.
public struct ValueKinds: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// Nothing piped in (null).
  public static let nothing = ValueKinds(rawValue: 1 << 0)
  public static let bool = ValueKinds(rawValue: 1 << 1)
  public static let number = ValueKinds(rawValue: 1 << 2)
  public static let string = ValueKinds(rawValue: 1 << 3)
  public static let list = ValueKinds(rawValue: 1 << 4)
  /// A record, or a caught error (which has fields too).
  public static let record = ValueKinds(rawValue: 1 << 5)
  public static let block = ValueKinds(rawValue: 1 << 6)
  public static let anything = ValueKinds(rawValue: 0x7F)

  public init(of value: Value) {
    switch value {
    case .null: self = .nothing
    case .bool: self = .bool
    case .number: self = .number
    case .string: self = .string
    case .list: self = .list
    case .record, .error: self = .record
    case .block: self = .block
    }
  }

  /// `number`, `list`, ... for one kind.
  var name: String {
    switch self {
    case .nothing: "null"
    case .bool: "bool"
    case .number: "number"
    case .string: "string"
    case .list: "list"
    case .record: "record"
    case .block: "block"
    default: "value"
    }
  }
}

/// How a command's result is shaped, worked out from what is known before running: the shape piped in and the
/// arguments written as literals.
public struct ResultShape: Sendable {
  public struct Query: Sendable {
    public var input: Shape
    /// Arguments written as literal text or numbers, by parameter name.
    public var literals: [String: Value]
    /// Every parameter given an argument, literal or not.
    public var written: Set<String>

    public init(input: Shape, literals: [String: Value] = [:], written: Set<String> = []) {
      self.input = input
      self.literals = literals
      self.written = written.union(literals.keys)
    }

    public func given(_ name: String) -> Bool { written.contains(name) }

    /// A literal argument's text (a field path, a word).
    public func text(_ name: String) -> String? {
      if case .string(let text)? = literals[name] { return text }
      return nil
    }
  }

  let compute: @Sendable (Query) -> Shape

  public init(_ compute: @escaping @Sendable (Query) -> Shape) { self.compute = compute }

  public func shape(for query: Query) -> Shape { compute(query) }

  public static let unknown = ResultShape { _ in .unknown }
  /// The list piped in, in another order or with fewer items (`where`, `sort-by`, `reverse`); nothing piped in
  /// gives an empty list.
  public static let sameList = ResultShape { $0.input.kind == .nothing ? .list(.unknown) : $0.input }
  public static func fixed(_ shape: Shape) -> ResultShape { ResultShape { _ in shape } }
}
