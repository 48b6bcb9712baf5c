public import NumbersContract

/// One HTTP exchange as `--trace` shows it: an equivalent `curl` command with
/// the key shown as `***`, then the status (or failure) and the time taken.
public struct TraceRecord: Sendable {
  public enum Outcome: Sendable {
    case answered(Int)
    case failed(TransportFailure)
  }

  public var curlCommand: String
  /// The same request as a curl command to run against the live API, the key read from `$TWOCHAT_API_KEY`
  /// (what `2cs tour` shows: the sandbox's own address is no place curl can reach).
  public var liveCurlCommand: String
  /// Which call of the API it was.
  public var route: Endpoint.Route
  public var outcome: Outcome
  public var duration: Duration

  init(
    request: APIRequest, route: Endpoint.Route, transport: any Transport, outcome: Outcome,
    started: ContinuousClock.Instant
  ) {
    self.curlCommand = Self.curl(for: request, baseURL: transport.displayBaseURL)
    self.liveCurlCommand = Self.curl(for: request, baseURL: LiveAPI.baseURL, keyFromEnvironment: true)
    self.route = route
    self.outcome = outcome
    self.duration = started.duration(to: .now)
  }

  /// Whether the server answered with a 2xx status.
  public var succeeded: Bool {
    if case .answered(let status) = outcome { (200..<300).contains(status) } else { false }
  }

  public var line: String { line(curlCommand) }

  /// `liveCurlCommand`, then the status (or failure) and the time taken.
  public var liveLine: String { line(liveCurlCommand) }

  private func line(_ command: String) -> String {
    let milliseconds = Int(duration / .milliseconds(1))
    switch outcome {
    case .answered(let status): return "\(command)  # \(status) in \(milliseconds) ms"
    case .failed(let failure): return "\(command)  # failed after \(milliseconds) ms: \(failure)"
    }
  }

  /// The key is never shown: `***` stands for it, or `$TWOCHAT_API_KEY` for the shell to put in.
  static func curl(for request: APIRequest, baseURL: String, keyFromEnvironment: Bool = false) -> String {
    var words = ["curl", "-sS"]
    if request.head.method != .get { words += ["-X", request.head.method.rawValue] }
    words.append(shellQuoted(baseURL + (request.head.path ?? "/")))
    for field in request.head.headerFields where field.name.canonicalName != "accept" {
      guard field.name.rawName.lowercased() == Authentication.headerName.lowercased() else {
        words += ["-H", shellQuoted("\(field.name.rawName): \(field.value)")]
        continue
      }
      words += [
        "-H",
        keyFromEnvironment
          ? "\"\(field.name.rawName): $TWOCHAT_API_KEY\"" : shellQuoted("\(field.name.rawName): ***"),
      ]
    }
    if !request.body.isEmpty {
      words += ["--data", shellQuoted(String(decoding: request.body, as: UTF8.self))]
    }
    return words.joined(separator: " ")
  }

  static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingAll("'", with: "'\\''") + "'"
  }
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var output = ""
    for character in self {
      if character == target { output += replacement } else { output.append(character) }
    }
    return output
  }
}
