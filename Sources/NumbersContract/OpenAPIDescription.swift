/// The contract as an OpenAPI 3.1 document, made from the same definitions the client and the sandbox use,
/// so it cannot drift from them. `2cs sandbox serve` serves it at `/openapi.yaml`.
public enum OpenAPIDescription {
  public static let path = "/openapi.yaml"

  /// Where the described API is; a tool that sends requests from the document sends them to the first.
  public struct Server: Sendable {
    public var url: String
    public var description: String

    public init(url: String, description: String) {
      self.url = url
      self.description = description
    }

    /// The server that serves the document, as a sandbox does: its own address, whatever it is.
    public static let sameOrigin = Server(url: "/", description: "this 2cs sandbox: simulated, nothing is paid")
    public static let live = Server(
      url: LiveAPI.baseURL, description: "the live API: real accounts, every purchase is paid for")
  }

  /// The document as YAML.
  public static func yaml(servers: [Server]) -> String { YAMLWriter.text(of: document(servers: servers)) }

  /// The document as a JSON value: a YAML mapping is an object, in order.
  public static func document(servers: [Server]) -> JSONValue {
    var root = JSONObject()
    root["openapi"] = "3.1.0"
    root["info"] = [
      "title": "2Chat Numbers API (as 2cs and its sandbox follow it)",
      "version": "1",
      "description": .string(
        "The purchase flow: regions, cities, number groups, requirements, available numbers, reservations, "
          + "purchase, owned numbers. Every request carries the account's key in \(Authentication.headerName). "
          + "Every API call costs one credit; over the rate limit the answer is 429 with Retry-After."),
    ]
    root["servers"] = .array(
      servers.map { server in ["url": .string(server.url), "description": .string(server.description)] })
    root["security"] = [["apiKey": []]]
    root["paths"] = .object(paths)
    var schemas = JSONObject()
    schemas["ErrorEnvelope"] = errorEnvelopeSchema
    for object in ObjectSchema.all { schemas[object.name] = schema(of: object) }
    root["components"] = [
      "securitySchemes": ["apiKey": ["type": "apiKey", "in": "header", "name": .string(Authentication.headerName)]],
      "schemas": .object(schemas),
    ]
    return .object(root)
  }

  private static var paths: JSONObject {
    var paths = JSONObject()
    for route in Endpoint.Route.allCases {
      var pathItem = paths[route.pathTemplate]?.objectValue ?? JSONObject()
      pathItem[route.method.rawValue.lowercased()] = operation(route)
      paths[route.pathTemplate] = .object(pathItem)
    }
    return paths
  }

  private static func operation(_ route: Endpoint.Route) -> JSONValue {
    var operation = JSONObject()
    operation["operationId"] = .string(route.rawValue)
    operation["summary"] = .string(route.summary)
    var parameters = route.queryParameters.map { parameter -> JSONValue in
      var object: JSONObject = [
        "name": .string(parameter.name.rawValue), "in": "query", "required": .bool(parameter.required),
        "description": .string(parameter.summary), "schema": schema(of: parameter.kind, required: parameter.required),
      ]
      // An empty value is the same as none: allowed where the parameter may be left out.
      if !parameter.required { object["allowEmptyValue"] = true }
      return .object(object)
    }
    if route.pathBeforeID != nil {
      var schema: JSONObject = ["type": "string"]
      if route == .releaseNumber { schema["pattern"] = .string(VirtualNumberID.pattern) }
      parameters.append([
        "name": .string(Endpoint.Route.pathParameterName), "in": "path", "required": true, "schema": .object(schema),
      ])
    }
    if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
    if !route.bodyFields.isEmpty {
      var properties = JSONObject()
      for field in route.bodyFields {
        var property = schema(of: field.kind, required: true).objectValue ?? JSONObject()
        // Null is the same as leaving a field out.
        if !field.required, case .string(let type)? = property["type"] { property["type"] = [.string(type), "null"] }
        property["description"] = .string(field.summary)
        properties[field.name.rawValue] = .object(property)
      }
      let required = route.bodyFields.filter(\.required).map { JSONValue.string($0.name.rawValue) }
      operation["requestBody"] = [
        "required": true,
        "content": [
          "application/json": [
            "schema": ["type": "object", "properties": .object(properties), "required": .array(required)]
          ]
        ],
      ]
    }
    let error: JSONValue = [
      "description": "The error envelope.",
      "content": ["application/json": ["schema": ["$ref": "#/components/schemas/ErrorEnvelope"]]],
    ]
    var responses = JSONObject()
    var success: JSONObject = [
      "description": "Success.", "content": ["application/json": ["schema": answerSchema(route.answer)]],
    ]
    let links = Link.all.filter { $0.source == route }
    if !links.isEmpty {
      success["links"] = .object(JSONObject(uniqueKeysWithValues: links.map { ($0.name, $0.json) }))
    }
    responses[String(route.successStatus)] = .object(success)
    responses["429"] = [
      "description": "Over the account's rate limit; try again after Retry-After seconds.",
      "headers": ["Retry-After": ["schema": ["type": "integer", "minimum": 0]]],
      "content": ["application/json": ["schema": ["$ref": "#/components/schemas/ErrorEnvelope"]]],
    ]
    responses["default"] = error
    operation["responses"] = .object(responses)
    return .object(operation)
  }

  private static func answerSchema(_ answer: AnswerLayout) -> JSONValue {
    let success = SchemaField(EnvelopeField.success, .boolean)
    switch answer {
    case .data(let name, let schema):
      return .object(objectSchema([success, SchemaField(EnvelopeField.data, .fields([SchemaField(name, schema)]))]))
    case .topLevel(let more):
      return .object(objectSchema([success] + more))
    }
  }

  private static var errorEnvelopeSchema: JSONValue {
    .object(
      objectSchema([
        SchemaField(EnvelopeField.success, .boolean), SchemaField(EnvelopeField.error, .boolean, required: false),
        SchemaField(EnvelopeField.errorMessage, .string),
      ]))
  }

  private static func schema(of object: ObjectSchema) -> JSONValue {
    var schema = objectSchema(object.fields)
    schema["description"] = .string(object.summary)
    return .object(schema)
  }

  private static func objectSchema(_ fields: [SchemaField]) -> JSONObject {
    var properties = JSONObject()
    for field in fields { properties[field.name] = schema(of: field.schema) }
    var object: JSONObject = ["type": "object", "properties": .object(properties)]
    let required = fields.filter(\.required).map { JSONValue.string($0.name) }
    if !required.isEmpty { object["required"] = .array(required) }
    return object
  }

  /// A parameter's schema. The sandbox takes an empty value for none, so a required text must not be empty.
  private static func schema(of kind: ParameterKind, required: Bool) -> JSONValue {
    switch kind {
    case .string: required ? ["type": "string", "minLength": 1] : schema(of: Schema.string)
    case .countryCode: ["type": "string", "pattern": "^[A-Z]{2}$"]
    case .integerIn(let range):
      ["type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)]
    case .digits: ["type": "string", "pattern": "^[0-9]+$"]
    case .oneOf(let values): schema(of: Schema.oneOf(values))
    }
  }

  static func schema(of schema: Schema) -> JSONValue {
    switch schema {
    case .string: return ["type": "string"]
    case .integer: return ["type": "integer"]
    case .boolean: return ["type": "boolean"]
    case .decimalString: return ["type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"]
    case .oneOf(let values): return ["type": "string", "enum": .array(values.map(JSONValue.string))]
    case .array(let items): return ["type": "array", "items": self.schema(of: items)]
    case .object(let name): return ["$ref": .string("#/components/schemas/" + name)]
    case .fields(let fields): return .object(objectSchema(fields))
    case .nullable(let inner):
      if case .object(var object) = self.schema(of: inner), case .string(let type)? = object["type"] {
        object["type"] = .array([.string(type), "null"])
        return .object(object)
      }
      return ["oneOf": [self.schema(of: inner), ["type": "null"]]]
    }
  }
}

/// Writes a JSON value as block-style YAML. String values are double-quoted and keys are quoted unless they are
/// plain words or paths, so that no value is misread (`"200"` stays text, `"on"` stays a string); anything but
/// printable ASCII is escaped, as YAML forbids some characters raw and reads others as line breaks.
enum YAMLWriter {
  static func text(of value: JSONValue) -> String {
    var output = ""
    write(value, indent: 0, to: &output)
    return output
  }

  private static func write(_ value: JSONValue, indent: Int, to output: inout String) {
    let pad = String(repeating: " ", count: indent)
    switch value {
    case .object(let object) where !object.isEmpty:
      for (key, item) in object {
        output += pad + quotedKey(key) + ":"
        writeNested(item, indent: indent, to: &output)
      }
    case .array(let items) where !items.isEmpty:
      for item in items {
        if case .object(let object) = item, !object.isEmpty {
          // `- key: value`, the object's other keys lined up under the first.
          var block = ""
          write(item, indent: indent + 2, to: &block)
          output += pad + "- " + block.dropFirst(indent + 2)
        } else {
          output += pad + "-"
          writeNested(item, indent: indent, to: &output)
        }
      }
    default:
      output += pad + scalar(value) + "\n"
    }
  }

  /// A value after `key:` or `-`: scalars and empty collections on the same line, others below it.
  private static func writeNested(_ value: JSONValue, indent: Int, to output: inout String) {
    switch value {
    case .object(let object) where !object.isEmpty:
      output += "\n"
      write(value, indent: indent + 2, to: &output)
    case .array(let items) where !items.isEmpty:
      output += "\n"
      write(value, indent: indent + 2, to: &output)
    default:
      output += " " + scalar(value) + "\n"
    }
  }

  /// A value on one line: a string quoted, anything else as JSON writes it (which YAML reads the same).
  private static func scalar(_ value: JSONValue) -> String {
    if case .string(let text) = value { return quoted(text) }
    return value.jsonText
  }

  /// `text` in YAML's double quotes, which take JSON's escapes, and all of it ASCII.
  static func quoted(_ text: String) -> String {
    var output = ""
    JSONValue.writeQuoted(text, to: &output, asciiOnly: true)
    return output
  }

  private static func quotedKey(_ key: String) -> String {
    let reserved: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]
    let plain =
      key.first.map { $0.isLetter || $0 == "/" || $0 == "$" } == true
      && key.unicodeScalars.allSatisfy {
        $0.isASCII && ($0.properties.isAlphabetic || "0123456789_./{}$-".unicodeScalars.contains($0))
      }
      && !reserved.contains(key.lowercased())
    return plain ? key : quoted(key)
  }
}
