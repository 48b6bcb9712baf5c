import Language

/// The piped list, or an error that says a list was expected.
private func inputList(_ call: Invocation) throws -> [Value] {
  switch call.input {
  case .list(let items): return items
  case .null: return []
  default:
    throw CommandError("\(call.signature.name) takes a list, got \(call.input.summary)")
  }
}

/// `a.b.c` read from a value; nil when a step is missing.
func value(at path: String, in value: Value) -> Value? {
  var current = value
  for part in path.split(separator: ".") {
    guard let next = current.field(String(part)) else { return nil }
    current = next
  }
  return current
}

private func count(_ call: Invocation, default fallback: Int = 1) throws -> Int {
  guard let number = call.integer("n") else { return fallback }
  guard number >= 0 else { throw CommandError("\(call.signature.name): n must not be negative", parameter: "n") }
  return number
}

/// Orders values: numbers by value, strings alphabetically, null last, other kinds by kind.
func ascending(_ a: Value, _ b: Value) -> Bool {
  switch (a, b) {
  case (.number(let x), .number(let y)): return x < y
  case (.string(let x), .string(let y)): return x < y
  case (.bool(let x), .bool(let y)): return !x && y
  case (.null, _): return false
  case (_, .null): return true
  default: return a.typeName < b.typeName
  }
}

private func numbers(_ call: Invocation) throws -> [DecimalNumber] {
  let field = call.string("field")
  return try inputList(call).compactMap { item -> DecimalNumber? in
    let picked = field.map { value(at: $0, in: item) ?? .null } ?? item
    switch picked {
    case .number(let number): return number
    case .null: return nil
    default:
      throw CommandError("\(call.signature.name) adds up numbers, got \(picked.summary)")
    }
  }
}

private let n = Parameter("n", .integer, positional: true, summary: "how many")
private let field = Parameter("field", .fieldPath, positional: true, summary: "a field, e.g. price.monthly_price")

let dataCommands: [Command] = [
  Command(
    Signature(
      name: "first", category: .data, summary: "The first item; with n, a list of the first n.", parameters: [n],
      input: "a list", output: "an item, or a list with n",
      examples: [
        Example("[3, 1, 2] | first", "the first item", result: "3"),
        Example("[3, 1, 2] | first 2", "", result: "[3, 1]"),
      ])
  ) { call in
    let items = try inputList(call)
    if call.given("n") { return .list(Array(items.prefix(try count(call)))) }
    guard let first = items.first else { throw CommandError("first: the list is empty") }
    return first
  },
  Command(
    Signature(
      name: "last", category: .data, summary: "The last item; with n, a list of the last n.", parameters: [n],
      input: "a list", output: "an item, or a list with n",
      examples: [Example("[3, 1, 2] | last", "the last item", result: "2")])
  ) { call in
    let items = try inputList(call)
    if call.given("n") { return .list(Array(items.suffix(try count(call)))) }
    guard let last = items.last else { throw CommandError("last: the list is empty") }
    return last
  },
  Command(
    Signature(
      name: "skip", category: .data, summary: "The list without its first n items.",
      parameters: [Parameter("n", .integer, positional: true, required: true, summary: "how many to skip")],
      input: "a list", output: "a list", examples: [Example("[1, 2, 3] | skip 1", "", result: "[2, 3]")])
  ) { call in .list(Array(try inputList(call).dropFirst(try count(call)))) },
  Command(
    Signature(
      name: "take", category: .data, summary: "The first n items.",
      parameters: [Parameter("n", .integer, positional: true, required: true, summary: "how many to keep")],
      input: "a list", output: "a list", examples: [Example("[1, 2, 3] | take 2", "", result: "[1, 2]")])
  ) { call in .list(Array(try inputList(call).prefix(try count(call)))) },
  Command(
    Signature(
      name: "where", category: .data, summary: "The items for which a condition holds.",
      parameters: [
        Parameter(
          "condition", .expression, positional: true, required: true,
          summary: "an expression; bare names are fields of the item, $it is the item")
      ],
      input: "a list", output: "a list",
      examples: [
        Example("[1, 5, 10] | where $it > 2", "numbers above 2", result: "[5, 10]"),
        Example("groups US | where price.monthly_price < 1.2 and allow_number_selection | count", "cheap, selectable"),
      ])
  ) { call in
    var kept: [Value] = []
    for item in try inputList(call) where try await call.evaluate("condition", row: item).isTruthy {
      kept.append(item)
    }
    return .list(kept)
  },
  Command(
    Signature(
      name: "each", category: .data, summary: "Runs a block for every item ($it) and lists the results.",
      parameters: [Parameter("block", .block, positional: true, required: true, summary: "{ ... } run with $it")],
      input: "a list (or one value)", output: "a list of the block's values",
      examples: [Example("[1, 2] | each { $it * 10 }", "", result: "[10, 20]")])
  ) { call in
    guard case .block(let block)? = call["block"] else { throw CommandError("each needs a block") }
    guard case .list(let items) = call.input else { return try await call.call(block, with: call.input) }
    var results: [Value] = []
    results.reserveCapacity(items.count)
    for item in items { results.append(try await call.call(block, with: item)) }
    return .list(results)
  },
  Command(
    Signature(
      name: "sort-by", category: .data, summary: "Sorts by a field (numbers by value, text alphabetically).",
      parameters: [field], flags: [CommandFlag("reverse", summary: "largest first")], input: "a list", output: "a list",
      examples: [
        Example("[{p: 2}, {p: 1}] | sort-by p | get p", "", result: "[1, 2]"),
        Example("[3, 1, 2] | sort-by --reverse", "", result: "[3, 2, 1]"),
      ])
  ) { call in
    let path = call.string("field")
    let items = try inputList(call)
    let keyed = items.map { item in (key: path.map { value(at: $0, in: item) ?? .null } ?? item, item: item) }
    var sorted = keyed.enumerated().sorted { a, b in
      if ascending(a.element.key, b.element.key) { return true }
      if ascending(b.element.key, a.element.key) { return false }
      return a.offset < b.offset
    }.map(\.element.item)
    if call.has(flag: "reverse") { sorted.reverse() }
    return .list(sorted)
  },
  Command(
    Signature(
      name: "select", category: .data, summary: "Keeps only the named fields of each record.",
      parameters: [
        Parameter("fields", .fieldPath, positional: true, required: true, variadic: true, summary: "fields to keep")
      ],
      input: "a list of records, or a record", output: "the same, with fewer fields",
      examples: [Example("[{a: 1, b: 2}] | select b", "", result: "[{b: 2}]")])
  ) { call in
    guard case .list(let fields)? = call["fields"] else { throw CommandError("select needs field names") }
    let paths = fields.compactMap { if case .string(let text) = $0 { text } else { nil } }
    func pick(_ item: Value) throws -> Value {
      guard case .record = item else { throw CommandError("select takes records, got \(item.summary)") }
      var record = Record()
      for path in paths { record[path] = value(at: path, in: item) ?? .null }
      return .record(record)
    }
    if case .list(let items) = call.input { return .list(try items.map(pick)) }
    return try pick(call.input)
  },
  Command(
    Signature(
      name: "get", category: .data, summary: "One field (a dotted path) of a record, or of every record in a list.",
      parameters: [
        Parameter("field", .fieldPath, positional: true, required: true, summary: "e.g. price.monthly_price")
      ],
      input: "a record or a list of records", output: "the field's value(s)",
      examples: [Example("{price: {monthly_price: 3.50}} | get price.monthly_price", "", result: "3.50")])
  ) { call in
    let path = call.string("field") ?? ""
    switch call.input {
    case .list(let items): return .list(items.map { value(at: path, in: $0) ?? .null })
    case .record, .error:
      guard let found = value(at: path, in: call.input) else {
        let keys: [String]
        if case .record(let record) = call.input { keys = record.keys } else { keys = [] }
        throw CommandError(
          "get: no field '\(path)'",
          help: closestMatch(to: path, among: keys).map { "did you mean '\($0)'?" } ?? "fields: "
            + keys.joined(separator: ", "))
      }
      return found
    default: throw CommandError("get takes a record or a list of records, got \(call.input.summary)")
    }
  },
  Command(
    Signature(
      name: "count", category: .data, summary: "How many items a list has (fields for a record).",
      input: "a list or a record", output: "a number", examples: [Example("[1, 2, 3] | count", "", result: "3")])
  ) { call in
    switch call.input {
    case .list(let items): return .int(items.count)
    case .record(let record): return .int(record.count)
    case .string(let text): return .int(text.count)
    case .null: return .int(0)
    default: throw CommandError("count takes a list, got \(call.input.summary)")
    }
  },
  Command(
    Signature(
      name: "sum", category: .data, summary: "Adds up numbers, or one field of records.", parameters: [field],
      input: "a list", output: "a number",
      examples: [Example("[0.1, 0.2] | sum", "exact decimal arithmetic", result: "0.3")])
  ) { call in
    var total = DecimalNumber(0)
    for number in try numbers(call) {
      guard let next = total.adding(number) else { throw CommandError("sum: the total is too large") }
      total = next
    }
    return .number(total)
  },
  Command(
    Signature(
      name: "min", category: .data, summary: "The smallest number, or the smallest value of a field.",
      parameters: [field], input: "a list", output: "a number (null for an empty list)",
      examples: [Example("[3, 1, 2] | min", "", result: "1")])
  ) { call in try numbers(call).min().map(Value.number) ?? .null },
  Command(
    Signature(
      name: "max", category: .data, summary: "The largest number, or the largest value of a field.",
      parameters: [field], input: "a list", output: "a number (null for an empty list)",
      examples: [Example("[3, 1, 2] | max", "", result: "3")])
  ) { call in try numbers(call).max().map(Value.number) ?? .null },
  Command(
    Signature(
      name: "uniq", category: .data, summary: "The list without repeated items, first ones kept.", input: "a list",
      output: "a list", examples: [Example("[1, 2, 1] | uniq", "", result: "[1, 2]")])
  ) { call in
    var kept: [Value] = []
    for item in try inputList(call) where !kept.contains(item) { kept.append(item) }
    return .list(kept)
  },
  Command(
    Signature(
      name: "reverse", category: .data, summary: "The list in reverse order.", input: "a list", output: "a list",
      examples: [Example("[1, 2, 3] | reverse", "", result: "[3, 2, 1]")])
  ) { call in .list(try inputList(call).reversed()) },
  Command(
    Signature(
      name: "flatten", category: .data, summary: "Lists inside the list spliced into it (one level).",
      input: "a list", output: "a list", examples: [Example("[[1, 2], [3]] | flatten", "", result: "[1, 2, 3]")])
  ) { call in
    .list(try inputList(call).flatMap { item -> [Value] in if case .list(let inner) = item { inner } else { [item] } })
  },
  Command(
    Signature(
      name: "group-by", category: .data, summary: "A record of lists, keyed by a field's value.",
      parameters: [Parameter("field", .fieldPath, positional: true, required: true, summary: "the field to group on")],
      input: "a list of records", output: "a record",
      examples: [Example("[{t: a}, {t: b}, {t: a}] | group-by t | get a | count", "", result: "2")])
  ) { call in
    let path = call.string("field") ?? ""
    var groups = Record()
    for item in try inputList(call) {
      let key = (value(at: path, in: item) ?? .null).description
      if case .list(let existing)? = groups[key] {
        groups[key] = .list(existing + [item])
      } else {
        groups[key] = .list([item])
      }
    }
    return .record(groups)
  },
  Command(
    Signature(
      name: "range", category: .data, summary: "The whole numbers from a up to, not including, b.",
      parameters: [
        Parameter("from", .integer, positional: true, required: true, summary: "the first number"),
        Parameter("to", .integer, positional: true, required: true, summary: "where to stop (not included)"),
      ], output: "a list of numbers", examples: [Example("range 1 4", "", result: "[1, 2, 3]")])
  ) { call in
    let from = call.integer("from") ?? 0
    let to = call.integer("to") ?? 0
    // In Int128: `to - from` of two Ints can overflow Int.
    guard Int128(to) - Int128(from) <= 10_000_000 else { throw CommandError("range: at most 10 000 000 numbers") }
    return .list(from < to ? (from..<to).map(Value.int) : [])
  },
]
