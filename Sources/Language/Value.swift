public import OrderedCollections

/// A value of the language: what variables hold and pipelines pass along.
public enum Value: Sendable, Equatable, CustomStringConvertible {
  case null
  case bool(Bool)
  case number(DecimalNumber)
  case string(String)
  case list([Value])
  case record(Record)
  /// A `{ ... }` block with the scope it was written in, for `each` and friends.
  indirect case block(Closure)
  /// A caught error, in `catch err`.
  indirect case error(ErrorValue)

  public static func int(_ value: Int) -> Value { .number(DecimalNumber(value)) }

  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "bool"
    case .number: "number"
    case .string: "string"
    case .list: "list"
    case .record: "record"
    case .block: "block"
    case .error: "error"
    }
  }

  /// How the value reads in a message: `string "US"`, `list of 12`, ...
  public var summary: String {
    switch self {
    case .string(let text): "string \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
    case .number(let number): "number \(number)"
    case .list(let items): "list of \(items.count)"
    case .record(let record) where record.count == 0: "empty record"
    case .record(let record):
      "record with \(record.keys.prefix(4).joined(separator: ", "))\(record.count > 4 ? ", …" : "")"
    case .bool(let flag): "bool \(flag)"
    default: typeName
    }
  }

  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let flag): flag ? "true" : "false"
    case .number(let number): number.description
    case .string(let text): text
    case .list(let items): "[" + items.map(\.literalText).joined(separator: ", ") + "]"
    case .record(let record):
      "{" + record.fields.map { "\($0.key): \($0.value.literalText)" }.joined(separator: ", ") + "}"
    case .block: "{ block }"
    case .error(let error): "error: \(error.message)"
    }
  }

  /// The value as it would be written in source: strings quoted.
  public var literalText: String {
    if case .string(let text) = self { return StringEscapes.quoted(text) }
    return description
  }

  public var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let flag): flag
    case .number(let number): number.significand != 0
    case .string(let text): !text.isEmpty
    case .list(let items): !items.isEmpty
    case .record(let record): record.count > 0
    case .block, .error: true
    }
  }

  /// A field of a record (or of a caught error), nil when there is none.
  public func field(_ name: String) -> Value? {
    switch self {
    case .record(let record): record[name]
    case .error(let error): error.record[name]
    default: nil
    }
  }

  public static func == (lhs: Value, rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.list(let a), .list(let b)): a == b
    case (.record(let a), .record(let b)): a == b
    case (.error(let a), .error(let b)): a == b
    default: false
    }
  }
}

/// A record: named fields in the order they were made.
///
/// The fields are an `OrderedDictionary`; the wrapper is there for equality, which ignores their order
/// (`{a: 1, b: 2} == {b: 2, a: 1}`), where the dictionary's own does not.
public struct Record: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
  public struct Field: Sendable, Equatable {
    public var key: String
    public var value: Value

    public init(key: String, value: Value) {
      self.key = key
      self.value = value
    }
  }

  /// The fields by name, in order.
  public var dictionary: OrderedDictionary<String, Value>

  public init(_ dictionary: OrderedDictionary<String, Value> = [:]) { self.dictionary = dictionary }

  /// Of fields with the same name, the first is kept.
  public init(_ fields: [Field]) {
    guard fields.count <= Self.fewFields else {
      dictionary = OrderedDictionary(fields.lazy.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
      return
    }
    // Most records are this small (an API answer's, a JSON row's): comparing names is cheaper than hashing them.
    var keys: [String] = []
    var values: [Value] = []
    keys.reserveCapacity(fields.count)
    values.reserveCapacity(fields.count)
    for field in fields where !keys.contains(field.key) {
      keys.append(field.key)
      values.append(field.value)
    }
    dictionary = OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
  }

  /// Up to this many fields, `init(_:)` finds repeated names by comparing them.
  private static let fewFields = 16

  /// Of repeated keys, the last value is kept, in the first one's place.
  public init(dictionaryLiteral elements: (String, Value)...) {
    dictionary = [:]
    for (key, value) in elements { dictionary[key] = value }
  }

  public var fields: [Field] { dictionary.map { Field(key: $0.key, value: $0.value) } }
  public var count: Int { dictionary.count }
  public var keys: [String] { Array(dictionary.keys) }

  /// Setting a new name adds the field at the end; setting nil removes it.
  public subscript(key: String) -> Value? {
    get { dictionary[key] }
    set { dictionary[key] = newValue }
  }

  public struct Iterator: IteratorProtocol {
    var fields: OrderedDictionary<String, Value>.Iterator

    public mutating func next() -> Field? { fields.next().map { Field(key: $0.key, value: $0.value) } }
  }

  public func makeIterator() -> Iterator { Iterator(fields: dictionary.makeIterator()) }

  /// Equal when they have the same fields with equal values, in any order.
  public static func == (lhs: Record, rhs: Record) -> Bool {
    guard lhs.count == rhs.count else { return false }
    return lhs.dictionary.allSatisfy { rhs.dictionary[$0.key] == $0.value }
  }
}

/// An error caught by `try`/`catch`, with what the script may want to inspect.
public struct ErrorValue: Sendable, Equatable {
  public var message: String
  public var status: Int?
  public var endpoint: String?
  public var file: String
  public var line: Int
  public var column: Int
  /// What the command that failed added, after the fields every error has.
  public var details: Record = [:]

  public var record: Record {
    var record: Record = [
      "message": .string(message), "status": status.map(Value.int) ?? .null,
      "endpoint": endpoint.map(Value.string) ?? .null, "file": .string(file), "line": .int(line),
      "column": .int(column),
    ]
    for field in details where record[field.key] == nil { record[field.key] = field.value }
    return record
  }
}

/// A block together with the scope it was written in.
public struct Closure: Sendable {
  public let block: Block
  let scope: Scope
  /// The source the block's ranges point into.
  let source: SourceFile
}
