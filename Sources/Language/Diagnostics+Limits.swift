/// The limits that keep a program from crashing 2cs or running the machine out of memory, and their errors.
/// None of these errors can be caught by `try`: a program that reached one is stopped where it was.
extension Diagnostics {
  /// How deep lists and records may nest inside each other. Printing, comparing, saving and freeing a value
  /// recurse once per level; at this depth they stay well inside a 512 KiB thread stack.
  public static let maximumNesting = 100

  /// The most bytes (UTF-8) in a string that `+` makes: doubling a string in a loop stops here, long before the
  /// machine's memory runs out.
  static let maximumStringBytes = 256 * 1024 * 1024

  /// The most items in a list that `+` makes (as many as `range` makes at most).
  static let maximumListItems = 10_000_000

  /// The longest one `=~` may take.
  static let maximumMatchSeconds = 5.0

  /// The errors that end the program even inside `try`: an interrupt, and a limit being reached.
  static let uncatchable: Set<String> = [
    "interrupted", "call-too-deep", "source-too-deep", "value-too-deep", "value-too-large", "memory-limit",
    "match-too-slow",
  ]

  static func matchTooSlow(seconds: Double, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "match-too-slow", message: "the pattern took more than \(Int(seconds)) s to match and was stopped",
      range: range, help: "a pattern with nested repetition, such as (a+)+, can take for ever on some text")
  }

  static func stringTooLong(limit: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "value-too-large", message: "the string would be longer than \(limit / 1024 / 1024) MiB", range: range)
  }

  static func listTooLong(limit: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "value-too-large", message: "the list would have more than \(limit) items", range: range)
  }

  static func streamTooLong(limit: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "value-too-large", message: "more than \(limit) items to hold in a list", range: range,
      help: "for, each, where, first, take, skip and count go through a range one item at a time, holding nothing")
  }

  static func blockTooDeep(limit: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "call-too-deep", message: "blocks and commands call each other more than \(limit) deep", range: range,
      help: "a block or command that runs itself needs a case that stops")
  }

  static func valueTooDeep(limit: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "value-too-deep", message: "lists and records nest more than \(limit) deep here", range: range,
      help: "a value may hold lists and records up to \(limit) levels deep")
  }

  /// A command's result nested too deep; the interpreter places it at the call.
  static func resultTooDeep(_ command: String, limit: Int) -> CommandError {
    CommandError(
      "\(command): the result nests lists and records more than \(limit) deep",
      help: "a value may hold lists and records up to \(limit) levels deep", id: "value-too-deep")
  }
}

extension RuntimeError {
  /// Whether `try` lets this error through: interrupts and reached limits stop the program.
  public var isUncatchable: Bool { Diagnostics.uncatchable.contains(id) }
}

extension Value {
  /// Whether lists and records nest more than `limit` levels deep in the value. Looks no deeper than
  /// `limit + 1` levels, so it never recurses far, whatever the value.
  public func nests(deeperThan limit: Int) -> Bool {
    switch self {
    case .list(let items):
      guard limit > 0 else { return true }
      return items.contains { $0.nests(deeperThan: limit - 1) }
    case .record(let record):
      guard limit > 0 else { return true }
      return record.dictionary.values.contains { $0.nests(deeperThan: limit - 1) }
    case .error(let error):
      guard limit > 0 else { return true }
      return error.details.dictionary.values.contains { $0.nests(deeperThan: limit - 1) }
    case .null, .bool, .number, .string, .block:
      return false
    }
  }
}
