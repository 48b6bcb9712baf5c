/// Reads a program into statements. On an error it records a diagnostic,
/// skips to the end of the statement and goes on, so one run reports every
/// error in a file. The grammar is in docs/grammar.md.
struct Parser {
  static let maximumDepth = 128
  /// The words that start a statement.
  static let statementKeywords = ["let", "if", "for", "def", "try", "return", "break", "continue", "explain"]
  /// Words that are never names.
  static let keywords = Set(
    statementKeywords + ["else", "in", "catch", "and", "or", "not", "has", "true", "false", "null"])

  private var lexer: Lexer
  private let expressionParameters: (String) -> Set<String>
  private(set) var diagnostics: [Diagnostic] = []
  /// The input ended inside an open bracket, string or pipe: more lines would complete it.
  private(set) var incomplete = false
  private var depth = 0
  private var loopDepth = 0
  private var definitionDepth = 0
  /// Set while reading a `for` source or an `if` condition: a `{` there opens the body.
  private var braceEndsPipeline = false
  private var tooDeep = false
  private var cached: (offset: Int, mode: Lexer.Mode, token: Token, after: Int)?

  /// - Parameter expressionParameters: for a command name, which of its parameters read an expression (as `where` does).
  init(source: SourceFile, range: SourceRange? = nil, expressionParameters: @escaping (String) -> Set<String>) {
    lexer = Lexer(source: source, range: range)
    self.expressionParameters = expressionParameters
  }

  static func parse(_ source: SourceFile, expressionParameters: @escaping (String) -> Set<String>) -> (
    statements: [Statement], diagnostics: [Diagnostic], incomplete: Bool
  ) {
    var parser = Parser(source: source, expressionParameters: expressionParameters)
    let statements = parser.parseStatements(closing: nil)
    return (statements, parser.allDiagnostics, parser.incomplete)
  }

  var allDiagnostics: [Diagnostic] {
    var seen: Set<String> = []
    return (lexer.diagnostics + diagnostics).filter { seen.insert("\($0.range.start):\($0.message)").inserted }
      .sorted { $0.range.start < $1.range.start }
  }

  // MARK: Tokens

  private mutating func peek(_ mode: Lexer.Mode) -> Token {
    if let cached, cached.offset == lexer.position, cached.mode == mode { return cached.token }
    let offset = lexer.position
    let token = lexer.next(mode)
    let after = lexer.position
    lexer.reset(to: offset)
    cached = (offset, mode, token, after)
    return token
  }

  @discardableResult
  private mutating func advance(_ mode: Lexer.Mode) -> Token {
    let token = peek(mode)
    if let cached { lexer.reset(to: cached.after) }
    cached = nil
    return token
  }

  private mutating func check(_ symbol: Symbol, _ mode: Lexer.Mode = .operator) -> Bool {
    peek(mode).kind == .symbol(symbol)
  }

  private mutating func checkWord(_ word: String) -> Bool {
    peek(.operand).kind == .word(word)
  }

  private mutating func skipNewlines() {
    while peek(.operator).kind == .newline { advance(.operator) }
  }

  private func describe(_ token: Token) -> String {
    switch token.kind {
    case .word(let word): "'\(word)'"
    case .variable(let name): "'$\(name)'"
    case .number(let number): "number \(number)"
    case .string: "a string"
    case .flag(let name): "'--\(name)'"
    case .symbol(let symbol): "'\(symbol.rawValue)'"
    case .newline: "the end of the line"
    case .end: "the end of the input"
    case .invalid: "invalid text"
    }
  }

  private struct ParseError: Error {}

  /// Records a diagnostic and unwinds to the statement being read.
  private mutating func fail(_ diagnostic: Diagnostic) -> ParseError {
    diagnostics.append(diagnostic)
    return ParseError()
  }

  private mutating func expected(_ what: String, _ mode: Lexer.Mode = .operator, help: String? = nil) -> ParseError {
    let token = peek(mode)
    if token.kind == .end { incomplete = true }
    if token.kind == .invalid { return ParseError() }  // the lexer said why
    return fail(Diagnostics.expected(what, found: describe(token), at: token.range, help: help))
  }

  private mutating func expect(_ symbol: Symbol, _ mode: Lexer.Mode = .operator, opener: Token? = nil) throws
    -> Token
  {
    let token = peek(mode)
    guard token.kind == .symbol(symbol) else {
      if token.kind == .end, let opener {
        incomplete = true
        if tooDeep { throw ParseError() }
        throw fail(Diagnostics.unclosed(source(opener), at: opener.range))
      }
      throw expected("'\(symbol.rawValue)'", mode)
    }
    return advance(mode)
  }

  private func source(_ token: Token) -> String {
    if case .symbol(let symbol) = token.kind { return symbol.rawValue }
    return "bracket"
  }

  private mutating func enter(_ token: Token) throws {
    depth += 1
    if depth > Self.maximumDepth {
      if !tooDeep { diagnostics.append(Diagnostics.tooDeep(at: token.range)) }
      tooDeep = true
      lexer.reset(to: lexer.end)
      cached = nil
      throw ParseError()
    }
  }

  // MARK: Statements

  /// Statements up to `closing` (`}`) or the end of the input.
  private mutating func parseStatements(closing: Token?) -> [Statement] {
    var statements: [Statement] = []
    while true {
      while [.newline, .symbol(.semicolon)].contains(peek(.argument).kind) { advance(.argument) }
      let next = peek(.argument)
      if next.kind == .end {
        if let closing, !tooDeep {
          incomplete = true
          diagnostics.append(Diagnostics.unclosed(Symbol.openBrace.rawValue, at: closing.range))
        }
        return statements
      }
      if closing != nil, next.kind == .symbol(.closeBrace) { return statements }
      let start = lexer.position
      do {
        statements.append(try parseStatement())
        let after = peek(.operator)
        switch after.kind {
        case .newline, .symbol(.semicolon), .end: break
        case .symbol(.closeBrace) where closing != nil: break
        default:
          throw expected("the end of the statement", help: "put one statement on a line, or separate them with ';'")
        }
      } catch {
        if tooDeep { return statements }
        synchronize()
        // A stray closing bracket stops nothing: step over it so the loop always moves on.
        if lexer.position == start
          || [.symbol(.closeParenthesis), .symbol(.closeBracket)].contains(peek(.argument).kind)
          || (closing == nil && peek(.argument).kind == .symbol(.closeBrace))
        {
          if peek(.argument).kind != .end { advance(.argument) }
        }
      }
    }
  }

  /// Skips to the next newline, `;` or unmatched `}`, stepping over whole bracketed groups.
  private mutating func synchronize() {
    var nesting = 0
    while true {
      let token = peek(.argument)
      switch token.kind {
      case .end: return
      case .newline, .symbol(.semicolon):
        if nesting == 0 { return }
      case .symbol(.openBrace), .symbol(.openParenthesis), .symbol(.openBracket): nesting += 1
      case .symbol(.closeBrace), .symbol(.closeParenthesis), .symbol(.closeBracket):
        if nesting == 0 { return }
        nesting -= 1
      default: break
      }
      advance(.argument)
    }
  }

  private mutating func parseStatement() throws -> Statement {
    let first = peek(.argument)
    try enter(first)
    defer { depth -= 1 }
    guard case .word(let word) = first.kind else { return .pipeline(try parsePipeline()) }
    switch word {
    case "let": return try parseBinding()
    case "if": return try parseConditional()
    case "for": return try parseLoop()
    case "def": return try parseDefinition()
    case "try": return try parseAttempt()
    case "explain":
      advance(.argument)
      if atStatementEnd() { throw expected("a pipeline or a statement to explain", .argument) }
      let explained = try parseStatement()
      return .explanation(explained, first.range.to(explained.range))
    case "return":
      advance(.argument)
      guard definitionDepth > 0 else { throw fail(Diagnostics.misplaced("return", at: first.range)) }
      if atStatementEnd() { return .returning(nil, first.range) }
      let value = try parsePipeline()
      return .returning(value, first.range.to(value.range))
    case "break", "continue":
      advance(.argument)
      guard loopDepth > 0 else { throw fail(Diagnostics.misplaced(word, at: first.range)) }
      return word == "break" ? .breaking(first.range) : .continuing(first.range)
    case "else", "catch", "in":
      throw fail(Diagnostics.expected("a statement", found: "'\(word)'", at: first.range))
    default:
      return .pipeline(try parsePipeline())
    }
  }

  private mutating func atStatementEnd() -> Bool {
    switch peek(.operator).kind {
    case .newline, .end, .symbol(.semicolon), .symbol(.closeBrace): true
    default: false
    }
  }

  private mutating func name(_ what: String) throws -> (String, SourceRange) {
    let token = peek(.operand)
    guard case .word(let word) = token.kind, !Self.keywords.contains(word) else { throw expected(what, .operand) }
    advance(.operand)
    return (word, token.range)
  }

  private mutating func parseBinding() throws -> Statement {
    let keyword = advance(.argument)
    let (name, _) = try name("a variable name after 'let'")
    _ = try expect(.assign)
    let value = try parsePipeline()
    return .binding(Binding(name: name, value: value, range: keyword.range.to(value.range)))
  }

  private mutating func parseBlock() throws -> Block {
    skipNewlines(before: .symbol(.openBrace))
    let open = try expect(.openBrace, .operator)
    try enter(open)
    defer { depth -= 1 }
    let saved = braceEndsPipeline
    braceEndsPipeline = false
    defer { braceEndsPipeline = saved }
    let statements = parseStatements(closing: open)
    let close = try expect(.closeBrace, .argument, opener: open)
    return Block(statements: statements, range: open.range.to(close.range))
  }

  /// Lets a `{` (or `else`/`catch`) stand on the next line: looks past newlines, and steps back over them when
  /// `expected` is not what follows.
  private mutating func skipNewlines(before expected: Token.Kind) {
    let start = lexer.position
    skipNewlines()
    if peek(.operand).kind != expected {
      lexer.reset(to: start)
      cached = nil
    }
  }

  private mutating func parseCondition() throws -> Expression {
    let saved = braceEndsPipeline
    braceEndsPipeline = true
    defer { braceEndsPipeline = saved }
    let condition = try parseExpression()
    if case .block = condition { throw fail(Diagnostics.blockForCondition(command: "if", at: condition.range)) }
    return condition
  }

  private mutating func parseConditional() throws -> Statement {
    let keyword = advance(.argument)
    var branches = [Conditional.Branch(condition: try parseCondition(), body: try parseBlock())]
    var otherwise: Block?
    while true {
      skipNewlines(before: .word("else"))
      guard checkWord("else") else { break }
      advance(.operand)
      if checkWord("if") {
        advance(.operand)
        branches.append(.init(condition: try parseCondition(), body: try parseBlock()))
      } else {
        otherwise = try parseBlock()
        break
      }
    }
    let end = otherwise?.range ?? branches[branches.count - 1].body.range
    return .conditional(Conditional(branches: branches, otherwise: otherwise, range: keyword.range.to(end)))
  }

  private mutating func parseLoop() throws -> Statement {
    let keyword = advance(.argument)
    let (variable, _) = try name("a variable name after 'for'")
    guard checkWord("in") else { throw expected("'in' after the loop variable", .operand) }
    advance(.operand)
    let saved = braceEndsPipeline
    braceEndsPipeline = true
    let source = try parsePipeline()
    braceEndsPipeline = saved
    loopDepth += 1
    defer { loopDepth -= 1 }
    let body = try parseBlock()
    return .loop(Loop(variable: variable, source: source, body: body, range: keyword.range.to(body.range)))
  }

  private mutating func parseDefinition() throws -> Statement {
    let keyword = advance(.argument)
    let nameToken = peek(.argument)
    guard case .word(let name) = nameToken.kind, !Self.keywords.contains(name) else {
      throw expected("a command name after 'def'", .argument)
    }
    advance(.argument)
    let open = try expect(.openBracket, .operator)
    var parameters: [Definition.Parameter] = []
    skipNewlines()
    while !check(.closeBracket) {
      let (parameter, range) = try self.name("a parameter name")
      var defaultValue: Expression?
      if check(.assign) {
        advance(.operator)
        defaultValue = try parseExpression()
      }
      parameters.append(.init(name: parameter, defaultValue: defaultValue, range: range))
      try separatorOrEnd(.closeBracket, opener: open, in: "the parameter list")
    }
    advance(.operator)
    let savedLoops = loopDepth
    loopDepth = 0
    definitionDepth += 1
    defer {
      definitionDepth -= 1
      loopDepth = savedLoops
    }
    let body = try parseBlock()
    return .definition(
      Definition(
        name: name, parameters: parameters, body: body, nameRange: nameToken.range, range: keyword.range.to(body.range))
    )
  }

  private mutating func parseAttempt() throws -> Statement {
    let keyword = advance(.argument)
    let body = try parseBlock()
    skipNewlines(before: .word("catch"))
    guard checkWord("catch") else { throw expected("'catch' after the try block", .operand) }
    advance(.operand)
    var errorName: String?
    if case .word(let word) = peek(.operand).kind, !Self.keywords.contains(word) {
      advance(.operand)
      errorName = word
    }
    let handler = try parseBlock()
    return .attempt(Attempt(body: body, errorName: errorName, handler: handler, range: keyword.range.to(handler.range)))
  }

  // MARK: Pipelines and commands

  mutating func parsePipeline() throws -> Pipeline {
    var stages = [try parseStage()]
    while true {
      // A trailing `|` or a next line starting with `|` continues the pipeline.
      let start = lexer.position
      skipNewlines()
      guard check(.pipe) else {
        lexer.reset(to: start)
        cached = nil
        break
      }
      advance(.operator)
      skipNewlines()
      if peek(.argument).kind == .end {
        incomplete = true
        throw expected("a command after '|'", .argument)
      }
      stages.append(try parseStage())
    }
    return Pipeline(stages: stages, range: stages[0].range.to(stages[stages.count - 1].range))
  }

  private mutating func parseStage() throws -> Stage {
    let first = peek(.argument)
    if case .word(let word) = first.kind, !["true", "false", "null", "not"].contains(word),
      let initial = word.unicodeScalars.first, initial == "_" || (initial.isASCII && initial.properties.isAlphabetic)
    {
      if Self.keywords.contains(word) {
        throw fail(Diagnostics.expected("a command or a value", found: "'\(word)'", at: first.range))
      }
      return .command(try parseCommandCall())
    }
    switch first.kind {
    case .end, .newline, .symbol(.pipe), .symbol(.semicolon), .symbol(.closeParenthesis), .symbol(.closeBrace):
      throw expected("a command or a value", .argument)
    default:
      return .expression(try parseExpression())
    }
  }

  private mutating func parseCommandCall() throws -> CommandCall {
    let nameToken = advance(.argument)
    guard case .word(let name) = nameToken.kind else { throw expected("a command name", .argument) }
    let expressionParameters = expressionParameters(name)
    var arguments: [CallArgument] = []
    var positionalCount = 0
    var end = nameToken.range
    while true {
      let token = peek(.argument)
      switch token.kind {
      case .end, .newline, .symbol(.pipe), .symbol(.semicolon), .symbol(.closeParenthesis), .symbol(.closeBrace),
        .symbol(.closeBracket):
        return CommandCall(name: name, nameRange: nameToken.range, arguments: arguments, range: nameToken.range.to(end))
      case .symbol(.openBrace) where braceEndsPipeline && opensBody():
        return CommandCall(name: name, nameRange: nameToken.range, arguments: arguments, range: nameToken.range.to(end))
      case .flag(let flag):
        advance(.argument)
        arguments.append(.flag(flag, token.range))
        end = token.range
        continue
      case .word(let key):
        advance(.argument)
        let equals = peek(.operator)
        if equals.kind == .symbol(.assign), !equals.spaced {
          advance(.operator)
          let value: Expression
          if expressionParameters.contains(key) {
            value = try parseExpression()
          } else {
            value = try parseAtom()
          }
          arguments.append(.named(key, value, nameRange: token.range))
          end = value.range
          continue
        }
        // Not a key after all: read it again as a positional atom.
        lexer.reset(to: token.range.start)
        cached = nil
      default:
        break
      }
      let value: Expression
      if !expressionParameters.isEmpty, positionalCount == 0 {
        value = try parseExpression()
      } else {
        value = try parseAtom()
      }
      arguments.append(.positional(value))
      positionalCount += 1
      end = value.range
    }
  }

  /// At a `{` in a `for` source: whether it opens the loop's body, rather than a block passed to a command of the
  /// source (`for x in $list | each { … } { … }`). The body is the block the statement ends with.
  private mutating func opensBody() -> Bool {
    let start = lexer.position
    defer {
      lexer.reset(to: start)
      cached = nil
    }
    var nesting = 0
    while true {
      let token = advance(.argument)
      switch token.kind {
      case .symbol(.openBrace), .symbol(.openParenthesis), .symbol(.openBracket): nesting += 1
      case .symbol(.closeBrace), .symbol(.closeParenthesis), .symbol(.closeBracket):
        nesting -= 1
        if nesting == 0 {
          switch peek(.operator).kind {
          case .newline, .end, .symbol(.semicolon), .symbol(.closeBrace): return true
          default: return false
          }
        }
      case .end: return true
      default: break
      }
    }
  }

  /// One argument value: `$var.field`, a string, a number, a bare word, `(pipeline)`, `[list]` or `{ block }`.
  private mutating func parseAtom() throws -> Expression {
    let token = peek(.argument)
    switch token.kind {
    case .word(let word):
      advance(.argument)
      return .literal(.string(word), token.range)
    case .number(let number):
      advance(.argument)
      return .literal(.number(number), token.range)
    case .flag(let flag):
      advance(.argument)
      return .literal(.string("--" + flag), token.range)
    case .symbol(.openBrace):
      return try parseRecordOrBlock()
    case .variable, .string, .symbol(.openParenthesis), .symbol(.openBracket):
      return try parsePostfix(try parsePrimary())
    default:
      throw expected("an argument", .argument)
    }
  }

  // MARK: Expressions

  mutating func parseExpression() throws -> Expression {
    try enter(peek(.operand))
    defer { depth -= 1 }
    return try parseOr()
  }

  private mutating func parseOr() throws -> Expression {
    try parseLeftAssociative({ $0 == .word("or") ? .or : nil }, operand: { try $0.parseAnd() })
  }

  private mutating func parseAnd() throws -> Expression {
    try parseLeftAssociative({ $0 == .word("and") ? .and : nil }, operand: { try $0.parseNot() })
  }

  /// `operand (operator operand)*` for one level of precedence, grouping to the left.
  private mutating func parseLeftAssociative(
    _ operatorFor: (Token.Kind) -> BinaryOperator?, operand: (inout Parser) throws -> Expression
  ) throws -> Expression {
    var left = try operand(&self)
    // Each operator deepens the tree on its left, and evaluating it recurses that deep: count it as nesting.
    var chained = 0
    defer { depth -= chained }
    while let operation = operatorFor(peek(.operator).kind) {
      try enter(peek(.operator))
      chained += 1
      advance(.operator)
      skipNewlines()
      let right = try operand(&self)
      left = .binary(operation, left, right, left.range.to(right.range))
    }
    return left
  }

  private mutating func parseNot() throws -> Expression {
    let token = peek(.operand)
    if token.kind == .word("not") {
      advance(.operand)
      try enter(token)
      defer { depth -= 1 }
      let operand = try parseNot()
      return .unary(.not, operand, token.range.to(operand.range))
    }
    return try parseComparison()
  }

  private mutating func parseComparison() throws -> Expression {
    let left = try parseAdditive()
    let token = peek(.operator)
    let comparison: BinaryOperator? =
      switch token.kind {
      case .symbol(.equal): .equal
      case .symbol(.notEqual): .notEqual
      case .symbol(.less): .less
      case .symbol(.lessOrEqual): .lessOrEqual
      case .symbol(.greater): .greater
      case .symbol(.greaterOrEqual): .greaterOrEqual
      case .symbol(.matches): .matches
      case .word("in"): .isIn
      case .word("has"): .has
      default: nil
      }
    guard let comparison else {
      if token.kind == .symbol(.assign) {
        throw fail(
          Diagnostics.expected(
            "an operator", found: "'='", at: token.range, help: "compare with '=='; bind a variable with 'let'"))
      }
      return left
    }
    advance(.operator)
    skipNewlines()
    let right = try parseAdditive()
    return .binary(comparison, left, right, left.range.to(right.range))
  }

  private mutating func parseAdditive() throws -> Expression {
    try parseLeftAssociative(
      { kind in
        switch kind {
        case .symbol(.plus): .add
        case .symbol(.minus): .subtract
        default: nil
        }
      }, operand: { try $0.parseMultiplicative() })
  }

  private mutating func parseMultiplicative() throws -> Expression {
    try parseLeftAssociative(
      { kind in
        switch kind {
        case .symbol(.star): .multiply
        case .symbol(.slash): .divide
        case .symbol(.percent): .remainder
        default: nil
        }
      }, operand: { try $0.parseUnary() })
  }

  private mutating func parseUnary() throws -> Expression {
    let token = peek(.operand)
    if token.kind == .symbol(.minus) {
      advance(.operand)
      try enter(token)
      defer { depth -= 1 }
      let operand = try parseUnary()
      if case .literal(.number(let number), let range) = operand {
        return .literal(.number(number.negated), token.range.to(range))
      }
      return .unary(.negate, operand, token.range.to(operand.range))
    }
    return try parsePostfix(try parsePrimary())
  }

  /// `.field` and `[index]` written right after a value.
  private mutating func parsePostfix(_ base: Expression) throws -> Expression {
    var value = base
    // Each access deepens the tree, and checking or evaluating it recurses that deep: count it as nesting.
    var chained = 0
    defer { depth -= chained }
    while true {
      let token = peek(.operator)
      if token.kind == .symbol(.dot), !token.spaced {
        try enter(token)
        chained += 1
        advance(.operator)
        let field = peek(.operand)
        guard case .word(let name) = field.kind, !field.spaced else {
          throw expected("a field name after '.'", .operand)
        }
        advance(.operand)
        value = optionalMark(after: .field(value, name, value.range.to(field.range)))
      } else if token.kind == .symbol(.openBracket), !token.spaced {
        try enter(token)
        chained += 1
        advance(.operator)
        skipNewlines()
        let index = try parseExpression()
        skipNewlines()
        let close = try expect(.closeBracket, opener: token)
        value = optionalMark(after: .index(value, index, value.range.to(close.range)))
      } else {
        return value
      }
    }
  }

  /// `access?` when a `?` follows the access right away: it may be missing.
  private mutating func optionalMark(after access: Expression) -> Expression {
    let mark = peek(.operator)
    guard mark.kind == .symbol(.question), !mark.spaced else { return access }
    advance(.operator)
    return .optional(access, access.range.to(mark.range))
  }

  private mutating func parsePrimary() throws -> Expression {
    let token = peek(.operand)
    switch token.kind {
    case .number(let number):
      advance(.operand)
      return .literal(.number(number), token.range)
    case .string(let parts):
      advance(.operand)
      return try stringExpression(parts, range: token.range)
    case .variable(let name):
      advance(.operand)
      return .variable(name, token.range)
    case .word(let word):
      switch word {
      case "true", "false":
        advance(.operand)
        return .literal(.bool(word == "true"), token.range)
      case "null":
        advance(.operand)
        return .literal(.null, token.range)
      case _ where Self.keywords.contains(word):
        throw expected("a value", .operand)
      default:
        advance(.operand)
        return optionalMark(after: .name(word, token.range))
      }
    case .symbol(.openParenthesis):
      advance(.operand)
      try enter(token)
      defer { depth -= 1 }
      let saved = braceEndsPipeline
      braceEndsPipeline = false
      defer { braceEndsPipeline = saved }
      skipNewlines()
      let inner = try parsePipeline()
      skipNewlines()
      let close = try expect(.closeParenthesis, opener: token)
      return .subpipeline(inner, token.range.to(close.range))
    case .symbol(.openBracket):
      return try parseList()
    case .symbol(.openBrace):
      return try parseRecordOrBlock()
    default:
      throw expected("a value", .operand)
    }
  }

  private mutating func parseList() throws -> Expression {
    let open = advance(.operand)
    try enter(open)
    defer { depth -= 1 }
    var items: [Expression] = []
    skipNewlines()
    while !check(.closeBracket, .argument) {
      if peek(.argument).kind == .end { _ = try expect(.closeBracket, opener: open) }
      items.append(try parseListItem())
      try separatorOrEnd(.closeBracket, opener: open, in: "a list")
    }
    let close = advance(.argument)
    return .list(items, open.range.to(close.range))
  }

  /// After an item between brackets: a `,` (newlines allowed around it) or the closing bracket.
  private mutating func separatorOrEnd(_ closer: Symbol, opener: Token, in what: String) throws {
    skipNewlines()
    if check(.comma) {
      advance(.operator)
      skipNewlines()
    } else if !check(closer) {
      if peek(.operator).kind == .end { _ = try expect(closer, opener: opener) }
      throw expected("',' or '\(closer.rawValue)' in \(what)")
    }
  }

  /// List items and record values are expressions, except that a lone bare word is a string: `[US, CA, GB]`.
  private mutating func parseListItem() throws -> Expression {
    let token = peek(.operand)
    if case .word(let word) = token.kind, !Self.keywords.contains(word) {
      let start = lexer.position
      let argumentToken = advance(.argument)
      let next = peek(.operator).kind
      if case .word(let bare) = argumentToken.kind,
        [.symbol(.comma), .symbol(.closeBracket), .symbol(.closeBrace), .newline].contains(next)
      {
        return .literal(.string(bare), argumentToken.range)
      }
      lexer.reset(to: start)
      cached = nil
    }
    return try parseExpression()
  }

  private mutating func parseRecordOrBlock() throws -> Expression {
    let open = peek(.operand)
    let start = lexer.position
    advance(.operand)
    skipNewlines()
    // `{}` and `{key: value ...}` are records; anything else is a block.
    let first = peek(.operand)
    var isRecord = first.kind == .symbol(.closeBrace)
    if case .word = first.kind { isRecord = true } else if case .string = first.kind { isRecord = true }
    if isRecord, first.kind != .symbol(.closeBrace) {
      advance(.operand)
      isRecord = check(.colon)
    }
    lexer.reset(to: start)
    cached = nil
    guard isRecord else { return .block(try parseBlock()) }
    advance(.operand)
    try enter(open)
    defer { depth -= 1 }
    var entries: [RecordEntry] = []
    skipNewlines()
    while !check(.closeBrace) {
      let keyToken = peek(.operand)
      let key: String
      switch keyToken.kind {
      case .word(let word): key = word
      case .string(let parts) where parts.allSatisfy({ if case .text = $0 { true } else { false } }):
        key = parts.map { if case .text(let text) = $0 { text } else { "" } }.joined()
      case .end:
        _ = try expect(.closeBrace, opener: open)
        key = ""
      default: throw expected("a field name in a record", .operand)
      }
      advance(.operand)
      _ = try expect(.colon)
      skipNewlines()
      entries.append(RecordEntry(key: key, value: try parseListItem()))
      try separatorOrEnd(.closeBrace, opener: open, in: "a record")
    }
    let close = advance(.operator)
    return .record(entries, open.range.to(close.range))
  }

  private mutating func stringExpression(_ parts: [LexedStringPart], range: SourceRange) throws -> Expression {
    if parts.isEmpty { return .literal(.string(""), range) }
    if parts.count == 1, case .text(let text) = parts[0] { return .literal(.string(text), range) }
    var result: [StringPart] = []
    for part in parts {
      switch part {
      case .text(let text): result.append(.text(text))
      case .reference(let inner):
        // `$x.list[0]`: a variable with fields and indexes, read as an expression.
        var nested = Parser(source: lexer.source, range: inner, expressionParameters: expressionParameters)
        nested.depth = depth + 1
        do {
          let reference = try nested.parsePostfix(try nested.parsePrimary())
          if nested.peek(.operator).kind != .end { throw nested.expected("the end of the reference") }
          result.append(.interpolation(reference))
        } catch {
          diagnostics += nested.allDiagnostics
          throw ParseError()
        }
      case .pipeline(let inner):
        var nested = Parser(source: lexer.source, range: inner, expressionParameters: expressionParameters)
        nested.depth = depth + 1
        nested.skipNewlines()
        do {
          let pipeline = try nested.parsePipeline()
          nested.skipNewlines()
          if nested.peek(.operator).kind != .end { throw nested.expected("')' to end the interpolation") }
          result.append(.interpolation(.subpipeline(pipeline, inner)))
        } catch {
          diagnostics += nested.allDiagnostics
          throw ParseError()
        }
      }
    }
    return .interpolated(result, range)
  }
}
