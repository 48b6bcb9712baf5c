import Foundation
import SystemSupport
import TOMLKit

/// `$XDG_CONFIG_HOME/2cs/config.toml` (default `~/.config/2cs/config.toml`), read as TOML:
///
///     api_key_command = "pass show 2chat/api-key"   # or api_key = "…"
///     base_url = "https://api.p.2chat.io"
///
///     [profile.local]                               # chosen with --profile local
///     api_key = "k"
///     base_url = "http://127.0.0.1:8080"
struct ConfigurationFile {
  /// The settings of one table: the top level, or one `[profile.NAME]`.
  struct Settings {
    var apiKey: String?
    /// A shell command whose output is the key, such as a password manager's.
    var apiKeyCommand: String?
    var baseURL: String?
    /// Where they were read, for messages: `FILE` or `FILE [profile.NAME]`.
    var origin: String
  }

  /// The settings a table may hold.
  enum Key: String, CaseIterable {
    case apiKey = "api_key"
    case apiKeyCommand = "api_key_command"
    case baseURL = "base_url"
  }

  static var knownKeys: [String] { Key.allCases.map(\.rawValue) }

  let path: String
  let topLevel: Settings
  let profiles: [String: Settings]
  /// Whether someone other than the owner may change the file, and so the command it runs.
  let othersCanWrite: Bool

  static func path(environment: [String: String]) -> String {
    Folders.configuration(environment: environment) + "/config.toml"
  }

  /// The file's settings, or nil when there is no file.
  static func load(environment: [String: String]) throws(ConfigurationError) -> ConfigurationFile? {
    let file = path(environment: environment)
    guard let data = FileManager.default.contents(atPath: file) else { return nil }
    var permissions = 0
    if let attributes = try? FileManager.default.attributesOfItem(atPath: file),
      let mode = attributes[.posixPermissions] as? Int
    {
      permissions = mode
      if mode & 0o077 != 0 {
        writeError("2cs: warning: \(file) may hold the API key but others can read it; run: chmod 600 \(file)")
      }
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw ConfigurationError("\(file): not UTF-8 text")
    }
    let document: TOMLTable
    do {
      document = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      let position = error.source.begin
      throw ConfigurationError("\(file):\(position.line):\(position.column): \(error.description)")
    } catch {
      throw ConfigurationError("\(file): \(error)")
    }
    var profiles: [String: Settings] = [:]
    var topLevel = Settings(origin: file)
    for (key, value) in document {
      if key == "profile" {
        guard let table = value.table else {
          throw ConfigurationError("\(file): 'profile' must hold tables such as [profile.work]")
        }
        for (name, profileValue) in table {
          let origin = "\(file) [profile.\(name)]"
          guard let profileTable = profileValue.table else {
            throw ConfigurationError(
              "\(origin): a profile is a table of settings: \(knownKeys.joined(separator: ", "))")
          }
          var settings = Settings(origin: origin)
          for (settingKey, settingValue) in profileTable {
            try settings.set(settingKey, to: settingValue)
          }
          profiles[name] = settings
        }
      } else {
        try topLevel.set(key, to: value)
      }
    }
    return ConfigurationFile(
      path: file, topLevel: topLevel, profiles: profiles, othersCanWrite: permissions & 0o022 != 0)
  }

  /// The top-level settings, or with a profile name that profile's alone (nothing of the top level is mixed in).
  func settings(profile: String?) throws(ConfigurationError) -> Settings {
    guard let profile else { return topLevel }
    guard let settings = profiles[profile] else {
      let known = profiles.keys.sorted()
      throw ConfigurationError(
        "no profile '\(profile)' in \(path); "
          + (known.isEmpty
            ? "it has none (add a [profile.\(profile)] table)" : "known: " + known.joined(separator: ", ")))
    }
    return settings
  }
}

extension ConfigurationFile.Settings {
  fileprivate mutating func set(_ key: String, to value: any TOMLValueConvertible) throws(ConfigurationError) {
    guard let setting = ConfigurationFile.Key(rawValue: key) else {
      let known = ConfigurationFile.knownKeys.joined(separator: ", ")
      let hint = origin.hasSuffix("]") ? "" : ", and [profile.NAME] tables"
      throw ConfigurationError("\(origin): unknown setting '\(key)'; known: \(known)\(hint)")
    }
    guard let text = value.string else {
      throw ConfigurationError("\(origin): \(key) must be a string, in quotes")
    }
    switch setting {
    case .apiKey: apiKey = text
    case .apiKeyCommand: apiKeyCommand = text
    case .baseURL: baseURL = text
    }
    if apiKey != nil && apiKeyCommand != nil {
      throw ConfigurationError("\(origin): give api_key or api_key_command, not both")
    }
  }
}

struct ConfigurationError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }

  init(_ message: String) { self.message = message }
}
