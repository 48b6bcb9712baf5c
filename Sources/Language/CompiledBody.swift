/// A `for` loop's body of plain statements (see `Interpreter.computeWithoutSuspending`), made ready to run many
/// times: each variable it reads is found once, and each run reads it from its slot instead of searching the
/// scopes by name.
///
/// It is made after the body has run once. By then every `let` of the body has bound its name in the loop's
/// scope, and a plain body binds nothing else, so where each name is found cannot change while the loop runs.
/// The operations are the interpreter's own (`combine`, `field`, `apply`); an expression of any other kind is
/// evaluated by `Interpreter.value(of:in:)` as it is.
struct CompiledBody {
  private typealias Compiled = () throws -> Value
  private let steps: [() throws -> Void]

  init(_ statements: [Statement], interpreter: Interpreter, scope: Scope) {
    steps = statements.map { statement in
      switch statement {
      case .binding(let binding):
        if let expression = binding.value.plainExpression, let slot = scope.slot(of: binding.name) {
          let value = Self.compile(expression, interpreter, scope)
          return { scope.set(try value(), at: slot) }
        }
      case .pipeline(let pipeline):
        if let expression = pipeline.plainExpression {
          let value = Self.compile(expression, interpreter, scope)
          return { _ = try value() }
        }
      default: break
      }
      return { _ = try interpreter.computeWithoutSuspending(statement, in: scope) }
    }
  }

  func run() throws {
    for step in steps { try step() }
  }

  private static func compile(_ expression: Expression, _ interpreter: Interpreter, _ scope: Scope) -> Compiled {
    switch expression {
    case .literal(let value, _):
      return { value }
    case .variable(let name, let range):
      guard let (owner, slot) = scope.resolve(name) else {
        return { try interpreter.variable(name, in: scope, at: range) }
      }
      return { owner.value(at: slot) }
    case .field(let base, let name, let range):
      let base = compile(base, interpreter, scope)
      return { try interpreter.field(name, of: try base(), at: range) }
    case .unary(let operation, let operand, let range):
      let operand = compile(operand, interpreter, scope)
      return { try interpreter.apply(operation, try operand(), at: range) }
    case .binary(let operation, let left, let right, let range):
      let left = compile(left, interpreter, scope)
      let right = compile(right, interpreter, scope)
      return { try interpreter.combine(operation, try left(), at: range, right: right) }
    case .subpipeline(let pipeline, _) where pipeline.plainExpression != nil:
      // Parentheses that only group.
      return compile(pipeline.plainExpression ?? expression, interpreter, scope)
    default:
      return { try interpreter.value(of: expression, in: scope) }
    }
  }
}
