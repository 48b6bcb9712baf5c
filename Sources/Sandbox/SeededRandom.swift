/// SplitMix64: small, fast and the same on every platform, so a seed always
/// yields the same catalog.
struct SeededRandom: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// A generator for one named thing (a group, a number), independent of the order things are made in.
  init(seed: UInt64, _ parts: String...) {
    state = seed ^ stableHash(parts.joined(separator: "\u{1F}"))
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }

  mutating func digits(_ count: Int) -> String {
    String((0..<count).map { _ in Character(String(next() % 10)) })
  }

  mutating func hex(_ count: Int) -> String {
    var text = ""
    while text.count < count { text += String(next(), radix: 16) }
    return String(text.prefix(count))
  }

  /// A version-4-shaped UUID string.
  mutating func uuid() -> String {
    let raw = hex(32)
    let characters = Array(raw)
    let variant = "89ab"[String.Index(utf16Offset: Int(next() % 4), in: "89ab")]
    let parts = [
      String(characters[0..<8]), String(characters[8..<12]), "4" + String(characters[13..<16]),
      String(variant) + String(characters[17..<20]), String(characters[20..<32]),
    ]
    return parts.joined(separator: "-")
  }
}

/// FNV-1a: a hash that, unlike `Hasher`, is the same in every process.
func stableHash(_ text: String) -> UInt64 {
  var hash: UInt64 = 0xCBF2_9CE4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash &*= 0x0000_0100_0000_01B3
  }
  return hash
}
