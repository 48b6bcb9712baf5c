/// What tab completion offers for a line: candidates that replace the word
/// under the cursor, which starts at `start` (a UTF-8 offset in the line).
public struct Completion: Sendable, Equatable {
  public var start: Int
  public var candidates: [String]

  public init(start: Int, candidates: [String]) {
    self.start = start
    self.candidates = candidates
  }

  /// The longest text every candidate starts with.
  public var commonPrefix: String {
    guard var prefix = candidates.first else { return "" }
    for candidate in candidates.dropFirst() {
      while !candidate.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
  }
}

extension Engine {
  /// The words that start a statement: `let`, `if`, `for`, …
  public static var statementKeywords: [String] { Parser.statementKeywords }

  /// Completes the word before `cursor` (a UTF-8 offset) from the commands' signatures and the session's
  /// variables. `listFolder` lists a folder's entries, folders ending in `/`; it is the only I/O.
  public func complete(_ line: String, cursor: Int, listFolder: (String) -> [String] = { _ in [] }) -> Completion {
    let bytes = Array(line.utf8.prefix(max(0, cursor)))
    let before = String(decoding: bytes, as: UTF8.self)
    switch Self.openQuote(in: before) {
    case .comment: return Completion(start: bytes.count, candidates: [])
    case .quote(let quote, let offset):
      return completeQuotedPath(bytes, quote: quote, at: offset, listFolder: listFolder)
    case nil: break
    }
    let wordStart = Self.wordStart(in: bytes)
    let word = String(decoding: bytes[wordStart...], as: UTF8.self)
    func offer(_ candidates: [String]) -> Completion {
      Completion(start: wordStart, candidates: Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted())
    }

    if word.hasPrefix("$") { return offer(variableCandidates(word)) }

    let words = Self.pipelineWords(Self.stageWords(String(decoding: bytes[..<wordStart], as: UTF8.self)))
    guard let commandName = words.first else {
      let atStatementStart = Self.atStatementStart(before: String(decoding: bytes[..<wordStart], as: UTF8.self))
      return offer(commandNames + (atStatementStart ? Self.statementKeywords : []))
    }
    guard let signature = signature(of: commandName) else { return Completion(start: wordStart, candidates: []) }
    let given = words.dropFirst()

    if let equals = word.firstIndex(of: "=") {
      let key = String(word[..<equals])
      guard let parameter = signature.parameter(named: key) else { return Completion(start: wordStart, candidates: []) }
      let valuePrefix = String(word[word.index(after: equals)...])
      return offer(values(for: parameter, prefix: valuePrefix, listFolder: listFolder).map { key + "=" + $0 })
    }
    if word.hasPrefix("-") { return offer(signature.flags.map { "--" + $0.name }) }

    if let fields = fieldCandidates(for: signature, word: word, before: bytes[..<wordStart]) {
      return offer(fields)
    }

    let named = Set(given.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
    let namedGiven = Set(
      signature.parameters.filter { named.contains($0.name) || !named.isDisjoint(with: $0.aliases) }.map(\.name))
    // The positional parameters still open, and how many of them the words given fill.
    let open = signature.positionalParameters.filter { !namedGiven.contains($0.name) }
    let positionalCount = given.filter { !$0.contains("=") && !$0.hasPrefix("--") }.count
    let usedNames = namedGiven.union(open.prefix(positionalCount).map(\.name))
    // `name=` for the parameters not given yet, and their aliases (`type=`, `near=`, `contains=`, as the README
    // writes them). A positional parameter is offered by name only once its name is being typed: a bare TAB
    // offers its values instead.
    var candidates = signature.parameters.filter { parameter in
      !usedNames.contains(parameter.name) && parameter.kind != .expression && (!parameter.positional || !word.isEmpty)
    }.flatMap { parameter in ([parameter.name] + parameter.aliases).map { $0 + "=" } }
    // The next positional parameter's own values: country codes, command names, file paths.
    if positionalCount < open.count {
      let next = open[positionalCount]
      if next.kind == .path {
        let paths = values(for: next, prefix: word, listFolder: listFolder).filter { $0.hasPrefix(word) }
        return Completion(start: wordStart, candidates: paths.map(Self.quotedPath).sorted())
      }
      candidates += values(for: next, prefix: word, listFolder: listFolder)
      if signature.name == "help" { candidates += commandNames }
    }
    return offer(candidates)
  }

  /// A path inside a string being typed (`source "my fo`): the entries of its folder that start with what is
  /// typed, quoted with the same quote, a file's closed and a folder's left open. Nothing when the string is not
  /// where the command takes a path.
  private func completeQuotedPath(_ bytes: [UInt8], quote: Character, at offset: Int, listFolder: (String) -> [String])
    -> Completion
  {
    let none = Completion(start: bytes.count, candidates: [])
    let typed = String(decoding: bytes[(offset + 1)...], as: UTF8.self)
    guard !typed.contains("\\") else { return none }
    let words = Self.stageWords(String(decoding: bytes[..<offset], as: UTF8.self))
    guard let commandName = words.first, let signature = signature(of: commandName) else { return none }
    let given = words.dropFirst().filter { !$0.contains("=") && !$0.hasPrefix("--") }
    let positional = signature.positionalParameters
    guard given.count < positional.count, positional[given.count].kind == .path else { return none }
    // A single-quoted string is raw text: it cannot hold a `'`.
    let paths = values(for: positional[given.count], prefix: typed, listFolder: listFolder).filter {
      $0.hasPrefix(typed) && !(quote == "'" && $0.contains("'"))
    }
    // In double quotes `$` starts a variable and `\` an escape: the path's own are escaped.
    let candidates = paths.map { path in
      String(quote) + (quote == "'" ? path : Self.escapedForDoubleQuotes(path))
        + (path.hasSuffix("/") ? "" : String(quote))
    }
    return Completion(start: offset, candidates: candidates.sorted())
  }

  /// A statement's words from where its pipeline starts: without `explain`, `let x =`, `for x in`, `if`, `return`.
  private static func pipelineWords(_ words: [String]) -> [String] {
    var words = words[...]
    if words.first == "explain" { words = words.dropFirst() }
    let lead = Array(words.prefix(3))
    if lead.count == 3, lead[0] == "let" && lead[2] == "=" || lead[0] == "for" && lead[2] == "in" {
      words = words.dropFirst(3)
    } else if let first = words.first, ["if", "return"].contains(first) {
      words = words.dropFirst()
    }
    return Array(words)
  }

  /// Text as it can stand inside double quotes: `\`, `"` and `$` (which starts a variable) escaped.
  private static func escapedForDoubleQuotes(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "$", with: "\\$")
  }

  /// A path as the language reads it back: as it is when it is one plain word, else in double quotes, or single
  /// quotes (raw text) when it holds a `$`, `"` or `\`. A folder's quote is left open, for the next part.
  static func quotedPath(_ path: String) -> String {
    let isBareWord =
      !path.isEmpty && !path.hasPrefix("--") && DecimalNumber(path) == nil
      && !path.utf8.contains(where: Lexer.endsBareWord)
    if isBareWord { return path }
    let close = path.hasSuffix("/") ? "" : "\""
    guard path.contains("$") || path.contains("\"") || path.contains("\\") else { return "\"" + path + close }
    if !path.contains("'") { return "'" + path + (close.isEmpty ? "" : "'") }
    return "\"" + escapedForDoubleQuotes(path) + close
  }

  /// For a command that reads fields of what is piped in (`where`, `get`, `select`, `sort-by`, …): the field
  /// names of the piped value, from the shapes its commands declare or the variable it comes from; `price.` offers
  /// the fields of `price`. Nil when the word is not such a field.
  private func fieldCandidates(for signature: Signature, word: String, before: ArraySlice<UInt8>) -> [String]? {
    let readsFields = signature.parameters.contains { parameter in
      parameter.kind == .expression || parameter.kind == .fieldPath && parameter.positional
    }
    guard readsFields, !word.hasPrefix("$"), !word.hasPrefix("-"), !word.contains("=") else { return nil }
    let text = String(decoding: before, as: UTF8.self)
    guard let pipe = text.lastIndex(of: "|") else { return nil }
    var upstream = String(text[..<pipe])
    // The statement the pipeline belongs to starts after the last `;`, `{` or newline; `let x =` and `for x in`
    // are not part of it.
    if let start = upstream.lastIndex(where: { ";{\n".contains($0) }) {
      upstream = String(upstream[upstream.index(after: start)...])
    }
    upstream = Self.pipelineWords(upstream.split(separator: " ").map(String.init)).joined(separator: " ")
    let source = SourceFile(name: "<completion>", text: upstream)
    let statements = Parser.parse(source) { _ in [] }.statements
    var checker = Checker(engine: self, source: source, known: globals, moreCodeMayFollow: true)
    let piped = checker.shapeOfLast(statements)
    var records = piped.rows
    var prefix = ""
    if let dot = word.lastIndex(of: ".") {
      prefix = String(word[...dot])
      guard let path = FieldPath(String(word[..<dot])) else { return [] }
      records = records.reading(path).shape
      if records.kind == .list { records = records.element }
    }
    guard case .record(let fields, _) = records else { return nil }
    return fields.map { prefix + $0.name }
  }

  private func values(for parameter: Parameter, prefix: String, listFolder: (String) -> [String]) -> [String] {
    guard parameter.kind == .path else { return parameter.suggestions }
    let slash = prefix.lastIndex(of: "/")
    let folder = slash.map { String(prefix[...$0]) } ?? ""
    return listFolder(folder.isEmpty ? "." : folder).map { folder + $0 }
  }

  /// `$name` and `$name.field.field` candidates from the session's variables.
  private func variableCandidates(_ word: String) -> [String] {
    let path = word.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard path.count > 1 else {
      return (Array(variables.keys) + ["env"]).map { "$" + $0 }
    }
    var value: Value? = path[0] == "env" ? .record(environmentRecord) : self[variable: path[0]]
    for field in path.dropFirst().dropLast() {
      value = value.flatMap { Self.fieldForCompletion(field, of: $0) }
    }
    guard let value else { return [] }
    let base = "$" + path.dropLast().joined(separator: ".") + "."
    return Self.fieldNames(of: value).map { base + $0 }
  }

  private static func fieldForCompletion(_ name: String, of value: Value) -> Value? {
    if case .list(let items) = value { return items.first.flatMap { $0.field(name) } }
    return value.field(name)
  }

  private static func fieldNames(of value: Value) -> [String] {
    if case .list(let items) = value { return items.first?.fieldNames ?? [] }
    return value.fieldNames
  }

  private static func isWordByte(_ byte: UInt8) -> Bool {
    !" \t\n|;(){}[],".utf8.contains(byte)
  }

  private static func wordStart(in bytes: [UInt8]) -> Int {
    var start = bytes.count
    while start > 0, isWordByte(bytes[start - 1]) { start -= 1 }
    return start
  }

  private enum OpenQuote {
    /// A string still open: its quote, at this UTF-8 offset.
    case quote(Character, offset: Int)
    /// A comment: nothing to complete.
    case comment
  }

  /// What the text ends inside of, if anything: a string or a comment.
  private static func openQuote(in text: String) -> OpenQuote? {
    var quote: (character: Character, offset: Int)?
    var escaped = false
    var offset = 0
    for character in text {
      defer { offset += character.utf8.count }
      if let open = quote {
        if escaped {
          escaped = false
        } else if character == "\\" && open.character == "\"" {
          escaped = true
        } else if character == open.character {
          quote = nil
        }
      } else if character == "\"" || character == "'" {
        quote = (character, offset)
      } else if character == "#" {
        return .comment
      }
    }
    return quote.map { .quote($0.character, offset: $0.offset) }
  }

  /// The words of the stage being typed: the text after the last `|`, `;`, `{`, `(` or newline.
  private static func stageWords(_ text: String) -> [String] {
    var stage = Substring(text)
    if let separator = text.lastIndex(where: { "|;{(\n".contains($0) }) {
      stage = text[text.index(after: separator)...]
    }
    return stage.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
  }

  private static func atStatementStart(before text: String) -> Bool {
    let trimmed = text.reversed().drop { $0 == " " || $0 == "\t" }
    guard let last = trimmed.first else { return true }
    return ";{\n".contains(last)
  }
}
