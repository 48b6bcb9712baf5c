/// An exact decimal number: a whole significand and how many of its digits
/// follow the point. `3.50` keeps its two places, `0.1 + 0.2 == 0.3` holds,
/// and no value ever passes through binary floating point.
///
/// The significand is never `Int128.min`, which has no negative: arithmetic that would make it reports overflow,
/// so the range is symmetric and negating, `abs` and printing cannot overflow.
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
  public private(set) var significand: Int128
  public private(set) var scale: Int

  /// Digits kept after the point by division that does not come out even.
  public static let divisionPlaces = 20
  static let maximumScale = 36

  public init(significand: Int128, scale: Int) {
    self.significand = significand
    self.scale = scale
  }

  public init(_ value: Int) {
    self.init(significand: Int128(value), scale: 0)
  }

  /// Reads `42`, `-3.50`, `.5`, `2e3`, `1.5E-3`; nil for anything else or more digits than fit.
  public init?(_ text: some StringProtocol) {
    let bytes = Array(text.utf8)
    var index = 0
    func isDigit(_ position: Int) -> Bool {
      position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
    }
    var negative = false
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
      negative = bytes[index] == UInt8(ascii: "-")
      index += 1
    }
    var significand: Int128 = 0
    var significantDigits = 0
    var scale = 0
    var digits = 0
    func accumulate(_ byte: UInt8) -> Bool {
      significand = significand * 10 + Int128(byte - UInt8(ascii: "0"))
      if significand != 0 { significantDigits += 1 }
      digits += 1
      return significantDigits <= 36
    }
    while isDigit(index) {
      guard accumulate(bytes[index]) else { return nil }
      index += 1
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard isDigit(index) else { return nil }
      while isDigit(index) {
        guard accumulate(bytes[index]) else { return nil }
        scale += 1
        index += 1
      }
    }
    guard digits > 0 else { return nil }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      let exponentText = String(decoding: bytes[(index + 1)...], as: UTF8.self)
      guard let exponent = Int(exponentText), exponent.magnitude <= UInt(Self.maximumScale) else { return nil }
      scale -= exponent
      index = bytes.count
    }
    guard index == bytes.count else { return nil }
    if scale < 0 {
      guard let scaled = Self.multiply(significand, byPowerOfTen: -scale) else { return nil }
      significand = scaled
      scale = 0
    }
    guard scale <= Self.maximumScale else { return nil }
    self.init(significand: negative ? -significand : significand, scale: scale)
  }

  public var description: String {
    let negative = significand < 0
    var digits = String(significand.magnitude)
    if scale > 0 {
      if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
    }
    return negative ? "-" + digits : digits
  }

  /// The value as an `Int` when it is whole and fits.
  public var intValue: Int? {
    let whole = normalized
    guard whole.scale == 0, let value = Int(exactly: whole.significand) else { return nil }
    return value
  }

  public var isWhole: Bool { normalized.scale == 0 }

  /// The same value with trailing zeros after the point removed.
  public var normalized: DecimalNumber {
    var copy = self
    while copy.scale > 0, copy.significand % 10 == 0 {
      copy.significand /= 10
      copy.scale -= 1
    }
    return copy
  }

  public static func == (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
    let (left, right) = aligned(lhs, rhs)
    return left == right
  }

  public func hash(into hasher: inout Hasher) {
    let plain = normalized
    hasher.combine(plain.significand)
    hasher.combine(plain.scale)
  }

  public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
    let (left, right) = aligned(lhs, rhs)
    return left < right
  }

  // MARK: Arithmetic, each nil on overflow (or division by zero)

  public func adding(_ other: DecimalNumber) -> DecimalNumber? {
    if scale == other.scale {
      let (sum, overflow) = significand.addingReportingOverflow(other.significand)
      return overflow ? nil : Self.checked(sum, scale: scale)
    }
    let scale = max(self.scale, other.scale)
    guard let left = Self.multiply(significand, byPowerOfTen: scale - self.scale),
      let right = Self.multiply(other.significand, byPowerOfTen: scale - other.scale)
    else { return nil }
    let (sum, overflow) = left.addingReportingOverflow(right)
    return overflow ? nil : Self.checked(sum, scale: scale)
  }

  public func subtracting(_ other: DecimalNumber) -> DecimalNumber? {
    other.negatedIfRepresentable.flatMap(adding)
  }

  public func multiplying(by other: DecimalNumber) -> DecimalNumber? {
    // Most numbers are small: two that fit in 64 bits have a product that fits in 128, with no overflow to check.
    if let left = Int64(exactly: significand), let right = Int64(exactly: other.significand),
      scale + other.scale <= Self.maximumScale
    {
      return DecimalNumber(significand: Int128(left) &* Int128(right), scale: scale + other.scale)
    }
    var left = self
    var right = other
    while true {
      let (product, overflow) = left.significand.multipliedReportingOverflow(by: right.significand)
      if !overflow && left.scale + right.scale <= Self.maximumScale {
        return Self.checked(product, scale: left.scale + right.scale)
      }
      // Drop places that are zero, then round away the finest place, and try again.
      if left.scale > 0, left.significand % 10 == 0 {
        left = DecimalNumber(significand: left.significand / 10, scale: left.scale - 1)
      } else if right.scale > 0, right.significand % 10 == 0 {
        right = DecimalNumber(significand: right.significand / 10, scale: right.scale - 1)
      } else if left.scale >= right.scale, left.scale > 0 {
        left = left.rounded(toPlaces: left.scale - 1)
      } else if right.scale > 0 {
        right = right.rounded(toPlaces: right.scale - 1)
      } else {
        return nil
      }
    }
  }

  public func dividing(by other: DecimalNumber) -> DecimalNumber? {
    guard other.significand != 0 else { return nil }
    let targetScale = Self.divisionPlaces
    // significand / other.significand scaled so the quotient has targetScale + 1 places, then rounded.
    let shift = targetScale + 1 - scale + other.scale
    var numerator = significand
    var denominator = other.significand
    if shift >= 0 {
      guard let scaled = Self.multiply(numerator, byPowerOfTen: shift) else { return nil }
      numerator = scaled
    } else {
      guard let scaled = Self.multiply(denominator, byPowerOfTen: -shift) else { return nil }
      denominator = scaled
    }
    let (whole, overflow) = numerator.dividedReportingOverflow(by: denominator)
    guard !overflow, let quotient = Self.checked(whole, scale: targetScale + 1) else { return nil }
    let result = quotient.rounded(toPlaces: targetScale).normalized
    let places = max(scale, other.scale)
    return result.scale < places ? result.withScale(places) : result
  }

  public func remainder(dividingBy other: DecimalNumber) -> DecimalNumber? {
    guard other.significand != 0 else { return nil }
    let scale = max(self.scale, other.scale)
    guard let left = Self.multiply(significand, byPowerOfTen: scale - self.scale),
      let right = Self.multiply(other.significand, byPowerOfTen: scale - other.scale)
    else { return nil }
    let (remainder, overflow) = left.remainderReportingOverflow(dividingBy: right)
    return overflow ? nil : DecimalNumber(significand: remainder, scale: scale)
  }

  /// The number with its sign changed; nil only for a significand of `Int128.min`, which arithmetic never makes.
  public var negatedIfRepresentable: DecimalNumber? {
    significand == .min ? nil : DecimalNumber(significand: -significand, scale: scale)
  }

  /// The number with its sign changed, for numbers made by this type's arithmetic and parsing (never
  /// `Int128.min`, which would stay as it is rather than trap).
  public var negated: DecimalNumber { negatedIfRepresentable ?? self }

  /// A result, or nil (overflow) when its significand is `Int128.min`.
  private static func checked(_ significand: Int128, scale: Int) -> DecimalNumber? {
    significand == .min ? nil : DecimalNumber(significand: significand, scale: scale)
  }

  /// Rounded half away from zero to `places` digits after the point.
  public func rounded(toPlaces places: Int) -> DecimalNumber {
    guard places < scale else { return self }
    let drop = scale - places
    // Every significand is smaller than 10^39: dropping that many digits or more leaves zero.
    guard drop < Self.powersOfTen.count else { return DecimalNumber(significand: 0, scale: places) }
    let divisor = Self.powersOfTen[drop]
    var quotient = significand / divisor
    let remainder = significand % divisor
    // In UInt128: twice a remainder near 10^38 would overflow Int128.
    if remainder.magnitude * 2 >= divisor.magnitude { quotient += significand < 0 ? -1 : 1 }
    return DecimalNumber(significand: quotient, scale: places)
  }

  /// The same value written with at least `places` digits after the point.
  public func withScale(_ places: Int) -> DecimalNumber {
    guard places > scale, let scaled = Self.multiply(significand, byPowerOfTen: places - scale) else { return self }
    return DecimalNumber(significand: scaled, scale: places)
  }

  static let powersOfTen: [Int128] = {
    var powers: [Int128] = [1]
    for _ in 1...38 { powers.append((powers.last ?? 1) * 10) }
    return powers
  }()

  static func multiply(_ value: Int128, byPowerOfTen power: Int) -> Int128? {
    guard power > 0 else { return value }
    guard power < powersOfTen.count else { return value == 0 ? 0 : nil }
    let (result, overflow) = value.multipliedReportingOverflow(by: powersOfTen[power])
    return overflow ? nil : result
  }

  private static func aligned(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> (Int128, Int128) {
    let scale = max(lhs.scale, rhs.scale)
    if let left = multiply(lhs.significand, byPowerOfTen: scale - lhs.scale),
      let right = multiply(rhs.significand, byPowerOfTen: scale - rhs.scale)
    {
      return (left, right)
    }
    // Too many digits to align exactly: compare at a coarser scale.
    let coarse = min(lhs.scale, rhs.scale)
    return (lhs.rounded(toPlaces: coarse).significand, rhs.rounded(toPlaces: coarse).significand)
  }
}
