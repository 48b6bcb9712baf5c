import Foundation
import SystemSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Keeps `SandboxState` in a JSON file that survives `kill -9` at any moment:
/// each change is written to a temporary file, synced, and renamed over the
/// old one. Several processes may share the file: changes happen under an
/// exclusive `flock`, after re-reading what another process wrote.
final class StateStore {
  let path: String?
  private var lockDescriptor: Int32 = -1
  private var lastSeen: FileIdentity?

  private struct FileIdentity: Equatable {
    var inode: UInt64
    var modified: timespec
    var size: Int64

    static func == (lhs: FileIdentity, rhs: FileIdentity) -> Bool {
      lhs.inode == rhs.inode && lhs.size == rhs.size && lhs.modified.tv_sec == rhs.modified.tv_sec
        && lhs.modified.tv_nsec == rhs.modified.tv_nsec
    }
  }

  /// - Parameter path: the state file; nil keeps state in memory only.
  init(path: String?) throws(SandboxError) {
    self.path = path
    guard let path else { return }
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      do {
        try Folders.create(directory)
      } catch {
        throw .unwritableState(path: path, detail: error.localizedDescription)
      }
    }
    lockDescriptor = FileIO.openOwnerOnly(path + ".lock", flags: O_RDWR)
    guard lockDescriptor >= 0 else {
      throw .unwritableState(path: path + ".lock", detail: FileIO.lastError())
    }
  }

  deinit {
    if lockDescriptor >= 0 { close(lockDescriptor) }
  }

  /// The stored state, or nil when there is none yet.
  func load() throws(SandboxError) -> SandboxState? {
    guard let path else { return nil }
    guard let identity = Self.identity(of: path) else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .unreadableState(path: path, detail: "the file cannot be opened")
    }
    do {
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      let state = try decoder.decode(SandboxState.self, from: data)
      lastSeen = identity
      return state
    } catch {
      throw .unreadableState(path: path, detail: "it is not a 2cs sandbox state file")
    }
  }

  /// The stored state if another process changed the file since this one last read or wrote it.
  func reloadIfChanged() throws(SandboxError) -> SandboxState? {
    guard let path, let identity = Self.identity(of: path), identity != lastSeen else { return nil }
    return try load()
  }

  /// Takes the exclusive lock that orders changes between processes; pair with `unlock()`.
  func lock() {
    guard lockDescriptor >= 0 else { return }
    while flock(lockDescriptor, LOCK_EX) != 0 && errno == EINTR {}
  }

  func unlock() {
    guard lockDescriptor >= 0 else { return }
    flock(lockDescriptor, LOCK_UN)
  }

  func save(_ state: SandboxState) throws(SandboxError) {
    guard let path else { return }
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data: Data
    do {
      data = try encoder.encode(state)
    } catch {
      throw .unwritableState(path: path, detail: "\(error)")
    }
    do {
      try AtomicFile.write(Array(data), to: path)
    } catch {
      throw .unwritableState(path: path, detail: "\(error.step): \(error.reason)")
    }
    lastSeen = Self.identity(of: path)
  }

  /// Removes the state file, so the next start begins afresh.
  func remove() throws(SandboxError) {
    guard let path else { return }
    lock()
    defer { unlock() }
    if unlink(path) != 0 && errno != ENOENT {
      throw .unwritableState(path: path, detail: String(cString: strerror(errno)))
    }
    lastSeen = nil
  }

  private static func identity(of path: String) -> FileIdentity? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileIdentity(inode: UInt64(info.st_ino), modified: info.st_mtim, size: Int64(info.st_size))
  }

}
