public import Language
import NumbersAPI
public import NumbersContract

/// API prices arrive as decimal strings; the language holds them as numbers that keep their digits.
let priceFields = Set(PriceField.allCases.map(\.rawValue))

extension Value {
  /// A language value from JSON: numbers stay exact, and price strings become numbers.
  public init(json: JSONValue) {
    self = Value.converting(json, key: nil)
  }

  private static func converting(_ json: JSONValue, key: String?) -> Value {
    switch json {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .number(let text): return DecimalNumber(text).map(Value.number) ?? .string(text)
    case .string(let text):
      if let key, priceFields.contains(key), let number = DecimalNumber(text) { return .number(number) }
      return .string(text)
    case .array(let items): return .list(items.map { converting($0, key: nil) })
    case .object(let object):
      // Mapping the values keeps the object's keys as they are, shared; only price fields look at their key.
      var fields = object.mapValues { converting($0, key: nil) }
      for key in priceFields {
        if case .string(let text)? = object[key], let number = DecimalNumber(text) { fields[key] = .number(number) }
      }
      return .record(Record(fields))
    }
  }

  /// The value as JSON; numbers are written with the digits they carry (`3.50`).
  public var json: JSONValue {
    switch self {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .number(let number): .number(number.description)
    case .string(let text): .string(text)
    case .list(let items): .array(items.map(\.json))
    case .record(let record):
      .object(record.dictionary.mapValues(\.json))
    case .block: .string("{ block }")
    case .error(let error): Value.record(error.record).json
    }
  }
}
