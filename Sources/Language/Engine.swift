import Foundation

/// The language, ready to embed: give it commands, run source text, read and
/// set variables. A host program (2cs itself) attaches its own state as `host`.
///
/// `@unchecked Sendable`: an engine runs one program at a time; its state is
/// touched only by the task running it.
public final class Engine: @unchecked Sendable {
  public enum Outcome: Sendable {
    /// The program ran; the value of its last statement.
    case finished(Value)
    /// Syntax or binding errors; nothing ran.
    case invalid([Diagnostic], SourceFile)
    case failed(RuntimeError)
    /// `exit N` was called.
    case exited(Int32)
  }

  /// A parsed program with every diagnostic of the parser and the checker.
  public struct Parsed: Sendable {
    public var source: SourceFile
    public var statements: [Statement]
    public var diagnostics: [Diagnostic]
    /// More input (a closing bracket, a stage after `|`) would complete it.
    public var incomplete: Bool
  }

  private(set) var registry: [String: Command] = [:]
  var userCommands: [String: UserCommand] = [:]
  /// How many calls are running inside each other: `def` commands, blocks and `source`d files alike. One limit,
  /// `Interpreter.maximumCallDepth`, applies to all of them, so no recursion runs the machine out of memory.
  var callDepth = 0
  /// At most this many errors of one program are reported.
  static let maximumDiagnostics = 50
  let globals = Scope(parent: nil)
  private var patterns: [String: CompiledPattern] = [:]
  private static let patternsKept = 256

  /// What commands reach through `Invocation.host`.
  public var host: (any Sendable)?
  /// Where `print` writes.
  public var output: @Sendable (String) -> Void = { Swift.print($0) }
  /// Shows a top-level statement's non-null value.
  public var display: @Sendable (Value) async -> Void = { Swift.print($0) }
  /// What `$env` reads.
  public var environment: [String: String] = [:]
  /// Where relative file paths of `open`, `save` and `source` start; nil is the process's current folder.
  public var workingDirectory: String?

  public init(commands: [Command] = [], host: (any Sendable)? = nil) {
    self.host = host
    // Every program may read its arguments; a host that has some sets them.
    globals.bind("args", .list([]))
    for command in commands { add(command) }
  }

  /// Adds a command, replacing one of the same name.
  public func add(_ command: Command) { registry[command.name] = command }

  /// Built-in and user-defined command names, sorted.
  public var commandNames: [String] { (Array(registry.keys) + Array(userCommands.keys)).sorted() }

  public func signature(of name: String) -> Signature? {
    registry[name]?.signature ?? userCommands[name]?.signature
  }

  public var signatures: [Signature] { commandNames.compactMap(signature(of:)) }

  // MARK: Variables

  public subscript(variable name: String) -> Value? {
    get { globals.lookup(name) }
    set {
      if let newValue { globals.bind(name, newValue) } else { globals.remove(name) }
    }
  }

  /// Global variables by name.
  public var variables: [String: Value] { globals.localVariables }

  var environmentRecord: Record {
    Record(environment.keys.sorted().map { Record.Field(key: $0, value: .string(environment[$0] ?? "")) })
  }

  // MARK: Running

  /// - Parameter moreCodeMayFollow: whether code run later may bind variables this text reads inside a `def` or a
  ///   block (true for the REPL's lines), so that reading one that nothing binds yet is not an error.
  public func parse(_ text: String, name: String, moreCodeMayFollow: Bool = false) -> Parsed {
    parse(text, name: name, in: globals, moreCodeMayFollow: moreCodeMayFollow)
  }

  /// Parses and checks a program that will run in `scope`, whose variables it may read.
  func parse(_ text: String, name: String, in scope: Scope, moreCodeMayFollow: Bool) -> Parsed {
    let source = SourceFile(name: name, text: text)
    let (statements, syntax, incomplete) = Parser.parse(source) { [registry] command in
      guard let signature = registry[command]?.signature else { return [] }
      return Set(signature.parameters.filter { $0.kind == .expression }.map(\.name))
    }
    // The statements that parsed are checked too, so one run reports every error.
    var checker = Checker(engine: self, source: source, known: scope, moreCodeMayFollow: moreCodeMayFollow)
    checker.check(statements)
    var diagnostics = (syntax + checker.diagnostics).sorted { $0.range.start < $1.range.start }
    if diagnostics.count > Self.maximumDiagnostics {
      // As compilers do: a program this broken needs its first errors mended, not ten thousand more.
      let more = diagnostics.count - Self.maximumDiagnostics
      diagnostics = Array(diagnostics.prefix(Self.maximumDiagnostics))
      diagnostics.append(Diagnostics.tooManyErrors(more, at: diagnostics[diagnostics.count - 1].range))
    }
    return Parsed(source: source, statements: statements, diagnostics: diagnostics, incomplete: incomplete)
  }

  /// What a program would do, without running it: for each command, the step of the flow, the requests it would
  /// send with their parameters, what they cost and what it returns; then the totals. Nothing is sent.
  public func explanation(of parsed: Parsed) -> String {
    var explainer = Explainer(engine: self, source: parsed.source, known: globals)
    return explainer.explanation(of: parsed.statements)
  }

  /// Every diagnostic of a program, without running it.
  public func check(_ text: String, name: String) -> [Diagnostic] { parse(text, name: name).diagnostics }

  /// Parses, checks, and (if there are no errors) runs a program at the top level.
  /// With `display` false, top-level values are not shown.
  public func run(_ text: String, name: String, display: Bool = true) async -> Outcome {
    let parsed = parse(text, name: name)
    return await run(parsed, display: display)
  }

  public func run(_ parsed: Parsed, display: Bool = true) async -> Outcome {
    guard parsed.diagnostics.isEmpty else { return .invalid(parsed.diagnostics, parsed.source) }
    let interpreter = Interpreter(engine: self, source: parsed.source)
    do {
      return .finished(try await interpreter.execute(parsed.statements, in: globals, topLevel: display))
    } catch let error as RuntimeError {
      return .failed(error)
    } catch let exit as ExitRequest {
      return .exited(exit.status)
    } catch {
      // break, continue and return outside loops and defs are refused by the parser; anything else is a bug.
      return .failed(RuntimeError(Diagnostics.internalError("\(error)", at: .none), in: parsed.source))
    }
  }

  /// Runs another file's text in `scope`, as `source` does; its definitions and variables stay.
  func runNested(_ text: String, name: String, scope: Scope) async throws -> Value {
    guard callDepth < Interpreter.maximumCallDepth else {
      throw Diagnostics.sourcedTooDeep(name, limit: Interpreter.maximumCallDepth)
    }
    callDepth += 1
    defer { callDepth -= 1 }
    // The script that sources the file may bind what its definitions read after it returns.
    let parsed = parse(text, name: name, in: scope, moreCodeMayFollow: true)
    guard parsed.diagnostics.isEmpty else {
      throw Diagnostics.sourcedFileInvalid(
        name, rendered: parsed.diagnostics.map { $0.rendered(in: parsed.source) }.joined())
    }
    return try await Interpreter(engine: self, source: parsed.source).execute(parsed.statements, in: scope)
  }

  func define(_ command: UserCommand, at range: SourceRange, source: SourceFile) throws {
    guard registry[command.definition.name] == nil else {
      throw RuntimeError(Diagnostics.redefinedBuiltin(command.definition.name, at: range), in: source)
    }
    userCommands[command.definition.name] = command
  }

  func regex(_ pattern: String, at range: SourceRange, source: SourceFile) throws -> CompiledPattern {
    if let compiled = patterns[pattern] { return compiled }
    do {
      let compiled = CompiledPattern(expression: try NSRegularExpression(pattern: pattern))
      // A loop that makes a new pattern each time must not keep them all.
      if patterns.count >= Self.patternsKept { patterns.removeAll(keepingCapacity: true) }
      patterns[pattern] = compiled
      return compiled
    } catch {
      throw RuntimeError(Diagnostics.invalidPattern(pattern, at: range), in: source)
    }
  }
}
