import Commands
import Foundation
import Language
import TestSupport
import Testing

/// `help` teaches: the commands in the order of the purchase flow, the HTTP requests behind each API command
/// and their cost, and the topics flow, syntax and errors, whose examples run.
@Suite("Help")
struct HelpTests {
  /// What `source` prints, after checking it ran to the end.
  static func printed(_ source: String, by harness: LanguageHarness? = nil) async throws -> String {
    let harness = try harness ?? LanguageHarness()
    let output = await harness.run(source)
    #expect(output.hasSuffix("exit: 0"), "\(source) failed:\n\(output)")
    return output
  }

  static let apiCommands = builtinCommands.map(\.signature).filter { $0.category == .api }

  @Test("help lists every command, each on a line of its own")
  func overviewListsEveryCommand() async throws {
    let lines = try await Self.printed("help").split(separator: "\n").map(String.init)
    let listed = Set(lines.filter { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) })
    let missing = builtinCommands.map(\.name).filter { !listed.contains($0) }
    #expect(missing.isEmpty, "help does not list: \(missing)")
  }

  @Test("help lists the API commands step by step, in the order of the flow, before the other commands")
  func overviewFollowsTheFlow() async throws {
    let text = try await Self.printed("help")
    var headings: [String.Index] = []
    for step in FlowStep.allCases {
      let heading = try #require(
        text.range(of: "\(step.number). \(step.rawValue): \(step.title)\n"), "no heading for \(step)")
      headings.append(heading.lowerBound)
    }
    #expect(headings == headings.sorted())
    let data = try #require(text.range(of: "\ndata:\n"))
    #expect(headings.allSatisfy { $0 < data.lowerBound })
    // Each API command is listed under its own step's heading.
    for signature in Self.apiCommands {
      let step = try #require(signature.flowStep, "\(signature.name) has no step")
      let line = try #require(text.range(of: "\n  \(signature.name) "), "\(signature.name) not listed")
      let before = headings.filter { $0 < line.lowerBound }.count - 1
      #expect(FlowStep.allCases.firstIndex(of: step) == before, "\(signature.name) is not under \(step)")
    }
  }

  @Test("every API command belongs to a step and declares its requests; its help names each endpoint and the cost")
  func apiCommandHelpNamesItsEndpoints() async throws {
    #expect(Self.apiCommands.count >= 13)
    for signature in Self.apiCommands {
      #expect(signature.flowStep != nil, "\(signature.name) has no step")
      #expect(!signature.apiCalls.isEmpty, "\(signature.name) declares no request")
      let text = try await Self.printed("help \(signature.name)")
      // Long lines are wrapped: compare the words.
      let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      for call in signature.apiCalls {
        #expect(
          text.contains("  \(call.method) \(call.path)\n"), "help \(signature.name) does not name \(call.request)")
        if let when = call.when { #expect(words.contains(when), "help \(signature.name) does not say: \(when)") }
      }
      #expect(words.contains("one API credit per request"), "help \(signature.name) does not say what a call costs")
      let spends = signature.apiCalls.contains(where: \.spendsMoney)
      #expect(words.contains("setup price plus its first month") == spends, "\(signature.name): money")
    }
    let purchase = try await Self.printed("help purchase")
    #expect(purchase.contains("POST /open/numbers/purchase"))
    #expect(purchase.contains("--budget"))
  }

  @Test("only a purchase spends money")
  func onlyPurchaseSpends() {
    let spending = Self.apiCommands.filter { $0.apiCalls.contains(where: \.spendsMoney) }.map(\.name)
    #expect(spending == ["purchase"])
  }

  @Test(arguments: HelpTopic.allCases)
  func topicExists(_ topic: HelpTopic) async throws {
    let text = try await Self.printed("help \(topic.rawValue)")
    #expect(text.split(separator: "\n").count > 10, "help \(topic.rawValue) says too little")
    let overview = try await Self.printed("help")
    #expect(overview.contains("help \(topic.rawValue)"), "help does not list the topic \(topic.rawValue)")
  }

  @Test("no topic hides a command")
  func topicsAreNotCommandNames() {
    let names = Set(builtinCommands.map(\.name))
    #expect(HelpTopic.allCases.filter { names.contains($0.rawValue) }.isEmpty)
  }

  @Test("help syntax fits a terminal of 80 columns and 24 lines")
  func syntaxFitsOneScreen() async throws {
    let harness = try LanguageHarness()
    let text = try await Self.printed("help syntax", by: harness)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()  // `exit: 0`
    #expect(lines.count <= 23, "\(lines.count) lines, and the prompt needs one")
    for line in lines { #expect(line.count < 80, "too wide: \(line)") }
    for word in ["let", "for", "if", "def", "$it", "where", "?", "#", "source", "$(", "|"] {
      #expect(text.contains(word), "help syntax does not show \(word)")
    }
  }

  /// Pieces of `help syntax` as it writes them, in an order in which they run one after another.
  static let syntaxSnippets = [
    "let g = groups GB | first", #""interpolates $n, $g.prefix, $(regions US | count)\n""#, "'raw: no $'",
    #"{a: 1, b: "x"}"#, "groups US type=local near=213", "sort-by prefix --reverse",
    "groups US | where price.monthly_price < 2 | first | purchase", "$g.price.setup_price", "$l[0]",
    "if $x > 2 { print big } else if $x == 2 { print two } else { }",
    "for g in groups GB | first 3 { print $g.prefix }",
    "def cheap [c, max = 2] { groups $c | where price.setup_price < $max }", "cheap GB max=3",
    "[1, 2] | each { $it * 10 }", #"groups US | where type == "local" and features has "sms_out""#,
    "groups GB | where price.ppm? == null", #"try { fail "no" } catch e { print $e.message $e.status }"#,
    "source helpers.2cs", "$env.HOME",
  ]

  @Test("the examples help syntax shows run in the sandbox")
  func syntaxExamplesRun() async throws {
    let text = try await Self.printed("help syntax")
    try await withTemporaryFolder { folder in
      try "def helper [] { 1 }\n".write(toFile: folder + "/helpers.2cs", atomically: true, encoding: .utf8)
      let harness = try LanguageHarness()
      harness.engine.workingDirectory = folder
      harness.engine.environment = ["HOME": folder]
      #expect(await harness.run("let n = 5; let x = 3; let l = [1, 2]").hasSuffix("exit: 0"))
      for snippet in Self.syntaxSnippets {
        #expect(text.contains(snippet), "help syntax does not show: \(snippet)")
        // `sort-by` is shown as a stage: give it something to sort.
        let source = snippet.hasPrefix("sort-by") ? "groups GB | " + snippet : snippet
        let output = await harness.run(source)
        #expect(output.hasSuffix("exit: 0"), "\(snippet):\n\(output)")
      }
    }
  }

  @Test("every topic fits 80 columns")
  func topicsFitEightyColumns() async throws {
    for topic in HelpTopic.allCases {
      let text = try await Self.printed("help \(topic.rawValue)")
      for line in text.split(separator: "\n") { #expect(line.count < 80, "help \(topic.rawValue): \(line)") }
    }
  }

  @Test("help flow shows each step with its commands, and its worked example")
  func flowShowsStepsAndExample() async throws {
    let text = try await Self.printed("help flow")
    for step in FlowStep.allCases { #expect(text.contains("\(step.number). \(step.rawValue): \(step.title)")) }
    for signature in Self.apiCommands {
      #expect(text.contains(signature.name), "help flow leaves out \(signature.name)")
    }
    for example in HelpTopic.flowExample { #expect(text.contains("  \(example.source)  ")) }
    // The example goes through every step.
    for step in FlowStep.allCases {
      #expect(HelpTopic.flowExample.contains { $0.summary.hasPrefix(step.rawValue + ":") }, "no example of \(step)")
    }
  }

  @Test("help flow's worked example runs in the sandbox, line by line, and buys the number it reserved")
  func flowExampleRuns() async throws {
    let harness = try LanguageHarness()
    for example in HelpTopic.flowExample {
      let output = await harness.run(example.source)
      #expect(output.hasSuffix("exit: 0"), "\(example.source):\n\(output)")
    }
    let bought = await harness.run("assert ((numbers | get phone_number) has $r.number)")
    #expect(bought.hasSuffix("exit: 0"), "\(bought)")
  }

  @Test("help errors covers every status of the contract, the failures without one, and the three outcomes")
  func errorsCoversTheContract() async throws {
    let text = try await Self.printed("help errors")
    for status in ["400", "401", "404", "405", "409", "429", "5xx"] {
      #expect(text.contains("\n  \(status)  "), "help errors leaves out \(status)")
    }
    for words in ["could not connect", "connection lost", "no answer in time", "unexpected answer from the server"] {
      #expect(text.contains(words))
    }
    for outcome in ["done", "not done", "unknown"] { #expect(text.contains("\n  \(outcome) ")) }
    for advice in ["journal check", "$e.outcome", "error_message", "reservations", "numbers | where"] {
      #expect(text.contains(advice), "help errors does not mention \(advice)")
    }
  }

  @Test("help NAME for a word that is neither a command nor a topic suggests the closest of both")
  func unknownNameSuggests() async throws {
    let harness = try LanguageHarness()
    let topic = await harness.run("help syntx")
    #expect(topic.contains("help: no command or topic 'syntx'"))
    #expect(topic.contains("did you mean 'syntax'?"))
    let command = await harness.run("help grops")
    #expect(command.contains("did you mean 'groups'?"))
  }

  @Test("a command defined in the session has help, under its own heading")
  func definedCommands() async throws {
    let harness = try LanguageHarness()
    let text = try await Self.printed(
      "def cheapest [c] { groups $c | sort-by price.monthly_price | first }; help", by: harness)
    let heading = try #require(text.range(of: "\ndefined in this session:\n"))
    #expect(text[heading.upperBound...].hasPrefix("  cheapest "))
  }
}
