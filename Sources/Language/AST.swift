/// The syntax tree. Every node carries the source range it was read from.

public struct Block: Sendable, Equatable {
  public var statements: [Statement]
  public var range: SourceRange
}

public indirect enum Statement: Sendable, Equatable {
  case binding(Binding)
  case pipeline(Pipeline)
  case conditional(Conditional)
  case loop(Loop)
  case definition(Definition)
  case returning(Pipeline?, SourceRange)
  case breaking(SourceRange)
  case continuing(SourceRange)
  case attempt(Attempt)
  /// `explain <statement>`: what the statement would do, shown and never run.
  case explanation(Statement, SourceRange)

  public var range: SourceRange {
    switch self {
    case .binding(let node): node.range
    case .pipeline(let node): node.range
    case .conditional(let node): node.range
    case .loop(let node): node.range
    case .definition(let node): node.range
    case .returning(_, let range), .breaking(let range), .continuing(let range): range
    case .attempt(let node): node.range
    case .explanation(_, let range): range
    }
  }
}

/// `let name = pipeline`
public struct Binding: Sendable, Equatable {
  public var name: String
  public var value: Pipeline
  public var range: SourceRange
}

/// `if expr { } else if expr { } else { }`
public struct Conditional: Sendable, Equatable {
  public struct Branch: Sendable, Equatable {
    public let condition: Expression
    public var body: Block
    /// Whether the condition runs a pipeline (see `Expression.runsPipeline`), worked out once, when the branch is
    /// made, since a loop evaluates the condition again and again.
    let conditionRunsPipeline: Bool

    init(condition: Expression, body: Block) {
      self.condition = condition
      self.body = body
      conditionRunsPipeline = condition.runsPipeline
    }
  }

  public var branches: [Branch]
  public var otherwise: Block?
  public var range: SourceRange
}

/// `for name in pipeline { }`
public struct Loop: Sendable, Equatable {
  public var variable: String
  public var source: Pipeline
  public var body: Block
  public var range: SourceRange
}

/// `def name [param, param = default] { }`
public struct Definition: Sendable, Equatable {
  public struct Parameter: Sendable, Equatable {
    public var name: String
    public var defaultValue: Expression?
    public var range: SourceRange
  }

  public var name: String
  public var parameters: [Parameter]
  public var body: Block
  public var nameRange: SourceRange
  public var range: SourceRange
}

/// `try { } catch name { }`
public struct Attempt: Sendable, Equatable {
  public var body: Block
  public var errorName: String?
  public var handler: Block
  public var range: SourceRange
}

/// `stage | stage | ...`
public struct Pipeline: Sendable, Equatable {
  public let stages: [Stage]
  public var range: SourceRange
  /// The pipeline's one stage, when it is an expression that runs no pipeline inside (`$s + $i`): the
  /// interpreter computes it without suspending. Worked out once, when the pipeline is made.
  let plainExpression: Expression?

  init(stages: [Stage], range: SourceRange) {
    self.stages = stages
    self.range = range
    if stages.count == 1, case .expression(let expression) = stages[0], !expression.runsPipeline {
      plainExpression = expression
    } else {
      plainExpression = nil
    }
  }
}

public enum Stage: Sendable, Equatable {
  case command(CommandCall)
  case expression(Expression)

  public var range: SourceRange {
    switch self {
    case .command(let call): call.range
    case .expression(let expression): expression.range
    }
  }
}

/// `name arg*`
public struct CommandCall: Sendable, Equatable {
  public var name: String
  public var nameRange: SourceRange
  public var arguments: [CallArgument]
  public var range: SourceRange
}

public enum CallArgument: Sendable, Equatable {
  /// `key=value`
  case named(String, Expression, nameRange: SourceRange)
  /// `--name`
  case flag(String, SourceRange)
  case positional(Expression)

  /// The value written, for a named or positional argument.
  var value: Expression? {
    switch self {
    case .named(_, let value, _), .positional(let value): value
    case .flag: nil
    }
  }

  public var range: SourceRange {
    switch self {
    case .named(_, let value, let nameRange): nameRange.to(value.range)
    case .flag(_, let range): range
    case .positional(let value): value.range
    }
  }
}

public enum UnaryOperator: String, Sendable {
  case negate = "-"
  case not = "not"
}

public enum BinaryOperator: String, Sendable {
  case or, and
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
  case matches = "=~", isIn = "in", has
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}

public enum StringPart: Sendable, Equatable {
  case text(String)
  case interpolation(Expression)
}

public indirect enum Expression: Sendable, Equatable {
  case literal(Value, SourceRange)
  case interpolated([StringPart], SourceRange)
  case variable(String, SourceRange)
  /// A bare name in an expression: a field of the current row inside `where` and `each`.
  case name(String, SourceRange)
  case field(Expression, String, SourceRange)
  case index(Expression, Expression, SourceRange)
  case list([Expression], SourceRange)
  case record([RecordEntry], SourceRange)
  case block(Block)
  case subpipeline(Pipeline, SourceRange)
  case unary(UnaryOperator, Expression, SourceRange)
  case binary(BinaryOperator, Expression, Expression, SourceRange)
  /// `name?`, `$x.name?`, `$list[9]?`: the field (or item) read last may be missing, and then reads as null.
  case optional(Expression, SourceRange)

  public var range: SourceRange {
    switch self {
    case .literal(_, let range), .interpolated(_, let range), .variable(_, let range), .name(_, let range),
      .field(_, _, let range), .index(_, _, let range), .list(_, let range), .record(_, let range),
      .subpipeline(_, let range), .unary(_, _, let range), .binary(_, _, _, let range), .optional(_, let range):
      range
    case .block(let block): block.range
    }
  }
}

public struct RecordEntry: Sendable, Equatable {
  public var key: String
  public var value: Expression
}

/// A parsed program.
public struct Program: Sendable {
  public var source: SourceFile
  public var statements: [Statement]
  public var diagnostics: [Diagnostic]
}

extension Expression {
  /// Whether evaluating it runs a pipeline (`(count)`, `"$(…)"`), which may suspend. Parentheses around a plain
  /// expression (`($a + 1) * 2`) only group it. A block's statements run only when a command calls the block,
  /// so a block itself runs none.
  var runsPipeline: Bool {
    switch self {
    case .subpipeline(let pipeline, _): pipeline.plainExpression == nil
    case .literal, .variable, .name, .block: false
    case .field(let base, _, _), .unary(_, let base, _), .optional(let base, _): base.runsPipeline
    case .index(let left, let right, _), .binary(_, let left, let right, _): left.runsPipeline || right.runsPipeline
    case .list(let items, _): items.contains { $0.runsPipeline }
    case .record(let entries, _): entries.contains { $0.value.runsPipeline }
    case .interpolated(let parts, _):
      parts.contains {
        if case .interpolation(let inner) = $0 { inner.runsPipeline } else { false }
      }
    }
  }

  /// Whether it is a bare name.
  var isName: Bool {
    if case .name = self { true } else { false }
  }

  /// The same node with each direct operand replaced by `transform`'s result, called in evaluation order.
  func mappingOperands(_ transform: (Expression) async throws -> Expression) async rethrows -> Expression {
    switch self {
    case .literal, .variable, .name, .block, .subpipeline:
      return self
    case .field(let base, let name, let range):
      return .field(try await transform(base), name, range)
    case .optional(let access, let range):
      // The access itself stays: its base is what is evaluated first.
      return .optional(try await access.mappingOperands(transform), range)
    case .index(let base, let index, let range):
      let mappedBase = try await transform(base)
      return .index(mappedBase, try await transform(index), range)
    case .unary(let operation, let operand, let range):
      return .unary(operation, try await transform(operand), range)
    case .binary(let operation, let left, let right, let range):
      let mappedLeft = try await transform(left)
      return .binary(operation, mappedLeft, try await transform(right), range)
    case .list(let items, let range):
      var mapped: [Expression] = []
      for item in items { mapped.append(try await transform(item)) }
      return .list(mapped, range)
    case .record(let entries, let range):
      var mapped: [RecordEntry] = []
      for entry in entries { mapped.append(RecordEntry(key: entry.key, value: try await transform(entry.value))) }
      return .record(mapped, range)
    case .interpolated(let parts, let range):
      var mapped: [StringPart] = []
      for part in parts {
        switch part {
        case .text: mapped.append(part)
        case .interpolation(let inner): mapped.append(.interpolation(try await transform(inner)))
        }
      }
      return .interpolated(mapped, range)
    }
  }
}

extension Statement {
  /// The statement lists nested in this one: a def's body, each branch of an `if`, a loop's body, a `try` and its
  /// `catch`; for walks that look inside (not into blocks, which are values).
  var nestedStatementLists: [[Statement]] {
    switch self {
    case .definition(let definition): [definition.body.statements]
    case .conditional(let conditional):
      conditional.branches.map(\.body.statements) + (conditional.otherwise.map { [$0.statements] } ?? [])
    case .loop(let loop): [loop.body.statements]
    case .attempt(let attempt): [attempt.body.statements, attempt.handler.statements]
    default: []
    }
  }
}
