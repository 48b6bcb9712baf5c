import CSV
import Foundation
import Language
import NumbersAPI
import NumbersContract
import SystemSupport

#if canImport(Glibc)
  import Glibc
#endif

private let path = Parameter("path", .path, positional: true, required: true, summary: "a file; .json or .csv")

private enum FileFormat {
  case json, csv

  init(path: String, command: String) throws {
    switch (path as NSString).pathExtension.lowercased() {
    case "json": self = .json
    case "csv": self = .csv
    default:
      throw CommandError("\(command): '\(path)' must end in .json or .csv", parameter: "path")
    }
  }
}

/// Replaces the file at `path` with `text`, whole or not at all, readable as the user's umask allows.
func writeAtomically(_ text: String, to path: String, command: String) throws {
  do {
    try AtomicFile.write(Array(text.utf8), to: path, access: .shared)
  } catch {
    throw CommandError("\(command): \(error)")
  }
}

/// A CSV file that is not a table: what is wrong, starting with the line it is on.
private struct MalformedCSV: Error, CustomStringConvertible {
  var description: String
}

/// The rows of a UTF-8 CSV file, each with the line it starts on, read by CSV.swift (RFC 4180: a quoted cell may
/// hold commas, doubled quotes and line breaks; a byte order mark is skipped; a quote inside an unquoted cell is
/// kept as it is). Every row must have as many cells as the first, the header, and the header names each column
/// once.
private func readCSVTable(_ bytes: [UInt8]) throws(MalformedCSV) -> (
  header: [String], rows: [(line: Int, cells: [String])]
) {
  if let (line, problem) = firstQuotingProblem(bytes) { throw MalformedCSV(description: "line \(line) \(problem)") }
  let reader: CSVReader
  do {
    reader = try CSVReader(stream: InputStream(data: Data(bytes)), hasHeaderRow: false)
  } catch {
    throw MalformedCSV(description: "cannot be read (\(error))")
  }
  var rows: [(line: Int, cells: [String])] = []
  var line = 1
  while let cells = reader.next() {
    rows.append((line, cells))
    // A row takes its own line, and one more for each line break inside a quoted cell.
    line += 1 + cells.reduce(0) { $0 + lineBreaks(in: $1) }
  }
  if let error = reader.error { throw MalformedCSV(description: "cannot be read (\(error))") }
  guard let header = rows.first?.cells else { return ([], []) }
  var named: Set<String> = []
  for name in header where !named.insert(name).inserted {
    throw MalformedCSV(description: "line 1 names the column '\(name)' twice")
  }
  for row in rows.dropFirst() where row.cells.count != header.count {
    if row.cells == [""] {
      throw MalformedCSV(description: "line \(row.line) is empty, the header has \(header.count) cells")
    }
    let cells = row.cells.count == 1 ? "1 cell" : "\(row.cells.count) cells"
    throw MalformedCSV(description: "line \(row.line) has \(cells), the header has \(header.count)")
  }
  return (header, Array(rows.dropFirst()))
}

/// Line breaks in a cell's text: CR LF, LF and a lone CR each count once, as a CSV reader ends rows.
private func lineBreaks(in text: String) -> Int {
  var count = 0
  var afterCarriageReturn = false
  for scalar in text.unicodeScalars {
    if scalar == "\r" || (scalar == "\n" && !afterCarriageReturn) { count += 1 }
    afterCarriageReturn = scalar == "\r"
  }
  return count
}

/// The first misplaced quote of a CSV file, which CSV.swift would otherwise read by guessing: text after the
/// closing quote of a quoted cell (`"ab"c`), or a quote never closed. A quote inside an unquoted cell (`x"y"z`)
/// is not a problem: it is kept as text.
private func firstQuotingProblem(_ bytes: [UInt8]) -> (line: Int, problem: String)? {
  let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lineFeed = UInt8(ascii: "\n")
  let carriageReturn = UInt8(ascii: "\r")
  var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
  var line = 1
  var atCellStart = true
  var quotedSince: Int?
  while index < bytes.count {
    let byte = bytes[index]
    let next = index + 1 < bytes.count ? bytes[index + 1] : nil
    if quotedSince != nil, byte == quote {
      if next == quote {
        index += 2
        continue
      }
      quotedSince = nil
      if let next, next != comma, next != lineFeed, next != carriageReturn {
        return (line, "has text after the closing quote of a cell; a quote inside a quoted cell is written twice")
      }
    } else if quotedSince == nil, byte == quote, atCellStart {
      quotedSince = line
    }
    if byte == lineFeed || (byte == carriageReturn && next != lineFeed) { line += 1 }
    atCellStart = quotedSince == nil && (byte == comma || byte == lineFeed || byte == carriageReturn)
    index += 1
  }
  if let quotedSince { return (quotedSince, "opens a quoted cell that is never closed") }
  return nil
}

/// A CSV cell as a value: a number whose exact text reads back the same becomes a number (`42`, `3.50`); the rest
/// stay text, `0555`, `+4420`, `1e5` and `-0` among them, so codes and phone numbers keep their digits.
private func csvCellValue(_ text: String) -> Value {
  guard let number = DecimalNumber(exactJSON: text), number.description == text else { return .string(text) }
  return .number(number)
}

let outputCommands: [Command] = [
  Command(
    Signature(
      name: "print", category: .output, summary: "Prints values on one line: text as it is, the rest rendered.",
      parameters: [Parameter("values", .any, positional: true, variadic: true, summary: "what to print")],
      output: "nothing", examples: [Example("print \"hello\" 42", "prints: hello 42")])
  ) { call in
    let renderer = (call.host as? Session)?.renderer ?? Renderer(format: .table)
    var words: [String] = []
    if case .list(let values)? = call["values"] {
      for value in values {
        if case .string(let text) = value { words.append(text) } else { words.append(renderer.render(value)) }
      }
    }
    if call.input != .null {
      guard words.isEmpty else {
        throw CommandError(
          "print takes values, or one value piped in, not both", help: "print \"text\" $value, or … | print")
      }
      words.append(call.input.typeName == "string" ? call.input.description : renderer.render(call.input))
    }
    call.print(words.joined(separator: " "))
    return .null
  },
  Command(
    Signature(
      name: "table", category: .output, summary: "Renders the input as a text table.", input: "anything",
      output: "a string", examples: [Example("[{a: 1}] | table", "", result: "\"a\\n─\\n1\"")])
  ) { call in
    // No width (the text may go anywhere), but drawn in the characters the user's locale can show.
    .string(Renderer(format: .table, ascii: (call.host as? Session)?.renderer.ascii ?? false).render(call.input))
  },
  Command(
    Signature(
      name: "json", category: .output, summary: "Renders the input as JSON text.", input: "anything",
      output: "a string", examples: [Example("{a: 3.50} | json", "", result: "\"{\\n  \\\"a\\\": 3.50\\n}\"")])
  ) { call in .string(Renderer(format: .json).render(call.input)) },
  Command(
    Signature(
      name: "csv", category: .output, summary: "Renders the input as CSV text (nested fields as a.b columns).",
      input: "a list of records", output: "a string",
      examples: [Example("[{a: 1, b: \"x,y\"}] | csv", "", result: "\"a,b\\n1,\\\"x,y\\\"\"")])
  ) { call in .string(Renderer(format: .csv).render(call.input)) },
  Command(
    Signature(
      name: "save", category: .output, summary: "Writes the input to a file, as JSON or CSV by its extension.",
      parameters: [path], input: "anything", output: "nothing", details: "The file is replaced atomically.",
      examples: [Example("groups GB | save gb-groups.json", "keep a copy of the GB catalog")])
  ) { call in
    let target = call.string("path") ?? ""
    let format = try FileFormat(path: target, command: "save")
    let text = Renderer(format: format == .json ? .json : .csv).render(call.input)
    try writeAtomically(text + "\n", to: call.resolvedPath(target), command: "save")
    return .null
  },
  Command(
    Signature(
      name: "open", category: .output, summary: "Reads a JSON or CSV file into values.", parameters: [path],
      output: "the file's values; CSV as a list of records",
      examples: [Example("open gb-groups.json | count", "read a saved catalog back")])
  ) { call in
    let source = call.string("path") ?? ""
    let format = try FileFormat(path: source, command: "open")
    let data: [UInt8]
    do throws(FileIO.ReadFailure) {
      data = try FileIO.readRegularFile(call.resolvedPath(source), limit: scriptFileLimit)
    } catch {
      throw CommandError("open: cannot read \(source): \(error.reason)", parameter: "path")
    }
    switch format {
    case .json:
      let json: JSONValue
      do {
        json = try JSONValue(parsing: data)
      } catch {
        throw CommandError("open: \(source) is not valid JSON: \(error)", parameter: "path")
      }
      do {
        return try Value(checkingJSON: json)
      } catch {
        throw CommandError("open: \(source): \(error)", parameter: "path")
      }
    case .csv:
      guard String(validating: data, as: UTF8.self) != nil else {
        throw CommandError("open: \(source) is not UTF-8 text", parameter: "path")
      }
      let table: (header: [String], rows: [(line: Int, cells: [String])])
      do {
        table = try readCSVTable(data)
      } catch {
        throw CommandError("open: \(source) \(error)", parameter: "path")
      }
      return .list(
        table.rows.map { row in
          var record = Record()
          for (name, cell) in zip(table.header, row.cells) { record[name] = csvCellValue(cell) }
          return .record(record)
        })
    }
  },
]
