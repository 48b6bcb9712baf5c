/// Binds a parsed program against the commands it calls, without running
/// anything: unknown commands, parameters and flags, and literal arguments
/// of the wrong type. `2cs check` is this plus the parser.
struct Checker {
  let engine: Engine
  let source: SourceFile
  /// Commands defined with `def` anywhere in the program.
  private(set) var definitions: [String: Signature] = [:]
  /// `source` can define commands the checker cannot see; unknown names are then left to run time.
  private(set) var sourcesOtherFiles = false
  private(set) var diagnostics: [Diagnostic] = []

  init(engine: Engine, source: SourceFile) {
    self.engine = engine
    self.source = source
  }

  mutating func check(_ statements: [Statement]) {
    collectDefinitions(statements)
    for statement in statements { check(statement) }
  }

  private mutating func collectDefinitions(_ statements: [Statement]) {
    for statement in statements {
      switch statement {
      case .definition(let definition):
        if engine.registry[definition.name] != nil {
          diagnostics.append(Diagnostics.redefinedBuiltin(definition.name, at: definition.nameRange))
        }
        definitions[definition.name] =
          UserCommand(definition: definition, scope: Scope(parent: nil), source: source)
          .signature
        collectDefinitions(definition.body.statements)
      case .conditional(let conditional):
        for branch in conditional.branches { collectDefinitions(branch.body.statements) }
        if let otherwise = conditional.otherwise { collectDefinitions(otherwise.statements) }
      case .loop(let loop): collectDefinitions(loop.body.statements)
      case .attempt(let attempt):
        collectDefinitions(attempt.body.statements)
        collectDefinitions(attempt.handler.statements)
      case .pipeline(let pipeline):
        if pipeline.stages.contains(where: { if case .command(let call) = $0 { call.name == "source" } else { false } })
        {
          sourcesOtherFiles = true
        }
      default: break
      }
    }
  }

  private mutating func check(_ statement: Statement) {
    switch statement {
    case .pipeline(let pipeline): check(pipeline)
    case .binding(let binding): check(binding.value)
    case .conditional(let conditional):
      for branch in conditional.branches {
        check(branch.condition)
        check(branch.body)
      }
      if let otherwise = conditional.otherwise { check(otherwise) }
    case .loop(let loop):
      check(loop.source)
      check(loop.body)
    case .definition(let definition):
      for parameter in definition.parameters { if let value = parameter.defaultValue { check(value) } }
      check(definition.body)
    case .returning(let value, _): if let value { check(value) }
    case .breaking, .continuing: break
    case .attempt(let attempt):
      check(attempt.body)
      check(attempt.handler)
    }
  }

  private mutating func check(_ block: Block) {
    for statement in block.statements { check(statement) }
  }

  private mutating func check(_ pipeline: Pipeline) {
    for (position, stage) in pipeline.stages.enumerated() {
      switch stage {
      case .expression(let expression):
        if position > 0 {
          diagnostics.append(Diagnostics.valueAfterPipe(at: expression.range))
        }
        check(expression)
      case .command(let call): check(call)
      }
    }
  }

  private mutating func check(_ call: CommandCall) {
    for argument in call.arguments {
      switch argument {
      case .named(_, let value, _), .positional(let value): check(value)
      case .flag: break
      }
    }
    guard
      let signature = engine.registry[call.name]?.signature ?? definitions[call.name]
        ?? engine.userCommands[call.name]?.signature
    else {
      if !sourcesOtherFiles {
        diagnostics.append(
          Diagnostics.unknownCommand(
            call.name, at: call.nameRange,
            suggestion: closestMatch(to: call.name, among: engine.commandNames + Array(definitions.keys))))
      }
      return
    }
    switch ArgumentBinder.plan(call, signature: signature) {
    case .failure(let diagnostic):
      diagnostics.append(diagnostic)
    case .success(let plan):
      for (parameter, expression) in plan.assignments {
        guard let literal = Self.literalValue(expression, kind: parameter.kind) else { continue }
        if case .failure(let mismatch) = ArgumentBinder.check(literal, for: parameter, command: call.name) {
          diagnostics.append(Diagnostics.wrongArgument(mismatch, at: expression.range))
        }
      }
    }
  }

  /// The value of an argument known before running: a literal, or a block.
  private static func literalValue(_ expression: Expression, kind: Parameter.Kind) -> Value? {
    switch expression {
    case .literal(let value, _): return value
    case .list: return kind == .block ? .list([]) : nil
    case .record: return kind == .block ? .record(Record()) : nil
    default: return nil
    }
  }

  private mutating func check(_ expression: Expression) {
    switch expression {
    case .subpipeline(let pipeline, _): check(pipeline)
    case .block(let block): check(block)
    case .field(let base, _, _): check(base)
    case .index(let base, let index, _):
      check(base)
      check(index)
    case .list(let items, _): for item in items { check(item) }
    case .record(let entries, _): for entry in entries { check(entry.value) }
    case .unary(_, let operand, _): check(operand)
    case .binary(_, let left, let right, _):
      check(left)
      check(right)
    case .interpolated(let parts, _):
      for part in parts { if case .interpolation(let inner) = part { check(inner) } }
    case .literal, .variable, .name: break
    }
  }
}
