extension JSONValue {
  /// Compact JSON text.
  public var jsonText: String {
    var output = ""
    write(to: &output, indent: nil, level: 0)
    return output
  }

  /// JSON text indented by two spaces a level, for people to read.
  public var prettyJSONText: String {
    var output = ""
    write(to: &output, indent: "  ", level: 0)
    return output
  }

  public var jsonBytes: [UInt8] { Array(jsonText.utf8) }

  private func write(to output: inout String, indent: String?, level: Int) {
    switch self {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .number(let text): output += text
    case .string(let text): JSONValue.writeQuoted(text, to: &output)
    case .array(let items):
      guard !items.isEmpty else {
        output += "[]"
        return
      }
      output += "["
      for (position, item) in items.enumerated() {
        if position > 0 { output += "," }
        JSONValue.newline(&output, indent: indent, level: level + 1)
        item.write(to: &output, indent: indent, level: level + 1)
      }
      JSONValue.newline(&output, indent: indent, level: level)
      output += "]"
    case .object(let object):
      guard object.count > 0 else {
        output += "{}"
        return
      }
      output += "{"
      for (position, field) in object.enumerated() {
        if position > 0 { output += "," }
        JSONValue.newline(&output, indent: indent, level: level + 1)
        JSONValue.writeQuoted(field.key, to: &output)
        output += indent == nil ? ":" : ": "
        field.value.write(to: &output, indent: indent, level: level + 1)
      }
      JSONValue.newline(&output, indent: indent, level: level)
      output += "}"
    }
  }

  private static func newline(_ output: inout String, indent: String?, level: Int) {
    guard let indent else { return }
    output += "\n"
    for _ in 0..<level { output += indent }
  }

  /// `text` in double quotes with JSON's escapes. `asciiOnly` also escapes everything beyond printable ASCII,
  /// as YAML wants (it forbids some characters raw and reads others as line breaks): `\uXXXX`, or beyond the
  /// basic plane YAML's `\UXXXXXXXX`, which is not JSON; only the YAML writer asks for it.
  static func writeQuoted(_ text: String, to output: inout String, asciiOnly: Bool = false) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20 || (asciiOnly && scalar.value >= 0x7F):
        let (escape, digits) = scalar.value < 0x10000 ? ("u", 4) : ("U", 8)
        let hex = String(scalar.value, radix: 16)
        output += "\\" + escape + String(repeating: "0", count: digits - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
