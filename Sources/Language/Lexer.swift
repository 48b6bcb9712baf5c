/// One token, with where it came from.
struct Token: Equatable {
  enum Kind: Equatable {
    /// An identifier in expressions; a bare word (a string, or a command name) in arguments.
    case word(String)
    case variable(String)
    case number(DecimalNumber)
    case string([LexedStringPart])
    /// `--name`
    case flag(String)
    case symbol(Symbol)
    case newline
    case end
    /// Text the lexer could not read; it has reported why.
    case invalid
  }

  var kind: Kind
  var range: SourceRange
  /// Whether white space (or a comment) comes right before it.
  var spaced: Bool
}

/// The punctuation and operators, matched by case so that a misspelt one does not compile.
enum Symbol: String, CaseIterable {
  case pipe = "|"
  case semicolon = ";"
  case openParenthesis = "("
  case closeParenthesis = ")"
  case openBracket = "["
  case closeBracket = "]"
  case openBrace = "{"
  case closeBrace = "}"
  case comma = ","
  case colon = ":"
  case dot = "."
  /// `let x = …`, `key=value`, a parameter's default.
  case assign = "="
  case plus = "+"
  case minus = "-"
  case star = "*"
  case slash = "/"
  case percent = "%"
  case less = "<"
  case greater = ">"
  case equal = "=="
  case notEqual = "!="
  case lessOrEqual = "<="
  case greaterOrEqual = ">="
  case matches = "=~"
  /// After a field or an index: it may be missing (`price.ppm?`).
  case question = "?"
}

enum LexedStringPart: Equatable {
  case text(String)
  /// `$name.field[index]…` inside a string: the range of the reference, read as an expression.
  case reference(SourceRange)
  /// `$( ... )` inside a string: the range of the text between the parentheses.
  case pipeline(SourceRange)
}

/// Reads tokens on demand. The parser says which kind of position it is at,
/// because `sort-by` is one word in a command but `a - b` is a subtraction.
struct Lexer {
  enum Mode {
    /// Command names and their arguments: bare words, `key=`, `--flags`.
    case argument
    /// Where an operand may start: `+1213...` is a phone number string.
    case operand
    /// After an operand: operators.
    case `operator`
  }

  let source: SourceFile
  private let bytes: [UInt8]
  private(set) var position: Int
  let end: Int
  private(set) var diagnostics: [Diagnostic] = []

  init(source: SourceFile, range: SourceRange? = nil) {
    self.source = source
    self.bytes = source.bytes
    self.position = range?.start ?? 0
    self.end = range?.end ?? source.bytes.count
  }

  mutating func reset(to offset: Int) { position = offset }

  private func byte(at offset: Int) -> UInt8? { offset < end ? bytes[offset] : nil }

  private static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || byte == UInt8(ascii: "_")
  }

  private static func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  /// Bytes that end a bare word in argument position.
  static func endsBareWord(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "|"),
      UInt8(ascii: ";"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
      UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "="),
      UInt8(ascii: ","), UInt8(ascii: "#"), UInt8(ascii: "$"):
      true
    default: byte < 0x20 || byte == 0x7F
    }
  }

  /// Skips spaces, tabs, comments and backslash-newline; returns whether anything was skipped.
  private mutating func skipSpace() -> Bool {
    let start = position
    while let current = byte(at: position) {
      if current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\r") {
        position += 1
      } else if current == UInt8(ascii: "#") {
        while let next = byte(at: position), next != UInt8(ascii: "\n") { position += 1 }
      } else if current == UInt8(ascii: "\\"), byte(at: position + 1) == UInt8(ascii: "\n") {
        position += 2
      } else {
        break
      }
    }
    return position > start || start == 0
  }

  mutating func next(_ mode: Mode) -> Token {
    let spaced = skipSpace()
    let start = position
    guard let current = byte(at: position) else {
      return Token(kind: .end, range: SourceRange(end, end), spaced: spaced)
    }
    func token(_ kind: Token.Kind) -> Token { Token(kind: kind, range: SourceRange(start, position), spaced: spaced) }

    switch current {
    case UInt8(ascii: "\n"):
      position += 1
      return token(.newline)
    case UInt8(ascii: "\""), UInt8(ascii: "'"):
      return token(lexString(quote: current))
    case UInt8(ascii: "$"):
      position += 1
      guard let first = byte(at: position), Self.isIdentifierStart(first) else {
        diagnostics.append(
          Diagnostics.expected(
            "a variable name after '$'", found: describe(at: position), at: SourceRange(start, position + 1)))
        return token(.invalid)
      }
      let nameStart = position
      while let next = byte(at: position), Self.isIdentifierPart(next) { position += 1 }
      return token(.variable(text(nameStart, position)))
    default:
      break
    }

    if mode == .argument {
      if current == UInt8(ascii: "-"), byte(at: position + 1) == UInt8(ascii: "-"),
        let letter = byte(at: position + 2), Self.isIdentifierStart(letter)
      {
        position += 2
        while let next = byte(at: position), !Self.endsBareWord(next) { position += 1 }
        return token(.flag(text(start + 2, position)))
      }
      if !Self.endsBareWord(current) {
        while let next = byte(at: position), !Self.endsBareWord(next) { position += 1 }
        let word = text(start, position)
        if current != UInt8(ascii: "+"), let number = DecimalNumber(word),
          Self.isDigit(current) || current == UInt8(ascii: "-") || current == UInt8(ascii: ".")
        {
          return token(.number(number))
        }
        return token(.word(word))
      }
    } else {
      if Self.isIdentifierStart(current) {
        while let next = byte(at: position), Self.isIdentifierPart(next) { position += 1 }
        return token(.word(text(start, position)))
      }
      if Self.isDigit(current) {
        while let next = byte(at: position), Self.isDigit(next) { position += 1 }
        if byte(at: position) == UInt8(ascii: "."), let after = byte(at: position + 1), Self.isDigit(after) {
          position += 1
          while let next = byte(at: position), Self.isDigit(next) { position += 1 }
        }
        guard let number = DecimalNumber(text(start, position)) else {
          diagnostics.append(Diagnostics.numberTooLong(at: SourceRange(start, position)))
          return token(.invalid)
        }
        return token(.number(number))
      }
      if mode == .operand, current == UInt8(ascii: "+"), let after = byte(at: position + 1), Self.isDigit(after) {
        position += 1
        while let next = byte(at: position), Self.isDigit(next) { position += 1 }
        return token(.string([.text(text(start, position))]))
      }
    }

    // Symbols, longest first.
    if byte(at: position + 1) != nil, let symbol = Symbol(rawValue: text(start, start + 2)) {
      position += 2
      return token(.symbol(symbol))
    }
    if current < 0x80, let symbol = Symbol(rawValue: String(UnicodeScalar(current))) {
      position += 1
      return token(.symbol(symbol))
    }
    return unexpected(at: start, spaced: spaced)
  }

  private mutating func unexpected(at start: Int, spaced: Bool) -> Token {
    // Step over one whole character, or one invalid byte.
    var stop = start + 1
    while stop < end, bytes[stop] & 0xC0 == 0x80 { stop += 1 }
    position = stop
    if let character = String(validating: bytes[start..<stop], as: UTF8.self)?.first {
      diagnostics.append(Diagnostics.unexpectedCharacter(character, at: SourceRange(start, stop)))
      if character == "\u{0}" { position = end }  // a NUL byte: this is not a text file
    } else {
      diagnostics.append(Diagnostics.invalidUTF8(at: SourceRange(start, stop)))
    }
    return Token(kind: .invalid, range: SourceRange(start, stop), spaced: spaced)
  }

  private func describe(at offset: Int) -> String {
    guard let value = byte(at: offset) else { return "the end of the input" }
    if value == UInt8(ascii: "\n") { return "the end of the line" }
    return "'\(String(UnicodeScalar(value)))'"
  }

  private func text(_ start: Int, _ stop: Int) -> String {
    String(decoding: bytes[start..<min(stop, end)], as: UTF8.self)
  }

  private mutating func lexString(quote: UInt8) -> Token.Kind {
    let start = position
    position += 1
    var parts: [LexedStringPart] = []
    var literal: [UInt8] = []
    func flush() {
      if !literal.isEmpty {
        parts.append(.text(String(decoding: literal, as: UTF8.self)))
        literal.removeAll()
      }
    }
    while true {
      guard let current = byte(at: position) else {
        diagnostics.append(Diagnostics.unterminatedString(at: SourceRange(start, start + 1)))
        return .invalid
      }
      if current == quote {
        position += 1
        flush()
        return .string(parts)
      }
      if quote == UInt8(ascii: "'") {
        literal.append(current)
        position += 1
        continue
      }
      if current == UInt8(ascii: "\\") {
        guard let escaped = byte(at: position + 1) else {
          position += 1
          continue
        }
        if let replacement = StringEscapes.byte(escapedAs: escaped) {
          literal.append(replacement)
        } else {
          diagnostics.append(
            Diagnostics.invalidEscape(text(position, position + 2), at: SourceRange(position, position + 2)))
        }
        position += 2
        continue
      }
      if current == UInt8(ascii: "$") {
        if byte(at: position + 1) == UInt8(ascii: "(") {
          guard let close = matchingParenthesis(from: position + 1) else {
            diagnostics.append(Diagnostics.unclosed("$(", at: SourceRange(position, position + 2)))
            position = end
            return .invalid
          }
          flush()
          parts.append(.pipeline(SourceRange(position + 2, close)))
          position = close + 1
          continue
        }
        if let first = byte(at: position + 1), Self.isIdentifierStart(first) {
          flush()
          let referenceStart = position
          position += 1
          while let next = byte(at: position), Self.isIdentifierPart(next) { position += 1 }
          // Then `.field` and `[index]`, as often as they come.
          while true {
            if byte(at: position) == UInt8(ascii: "."), let after = byte(at: position + 1), Self.isIdentifierPart(after)
            {
              position += 1
              while let next = byte(at: position), Self.isIdentifierPart(next) { position += 1 }
            } else if byte(at: position) == UInt8(ascii: "[") {
              guard
                let close = matchingBracket(
                  from: position, open: UInt8(ascii: "["), close: UInt8(ascii: "]"), withinLine: true)
              else {
                diagnostics.append(Diagnostics.unclosed("[", at: SourceRange(position, position + 1)))
                // Go on at the next line, so that the errors after it are reported too.
                while let next = byte(at: position), next != UInt8(ascii: "\n") { position += 1 }
                return .invalid
              }
              position = close + 1
            } else {
              break
            }
          }
          parts.append(.reference(SourceRange(referenceStart, position)))
          continue
        }
      }
      literal.append(current)
      position += 1
    }
  }

  /// The offset of the `)` that closes the `(` at `open`, skipping strings inside.
  private func matchingParenthesis(from open: Int) -> Int? {
    matchingBracket(from: open, open: UInt8(ascii: "("), close: UInt8(ascii: ")"))
  }

  /// The offset of the bracket that closes the one at `start`, skipping strings inside; `withinLine` stops the
  /// search at the end of the line.
  private func matchingBracket(from start: Int, open opening: UInt8, close closing: UInt8, withinLine: Bool = false)
    -> Int?
  {
    var depth = 0
    var offset = start
    var quote: UInt8?
    while offset < end {
      let current = bytes[offset]
      if withinLine, current == UInt8(ascii: "\n") { return nil }
      if let active = quote {
        if current == UInt8(ascii: "\\"), active == UInt8(ascii: "\"") {
          offset += 2
          continue
        }
        if current == active { quote = nil }
      } else if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") {
        quote = current
      } else if current == opening {
        depth += 1
      } else if current == closing {
        depth -= 1
        if depth == 0 { return offset }
      }
      offset += 1
    }
    return nil
  }
}
