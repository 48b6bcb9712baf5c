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

/// A field path argument, checked against the items it will be read from: a field that none of them has is an
/// error with a did-you-mean (a step written `name?` may be missing). Nil when the argument was not given.
private func fieldPath(_ call: Invocation, _ parameter: String = "field", over items: [Value]) throws -> FieldPath? {
  guard let text = call.string(parameter) else { return nil }
  return try checkedPath(text, call: call, parameter: parameter, over: items)
}

private func checkedPath(_ text: String, call: Invocation, parameter: String, over items: [Value]) throws -> FieldPath {
  guard let path = FieldPath(text) else {
    throw CommandError(
      "\(call.signature.name): '\(text)' is not a field path", help: "write fields joined by dots: price.monthly_price",
      parameter: parameter)
  }
  if var missing = path.problem(in: items) {
    missing.inOneRecord = items.count == 1 && !isList(call.input)
    throw CommandError(missing, command: call.signature.name, parameter: parameter)
  }
  return path
}

private func isList(_ value: Value) -> Bool {
  if case .list = value { true } else { false }
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

/// Sort keys must be all numbers, all text or all bools (nulls go last): a record, a list, or a mix of kinds has
/// no order a user could mean, and sorting by it would leave the list as it was without a word.
private func checkSortable(_ keys: [Value], by path: FieldPath?, _ call: Invocation) throws {
  let what = path.map { "'\($0)'" } ?? "the items"
  var kinds: [String] = []
  for key in keys {
    switch key {
    case .null: continue
    case .number, .string, .bool:
      if !kinds.contains(key.typeName) { kinds.append(key.typeName) }
    default:
      let fields = key.fieldNames
      let prefix = path.map { "\($0.key)." } ?? ""
      throw CommandError(
        "sort-by: \(what) \(path == nil ? "are" : "is") \(key.typeName == "list" ? "a list" : "a record"), which has no order",
        help: fields.isEmpty
          ? "sort by a field of it"
          : "sort by one of its fields: " + fields.prefix(6).map { prefix + $0 }.joined(separator: ", "),
        parameter: "field")
    }
  }
  if kinds.isEmpty, keys.count > 1, let path {
    throw CommandError(
      "sort-by: no item has a value at '\(path)', so there is nothing to sort by", help: "is the field misspelt?",
      parameter: "field")
  }
  guard kinds.count <= 1 else {
    throw CommandError(
      "sort-by: the values of \(what) are \(kinds.joined(separator: " and ")), which have no order together",
      parameter: "field")
  }
}

private func numbers(_ call: Invocation) throws -> [DecimalNumber] {
  let items = try inputList(call)
  let path = try fieldPath(call, over: items)
  return try items.compactMap { item -> DecimalNumber? in
    let picked = path?.value(in: item) ?? item
    switch picked {
    case .number(let number): return number
    case .null: return nil
    default:
      throw CommandError("\(call.signature.name) takes numbers, got \(picked.summary)")
    }
  }
}

/// What the list commands take piped in: a list, or nothing (an empty list).
private let listOrNothing: ValueKinds = [.list, .nothing]

private let n = Parameter("n", .integer, positional: true, summary: "how many")
private let field = Parameter("field", .fieldPath, positional: true, summary: "a field, e.g. price.monthly_price")

let dataCommands: [Command] = [
  Command(
    streaming: Signature(
      name: "first", category: .data, summary: "The first item; with n, a list of the first n.", parameters: [n],
      input: "a list", accepts: listOrNothing, output: "an item, or a list with n", resultShape: DataShapes.itemOrList,
      examples: [
        Example("[3, 1, 2] | first", "the first item", result: "3"),
        Example("[3, 1, 2] | first 2", "", result: "[3, 1]"),
      ])
  ) { call in
    if let stream = call.stream {
      if call.given("n") { return .stream(stream.prefix(try count(call))) }
      guard let first = try await stream.next() else { throw CommandError("first: the list is empty") }
      return .value(first)
    }
    let items = try inputList(call)
    if call.given("n") { return .value(.list(Array(items.prefix(try count(call))))) }
    guard let first = items.first else { throw CommandError("first: the list is empty") }
    return .value(first)
  },
  Command(
    Signature(
      name: "last", category: .data, summary: "The last item; with n, a list of the last n.", parameters: [n],
      input: "a list", accepts: listOrNothing, output: "an item, or a list with n", resultShape: DataShapes.itemOrList,
      examples: [Example("[3, 1, 2] | last", "the last item", result: "2")])
  ) { call in
    let items = try inputList(call)
    if call.given("n") { return .list(Array(items.suffix(try count(call)))) }
    guard let last = items.last else { throw CommandError("last: the list is empty") }
    return last
  },
  Command(
    streaming: Signature(
      name: "skip", category: .data, summary: "The list without its first n items.",
      parameters: [Parameter("n", .integer, positional: true, required: true, summary: "how many to skip")],
      input: "a list", accepts: listOrNothing, output: "a list", resultShape: .sameList,
      examples: [Example("[1, 2, 3] | skip 1", "", result: "[2, 3]")])
  ) { call in
    if let stream = call.stream { return .stream(stream.dropFirst(try count(call))) }
    return .value(.list(Array(try inputList(call).dropFirst(try count(call)))))
  },
  Command(
    streaming: Signature(
      name: "take", category: .data, summary: "The first n items.",
      parameters: [Parameter("n", .integer, positional: true, required: true, summary: "how many to keep")],
      input: "a list", accepts: listOrNothing, output: "a list", resultShape: .sameList,
      examples: [Example("[1, 2, 3] | take 2", "", result: "[1, 2]")])
  ) { call in
    if let stream = call.stream { return .stream(stream.prefix(try count(call))) }
    return .value(.list(Array(try inputList(call).prefix(try count(call)))))
  },
  Command(
    streaming: Signature(
      name: "where", category: .data, summary: "The items for which a condition holds.",
      parameters: [
        Parameter(
          "condition", .expression, positional: true, required: true,
          summary: "an expression; bare names are fields of the item, $it is the item")
      ],
      input: "a list", accepts: listOrNothing, output: "a list", resultShape: .sameList,
      examples: [
        Example("[1, 5, 10] | where $it > 2", "numbers above 2", result: "[5, 10]"),
        Example("groups US | where price.monthly_price < 1.2 and allow_number_selection | count", "cheap, selectable"),
      ])
  ) { call in
    if let stream = call.stream {
      // The condition's fields are checked against the first item, as the others are still to come.
      var condition: RowExpression?
      return .stream(
        stream.filter { item in
          let ready = try condition ?? call.rowExpression("condition", over: [item])
          condition = ready
          return try await ready.holds(for: item)
        })
    }
    let items = try inputList(call)
    let condition = try call.rowExpression("condition", over: items)
    var kept: [Value] = []
    for item in items where try await condition.holds(for: item) { kept.append(item) }
    return .value(.list(kept))
  },
  Command(
    streaming: Signature(
      name: "each", category: .data, summary: "Runs a block for every item ($it) and lists the results.",
      parameters: [Parameter("block", .block, positional: true, required: true, summary: "{ ... } run with $it")],
      input: "a list (or one value)", output: "a list of the block's values", resultShape: .fixed(.list(.unknown)),
      examples: [Example("[1, 2] | each { $it * 10 }", "", result: "[10, 20]")])
  ) { call in
    guard case .block(let block)? = call["block"] else { throw CommandError("each needs a block") }
    if let stream = call.stream { return .stream(stream.map { try await call.call(block, with: $0) }) }
    guard case .list(let items) = call.input else { return .value(try await call.call(block, with: call.input)) }
    var results: [Value] = []
    results.reserveCapacity(items.count)
    for item in items { results.append(try await call.call(block, with: item)) }
    return .value(.list(results))
  },
  Command(
    Signature(
      name: "sort-by", category: .data, summary: "Sorts by a field (numbers by value, text alphabetically).",
      parameters: [field], flags: [CommandFlag("reverse", summary: "largest first")], input: "a list",
      accepts: listOrNothing, output: "a list", resultShape: .sameList,
      examples: [
        Example("[{p: 2}, {p: 1}] | sort-by p | get p", "", result: "[1, 2]"),
        Example("[3, 1, 2] | sort-by --reverse", "", result: "[3, 2, 1]"),
      ])
  ) { call in
    let items = try inputList(call)
    let path = try fieldPath(call, over: items)
    let keyed = items.map { item in (key: path?.value(in: item) ?? item, item: item) }
    try checkSortable(keyed.map(\.key), by: path, call)
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
      input: "a list of records, or a record", accepts: [.list, .record],
      output: "the same, with fewer fields", resultShape: DataShapes.selection,
      examples: [Example("[{a: 1, b: 2}] | select b", "", result: "[{b: 2}]")])
  ) { call in
    guard case .list(let fields)? = call["fields"] else { throw CommandError("select needs field names") }
    let items: [Value]
    if case .list(let list) = call.input { items = list } else { items = [call.input] }
    for item in items where !item.hasFields { throw CommandError("select takes records, got \(item.summary)") }
    let paths = try fields.compactMap { field -> FieldPath? in
      guard case .string(let text) = field else { return nil }
      return try checkedPath(text, call: call, parameter: "fields", over: items)
    }
    // A nested field stays nested (`price.monthly_price` keeps `price: {monthly_price}`), so the same path
    // reads it afterwards; a table still shows it as one `price.monthly_price` column.
    func pick(_ item: Value) -> Value {
      var record = Record()
      for path in paths { record.set(path.steps.map(\.name)[...], to: path.value(in: item)) }
      return .record(record)
    }
    if case .list = call.input { return .list(items.map(pick)) }
    return pick(call.input)
  },
  Command(
    Signature(
      name: "get", category: .data, summary: "One field (a dotted path) of a record, or of every record in a list.",
      parameters: [
        Parameter("field", .fieldPath, positional: true, required: true, summary: "e.g. price.monthly_price")
      ],
      input: "a record or a list of records", accepts: [.list, .record], output: "the field's value(s)",
      resultShape: DataShapes.field,
      examples: [Example("{price: {monthly_price: 3.50}} | get price.monthly_price", "", result: "3.50")])
  ) { call in
    switch call.input {
    case .list(let items):
      let path = try fieldPath(call, over: items)
      return .list(items.map { path?.value(in: $0) ?? .null })
    case .record, .error:
      return try fieldPath(call, over: [call.input])?.value(in: call.input) ?? .null
    default: throw CommandError("get takes a record or a list of records, got \(call.input.summary)")
    }
  },
  Command(
    streaming: Signature(
      name: "count", category: .data, summary: "How many items a list has (fields for a record).",
      input: "a list, a record or a string (its characters)", accepts: [.list, .record, .string, .nothing],
      output: "a number",
      resultShape: .fixed(.number), examples: [Example("[1, 2, 3] | count", "", result: "3")])
  ) { call in
    if let stream = call.stream {
      return .value(.number(DecimalNumber(significand: try await stream.count(), scale: 0)))
    }
    switch call.input {
    case .list(let items): return .value(.int(items.count))
    case .record, .error: return .value(.int(call.input.fieldNames.count))
    case .string(let text): return .value(.int(text.count))
    case .null: return .value(.int(0))
    default: throw CommandError("count takes a list, got \(call.input.summary)")
    }
  },
  Command(
    Signature(
      name: "sum", category: .data, summary: "Adds up numbers, or one field of records.", parameters: [field],
      input: "a list", accepts: listOrNothing, output: "a number", resultShape: .fixed(.number),
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
      parameters: [field], input: "a list", accepts: listOrNothing,
      output: "a number (null for an empty list)", resultShape: .fixed(.number),
      examples: [Example("[3, 1, 2] | min", "", result: "1")])
  ) { call in try numbers(call).min().map(Value.number) ?? .null },
  Command(
    Signature(
      name: "max", category: .data, summary: "The largest number, or the largest value of a field.",
      parameters: [field], input: "a list", accepts: listOrNothing,
      output: "a number (null for an empty list)", resultShape: .fixed(.number),
      examples: [Example("[3, 1, 2] | max", "", result: "3")])
  ) { call in try numbers(call).max().map(Value.number) ?? .null },
  Command(
    Signature(
      name: "uniq", category: .data, summary: "The list without repeated items, first ones kept.", input: "a list",
      accepts: listOrNothing, output: "a list", resultShape: .sameList,
      examples: [Example("[1, 2, 1] | uniq", "", result: "[1, 2]")])
  ) { call in
    var seen: Set<Value> = []
    return .list(try inputList(call).filter { seen.insert($0).inserted })
  },
  Command(
    Signature(
      name: "reverse", category: .data, summary: "The list in reverse order.", input: "a list",
      accepts: listOrNothing, output: "a list", resultShape: .sameList,
      examples: [Example("[1, 2, 3] | reverse", "", result: "[3, 2, 1]")])
  ) { call in .list(try inputList(call).reversed()) },
  Command(
    Signature(
      name: "flatten", category: .data, summary: "Lists inside the list spliced into it (one level).",
      input: "a list", accepts: listOrNothing, output: "a list", resultShape: .fixed(.list(.unknown)),
      examples: [Example("[[1, 2], [3]] | flatten", "", result: "[1, 2, 3]")])
  ) { call in
    .list(try inputList(call).flatMap { item -> [Value] in if case .list(let inner) = item { inner } else { [item] } })
  },
  Command(
    Signature(
      name: "group-by", category: .data, summary: "A record of lists, keyed by a field's value.",
      parameters: [Parameter("field", .fieldPath, positional: true, required: true, summary: "the field to group on")],
      input: "a list of records", accepts: listOrNothing, output: "a record",
      examples: [Example("[{t: a}, {t: b}, {t: a}] | group-by t | get a | count", "", result: "2")])
  ) { call in
    let items = try inputList(call)
    let path = try fieldPath(call, over: items)
    var keys: [String] = []
    var members: [[Value]] = []
    var positions: [String: Int] = [:]
    for item in items {
      let key = (path?.value(in: item) ?? .null).description
      if let position = positions[key] {
        members[position].append(item)
      } else {
        positions[key] = keys.count
        keys.append(key)
        members.append([item])
      }
    }
    return .record(Record(zip(keys, members).map { Record.Field(key: $0, value: .list($1)) }))
  },
  Command(
    streaming: Signature(
      name: "range", category: .data, summary: "The whole numbers from a up to, not including, b.",
      parameters: [
        Parameter("from", .integer, positional: true, required: true, summary: "the first number"),
        Parameter("to", .integer, positional: true, required: true, summary: "where to stop (not included)"),
      ], accepts: .nothing, output: "a list of numbers", resultShape: .fixed(.list(.number)),
      examples: [Example("range 1 4", "", result: "[1, 2, 3]")])
  ) { call in
    let from = call.integer("from") ?? 0
    let to = call.integer("to") ?? 0
    return .stream(ValueStream(numbers: from..<max(from, to)))
  },
]

extension Record {
  /// Sets the field at a path of names, making the records on the way.
  fileprivate mutating func set(_ names: ArraySlice<String>, to value: Value) {
    guard let name = names.first else { return }
    guard names.count > 1 else {
      self[name] = value
      return
    }
    var inner: Record
    if case .record(let existing)? = self[name] { inner = existing } else { inner = Record() }
    inner.set(names.dropFirst(), to: value)
    self[name] = .record(inner)
  }
}

/// Result shapes of the data commands, from the shape piped in and the literal arguments.
enum DataShapes {
  /// `first`/`last`: an item, or with n a list.
  static let itemOrList = ResultShape { query in
    query.given("n") ? ResultShape.sameList.shape(for: query) : query.input.element
  }

  /// `get PATH`: the shape at the path.
  static let field = ResultShape { query in
    guard let text = query.text("field"), let path = FieldPath(text) else { return .unknown }
    return query.input.reading(path).shape
  }

  /// `select PATH...`: records of the chosen fields.
  static let selection = ResultShape { query in
    guard case .list(let chosen)? = query.literals["fields"] else { return .unknown }
    var selected: Shape = .record([], open: false)
    for case .string(let text) in chosen {
      guard let path = FieldPath(text) else { return .unknown }
      var shape = query.input.rows.reading(path).shape
      for step in path.steps.reversed() { shape = .record([ShapeField(step.name, shape)], open: false) }
      selected = selected.merged(with: shape)
    }
    return query.input.kind == .list ? .list(selected) : selected
  }
}
