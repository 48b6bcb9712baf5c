import NumbersContract

/// One HTTP exchange as `--trace` shows it: an equivalent `curl` command with
/// the key shown as `***`, then the status (or failure) and the time taken.
public struct TraceRecord: Sendable {
  public enum Outcome: Sendable {
    case answered(Int)
    case failed(TransportFailure)
  }

  public var curlCommand: String
  public var outcome: Outcome
  public var duration: Duration

  init(request: APIRequest, transport: any Transport, outcome: Outcome, started: ContinuousClock.Instant) {
    self.curlCommand = Self.curl(for: request, baseURL: transport.displayBaseURL)
    self.outcome = outcome
    self.duration = started.duration(to: .now)
  }

  public var line: String {
    let milliseconds = Int(duration / .milliseconds(1))
    switch outcome {
    case .answered(let status): return "\(curlCommand)  # \(status) in \(milliseconds) ms"
    case .failed(let failure): return "\(curlCommand)  # failed after \(milliseconds) ms: \(failure)"
    }
  }

  static func curl(for request: APIRequest, baseURL: String) -> String {
    var words = ["curl", "-sS"]
    if request.head.method != .get { words += ["-X", request.head.method.rawValue] }
    words.append(shellQuoted(baseURL + (request.head.path ?? "/")))
    for field in request.head.headerFields where field.name.canonicalName != "accept" {
      let value = field.name.rawName.lowercased() == Authentication.headerName.lowercased() ? "***" : field.value
      words += ["-H", shellQuoted("\(field.name.rawName): \(value)")]
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
