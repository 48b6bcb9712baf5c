import Foundation

/// Files that are either wholly old or wholly new, never half written: the text goes to a temporary file
/// beside the target, reaches the disk, and is renamed over the target, whose folder is then synced so the
/// rename survives a crash too. The one way 2cs replaces a file (sandbox state, history, saved results).
public enum AtomicFile {
  /// Who may read the file.
  public enum Access: Sendable {
    /// The owner only (0600), for state, history and journals.
    case owner
    /// As the umask allows (0666 less the umask), for files a user exports.
    case shared

    var mode: mode_t { self == .owner ? 0o600 : 0o666 }
  }

  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// What went wrong, with the system's reason.
    public var detail: String
    public var description: String { "cannot write \(path): \(detail)" }
  }

  /// Replaces the file at `path` with `bytes`.
  public static func write(_ bytes: [UInt8], to path: String, access: Access = .owner) throws(Failure) {
    try replace(path, access: access) { temporary in
      let descriptor = open(temporary, O_WRONLY | O_TRUNC | O_CLOEXEC)
      guard descriptor >= 0 else { return systemError() }
      defer { close(descriptor) }
      return writeAll(bytes, to: descriptor)
    }
  }

  /// Replaces the file at `path` with what `fill` writes to the temporary path it is given (which exists, empty,
  /// with the access asked for); `fill` returns nil, or why it failed.
  public static func replace(_ path: String, access: Access = .owner, fill: (String) -> String?) throws(Failure) {
    let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let created = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, access.mode)
    guard created >= 0 else { throw Failure(path: path, detail: "create \(temporary): \(systemError())") }
    close(created)
    if let problem = fill(temporary) ?? sync(temporary) {
      unlink(temporary)
      throw Failure(path: path, detail: problem)
    }
    guard rename(temporary, path) == 0 else {
      let problem = systemError()
      unlink(temporary)
      throw Failure(path: path, detail: "rename: \(problem)")
    }
    syncFolder(of: path)
  }

  /// Syncs the folder holding `path`, so that a file just made or renamed there keeps its name after a crash.
  public static func syncFolder(of path: String) {
    let folder = (path as NSString).deletingLastPathComponent
    let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }

  /// Writes every byte, going on after short and interrupted writes; nil, or why it stopped.
  public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
    bytes.withUnsafeBytes { buffer -> String? in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return systemError()
        }
        if written == 0 { return "the disk took no more bytes" }
        offset += written
      }
      return nil
    }
  }

  private static func sync(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return systemError() }
    defer { close(descriptor) }
    return fsync(descriptor) == 0 ? nil : "sync: \(systemError())"
  }
}

/// The system's text for the last error.
public func systemError() -> String { String(cString: strerror(errno)) }
