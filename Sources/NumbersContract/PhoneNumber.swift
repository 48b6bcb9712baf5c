/// Phone numbers as the API spells them: E.164 (`+12135551234`), though a server or a person may write
/// them without the `+` or with spaces, brackets and dashes.
public enum PhoneNumber {
  /// The digits of a number, the one form in which two spellings of the same number are equal.
  public static func digits(_ number: String) -> String {
    String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
  }

  /// Whether two spellings name the same number.
  public static func same(_ first: String, _ second: String) -> Bool {
    let digits = digits(first)
    return !digits.isEmpty && digits == Self.digits(second)
  }
}
