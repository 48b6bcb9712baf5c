/// A problem found in a program, with the place it is about.
public struct Diagnostic: Error, Sendable, Equatable {
  public enum Severity: String, Sendable {
    case error, warning
  }

  /// A stable name for the kind of problem, e.g. `unknown-command`.
  public var id: String
  public var severity: Severity = .error
  public var message: String
  public var range: SourceRange
  /// A hint printed on a `help:` line.
  public var help: String?

  public init(id: String, message: String, range: SourceRange, help: String? = nil) {
    self.id = id
    self.message = message
    self.range = range
    self.help = help
  }

  /// `file:line:col: error: message`, the source line, carets under the range, and the help line.
  public func rendered(in source: SourceFile) -> String {
    let (line, column) = source.location(of: range.start)
    var text = "\(source.name):\(line):\(column): \(severity.rawValue): \(message)\n"
    // Control characters are shown, not sent: an escape sequence in a script must not drive the terminal.
    let lineText = Self.visible(source.line(line))
    let (endLine, endColumn) = source.location(of: range.end)
    // Columns count characters; the carets go under them by display cells (a CJK character or an emoji takes two).
    let before = lineText.prefix(column - 1)
    let covered = lineText.dropFirst(column - 1).prefix(endLine == line ? max(0, endColumn - column) : Int.max)
    let indent = before.map { $0 == "\t" ? "\t" : String(repeating: " ", count: $0.displayWidth) }.joined()
    let width = max(1, covered.displayWidth)
    text += "  \(lineText)\n  \(indent)\(String(repeating: "^", count: width))\n"
    if let help { text += "  help: \(help)\n" }
    return text
  }

  /// `text` with each control character but the tab as its Unicode picture (ESC as ␛), one column each, so the
  /// carets still line up.
  static func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) else {
      return text
    }
    var shown = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x09: shown.append(scalar)
      case 0x00..<0x20: shown.append(Unicode.Scalar(0x2400 + scalar.value) ?? "?")
      case 0x7F: shown.append("\u{2421}")
      case 0x80..<0xA0: shown.append("\u{FFFD}")
      default: shown.append(scalar)
      }
    }
    return String(shown)
  }
}

/// Every diagnostic the lexer, parser and checker make, by name.
enum Diagnostics {
  static func unexpectedCharacter(_ character: Character, at range: SourceRange) -> Diagnostic {
    let shown =
      character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control })
      ? character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined()
      : "'\(character)'"
    return Diagnostic(id: "unexpected-character", message: "unexpected character \(shown)", range: range)
  }

  static func unterminatedString(at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "unterminated-string", message: "unterminated string", range: range,
      help: "close it with the same quote it opened with")
  }

  static func invalidEscape(_ text: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "invalid-escape", message: "unknown escape '\(text)' in a string", range: range,
      help: "the escapes are \\n \\t \\\" \\\\ and \\$; use a 'single-quoted' string for raw text")
  }

  static func invalidUTF8(at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "invalid-utf8", message: "the source is not valid UTF-8", range: range)
  }

  static func expected(_ what: String, found: String, at range: SourceRange, help: String? = nil) -> Diagnostic {
    Diagnostic(id: "syntax", message: "expected \(what), found \(found)", range: range, help: help)
  }

  static func unclosed(_ opener: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "unclosed", message: "'\(opener)' is never closed", range: range)
  }

  static func tooDeep(at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "too-deep", message: "nesting deeper than \(Parser.maximumDepth) levels", range: range)
  }

  static func misplaced(_ keyword: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "misplaced", message: "'\(keyword)' outside of \(keyword == "return" ? "a def" : "a loop")", range: range)
  }

  static func unknownCommand(_ name: String, at range: SourceRange, suggestion: String?) -> Diagnostic {
    Diagnostic(
      id: "unknown-command", message: "unknown command '\(name)'", range: range,
      help: suggestion.map { "did you mean '\($0)'?" }
        ?? "type 'help' for the list of commands; text needs quotes: \"\(name)\"")
  }

  static func unknownParameter(_ name: String, command: String, valid: [String], at range: SourceRange)
    -> Diagnostic
  {
    let suggestion = closestMatch(to: name, among: valid)
    let list = valid.isEmpty ? "it takes none" : "valid parameters: " + valid.joined(separator: ", ")
    return Diagnostic(
      id: "unknown-parameter", message: "\(command) has no parameter '\(name)'", range: range,
      help: suggestion.map { "did you mean '\($0)'? \(list)" } ?? list)
  }

  static func unknownFlag(_ name: String, command: String, valid: [String], at range: SourceRange) -> Diagnostic {
    let list = valid.isEmpty ? "it takes no flags" : "valid flags: " + valid.map { "--" + $0 }.joined(separator: ", ")
    return Diagnostic(id: "unknown-flag", message: "\(command) has no flag '--\(name)'", range: range, help: list)
  }

  static func tooManyArguments(command: String, usage: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "too-many-arguments", message: "too many arguments to \(command)", range: range, help: "usage: \(usage)")
  }

  static func missingArgument(_ name: String, command: String, usage: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "missing-argument", message: "\(command) needs \(name)", range: range, help: "usage: \(usage)")
  }

  static func duplicateArgument(_ name: String, command: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "duplicate-argument", message: "\(name) is given twice to \(command)", range: range)
  }

  static func wrongArgument(_ mismatch: ArgumentBinder.TypeMismatch, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "wrong-argument", message: mismatch.message, range: range, help: mismatch.help)
  }

  static func redefinedBuiltin(_ name: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "redefinition", message: "'\(name)' is a built-in command and cannot be redefined", range: range)
  }

  static func valueAfterPipe(at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "value-after-pipe", message: "a value cannot take piped input", range: range,
      help: "after '|' comes a command, such as each { ... } or where ...")
  }

  static func numberTooLong(at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "number", message: "number too long", range: range)
  }

  // MARK: While running

  static func interrupted(at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "interrupted", message: "interrupted", range: range)
  }

  /// A command's error; the `RuntimeError` made from it keeps its HTTP status, endpoint and details.
  static func commandFailed(_ error: CommandError, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: error.id ?? "command-failed", message: error.message, range: range, help: error.help)
  }

  // The language's own errors raised inside a command (`source`, an expression parameter): the interpreter
  // places them at the call, as it does the command's.

  static func sourcedTooDeep(_ name: String, limit: Int) -> CommandError {
    CommandError(
      "files source each other more than \(limit) deep (\(name) again?)",
      help: "a file that sources itself, directly or through others, never ends", id: "source-too-deep")
  }

  /// `rendered`: the sourced file's diagnostics, each as `Diagnostic.rendered(in:)` prints it.
  static func sourcedFileInvalid(_ name: String, rendered: String) -> CommandError {
    CommandError("\(name) has errors:\n" + rendered, id: "source-invalid")
  }

  /// A command asked for an expression parameter its call did not give.
  static func missingExpression(_ name: String, command: String) -> CommandError {
    CommandError("\(command) needs \(name)", id: "missing-argument")
  }

  static func callTooDeep(_ name: String, limit: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "call-too-deep", message: "\(name) calls itself more than \(limit) deep", range: range)
  }

  /// A bare name in an expression where there is no current row (`$it`) to read it from.
  static func bareName(_ name: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "bare-name", message: "'\(name)' is not a command argument, a variable or a field", range: range,
      help: "write text in quotes (\"\(name)\"), a variable as $\(name)")
  }

  static func undefinedVariable(_ name: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "undefined-variable", message: "undefined variable $\(name)", range: range,
      help: suggestion.map { "did you mean $\($0)?" } ?? "bind it first with: let \(name) = ...")
  }

  static func cannotNegate(_ value: Value, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "cannot-negate", message: "cannot negate \(value.summary)", range: range)
  }

  static func noFields(_ name: String, of value: Value, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "no-fields", message: "cannot read field '\(name)' of \(value.summary)", range: range)
  }

  /// `container` is what is indexed: `list` or `string`.
  static func fractionalIndex(of container: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "fractional-index", message: "a \(container) index must be a whole number", range: range)
  }

  static func indexOutOfRange(_ position: Int, of container: String, count: Int, at range: SourceRange)
    -> Diagnostic
  {
    Diagnostic(
      id: "index-out-of-range", message: "index \(position) is out of range for a \(container) of \(count)",
      range: range)
  }

  static func cannotIndex(_ value: Value, with index: Value, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "cannot-index", message: "cannot index \(value.summary) with \(index.summary)", range: range)
  }

  static func needsNumbers(_ operation: BinaryOperator, _ lhs: Value, _ rhs: Value, at range: SourceRange)
    -> Diagnostic
  {
    Diagnostic(
      id: "needs-numbers", message: "'\(operation.rawValue)' needs two numbers, got \(lhs.summary) and \(rhs.summary)",
      range: range,
      help: lhs.typeName == "string" || rhs.typeName == "string" ? "join text with interpolation: \"$a $b\"" : nil)
  }

  static func divisionByZero(at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "division-by-zero", message: "division by zero", range: range)
  }

  static func numberOverflow(at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "number-overflow", message: "the result is too large to compute exactly", range: range)
  }

  static func cannotCompare(_ lhs: Value, with rhs: Value, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "cannot-compare", message: "cannot compare \(lhs.summary) with \(rhs.summary)", range: range)
  }

  static func matchNeedsStrings(_ lhs: Value, _ rhs: Value, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "match-needs-strings",
      message: "'=~' matches a string against a pattern string, got \(lhs.summary) and \(rhs.summary)", range: range)
  }

  static func cannotSearch(for element: Value, in container: Value, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "cannot-search", message: "cannot look for \(element.summary) in \(container.summary)", range: range)
  }

  static func invalidPattern(_ pattern: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "invalid-pattern", message: "invalid pattern '\(pattern)'", range: range)
  }

  /// A state the interpreter never reaches unless it has a bug.
  static func internalError(_ description: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "internal", message: "internal error: \(description)", range: range)
  }
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo.
public func closestMatch(to word: String, among candidates: [String]) -> String? {
  let limit = max(1, word.count / 3)
  var best: (String, Int)?
  for candidate in candidates {
    let distance = editDistance(word.lowercased(), candidate.lowercased())
    if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
  }
  if best == nil, let prefixed = candidates.first(where: { $0.hasPrefix(word) && word.count >= 2 }) {
    return prefixed
  }
  return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
  let left = Array(a)
  let right = Array(b)
  if left.isEmpty { return right.count }
  if right.isEmpty { return left.count }
  var previous = Array(0...right.count)
  var current = previous
  for i in 1...left.count {
    current[0] = i
    for j in 1...right.count {
      let cost = left[i - 1] == right[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[right.count]
}
