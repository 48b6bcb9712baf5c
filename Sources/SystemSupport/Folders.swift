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
  public static func create(_ folder: String) throws(FolderFailure) {
    var path = folder.hasPrefix("/") ? "" : "."
    for part in folder.split(separator: "/") {
      path += "/" + part
      if mkdir(path, 0o700) != 0 && errno != EEXIST { throw FolderFailure(path: path, reason: FileIO.lastError()) }
    }
    var status = stat()
    guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
      throw FolderFailure(path: folder, reason: "a file that is not a folder is there")
    }
  }

  /// Why a folder could not be made.
  public struct FolderFailure: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot create the folder \(path): \(reason)" }
  }

  private static func base(_ variable: String, else fallback: String, _ environment: [String: String]) -> String {
    if let folder = environment[variable], folder.hasPrefix("/") { return folder }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/" + fallback
  }
}
