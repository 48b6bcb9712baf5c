/// Checks a parsed program against the commands it calls and the variables it reads, without running anything:
/// unknown commands, parameters and flags; literal arguments of the wrong type; variables read before any `let`
/// binds them; and, following the shapes commands declare for their results, fields that no record will have and
/// values piped into a command that does not take them. `2cs check` is this plus the parser.
struct Checker {
  let engine: Engine
  let source: SourceFile
  /// Commands defined with `def` anywhere in the program.
  private(set) var definitions: [String: Signature] = [:]
  /// `source` can define commands and variables the checker cannot see; unknown names are then left to run time.
  private(set) var sourcesOtherFiles = false
  /// Whether more code may follow later that binds variables (the REPL's next lines; the rest of the script
  /// that runs `source`): a `def` body or block may then read names nothing here binds.
  private let moreCodeMayFollow: Bool
  private(set) var diagnostics: [Diagnostic] = []
  /// Each command call checked, by its range, with what the checker knew of it: `explain` reads them.
  private(set) var calls: [SourceRange: CheckedCall] = [:]
  /// The variables of each level of nesting, outermost first.
  private var scopes: [StaticScope]

  /// What the checker knows of one scope of the program (see `Scope`).
  private struct StaticScope {
    /// Variables bound so far, in the order the code is written, with the shape of their values.
    var bound: [String: Shape] = [:]
    /// Every name bound anywhere in the scope's statements.
    var everywhere: Set<String> = []
    /// Whether its code runs later than it is written (a `def` body, a block): then a name the scopes around it
    /// bind anywhere may be bound by the time it runs.
    var runsLater = false
  }

  /// The variables the program starts with (the REPL's, or the caller's of `source`).
  private let known: Scope

  /// Shapes of the variables in `known`, worked out when first read.
  private var knownShapes: [String: Shape] = [:]

  init(engine: Engine, source: SourceFile, known: Scope, moreCodeMayFollow: Bool) {
    self.engine = engine
    self.source = source
    self.known = known
    self.moreCodeMayFollow = moreCodeMayFollow
    scopes = [StaticScope(bound: ["env": .unknown])]
  }

  /// Checks the statements, and returns the shape of the last one's value when it is a pipeline (for
  /// completion: what a `|` typed after it would pipe along).
  mutating func shapeOfLast(_ statements: [Statement]) -> Shape {
    guard case .pipeline(let last)? = statements.last else { return .unknown }
    sourcesOtherFiles = true  // no diagnostics are wanted, only the shape
    collectDefinitions(statements)
    scopes[0].everywhere = Self.boundNames(statements)
    for statement in statements.dropLast() { check(statement) }
    return check(last)
  }

  mutating func check(_ statements: [Statement]) {
    collectDefinitions(statements)
    scopes[0].everywhere = Self.boundNames(statements)
    for statement in statements { check(statement) }
    if sourcesOtherFiles {
      // The files it runs may define any command and bind any variable.
      diagnostics.removeAll { $0.id == "undefined-variable" || $0.id == "unknown-command" }
    }
  }

  private mutating func collectDefinitions(_ statements: [Statement]) {
    for statement in statements {
      if case .definition(let definition) = statement {
        if engine.registry[definition.name] != nil {
          diagnostics.append(Diagnostics.redefinedBuiltin(definition.name, at: definition.nameRange))
        }
        definitions[definition.name] =
          UserCommand(definition: definition, scope: Scope(parent: nil), source: source)
          .signature
      }
      for nested in statement.nestedStatementLists { collectDefinitions(nested) }
    }
  }

  /// The names `let`, `for` and `catch` bind in these statements' scope (not inside `def` bodies or blocks).
  private static func boundNames(_ statements: [Statement]) -> Set<String> {
    var names: Set<String> = []
    for statement in statements {
      switch statement {
      case .binding(let binding): names.insert(binding.name)
      case .conditional(let conditional):
        for branch in conditional.branches { names.formUnion(boundNames(branch.body.statements)) }
        if let otherwise = conditional.otherwise { names.formUnion(boundNames(otherwise.statements)) }
      case .loop(let loop):
        names.insert(loop.variable)
        names.formUnion(boundNames(loop.body.statements))
      case .attempt(let attempt):
        if let name = attempt.errorName { names.insert(name) }
        names.formUnion(boundNames(attempt.body.statements))
        names.formUnion(boundNames(attempt.handler.statements))
      default: break
      }
    }
    return names
  }

  // MARK: Variables

  private mutating func bind(_ name: String, _ shape: Shape) {
    let innermost = scopes.count - 1
    scopes[innermost].bound[name] = scopes[innermost].bound[name].map { $0.merged(with: shape) } ?? shape
  }

  /// The shape of a variable's value; nil when no `let` can have bound it.
  private mutating func lookup(_ name: String) -> Shape? {
    var afterALaterScope = false
    for scope in scopes.reversed() {
      // Code that runs later sees the variable as it is then, perhaps bound again to something else.
      if let shape = scope.bound[name] { return afterALaterScope ? .unknown : shape }
      if afterALaterScope, scope.everywhere.contains(name) { return .unknown }
      if scope.runsLater { afterALaterScope = true }
    }
    if let shape = knownShapes[name] { return afterALaterScope ? .unknown : shape }
    if let value = known.lookup(name) {
      let shape = Shape(of: value)
      knownShapes[name] = shape
      return afterALaterScope ? .unknown : shape
    }
    return afterALaterScope && moreCodeMayFollow ? .unknown : nil
  }

  private var visibleNames: [String] {
    Array(Set(scopes.flatMap { $0.bound.keys } + known.visibleNames)).sorted()
  }

  /// Checks code that runs in a scope of its own (a `def` body, a block), with these variables bound first.
  private mutating func inScope(
    of statements: [Statement], binding names: [String: Shape], _ body: (inout Checker) -> Void
  ) {
    var scope = StaticScope(bound: names, everywhere: Self.boundNames(statements), runsLater: true)
    scope.everywhere.formUnion(names.keys)
    scopes.append(scope)
    body(&self)
    scopes.removeLast()
  }

  // MARK: Statements

  private mutating func check(_ statement: Statement) {
    switch statement {
    case .pipeline(let pipeline): _ = check(pipeline)
    case .binding(let binding): bind(binding.name, check(binding.value))
    case .conditional(let conditional):
      for branch in conditional.branches {
        _ = check(branch.condition)
        check(branch.body)
      }
      if let otherwise = conditional.otherwise { check(otherwise) }
    case .loop(let loop):
      let items = check(loop.source)
      // Each pass may read what the pass before bound further down, perhaps to something else.
      for name in Self.boundNames(loop.body.statements) { bind(name, .unknown) }
      bind(loop.variable, items.kind == .list ? items.element : items)
      check(loop.body)
    case .definition(let definition):
      var parameters: [String: Shape] = ["in": .unknown]
      for parameter in definition.parameters {
        if parameters[parameter.name] != nil, parameter.name != "in" {
          diagnostics.append(Diagnostics.repeatedParameter(parameter.name, at: parameter.range))
        }
        parameters[parameter.name] = .unknown
      }
      inScope(of: definition.body.statements, binding: [:]) { checker in
        for parameter in definition.parameters { if let value = parameter.defaultValue { _ = checker.check(value) } }
      }
      inScope(of: definition.body.statements, binding: parameters) { checker in checker.check(definition.body) }
    case .returning(let value, _): if let value { _ = check(value) }
    case .breaking, .continuing: break
    case .attempt(let attempt):
      check(attempt.body)
      if let name = attempt.errorName { bind(name, .unknown) }
      check(attempt.handler)
    case .explanation(let explained, _):
      // Checked as if it ran, but it does not: what it would bind stays unbound after it.
      scopes.append(StaticScope(everywhere: Self.boundNames([explained])))
      check(explained)
      scopes.removeLast()
    }
  }

  private mutating func check(_ block: Block) {
    for statement in block.statements { check(statement) }
  }

  /// Checks a pipeline and returns the shape of its value.
  private mutating func check(_ pipeline: Pipeline) -> Shape {
    var shape = Shape.null
    for (position, stage) in pipeline.stages.enumerated() {
      switch stage {
      case .expression(let expression):
        if position > 0 {
          diagnostics.append(Diagnostics.valueAfterPipe(at: expression.range))
        }
        shape = check(expression)
      case .command(let call): shape = check(call, input: shape)
      }
    }
    return shape
  }

  private mutating func check(_ call: CommandCall, input: Shape) -> Shape {
    if call.name == "source" { sourcesOtherFiles = true }
    guard
      let signature = engine.registry[call.name]?.signature ?? definitions[call.name]
        ?? engine.userCommands[call.name]?.signature
    else {
      for argument in call.arguments { if let value = argument.value { _ = check(value) } }
      // A `def` body or a block in the REPL may call a command the next lines define.
      if moreCodeMayFollow, scopes.contains(where: \.runsLater) { return .unknown }
      diagnostics.append(
        Diagnostics.unknownCommand(
          call.name, at: call.nameRange,
          suggestion: closestMatch(to: call.name, among: engine.commandNames + Array(definitions.keys))))
      return .unknown
    }
    if let kind = input.kind, !signature.accepts.contains(kind) {
      diagnostics.append(Diagnostics.wrongInputShape(input, command: signature, at: call.nameRange))
    }
    let plan: ArgumentBinder.Plan
    switch ArgumentBinder.plan(call, signature: signature) {
    case .failure(let diagnostic):
      diagnostics.append(diagnostic)
      for argument in call.arguments { if let value = argument.value { _ = check(value) } }
      return .unknown
    case .success(let success): plan = success
    }
    // The fields a condition or a field path reads: of each item of a piped list, for a command that reads items
    // (`where`, `sort-by`); of the piped value itself for one that takes a record too (`assert`, `get`).
    let rows = signature.accepts.contains(.record) || input.kind != .list ? input : input.element
    let rowShape = rows.kind == .nothing ? Shape.unknown : rows
    var literals: [String: Value] = [:]
    var written: Set<String> = []
    for (parameter, expression) in plan.assignments {
      written.insert(parameter.name)
      if parameter.kind == .expression {
        switch expression {
        case .block:
          diagnostics.append(Diagnostics.blockForCondition(command: call.name, at: expression.range))
        case .literal(.string, _), .interpolated, .list, .record:
          diagnostics.append(Diagnostics.constantCondition(command: call.name, at: expression.range))
        default: break
        }
        _ = checkRow(expression, row: rowShape)
        continue
      }
      if parameter.kind == .block, case .block(let block) = expression {
        // A block a command runs for each item (`each { … }`) reads the item as `$it`.
        let item = input.rows.kind == .nothing ? Shape.unknown : input.rows
        inScope(of: block.statements, binding: ["it": item]) { checker in checker.check(block) }
        continue
      }
      _ = check(expression)
      guard let literal = Self.literalValue(expression, kind: parameter.kind) else { continue }
      if case .failure(let mismatch) = ArgumentBinder.check(literal, for: parameter, command: call.name) {
        diagnostics.append(Diagnostics.wrongArgument(mismatch, at: expression.range))
        continue
      }
      if parameter.kind == .fieldPath, case .string(let text) = literal, let path = FieldPath(text),
        var missing = input.rows.reading(path).missing
      {
        missing.inOneRecord = missing.inOneRecord || input.kind == .record
        diagnostics.append(Diagnostics.missingField(missing, command: call.name, at: expression.range))
      }
      if parameter.variadic {
        if case .list(let earlier)? = literals[parameter.name] {
          literals[parameter.name] = .list(earlier + [literal])
        } else {
          literals[parameter.name] = .list([literal])
        }
      } else {
        literals[parameter.name] = literal
      }
    }
    let result = signature.resultShape.shape(for: .init(input: input, literals: literals, written: written))
    calls[call.range] = CheckedCall(
      signature: signature, input: input, result: result, assignments: plan.assignments, literals: literals,
      isDefinedHere: engine.registry[call.name] == nil && definitions[call.name] != nil)
    return result
  }

  /// What the checker knew of one command call.
  struct CheckedCall {
    var signature: Signature
    var input: Shape
    var result: Shape
    var assignments: [(Parameter, Expression)]
    /// Arguments written as literals, by parameter name.
    var literals: [String: Value]
    /// Whether it calls a command the checked code defines with `def`.
    var isDefinedHere: Bool
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

  // MARK: Expressions

  /// Checks an expression evaluated for each row (`where`), whose bare names are fields of `row`.
  private mutating func checkRow(_ expression: Expression, row: Shape) -> Shape {
    scopes.append(StaticScope(bound: ["it": row], everywhere: ["it"]))
    defer { scopes.removeLast() }
    return check(expression)
  }

  /// Checks an expression and returns the shape of its value.
  private mutating func check(_ expression: Expression) -> Shape {
    switch expression {
    case .literal(let value, _): return Shape(of: value)
    case .interpolated(let parts, _):
      for part in parts {
        guard case .interpolation(let inner) = part else { continue }
        let before = diagnostics.count
        _ = check(inner)
        // In a string a `?` is text (`"is it $n.number?"`): reading a field that may be missing takes `$( )`.
        if case .subpipeline = inner { continue }
        for position in before..<diagnostics.count
        where diagnostics[position].id == "missing-field" && diagnostics[position].help?.hasPrefix("write '") == true {
          diagnostics[position].help =
            "in a string, ? is text: write $(\(source.text(of: inner.range))?) to read a field that may be missing"
        }
      }
      return .string
    case .variable(let name, let range):
      if let shape = lookup(name) { return shape }
      diagnostics.append(
        Diagnostics.undefinedVariable(name, suggestion: closestMatch(to: name, among: visibleNames), at: range))
      return .unknown
    case .name(let name, let range):
      guard let row = lookup("it") else { return .unknown }
      let (shape, missing) = row.reading(FieldPath(steps: [.init(name: name)]))
      if let missing { diagnostics.append(Diagnostics.bareWordNotAField(missing, at: range)) }
      return shape
    case .field(let base, let name, let range):
      let (shape, missing) = check(base).reading(FieldPath(steps: [.init(name: name)]))
      if var missing {
        if !missing.fields.isEmpty { missing.within = Self.reference(base) }
        diagnostics.append(Diagnostics.missingField(missing, at: range))
      }
      return shape
    case .optional(let access, _):
      switch access {
      case .field(let base, let name, let range):
        let (shape, missing) = check(base).reading(FieldPath(steps: [.init(name: name, optional: true)]))
        if var missing {
          if !missing.fields.isEmpty { missing.within = Self.reference(base) }
          diagnostics.append(Diagnostics.missingField(missing, at: range))
        }
        return shape
      case .name(let name, let range):
        let (shape, missing) = (lookup("it") ?? .unknown).reading(
          FieldPath(steps: [.init(name: name, optional: true)]))
        if let missing { diagnostics.append(Diagnostics.missingField(missing, at: range)) }
        return shape
      case .index(let base, let index, _):
        _ = check(index)
        return check(base).element
      default: return check(access)
      }
    case .index(let base, let index, _):
      let container = check(base)
      _ = check(index)
      return container.element
    case .list(let items, _):
      let shapes = items.map { check($0) }
      return .list(shapes.dropFirst().reduce(shapes.first ?? .unknown) { $0.merged(with: $1) })
    case .record(let entries, _):
      return .record(entries.map { ShapeField($0.key, check($0.value)) }, open: false)
    case .block(let block):
      inScope(of: block.statements, binding: ["it": .unknown]) { checker in checker.check(block) }
      return .block
    case .subpipeline(let pipeline, _):
      return check(pipeline)
    case .unary(let operation, let operand, _):
      _ = check(operand)
      return operation == .not ? .bool : .number
    case .binary(let operation, let left, let right, _):
      let leftShape = check(left)
      let rightShape = check(right)
      switch operation {
      case .add: return leftShape == rightShape ? leftShape : .unknown
      case .subtract, .multiply, .divide, .remainder: return .number
      default: return .bool
      }
    }
  }

  /// How a chain of reads is written (`$g.price`, `price`), to say where a field is missing; nil for other
  /// expressions.
  private static func reference(_ expression: Expression) -> String? {
    switch expression {
    case .variable(let name, _): "$" + name
    case .name(let name, _): name
    case .field(let base, let name, _): reference(base).map { $0 + "." + name }
    case .optional(let access, _): reference(access).map { $0 + "?" }
    default: nil
    }
  }
}
