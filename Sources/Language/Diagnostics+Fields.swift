/// The catalogue's entries about fields and piped input, and the cap on how many errors are shown.
extension Diagnostics {
  static func missingField(_ missing: MissingField, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "missing-field", message: missing.message, range: range, help: missing.help)
  }

  /// A bare word in a condition that is no field of the rows: most likely text written without quotes.
  static func bareWordNotAField(_ missing: MissingField, at range: SourceRange) -> Diagnostic {
    var help = "to compare with the text, write it in quotes: \"\(missing.name)\""
    if let suggestion = missing.suggestion { help += "; or did you mean the field '\(suggestion)'?" }
    return Diagnostic(
      id: "bare-word", message: "'\(missing.name)' is not a field of these records", range: range, help: help)
  }

  static func wrongInput(_ value: Value, command: Signature, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "wrong-input", message: "\(command.name) takes \(command.input) piped in, got \(value.summary)",
      range: range, help: wrongInputHelp(ValueKinds(of: value), command: command))
  }

  /// A field that a command's records do not have: found by `2cs check` from the shapes, or by the command.
  static func missingField(_ missing: MissingField, command: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "missing-field", message: "\(command): \(missing.message)", range: range, help: missing.help)
  }

  /// A value of a kind the command does not take, found by `2cs check` from the shape piped in.
  static func wrongInputShape(_ shape: Shape, command: Signature, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "wrong-input", message: "\(command.name) takes \(command.input) piped in, not \(shape.summary)",
      range: range, help: shape.kind.flatMap { wrongInputHelp($0, command: command) })
  }

  private static func wrongInputHelp(_ kind: ValueKinds, command: Signature) -> String? {
    if kind == .list, command.accepts.contains(.record) {
      return
        "pick one with first (… | first | \(command.name)) or go through them with: for x in … { \(command.name) … }"
    }
    if kind == .nothing { return "pipe a value in: … | \(command.name)" }
    return nil
  }

  static func tooManyErrors(_ more: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "too-many-errors", message: "\(more) more error\(more == 1 ? "" : "s") not shown", range: range,
      help: "mend these first")
  }

  /// `where "sms_out"`: text, a list or a record written as the whole condition decides it before any row is read.
  static func constantCondition(command: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "constant-condition", message: "\(command) takes a condition; this value is the same for every row",
      range: range, help: "compare something: \(command) features has \"sms_out\", \(command) type == \"local\"")
  }

  static func repeatedParameter(_ name: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "repeated-parameter", message: "parameter '\(name)' is named twice", range: range)
  }

  /// `where { $it > 2 }`: a block is always true, so every row would be kept.
  static func blockForCondition(command: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      id: "block-for-condition", message: "\(command) takes a condition, not a block: a block is always true",
      range: range, help: "write the condition itself, without braces: \(command) $x > 2")
  }
}

extension CommandError {
  /// A field path argument that none of the records has (`sort-by price.montly_price`).
  public init(_ missing: MissingField, command: String, parameter: String) {
    let diagnostic = Diagnostics.missingField(missing, command: command, at: .none)
    self.init(diagnostic.message, help: diagnostic.help, parameter: parameter, id: diagnostic.id)
  }
}
