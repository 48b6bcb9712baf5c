extension OpenAPIDescription {
  /// An OpenAPI link: a call that can follow a success answer of `source`, and where it takes its values from
  /// (runtime expressions into the answer or the request). A tool that tests sequences of calls, such as
  /// Schemathesis' stateful tests, walks the purchase flow along them: regions and cities to groups, groups to
  /// available numbers, a reservation, a purchase, and on to cancelling and releasing.
  struct Link {
    var source: Endpoint.Route
    var target: Endpoint.Route
    /// The target's query or path parameters, each with the expression that gives its value.
    var parameters: KeyValuePairs<String, String> = [:]
    /// The fields of the target's JSON body, each with the expression that gives its value.
    var body: KeyValuePairs<String, String> = [:]

    /// Its name among the source's links: the target's operation id.
    var name: String { target.rawValue }

    var json: JSONValue {
      var link: JSONObject = ["operationId": .string(target.rawValue)]
      func object(_ pairs: KeyValuePairs<String, String>) -> JSONValue {
        .object(JSONObject(uniqueKeysWithValues: pairs.map { ($0.key, JSONValue.string($0.value)) }))
      }
      if !parameters.isEmpty { link["parameters"] = object(parameters) }
      if !body.isEmpty { link["requestBody"] = object(body) }
      return .object(link)
    }

    static let all: [Link] = {
      let country = QueryParameter.country.rawValue
      let groupID = PurchaseBodyField.groupID.rawValue
      let number = PurchaseBodyField.number.rawValue
      let uuid = Endpoint.Route.pathParameterName
      let firstGroup = answer(EnvelopeField.data, DataField.groups, 0, GroupField.id)
      let chosenNumber: KeyValuePairs<String, String> = [
        groupID: request(QueryParameter.groupID),
        number: answer(EnvelopeField.data, DataField.numbers, 0, AvailableNumberField.number),
      ]
      return [
        Link(
          source: .regions, target: .cities,
          parameters: [
            country: request(.country),
            QueryParameter.region.rawValue: answer(EnvelopeField.data, DataField.regions, 0, RegionField.id),
          ]),
        Link(
          source: .regions, target: .groups,
          parameters: [
            country: request(.country),
            QueryParameter.regionID.rawValue: answer(EnvelopeField.data, DataField.regions, 0, RegionField.id),
          ]),
        Link(
          source: .cities, target: .groups,
          parameters: [
            country: request(.country),
            QueryParameter.cityID.rawValue: answer(EnvelopeField.data, DataField.cities, 0, CityField.id),
          ]),
        Link(source: .groups, target: .available, parameters: [QueryParameter.groupID.rawValue: firstGroup]),
        Link(source: .groups, target: .createReservation, body: [groupID: firstGroup]),
        Link(source: .groups, target: .purchase, body: [groupID: firstGroup]),
        Link(source: .available, target: .createReservation, body: chosenNumber),
        Link(source: .available, target: .purchase, body: chosenNumber),
        Link(
          source: .createReservation, target: .cancelReservation,
          parameters: [uuid: answer(EnvelopeField.data, DataField.reservationDetails, ReservationDetailsField.uuid)]),
        Link(
          source: .createReservation, target: .purchase,
          body: [
            groupID: "$request.body#/" + groupID,
            number: answer(EnvelopeField.data, DataField.reservationDetails, ReservationDetailsField.number),
          ]),
        Link(
          source: .listReservations, target: .cancelReservation,
          parameters: [uuid: answer(EnvelopeField.data, DataField.reservations, 0, ReservationField.uuid)]),
        Link(
          source: .purchase, target: .releaseNumber,
          parameters: [uuid: answer(PurchaseField.numbers, 0, VirtualNumberField.uuid)]),
        Link(
          source: .ownedNumbers, target: .releaseNumber,
          parameters: [uuid: answer(OwnedNumbersPageField.numbers, 0, VirtualNumberField.uuid)]),
      ]
    }()

    /// `$request.query.NAME`: a parameter of the request answered.
    private static func request(_ parameter: QueryParameter) -> String { "$request.query." + parameter.rawValue }

    /// `$response.body#/a/0/b`: a value in the answer, by field names and list positions.
    private static func answer(_ steps: any PointerStep...) -> String {
      "$response.body#/" + steps.map(\.pointerText).joined(separator: "/")
    }
  }
}

/// One step of a JSON pointer: a field name or a position in a list.
protocol PointerStep { var pointerText: String { get } }

extension Int: PointerStep { var pointerText: String { String(self) } }
extension EnvelopeField: PointerStep {}
extension DataField: PointerStep {}
extension GroupField: PointerStep {}
extension RegionField: PointerStep {}
extension CityField: PointerStep {}
extension AvailableNumberField: PointerStep {}
extension ReservationDetailsField: PointerStep {}
extension ReservationField: PointerStep {}
extension PurchaseField: PointerStep {}
extension OwnedNumbersPageField: PointerStep {}
extension VirtualNumberField: PointerStep {}

extension PointerStep where Self: FieldName {
  var pointerText: String { rawValue }
}
