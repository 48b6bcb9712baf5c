/// JSON numbers as exact decimals: a whole significand that fits 128 bits and at most 36 places after the point,
/// which is what 2cs's numbers hold. A number outside that is refused by name, never rounded nor turned into text.
public enum JSONNumber {
  /// Places after the point a number may have (as the language's numbers).
  public static let maximumPlaces = 36

  /// What a number may be, for messages.
  public static let limitText = "at most 38 significant digits and \(maximumPlaces) places after the point"

  /// The exact value of a JSON number's text (`42`, `-3.50`, `1E5`, `0.1e-3`): its significand and places after
  /// the point, keeping the places it was written with (`3.50` has 2); nil when it is not a JSON number or does not
  /// fit. `-0` is zero.
  public static func exactDecimal(_ text: some StringProtocol) -> (significand: Int128, places: Int)? {
    let bytes = Array(text.utf8)
    var index = 0
    func isDigit(_ position: Int) -> Bool {
      position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
    }
    let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
    if negative { index += 1 }
    var significand: Int128 = 0
    var places = 0
    var overflow = false
    func accumulate(_ byte: UInt8) {
      let (times10, over1) = significand.multipliedReportingOverflow(by: 10)
      let (sum, over2) = times10.addingReportingOverflow(Int128(byte - UInt8(ascii: "0")))
      overflow = overflow || over1 || over2
      significand = sum
    }
    // JSON's grammar: no leading zeros, digits on both sides of a point.
    guard isDigit(index), !(bytes[index] == UInt8(ascii: "0") && isDigit(index + 1)) else { return nil }
    while isDigit(index) {
      accumulate(bytes[index])
      index += 1
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard isDigit(index) else { return nil }
      while isDigit(index) {
        accumulate(bytes[index])
        places += 1
        index += 1
      }
    }
    var exponent = 0
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      let exponentNegative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
      guard isDigit(index) else { return nil }
      while isDigit(index) {
        // Past a few digits the exponent is out of range whatever it is; it only has to stay large.
        exponent = min(exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")), 100_000)
        index += 1
      }
      if exponentNegative { exponent = -exponent }
    }
    guard index == bytes.count, !overflow else { return nil }
    if significand == 0 { return (0, min(max(places - exponent, 0), maximumPlaces)) }
    places -= exponent
    while places < 0 {
      let (scaled, over) = significand.multipliedReportingOverflow(by: 10)
      guard !over else { return nil }
      significand = scaled
      places += 1
    }
    guard places <= maximumPlaces else { return nil }
    return (negative ? -significand : significand, places)
  }

  /// The first number in `value` that is not an exact decimal, with where it is (`numbers[2].price`; empty for
  /// the value itself). Every answer is looked at, so the places are put into words only when there is one.
  public static func firstInexact(in value: JSONValue) -> (path: String, text: String)? {
    hasInexact(value) ? firstInexact(in: value, path: "") : nil
  }

  private static func hasInexact(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let text): exactDecimal(text) == nil
    case .array(let items): items.contains(where: hasInexact)
    case .object(let object): object.values.contains(where: hasInexact)
    case .null, .bool, .string: false
    }
  }

  private static func firstInexact(in value: JSONValue, path: String) -> (path: String, text: String)? {
    switch value {
    case .number(let text): return exactDecimal(text) == nil ? (path, text) : nil
    case .array(let items):
      for (index, item) in items.enumerated() {
        if let found = firstInexact(in: item, path: "\(path)[\(index)]") { return found }
      }
      return nil
    case .object(let object):
      for (key, item) in object {
        if let found = firstInexact(in: item, path: path.isEmpty ? key : "\(path).\(key)") { return found }
      }
      return nil
    case .null, .bool, .string: return nil
    }
  }

  /// Says which number does not fit and where; a number longer than 60 characters is shown by its ends.
  public static func describeInexact(_ text: String, at path: String) -> String {
    let shown = text.count > 60 ? "\(text.prefix(30))…\(text.suffix(10)) (\(text.count) characters)" : text
    let place = path.isEmpty ? "" : " at \(path)"
    return "the number \(shown)\(place) does not fit 2cs's exact numbers (\(limitText))"
  }
}
