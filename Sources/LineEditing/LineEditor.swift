import CLibedit
import Foundation
public import Language
import SystemSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Line editing on a terminal with libedit: emacs keys, a prompt that may be
/// coloured, persistent history, and tab completion from a pure function.
///
/// `@unchecked Sendable`: one task uses it at a time, the REPL's loop or a
/// command asking a question while that loop waits for it.
public final class LineEditor: @unchecked Sendable {
  public enum Input: Equatable {
    case line(String)
    /// Ctrl-C at the prompt.
    case interrupted
    /// Ctrl-D on an empty line.
    case endOfInput
  }

  private var editLine: OpaquePointer?
  private var history: OpaquePointer?
  private var promptText: UnsafeMutablePointer<CChar>?
  private let complete: (String, Int) -> Completion
  private let historyPath: String
  /// `TWOCS_HISTORY_SIZE=0`: no history file is read or written.
  private let keepsHistoryFile: Bool
  private let historyLimit: Int
  /// How long a save waits for another session's lock: 2 s, and no more once a wait has failed, until a save
  /// succeeds again (a session stopped while it holds the lock must not stall every line).
  private var historyLockPatience: TimeInterval = 2
  /// Statements of this session not yet in the file: each save adds them to what the file holds then.
  private var unsavedStatements: [String] = []
  /// Whether saving the history has failed once already: the user is told once, not after every line.
  private var historySaveFailed = false
  private let secrets: [String]
  /// Whether the editor draws on stderr (stdout is not the terminal).
  private let drawsOnStandardError: Bool

  /// - Parameters:
  ///   - historyPath: the history file, loaded now and saved after each line.
  ///   - historyLimit: the most lines kept; 0 (or less) keeps no history file.
  ///   - secrets: text that keeps a line out of the history (the API key); `--api-key` always does.
  ///   - complete: candidates for a line and a cursor (UTF-8 offset).
  ///   - drawsOnStandardError: draw the prompt and the line on stderr, when stdout is not the terminal.
  public init(
    program: String, historyPath: String, historyLimit: Int, secrets: [String], drawsOnStandardError: Bool = false,
    complete: @escaping (String, Int) -> Completion
  ) {
    self.historyPath = historyPath
    self.drawsOnStandardError = drawsOnStandardError
    keepsHistoryFile = historyLimit > 0
    self.historyLimit = max(1, historyLimit)
    self.secrets = secrets.filter { !$0.isEmpty } + ["--api-key"]
    self.complete = complete
    Self.useUTF8Locale()
    editLine = tcs_el_init(program, drawsOnStandardError ? 1 : 0)
    history = history_init()
    guard let editLine, let history else { return }
    tcs_history_set_size(history, Int32(clamping: max(1, historyLimit)))
    tcs_history_set_unique(history, 1)
    if keepsHistoryFile { tcs_history_load(history, historyPath) }
    tcs_el_set_history(editLine, history)
    tcs_el_set_editor(editLine, "emacs")
    // No libedit signal handlers: they would touch the editor from whatever thread takes the signal. The
    // handlers 2cs installs (installInterruptHandler) only write to pipes the line reader watches.
    tcs_el_set_signal(editLine, 0)
    tcs_el_read_interruptibly(editLine)
    tcs_install_terminal_event_handlers()
    tcs_remember_cooked_mode()
    tcs_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
    tcs_el_set_prompt(editLine) { editLine in
      guard let editor = LineEditor.editor(of: editLine) else { return nil }
      return editor.promptText
    }
    tcs_el_add_function(editLine, "tcs-complete", "complete the word under the cursor") { editLine, _ in
      guard let editLine, let editor = LineEditor.editor(of: editLine) else { return UInt8(CC_ERROR) }
      return editor.completeLine(editLine)
    }
    tcs_el_bind(editLine, "^I", "tcs-complete")
    bindTerminalKeys(editLine)
    // The terminal marks pasted text (not on `TERM=dumb`), which goes into the line as it is.
    tcs_el_bind_bracketed_paste(editLine)
    if ProcessInfo.processInfo.environment["TERM"].map({ $0 != "dumb" }) ?? false {
      tcs_escape_output().pointee = terminalDescriptor
    }
    // The user's own bindings (`~/.editrc`, or `$EDITRC`) come last, so they win.
    el_source(editLine, nil)
  }

  /// The sequences common terminals send for keys libedit's emacs map leaves out: Home and End as xterm, PuTTY,
  /// tmux and screen send them, Delete, word moves with Ctrl, Alt or Meta and an arrow, Shift-arrows, Ctrl- or
  /// Alt-Delete (a word). PgUp, PgDn, Insert and modified Up and Down do nothing, rather than typing the tail of
  /// their sequence (`~`) into the line; the line reader drops other keys it has no use for (see shim.h).
  private func bindTerminalKeys(_ editLine: OpaquePointer) {
    let bindings: [(function: String, keys: [String])] = [
      ("ed-move-to-beg", ["\\e[1~", "\\e[7~", "\\e[H", "\\eOH"] + Self.modified("H", by: 2...16)),
      ("ed-move-to-end", ["\\e[4~", "\\e[8~", "\\e[F", "\\eOF"] + Self.modified("F", by: 2...16)),
      ("ed-delete-next-char", ["\\e[3~"]),
      ("ed-prev-word", ["\\e[5D", "\\e\\e[D", "\\eOd"] + Self.modified("D", by: 3...16)),
      ("em-next-word", ["\\e[5C", "\\e\\e[C", "\\eOc"] + Self.modified("C", by: 3...16)),
      ("ed-prev-char", Self.modified("D", by: 2...2)),
      ("ed-next-char", Self.modified("C", by: 2...2)),
      ("em-delete-next-word", ["\\e[3;3~", "\\e[3;5~"]),
      ("ed-delete-next-char", (2...16).filter { ![3, 5].contains($0) }.map { "\\e[3;\($0)~" }),
      (
        "tcs-ignore",
        ["\\e[5~", "\\e[6~", "\\e[2~", "\\e[201~"] + Self.modified("A", by: 2...16) + Self.modified("B", by: 2...16)
      ),
    ]
    tcs_el_add_function(editLine, "tcs-ignore", "a key that does nothing here") { _, _ in UInt8(CC_NORM) }
    for (function, keys) in bindings {
      for key in keys { tcs_el_bind(editLine, key, function) }
    }
  }

  /// xterm's sequences for a key pressed with modifiers (2 Shift, 3 Alt, 5 Ctrl, …): `\e[1;5C` is Ctrl-Right.
  private static func modified(_ key: Character, by modifiers: ClosedRange<Int>) -> [String] {
    modifiers.map { "\\e[1;\($0)\(key)" }
  }

  deinit {
    if let editLine { el_end(editLine) }
    if let history { history_end(history) }
    free(promptText)
  }

  private var terminalDescriptor: Int32 { drawsOnStandardError ? STDERR_FILENO : STDOUT_FILENO }

  private static func editor(of editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let data = tcs_el_get_client_data(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
  }

  /// libedit drops bytes that are not ASCII in the C locale: make sure the character set is UTF-8.
  private static func useUTF8Locale() {
    setlocale(LC_ALL, "")
    let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
    if codeset.uppercased() != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
  }

  /// Installs the SIGINT handler that makes Ctrl-C interrupt reading or a running command. Ctrl-\ (SIGQUIT)
  /// does the same, rather than end 2cs with a crash report. SIGHUP and SIGTERM cancel likewise and then end 2cs
  /// (`endingSignal`); Ctrl-Z, `fg` and resizes are handled for the line reader.
  public static func installInterruptHandler() { tcs_install_interrupt_handler() }

  /// SIGHUP or SIGTERM, once one came (0 before): the session ends as at Ctrl-D, its state saved.
  public static var endingSignal: Int32 { Int32(tcs_ending_signal().pointee) }

  /// Whether Ctrl-C was pressed since the last call.
  public static func takeInterrupt() -> Bool { tcs_take_interrupt() != 0 }

  /// Reads one line. `prompt` may hold escape sequences wrapped in `\u{1}`; `suggestion` is put in the line
  /// first, ready to edit or to run.
  public func read(prompt: String, suggestion: String = "") -> Input {
    guard let editLine else { return .endOfInput }
    free(promptText)
    promptText = strdup(prompt)
    var count: Int32 = 0
    tcs_begin_reading()
    // el_gets draws the prompt before it sets the terminal's mode: keys typed as the prompt shows
    // would meet the terminal's own line editing (a Ctrl-D there is lost). Set the mode first.
    tcs_el_prepare_terminal(editLine, 1)
    // A Ctrl-C pressed before this prompt was drawn is spent (it cancelled a command); any later one
    // ends this read, even if it lands while the prompt is drawn.
    _ = tcs_drain_interrupts()
    _ = Self.takeInterrupt()
    // A resize or a `fg` while a command ran: learn the width now; the prompt is drawn anyway.
    tcs_handle_terminal_events(editLine, 0)
    tcs_set_bracketed_paste(1)
    // Typed into the line as keys, so it must hold no control character (a TAB would complete).
    let typed = suggestion.unicodeScalars.filter { $0.properties.generalCategory != .control }
    if !typed.isEmpty { el_push(editLine, String(String.UnicodeScalarView(typed))) }
    let read = el_gets(editLine, &count)
    tcs_set_bracketed_paste(0)
    let interrupted = tcs_drain_interrupts() != 0
    tcs_end_reading()
    guard let text = read else {
      if Self.endingSignal != 0 { return .endOfInput }
      // Whatever libedit made of it (the Ctrl-R search ends as at end of input), Ctrl-C ends only this line.
      if interrupted {
        el_reset(editLine)
        tcs_forget_read_ahead()
        _ = Self.takeInterrupt()
        return .interrupted
      }
      return .endOfInput
    }
    var line = String(cString: text)
    if line.hasSuffix("\n") { line.removeLast() }
    return .line(line)
  }

  /// Asks a y/N question: true for y or yes, false for anything else or Ctrl-D, nil for Ctrl-C.
  public func confirm(_ question: String) -> Bool? {
    switch read(prompt: question + " [y/N] ") {
    case .line(let answer): ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    case .interrupted: nil
    case .endOfInput: false
    }
  }

  /// Adds a statement to the history and saves the file, unless it holds a secret.
  public func remember(_ statement: String) {
    guard let history, !statement.allSatisfy(\.isWhitespace) else { return }
    guard !secrets.contains(where: { statement.contains($0) }) else { return }
    tcs_history_enter(history, statement)
    unsavedStatements.append(statement)
    saveHistory()
  }

  /// Adds this session's new statements to the history file, after what other sessions wrote there since
  /// (as bash's `histappend` does), so two REPLs open at once keep both's lines. The file is replaced atomically
  /// (temporary file, then rename), mode 0600, in a folder made 0700, under a lock held only while it is saved.
  public func saveHistory() {
    guard keepsHistoryFile, !unsavedStatements.isEmpty else { return }
    let folder = (historyPath as NSString).deletingLastPathComponent
    do {
      try Folders.create(folder)
      try withHistoryLock {
        guard let merged = history_init() else { return }
        defer { history_end(merged) }
        tcs_history_set_size(merged, Int32(clamping: historyLimit))
        tcs_history_set_unique(merged, 1)
        // A file libedit cannot read (not its format) is not replaced by this session's lines alone.
        if tcs_history_load(merged, historyPath) < 0 && access(historyPath, F_OK) == 0 {
          throw HistoryFailure(reason: "\(historyPath) is not a history file 2cs can read; it is left as it is")
        }
        for statement in unsavedStatements { tcs_history_enter(merged, statement) }
        // Saved after every statement: whole or not at all, but not synced each time.
        try AtomicFile.replace(historyPath, durable: false) { _, temporary in
          tcs_history_save(merged, temporary) >= 0 ? nil : "libedit could not save the history"
        }
      }
      unsavedStatements.removeAll()
    } catch {
      guard !historySaveFailed else { return }
      historySaveFailed = true
      StandardStreams.writeError(
        "2cs: warning: the history file is not saved: \(error). This session's lines stay in memory (Up recalls "
          + "them) and are saved with the next line that can be; TWOCS_HISTORY_SIZE=0 turns the file off.\n")
    }
  }

  /// Runs `body` holding the history's lock file (`history.lock` beside it). Another session holds it only while
  /// it saves: after 2 s of waiting, this save fails (and the lines stay for the next one).
  private func withHistoryLock(_ body: () throws -> Void) throws {
    let lockPath = historyPath + ".lock"
    let descriptor = FileIO.openOwnerOnly(lockPath, flags: O_RDWR)
    let reason = FileIO.lastError()
    guard descriptor >= 0 else { throw HistoryFailure(reason: "cannot open \(lockPath): \(reason)") }
    defer { close(descriptor) }
    let deadline = Date().addingTimeInterval(historyLockPatience)
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
        historyLockPatience = 0
        throw HistoryFailure(reason: "\(lockPath) stays locked by another session")
      }
      usleep(10_000)
    }
    historyLockPatience = 2
    defer { flock(descriptor, LOCK_UN) }
    try body()
  }

  private struct HistoryFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
  }

  // MARK: Completion

  private func completeLine(_ editLine: OpaquePointer) -> UInt8 {
    guard let info = el_line(editLine)?.pointee, let buffer = info.buffer else { return UInt8(CC_ERROR) }
    let length = info.lastchar - buffer
    let cursor = info.cursor - buffer
    let line = String(
      decoding: UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length),
      as: UTF8.self)
    let completion = complete(line, cursor)
    let typedBytes = Array(line.utf8)[min(completion.start, cursor)..<cursor]
    let typed = String(decoding: typedBytes, as: UTF8.self)
    guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
    if completion.candidates.count == 1, let only = completion.candidates.first {
      let ending = only.hasSuffix("=") || only.hasSuffix("/") || only.hasSuffix(".") ? "" : " "
      replaceTyped(typed, with: only + ending, in: editLine)
      return UInt8(CC_REFRESH)
    }
    // What all candidates share replaces the word (`my` becomes `"my folder/` when the path needs quotes).
    let common = completion.commonPrefix
    if common.count > typed.count || !common.hasPrefix(typed) && !common.isEmpty {
      replaceTyped(typed, with: common, in: editLine)
    }
    // Past 100 candidates, ask first, as bash does.
    if completion.candidates.count > Self.candidatesShownWithoutAsking {
      writeToTerminal("\nDisplay all \(completion.candidates.count) possibilities? (y or n) ")
      var answer: wchar_t = 0
      let read = el_wgetc(editLine, &answer)
      writeToTerminal("\n")
      // An arrow or a paste is no answer; a paste then goes into the line as text, never run as keys.
      if answer == 0x1B { tcs_settle_escape_sequence() }
      guard read == 1, answer == wchar_t(UInt8(ascii: "y")) || answer == wchar_t(UInt8(ascii: "Y")) else {
        return UInt8(CC_REDISPLAY)
      }
      writeToTerminal(Self.columns(completion.candidates, width: Terminal.columns(of: terminalDescriptor)) + "\n")
      return UInt8(CC_REDISPLAY)
    }
    writeToTerminal("\n" + Self.columns(completion.candidates, width: Terminal.columns(of: terminalDescriptor)) + "\n")
    return UInt8(CC_REDISPLAY)
  }

  /// More candidates than this are listed only when the user says so.
  static let candidatesShownWithoutAsking = 100

  /// Puts `text` in place of `typed`, the word before the cursor (unchanged when `text` only extends it).
  private func replaceTyped(_ typed: String, with text: String, in editLine: OpaquePointer) {
    if text.hasPrefix(typed) {
      let rest = String(text.dropFirst(typed.count))
      if !rest.isEmpty { el_insertstr(editLine, rest) }
      return
    }
    el_deletestr(editLine, Int32(typed.unicodeScalars.count))
    el_insertstr(editLine, text)
  }

  /// Text for the person at the terminal, where the editor draws.
  private func writeToTerminal(_ text: String) {
    if drawsOnStandardError { StandardStreams.writeError(text) } else { StandardStreams.writeOutput(text) }
  }

  /// Candidates laid out in columns that fit the terminal.
  static func columns(_ items: [String], width: Int?) -> String {
    let width = width ?? 80
    // By display cells: a CJK name or an emoji takes two, and no name is cut.
    let cell = (items.map(\.displayWidth).max() ?? 0) + 2
    let perRow = max(1, width / cell)
    var lines: [String] = []
    for start in stride(from: 0, to: items.count, by: perRow) {
      let row = items[start..<min(items.count, start + perRow)]
      lines.append(row.map { $0 + String(repeating: " ", count: max(0, cell - $0.displayWidth)) }.joined())
    }
    return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
  }
}
