import Language
import NumbersContract

extension Record {
  /// The field of an API answer with this name.
  subscript<Name: FieldName>(_ name: Name) -> Value? {
    get { self[name.rawValue] }
    set { self[name.rawValue] = newValue }
  }
}

extension Value {
  func field<Name: FieldName>(_ name: Name) -> Value? { field(name.rawValue) }
}

/// Fields 2cs adds to what the server sent, so that the next command of a pipeline knows where a value came from.
enum AddedField: String, FieldName {
  /// The country a `groups` search asked for.
  case country
  /// `sandbox`, `local` or `live`, on `info`.
  case mode
  /// A purchase result made from the account's numbers after the server's answer was lost.
  case checkedAfterLostAnswer = "checked_after_lost_answer"
}
