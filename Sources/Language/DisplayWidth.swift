/// How many cells of a terminal text takes, as `wcwidth` counts them: East Asian wide and fullwidth characters
/// and emoji take two, combining marks, joiners and variation selectors none. Tables pad and cut by it, and a
/// diagnostic's carets are placed by it.
extension Unicode.Scalar {
  /// 0, 1 or 2 cells; control characters take none.
  public var displayWidth: Int {
    let value = value
    if value < 0x7F { return value >= 0x20 ? 1 : 0 }
    if value < 0xA0 { return 0 }
    if value < 0x300 { return 1 }
    switch properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control: return 0
    default: break
    }
    // Hangul medial vowels and final consonants join the syllable before them.
    if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
    if properties.isEmojiPresentation || Self.isWide(value) { return 2 }
    return 1
  }

  /// East Asian Wide (W) and Fullwidth (F) blocks, from Unicode's EastAsianWidth.txt, in blocks.
  private static func isWide(_ value: UInt32) -> Bool {
    switch value {
    case 0x1100...0x115F,  // Hangul initial consonants
      0x2329...0x232A,  // angle brackets
      0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
      0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, Kanbun, CJK strokes, enclosed
      0x3400...0x4DBF,  // CJK extension A
      0x4E00...0x9FFF,  // CJK unified ideographs
      0xA000...0xA4CF,  // Yi
      0xA960...0xA97F,  // Hangul jamo extended A
      0xAC00...0xD7A3,  // Hangul syllables
      0xF900...0xFAFF,  // CJK compatibility ideographs
      0xFE10...0xFE19,  // vertical forms
      0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
      0xFF00...0xFF60,  // fullwidth forms
      0xFFE0...0xFFE6,  // fullwidth signs
      0x16FE0...0x16FE4,  // ideographic symbols
      0x17000...0x18CFF,  // Tangut, Khitan
      0x1AFF0...0x1B2FF,  // Kana supplement and extensions, Nushu
      0x1F200...0x1F2FF,  // enclosed ideographic supplement
      0x20000...0x2FFFD,  // CJK extensions B to F
      0x30000...0x3FFFD:  // CJK extension G and on
      return true
    default:
      return false
    }
  }
}

extension Character {
  /// The cells of one character as a terminal draws it: an emoji sequence (a flag, a ZWJ family, a keycap, a
  /// symbol with the emoji variation selector) is one wide glyph; a base with combining marks is its base.
  public var displayWidth: Int {
    let scalars = unicodeScalars
    guard let first = scalars.first else { return 0 }
    if let ascii = asciiValue { return ascii >= 0x20 && ascii != 0x7F ? 1 : 0 }
    var widest = 0
    for scalar in scalars {
      if scalar == "\u{FE0F}", first.properties.isEmoji { return 2 }
      widest = max(widest, scalar.displayWidth)
    }
    return widest
  }
}

extension StringProtocol {
  /// The cells the text takes on one line of a terminal.
  public var displayWidth: Int {
    var width = 0
    var isASCII = true
    for byte in utf8 {
      if byte >= 0x80 {
        isASCII = false
        break
      }
      if byte >= 0x20 && byte != 0x7F { width += 1 }
    }
    if isASCII { return width }
    width = 0
    for character in self { width += character.displayWidth }
    return width
  }

  /// The longest start of the text that takes at most `cells` cells.
  public func prefix(cells: Int) -> SubSequence {
    var used = 0
    var end = startIndex
    while end < endIndex {
      let next = self[end].displayWidth
      if used + next > cells { break }
      used += next
      end = index(after: end)
    }
    return self[startIndex..<end]
  }
}
