import Foundation
import HTTPTypes
import NumbersAPI
import Sandbox
import TestSupport
import Testing
import Yams

@testable import NumbersContract

/// `/openapi.yaml` as `2cs sandbox serve` serves it, read by a YAML parser that knows nothing of 2cs.
private func servedDescription(_ transport: any Transport) async throws -> [String: Any] {
  let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: OpenAPIDescription.path)
  let response = try await transport.send(APIRequest(head: head), timeout: .seconds(10))
  #expect(response.head.status == .ok)
  #expect(response.head.headerFields[.contentType] == "application/yaml")
  let text = try #require(String(validating: response.body, as: UTF8.self))
  return try #require(try Yams.load(yaml: text) as? [String: Any], "the description is not a YAML mapping")
}

/// Checks JSON against the subset of JSON Schema the description uses: `$ref`, `type` (one or a list),
/// `properties`, `required`, `items`, `enum`, `pattern`. Returns what does not fit, with the path to it.
private struct SchemaValidator {
  let schemas: [String: Any]

  func problems(_ value: JSONValue, _ schema: [String: Any], at path: String = "$") -> [String] {
    if let reference = schema["$ref"] as? String {
      let name = String(reference.split(separator: "/").last ?? "")
      guard let target = schemas[name] as? [String: Any] else { return ["\(path): unknown schema \(reference)"] }
      return problems(value, target, at: path)
    }
    let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
    if !types.isEmpty, !types.contains(where: { Self.value(value, is: $0) }) {
      return ["\(path): \(value.jsonText.prefix(60)) is not \(types.joined(separator: " or "))"]
    }
    var found: [String] = []
    if let allowed = schema["enum"] as? [String], let text = value.stringValue, !allowed.contains(text) {
      found.append("\(path): \(text) is none of \(allowed)")
    }
    if let pattern = schema["pattern"] as? String, let text = value.stringValue,
      text.range(of: pattern, options: .regularExpression) == nil
    {
      found.append("\(path): \(text) does not match \(pattern)")
    }
    if case .object(let object) = value {
      for name in schema["required"] as? [String] ?? [] where object[name] == nil {
        found.append("\(path): \(name) is missing")
      }
      for (name, property) in schema["properties"] as? [String: Any] ?? [:] {
        if let field = object[name], let property = property as? [String: Any] {
          found += problems(field, property, at: "\(path).\(name)")
        }
      }
    }
    if case .array(let items) = value, let itemSchema = schema["items"] as? [String: Any] {
      for (index, item) in items.enumerated() { found += problems(item, itemSchema, at: "\(path)[\(index)]") }
    }
    return found
  }

  private static func value(_ value: JSONValue, is type: String) -> Bool {
    switch (type, value) {
    case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
      ("object", .object):
      true
    case ("integer", .number(let text)): Int(text) != nil
    default: false
    }
  }
}

@Suite("The OpenAPI description")
struct OpenAPITests {
  @Test("strings YAML forbids raw, or reads as line breaks, come back whole from a YAML parser")
  func yamlQuotingSurvivesAnyText() throws {
    let awkward = "q\"b\\n\n\t\r\u{7F}\u{85}\u{9F}\u{A0}\u{FEFF}\u{2028}é😀 on: #x"
    var object = JSONObject()
    object["plain"] = .string(awkward)
    object[awkward] = .string("as a key")
    object["200"] = .string("on")
    let parsed = try #require(try Yams.load(yaml: YAMLWriter.text(of: .object(object))) as? [String: Any])
    #expect(parsed["plain"] as? String == awkward)
    #expect(parsed[awkward] as? String == "as a key")
    #expect(parsed["200"] as? String == "on")
  }

  @Test("the description is read-only: other methods get a 405 naming GET and HEAD, with no key needed")
  func otherMethodsOnTheDescriptionAreRefused() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      for method: HTTPRequest.Method in [.post, .put, .delete] {
        let head = HTTPRequest(method: method, scheme: nil, authority: nil, path: OpenAPIDescription.path + "?x=1")
        let answer = try await transport.send(APIRequest(head: head), timeout: .seconds(10))
        #expect(answer.head.status.code == 405, "\(method)")
        #expect(answer.head.headerFields[.allow] == "GET, HEAD", "\(method)")
        #expect(ErrorEnvelope.message(in: try JSONValue(parsing: answer.body))?.contains("not allowed") == true)
      }
    }
  }

  @Test("lists every endpoint of the contract module, with its method and parameters, and nothing else")
  func agreesWithTheContractModule() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      let description = try await servedDescription(transport)
      #expect(description["openapi"] as? String == "3.1.0")
      let servers = try #require(description["servers"] as? [[String: Any]])
      #expect(
        servers.first?["url"] as? String == "/", "a tool trying requests must reach the sandbox, not the live API")
      let paths = try #require(description["paths"] as? [String: [String: Any]])
      var described: Set<String> = []
      for (path, operations) in paths {
        for method in operations.keys { described.insert("\(method.uppercased()) \(path)") }
      }
      #expect(described == Set(Endpoint.Route.allCases.map(\.name)))
      for route in Endpoint.Route.allCases {
        let operation = try #require(paths[route.pathTemplate]?[route.method.rawValue.lowercased()] as? [String: Any])
        let parameters = operation["parameters"] as? [[String: Any]] ?? []
        let query = parameters.filter { $0["in"] as? String == "query" }
        #expect(
          query.compactMap { $0["name"] as? String } == route.queryParameters.map(\.name.rawValue), "\(route)")
        #expect(
          query.filter { $0["required"] as? Bool == true }.compactMap { $0["name"] as? String }
            == route.queryParameters.filter(\.required).map(\.name.rawValue), "\(route)")
        let responses = try #require(operation["responses"] as? [String: Any])
        #expect(responses[String(route.successStatus)] != nil, "\(route)")
      }
    }
  }

  @Test("every answer of the sandbox, on each endpoint, fits the schema the description gives it")
  func sandboxAnswersValidate() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      let description = try await servedDescription(transport)
      let paths = try #require(description["paths"] as? [String: [String: Any]])
      let components = try #require(description["components"] as? [String: Any])
      let validator = SchemaValidator(schemas: try #require(components["schemas"] as? [String: Any]))
      var checked: Set<Endpoint.Route> = []

      func send(_ endpoint: Endpoint, query: String = "", body: JSONObject? = nil) async throws -> JSONValue {
        var fields = HTTPFields()
        fields[try #require(HTTPField.Name(Authentication.headerName))] = testKey
        if body != nil { fields[.contentType] = "application/json" }
        let head = HTTPRequest(
          method: endpoint.method, scheme: nil, authority: nil, path: endpoint.path + query, headerFields: fields)
        let response = try await transport.send(
          APIRequest(head: head, body: body.map { JSONValue.object($0).jsonBytes } ?? []), timeout: .seconds(10))
        let route = endpoint.route
        let status = String(response.head.status.code)
        #expect(status == String(route.successStatus), "\(endpoint.name): \(status)")
        let operation = try #require(paths[route.pathTemplate]?[route.method.rawValue.lowercased()] as? [String: Any])
        let answer = try #require((operation["responses"] as? [String: Any])?[status] as? [String: Any])
        let content = try #require(answer["content"] as? [String: Any])
        let schema = try #require((content["application/json"] as? [String: Any])?["schema"] as? [String: Any])
        let json = try JSONValue(parsing: response.body)
        let problems = validator.problems(json, schema)
        #expect(problems.isEmpty, "\(endpoint.name)\(query): \(problems.prefix(5))")
        checked.insert(route)
        return json
      }

      _ = try await send(.regions, query: "?country=US")
      _ = try await send(.cities, query: "?country=US")
      _ = try await send(.didTypes)
      _ = try await send(.requirements, query: "?country=DE")
      let groups = try await send(.groups, query: "?country=US")
      let group = try #require(
        groups[EnvelopeField.data]?[DataField.groups]?.arrayValue?.first {
          $0[GroupField.allowNumberSelection] == .bool(true)
        })
      let groupID = try #require(group[GroupField.id]?.stringValue)
      _ = try await send(.available, query: "?group_id=\(groupID)")
      var body = JSONObject()
      body[PurchaseBodyField.groupID] = .string(groupID)
      let reserved = try await send(.createReservation, body: body)
      _ = try await send(.listReservations)
      let uuid = try #require(reserved[EnvelopeField.data]?[DataField.reservationDetails]?[ReservationField.uuid])
      _ = try await send(.cancelReservation(uuid: try #require(uuid.stringValue)))
      let bought = try await send(.purchase, body: body)
      _ = try await send(.ownedNumbers, query: "?page_number=0&results_per_page=10")
      let number = try #require(bought[PurchaseField.numbers]?.arrayValue?.first?[VirtualNumberField.uuid])
      _ = try await send(.releaseNumber(uuid: try #require(number.stringValue)))
      _ = try await send(.info)
      #expect(
        checked == Set(Endpoint.Route.allCases), "not checked: \(Set(Endpoint.Route.allCases).subtracting(checked))")
    }
  }
}

/// What the description allows a request to hold, tried against the sandbox: Schemathesis
/// (scripts/fuzz/schemathesis) sends such values, and a request the description allows must not be refused
/// as malformed, nor one it forbids be answered.
@Suite("The OpenAPI description's limits")
struct OpenAPILimitTests {
  /// Sends a request with the test key; gives the status and the JSON answer.
  private static func send(
    _ transport: any Transport, _ route: Endpoint.Route, query: [(String, String)] = [], body: JSONObject? = nil
  ) async throws -> (status: Int, json: JSONValue) {
    var fields = HTTPFields()
    fields[try #require(HTTPField.Name(Authentication.headerName))] = testKey
    if body != nil { fields[.contentType] = "application/json" }
    var components = URLComponents()
    components.path = route.pathTemplate
    if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
    let target = try #require(components.percentEncodedPath.isEmpty ? nil : components.string)
    let head = HTTPRequest(method: route.method, scheme: nil, authority: nil, path: target, headerFields: fields)
    let response = try await transport.send(
      APIRequest(head: head, body: body.map { JSONValue.object($0).jsonBytes } ?? []), timeout: .seconds(10))
    return (response.head.status.code, try JSONValue(parsing: response.body))
  }

  /// The values at the edges of what a schema allows, where it can say: the shortest text, the smallest and
  /// largest whole number (past any `Int` where it sets no bound), every listed value. A text with a pattern
  /// gives none.
  private static func edges(of schema: [String: Any]) -> [JSONValue] {
    if let values = schema["enum"] as? [String] { return values.map(JSONValue.string) }
    let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
    var values: [JSONValue] = types.contains("null") ? [.null] : []
    if types.contains("string"), schema["pattern"] == nil {
      values.append(.string(String(repeating: "9", count: schema["minLength"] as? Int ?? 0)))
    }
    if types.contains("integer") {
      values.append(.number((schema["minimum"] as? Int).map(String.init) ?? "-99999999999999999999"))
      values.append(.number((schema["maximum"] as? Int).map(String.init) ?? "99999999999999999999"))
    }
    return values
  }

  /// The id of a group of `country` that lets the buyer choose numbers.
  private static func selectableGroup(_ transport: any Transport, country: String) async throws -> String {
    let groups = try await send(transport, .groups, query: [(QueryParameter.country.rawValue, country)])
    return try #require(
      groups.json[EnvelopeField.data]?[DataField.groups]?.arrayValue?.first {
        $0[GroupField.allowNumberSelection] == .bool(true)
      }?[GroupField.id]?.stringValue, "no group of \(country) lets the buyer choose numbers")
  }

  /// A query parameter the served description lists: its route, its name and schema, whether it may be sent
  /// empty, and the route's other required parameters with a usual value each.
  private struct DescribedQueryParameter {
    var route: Endpoint.Route
    var name: String
    var schema: [String: Any]
    var allowsEmptyValue: Bool
    var others: [(String, String)]
  }

  /// Every query parameter of every route, as the description served through `transport` gives them; a
  /// country and a group that lets the buyer choose numbers fill the other required parameters.
  private static func describedQueryParameters(_ transport: any Transport) async throws -> [DescribedQueryParameter] {
    let paths = try #require(try await servedDescription(transport)["paths"] as? [String: [String: Any]])
    let group = try await selectableGroup(transport, country: "US")
    let usual = [QueryParameter.country.rawValue: "US", QueryParameter.groupID.rawValue: group]
    var described: [DescribedQueryParameter] = []
    for route in Endpoint.Route.allCases where !route.queryParameters.isEmpty {
      let operation = try #require(paths[route.pathTemplate]?[route.method.rawValue.lowercased()] as? [String: Any])
      let parameters = try #require(operation["parameters"] as? [[String: Any]])
      for parameter in parameters where parameter["in"] as? String == "query" {
        let name = try #require(parameter["name"] as? String)
        var others: [(String, String)] = []
        for other in parameters where other["required"] as? Bool == true {
          if let otherName = other["name"] as? String, otherName != name, let usual = usual[otherName] {
            others.append((otherName, usual))
          }
        }
        described.append(
          DescribedQueryParameter(
            route: route, name: name, schema: try #require(parameter["schema"] as? [String: Any], "\(name)"),
            allowsEmptyValue: parameter["allowEmptyValue"] as? Bool == true, others: others))
      }
    }
    return described
  }

  @Test("a query parameter at an edge of what the description allows is not refused as a bad request")
  func describedQueryValuesAreAccepted() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      for parameter in try await Self.describedQueryParameters(transport) {
        for value in Self.edges(of: parameter.schema) {
          let text = value.stringValue ?? value.jsonText
          let answer = try await Self.send(
            transport, parameter.route, query: [(parameter.name, text)] + parameter.others)
          #expect(
            answer.status != 400 && answer.status < 500, "\(parameter.route.name) \(parameter.name)=\(text): \(answer)")
        }
      }
    }
  }

  /// Values just past what a parameter's schema allows, where it can say: an empty text where the schema needs
  /// one character (or needs a number or a listed value) and the parameter does not allow an empty value, the
  /// whole numbers just past its bounds, and a value it does not list.
  private static func pastEdges(of parameter: DescribedQueryParameter) -> [String] {
    let schema = parameter.schema
    var values: [String] = []
    if !parameter.allowsEmptyValue,
      schema["type"] as? String != "string" || (schema["minLength"] as? Int ?? 0) > 0 || schema["enum"] != nil
    {
      values.append("")
    }
    if schema["enum"] != nil { values.append("none-such") }
    if schema["type"] as? String == "integer" {
      if let minimum = schema["minimum"] as? Int { values.append(String(Int128(minimum) - 1)) }
      if let maximum = schema["maximum"] as? Int { values.append(String(Int128(maximum) + 1)) }
    }
    return values
  }

  @Test("a query parameter just past what the description allows is refused")
  func valuesPastTheDescribedOnesAreRefused() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      for parameter in try await Self.describedQueryParameters(transport) {
        for text in Self.pastEdges(of: parameter) {
          let answer = try await Self.send(
            transport, parameter.route, query: [(parameter.name, text)] + parameter.others)
          #expect((400..<500).contains(answer.status), "\(parameter.route.name) \(parameter.name)='\(text)': \(answer)")
        }
      }
    }
  }

  @Test("a body field at an edge of what the description allows is not refused as a bad request")
  func describedBodyValuesAreAccepted() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      let paths = try #require(try await servedDescription(transport)["paths"] as? [String: [String: Any]])
      let group = try await Self.selectableGroup(transport, country: "GB")
      for route in Endpoint.Route.allCases where !route.bodyFields.isEmpty {
        let operation = try #require(paths[route.pathTemplate]?[route.method.rawValue.lowercased()] as? [String: Any])
        let content = try #require((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])
        let schema = try #require((content["application/json"] as? [String: Any])?["schema"] as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: [String: Any]])
        for field in route.bodyFields where !field.required {
          let edges = Self.edges(of: try #require(properties[field.name.rawValue]))
          #expect(!edges.isEmpty, "\(route.name) \(field.name): a schema with no type this test knows")
          for value in edges {
            var body = JSONObject()
            body[PurchaseBodyField.groupID] = .string(group)
            body[field.name] = value
            let answer = try await Self.send(transport, route, body: body)
            #expect(answer.status != 400 && answer.status < 500, "\(route.name) \(field.name)=\(value): \(answer)")
          }
        }
      }
    }
  }

  @Test("a page past the last one the description allows is refused with a 400 naming page_number")
  func pagesPastTheLastAreRefused() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      let paths = try #require(try await servedDescription(transport)["paths"] as? [String: [String: Any]])
      let route = Endpoint.Route.ownedNumbers
      let operation = try #require(paths[route.pathTemplate]?[route.method.rawValue.lowercased()] as? [String: Any])
      let parameters = try #require(operation["parameters"] as? [[String: Any]])
      func largest(_ name: QueryParameter) throws -> Int {
        let parameter = try #require(parameters.first { $0["name"] as? String == name.rawValue })
        return try #require((parameter["schema"] as? [String: Any])?["maximum"] as? Int, "\(name) has no maximum")
      }
      let lastPage = try largest(.pageNumber)
      let mostPerPage = try largest(.resultsPerPage)
      #expect(!lastPage.multipliedReportingOverflow(by: mostPerPage).overflow, "the last page's place fits an Int")
      let pageName = QueryParameter.pageNumber.rawValue
      let perPage = QueryParameter.resultsPerPage.rawValue
      for (asked, status) in [(lastPage, 200), (lastPage + 1, 400)] {
        for results in [1, mostPerPage] {
          let answer = try await Self.send(transport, route, query: [(pageName, "\(asked)"), (perPage, "\(results)")])
          #expect(answer.status == status, "page \(asked), \(results) per page: \(answer)")
          if status == 400 { #expect(ErrorEnvelope.message(in: answer.json)?.contains(pageName) == true) }
        }
      }
    }
  }
}

@Suite("The OpenAPI description's links")
struct OpenAPILinkTests {
  /// The schema at a JSON pointer's steps below `schema`, following `$ref`s, or nil where there is none.
  private static func schema(at steps: [Substring], in schema: [String: Any], schemas: [String: Any]) -> [String: Any]?
  {
    var current = schema
    for step in [Substring("")] + steps {
      while let reference = current["$ref"] as? String {
        guard let target = schemas[String(reference.split(separator: "/").last ?? "")] as? [String: Any] else {
          return nil
        }
        current = target
      }
      if step.isEmpty { continue }
      if Int(step) != nil {
        guard let items = current["items"] as? [String: Any] else { return nil }
        current = items
      } else {
        guard let property = (current["properties"] as? [String: Any])?[String(step)] as? [String: Any] else {
          return nil
        }
        current = property
      }
    }
    return current
  }

  @Test("every link leads to an operation with the parameters it fills, from values its source has")
  func linksLeadSomewhere() async throws {
    try await withTransport(.http, try Sandbox(configuration: .testing())) { transport in
      let description = try await servedDescription(transport)
      let paths = try #require(description["paths"] as? [String: [String: Any]])
      let schemas = try #require((description["components"] as? [String: Any])?["schemas"] as? [String: Any])
      var targets: Set<Endpoint.Route> = []
      for source in Endpoint.Route.allCases {
        let operation = try #require(paths[source.pathTemplate]?[source.method.rawValue.lowercased()] as? [String: Any])
        let success = try #require((operation["responses"] as? [String: Any])?[String(source.successStatus)])
        let answer = try #require(
          (((success as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?[
            "schema"] as? [String: Any])
        for (name, link) in (success as? [String: Any])?["links"] as? [String: [String: Any]] ?? [:] {
          let target = try #require(
            Endpoint.Route(rawValue: link["operationId"] as? String ?? ""), "\(source.name) → \(name)")
          targets.insert(target)
          let parameters = link["parameters"] as? [String: String] ?? [:]
          let body = link["requestBody"] as? [String: String] ?? [:]
          let takes = Set(
            target.queryParameters.map(\.name.rawValue)
              + (target.pathBeforeID == nil ? [] : [Endpoint.Route.pathParameterName]))
          #expect(Set(parameters.keys).isSubset(of: takes), "\(source.name) → \(name)")
          #expect(Set(body.keys).isSubset(of: Set(target.bodyFields.map(\.name.rawValue))), "\(source.name) → \(name)")
          let required =
            target.queryParameters.filter(\.required).map(\.name.rawValue)
            + target.bodyFields.filter(\.required).map(\.name.rawValue)
            + (target.pathBeforeID == nil ? [] : [Endpoint.Route.pathParameterName])
          #expect(
            Set(required).isSubset(of: Set(parameters.keys).union(body.keys)), "\(source.name) → \(name) fills all")
          for expression in Array(parameters.values) + Array(body.values) {
            if let pointer = expression.split(separator: "$response.body#/").first, expression.hasPrefix("$response") {
              let steps = pointer.split(separator: "/")
              #expect(
                Self.schema(at: steps, in: answer, schemas: schemas) != nil, "\(source.name) → \(name): \(expression)")
            } else if expression.hasPrefix("$request.query.") {
              let parameter = expression.dropFirst("$request.query.".count)
              #expect(source.queryParameters.contains { $0.name.rawValue == parameter }, "\(expression)")
            } else {
              let field = expression.split(separator: "$request.body#/").first ?? ""
              #expect(
                expression.hasPrefix("$request.body#/") && source.bodyFields.contains { $0.name.rawValue == field },
                "\(expression)")
            }
          }
        }
      }
      #expect(targets.isSuperset(of: [.available, .createReservation, .purchase, .cancelReservation, .releaseNumber]))
    }
  }
}
