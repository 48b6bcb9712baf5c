import Foundation
import NumbersContract
import Testing

private let sourcesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Sources")

/// The API's names that cannot be mistaken for anything else: every path, and every parameter or field name
/// with an underscore (`phone_number`, `group_id`); short ones such as `id` or `name` are words of the language too.
private var distinctiveNames: Set<String> {
  var names = Set(Endpoint.Route.allCases.map(\.pathTemplate))
  for object in ObjectSchema.all { names.formUnion(object.fields.map(\.name)) }
  for route in Endpoint.Route.allCases {
    names.formUnion(route.queryParameters.map(\.name.rawValue))
    names.formUnion(route.bodyFields.map(\.name.rawValue))
    if case .topLevel(let fields) = route.answer { names.formUnion(fields.map(\.name)) }
  }
  names.formUnion(DataField.allCases.map(\.rawValue))
  names.formUnion(EnvelopeField.allCases.map(\.rawValue))
  return names.filter { $0.hasPrefix("/") || $0.contains("_") }
}

@Suite("The contract is written once")
struct ContractUseTests {
  @Test("no source file outside NumbersContract spells an endpoint's path or an answer's field name")
  func namesAreSpelledOnlyInTheContract() throws {
    let names = distinctiveNames
    #expect(names.contains("phone_number") && names.contains("/open/numbers/purchase"), "\(names.sorted())")
    var found: [String] = []
    let files = try #require(FileManager.default.enumerator(atPath: sourcesFolder.path))
    for case let file as String in files where file.hasSuffix(".swift") && !file.hasPrefix("NumbersContract/") {
      let text = try String(contentsOf: sourcesFolder.appendingPathComponent(file), encoding: .utf8)
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let code = line.trimmingCharacters(in: .whitespaces)
        guard !code.hasPrefix("//") else { continue }
        for name in names where line.contains("\"\(name)\"") || (name.hasPrefix("/") && line.contains(name)) {
          found.append("\(file):\(number + 1): \(name)")
        }
      }
    }
    #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
  }
}
