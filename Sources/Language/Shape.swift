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
  /// A record with these fields, and no others that 2cs knows of.
  case record([ShapeField])

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

  /// The field names of a record, or of a list's records.
  public var fieldNames: [String] {
    switch self {
    case .record(let fields): fields.map(\.name)
    case .list(let item): item.fieldNames
    default: []
    }
  }

  /// The shape of one field of a record, or of the same field of each record of a list: nil when the record is
  /// known not to have it.
  public func field(_ name: String) -> Shape? {
    switch self {
    case .record(let fields): fields.first { $0.name == name }?.shape
    case .list(let item): item.field(name).map(Shape.list)
    default: .unknown
    }
  }

  /// The shape at a path of fields (read from a record, or from each record of a list), and, when the shapes show
  /// that no record can have it, why.
  public func reading(_ path: FieldPath) -> (shape: Shape, missing: MissingField?) {
    var current = self
    for (position, step) in path.steps.enumerated() {
      let records = current.element == .unknown && current.kind != .list ? current : current.element
      switch records {
      case .unknown, .null:
        return (.unknown, nil)
      case .record(let fields):
        guard let next = fields.first(where: { $0.name == step.name })?.shape else {
          if step.optional { return (.unknown, nil) }
          let within = position == 0 ? nil : FieldPath(steps: Array(path.steps.prefix(position))).description
          return (.unknown, MissingField(name: step.name, within: within, fields: fields.map(\.name), otherKinds: []))
        }
        current = current.kind == .list ? .list(next) : next
      default:
        let within = position == 0 ? nil : FieldPath(steps: Array(path.steps.prefix(position))).description
        var missing = MissingField(
          name: step.name, within: within, fields: [], otherKinds: [records.kind?.name ?? "value"])
        missing.inOneRecord = current.kind != .list
        return (.unknown, missing)
      }
    }
    return (current, nil)
  }

  /// The shape of a value, for variables already set (in the REPL): records of a list are looked at up to a
  /// limit, and a field any of them has is in the shape.
  public init(of value: Value, depth: Int = 0) {
    guard depth < 8 else {
      self = .unknown
      return
    }
    switch value {
    case .null: self = .null
    case .bool: self = .bool
    case .number: self = .number
    case .string: self = .string
    case .block: self = .block
    case .error(let error): self = Shape(of: .record(error.record), depth: depth)
    case .record(let record):
      self = .record(record.fields.map { ShapeField($0.key, Shape(of: $0.value, depth: depth + 1)) })
    case .list(let items):
      let sample = items.prefix(64).map { Shape(of: $0, depth: depth + 1) }
      self = .list(sample.dropFirst().reduce(sample.first ?? .unknown) { $0.merged(with: $1) })
    }
  }

  /// A shape both may have: records keep the fields of either; different kinds become unknown.
  public func merged(with other: Shape) -> Shape {
    switch (self, other) {
    case _ where self == other: return self
    case (.list(let a), .list(let b)): return .list(a.merged(with: b))
    case (.record(let a), .record(let b)):
      var fields = a
      for field in b {
        if let position = fields.firstIndex(where: { $0.name == field.name }) {
          fields[position].shape = fields[position].shape.merged(with: field.shape)
        } else {
          fields.append(field)
        }
      }
      return .record(fields)
    case (.null, _): return other == .null ? self : .unknown
    default: return .unknown
    }
  }
}

public struct ShapeField: Sendable, Equatable {
  public var name: String
  public var shape: Shape

  public init(_ name: String, _ shape: Shape) {
    self.name = name
    self.shape = shape
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
    public var flags: Set<String>

    public init(input: Shape, literals: [String: Value] = [:], written: Set<String> = [], flags: Set<String> = []) {
      self.input = input
      self.literals = literals
      self.written = written.union(literals.keys)
      self.flags = flags
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
  /// The same shape as the input (`where`, `sort-by`, `reverse`).
  public static let input = ResultShape { $0.input }
  public static func fixed(_ shape: Shape) -> ResultShape { ResultShape { _ in shape } }
}
