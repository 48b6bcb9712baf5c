import Foundation
import Language

// How `help` lays out what the signatures declare and what HelpTopics.swift says.

/// `help`: the API commands by step of the purchase flow, in its order; then the data, output and session
/// commands, those defined in the session, and the topics.
func helpOverview(_ signatures: [Signature]) -> String {
  var text = "2cs commands, in the order of the purchase flow (help NAME shows one in full):\n"
  let width = (signatures.map(\.name.count).max() ?? 10) + 2
  func list(_ members: [Signature]) {
    for signature in members {
      text += "  " + signature.name.padding(toLength: width, withPad: " ", startingAt: 0) + signature.summary + "\n"
    }
  }
  for step in FlowStep.allCases {
    let members = commands(of: step, among: signatures)
    guard !members.isEmpty else { continue }
    text += "\n\(step.number). \(step.rawValue): \(step.title)\n"
    list(members)
  }
  for category in Signature.Category.allCases {
    // API commands of no step (an embedder's) are listed under their category.
    let members = signatures.filter { $0.category == category && ($0.category != .api || $0.flowStep == nil) }
    guard !members.isEmpty else { continue }
    text += "\n\(category.rawValue):\n"
    list(members)
  }
  text += "\ntopics:\n"
  for topic in HelpTopic.allCases {
    text += "  help " + topic.rawValue.padding(toLength: width - 5, withPad: " ", startingAt: 0) + topic.summary + "\n"
  }
  text += """

    Statements start with: \(Engine.statementKeywords.joined(separator: ", ")).
    Pipelines pass values: groups US | where price.monthly_price < 2 | first | purchase
    """
  return text
}

/// `help NAME`: usage, parameters, flags, input, output, the step and HTTP requests of an API command and what
/// they cost, details and examples, all from the signature.
func helpText(_ signature: Signature) -> String {
  var text = "\(signature.name): \(signature.summary)\n\nusage: \(signature.usage)\n"
  if !signature.parameters.isEmpty {
    text += "\nparameters:\n"
    let names = signature.parameters.map { parameter in
      parameter.name + (parameter.aliases.isEmpty ? "" : " (" + parameter.aliases.joined(separator: ", ") + ")")
    }
    let width = (names.map(\.count).max() ?? 0) + 2
    for (parameter, name) in zip(signature.parameters, names) {
      var line = "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + parameter.summary
      if !parameter.suggestions.isEmpty, case .choice = parameter.kind {
        line += " [" + parameter.suggestions.joined(separator: ", ") + "]"
      }
      text += line + "\n"
    }
  }
  if !signature.flags.isEmpty {
    text += "\nflags:\n"
    for flag in signature.flags { text += "  --\(flag.name)  \(flag.summary)\n" }
  }
  text += "\ninput:  \(signature.input)\noutput: \(signature.output)\n"
  if let step = signature.flowStep {
    text += "\nstep \(step.number) of the purchase flow, \(step.rawValue): \(step.title) (help flow)\n"
  }
  if !signature.apiCalls.isEmpty {
    text += "\nHTTP requests, in order:\n"
    for call in signature.apiCalls {
      text += "  \(call.request)\n"
      if let when = call.when { text += hanging("      ", when) }
    }
    let spends = signature.apiCalls.contains(where: \.spendsMoney)
    text += "\n" + hanging("cost: ", "\(HelpCost.credits); \(spends ? HelpCost.money : HelpCost.noMoney)")
  }
  if let details = signature.details { text += "\n\(details)\n" }
  if !signature.examples.isEmpty {
    text += "\nexamples:\n"
    for example in signature.examples {
      text += "  \(example.source)\n"
      if !example.summary.isEmpty { text += "      \(example.summary)\n" }
    }
  }
  return text
}

/// `help flow`: each step, its idea and its commands, then the worked example.
func helpFlow(_ signatures: [Signature]) -> String {
  var text = HelpTopic.flowIntroduction + "\n"
  for step in FlowStep.allCases {
    let names = commands(of: step, among: signatures).map(\.name)
    let heading = "\(step.rawValue): \(step.title)" + (names.isEmpty ? "" : " (" + names.joined(separator: ", ") + ")")
    text += "\n" + hanging("\(step.number). ", heading) + indented(step.explanation) + "\n"
  }
  text += "\n" + HelpTopic.flowWorkedExample + "\n\n"
  let width = (HelpTopic.flowExample.map(\.source.count).max() ?? 0) + 2
  for example in HelpTopic.flowExample {
    text += "  " + example.source.padding(toLength: width, withPad: " ", startingAt: 0) + "# " + example.summary + "\n"
  }
  return text
}

/// `help errors`: the API's errors, the failures without a status, and the outcomes of a write.
func helpErrors() -> String {
  var text = HelpTopic.errorsIntroduction + "\n\nHTTP status, what it means, what to do:\n"
  for error in HelpTopic.apiErrors {
    text += hanging("  \(error.status)  ", error.meaning) + hanging("       ", error.action)
  }
  text += "\nWithout a status:\n"
  for error in HelpTopic.otherErrors { text += "  \(error.words)\n" + hanging("       ", error.meaning) }
  text += "\nA write (reserve, cancel, purchase, release) ends in one of three outcomes:\n"
  let width = (HelpTopic.writeOutcomes.map(\.word.count).max() ?? 0) + 2
  for outcome in HelpTopic.writeOutcomes {
    text += hanging("  " + outcome.word.padding(toLength: width, withPad: " ", startingAt: 0), outcome.meaning)
  }
  return text
}

/// The text of `help NAME`: a command's (one defined in the session included), else a topic's; nil for neither.
func helpText(for name: String, among signatures: [Signature]) -> String? {
  if let signature = signatures.first(where: { $0.name == name }) { return helpText(signature) }
  switch HelpTopic(rawValue: name) {
  case .flow?: return helpFlow(signatures)
  case .syntax?: return HelpTopic.syntaxText + "\n"
  case .errors?: return helpErrors()
  case nil:
    // `help explain`, `help let`: the statements are in the language's one-screen reference.
    guard Engine.statementKeywords.contains(name) else { return nil }
    return "\(name) is a statement of the language; help syntax shows them all:\n\n" + HelpTopic.syntaxText + "\n"
  }
}

/// The API commands of a step, in the order they are declared (regions before cities), which is the flow's.
private func commands(of step: FlowStep, among signatures: [Signature]) -> [Signature] {
  let declared = builtinCommands.map(\.name)
  return signatures.filter { $0.category == .api && $0.flowStep == step }.sorted {
    (declared.firstIndex(of: $0.name) ?? declared.count) < (declared.firstIndex(of: $1.name) ?? declared.count)
  }
}

private func indented(_ text: String) -> String {
  text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
}

/// `lead` and `text` in lines of at most `helpWidth` columns, the lines after the first indented by `indent`
/// spaces (by the lead's width when not given).
private func hanging(_ lead: String, _ text: String, indent: Int? = nil) -> String {
  let indent = indent ?? lead.count
  var lines = TableLayout.wrap(text, in: helpWidth - lead.count)
  let first = lines.isEmpty ? "" : lines.removeFirst()
  let rest = lines.joined(separator: " ")
  var text = lead + first + "\n"
  if !rest.isEmpty {
    for line in TableLayout.wrap(rest, in: helpWidth - indent) {
      text += String(repeating: " ", count: indent) + line + "\n"
    }
  }
  return text
}

/// The widest line of the topics: they fit an 80-column terminal.
let helpWidth = 79
