import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the built `2cs` on a pseudo-terminal, as a person at a terminal would:
/// its own session, the terminal as its controlling tty (so Ctrl-C is SIGINT),
/// keystrokes in, screen text out.
final class PseudoTerminal {
  private let master: Int32
  /// Kept open so the terminal is never hung up while output is unread.
  private let slave: Int32
  private(set) var pid: pid_t = 0
  /// Everything the program wrote, escape sequences and carriage returns removed.
  private(set) var screen = ""
  /// Everything the program wrote, as it wrote it (escape sequences included).
  private(set) var raw = ""
  private var consumed: String.Index

  /// - Parameters:
  ///   - program: what to run, the built `2cs` unless given (`/bin/bash` for tests of job control and pipes).
  ///   - directory: the working folder, the test's own unless given.
  init(
    arguments: [String], environment: [String: String], columns: Int = 120, rows: Int = 40,
    program: String? = nil, directory: String? = nil
  ) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw TestFailure("openpty failed") }
    self.master = master
    self.slave = slave
    consumed = screen.startIndex
    let terminalPath = String(cString: ttyname(slave))

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    // Test threads block SIGINT; the child must not inherit that.
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    // glibc's POSIX_SPAWN_SETSID (0x80) is behind a feature macro Swift does not see.
    let startNewSession: Int32 = 0x80
    posix_spawnattr_setflags(
      &attributes, Int16(startNewSession | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addclose(&actions, master)
    posix_spawn_file_actions_addclose(&actions, slave)

    // The shell, leader of a new session, opens the terminal by name: it becomes the controlling tty.
    let script = "cd \"${TWOCS_DIRECTORY:-.}\" && exec \"$0\" \"$@\" <\"$TWOCS_TTY\" >\"$TWOCS_TTY\" 2>&1"
    let argv = ["/bin/sh", "-c", script, try program ?? builtBinary()] + arguments
    var variables = environment
    variables["TWOCS_TTY"] = terminalPath
    variables["TWOCS_DIRECTORY"] = directory
    let envp = variables.map { "\($0.key)=\($0.value)" }
    var cArguments = argv.map { strdup($0) } + [nil]
    var cEnvironment = envp.map { strdup($0) } + [nil]
    defer {
      for pointer in cArguments { free(pointer) }
      for pointer in cEnvironment { free(pointer) }
    }
    let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &cArguments, &cEnvironment)
    guard status == 0 else { throw TestFailure("posix_spawn failed: \(status)") }
  }

  deinit {
    if pid > 0 {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
    close(master)
    close(slave)
  }

  /// Resizes the window, as a person dragging its corner does: the program gets SIGWINCH.
  func resize(columns: Int, rows: Int = 40) {
    var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)
  }

  func send(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }

  /// Reads what is available within `milliseconds`.
  private func pump(milliseconds: Int32) {
    var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, milliseconds) > 0 else { return }
    var buffer = [UInt8](repeating: 0, count: 65536)
    let count = read(master, &buffer, buffer.count)
    guard count > 0 else { return }
    let text = String(decoding: buffer[0..<count], as: UTF8.self)
    raw += text
    screen += text.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
      .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\u{1}", with: "")
      .replacingOccurrences(of: "\u{7}", with: "")
  }

  /// Waits until `text` appears in what was written since the last match; false on time-out.
  @discardableResult
  func waitFor(_ text: String, seconds: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if let found = screen.range(of: text, range: consumed..<screen.endIndex) {
        consumed = found.upperBound
        return true
      }
      pump(milliseconds: 50)
    }
    return false
  }

  /// Waits until `condition` holds for everything written so far; false on time-out.
  @discardableResult
  func waitUntil(seconds: Double = 10, _ condition: (String) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition(screen) { return true }
      pump(milliseconds: 50)
    }
    return condition(screen)
  }

  /// Waits for a prompt. Keys may follow at once, as a fast typist's do: 2cs sets the terminal's
  /// mode before it draws the prompt, and a test that needed a pause here would hide a lost key.
  @discardableResult
  func waitForPrompt(_ prompt: String, seconds: Double = 10) -> Bool {
    waitFor(prompt, seconds: seconds)
  }

  /// The exit status, once the program has ended; nil if it is still running after `seconds`.
  func exitStatus(seconds: Double = 5) -> Int32? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      pump(milliseconds: 20)
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        pid = 0
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -(status & 0x7F)
      }
    }
    return nil
  }

  /// What was written since the last match, for failure messages.
  var recent: String { String(screen[consumed...].suffix(600)) }

  /// Everything written so far.
  var output: String { screen }
}
