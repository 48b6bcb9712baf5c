public import Language
import NumbersAPI
public import NumbersContract

/// API prices arrive as decimal strings; the language holds them as numbers that keep their digits.
let priceFields = Set(PriceField.allCases.map(\.rawValue))

/// A JSON number that 2cs cannot hold exactly, and where it is in the document.
public struct InexactJSONNumber: Error, Sendable, CustomStringConvertible {
  public var text: String
  /// `numbers[2].price`; empty for the document itself.
  public var path: String
  public var description: String { JSONNumber.describeInexact(text, at: path) }
}

extension DecimalNumber {
  /// The exact number a JSON number's text (or a CSV cell) writes, as `JSONNumber.exactDecimal` reads it.
  init?(exactJSON text: some StringProtocol) {
    guard let (significand, places) = JSONNumber.exactDecimal(text) else { return nil }
    self.init(significand: significand, scale: places)
  }
}

extension Value {
  /// A language value from JSON: numbers stay exact, and price strings become numbers. A number that does not fit
  /// is an error naming it and where it is; nothing is rounded or turned into text.
  public init(checkingJSON json: JSONValue) throws(InexactJSONNumber) {
    if let (path, text) = JSONNumber.firstInexact(in: json) { throw InexactJSONNumber(text: text, path: path) }
    self = Value.converting(json, key: nil)
  }

  /// A language value from JSON whose numbers were checked where it came in: API answers by the client (an
  /// answer with a number that does not fit is a malformed answer naming the field), the journal as 2cs wrote
  /// it. Were an unchecked number met anyway, it keeps its digits as text.
  public init(json: JSONValue) {
    self = Value.converting(json, key: nil)
  }

  private static func converting(_ json: JSONValue, key: String?) -> Value {
    switch json {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .number(let text): return DecimalNumber(exactJSON: text).map(Value.number) ?? .string(text)
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
