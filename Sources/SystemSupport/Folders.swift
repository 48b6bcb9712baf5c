import Foundation

/// Where 2cs keeps its files, after the XDG base directory conventions: a variable that holds an absolute path
/// wins, else the conventional folder under the home folder.
public enum Folders {
  /// `$XDG_STATE_HOME/2cs`, or `~/.local/state/2cs`: the journal, the history, the sandbox's state.
  public static func state(environment: [String: String]) -> String {
    base("XDG_STATE_HOME", else: ".local/state", environment) + "/2cs"
  }

  /// `$XDG_CONFIG_HOME/2cs`, or `~/.config/2cs`: the configuration file.
  public static func configuration(environment: [String: String]) -> String {
    base("XDG_CONFIG_HOME", else: ".config", environment) + "/2cs"
  }

  /// Makes `folder` and any folder above it that is missing, the new ones readable by the owner only (0700).
  public static func create(_ folder: String) throws {
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }

  private static func base(_ variable: String, else fallback: String, _ environment: [String: String]) -> String {
    if let folder = environment[variable], folder.hasPrefix("/") { return folder }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/" + fallback
  }
}
