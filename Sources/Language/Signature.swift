/// Everything the language knows about a command, declared once beside its
/// code: the argument binder, `help`, completion and `2cs check` read only this.
public struct Signature: Sendable {
  public enum Category: String, Sendable, CaseIterable {
    case api = "API"
    case data = "data"
    case output = "output and files"
    case session = "session"
    case user = "defined in this session"
  }

  public var name: String
  public var category: Category
  public var summary: String
  public var parameters: [Parameter]
  public var flags: [CommandFlag]
  /// What it accepts piped in, as help shows it.
  public var input: String
  /// The kinds of value it takes piped in; anything else is refused before it runs (and by `2cs check`).
  public var accepts: ValueKinds
  /// What it returns, as help shows it.
  public var output: String
  /// The shape of what it returns, for `2cs check` and completion.
  public var resultShape: ResultShape
  /// Further notes for `help NAME`.
  public var details: String?
  public var examples: [Example]
  /// The step of the purchase flow an API command belongs to.
  public var flowStep: FlowStep?
  /// The HTTP requests an API command sends, in order; `help NAME` and `explain` show them.
  public var apiCalls: [APICall]
  /// Which of `apiCalls` a call sends and with what, as far as that is known before it runs: `explain` shows it.
  public var requests: RequestPlanner

  public init(
    name: String, category: Category, summary: String, parameters: [Parameter] = [], flags: [CommandFlag] = [],
    input: String = "nothing", accepts: ValueKinds = .anything, output: String, resultShape: ResultShape = .unknown,
    details: String? = nil, examples: [Example] = [], flowStep: FlowStep? = nil, apiCalls: [APICall] = [],
    requests: RequestPlanner = .standard
  ) {
    self.name = name
    self.category = category
    self.summary = summary
    self.parameters = parameters
    self.flags = flags
    self.input = input
    self.accepts = accepts
    self.output = output
    self.resultShape = resultShape
    self.details = details
    self.examples = examples
    self.flowStep = flowStep
    self.apiCalls = apiCalls
    self.requests = requests
  }

  /// `groups [country] [region_id=] ...`
  public var usage: String {
    var words = [name]
    for parameter in parameters {
      let shown: String
      if parameter.positional {
        shown = parameter.variadic ? "<\(parameter.name)>..." : "<\(parameter.name)>"
      } else {
        shown = "\(parameter.name)=<\(parameter.kind.noun)>"
      }
      words.append(parameter.required ? shown : "[\(shown)]")
    }
    words += flags.map { "[--\($0.name)]" }
    return words.joined(separator: " ")
  }

  /// The parameter called `name`, by its own name or an alias.
  public func parameter(named name: String) -> Parameter? {
    parameters.first { $0.name == name || $0.aliases.contains(name) }
  }

  public var positionalParameters: [Parameter] { parameters.filter(\.positional) }
}

/// The steps of the 2Chat purchase flow, in the order a purchase takes them.
public enum FlowStep: String, Sendable, CaseIterable {
  /// Where the number is: regions and cities.
  case location
  /// Which kind of number, and the groups (catalogs) that offer it.
  case search
  /// The documents a country asks for before a number can be used.
  case requirements
  /// The numbers of a group that can be chosen.
  case browse
  /// Holding a number for a while, free, before buying it.
  case reserve
  /// Buying: it spends money.
  case purchase
  /// The numbers owned, releasing them, and the account.
  case manage
}

/// An HTTP request an API command sends. Each one costs one API credit.
public struct APICall: Sendable, Equatable {
  public var method: String
  /// The path, with `{uuid}` for an id it carries.
  public var path: String
  /// When it is sent, if not every time: "for a random number, where the group allows choosing".
  public var when: String?
  /// Whether it spends money.
  public var spendsMoney: Bool
  /// The names of the parameters it can carry, in order: in the query, the path (`uuid`) or, for a POST, the body.
  public var parameters: [String]

  public init(
    method: String, path: String, when: String? = nil, spendsMoney: Bool = false, parameters: [String] = []
  ) {
    self.method = method
    self.path = path
    self.when = when
    self.spendsMoney = spendsMoney
    self.parameters = parameters
  }

  /// `GET /open/numbers/groups`
  public var request: String { method + " " + path }
}

public struct Parameter: Sendable {
  public enum Kind: Sendable, Equatable {
    case any
    case string
    case number
    /// A whole number.
    case integer
    /// One of a fixed set of words.
    case choice([String])
    /// A `{ ... }` block.
    case block
    /// The rest of the stage, read as an expression and evaluated per row (`where`).
    case expression
    /// A dotted field path such as `price.monthly_price`.
    case fieldPath
    /// A file path.
    case path

    /// Whether the parameter takes text, so a number written for it is taken as the text it was written as.
    var takesText: Bool {
      switch self {
      case .string, .fieldPath, .path, .choice: true
      default: false
      }
    }

    var noun: String {
      switch self {
      case .any: "value"
      case .string: "text"
      case .number: "number"
      case .integer: "whole number"
      case .choice(let words): words.joined(separator: "|")
      case .block: "block"
      case .expression: "expression"
      case .fieldPath: "field"
      case .path: "path"
      }
    }
  }

  public var name: String
  public var aliases: [String]
  public var kind: Kind
  /// Whether it may be given without its name, in order.
  public var positional: Bool
  public var required: Bool
  /// Takes every remaining positional argument, as a list.
  public var variadic: Bool
  public var summary: String
  /// Values tab completion offers after `name=`.
  public var suggestions: [String]

  public init(
    _ name: String, _ kind: Kind, aliases: [String] = [], positional: Bool = false, required: Bool = false,
    variadic: Bool = false, summary: String, suggestions: [String] = []
  ) {
    self.name = name
    self.kind = kind
    self.aliases = aliases
    self.positional = positional
    self.required = required
    self.variadic = variadic
    self.summary = summary
    if case .choice(let words) = kind, suggestions.isEmpty {
      self.suggestions = words
    } else {
      self.suggestions = suggestions
    }
  }
}

public struct CommandFlag: Sendable {
  public var name: String
  public var summary: String

  public init(_ name: String, summary: String) {
    self.name = name
    self.summary = summary
  }
}

/// A runnable example: tests run every one against the sandbox.
public struct Example: Sendable {
  public var source: String
  public var summary: String
  /// The value the example gives, written as 2cs source, when it is always the same.
  public var result: String?

  public init(_ source: String, _ summary: String, result: String? = nil) {
    self.source = source
    self.summary = summary
    self.result = result
  }
}

/// A command: its signature and what it does.
public struct Command: Sendable {
  public let signature: Signature
  public let run: @Sendable (Invocation) async throws -> Value
  /// For a command that takes or makes items one at a time (see `ValueStream`): run instead of `run`, with
  /// `Invocation.stream` set when a stream is piped in. A command without it gets a stream collected into a list.
  public let runStreaming: (@Sendable (Invocation) async throws -> Piped)?

  public init(_ signature: Signature, run: @escaping @Sendable (Invocation) async throws -> Value) {
    self.signature = signature
    self.run = run
    runStreaming = nil
  }

  /// A command that streams. Its `run`, for a caller that needs a value, collects what it makes.
  public init(streaming signature: Signature, _ streaming: @escaping @Sendable (Invocation) async throws -> Piped) {
    self.signature = signature
    runStreaming = streaming
    run = { call in
      try await streaming(call).collected(at: .none) { problem in
        CommandError(problem.message, help: problem.help, id: problem.id)
      }
    }
  }

  public var name: String { signature.name }
}
