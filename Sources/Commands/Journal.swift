import Foundation
public import NumbersAPI

#if canImport(Glibc)
  import Glibc
#endif

/// `journal.ndjson`: one line per write and its outcome, appended and synced
/// to disk before the command returns. It never holds the API key.
///
/// A write is journaled twice: a `sending` entry before the request leaves,
/// then an outcome entry that names it with `settles: <id of the sending entry>`.
/// A `sending` entry that nothing settles is a write whose outcome was never
/// recorded (the process died mid-write).
public struct Journal: Sendable {
  /// Nil keeps no journal (for tests and embedding).
  public let path: String?

  public init(path: String?) { self.path = path }

  /// `$XDG_STATE_HOME/2cs/journal.ndjson`, falling back to `~/.local/state/2cs/journal.ndjson`.
  public static func defaultPath(environment: [String: String]) -> String {
    stateDirectory(environment: environment) + "/journal.ndjson"
  }

  /// Appends `entry` (a JSON object) as one line with one write, then syncs it.
  /// The entry gets a fresh `id` unless it has one; `settling` names the
  /// `sending` entry it settles (its `JournalEntry.reference`) as `settles`.
  /// Returns the entry's id. A torn last line is ended first, so the new entry
  /// stays whole on a line of its own.
  @discardableResult
  public func append(_ entry: JSONValue, settling sendingReference: String? = nil) throws -> String {
    guard var fields = entry.objectValue else {
      throw JournalError(path: path ?? "journal", detail: "an entry must be a JSON object")
    }
    let id = fields["id"]?.stringValue ?? UUID().uuidString.lowercased()
    fields["id"] = .string(id)
    if let sendingReference { fields["settles"] = .string(sendingReference) }
    guard let path else { return id }
    try Self.appendLine(Array((JSONValue.object(fields).jsonText + "\n").utf8), to: path)
    return id
  }

  /// Every entry and every line that is not one, read in one pass.
  public func read() throws -> JournalContents {
    guard let path, FileManager.default.fileExists(atPath: path) else { return JournalContents(lines: []) }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw JournalError(path: path, detail: "it cannot be read", reading: true)
    }
    return JournalContents(bytes: Array(data))
  }

  /// What to say on start when writes were left unfinished, or nil when there are none.
  public func unfinishedWritesNotice() -> String? {
    let unsettled: [JournalEntry]
    do {
      unsettled = try read().unsettled
    } catch {
      return "journal: \(error)"
    }
    guard !unsettled.isEmpty else { return nil }
    let shown = unsettled.prefix(3).map(\.summary)
    let more = unsettled.count > shown.count ? "; and \(unsettled.count - shown.count) more" : ""
    let count = unsettled.count == 1 ? "1 write was" : "\(unsettled.count) writes were"
    return "journal: \(count) left unfinished (\(shown.joined(separator: "; "))\(more)): "
      + "run `journal check` to settle \(unsettled.count == 1 ? "it" : "them")"
  }

  private static func appendLine(_ line: [UInt8], to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw JournalError(path: path, detail: "its folder \(folder) cannot be made")
    }
    let isNew = !FileManager.default.fileExists(atPath: path)
    let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw JournalError(path: path, detail: lastErrorText()) }
    defer { close(descriptor) }
    // Another 2cs may be appending too: look at the end and write as one step.
    _ = flock(descriptor, LOCK_EX)
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw JournalError(path: path, detail: lastErrorText()) }
    let sizeBefore = status.st_size
    var bytes = line
    if sizeBefore > 0 {
      var last: UInt8 = 0
      if pread(descriptor, &last, 1, sizeBefore - 1) == 1, last != UInt8(ascii: "\n") {
        bytes.insert(UInt8(ascii: "\n"), at: 0)
      }
    }
    if let failure = writeAll(bytes, to: descriptor) {
      // Take a partial line back off, so the journal stays as it was.
      _ = ftruncate(descriptor, sizeBefore)
      throw JournalError(path: path, detail: failure)
    }
    guard fsync(descriptor) == 0 else { throw JournalError(path: path, detail: lastErrorText()) }
    if isNew {
      // The new file's name must reach the disk too.
      let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      if folderDescriptor >= 0 {
        _ = fsync(folderDescriptor)
        close(folderDescriptor)
      }
    }
  }

  /// Writes every byte, going on after short writes; the reason it stopped, or nil.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
    bytes.withUnsafeBytes { buffer -> String? in
      var offset = 0
      while offset < buffer.count {
        let written = write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return lastErrorText()
        }
        if written == 0 { return "the disk took no more bytes" }
        offset += written
      }
      return nil
    }
  }
}

/// One entry of the journal, with the line it is on.
public struct JournalEntry: Sendable, Equatable {
  public var line: Int
  public var fields: JSONObject

  public var id: String? { fields["id"]?.stringValue }
  public var outcome: String? { fields["outcome"]?.stringValue }
  /// The reference of the `sending` entry this entry settles.
  public var settles: String? { fields["settles"]?.stringValue }
  /// What a settling entry puts in `settles`: the id, or the line for entries written before ids.
  public var reference: String { id ?? "line:\(line)" }

  /// `purchase of +12135550123 at 2025-01-01T10:00:00Z`.
  public var summary: String {
    let command =
      fields["command"]?.stringValue
      ?? [fields["method"]?.stringValue, fields["path"]?.stringValue].compactMap { $0 }.joined(separator: " ")
    var what = ""
    if let number = fields["body"]?["number"]?.stringValue {
      what = " of \(number)"
    } else if let group = fields["body"]?["group_id"]?.stringValue {
      what = " from group \(group)"
    } else if fields["method"]?.stringValue == "DELETE", let path = fields["path"]?.stringValue,
      let last = path.split(separator: "/").last
    {
      what = " of \(last)"
    }
    let time = fields["time"]?.stringValue.map { " at \($0)" } ?? ""
    return command + what + time
  }
}

/// A line that is not a whole entry: the end of a write cut short (a full
/// disk, a killed process). It stays in the file as it is.
public struct TornJournalLine: Sendable, Equatable {
  public var line: Int
  /// The torn part's length.
  public var byteCount: Int
  /// Whether a whole entry followed it on the same line (journals written
  /// before torn lines were ended glued the next entry to them).
  public var wholeEntryFollowed: Bool

  public init(line: Int, byteCount: Int, wholeEntryFollowed: Bool) {
    self.line = line
    self.byteCount = byteCount
    self.wholeEntryFollowed = wholeEntryFollowed
  }
}

/// The journal as read: its entries, its torn lines, and which writes were never settled.
public struct JournalContents: Sendable {
  public private(set) var entries: [JournalEntry] = []
  public private(set) var tornLines: [TornJournalLine] = []
  /// `sending` entries that no later entry settles, oldest first.
  public private(set) var unsettled: [JournalEntry] = []
  /// For each settled `sending` entry's reference, the index in `entries` of the latest entry settling it.
  private var settlingEntry: [String: Int] = [:]

  /// The latest entry that settles `sending`, if any.
  public func settlement(of sending: JournalEntry) -> JournalEntry? {
    settlingEntry[sending.reference].map { entries[$0] }
  }

  /// One warning per torn line, as `PATH:LINE: …`.
  public func warnings(path: String) -> [String] {
    tornLines.map { torn in
      let followed = torn.wholeEntryFollowed ? ", followed by a whole entry on the same line" : ""
      return "\(path):\(torn.line): a torn entry (\(torn.byteCount) bytes)\(followed), kept as is"
    }
  }

  init(bytes: [UInt8]) {
    var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
    var start = bytes.startIndex
    var number = 1
    while start < bytes.endIndex {
      let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
      lines.append((number, bytes[start..<end]))
      start = end + 1
      number += 1
    }
    self.init(lines: lines)
  }

  init(lines: [(number: Int, bytes: ArraySlice<UInt8>)]) {
    for (number, bytes) in lines where bytes.contains(where: { !Self.isSpace($0) }) {
      if let fields = try? JSONValue(parsing: Array(bytes)).objectValue {
        entries.append(JournalEntry(line: number, fields: fields))
      } else if let (tornLength, fields) = Self.wholeEntryAtTheEnd(of: bytes) {
        tornLines.append(TornJournalLine(line: number, byteCount: tornLength, wholeEntryFollowed: true))
        entries.append(JournalEntry(line: number, fields: fields))
      } else {
        tornLines.append(TornJournalLine(line: number, byteCount: bytes.count, wholeEntryFollowed: false))
      }
    }
    settle()
  }

  /// Pairs outcomes with the `sending` entries they settle, in one pass: by
  /// `settles`, or, for entries written without it, the latest unsettled
  /// `sending` entry of the same time, method and path.
  private mutating func settle() {
    var sendingByRequest: [String: [Int]] = [:]
    var settled = Set<String>()
    for (index, entry) in entries.enumerated() {
      if entry.outcome == "sending" {
        sendingByRequest[Self.requestKey(entry), default: []].append(index)
        continue
      }
      if let reference = entry.settles {
        settled.insert(reference)
        settlingEntry[reference] = index
        continue
      }
      let key = Self.requestKey(entry)
      while let candidate = sendingByRequest[key]?.popLast() {
        let reference = entries[candidate].reference
        if settled.contains(reference) { continue }
        settled.insert(reference)
        settlingEntry[reference] = index
        break
      }
    }
    unsettled = entries.filter { $0.outcome == "sending" && !settled.contains($0.reference) }
  }

  private static func requestKey(_ entry: JournalEntry) -> String {
    ["time", "method", "path"].map { entry.fields[$0]?.stringValue ?? "" }.joined(separator: "\u{0}")
  }

  /// A whole entry that starts after a torn one on the same line, with the torn part's length.
  private static func wholeEntryAtTheEnd(of line: ArraySlice<UInt8>) -> (Int, JSONObject)? {
    var start = line.index(after: line.startIndex)
    while let brace = line[start...].firstIndex(of: UInt8(ascii: "{")) {
      let opensAnEntry = line.index(after: brace) < line.endIndex && line[brace + 1] == UInt8(ascii: "\"")
      if opensAnEntry, let fields = try? JSONValue(parsing: Array(line[brace...])).objectValue {
        return (brace - line.startIndex, fields)
      }
      start = brace + 1
    }
    return nil
  }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
  }
}

struct JournalError: Error, CustomStringConvertible {
  var path: String
  var detail: String
  var reading = false
  var description: String { "cannot \(reading ? "read" : "write") the journal \(path): \(detail)" }
}

private func lastErrorText() -> String { String(cString: strerror(errno)) }

/// `$XDG_STATE_HOME/2cs`, or `~/.local/state/2cs`.
public func stateDirectory(environment: [String: String]) -> String {
  if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/2cs" }
  return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/2cs"
}
