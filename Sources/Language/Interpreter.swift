import Foundation

/// Unwinds the interpreter's stack for `break`, `continue` and `return`.
enum ControlFlow: Error {
  case breakLoop
  case continueLoop
  case returned(Value)
}

/// A command defined with `def`.
struct UserCommand: Sendable {
  var definition: Definition
  var scope: Scope
  var source: SourceFile

  var signature: Signature {
    Signature(
      name: definition.name, category: .user, summary: "defined with def",
      parameters: definition.parameters.map {
        Parameter($0.name, .any, positional: true, required: $0.defaultValue == nil, summary: "")
      },
      input: "anything, as $in", output: "the value of its last statement, or of return")
  }
}

/// Walks the syntax tree. One interpreter runs one source file; `$it`, `$in`
/// and the rest live in scopes passed along, never in globals.
final class Interpreter: @unchecked Sendable {
  /// How deep calls may nest, of every kind together: commands made with `def`, blocks run by commands
  /// (`each { ... }`), default parameter values, and `source`d files (`Engine.callDepth` counts them).
  static let maximumCallDepth = 200

  let engine: Engine
  let source: SourceFile

  init(engine: Engine, source: SourceFile) {
    self.engine = engine
    self.source = source
  }

  /// A runtime error from the catalogue, placed in this interpreter's source.
  func failure(_ diagnostic: Diagnostic) -> RuntimeError { RuntimeError(diagnostic, in: source) }

  // MARK: Statements

  /// Runs statements; at the top level, shows each pipeline's non-null value. Returns the last value.
  @discardableResult
  func execute(_ statements: [Statement], in scope: Scope, topLevel: Bool = false) async throws -> Value {
    var last: Value = .null
    for statement in statements {
      if let value = try computeWithoutSuspending(statement, in: scope) {
        last = value
      } else {
        last = try await execute(statement, in: scope)
      }
      if topLevel, case .pipeline = statement, last != .null { await engine.display(last) }
    }
    return last
  }

  /// Runs a `let` or a lone expression whose value is a plain expression (see `Pipeline.plainExpression`)
  /// without the cost of suspension points; nil for every other statement, which `execute` runs.
  func computeWithoutSuspending(_ statement: Statement, in scope: Scope) throws -> Value? {
    switch statement {
    case .binding(let binding):
      guard let expression = binding.value.plainExpression else { return nil }
      scope.bind(binding.name, try value(of: expression, in: scope))
      return .null
    case .pipeline(let pipeline):
      return try pipeline.plainExpression.map { try value(of: $0, in: scope) }
    default:
      return nil
    }
  }

  private func execute(_ statement: Statement, in scope: Scope) async throws -> Value {
    switch statement {
    case .pipeline(let pipeline):
      return try await run(pipeline, in: scope)
    case .binding(let binding):
      scope.bind(binding.name, try await run(binding.value, in: scope))
      return .null
    case .conditional(let conditional):
      for branch in conditional.branches {
        let value = try await evaluate(branch.condition, runsPipeline: branch.conditionRunsPipeline, in: scope)
        if try holds(value, asConditionOf: "if", at: branch.condition.range) {
          return try await execute(branch.body.statements, in: scope)
        }
      }
      if let otherwise = conditional.otherwise { return try await execute(otherwise.statements, in: scope) }
      return .null
    case .loop(let loop):
      try await run(loop, in: scope)
      return .null
    case .definition(let definition):
      try engine.define(
        UserCommand(definition: definition, scope: scope, source: source), at: definition.nameRange, source: source)
      return .null
    case .returning(let value, _):
      guard let value else { throw ControlFlow.returned(.null) }
      throw ControlFlow.returned(try await run(value, in: scope))
    case .breaking:
      throw ControlFlow.breakLoop
    case .continuing:
      throw ControlFlow.continueLoop
    case .explanation(let explained, _):
      var explainer = Explainer(engine: engine, source: source, known: scope)
      engine.output(explainer.explanation(of: [explained]))
      return .null
    case .attempt(let attempt):
      do {
        return try await execute(attempt.body.statements, in: scope)
      } catch let error as RuntimeError where !error.isUncatchable {
        if let name = attempt.errorName { scope.bind(name, .error(error.value)) }
        return try await execute(attempt.handler.statements, in: scope)
      }
    }
  }

  /// A `for` loop. A range is counted through and any other stream pulled item by item, so neither is held whole.
  private func run(_ loop: Loop, in scope: Scope) async throws {
    let statements = loop.body.statements
    // A body of plain statements (see `computeWithoutSuspending`) can neither suspend nor break: it runs each time
    // without the cost of an asynchronous call.
    let plain = statements.allSatisfy(Self.isPlain)
    var slot: Int?
    var position = 0
    var compiled: CompiledBody?
    /// What every pass does first: stops at Ctrl-C (looking every 256 items) and binds the loop variable to `item`.
    @inline(__always) func enter(_ item: Value) throws {
      if position & 0xFF == 0, Task.isCancelled { throw failure(Diagnostics.interrupted(at: loop.range)) }
      position += 1
      if let slot { scope.set(item, at: slot) } else { slot = scope.bind(loop.variable, item) }
    }
    func plainBody(_ item: Value) throws {
      try enter(item)
      if let compiled { return try compiled.run() }
      for statement in statements { _ = try computeWithoutSuspending(statement, in: scope) }
      compiled = CompiledBody(statements, interpreter: self, scope: scope)
    }
    /// Runs the body for one item; false when it breaks out of the loop.
    func body(_ item: Value) async throws -> Bool {
      if plain {
        try plainBody(item)
        return true
      }
      try enter(item)
      do {
        try await execute(statements, in: scope)
      } catch ControlFlow.breakLoop {
        return false
      } catch ControlFlow.continueLoop {
      }
      return true
    }
    switch try await runPiped(loop.source, in: scope) {
    case .stream(let stream):
      if let numbers = stream.numbers, plain {
        for number in numbers { try plainBody(.int(number)) }
      } else if let numbers = stream.numbers {
        for number in numbers {
          guard try await body(.int(number)) else { break }
        }
      } else {
        do {
          while let item = try await stream.next(), try await body(item) {}
        } catch is CancellationError {
          throw failure(Diagnostics.interrupted(at: loop.range))
        }
      }
    case .value(.null): return
    case .value(.list(let items)):
      for item in items {
        guard try await body(item) else { break }
      }
    case .value(let single): _ = try await body(single)
    }
  }

  /// Whether `computeWithoutSuspending` runs the statement.
  private static func isPlain(_ statement: Statement) -> Bool {
    switch statement {
    case .binding(let binding): binding.value.plainExpression != nil
    case .pipeline(let pipeline): pipeline.plainExpression != nil
    default: false
    }
  }

  // MARK: Pipelines and commands

  func run(_ pipeline: Pipeline, in scope: Scope, input: Value = .null) async throws -> Value {
    try await collected(try await runPiped(pipeline, in: scope, input: input), at: pipeline.range)
  }

  /// Runs a pipeline whose last stage may hand on a stream, for a consumer that takes one (`for`).
  private func runPiped(_ pipeline: Pipeline, in scope: Scope, input: Value = .null) async throws -> Piped {
    var piped = Piped.value(input)
    for (position, stage) in pipeline.stages.enumerated() {
      switch stage {
      case .expression(let expression):
        if position > 0 { throw failure(Diagnostics.valueAfterPipe(at: expression.range)) }
        piped = .value(try await evaluate(expression, in: scope))
      case .command(let call):
        piped = try await invoke(call, input: piped, in: scope)
      }
    }
    return piped
  }

  /// A stream's items in a list, for a stage, a variable or the display that needs them all at once
  /// (`Piped.collected`), with a stream too long for a list, or an interruption, reported at `range`.
  private func collected(_ piped: Piped, at range: SourceRange) async throws -> Value {
    do {
      return try await piped.collected(at: range, tooLong: failure)
    } catch is CancellationError {
      throw failure(Diagnostics.interrupted(at: range))
    }
  }

  private func invoke(_ call: CommandCall, input piped: Piped, in scope: Scope) async throws -> Piped {
    if Task.isCancelled { throw failure(Diagnostics.interrupted(at: call.range)) }
    if let command = engine.registry[call.name] {
      var stream: ValueStream?
      let input: Value
      switch piped {
      case .stream(let items) where command.runStreaming != nil: (stream, input) = (items, .null)
      default: input = try await collected(piped, at: call.range)
      }
      guard stream != nil || command.signature.accepts.contains(ValueKinds(of: input)) else {
        throw failure(Diagnostics.wrongInput(input, command: command.signature, at: call.nameRange))
      }
      let invocation = try await bind(call, to: command.signature, input: input, stream: stream, in: scope)
      do {
        if let runStreaming = command.runStreaming {
          let result = try await runStreaming(invocation)
          if case .value(let value) = result { try checkNesting(of: value, madeBy: call) }
          return result
        }
        let result = try await command.run(invocation)
        try checkNesting(of: result, madeBy: call)
        return .value(result)
      } catch let error as CommandError {
        throw commandFailure(error, call: call, argumentRanges: invocation.argumentRanges)
      } catch let error as RuntimeError {
        throw error
      } catch let error as ControlFlow {
        throw error
      } catch let error as ExitRequest {
        throw error
      } catch is CancellationError {
        throw failure(Diagnostics.interrupted(at: call.range))
      }
    }
    if let user = engine.userCommands[call.name] {
      return .value(try await invoke(user, call: call, input: try await collected(piped, at: call.range), in: scope))
    }
    throw failure(
      Diagnostics.unknownCommand(
        call.name, at: call.nameRange, suggestion: closestMatch(to: call.name, among: engine.commandNames)))
  }

  private func checkNesting(of result: Value, madeBy call: CommandCall) throws {
    if result.nests(deeperThan: Diagnostics.maximumNesting) {
      throw Diagnostics.resultTooDeep(call.name, limit: Diagnostics.maximumNesting)
    }
  }

  private func commandFailure(_ error: CommandError, call: CommandCall, argumentRanges: [String: SourceRange])
    -> RuntimeError
  {
    RuntimeError(error, at: error.parameter.flatMap { argumentRanges[$0] } ?? call.range, in: source)
  }

  private func plan(_ call: CommandCall, _ signature: Signature) throws -> ArgumentBinder.Plan {
    switch ArgumentBinder.plan(call, signature: signature) {
    case .success(let plan): return plan
    case .failure(let diagnostic): throw failure(diagnostic)
    }
  }

  /// Matches arguments to parameters, evaluates them, and checks their types.
  private func bind(
    _ call: CommandCall, to signature: Signature, input: Value, stream: ValueStream?, in scope: Scope
  ) async throws
    -> Invocation
  {
    var arguments: [String: Value] = [:]
    var expressions: [String: (expression: Expression, runsPipeline: Bool)] = [:]
    var flags: Set<String> = []
    var rest: [Value] = []
    var ranges: [String: SourceRange] = [:]
    let plan = try self.plan(call, signature)
    for (parameter, expression) in plan.assignments {
      ranges[parameter.name] = ranges[parameter.name].map { $0.to(expression.range) } ?? expression.range
      if parameter.kind == .expression {
        expressions[parameter.name] = (expression, expression.runsPipeline)
        continue
      }
      var value = try await evaluate(expression, in: scope)
      if parameter.kind.takesText, case .literal(.number, let range) = expression {
        // A number written where text is meant keeps the digits as written: `contains=0555`, `near=020`.
        value = .string(source.text(of: range))
      }
      let checked = try ArgumentBinder.check(value, for: parameter, command: signature.name).mapError {
        failure(Diagnostics.wrongArgument($0, at: expression.range))
      }.get()
      if parameter.variadic { rest.append(checked) } else { arguments[parameter.name] = checked }
    }
    if let variadic = signature.parameters.first(where: \.variadic), !rest.isEmpty {
      arguments[variadic.name] = .list(rest)
    }
    flags = plan.flags
    return Invocation(
      signature: signature, input: input, stream: stream, arguments: arguments, flags: flags, expressions: expressions,
      argumentRanges: ranges, interpreter: self, scope: scope, range: call.range)
  }

  private func invoke(_ user: UserCommand, call: CommandCall, input: Value, in scope: Scope) async throws -> Value {
    let signature = user.signature
    let plan = try self.plan(call, signature)
    let local = Scope(parent: user.scope)
    local.bind("in", input)
    for (parameter, expression) in plan.assignments {
      local.bind(parameter.name, try await evaluate(expression, in: scope))
    }
    try enterCall(Diagnostics.callTooDeep(call.name, limit: Self.maximumCallDepth, at: call.range))
    defer { engine.callDepth -= 1 }
    let body = Interpreter(engine: engine, source: user.source)
    for parameter in user.definition.parameters where local.localVariables[parameter.name] == nil {
      guard let fallback = parameter.defaultValue else {
        throw failure(
          Diagnostics.missingArgument(parameter.name, command: call.name, usage: signature.usage, at: call.range))
      }
      // A default value is computed inside the call, so one that calls the command itself meets the limit.
      local.bind(parameter.name, try await body.evaluate(fallback, in: user.scope))
    }
    do {
      return try await body.execute(user.definition.body.statements, in: local)
    } catch ControlFlow.returned(let value) {
      return value
    }
  }

  /// Runs a block with `$it` bound, in a fresh scope inside the one it was written in.
  func call(_ closure: Closure, it: Value) async throws -> Value {
    let body = closure.source.name == source.name ? self : Interpreter(engine: engine, source: closure.source)
    // A command that runs a block for every item of a long list stops at Ctrl-C.
    if Task.isCancelled { throw body.failure(Diagnostics.interrupted(at: closure.block.range)) }
    try body.enterCall(Diagnostics.blockTooDeep(limit: Self.maximumCallDepth, at: closure.block.range))
    defer { engine.callDepth -= 1 }
    let local = Scope(parent: closure.scope)
    local.bind("it", it)
    return try await body.execute(closure.block.statements, in: local)
  }

  /// Counts one more call in `engine.callDepth`, or throws `tooDeep` when that would pass the limit.
  /// The caller takes the count back off when the call ends.
  private func enterCall(_ tooDeep: @autoclosure () -> Diagnostic) throws {
    guard engine.callDepth < Self.maximumCallDepth else { throw failure(tooDeep()) }
    engine.callDepth += 1
  }

  // MARK: Expressions

  /// Evaluates an expression. Most expressions run no pipeline and are computed by `value(of:in:)` without the
  /// cost of suspension points; one that does runs its pipelines here and hands the rest to the same function.
  func evaluate(_ expression: Expression, in scope: Scope) async throws -> Value {
    try await evaluate(expression, runsPipeline: expression.runsPipeline, in: scope)
  }

  /// `evaluate(_:in:)` for a caller that evaluates the same expression many times and has worked out
  /// `expression.runsPipeline` once.
  func evaluate(_ expression: Expression, runsPipeline: Bool, in scope: Scope) async throws -> Value {
    guard runsPipeline else { return try value(of: expression, in: scope) }
    switch expression {
    case .subpipeline(let pipeline, _):
      return try await run(pipeline, in: scope)
    case .binary(let operation, let left, let right, _) where operation == .and || operation == .or:
      let leftValue = try await evaluate(left, in: scope)
      if let decided = Self.shortCircuit(operation, leftValue) { return decided }
      return .bool(try await evaluate(right, in: scope).isTruthy)
    default:
      // Evaluate the operands in order, suspending for their pipelines, then apply the operation to their values.
      let evaluated = try await expression.mappingOperands { .literal(try await evaluate($0, in: scope), $0.range) }
      return try value(of: evaluated, in: scope)
    }
  }

  /// Computes an expression that runs no pipeline (`evaluate` sees to that): it never suspends.
  func value(of expression: Expression, in scope: Scope) throws -> Value {
    switch expression {
    case .literal(let value, _):
      return value
    case .interpolated(let parts, let range):
      var text = ""
      for part in parts {
        switch part {
        case .text(let literal): text += literal
        case .interpolation(let inner): text += try value(of: inner, in: scope).description
        }
        guard text.utf8.count <= Diagnostics.maximumStringBytes else {
          throw failure(Diagnostics.stringTooLong(limit: Diagnostics.maximumStringBytes, at: range))
        }
      }
      return .string(text)
    case .variable(let name, let range):
      return try variable(name, in: scope, at: range)
    case .name(let name, let range):
      return try field(name, of: try row(for: name, in: scope, at: range), at: range)
    case .field(let base, let name, let range):
      return try field(name, of: try value(of: base, in: scope), at: range)
    case .index(let base, let index, let range):
      return try self.index(try value(of: base, in: scope), try value(of: index, in: scope), at: range)
    case .optional(let access, _):
      switch access {
      case .name(let name, let range):
        return try field(name, of: try row(for: name, in: scope, at: range), optional: true, at: range)
      case .field(let base, let name, let range):
        return try field(name, of: try value(of: base, in: scope), optional: true, at: range)
      case .index(let base, let index, let range):
        return try self.index(
          try value(of: base, in: scope), try value(of: index, in: scope), optional: true, at: range)
      default:
        return try value(of: access, in: scope)
      }
    case .list(let items, let range):
      return try nestingChecked(.list(try items.map { try value(of: $0, in: scope) }), at: range)
    case .record(let entries, let range):
      var record = Record()
      for entry in entries { record[entry.key] = try value(of: entry.value, in: scope) }
      return try nestingChecked(.record(record), at: range)
    case .block(let block):
      return .block(Closure(block: block, scope: scope, source: source))
    case .subpipeline(let pipeline, let range):
      // Parentheses that only group a plain expression; `evaluate` runs every other pipeline before it gets here.
      guard let grouped = pipeline.plainExpression else {
        throw failure(Diagnostics.internalError("a pipeline reached the expression evaluator", at: range))
      }
      return try value(of: grouped, in: scope)
    case .unary(let operation, let operand, let range):
      return try apply(operation, try value(of: operand, in: scope), at: range)
    case .binary(let operation, let left, let right, let range):
      return try combine(operation, try value(of: left, in: scope), at: range) { try value(of: right, in: scope) }
    }
  }

  /// A binary operation on its left operand's value and, unless that decides it (`and`, `or`), its right one's.
  func combine(
    _ operation: BinaryOperator, _ lhs: Value, at range: SourceRange, right: () throws -> Value
  ) throws -> Value {
    if let decided = Self.shortCircuit(operation, lhs) { return decided }
    let rhs = try right()
    // Arithmetic on two numbers, the commonest case in a loop, without the general dispatch.
    if case .number(let a) = lhs, case .number(let b) = rhs {
      let result: DecimalNumber?
      switch operation {
      case .add: result = a.adding(b)
      case .subtract: result = a.subtracting(b)
      case .multiply: result = a.multiplying(by: b)
      default: return try apply(operation, lhs, rhs, at: range)
      }
      guard let result else { throw failure(Diagnostics.numberOverflow(at: range)) }
      return .number(result)
    }
    return try apply(operation, lhs, rhs, at: range)
  }

  /// A list or record just built, refused when it nests deeper than values may (see `Diagnostics.maximumNesting`).
  private func nestingChecked(_ value: Value, at range: SourceRange) throws -> Value {
    guard !value.nests(deeperThan: Diagnostics.maximumNesting) else {
      throw failure(Diagnostics.valueTooDeep(limit: Diagnostics.maximumNesting, at: range))
    }
    return value
  }

  /// The value of `and` or `or` when its left operand decides it, so the right one is not evaluated.
  private static func shortCircuit(_ operation: BinaryOperator, _ left: Value) -> Value? {
    switch operation {
    case .and: left.isTruthy ? nil : .bool(false)
    case .or: left.isTruthy ? .bool(true) : nil
    default: nil
    }
  }

  func apply(_ operation: UnaryOperator, _ value: Value, at range: SourceRange) throws -> Value {
    switch operation {
    case .not: return .bool(!value.isTruthy)
    case .negate:
      guard case .number(let number) = value else { throw failure(Diagnostics.cannotNegate(value, at: range)) }
      guard let negated = number.negatedIfRepresentable else { throw failure(Diagnostics.numberOverflow(at: range)) }
      return .number(negated)
    }
  }

  func variable(_ name: String, in scope: Scope, at range: SourceRange) throws -> Value {
    if let value = scope.lookup(name) { return value }
    if name == "env" { return .record(engine.environmentRecord) }
    let known = scope.visibleNames + ["env"]
    throw failure(Diagnostics.undefinedVariable(name, suggestion: closestMatch(to: name, among: known), at: range))
  }

  /// Whether a condition's value holds. A block is always true, so one that reaches a condition (`let c = { … };
  /// where $c`) would keep every row without a word: it is an error, as a block written there is to the parser.
  func holds(_ value: Value, asConditionOf command: String, at range: SourceRange) throws -> Bool {
    if case .block = value { throw failure(Diagnostics.blockForCondition(command: command, at: range)) }
    return value.isTruthy
  }

  // MARK: Rows

  /// `expression` with each field it reads of the row (bare names, `$it.name`) checked against `rows` and then made
  /// optional, since a row may lack a field that another row has. A field that no row has is an error.
  func rowReads(of expression: Expression, over rows: [Value]) throws -> Expression {
    if let path = Self.rowPath(expression) {
      guard !path.isEmpty else { return expression }
      if let missing = FieldPath(steps: path.map(\.step)).problem(in: rows) {
        let failing = path.first { $0.step.name == missing.name && !$0.step.optional } ?? path[0]
        let isBareWord = path.count == 1 && !path[0].step.optional && missing.within == nil && expression.isName
        throw failure(
          isBareWord
            ? Diagnostics.bareWordNotAField(missing, at: failing.range)
            : Diagnostics.missingField(missing, at: failing.range))
      }
      return Self.readingOptionally(expression)
    }
    switch expression {
    case .literal, .variable, .name, .block:
      return expression
    case .subpipeline(let pipeline, let range):
      // Parentheses around a plain expression only group it; a real pipeline reads the row on its own terms.
      guard let grouped = pipeline.plainExpression else { return expression }
      let rewritten = try rowReads(of: grouped, over: rows)
      return .subpipeline(Pipeline(stages: [.expression(rewritten)], range: pipeline.range), range)
    case .field(let base, let name, let range):
      return .field(try rowReads(of: base, over: rows), name, range)
    case .optional(let access, let range):
      return .optional(try rowReads(of: access, over: rows), range)
    case .index(let base, let index, let range):
      return .index(try rowReads(of: base, over: rows), try rowReads(of: index, over: rows), range)
    case .unary(let operation, let operand, let range):
      return .unary(operation, try rowReads(of: operand, over: rows), range)
    case .binary(let operation, let left, let right, let range):
      return .binary(operation, try rowReads(of: left, over: rows), try rowReads(of: right, over: rows), range)
    case .list(let items, let range):
      return .list(try items.map { try rowReads(of: $0, over: rows) }, range)
    case .record(let entries, let range):
      return .record(
        try entries.map { RecordEntry(key: $0.key, value: try rowReads(of: $0.value, over: rows)) }, range)
    case .interpolated(let parts, let range):
      return .interpolated(
        try parts.map { part in
          if case .interpolation(let inner) = part { return .interpolation(try rowReads(of: inner, over: rows)) }
          return part
        }, range)
    }
  }

  /// The fields a chain of reads from the row goes through (`price.monthly_price`, `$it.id`), each with where it
  /// was written; nil when the expression is not such a chain.
  private static func rowPath(_ expression: Expression) -> [(step: FieldPath.Step, range: SourceRange)]? {
    switch expression {
    case .name(let name, let range): [(.init(name: name), range)]
    case .variable("it", _): []
    case .field(let base, let name, let range): rowPath(base).map { $0 + [(.init(name: name), range)] }
    case .optional(.name(let name, _), let range): [(.init(name: name, optional: true), range)]
    case .optional(.field(let base, let name, _), let range):
      rowPath(base).map { $0 + [(.init(name: name, optional: true), range)] }
    default: nil
    }
  }

  /// A chain of reads from the row with every step optional.
  private static func readingOptionally(_ expression: Expression) -> Expression {
    switch expression {
    case .name(_, let range): .optional(expression, range)
    case .field(let base, let name, let range): .optional(.field(readingOptionally(base), name, range), range)
    case .optional(.field(let base, let name, let inner), let range):
      .optional(.field(readingOptionally(base), name, inner), range)
    default: expression
    }
  }

  /// The current row (`$it`), whose fields bare names read.
  private func row(for name: String, in scope: Scope, at range: SourceRange) throws -> Value {
    guard let row = scope.lookup("it") else { throw failure(Diagnostics.bareName(name, at: range)) }
    return row
  }

  /// A field of a record. A record without it is an error with a did-you-mean, unless the field is `optional`
  /// (written `name?`). A field of a list of records is the list of that field: null for the records without it,
  /// as long as one of them has it.
  func field(_ name: String, of value: Value, optional: Bool = false, at range: SourceRange) throws -> Value {
    switch value {
    case .record, .error:
      if let found = value.field(name) { return found }
      // A caught error has the fields of what failed (`$err.outcome` after a write): the others read null.
      guard optional || value.typeName == "error" else {
        var missing = FieldPath(steps: [.init(name: name)]).problem(in: [value])
        missing?.inOneRecord = true
        throw failure(
          missing.map { Diagnostics.missingField($0, at: range) } ?? Diagnostics.noFields(name, of: value, at: range))
      }
      return .null
    case .null: return .null
    case .list(let items):
      if !optional, let missing = FieldPath(steps: [.init(name: name)]).problem(in: items) {
        throw failure(Diagnostics.missingField(missing, at: range))
      }
      return .list(try items.map { try field(name, of: $0, optional: true, at: range) })
    default:
      throw failure(Diagnostics.noFields(name, of: value, at: range))
    }
  }

  private func index(_ value: Value, _ index: Value, optional: Bool = false, at range: SourceRange) throws -> Value {
    switch (value, index) {
    case (.list(let items), .number(let number)):
      guard let position = number.intValue else { throw failure(Diagnostics.fractionalIndex(of: "list", at: range)) }
      let resolved = position < 0 ? items.count + position : position
      guard items.indices.contains(resolved) else {
        if optional { return .null }
        throw failure(Diagnostics.indexOutOfRange(position, of: "list", count: items.count, at: range))
      }
      return items[resolved]
    case (.record, .string(let key)), (.error, .string(let key)):
      return try field(key, of: value, optional: optional, at: range)
    case (.string(let text), .number(let number)):
      guard let position = number.intValue else {
        throw failure(Diagnostics.fractionalIndex(of: "string", at: range))
      }
      // Walked to, not copied into an array of characters: that took 16 bytes a character (4 GiB for a
      // string of 256 MiB).
      let count = position < 0 ? text.count : nil
      let resolved = count.map { $0 + position } ?? position
      guard resolved >= 0, let place = text.index(text.startIndex, offsetBy: resolved, limitedBy: text.endIndex),
        place < text.endIndex
      else {
        if optional { return .null }
        throw failure(Diagnostics.indexOutOfRange(position, of: "string", count: count ?? text.count, at: range))
      }
      return .string(String(text[place]))
    case (.null, _):
      return .null
    default:
      throw failure(Diagnostics.cannotIndex(value, with: index, at: range))
    }
  }

  private func apply(_ operation: BinaryOperator, _ lhs: Value, _ rhs: Value, at range: SourceRange) throws -> Value {
    func arithmetic(_ compute: (DecimalNumber, DecimalNumber) -> DecimalNumber?) throws -> Value {
      guard case .number(let a) = lhs, case .number(let b) = rhs else {
        throw failure(Diagnostics.needsNumbers(operation, lhs, rhs, at: range))
      }
      guard let result = compute(a, b) else {
        if b.significand == 0, operation == .divide || operation == .remainder {
          throw failure(Diagnostics.divisionByZero(at: range))
        }
        throw failure(Diagnostics.numberOverflow(at: range))
      }
      return .number(result)
    }
    switch operation {
    case .add:
      switch (lhs, rhs) {
      case (.string(let a), .string(let b)):
        guard a.utf8.count + b.utf8.count <= Diagnostics.maximumStringBytes else {
          throw failure(Diagnostics.stringTooLong(limit: Diagnostics.maximumStringBytes, at: range))
        }
        return .string(a + b)
      case (.list(let a), .list(let b)):
        guard a.count + b.count <= Diagnostics.maximumListItems else {
          throw failure(Diagnostics.listTooLong(limit: Diagnostics.maximumListItems, at: range))
        }
        return .list(a + b)
      case (.record(var a), .record(let b)):
        for field in b { a[field.key] = field.value }
        return .record(a)
      default: return try arithmetic { $0.adding($1) }
      }
    case .subtract: return try arithmetic { $0.subtracting($1) }
    case .multiply: return try arithmetic { $0.multiplying(by: $1) }
    case .divide: return try arithmetic { $0.dividing(by: $1) }
    case .remainder: return try arithmetic { $0.remainder(dividingBy: $1) }
    case .equal: return .bool(lhs == rhs)
    case .notEqual: return .bool(lhs != rhs)
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      let order: Bool
      switch (lhs, rhs) {
      case (.number(let a), .number(let b)):
        order = compare(a, b, operation)
      case (.string(let a), .string(let b)):
        order = compare(a, b, operation)
      default:
        throw failure(Diagnostics.cannotCompare(lhs, with: rhs, at: range))
      }
      return .bool(order)
    case .matches:
      guard case .string(let text) = lhs, case .string(let pattern) = rhs else {
        throw failure(Diagnostics.matchNeedsStrings(lhs, rhs, at: range))
      }
      let compiled = try engine.regex(pattern, at: range, source: source)
      switch compiled.matches(text, giveUpAfter: Diagnostics.maximumMatchSeconds) {
      case .matched: return .bool(true)
      case .notMatched: return .bool(false)
      case .interrupted: throw failure(Diagnostics.interrupted(at: range))
      case .tooSlow: throw failure(Diagnostics.matchTooSlow(seconds: Diagnostics.maximumMatchSeconds, at: range))
      }
    case .isIn:
      return .bool(try contains(rhs, lhs, at: range))
    case .has:
      return .bool(try contains(lhs, rhs, at: range))
    case .and, .or:
      // The left operand did not decide it (see `shortCircuit`): the right one does.
      return .bool(rhs.isTruthy)
    }
  }

  private func compare<T: Comparable>(_ a: T, _ b: T, _ operation: BinaryOperator) -> Bool {
    switch operation {
    case .less: a < b
    case .lessOrEqual: a <= b
    case .greater: a > b
    default: a >= b
    }
  }

  private func contains(_ container: Value, _ element: Value, at range: SourceRange) throws -> Bool {
    switch (container, element) {
    case (.list(let items), _): return items.contains(element)
    case (.string(let text), .string(let part)): return text.contains(part)
    case (.record(let record), .string(let key)): return record[key] != nil
    case (.null, _): return false
    default: throw failure(Diagnostics.cannotSearch(for: element, in: container, at: range))
    }
  }
}

/// A compiled `=~` pattern.
struct CompiledPattern: @unchecked Sendable {
  let expression: NSRegularExpression

  enum Outcome {
    case matched, notMatched
    /// Ctrl-C while it was matching.
    case interrupted
    /// It ran longer than it was given: a pattern such as `(a+)+$` backtracks exponentially on some text.
    case tooSlow
  }

  /// Whether the pattern matches somewhere in `text`. The regex engine reports progress while it works, so a
  /// match that backtracks for ever stops after `seconds`, or at Ctrl-C.
  func matches(_ text: String, giveUpAfter seconds: Double) -> Outcome {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    var outcome = Outcome.notMatched
    expression.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) {
      result, _, stop in
      if result != nil {
        outcome = .matched
      } else if Task.isCancelled {
        outcome = .interrupted
      } else if ContinuousClock.now > deadline {
        outcome = .tooSlow
      } else {
        return
      }
      stop.pointee = true
    }
    return outcome
  }
}
