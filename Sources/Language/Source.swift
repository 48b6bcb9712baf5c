/// A program's text with its name, as diagnostics quote it.
public struct SourceFile: Sendable {
  public let name: String
  public let text: String
  let bytes: [UInt8]
  private let lineStarts: [Int]

  public init(name: String, text: String) {
    self.name = name
    self.text = text
    self.bytes = Array(text.utf8)
    var starts = [0]
    for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
    self.lineStarts = starts
  }

  /// Reads a file's bytes; bytes that are not UTF-8 are an error at the first of them.
  public static func decoding(_ bytes: [UInt8], name: String) -> Result<SourceFile, InvalidSource> {
    if let text = String(validating: bytes, as: UTF8.self) { return .success(SourceFile(name: name, text: text)) }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    decoding: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): offset += UTF8.width(scalar)
      case .emptyInput, .error: break decoding
      }
    }
    let prefix = SourceFile(name: name, text: String(decoding: bytes[0..<offset], as: UTF8.self))
    return .failure(
      InvalidSource(diagnostic: Diagnostics.invalidUTF8(at: SourceRange(offset, offset)), source: prefix))
  }

  /// 1-based line and column (in characters) of a byte offset.
  /// The text a range covers.
  public func text(of range: SourceRange) -> String {
    let start = max(0, min(range.start, bytes.count))
    return String(decoding: bytes[start..<max(start, min(range.end, bytes.count))], as: UTF8.self)
  }

  public func location(of offset: Int) -> (line: Int, column: Int) {
    let clamped = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
    }
    let lineStart = lineStarts[low]
    let prefix = bytes[lineStart..<clamped]
    let column = String(decoding: prefix, as: UTF8.self).count + 1
    return (low + 1, column)
  }

  /// The text of a 1-based line, without its newline.
  public func line(_ number: Int) -> String {
    guard number >= 1, number <= lineStarts.count else { return "" }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  func slice(_ range: SourceRange) -> String {
    String(decoding: bytes[max(0, range.start)..<min(bytes.count, range.end)], as: UTF8.self)
  }
}

/// Byte offsets `[start, end)` into a `SourceFile`.
public struct SourceRange: Sendable, Hashable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  public static let none = SourceRange(0, 0)

  public func to(_ other: SourceRange) -> SourceRange { SourceRange(min(start, other.start), max(end, other.end)) }
}

/// A file that could not be read as source text.
public struct InvalidSource: Error, Sendable {
  public var diagnostic: Diagnostic
  /// The readable part of the file, for the diagnostic's line and column.
  public var source: SourceFile

  public init(diagnostic: Diagnostic, source: SourceFile) {
    self.diagnostic = diagnostic
    self.source = source
  }
}
