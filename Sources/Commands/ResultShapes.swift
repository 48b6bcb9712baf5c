import Language
import NumbersContract

/// The shapes of the API commands' results, read from the contract's schemas, with the fields 2cs adds.
enum ContractShapes {
  static func shape(of schema: Schema) -> Shape {
    switch schema {
    case .string, .oneOf: .string
    case .integer: .number
    case .boolean: .bool
    // Prices arrive as decimal strings; 2cs holds them as numbers (see `priceFields`).
    case .decimalString: .number
    case .array(let item): .list(shape(of: item))
    case .object(let name): ObjectSchema.all.first { $0.name == name }.map { record($0) } ?? .unknown
    case .fields(let fields): .record(fields.map(field), open: false)
    case .nullable(let inner): shape(of: inner)
    }
  }

  /// A field of an answer; one that not every answer has must be read as `name?`.
  static func field(_ schemaField: SchemaField) -> ShapeField {
    ShapeField(schemaField.name, shape(of: schemaField.schema), mayBeMissing: !schemaField.required)
  }

  static func record(_ object: ObjectSchema, adding added: [ShapeField] = []) -> Shape {
    .record(object.fields.map(field) + added, open: object.fieldsVary)
  }

  /// A list of a route's answer objects, as the read commands return it.
  static func list(of route: Endpoint.Route, adding added: [ShapeField] = []) -> Shape {
    guard case .data(_, .array(.object(let name))) = route.answer,
      let object = ObjectSchema.all.first(where: { $0.name == name })
    else { return .list(.unknown) }
    return .list(record(object, adding: added))
  }

  static let groups = list(of: .groups, adding: [ShapeField(AddedField.country.rawValue, .string)])
  static let available = list(of: .available, adding: [ShapeField(PurchaseBodyField.groupID.rawValue, .string)])
  /// The fields of a route's success answer, as 2cs returns it: a dry run returns them as null, so that a script
  /// that reads one goes on as it would after a real answer.
  static func answerFields(of route: Endpoint.Route) -> [String] {
    switch route.answer {
    case .data(_, let schema):
      guard case .record(let fields, _) = shape(of: schema) else { return [] }
      return fields.map(\.name)
    case .topLevel(let fields): return [EnvelopeField.success.rawValue] + fields.map(\.name)
    }
  }

  /// What a write returns in a dry run instead of the server's answer (see `perform`).
  static let dryRun: [ShapeField] = [
    ShapeField(AddedField.dryRun.rawValue, .bool), ShapeField(AddedField.method.rawValue, .string),
    ShapeField(AddedField.path.rawValue, .string), ShapeField(AddedField.body.rawValue, .unknown),
  ]

  static let reservation = record(
    .reservationDetails, adding: [ShapeField(PurchaseBodyField.groupID.rawValue, .string)] + dryRun)

  static let info: Shape = {
    guard case .topLevel(let fields) = Endpoint.Route.info.answer else { return .unknown }
    return .record(
      fields.map(field) + [ShapeField(AddedField.mode.rawValue, .string)],
      open: false)
  }()
}
