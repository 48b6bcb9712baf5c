public import Language
import NumbersContract
import SystemSupport

/// How values are shown: `--output` and `set output=`.
public enum OutputFormat: String, Sendable, CaseIterable {
  case table, json, ndjson, csv
}

/// Turns values into text for people (table) or programs (json, ndjson, csv).
public struct Renderer: Sendable {
  /// The width tables fit, in terminal cells; nil means no limit. `fitsTerminal` reads it anew instead.
  public var width: Int?
  /// Tables fit the terminal on stdout, its width read at each render (a window resized between two commands
  /// shows the next table at the new width).
  public var fitsTerminal: Bool
  public var color: Bool
  /// Tables are drawn with ASCII (`-`, `...`), for a locale that is not UTF-8.
  public var ascii: Bool
  /// Whether the format was chosen for the user (json because stdout is not a terminal) rather than by them
  /// (`--output`, `set output=`); choosing a format clears it.
  public var formatIsDefault: Bool

  public var format: OutputFormat {
    didSet { formatIsDefault = false }
  }

  public init(
    format: OutputFormat, width: Int? = nil, fitsTerminal: Bool = false, color: Bool = false, ascii: Bool = false,
    formatIsDefault: Bool = false
  ) {
    self.format = format
    self.width = width
    self.fitsTerminal = fitsTerminal
    self.color = color
    self.ascii = ascii
    self.formatIsDefault = formatIsDefault
  }

  /// A statement's value as shown on stdout. A string is the text a script made (`csv`, `json`, `print`-ready
  /// text), so it prints as it is, unless the user asked for JSON (`--output json` or `ndjson`): then every
  /// value, a string too, prints as JSON, so the output always parses.
  public func display(_ value: Value) -> String {
    if case .string(let text) = value, formatIsDefault || format == .table || format == .csv { return text }
    return render(value)
  }

  /// The text of a value, without a final newline.
  public func render(_ value: Value) -> String {
    switch format {
    case .json: return value.json.prettyJSONText
    case .ndjson:
      if case .list(let items) = value { return items.map(\.json.jsonText).joined(separator: "\n") }
      return value.json.jsonText
    case .csv: return Self.csv(value)
    case .table: return table(value)
    }
  }

  // MARK: Tables

  /// How tables are laid out now: at the terminal's width of this moment, when they fit the terminal.
  var layout: TableLayout {
    TableLayout(width: fitsTerminal ? Terminal.columns() : width, color: color, ascii: ascii)
  }

  func table(_ value: Value) -> String {
    switch value {
    case .string(let text): return text
    case .list(let items) where items.isEmpty: return "(empty list)"
    case .list(let items) where items.allSatisfy({ if case .record = $0 { true } else { false } }):
      let rows = items.map { item -> Record in if case .record(let record) = item { record } else { Record() } }
      let names = Self.columns(rows)
      let values = rows.map { row in names.map { Self.lookup($0, in: row) } }
      let cells = values.map { row in row.map { Self.cell($0) } }
      let columns = names.indices.map { column in
        var numeric = true
        var filled = false
        var auxiliary = false
        for row in values {
          switch row[column] {
          case nil, .null?: continue
          case .number?: break
          case .list?, .record?: auxiliary = true; numeric = false
          default: numeric = false
          }
          filled = true
        }
        return TableLayout.Column(
          name: names[column], isIdentity: Self.isIdentity(names[column], cells: cells.lazy.map { $0[column] }),
          isNumeric: filled && numeric, isAuxiliary: auxiliary)
      }
      return layout.records(columns, rows: cells)
    case .list(let items):
      return items.map { $0 == .null ? "null" : Self.cell($0) }.joined(separator: "\n")
    case .record(let record) where record.count == 0:
      return "(empty record)"
    case .record(let record):
      let flat = Self.flatten(record)
      return layout.keyValues(flat.map { ($0.key, Self.cell($0.value)) }, width: layout.width).joined(separator: "\n")
    case .error(let error):
      return table(.record(error.record))
    default:
      return value.description
    }
  }

  /// Whether a column holds what users copy, so a table never cuts it: an id (`id`, `uuid`, `*_id`), or a
  /// phone number (`number`, `phone_number`, `*_phone`, or every value written as `+` and digits). Not every
  /// `*_number` is one: `is_eligible_for_free_number` is a yes or no.
  static func isIdentity(_ name: String, cells: some Collection<String>) -> Bool {
    let last = (name.split(separator: ".").last.map(String.init) ?? name).lowercased()
    let named = ["id", "uuid", "number", "phone", "did", "e164", "msisdn"]
    let suffixes = ["_id", "_uuid", "_phone", VirtualNumberField.phoneNumber.rawValue]
    if named.contains(last) || suffixes.contains(where: last.hasSuffix) { return true }
    var any = false
    for cell in cells where !cell.isEmpty {
      guard isPhoneNumber(cell) else { return false }
      any = true
    }
    return any
  }

  /// `+` and at least seven digits, which may be grouped by spaces, dashes, dots or brackets.
  static func isPhoneNumber(_ text: String) -> Bool {
    guard text.hasPrefix("+") else { return false }
    var digits = 0
    for character in text.dropFirst() {
      if character.isASCII && character.isNumber {
        digits += 1
      } else if !" -.()".contains(character) {
        return false
      }
    }
    return digits >= 7
  }

  /// Column names in first-seen order, nested records as `a.b`.
  static func columns(_ rows: [Record]) -> [String] {
    var columns: [String] = []
    var seen: Set<String> = []
    for row in rows {
      for field in flatten(row) where seen.insert(field.key).inserted { columns.append(field.key) }
    }
    return columns
  }

  static func flatten(_ record: Record, prefix: String = "") -> [Record.Field] {
    record.fields.flatMap { field -> [Record.Field] in
      let key = prefix + field.key
      if case .record(let nested) = field.value, nested.count > 0 { return flatten(nested, prefix: key + ".") }
      return [Record.Field(key: key, value: field.value)]
    }
  }

  static func lookup(_ path: String, in record: Record) -> Value? {
    if let direct = record[path] { return direct }
    var current = Value.record(record)
    for part in path.split(separator: ".") {
      guard let next = current.field(String(part)) else { return nil }
      current = next
    }
    return current
  }

  /// One table or CSV cell: lists inline, nothing for null.
  static func cell(_ value: Value?) -> String {
    switch value {
    case nil, .null?: return ""
    case .list(let items)?: return items.map { cell($0) }.joined(separator: ", ")
    case .record(let record)?: return Value.record(record).description
    case let other?: return other.description.replacingNewlines
    }
  }

  // MARK: CSV

  static func csv(_ value: Value) -> String {
    let rows: [Record]
    switch value {
    case .list(let items):
      if items.allSatisfy({ if case .record = $0 { true } else { false } }) {
        rows = items.map { if case .record(let record) = $0 { record } else { Record() } }
      } else {
        return items.map { csvField(csvCell($0)) }.joined(separator: "\n")
      }
    case .record(let record): rows = [record]
    default: return csvField(csvCell(value))
    }
    let columns = columns(rows)
    var lines = [columns.map(csvField).joined(separator: ",")]
    for row in rows { lines.append(columns.map { csvField(csvCell(lookup($0, in: row))) }.joined(separator: ",")) }
    return lines.joined(separator: "\n")
  }

  /// A CSV cell's text: a string whole, line breaks and all (the cell is quoted); the rest as in a table.
  static func csvCell(_ value: Value?) -> String {
    if case .string(let text)? = value { return text }
    return cell(value)
  }

  /// A CSV cell as written (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line
  /// break (CR LF among them), or starts with a byte order mark a reader would skip.
  static func csvField(_ text: String) -> String {
    let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    guard needsQuotes || text.unicodeScalars.first == "\u{FEFF}" else { return text }
    // By scalars: a quote followed by a combining mark is one Character, and must still be doubled.
    var quoted = String.UnicodeScalarView()
    quoted.append("\"")
    for scalar in text.unicodeScalars {
      if scalar == "\"" { quoted.append(scalar) }
      quoted.append(scalar)
    }
    quoted.append("\"")
    return String(quoted)
  }
}

extension String {
  var replacingNewlines: String {
    guard contains("\n") else { return self }
    return split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
  }
}
