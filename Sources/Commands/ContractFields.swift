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

extension Parameter {
  /// A command parameter that is the API's query parameter of the same name, with the contract's description,
  /// so the help of a command and the API's description say the same.
  init(
    _ name: QueryParameter, of route: Endpoint.Route, _ kind: Kind, aliases: [String] = [], suggestions: [String] = []
  ) {
    let summary = route.queryParameter(name)?.summary ?? ""
    self.init(name.rawValue, kind, aliases: aliases, summary: summary, suggestions: suggestions)
  }
}

extension APICall {
  /// The request of `route`, as the contract writes it; a purchase spends money.
  init(_ route: Endpoint.Route, when: String? = nil) {
    let names =
      route.queryParameters.map(\.name.rawValue) + route.bodyFields.map(\.name.rawValue)
      + (route.pathBeforeID == nil ? [] : [Endpoint.Route.pathParameterName])
    self.init(
      method: route.method.rawValue, path: route.pathTemplate, when: when, spendsMoney: route == .purchase,
      parameters: names)
  }
}

/// Fields 2cs adds to what the server sent, so that the next command of a pipeline knows where a value came from.
enum AddedField: String, FieldName {
  /// The country a `groups` search asked for.
  case country
  /// `sandbox`, `local` or `live`, on `info`.
  case mode
  /// A purchase result made from the account's numbers after the server's answer was lost.
  case checkedAfterLostAnswer = "checked_after_lost_answer"
  /// What a write returns in a dry run instead of the server's answer: `dry_run: true` and the request.
  case dryRun = "dry_run"
  case method, path, body
}
