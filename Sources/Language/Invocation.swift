/// One call of a command, as its `run` sees it: the piped input, the bound
/// arguments, and what it may ask of the interpreter.
public struct Invocation: Sendable {
  public let signature: Signature
  /// The value piped in; `.null` when nothing was, or when a stream was.
  public let input: Value
  /// The items piped in one at a time, for a command that streams (see `Command.runStreaming`).
  public let stream: ValueStream?
  /// Arguments by parameter name (never by alias). Variadic parameters hold a list.
  public let arguments: [String: Value]
  public let flags: Set<String>
  /// An expression parameter's expression, evaluated once per row, and whether it runs a pipeline.
  let expressions: [String: (expression: Expression, runsPipeline: Bool)]
  /// Where each argument was written, so errors about one point at it.
  let argumentRanges: [String: SourceRange]
  let interpreter: Interpreter
  let scope: Scope
  let range: SourceRange

  public subscript(name: String) -> Value? { arguments[name] }

  /// A text argument.
  public func string(_ name: String) -> String? {
    if case .string(let text) = self[name] { return text }
    return nil
  }

  /// A whole-number argument (the binder has checked that it fits).
  public func integer(_ name: String) -> Int? {
    if case .number(let number) = self[name] { return number.intValue }
    return nil
  }

  public func has(flag: String) -> Bool { flags.contains(flag) }

  /// Whether the argument was given (rather than piped or defaulted).
  public func given(_ name: String) -> Bool { arguments[name] != nil || expressions[name] != nil }

  /// What the host program attached to the engine (the API session, for 2cs).
  public var host: (any Sendable)? { interpreter.engine.host }

  /// A file path as given, resolved against the engine's working folder when relative.
  public func resolvedPath(_ path: String) -> String {
    guard !path.hasPrefix("/"), let folder = interpreter.engine.workingDirectory else { return path }
    return folder + "/" + path
  }

  /// Prints a line to the program's output.
  public func print(_ text: String) { interpreter.engine.output(text) }

  /// Whether an expression parameter (a condition) holds with `$it` bound to `row`; bare names read fields of
  /// `row`.
  public func holds(_ name: String, for row: Value) async throws -> Bool {
    try await rowExpression(name, over: [row]).holds(for: row)
  }

  /// An expression parameter made ready to be evaluated on each of `rows`, as `where` does. Every field its bare
  /// names (and `$it`) read must be a field of at least one row: otherwise this throws a located error with a
  /// did-you-mean, or, for a lone bare word, a hint to quote it. A row without a field the others have reads null.
  public func rowExpression(_ name: String, over rows: [Value]) throws -> RowExpression {
    guard let (expression, runsPipeline) = expressions[name] else {
      throw Diagnostics.missingExpression(name, command: signature.name)
    }
    if case .block = expression {
      throw RuntimeError(
        Diagnostics.blockForCondition(command: signature.name, at: expression.range), in: interpreter.source)
    }
    return RowExpression(
      expression: try interpreter.rowReads(of: expression, over: rows), runsPipeline: runsPipeline,
      interpreter: interpreter, scope: scope, command: signature.name)
  }

  /// Runs a block with `$it` bound to `row` and returns its last value.
  public func call(_ closure: Closure, with row: Value) async throws -> Value {
    try await interpreter.call(closure, it: row)
  }

  /// Runs source text in the caller's scope, as `source FILE` does.
  public func runSource(_ text: String, name: String) async throws -> Value {
    try await interpreter.engine.runNested(text, name: name, scope: scope)
  }

  /// The signatures of every command the engine knows, built-in and defined.
  public var commandSignatures: [Signature] { interpreter.engine.signatures }

  /// Every variable visible at the call, nearest scope first.
  public var visibleVariables: [(String, Value)] {
    scope.visibleNames.compactMap { name in scope.lookup(name).map { (name, $0) } }
  }
}

/// An expression evaluated once per row, with `$it` bound to the row: see `Invocation.rowExpression(_:over:)`.
public struct RowExpression: Sendable {
  let expression: Expression
  let runsPipeline: Bool
  let interpreter: Interpreter
  let scope: Scope
  /// The command it is the condition of, for errors.
  let command: String

  /// Whether the condition holds for `row`.
  public func holds(for row: Value) async throws -> Bool {
    try interpreter.holds(try await evaluate(row: row), asConditionOf: command, at: expression.range)
  }

  public func evaluate(row: Value) async throws -> Value {
    // A command that evaluates it for every item of a long list stops at Ctrl-C.
    if Task.isCancelled { throw CancellationError() }
    let local = Scope(parent: scope)
    local.bind("it", row)
    return try await interpreter.evaluate(expression, runsPipeline: runsPipeline, in: local)
  }
}
