import Foundation

/// Files that are either wholly old or wholly new, never half written: the text goes to a temporary file
/// beside the target and is renamed over it. The one way 2cs replaces a file (sandbox state, history, saved
/// results).
public enum AtomicFile {
  /// Who may read the file.
  public enum Access: Sendable {
    /// The owner only (0600, whatever the umask), for state, history and journals.
    case owner
    /// As the umask allows (0666 less the umask), for files a user exports.
    case shared
  }

  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// What failed inside the replacement (create, write, sync, rename), for logs; users see only the reason.
    public var step: String
    /// The system's reason.
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
  }

  /// Replaces the file at `path` with `bytes`. A durable replacement reaches the disk, and so does its new name,
  /// before this returns.
  public static func write(_ bytes: [UInt8], to path: String, access: Access = .owner, durable: Bool = true)
    throws(Failure)
  {
    try replace(path, access: access, durable: durable) { descriptor, _ in FileIO.writeAll(bytes, to: descriptor) }
  }

  /// Replaces the file at `path` with what `fill` writes to the temporary file, given as an open descriptor and
  /// as a path (which is writable by the owner); `fill` returns nil, or why it failed.
  public static func replace(
    _ path: String, access: Access = .owner, durable: Bool = true, fill: (Int32, String) -> String?
  ) throws(Failure) {
    let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw Failure(path: path, step: "create", reason: FileIO.lastError()) }
    // Owner-only whatever the umask; a shared file keeps what the umask allowed.
    if access == .owner { _ = fchmod(descriptor, 0o600) }
    var problem = fill(descriptor, temporary).map { (step: "write", reason: $0) }
    if problem == nil, durable, fsync(descriptor) != 0 { problem = ("sync", FileIO.lastError()) }
    close(descriptor)
    if problem == nil, rename(temporary, path) != 0 { problem = ("rename", FileIO.lastError()) }
    if let problem {
      unlink(temporary)
      throw Failure(path: path, step: problem.step, reason: problem.reason)
    }
    if durable { syncFolder(of: path) }
  }

  /// Syncs the folder holding `path`, so that a file just made or renamed there keeps its name after a crash.
  public static func syncFolder(of path: String) {
    let folder = (path as NSString).deletingLastPathComponent
    let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }
}

/// Plain file input and output, as the atomic writer and the journal need it.
public enum FileIO {
  /// Opens (creating it if need be) a file of 2cs's own that only its owner may read or write, such as the journal
  /// or a lock file: mode 0600 whatever the umask, and put back to 0600 if it was changed (a restrictive umask
  /// once made it read-only, or a person opened it to others). -1 with `errno` set when it cannot be opened.
  public static func openOwnerOnly(_ path: String, flags: Int32) -> Int32 {
    var descriptor = open(path, flags | O_CREAT | O_CLOEXEC, 0o600)
    if descriptor < 0, errno == EACCES {
      // The first failure is the one to report when the file cannot be made writable.
      let refused = errno
      if chmod(path, 0o600) == 0 { descriptor = open(path, flags | O_CREAT | O_CLOEXEC, 0o600) }
      if descriptor < 0 { errno = refused }
    }
    guard descriptor >= 0 else { return -1 }
    var status = stat()
    if fstat(descriptor, &status) == 0, status.st_mode & 0o777 != 0o600 { _ = fchmod(descriptor, 0o600) }
    return descriptor
  }

  /// Writes every byte, going on after short and interrupted writes; nil, or why it stopped.
  public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
    writeAllReportingCode(bytes, to: descriptor).map { $0 == 0 ? "the disk took no more bytes" : reason(for: $0) }
  }

  /// `writeAll`, with the `errno` it stopped on (0 when the file took no more bytes); nil when all were written.
  public static func writeAllReportingCode(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { buffer -> Int32? in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        if written == 0 { return 0 }
        offset += written
      }
      return nil
    }
  }

  /// The system's text for an `errno` code.
  public static func reason(for code: Int32) -> String { String(cString: strerror(code)) }

  /// The bytes of a file that a script names (`source`, `open`): only a regular file of at most `limit` bytes,
  /// so that `/dev/zero`, a pipe or a huge file cannot keep 2cs reading until memory runs out. Throws why not.
  public static func readRegularFile(_ path: String, limit: Int) throws(ReadFailure) -> [UInt8] {
    try readFile(path, limit: limit, streams: false)
  }

  /// Reads a file, or with `streams` also a pipe or a device (`2cs <(…)`, `/dev/stdin`), up to `limit` bytes.
  public static func readFile(_ path: String, limit: Int, streams: Bool) throws(ReadFailure) -> [UInt8] {
    // Not blocking on open: a pipe with no writer would wait for ever. Reading a stream blocks again (below).
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw ReadFailure(reason: lastError()) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw ReadFailure(reason: lastError()) }
    let kind = status.st_mode & S_IFMT
    if kind == S_IFDIR { throw ReadFailure(reason: "it is a folder") }
    if kind == S_IFREG {
      guard Int(status.st_size) <= limit else {
        throw ReadFailure(reason: "it is larger than \(limit / 1024 / 1024) MiB")
      }
    } else {
      guard streams, kind == S_IFIFO || kind == S_IFCHR || kind == S_IFSOCK else {
        throw ReadFailure(reason: "it is not a regular file")
      }
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    }
    return try readToEnd(descriptor, limit: limit)
  }

  /// Everything on stdin (a script piped or redirected in), at most `limit` bytes. A closed stdin (`<&-`) or a
  /// folder (`< DIR`) is a failure, not an empty script.
  public static func readStandardInput(limit: Int) throws(ReadFailure) -> [UInt8] {
    if StandardStreams.inputClosedAtStart { throw ReadFailure(reason: "it is closed") }
    var status = stat()
    guard fstat(STDIN_FILENO, &status) == 0 else {
      throw ReadFailure(reason: errno == EBADF ? "it is closed" : lastError())
    }
    if status.st_mode & S_IFMT == S_IFDIR { throw ReadFailure(reason: "it is a folder") }
    return try readToEnd(STDIN_FILENO, limit: limit)
  }

  private static func readToEnd(_ descriptor: Int32, limit: Int) throws(ReadFailure) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { throw ReadFailure(reason: lastError()) }
      if count == 0 { return bytes }
      bytes.append(contentsOf: buffer[0..<count])
      // A file that grows while it is read stops at the limit too.
      guard bytes.count <= limit else { throw ReadFailure(reason: "it is larger than \(limit / 1024 / 1024) MiB") }
    }
  }

  /// Why a file could not be read.
  public struct ReadFailure: Error, Sendable {
    public var reason: String
  }

  /// The system's text for the last failed call (`errno`).
  public static func lastError() -> String { String(cString: strerror(errno)) }
}
