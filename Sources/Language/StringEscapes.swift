/// The escapes of a 2cs string literal, both ways: the lexer reads them, `Value.literalText` writes them.
enum StringEscapes {
  /// Each escaped byte, and the letter written after the backslash for it.
  private static let pairs: [(byte: UInt8, letter: UInt8)] = [
    (UInt8(ascii: "\""), UInt8(ascii: "\"")), (UInt8(ascii: "\\"), UInt8(ascii: "\\")),
    (UInt8(ascii: "$"), UInt8(ascii: "$")), (0x0A, UInt8(ascii: "n")), (0x09, UInt8(ascii: "t")),
  ]

  /// The byte `\letter` stands for; nil when it is no escape.
  static func byte(escapedAs letter: UInt8) -> UInt8? {
    pairs.first { $0.letter == letter }?.byte
  }

  /// `text` in double quotes, escaped so that the lexer reads it back as `text`.
  static func quoted(_ text: String) -> String {
    var bytes: [UInt8] = [UInt8(ascii: "\"")]
    bytes.reserveCapacity(text.utf8.count + 2)
    for byte in text.utf8 {
      if let pair = pairs.first(where: { $0.byte == byte }) {
        bytes += [UInt8(ascii: "\\"), pair.letter]
      } else {
        bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
    return String(decoding: bytes, as: UTF8.self)
  }
}
