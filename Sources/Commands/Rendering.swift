public import Language

/// How values are shown: `--output` and `set output=`.
public enum OutputFormat: String, Sendable, CaseIterable {
  case table, json, ndjson, csv
}

/// Turns values into text for people (table) or programs (json, ndjson, csv).
public struct Renderer: Sendable {
  /// The terminal's width, for tables; nil means no limit.
  public var width: Int?
  public var color: Bool
  /// Whether the format was chosen for the user (json because stdout is not a terminal) rather than by them
  /// (`--output`, `set output=`); choosing a format clears it.
  public var formatIsDefault: Bool

  public var format: OutputFormat {
    didSet { formatIsDefault = false }
  }

  public init(format: OutputFormat, width: Int? = nil, color: Bool = false, formatIsDefault: Bool = false) {
    self.format = format
    self.width = width
    self.color = color
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

  func table(_ value: Value) -> String {
    switch value {
    case .string(let text): return text
    case .list(let items) where items.isEmpty: return "(empty list)"
    case .list(let items) where items.allSatisfy({ if case .record = $0 { true } else { false } }):
      let rows = items.map { item -> Record in if case .record(let record) = item { record } else { Record() } }
      let columns = Self.columns(rows)
      let cells = rows.map { row in columns.map { Self.cell(Self.lookup($0, in: row)) } }
      let numeric = columns.map { column in
        let values = rows.compactMap { Self.lookup(column, in: $0) }.filter { $0 != .null }
        return !values.isEmpty && values.allSatisfy { if case .number = $0 { true } else { false } }
      }
      return grid(header: columns, rows: cells, numeric: numeric)
    case .list(let items):
      return items.map { $0 == .null ? "null" : Self.cell($0) }.joined(separator: "\n")
    case .record(let record) where record.count == 0:
      return "(empty record)"
    case .record(let record):
      let flat = Self.flatten(record)
      return grid(header: nil, rows: flat.map { [$0.key, Self.cell($0.value)] }, numeric: [false, false])
    case .error(let error):
      return table(.record(error.record))
    default:
      return value.description
    }
  }

  private func grid(header: [String]?, rows: [[String]], numeric: [Bool]) -> String {
    let columnCount = header?.count ?? rows.first?.count ?? 0
    var widths = (0..<columnCount).map { column in
      max(header.map { $0[column].count } ?? 0, rows.map { $0[column].count }.max() ?? 0)
    }
    if let width, columnCount > 0 {
      // Shrink the widest columns until the table fits, keeping each at least 6 wide.
      var total = widths.reduce(0, +) + 2 * (columnCount - 1)
      while total > width, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 6 {
        widths[widest] -= 1
        total -= 1
      }
    }
    func line(_ cells: [String], bold: Bool) -> String {
      var parts: [String] = []
      for (column, cell) in cells.enumerated() {
        let fitted = cell.count > widths[column] ? String(cell.prefix(max(0, widths[column] - 1))) + "…" : cell
        let padding = String(repeating: " ", count: widths[column] - fitted.count)
        let isLast = column == cells.count - 1
        let aligned = numeric[column] ? padding + fitted : fitted + (isLast ? "" : padding)
        parts.append(bold && color ? "\u{1B}[1m\(aligned)\u{1B}[0m" : aligned)
      }
      var joined = parts.joined(separator: "  ")
      while joined.last == " " { joined.removeLast() }
      return joined
    }
    var lines: [String] = []
    if let header {
      lines.append(line(header, bold: true))
      lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
    }
    lines += rows.map { line($0, bold: false) }
    return lines.joined(separator: "\n")
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
