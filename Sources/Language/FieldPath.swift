/// A dotted path of fields, as `sort-by`, `get` and friends take it: `price.monthly_price`. A step written with a
/// trailing `?` (`price.ppm?`) may be missing; every other step must be a field that at least one of the records has.
public struct FieldPath: Sendable, Equatable, CustomStringConvertible {
  public struct Step: Sendable, Equatable {
    public var name: String
    /// Written `name?`: a record without it reads as null.
    public var optional: Bool

    public init(name: String, optional: Bool = false) {
      self.name = name
      self.optional = optional
    }
  }

  public var steps: [Step]

  public init(steps: [Step]) { self.steps = steps }

  /// Reads `a.b?.c`; nil for an empty path or an empty step (`a..b`, `.a`).
  public init?(_ text: String) {
    var steps: [Step] = []
    for part in text.split(separator: ".", omittingEmptySubsequences: false) {
      let optional = part.hasSuffix("?")
      let name = optional ? part.dropLast() : part
      guard !name.isEmpty, !name.contains("?") else { return nil }
      steps.append(Step(name: String(name), optional: optional))
    }
    guard !steps.isEmpty else { return nil }
    self.steps = steps
  }

  public var description: String { steps.map { $0.optional ? $0.name + "?" : $0.name }.joined(separator: ".") }

  /// The path without its `?` marks: the name `select` gives the field it keeps.
  public var key: String { steps.map(\.name).joined(separator: ".") }

  /// The value at the path, with a missing field (or a step below null) read as null. Call `problem(in:)` first,
  /// so that a field none of the records has is an error rather than a column of nulls.
  public func value(in value: Value) -> Value {
    var current = value
    for step in steps {
      guard let next = current.field(step.name) else { return .null }
      current = next
    }
    return current
  }

  /// Why no item has this path, or nil when one has it (or there are no records to ask).
  ///
  /// An item has the path when each step is a field of the value before it (of each record, for a list of them)
  /// or is a step marked `?` that is missing. A null on the way says nothing either way. The problem names the
  /// first step that no record gets past, the fields the records have there, and the closest of them.
  public func problem(in items: [Value]) -> MissingField? {
    if items.contains(where: { has($0, from: 0) }) { return nil }
    var reaching = items
    for (position, step) in steps.enumerated() {
      var next: [Value] = []
      var known: [String] = []
      var knownNames: Set<String> = []
      var kinds: Set<String> = []
      var sawRecordWithout = false
      var pending = reaching[...]
      while let item = pending.popFirst() {
        switch item {
        case .null: continue
        case .list(let inner): pending.append(contentsOf: inner)
        case .record, .error:
          if let found = item.field(step.name) {
            next.append(found)
          } else if !step.optional {
            sawRecordWithout = true
            for key in item.fieldNames where knownNames.insert(key).inserted { known.append(key) }
          }
        default: kinds.insert(item.typeName)
        }
      }
      if next.isEmpty {
        // Only nulls, or a missing step marked `?`: nothing says the path is wrong.
        guard sawRecordWithout || !kinds.isEmpty else { return nil }
        let prefix = FieldPath(steps: Array(steps.prefix(position)))
        return MissingField(
          name: step.name, within: position == 0 ? nil : prefix.description, fields: known,
          otherKinds: kinds.sorted())
      }
      reaching = next
    }
    return nil
  }

  /// Whether `value` has the steps from `position` on: a list has them when one of its items does.
  private func has(_ value: Value, from position: Int) -> Bool {
    guard position < steps.count else { return true }
    switch value {
    case .record, .error:
      guard let next = value.field(steps[position].name) else { return steps[position].optional }
      return has(next, from: position + 1)
    case .list(let items): return items.contains { has($0, from: position) }
    default: return false
    }
  }
}

/// A field that none of the records has, with what they have instead.
public struct MissingField: Error, Sendable, Equatable {
  public var name: String
  /// The path to the records that lack it (`price` for `price.montly_price`); nil at the top.
  public var within: String?
  /// The fields the records have at that level, in first-seen order.
  public var fields: [String]
  /// The kinds of the values that are not records at that level (`number`, `string`, ...).
  public var otherKinds: [String]
  /// Whether it was looked for in one value (a record), not in each value of a list.
  public var inOneRecord = false
  /// Whether the records' shape has the field, but not in every record (the API leaves `ppm` out of some).
  public var inSomeOnly = false
  /// Whether it was written `name?`: the records' shape has no such field even sometimes.
  public var markedOptional = false

  public var suggestion: String? { closestMatch(to: name, among: fields) }

  /// `no field 'montly_price' in price`, or `... in these records`.
  public var message: String {
    if inSomeOnly {
      return "'\(name)' is not in every record\(within.map { " of \($0)" } ?? ""): the API leaves it out of some"
    }
    let place = within.map { "in \($0)" } ?? (inOneRecord ? "in the record" : "in these records")
    if fields.isEmpty, !otherKinds.isEmpty {
      let kinds = otherKinds.joined(separator: " and ")
      return inOneRecord
        ? "cannot read field '\(name)' of a \(kinds)"
        : "cannot read field '\(name)': the values are \(kinds), not records"
    }
    return "no field '\(name)' \(place)"
  }

  /// Did-you-mean, the fields there are, and how to read a field that may be missing.
  public var help: String {
    if inSomeOnly { return "write '\(name)?' to read it: null where it is left out" }
    guard !fields.isEmpty || otherKinds.isEmpty else { return "only records have fields" }
    var parts: [String] = []
    if !fields.isEmpty {
      let shown = fields.prefix(12).joined(separator: ", ") + (fields.count > 12 ? ", …" : "")
      parts.append("the fields are \(shown)")
    }
    if !markedOptional { parts.append("'\(name)?' reads a field that may be missing") }
    let rest = parts.joined(separator: "; ")
    return suggestion.map { "did you mean '\($0)'? " + rest } ?? rest
  }
}

extension Value {
  /// Whether it is a record (or a caught error): a value with named fields.
  public var hasFields: Bool {
    switch self {
    case .record, .error: true
    default: false
    }
  }

  /// The names of a record's fields (or a caught error's); empty for other values.
  public var fieldNames: [String] {
    switch self {
    case .record(let record): record.keys
    case .error(let error): error.record.keys
    default: []
    }
  }
}
