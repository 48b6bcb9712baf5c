// Places in source text marked inline, as swift-syntax's tests mark them: `let x = 1️⃣[1, 2` says where
// the error is, instead of a line and column counted by hand.

/// Source text with places marked by the keycap emoji 1️⃣ … 9️⃣. `source` is the text without the markers;
/// `place(_:)` says where a marker stood in it, as 2cs reports places (1-based line, 1-based column in
/// characters).
public struct MarkedSource: Sendable {
  public struct Place: Sendable, Equatable {
    /// 1-based.
    public var line: Int
    /// 1-based, in characters, as diagnostics count them.
    public var column: Int
    /// The text of the marked line, without the markers.
    public var lineText: String
    /// 0-based, in UTF-8 bytes from the start of the source.
    public var offset: Int

    /// `name:line:column`, as a diagnostic begins.
    public func location(in name: String) -> String { "\(name):\(line):\(column)" }

    /// The caret line a diagnostic prints under `lineText` for a range `width` characters wide, indent
    /// included.
    public func caret(width: Int = 1) -> String {
      "  " + String(repeating: " ", count: column - 1) + String(repeating: "^", count: width)
    }
  }

  public static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

  /// The text without its markers.
  public let source: String
  private let places: [String: Place]

  public init(_ marked: String) {
    var source = ""
    var places: [String: (line: Int, column: Int, offset: Int)] = [:]
    var line = 1
    var column = 1
    for character in marked {
      if Self.markers.contains(String(character)) {
        precondition(places[String(character)] == nil, "\(character) marks two places")
        places[String(character)] = (line, column, source.utf8.count)
        continue
      }
      source.append(character)
      if character == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    self.source = source
    self.places = places.mapValues {
      Place(line: $0.line, column: $0.column, lineText: String(lines[$0.line - 1]), offset: $0.offset)
    }
  }

  /// Where `marker` stood.
  public func place(_ marker: String) throws -> Place {
    guard let place = places[marker] else { throw TestFailure("no \(marker) in the marked source:\n\(source)") }
    return place
  }
}
