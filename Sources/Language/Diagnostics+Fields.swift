/// The catalogue's entries about fields and piped input.
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
    var help: String?
    if case .list = value, command.accepts.contains(.record) {
      help =
        "pick one with first (… | first | \(command.name)) or go through them with: for x in … { \(command.name) … }"
    } else if case .null = value {
      help = "pipe a value in: … | \(command.name)"
    }
    return Diagnostic(
      id: "wrong-input", message: "\(command.name) takes \(command.input) piped in, got \(value.summary)",
      range: range, help: help)
  }

  /// A field that the shape a command declares for its records does not have, found by `2cs check`.
  static func missingField(_ missing: MissingField, command: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(id: "missing-field", message: "\(command): \(missing.message)", range: range, help: missing.help)
  }

  /// A value of a kind the command does not take, found by `2cs check` from the shape piped in.
  static func wrongInputShape(_ shape: Shape, command: Signature, at range: SourceRange) -> Diagnostic {
    var help: String?
    if case .list = shape, command.accepts.contains(.record) {
      help =
        "pick one with first (… | first | \(command.name)) or go through them with: for x in … { \(command.name) … }"
    }
    return Diagnostic(
      id: "wrong-input", message: "\(command.name) takes \(command.input) piped in, not \(shape.summary)",
      range: range, help: help)
  }
}
