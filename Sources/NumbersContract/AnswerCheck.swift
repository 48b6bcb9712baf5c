extension Endpoint.Route {
  /// Where a success answer contradicts the contract's types, as a sentence naming the field
  /// (`reservation_details is a list, not an object`), or nil when nothing does.
  ///
  /// Only what is there is checked: a missing field, and null anywhere, are left to the commands that read them
  /// (servers leave fields out). Fields the contract does not list are not looked at, and neither are the fields
  /// of an object whose fields vary (requirements differ by country); a text with a fixed set of values only has
  /// to be text, since the set may grow.
  public func typeProblem(in body: JSONObject) -> String? {
    if let success = body[EnvelopeField.success], success != .null, success.boolValue == nil {
      return "\(EnvelopeField.success.rawValue) is \(Self.describe(success)), not true or false"
    }
    switch answer {
    case .data(let name, let schema):
      if let data = body[EnvelopeField.data], data != .null, data.objectValue == nil {
        return "\(EnvelopeField.data.rawValue) is \(Self.describe(data)), not an object"
      }
      guard let value = SuccessEnvelope.field(name, in: body) else { return nil }
      return Self.problem(value, schema, at: name.rawValue)
    case .topLevel(let fields):
      return Self.problem(in: body, fields, at: nil)
    }
  }

  private static func problem(in object: JSONObject, _ fields: [SchemaField], at path: String?) -> String? {
    for field in fields {
      guard let value = object[field.name] else { continue }
      let place = path.map { "\($0).\(field.name)" } ?? field.name
      if let problem = problem(value, field.schema, at: place) { return problem }
    }
    return nil
  }

  private static func problem(_ value: JSONValue, _ schema: Schema, at path: String) -> String? {
    if value == .null { return nil }
    func expected(_ kind: String) -> String { "\(path) is \(describe(value)), not \(kind)" }
    switch schema {
    case .string, .oneOf:
      return value.stringValue == nil ? expected("text") : nil
    case .integer:
      // By its digits: a whole number too large for 64 bits is still one (and reported as too large elsewhere).
      if case .number(let text) = value, text.drop(while: { $0 == "-" }).allSatisfy(\.isASCIIDigit) { return nil }
      return expected("a whole number")
    case .boolean:
      return value.boolValue == nil ? expected("true or false") : nil
    case .decimalString:
      switch value {
      case .number: return nil
      case .string(let text) where JSONNumber.exactDecimal(text) != nil: return nil
      default: return expected("a price such as \"3.50\"")
      }
    case .nullable(let inner):
      return problem(value, inner, at: path)
    case .array(let item):
      guard let items = value.arrayValue else { return expected("a list") }
      for (index, element) in items.enumerated() {
        if let problem = problem(element, item, at: "\(path)[\(index)]") { return problem }
      }
      return nil
    case .object(let name):
      guard let object = value.objectValue else { return expected("an object") }
      guard let objectSchema = ObjectSchema.all.first(where: { $0.name == name }), !objectSchema.fieldsVary else {
        return nil
      }
      return problem(in: object, objectSchema.fields, at: path)
    case .fields(let fields):
      guard let object = value.objectValue else { return expected("an object") }
      return problem(in: object, fields, at: path)
    }
  }

  /// A value as a message shows it: short text in quotes, a number, or what kind of value it is.
  private static func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool(let flag): String(flag)
    case .number(let text): text.count > 20 ? "a number" : text
    case .string(let text): text.count > 20 ? "a text" : "\"\(text)\""
    case .array: "a list"
    case .object: "an object"
    }
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
