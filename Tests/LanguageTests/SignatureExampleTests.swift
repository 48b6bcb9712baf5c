import Commands
import Foundation
import Language
import Testing

/// Every example in every command's signature, run against a fresh sandbox
/// that already owns a number and holds a reservation; where the example
/// states its result, the value must equal it.
@Suite("Signature examples")
struct SignatureExampleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var command: String
    var example: Example
    var testDescription: String { "\(command): \(example.source)" }
  }

  static let cases: [Case] = builtinCommands.flatMap { command in
    command.signature.examples.map { Case(command: command.name, example: $0) }
  }

  @Test("every parameter is described, those taken from the API's description too")
  func everyParameterHasASummary() {
    for command in builtinCommands {
      for parameter in command.signature.parameters {
        #expect(!parameter.summary.isEmpty, "\(command.signature.name) \(parameter.name)")
      }
    }
  }

  @Test func everyCommandHasAnExample() {
    let bare = builtinCommands.filter { $0.signature.examples.isEmpty }.map(\.name)
    #expect(bare.isEmpty, "commands without examples: \(bare)")
  }

  @Test(arguments: cases)
  func example(_ item: Case) async throws {
    let folder = NSTemporaryDirectory() + "2cs-example-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "def helper [] { 1 }\n".write(toFile: folder + "/helpers.2cs", atomically: true, encoding: .utf8)
    try #"[{"id": "g1"}, {"id": "g2"}]"#.write(toFile: folder + "/gb-groups.json", atomically: true, encoding: .utf8)

    let harness = try LanguageHarness()
    harness.engine.workingDirectory = folder
    harness.session.ceiling.assumeYes = true
    let setup = await harness.engine.run(
      "groups US near=305 | first | purchase; groups US near=312 | first | reserve", name: "setup")
    guard case .finished = setup else {
      Issue.record("setup failed: \(setup)")
      return
    }
    let outcome = await harness.engine.run(item.example.source, name: "example")
    let value: Value
    switch outcome {
    case .finished(let result): value = result
    case .exited(let status):
      #expect(status == 0)
      return
    case .invalid(let diagnostics, let source):
      Issue.record("\(diagnostics.map { $0.rendered(in: source) }.joined())")
      return
    case .failed(let error):
      Issue.record("\(error.rendered)")
      return
    }
    guard let expected = item.example.result else { return }
    let wanted = await harness.engine.run(expected, name: "expected")
    guard case .finished(let wantedValue) = wanted else {
      Issue.record("the stated result does not run: \(expected)")
      return
    }
    #expect(value == wantedValue, "\(item.example.source) gave \(value.literalText), not \(expected)")
  }
}
