/// Matches a call's arguments to a signature's parameters. `2cs check` and
/// the interpreter share it, so both report the same errors.
enum ArgumentBinder {
  struct Plan {
    var assignments: [(Parameter, Expression)] = []
    var flags: Set<String> = []
  }

  struct TypeMismatch: Error {
    var message: String
    var help: String?
  }

  static func plan(_ call: CommandCall, signature: Signature) -> Result<Plan, Diagnostic> {
    var plan = Plan()
    var named: Set<String> = []
    let positional = signature.positionalParameters
    // Parameters given by name are no longer open to positional arguments.
    for argument in call.arguments {
      if case .named(let key, _, _) = argument, let parameter = signature.parameter(named: key) {
        named.insert(parameter.name)
      }
    }
    var open = positional.filter { !named.contains($0.name) || $0.variadic }
    var seen: Set<String> = []
    for argument in call.arguments {
      switch argument {
      case .named(let key, let value, let nameRange):
        guard let parameter = signature.parameter(named: key) else {
          let valid = signature.parameters.map(\.name)
          return .failure(Diagnostics.unknownParameter(key, command: call.name, valid: valid, at: nameRange))
        }
        guard seen.insert(parameter.name).inserted || parameter.variadic else {
          return .failure(Diagnostics.duplicateArgument(parameter.name, command: call.name, at: nameRange))
        }
        plan.assignments.append((parameter, value))
      case .flag(let name, let range):
        guard signature.flags.contains(where: { $0.name == name }) else {
          return .failure(
            Diagnostics.unknownFlag(name, command: call.name, valid: signature.flags.map(\.name), at: range))
        }
        plan.flags.insert(name)
      case .positional(let value):
        guard let parameter = open.first else {
          return .failure(Diagnostics.tooManyArguments(command: call.name, usage: signature.usage, at: value.range))
        }
        if !parameter.variadic { open.removeFirst() }
        seen.insert(parameter.name)
        plan.assignments.append((parameter, value))
      }
    }
    for parameter in signature.parameters where parameter.required && !seen.contains(parameter.name) {
      return .failure(
        Diagnostics.missingArgument(parameter.name, command: call.name, usage: signature.usage, at: call.range))
    }
    return .success(plan)
  }

  /// The value converted to what the parameter takes, or why it cannot be.
  static func check(_ value: Value, for parameter: Parameter, command: String) -> Result<Value, TypeMismatch> {
    func mismatch(_ expected: String) -> Result<Value, TypeMismatch> {
      .failure(TypeMismatch(message: "\(command): \(parameter.name) must be \(expected), got \(value.summary)"))
    }
    switch parameter.kind {
    case .any, .expression:
      return .success(value)
    case .string, .fieldPath, .path:
      switch value {
      case .string: return .success(value)
      case .number(let number): return .success(.string(number.description))
      default: return mismatch("text")
      }
    case .number:
      if case .number = value { return .success(value) }
      return mismatch("a number")
    case .integer:
      // One that does not fit an Int would be read as missing, and the command would use its default.
      if case .number(let number) = value, number.isWhole {
        return number.intValue == nil ? mismatch("a whole number within ±\(Int.max)") : .success(value)
      }
      return mismatch("a whole number")
    case .choice(let words):
      let text: String
      switch value {
      case .string(let string): text = string
      case .number(let number): text = number.description
      default: return mismatch("one of \(words.joined(separator: ", "))")
      }
      guard words.contains(text) else {
        return .failure(
          TypeMismatch(
            message: "\(command): '\(text)' is not a valid \(parameter.name)",
            help: "one of: " + words.joined(separator: ", ")))
      }
      return .success(.string(text))
    case .block:
      if case .block = value { return .success(value) }
      return mismatch("a block { ... }")
    }
  }
}
