/// An error a command raises. The interpreter adds where in the source it happened.
public struct CommandError: Error, Sendable {
  public var message: String
  public var help: String?
  /// The HTTP status, for API errors.
  public var status: Int?
  /// `METHOD /path`, for API errors.
  public var endpoint: String?
  /// The parameter the error is about, so the caret can point at it.
  public var parameter: String?
  /// More facts a `catch` block can read from the error value (`$err.outcome`, say).
  public var details: Record
  /// The catalogue's id when the language raised it for a command (see `Diagnostics`); nil for a command's own
  /// error, which is reported as `command-failed`.
  public var id: String?

  public init(
    _ message: String, help: String? = nil, status: Int? = nil, endpoint: String? = nil, parameter: String? = nil,
    details: Record = [:], id: String? = nil
  ) {
    self.message = message
    self.help = help
    self.status = status
    self.endpoint = endpoint
    self.parameter = parameter
    self.details = details
    self.id = id
  }
}

/// An error while a program runs, with its place in the source.
public struct RuntimeError: Error, Sendable {
  /// The stable name of the kind of problem, from the catalogue (`Diagnostics`).
  public var id: String
  public var message: String
  public var help: String?
  public var status: Int?
  public var endpoint: String?
  public var range: SourceRange
  public var source: SourceFile
  public var details: Record = [:]

  /// The message with, for API errors, the endpoint and status before it.
  public var fullMessage: String {
    guard let endpoint else { return message }
    return "\(endpoint): " + (status.map { "HTTP \($0): " } ?? "") + message
  }

  public var diagnostic: Diagnostic {
    Diagnostic(id: id, message: fullMessage, range: range, help: help)
  }

  public var rendered: String { diagnostic.rendered(in: source) }

  var value: ErrorValue {
    let (line, column) = source.location(of: range.start)
    return ErrorValue(
      message: message, status: status, endpoint: endpoint, file: source.name, line: line, column: column,
      details: details)
  }
}

/// `exit [code]`: ends the program with a status.
public struct ExitRequest: Error, Sendable {
  public var status: Int32

  public init(status: Int32) { self.status = status }
}

extension RuntimeError {
  /// A diagnostic found while running, such as an argument of the wrong type.
  init(_ diagnostic: Diagnostic, in source: SourceFile) {
    self.init(
      id: diagnostic.id, message: diagnostic.message, help: diagnostic.help, range: diagnostic.range, source: source)
  }

  /// A command's error, at the argument it is about (or the call).
  init(_ error: CommandError, at range: SourceRange, in source: SourceFile) {
    let diagnostic = Diagnostics.commandFailed(error, at: range)
    self.init(
      id: diagnostic.id, message: diagnostic.message, help: diagnostic.help, status: error.status,
      endpoint: error.endpoint, range: range, source: source, details: error.details)
  }
}
