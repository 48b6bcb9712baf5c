import Foundation
import Language
import TestSupport
import Testing

/// Tables on a real pseudo-terminal fit its width, read at each render: ids and phone numbers are never cut,
/// headers stay distinct, wide characters line up, and a locale that is not UTF-8 gets ASCII.
@Suite("Tables fit the terminal", .serialized)
struct TableFitTests {
  static let prompt = "2cs[sandbox]> "

  func environment(home: String, locale: String = "C.UTF-8") -> [String: String] {
    [
      "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
      "LC_ALL": locale, "PATH": "/usr/bin:/bin",
    ]
  }

  /// The groups of GB as JSON records: their ids, and every field path (`price.setup_price`).
  func groups(home: String) throws -> (ids: [String], fields: Set<String>) {
    let result = try run2cs(["-c", "groups GB"], home: home)
    let data = Data(result.standardOutput.utf8)
    let records = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    func paths(_ record: [String: Any], _ prefix: String) -> [String] {
      record.flatMap { key, value -> [String] in
        if let nested = value as? [String: Any], !nested.isEmpty { return paths(nested, prefix + key + ".") }
        return [prefix + key]
      }
    }
    return (records.compactMap { $0["id"] as? String }, Set(records.flatMap { paths($0, "") }))
  }

  /// Runs a line and returns what it printed, line by line, up to the next prompt.
  func printed(_ line: String, on terminal: PseudoTerminal) -> [String] {
    let before = terminal.output.count
    terminal.send(line + "\r")
    #expect(terminal.waitForPrompt(Self.prompt), "no prompt after \(line): \(terminal.recent)")
    var lines = String(terminal.output.dropFirst(before)).components(separatedBy: "\n")
    if let echo = lines.firstIndex(where: { $0.hasSuffix(line) }) { lines.removeFirst(echo + 1) }
    if lines.last?.hasPrefix(Self.prompt) == true { lines.removeLast() }
    return lines
  }

  /// `groups GB` at `width`: each line at most `width` cells, every id whole, and every header (or block
  /// field) names exactly one field.
  func expectGroupsFit(_ width: Int, on terminal: PseudoTerminal, ids: [String], fields: Set<String>) {
    let lines = printed("groups GB", on: terminal)
    let text = lines.joined(separator: "\n")
    #expect(lines.count > ids.count, "at \(width): \(text)")
    for line in lines { #expect(line.displayWidth <= width, "at \(width), \(line.displayWidth) cells: \(line)") }
    for id in ids { #expect(text.contains(id), "at \(width), \(id) is cut or missing:\n\(text)") }
    if let rule = lines.firstIndex(where: { $0.hasPrefix("─") && !$0.hasPrefix("─[") }), rule > 0 {
      let headers = lines[rule - 1].split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
      #expect(Set(headers).count == headers.count, "at \(width), headers repeat: \(headers)")
      for header in headers {
        let named = fields.filter { $0 == header || $0.hasSuffix("." + header) }
        #expect(named.count == 1, "at \(width), header '\(header)' names \(named.sorted())")
      }
    } else {
      #expect(text.contains("─[ record 1 ]"), "at \(width), neither a table nor blocks:\n\(text)")
      for field in fields {
        #expect(lines.contains { $0 == field || $0.hasPrefix(field + " ") }, "at \(width), no \(field)")
      }
    }
  }

  @Test(arguments: [80, 40, 200])
  func groupsShowEveryIdWholeWithinTheWidth(columns: Int) async throws {
    try await withTemporaryFolder { home in
      let (ids, fields) = try groups(home: home)
      #expect(ids.count > 3)
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), columns: columns)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      expectGroupsFit(columns, on: terminal, ids: ids, fields: fields)
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  @Test func aResizeTakesEffectOnTheNextTable() async throws {
    try await withTemporaryFolder { home in
      let (ids, fields) = try groups(home: home)
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), columns: 200)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      expectGroupsFit(200, on: terminal, ids: ids, fields: fields)
      terminal.resize(columns: 80)
      expectGroupsFit(80, on: terminal, ids: ids, fields: fields)
      terminal.resize(columns: 40)
      expectGroupsFit(40, on: terminal, ids: ids, fields: fields)
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// Too narrow for a table of ids and a few columns: one block per record, every line within the width.
  @Test func aNarrowTerminalShowsOneBlockPerRecord() async throws {
    try await withTemporaryFolder { home in
      let (ids, fields) = try groups(home: home)
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), columns: 30)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      let lines = printed("groups GB", on: terminal)
      let text = lines.joined(separator: "\n")
      #expect(text.contains("─[ record \(ids.count) ]"), "\(text)")
      for line in lines { #expect(line.displayWidth <= 30, "\(line.displayWidth) cells: \(line)") }
      for id in ids { #expect(lines.contains { $0.hasPrefix("id ") && $0.hasSuffix(id) }, "\(id) in:\n\(text)") }
      #expect(fields.allSatisfy { field in lines.contains { $0 == field || $0.hasPrefix(field + " ") } }, "\(text)")
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// One record is a key/value table; in a narrow terminal its long values wrap, and neither the id nor a
  /// field's name is cut.
  @Test func aSingleRecordFitsTheWidth() async throws {
    try await withTemporaryFolder { home in
      let (ids, fields) = try groups(home: home)
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), columns: 30)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      let lines = printed("groups GB | first", on: terminal)
      let text = lines.joined(separator: "\n")
      for line in lines { #expect(line.displayWidth <= 30, "\(line.displayWidth) cells: \(line)") }
      let first = try #require(ids.first)
      #expect(lines.contains { $0.hasPrefix("id ") && $0.hasSuffix(first) }, "\(text)")
      for field in fields {
        #expect(lines.contains { $0 == field || $0.hasPrefix(field + " ") }, "no \(field) in:\n\(text)")
      }
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// CJK and emoji take two cells: a right-aligned number column ends in the same cell on every line.
  @Test func wideCharactersLineUp() async throws {
    try await withTemporaryFolder { home in
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), columns: 80)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      // Short lines, so that the editor does not wrap their echo.
      _ = printed(#"let a = {name: "東京タワー", n: 1}"#, on: terminal)
      _ = printed(#"let b = {name: "🎉 ok", n: 22}"#, on: terminal)
      let lines = printed(#"[$a, $b, {name: "ab", n: 333}]"#, on: terminal)
      let table = lines.filter { !$0.isEmpty }
      #expect(table.count == 5, "\(lines)")
      let ends = Set(table.map(\.displayWidth))
      #expect(ends.count == 1, "columns do not line up:\n\(table.joined(separator: "\n"))")
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// An error's carets sit under the place it is about, after wide characters too.
  @Test func caretsSitUnderTheErrorAfterWideCharacters() async throws {
    try await withTemporaryFolder { home in
      let terminal = try PseudoTerminal(arguments: [], environment: environment(home: home), columns: 80)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      let source = #"print "東京🎉" $nope"#
      let lines = printed(source, on: terminal)
      let quoted = try #require(lines.firstIndex(of: "  " + source), "\(lines)")
      let carets = try #require(lines.dropFirst(quoted + 1).first, "\(lines)")
      let before = "  " + #"print "東京🎉" "#
      #expect(carets == String(repeating: " ", count: before.displayWidth) + "^^^^^", "\(lines)")
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  /// With a locale that is not UTF-8 (here C), tables are drawn with ASCII.
  @Test func aLocaleThatIsNotUTF8GetsASCII() async throws {
    try await withTemporaryFolder { home in
      let (ids, _) = try groups(home: home)
      let terminal = try PseudoTerminal(
        arguments: [], environment: environment(home: home, locale: "C"), columns: 80)
      #expect(terminal.waitForPrompt(Self.prompt), "no prompt: \(terminal.recent)")
      let lines = printed("groups GB", on: terminal)
      let text = lines.joined(separator: "\n")
      #expect(text.utf8.allSatisfy { $0 < 0x80 }, "\(text)")
      #expect(lines.contains { $0.hasPrefix("----") }, "\(text)")
      for id in ids { #expect(text.contains(id), "\(id) is cut or missing:\n\(text)") }
      for line in lines { #expect(line.count <= 80, "\(line.count) cells: \(line)") }
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }
}
