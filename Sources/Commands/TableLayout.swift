import Language

/// Lays tables out in a width of terminal cells. A list of records is a table when it fits; when it does not,
/// identity columns (ids, phone numbers: what users copy) keep their whole text, the other columns are cut or
/// left out, least useful first, under headers that stay distinct, and a footer says what is missing; when not
/// even that fits, each record is a block of `field  value` lines, as psql's `\x auto` does. Widths count
/// display cells, so wide characters line up.
struct TableLayout {
  /// The cells a line may take; nil for no limit (stdout is not a terminal).
  var width: Int?
  var color: Bool
  /// Draw with ASCII (the user's locale is not UTF-8).
  var ascii: Bool

  /// One column of a list of records.
  struct Column {
    /// The field's path, `price.setup_price`.
    var name: String
    /// Never cut: an id or a phone number.
    var isIdentity: Bool
    var isNumeric: Bool
    /// Shown after the others, and left out first: lists, nested records, long free text.
    var isAuxiliary: Bool
  }

  private var rule: Character { ascii ? "-" : "─" }
  private var mark: String { ascii ? "..." : "…" }
  /// Columns are cut to no fewer cells than this (or their header's width, if that is more): a shorter one is
  /// shown whole or left out, since a few whole columns say more than many cut ones.
  private static let shortestCut = 12
  /// Text longer than this is free text, shown after the rest.
  private static let longText = 30
  private static let gap = 2

  // MARK: Lists of records

  func records(_ columns: [Column], rows: [[String]]) -> String {
    let count = columns.count
    let cellWidths = rows.map { $0.map(\.displayWidth) }
    var widest = [Int](repeating: 0, count: count)
    for row in cellWidths {
      for column in 0..<count where row[column] > widest[column] { widest[column] = row[column] }
    }
    let names = columns.map(\.name)
    let natural = (0..<count).map { max(names[$0].displayWidth, widest[$0]) }
    guard let width, natural.reduce(0, +) + Self.gap * (count - 1) > width else {
      return grid(columns, headers: names, shown: Array(0..<count), widths: natural, rows: rows, cellWidths: cellWidths)
        .joined(separator: "\n")
    }
    let headers = Self.shortNames(names)
    guard let plan = fit(columns, headers: headers, widest: widest, in: width) else {
      return blocks(names, rows: rows, cellWidths: cellWidths, width: width)
    }
    var lines = grid(
      columns, headers: headers, shown: plan.shown, widths: plan.widths, rows: rows, cellWidths: cellWidths)
    let left = (0..<count).filter { !plan.shown.contains($0) }.map { names[$0] }
    let cut = plan.shown.indices.filter { plan.widths[$0] < widest[plan.shown[$0]] }.map { names[plan.shown[$0]] }
    lines += footer(left: left, cut: cut, width: width)
    return lines.joined(separator: "\n")
  }

  /// Which columns are shown, in their order, and how wide; nil when a table would show too little.
  private func fit(_ columns: [Column], headers: [String], widest: [Int], in width: Int) -> (
    shown: [Int], widths: [Int]
  )? {
    let count = columns.count
    let headerWidths = headers.map(\.displayWidth)
    let natural = (0..<count).map { max(headerWidths[$0], widest[$0]) }
    let least = (0..<count).map { column in
      columns[column].isIdentity
        ? natural[column] : min(natural[column], max(headerWidths[column], min(widest[column], Self.shortestCut)))
    }
    var chosen = Set((0..<count).filter { columns[$0].isIdentity })
    var used = chosen.map { least[$0] }.reduce(0, +) + Self.gap * max(0, chosen.count - 1)
    guard used <= width else { return nil }
    let others = (0..<count).filter { !columns[$0].isIdentity }
      .sorted {
        (columns[$0].isAuxiliary || widest[$0] > Self.longText ? 1 : 0, $0) < (
          columns[$1].isAuxiliary || widest[$1] > Self.longText ? 1 : 0, $1
        )
      }
    for column in others {
      let cost = least[column] + (chosen.isEmpty ? 0 : Self.gap)
      if used + cost <= width {
        chosen.insert(column)
        used += cost
      }
    }
    // A table of ids alone, or of a small part of the columns, says less than blocks do.
    guard others.isEmpty || others.contains(where: chosen.contains),
      chosen.count >= min(3, (count + 1) / 2)
    else { return nil }
    let shown = chosen.sorted()
    var widths = shown.map { least[$0] }
    var spare = width - used
    // The room left goes to the cut columns in equal shares, until each is whole or the room is gone.
    while spare > 0 {
      let needy = shown.indices.filter { widths[$0] < natural[shown[$0]] }
      if needy.isEmpty { break }
      let share = max(1, spare / needy.count)
      for index in needy where spare > 0 {
        let added = min(share, natural[shown[index]] - widths[index], spare)
        widths[index] += added
        spare -= added
      }
    }
    return (shown, widths)
  }

  private func grid(
    _ columns: [Column], headers: [String], shown: [Int], widths: [Int], rows: [[String]], cellWidths: [[Int]]
  ) -> [String] {
    func line(_ cell: (Int) -> (text: String, width: Int), bold: Bool) -> String {
      var text = ""
      for (index, column) in shown.enumerated() {
        var (cell, cellWidth) = cell(column)
        if cellWidth > widths[index] { (cell, cellWidth) = cut(cell, to: widths[index]) }
        let padding = String(repeating: " ", count: widths[index] - cellWidth)
        let isLast = index == shown.count - 1
        let aligned = columns[column].isNumeric ? padding + cell : cell + (isLast ? "" : padding)
        if index > 0 { text += "  " }
        text += bold && color ? "\u{1B}[1m\(aligned)\u{1B}[0m" : aligned
      }
      return Self.trimmed(text)
    }
    var lines = [line({ (headers[$0], headers[$0].displayWidth) }, bold: true)]
    lines.append(widths.map { String(repeating: rule, count: $0) }.joined(separator: "  "))
    for (row, widthsOfRow) in zip(rows, cellWidths) {
      lines.append(line({ (row[$0], widthsOfRow[$0]) }, bold: false))
    }
    return lines
  }

  /// The text cut to `cells`, with the mark at its end; and its width.
  private func cut(_ text: String, to cells: Int) -> (String, Int) {
    let markWidth = mark.displayWidth
    guard cells > markWidth else {
      let kept = String(text.prefix(cells: cells))
      return (kept, kept.displayWidth)
    }
    let kept = text.prefix(cells: cells - markWidth)
    return (kept + mark, kept.displayWidth + markWidth)
  }

  private func footer(left: [String], cut: [String], width: Int) -> [String] {
    var parts: [String] = []
    if !left.isEmpty {
      parts.append("\(left.count) column\(left.count == 1 ? "" : "s") not shown: " + left.joined(separator: ", "))
    }
    if !cut.isEmpty { parts.append("cut: " + cut.joined(separator: ", ")) }
    guard !parts.isEmpty else { return [] }
    let how = left.isEmpty ? "(| json shows all)" : "(select them, or | json)"
    return Self.wrap("\(mark) " + parts.joined(separator: "; ") + " " + how, in: width)
  }

  /// Nested columns by their last part where that is unique (`setup_price` for `price.setup_price`), else by
  /// as many parts from the end as make them unique.
  static func shortNames(_ names: [String]) -> [String] {
    let parts = names.map { $0.split(separator: ".", omittingEmptySubsequences: false) }
    var taken = 1
    var short = parts.map { $0.suffix(taken).joined(separator: ".") }
    while Set(short).count < short.count, taken < (parts.map(\.count).max() ?? 1) {
      taken += 1
      var seen: [String: Int] = [:]
      for name in short { seen[name, default: 0] += 1 }
      short = zip(short, parts).map { name, whole in
        seen[name, default: 0] > 1 ? whole.suffix(taken).joined(separator: ".") : name
      }
    }
    return Set(short).count == short.count ? short : names
  }

  // MARK: Records one per block, and key/value tables

  private func blocks(_ names: [String], rows: [[String]], cellWidths: [[Int]], width: Int) -> String {
    let keyWidths = names.map(\.displayWidth)
    let widest = cellWidths.lazy.compactMap { $0.max() }.max() ?? 0
    // One key column for every block, so they read alike.
    let keyColumn = Self.keyColumn(keyWidths, widestValue: widest, width: width)
    let ruleWidth = min(width, (keyWidths.max() ?? 0) + Self.gap + widest)
    var lines: [String] = []
    for (number, row) in rows.enumerated() {
      let title = "\(rule)[ record \(number + 1) ]"
      let filled = title + String(repeating: rule, count: max(0, ruleWidth - title.displayWidth))
      lines.append(bold(filled))
      lines += keyValues(Array(zip(names, row)), keyWidths: keyWidths, keyColumn: keyColumn, width: width)
    }
    return lines.joined(separator: "\n")
  }

  /// A record's fields, one a line, `key  value`; in a width, long values wrap under themselves (nothing is
  /// cut), and keys longer than half the width get a line of their own, the value under it.
  func keyValues(_ pairs: [(key: String, value: String)], width: Int?) -> [String] {
    let keyWidths = pairs.map(\.key.displayWidth)
    let widest = pairs.lazy.map(\.value.displayWidth).max() ?? 0
    let keyColumn = Self.keyColumn(keyWidths, widestValue: widest, width: width)
    return keyValues(pairs, keyWidths: keyWidths, keyColumn: keyColumn, width: width)
  }

  /// The width of the key column: the longest key, unless the lines would not fit; then keys longer than half
  /// the width take a line of their own, and the column is as wide as the others.
  private static func keyColumn(_ keyWidths: [Int], widestValue: Int, width: Int?) -> Int {
    let keyWidth = keyWidths.max() ?? 0
    guard let width, keyWidth + gap + widestValue > width else { return keyWidth }
    let half = max(1, width / 2)
    return keyWidths.filter { $0 <= half }.max() ?? min(keyWidth, half)
  }

  private func keyValues(
    _ pairs: [(key: String, value: String)], keyWidths: [Int], keyColumn: Int, width: Int?
  ) -> [String] {
    let valueWidth = width.map { max(1, $0 - keyColumn - Self.gap) }
    let indent = String(repeating: " ", count: keyColumn + Self.gap)
    var lines: [String] = []
    for (pair, keyWidth) in zip(pairs, keyWidths) {
      var pieces = valueWidth.map { Self.wrap(pair.value, in: $0) } ?? [pair.value]
      if keyWidth > keyColumn {
        lines += width.map { Self.wrap(pair.key, in: $0) } ?? [pair.key]
      } else {
        let first = pieces.isEmpty ? "" : pieces.removeFirst()
        lines.append(Self.trimmed(pair.key + String(repeating: " ", count: keyColumn - keyWidth + Self.gap) + first))
      }
      lines += pieces.filter { !$0.isEmpty }.map { Self.trimmed(indent + $0) }
    }
    return lines
  }

  private static func trimmed(_ line: String) -> String {
    var line = line
    while line.last == " " { line.removeLast() }
    return line
  }

  private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

  /// The text in lines of at most `width` cells, broken after a space where there is one in the line, else
  /// inside a word (an id is wrapped, never cut).
  static func wrap(_ text: String, in width: Int) -> [String] {
    guard text.displayWidth > width else { return [text] }
    var lines: [String] = []
    var line: [Character] = []
    var lineWidth = 0
    var lastSpace: Int?
    for character in text {
      let cells = character.displayWidth
      if lineWidth + cells > width, !line.isEmpty {
        if let space = lastSpace, space > 0 {
          lines.append(String(line[..<space]))
          line = Array(line[(space + 1)...])
        } else {
          lines.append(String(line))
          line = []
        }
        lineWidth = line.reduce(0) { $0 + $1.displayWidth }
        lastSpace = nil
      }
      if character == " " { lastSpace = line.count }
      line.append(character)
      lineWidth += cells
    }
    if !line.isEmpty { lines.append(String(line)) }
    return lines
  }
}
