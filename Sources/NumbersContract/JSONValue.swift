public import OrderedCollections

/// A JSON document as the server sent it: object fields keep their order and
/// numbers keep their literal text, so `"3.50"` and `3.50` print back unchanged
/// and no value ever passes through binary floating point.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// The number's literal text, e.g. `"3.50"` or `"-12"`.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  public subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let flag) = self { return flag }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let items) = self { return items }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let object) = self { return object }
    return nil
  }

  /// The value as a whole number, from a JSON number or a string of digits.
  public var intValue: Int? {
    switch self {
    case .number(let text), .string(let text): return Int(text)
    default: return nil
    }
  }

  public static func int(_ value: Int) -> JSONValue { .number(String(value)) }
}

/// An ordered JSON object: it keeps the server's field order for display. The language's `Record` keeps its
/// fields in the same ordered map (with equality that ignores order), so a value crosses between them with its
/// keys shared, not copied field by field.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(nilLiteral: ()) { self = .null }
  public init(integerLiteral value: Int) { self = .number(String(value)) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    var object = JSONObject()
    for (key, value) in elements { object[key] = value }
    self = .object(object)
  }
}

extension Optional where Wrapped == String {
  /// The string, or JSON null when absent.
  public var json: JSONValue { map(JSONValue.string) ?? .null }
}
