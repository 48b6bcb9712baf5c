import Foundation
public import NumbersAPI

#if canImport(Glibc)
  import Glibc
#endif

/// `journal.ndjson`: one line per write and its outcome, appended and synced
/// to disk before the command returns. It never holds the API key.
public struct Journal: Sendable {
  /// Nil keeps no journal (for tests and embedding).
  public let path: String?

  public init(path: String?) { self.path = path }

  /// `$XDG_STATE_HOME/2cs/journal.ndjson`, falling back to `~/.local/state/2cs/journal.ndjson`.
  public static func defaultPath(environment: [String: String]) -> String {
    stateDirectory(environment: environment) + "/journal.ndjson"
  }

  public func append(_ entry: JSONValue) throws {
    guard let path else { return }
    let folder = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw JournalError(path: path, detail: "its folder \(folder) cannot be made")
    }
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw JournalError(path: path, detail: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    let line = Array((entry.jsonText + "\n").utf8)
    let written = line.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress, buffer.count) }
    guard written == line.count, fsync(descriptor) == 0 else {
      throw JournalError(path: path, detail: String(cString: strerror(errno)))
    }
  }

  /// Every entry, oldest first; lines that do not parse are skipped.
  public func entries() throws -> [JSONValue] {
    guard let path, FileManager.default.fileExists(atPath: path) else { return [] }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw JournalError(path: path, detail: "cannot be read")
    }
    return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONValue(parsing: Array($0)) }
  }
}

struct JournalError: Error, CustomStringConvertible {
  var path: String
  var detail: String
  var description: String { "cannot write the journal \(path): \(detail)" }
}

/// `$XDG_STATE_HOME/2cs`, or `~/.local/state/2cs`.
public func stateDirectory(environment: [String: String]) -> String {
  if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/2cs" }
  return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/2cs"
}
