import Foundation
import NumbersAPI
public import NumbersContract
import SystemSupport

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
    Folders.state(environment: environment) + "/journal.ndjson"
  }

  /// Appends `entry` (a JSON object) as one line with one write, then syncs it.
  /// The entry gets a fresh `id` (replacing any it had, as when a `sending`
  /// entry's fields are reused); `settling` names the `sending` entry it
  /// settles (its `JournalEntry.reference`, which is the id `append` returned
  /// for it) as `settles`. Returns the new entry's id. A torn last line is
  /// ended first, so the new entry stays whole on a line of its own.
  @discardableResult
  public func append(_ entry: JSONValue, settling sendingReference: String? = nil) throws -> String {
    guard var fields = entry.objectValue else {
      throw JournalError(path: path ?? "journal", detail: "an entry must be a JSON object")
    }
    let id = UUID().uuidString.lowercased()
    fields["id"] = .string(id)
    if let sendingReference { fields["settles"] = .string(sendingReference) }
    guard let path else { return id }
    try Self.appendLine(Array((JSONValue.object(fields).jsonText + "\n").utf8), to: path)
    return id
  }

  /// Every entry and every line that is not one, read in one pass.
  public func read() throws -> JournalContents {
    guard let path, FileManager.default.fileExists(atPath: path) else { return JournalContents(bytes: []) }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw JournalError(path: path, detail: "it cannot be read", reading: true)
    }
    return JournalContents(bytes: Array(data))
  }

  /// What to say on start when writes were left unfinished, or nil when there are none.
  public func unfinishedWritesNotice() -> String? {
    guard let path, FileManager.default.fileExists(atPath: path) else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else {
      return "journal: \(JournalError(path: path, detail: "it cannot be read", reading: true))"
    }
    let unsettled = JournalLines.unsettled(in: Array(data))
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
      try Folders.create(folder)
    } catch {
      throw JournalError(path: path, detail: "its folder \(folder) cannot be made")
    }
    let isNew = !FileManager.default.fileExists(atPath: path)
    let descriptor = FileIO.openOwnerOnly(path, flags: O_RDWR | O_APPEND)
    guard descriptor >= 0 else { throw JournalError(path: path, detail: FileIO.lastError()) }
    defer { close(descriptor) }
    // Another 2cs may be appending too: look at the end and write as one step.
    _ = flock(descriptor, LOCK_EX)
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw JournalError(path: path, detail: FileIO.lastError()) }
    let sizeBefore = status.st_size
    var bytes = line
    if sizeBefore > 0 {
      var last: UInt8 = 0
      if pread(descriptor, &last, 1, sizeBefore - 1) == 1, last != UInt8(ascii: "\n") {
        bytes.insert(UInt8(ascii: "\n"), at: 0)
      }
    }
    if let failure = FileIO.writeAll(bytes, to: descriptor) ?? (fsync(descriptor) == 0 ? nil : FileIO.lastError()) {
      // Take back what may have been written, so the journal does not claim an entry it could not keep.
      _ = ftruncate(descriptor, sizeBefore)
      throw JournalError(path: path, detail: failure)
    }
    // The new file's name must reach the disk too.
    if isNew { AtomicFile.syncFolder(of: path) }
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
    let command = fields["command"]?.stringValue
    let request = [fields["method"]?.stringValue, fields["path"]?.stringValue].compactMap { $0 }
    var text = command ?? (request.isEmpty ? "a write" : request.joined(separator: " "))
    if let number = fields["body"]?[PurchaseBodyField.number]?.stringValue {
      text += " of \(number)"
    } else if let group = fields["body"]?[PurchaseBodyField.groupID]?.stringValue {
      text += " from group \(group)"
    } else if command != nil, fields["method"]?.stringValue == "DELETE",
      let uuid = fields["path"]?.stringValue?.split(separator: "/").last
    {
      text += " of \(uuid)"
    }
    if let time = fields["time"]?.stringValue { text += " at \(time)" }
    return text
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
  private var settlements = Settlements([])

  /// The latest entry that settles `sending`, if any.
  public func settlement(of sending: JournalEntry) -> JournalEntry? {
    settlements.settlingIndex[sending.reference].map { entries[$0] }
  }

  /// One warning per torn line, as `PATH:LINE: …`.
  public func warnings(path: String) -> [String] {
    tornLines.map { torn in
      let followed = torn.wholeEntryFollowed ? ", followed by a whole entry on the same line" : ""
      return "\(path):\(torn.line): a torn entry (\(torn.byteCount) bytes)\(followed), kept as is"
    }
  }

  init(bytes: [UInt8]) {
    for (number, range) in JournalLines.ranges(in: bytes) {
      let (entry, torn) = JournalLines.parse(bytes[range], number: number)
      if let torn { tornLines.append(torn) }
      if let entry { entries.append(entry) }
    }
    settlements = Settlements(entries.map { EntryKeys($0) })
    unsettled = settlements.unsettled.map { entries[$0] }
  }
}

/// The top-level fields that pair an outcome with its `sending` entry.
struct EntryKeys {
  var line: Int
  var outcome: String?
  var id: String?
  var settles: String?
  var time: String?
  var method: String?
  var path: String?

  init(line: Int) { self.line = line }

  init(_ entry: JournalEntry) {
    line = entry.line
    outcome = entry.outcome
    id = entry.id
    settles = entry.settles
    time = entry.fields["time"]?.stringValue
    method = entry.fields["method"]?.stringValue
    path = entry.fields["path"]?.stringValue
  }

  var reference: String { id ?? "line:\(line)" }
  /// Pairs entries written without `settles`.
  var requestKey: RequestKey { RequestKey(time: time, method: method, path: path) }

  struct RequestKey: Hashable {
    var time, method, path: String?
  }

  /// Sets a field by its index in `outcome, id, settles, time, method, path`.
  mutating func set(_ index: Int, _ value: String) {
    switch index {
    case 0: outcome = value
    case 1: id = value
    case 2: settles = value
    case 3: time = value
    case 4: method = value
    default: path = value
    }
  }
}

/// Which `sending` entries are settled and by which entry, found in one pass:
/// an outcome settles the entry its `settles` names or, for journals written
/// before entries had ids, the latest unsettled `sending` entry of the same
/// time, method and path. An entry with an id and no `settles` (a dry run)
/// settles nothing.
struct Settlements: Sendable {
  /// For each settled `sending` entry's reference, the index of the latest entry settling it.
  private(set) var settlingIndex: [String: Int] = [:]
  /// Indices of the `sending` entries nothing settles, in order.
  private(set) var unsettled: [Int] = []

  init(_ keys: [EntryKeys]) {
    var sendingByRequest: [EntryKeys.RequestKey: [Int]] = [:]
    for (index, entry) in keys.enumerated() {
      if entry.outcome == "sending" {
        // Only entries written before ids are paired by request; later ones name what they settle.
        if entry.id == nil { sendingByRequest[entry.requestKey, default: []].append(index) }
      } else if let reference = entry.settles {
        settlingIndex[reference] = index
      } else if entry.id == nil {
        while let candidate = sendingByRequest[entry.requestKey]?.popLast() {
          let reference = keys[candidate].reference
          if settlingIndex[reference] != nil { continue }
          settlingIndex[reference] = index
          break
        }
      }
    }
    unsettled = keys.indices.filter { keys[$0].outcome == "sending" && settlingIndex[keys[$0].reference] == nil }
  }
}

/// Reading the journal's lines.
enum JournalLines {
  /// The non-blank lines, numbered from 1.
  static func ranges(in bytes: [UInt8]) -> [(number: Int, range: Range<Int>)] {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return [] }
      var lines: [(number: Int, range: Range<Int>)] = []
      var start = 0
      var number = 1
      while start < buffer.count {
        let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
        let end = newline.map { UnsafeRawPointer(base).distance(to: $0) } ?? buffer.count
        if buffer[start..<end].contains(where: { !isSpace($0) }) { lines.append((number, start..<end)) }
        start = end + 1
        number += 1
      }
      return lines
    }
  }

  /// The entry on a line, and what is torn on it.
  static func parse(_ line: ArraySlice<UInt8>, number: Int) -> (JournalEntry?, TornJournalLine?) {
    if let fields = try? JSONValue(parsing: Array(line)).objectValue {
      return (JournalEntry(line: number, fields: fields), nil)
    }
    if let (tornLength, fields) = wholeEntryAtTheEnd(of: line) {
      return (
        JournalEntry(line: number, fields: fields),
        TornJournalLine(line: number, byteCount: tornLength, wholeEntryFollowed: true)
      )
    }
    return (nil, TornJournalLine(line: number, byteCount: line.count, wholeEntryFollowed: false))
  }

  /// `sending` entries nothing settles. Each line's top-level fields are picked
  /// off without building its values, and only lines that do not scan as one
  /// whole object, and the unsettled entries, are parsed: this runs at every start.
  static func unsettled(in bytes: [UInt8]) -> [JournalEntry] {
    var keys: [EntryKeys] = []
    var rangeOfKeys: [Range<Int>] = []
    let lines = ranges(in: bytes)
    keys.reserveCapacity(lines.count)
    rangeOfKeys.reserveCapacity(lines.count)
    bytes.withUnsafeBufferPointer { buffer in
      for (number, range) in lines {
        if let scanned = scanKeys(buffer, range, number: number) {
          keys.append(scanned)
        } else if let entry = parse(bytes[range], number: number).0 {
          keys.append(EntryKeys(entry))
        } else {
          continue
        }
        rangeOfKeys.append(range)
      }
    }
    return Settlements(keys).unsettled.compactMap { parse(bytes[rangeOfKeys[$0]], number: keys[$0].line).0 }
  }

  /// The names `scanKeys` keeps, as bytes.
  private static let keptNames = ["outcome", "id", "settles", "time", "method", "path"].map { Array($0.utf8) }

  /// The top-level string fields of a line holding one whole JSON object, or
  /// nil when it is not one (torn, or something else to parse in full).
  static func scanKeys(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, number: Int) -> EntryKeys? {
    guard let base = bytes.baseAddress else { return nil }
    var keys = EntryKeys(line: number)
    var index = range.lowerBound
    while index < range.upperBound, isSpace(bytes[index]) { index += 1 }
    guard index < range.upperBound, bytes[index] == UInt8(ascii: "{") else { return nil }
    var depth = 0
    var expectingKey = false
    /// The kept name whose value comes next, by its index in `keptNames`.
    var keptName: Int?
    while index < range.upperBound {
      switch bytes[index] {
      case UInt8(ascii: "\""):
        guard let end = closingQuote(bytes, after: index, before: range.upperBound) else { return nil }
        if depth == 1 {
          let content = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
          if expectingKey {
            keptName = keptNames.firstIndex { $0.elementsEqual(content) }
          } else if let name = keptName {
            let escaped = memchr(base + index + 1, Int32(UInt8(ascii: "\\")), end - index - 1) != nil
            let text =
              escaped
              ? (try? JSONValue(parsing: Array(bytes[index...end])))?.stringValue
              : String(decoding: content, as: UTF8.self)
            guard let text else { return nil }
            keys.set(name, text)
            keptName = nil
          }
        }
        index = end
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        depth += 1
        if depth == 1 { expectingKey = true }
        if depth == 2 { keptName = nil }
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 {
          // One object, and nothing after it.
          return bytes[(index + 1)..<range.upperBound].allSatisfy(isSpace) ? keys : nil
        }
      case UInt8(ascii: ","):
        if depth == 1 { expectingKey = true }
      case UInt8(ascii: ":"):
        if depth == 1 { expectingKey = false }
      default:
        break
      }
      index += 1
    }
    return nil
  }

  /// The index of the quote that ends the string opening at `opening`, skipping escaped ones.
  private static func closingQuote(_ bytes: UnsafeBufferPointer<UInt8>, after opening: Int, before limit: Int) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    var from = opening + 1
    while from < limit, let found = memchr(base + from, Int32(UInt8(ascii: "\"")), limit - from) {
      let quote = UnsafeRawPointer(base).distance(to: found)
      var backslashes = 0
      while quote - backslashes - 1 > opening, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
      if backslashes % 2 == 0 { return quote }
      from = quote + 1
    }
    return nil
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

  static func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
  }
}

struct JournalError: Error, CustomStringConvertible {
  var path: String
  var detail: String
  var reading = false
  var description: String { "cannot \(reading ? "read" : "write") the journal \(path): \(detail)" }
}
