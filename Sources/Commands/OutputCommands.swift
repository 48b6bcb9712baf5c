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

/// Rows of a CSV text; the first row names the columns.
func parseCSV(_ text: String) -> [[String]] {
  var rows: [[String]] = []
  var row: [String] = []
  var field = ""
  var quoted = false
  var iterator = text.makeIterator()
  var pending: Character?
  while let character = pending ?? iterator.next() {
    pending = nil
    if quoted {
      if character == "\"" {
        if let next = iterator.next() {
          if next == "\"" {
            field.append("\"")
          } else {
            quoted = false
            pending = next
          }
        } else {
          quoted = false
        }
      } else {
        field.append(character)
      }
      continue
    }
    switch character {
    case "\"": quoted = true
    case ",":
      row.append(field)
      field = ""
    case "\n", "\r\n", "\r":
      row.append(field)
      field = ""
      rows.append(row)
      row = []
    default: field.append(character)
    }
  }
  if !field.isEmpty || !row.isEmpty {
    row.append(field)
    rows.append(row)
  }
  return rows
}

/// A CSV cell as a value: numbers that read back the same become numbers; the rest stay text.
private func cellValue(_ text: String) -> Value {
  guard let number = DecimalNumber(text), number.description == text else { return .string(text) }
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
    if words.isEmpty, call.input != .null {
      words.append(call.input.typeName == "string" ? call.input.description : renderer.render(call.input))
    }
    call.print(words.joined(separator: " "))
    return .null
  },
  Command(
    Signature(
      name: "table", category: .output, summary: "Renders the input as a text table.", input: "anything",
      output: "a string", examples: [Example("[{a: 1}] | table", "", result: "\"a\\n─\\n1\"")])
  ) { call in .string(Renderer(format: .table).render(call.input)) },
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
      do {
        return Value(json: try JSONValue(parsing: data))
      } catch {
        throw CommandError("open: \(source) is not valid JSON: \(error)", parameter: "path")
      }
    case .csv:
      guard let text = String(validating: data, as: UTF8.self) else {
        throw CommandError("open: \(source) is not UTF-8 text", parameter: "path")
      }
      let rows = parseCSV(text)
      guard let header = rows.first else { return .list([]) }
      return .list(
        rows.dropFirst().map { row in
          var record = Record()
          for (index, name) in header.enumerated() { record[name] = index < row.count ? cellValue(row[index]) : .null }
          return .record(record)
        })
    }
  },
]
