import Foundation

/// The one place 2cs writes to standard output and standard error. A write that fails (a full disk, a closed
/// descriptor, a reader that went away) never traps, as Foundation's `FileHandle.write` does: the first failure
/// of standard output is kept for the program to end on (`outputFailure`), and later output is dropped. A
/// failure of standard error is ignored: there is nowhere left to tell of it.
public enum StandardStreams {
  /// Why standard output could not be written.
  public struct Failure: Sendable, Equatable {
    /// The reader went away (`EPIPE`): `2cs ... | head -1` is normal use, ended quietly.
    public var readerGone: Bool
    /// The system's reason.
    public var reason: String

    /// The one line to print on standard error; nil for a reader that went away.
    public var message: String? { readerGone ? nil : "2cs: cannot write to standard output: \(reason)" }

    /// The exit status: as if SIGPIPE had ended 2cs (128 + 13) for a reader that went away, else 1.
    public var exitStatus: Int32 { readerGone ? 141 : 1 }
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var firstOutputFailure: Failure?
  /// Standard output was closed when 2cs started (`2cs ... >&-`): the first write fails as the closed one would.
  nonisolated(unsafe) private static var outputClosedAtStart = false
  nonisolated(unsafe) private static var closedInputAtStart = false

  /// Whether standard input was closed when 2cs started (`2cs <&-`): there is no script to read.
  public static var inputClosedAtStart: Bool { lock.withLock { closedInputAtStart } }

  /// Puts /dev/null on standard input, output and error where they were closed when 2cs started, so that no
  /// file 2cs opens (the sandbox's state, the journal) takes their number and receives its output. Output
  /// written to a closed standard output still fails, as it would have.
  public static func fillClosedDescriptors() {
    for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO]
    where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
      // open takes the lowest free number: this one.
      let opened = open("/dev/null", O_RDWR)
      if opened >= 0, opened != descriptor { close(opened) }
      if descriptor == STDOUT_FILENO {
        lock.withLock { outputClosedAtStart = true }
      }
      if descriptor == STDIN_FILENO {
        lock.withLock { closedInputAtStart = true }
      }
    }
  }

  /// The first failure of standard output, or nil while every write has gone through.
  public static var outputFailure: Failure? {
    lock.lock()
    defer { lock.unlock() }
    return firstOutputFailure
  }

  /// Writes text to standard output; after a failure, drops it.
  public static func writeOutput(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    guard firstOutputFailure == nil else { return }
    if outputClosedAtStart {
      firstOutputFailure = Failure(readerGone: false, reason: FileIO.reason(for: EBADF))
      return
    }
    if let code = FileIO.writeAllReportingCode(Array(text.utf8), to: STDOUT_FILENO) {
      firstOutputFailure = Failure(
        readerGone: code == EPIPE, reason: code == 0 ? "it took no more bytes" : FileIO.reason(for: code))
    }
  }

  /// Writes text to standard error, ignoring a failure.
  public static func writeError(_ text: String) {
    _ = FileIO.writeAll(Array(text.utf8), to: STDERR_FILENO)
  }

  /// Makes a write to a pipe whose reader is gone fail with `EPIPE` rather than end the process with SIGPIPE,
  /// so 2cs can end as it chooses (its state saved) rather than wherever the signal caught it.
  public static func reportClosedPipesAsErrors() {
    signal(SIGPIPE, SIG_IGN)
  }
}
