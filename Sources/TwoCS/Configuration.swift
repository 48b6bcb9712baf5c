import Foundation

/// `$XDG_CONFIG_HOME/2cs/config.toml` (default `~/.config/2cs/config.toml`):
/// `api_key = "..."` and `base_url = "..."`, as `key = "value"` lines.
struct ConfigurationFile {
  var apiKey: String?
  var baseURL: String?

  static func path(environment: [String: String]) -> String {
    if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/2cs/config.toml" }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/2cs/config.toml"
  }

  /// The settings of the file, or an empty configuration when there is none.
  static func load(environment: [String: String]) throws -> ConfigurationFile {
    let file = path(environment: environment)
    guard let data = FileManager.default.contents(atPath: file) else { return ConfigurationFile() }
    if let attributes = try? FileManager.default.attributesOfItem(atPath: file),
      let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
    {
      writeError("2cs: warning: \(file) holds the API key but others can read it; run: chmod 600 \(file)")
    }
    var configuration = ConfigurationFile()
    for (index, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, parts[1].count >= 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else {
        throw ConfigurationError(message: "\(file):\(index + 1): expected key = \"value\"")
      }
      let value = String(parts[1].dropFirst().dropLast())
      switch parts[0] {
      case "api_key": configuration.apiKey = value
      case "base_url": configuration.baseURL = value
      default:
        throw ConfigurationError(
          message: "\(file):\(index + 1): unknown setting '\(parts[0])'; known: api_key, base_url")
      }
    }
    return configuration
  }
}

struct ConfigurationError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
