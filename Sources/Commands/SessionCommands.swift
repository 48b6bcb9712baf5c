import Foundation
public import Language
import NumbersAPI
import NumbersContract
import SystemSupport

private func onOff(_ value: String?) -> Bool? { value.map { $0 == "on" } }

let sessionCommands: [Command] = [
  Command(
    Signature(
      name: "help", category: .session,
      summary: "Lists the commands in the order of the purchase flow, or explains one, or a topic.",
      parameters: [
        Parameter(
          "command", .string, positional: true, summary: "a command name, or a topic: flow, syntax, errors",
          suggestions: HelpTopic.allCases.map(\.rawValue))
      ],
      accepts: .nothing, output: "nothing: it prints the text",
      examples: [
        Example("help groups", "how to use groups, and the HTTP request behind it"),
        Example("help flow", "the purchase flow, step by step"),
      ])
  ) { call in
    let signatures = call.commandSignatures
    guard let name = call.string("command") else {
      call.print(helpOverview(signatures))
      return .null
    }
    guard let text = helpText(for: name, among: signatures) else {
      let known = signatures.map(\.name) + HelpTopic.allCases.map(\.rawValue)
      throw CommandError(
        "help: no command or topic '\(name)'",
        help: closestMatch(to: name, among: known).map { "did you mean '\($0)'?" } ?? "type help for the list")
    }
    call.print(text)
    return .null
  },
  Command(
    Signature(
      name: "vars", category: .session, summary: "The variables defined so far, with their types.",
      accepts: .nothing, output: "a list of {name, type, value}",
      examples: [Example("let x = 1; vars | where name == \"x\" | count", "", result: "1")])
  ) { call in
    .list(
      call.visibleVariables.map { name, value in
        .record(["name": .string(name), "type": .string(value.typeName), "value": .string(value.summary)])
      })
  },
  Command(
    Signature(
      name: "set", category: .session, summary: "Changes a session setting.",
      parameters: [
        Parameter("output", .choice(OutputFormat.allCases.map(\.rawValue)), summary: "how values are shown"),
        Parameter("trace", .choice(["on", "off"]), summary: "print each HTTP exchange as curl to stderr"),
        Parameter("dry_run", .choice(["on", "off"]), summary: "reads run, writes are only shown"),
        Parameter("confirm", .choice(["on", "off"]), summary: "on: ask before live writes even under --yes"),
        Parameter("budget", .any, summary: "the most to spend on setup plus first month, or off"),
      ],
      accepts: .nothing, output: "nothing", examples: [Example("set output=json", "show values as JSON")])
  ) { call in
    let session = try call.session
    if let output = call.string("output").flatMap(OutputFormat.init(rawValue:)) {
      session.settings.output = output
      session.renderer.format = output
    }
    if let trace = onOff(call.string("trace")) { session.tracing.isEnabled = trace }
    if let dryRun = onOff(call.string("dry_run")) {
      session.settings.dryRun = dryRun
      if !dryRun && session.ceiling.dryRun { session.warn("set: --dry-run on the command line stays in force") }
    }
    if let confirm = onOff(call.string("confirm")) {
      session.settings.confirm = confirm
      if !confirm && !session.ceiling.assumeYes && session.mode != .sandbox {
        session.warn("set: confirm=off cannot stand in for --yes on the command line: live writes still ask")
      }
    }
    switch call["budget"] {
    case nil: break
    case .string("off")?: session.settings.budget = nil
    case .number(let limit)? where limit >= DecimalNumber(0): session.settings.budget = limit
    case let other?:
      throw CommandError("set: budget must be a number or off, got \(other.summary)", parameter: "budget")
    }
    if call["budget"] != nil, let ceiling = session.ceiling.budget, session.budget == ceiling,
      session.settings.budget != ceiling
    {
      session.warn("set: --budget \(ceiling) on the command line stays the limit; a script may only lower it")
    }
    return .null
  },
  Command(
    Signature(
      name: "source", category: .session, summary: "Runs a .2cs file here; its variables and defs stay.",
      parameters: [Parameter("path", .path, positional: true, required: true, summary: "a .2cs file")],
      accepts: .nothing, output: "the file's last value",
      examples: [Example("source helpers.2cs", "load shared definitions")])
  ) { call in
    let path = call.string("path") ?? ""
    let data: [UInt8]
    do throws(FileIO.ReadFailure) {
      data = try FileIO.readRegularFile(call.resolvedPath(path), limit: scriptFileLimit)
    } catch {
      throw CommandError("source: cannot read \(path): \(error.reason)", parameter: "path")
    }
    return try await call.runSource(String(decoding: data, as: UTF8.self), name: path)
  },
  Command(
    Signature(
      name: "journal", category: .session, summary: "Every write 2cs sent (or planned) and how it ended.",
      parameters: [
        Parameter(
          "action", .choice(["check"]), positional: true,
          summary: "check: settle writes left unfinished or unknown by looking at the account")
      ],
      accepts: .nothing, output: "a list of journal records; with check, one record per write looked at",
      details: """
        `journal check` looks in the account (your numbers, your reservations) for every write the journal left \
        `sending` (2cs stopped before it learned the outcome) or `unknown`, and journals what it finds: done when \
        the account shows it, else it stays unknown. It sends no write.
        """,
      examples: [
        Example("journal | last 5", "the latest writes"),
        Example("journal check | where now == \"unknown\"", "the writes whose outcome is still unknown"),
      ])
  ) { call in
    let session = try call.session
    if call.string("action") == "check" { return try await checkJournal(session) }
    let contents = try readJournal(session, command: "journal")
    return .list(contents.entries.map { Value(json: .object($0.fields)) })
  },
  Command(
    Signature(
      name: "assert", category: .session, summary: "Stops the script with an error unless a condition holds.",
      parameters: [
        Parameter("condition", .expression, positional: true, required: true, summary: "what must hold"),
        Parameter("message", .string, positional: true, summary: "what to say when it does not"),
      ],
      output: "nothing", examples: [Example("assert 0.1 + 0.2 == 0.3", "decimal arithmetic is exact")])
  ) { call in
    guard try await call.holds("condition", for: call.input) else {
      throw CommandError(call.string("message") ?? "assertion failed")
    }
    return .null
  },
  Command(
    Signature(
      name: "fail", category: .session, summary: "Stops the script with an error (try/catch can catch it).",
      parameters: [Parameter("message", .string, positional: true, required: true, summary: "the error message")],
      accepts: .nothing, output: "nothing",
      examples: [Example("try { fail \"no luck\" } catch e { $e.message }", "", result: "\"no luck\"")])
  ) { call in throw CommandError(call.string("message") ?? "failed") },
  Command(
    Signature(
      name: "confirm", category: .session, summary: "Asks a y/N question at the terminal; --yes answers yes.",
      parameters: [Parameter("question", .string, positional: true, required: true, summary: "the question")],
      accepts: .nothing, output: "true or false",
      examples: [Example("if (confirm \"Buy it?\") { print yes }", "ask before going on")])
  ) { call in
    let session = try call.session
    let question = call.string("question") ?? ""
    if !session.writesNeedConfirmation { return .bool(true) }
    guard let confirmer = session.confirmer else {
      throw CommandError("confirm needs a terminal to ask at", help: "run with --yes to answer yes")
    }
    // Ctrl-C at the question ends the statement, as it does anywhere else: it is not a no.
    guard let answer = await confirmer(question) else { throw CancellationError() }
    return .bool(answer)
  },
  Command(
    Signature(
      name: "sleep", category: .session, summary: "Waits a number of seconds (Ctrl-C interrupts).",
      parameters: [Parameter("seconds", .number, positional: true, required: true, summary: "e.g. 0.5")],
      accepts: .nothing, output: "nothing", examples: [Example("sleep 0.01", "a short pause")])
  ) { call in
    guard case .number(let seconds)? = call["seconds"], seconds >= DecimalNumber(0) else {
      throw CommandError("sleep: seconds must not be negative", parameter: "seconds")
    }
    let milliseconds = seconds.multiplying(by: DecimalNumber(1000))?.rounded(toPlaces: 0).intValue ?? Int.max
    try await Task.sleep(for: .milliseconds(min(milliseconds, 86_400_000)))
    return .null
  },
  Command(
    Signature(
      name: "exit", category: .session, summary: "Ends the script (or the REPL) with a status.",
      parameters: [Parameter("code", .integer, positional: true, summary: "the exit status; 0 by default")],
      accepts: .nothing, output: "nothing", examples: [Example("exit 0", "stop here")])
  ) { call in
    // A status too large for an Int is refused like any other out of range, not taken as 0.
    let code = call.integer("code") ?? (call.given("code") ? -1 : 0)
    guard (0...255).contains(code) else {
      throw CommandError("exit: the status must be from 0 to 255", parameter: "code")
    }
    throw ExitRequest(status: Int32(code))
  },
]

let historyCommand = Command(
  Signature(
    name: "history", category: .session,
    summary: "The statements typed in this session; history save FILE.2cs [n] writes them as a script.",
    parameters: [
      Parameter("what", .any, positional: true, summary: "how many to list, or save"),
      Parameter("path", .path, positional: true, summary: "with save: the .2cs file to write"),
      Parameter("n", .integer, positional: true, summary: "with save: how many of the last statements"),
    ],
    flags: [CommandFlag("force", summary: "with save: replace a file that is there")], accepts: .nothing,
    output: "a list of {index, statement}; nothing with save",
    details: """
      The REPL keeps these; a script has none. history save leaves out the statements that failed, so the script \
      runs; the file is written atomically and never holds the API key.
      """,
    examples: [Example("history 10", "the last ten statements")])
) { call in
  let session = try call.session
  let typed = session.statements.enumerated().filter { !$0.element.hasPrefix("history") }
  let statements = typed.map(\.element)
  func last(_ count: Int?) -> ArraySlice<String> {
    count.map { statements.suffix(max(0, $0)) } ?? statements[...]
  }
  switch call["what"] {
  case .string("save")?:
    guard let path = call.string("path") else {
      throw CommandError("history save needs a file", help: "history save flow.2cs [n]")
    }
    guard path.hasSuffix(".2cs") else {
      throw CommandError("history save: '\(path)' must end in .2cs", parameter: "path")
    }
    let target = call.resolvedPath(path)
    guard call.has(flag: "force") || !FileManager.default.fileExists(atPath: target) else {
      throw CommandError(
        "history save: \(path) is there already", help: "history save \(path) --force replaces it",
        parameter: "path")
    }
    // A script stops at its first error: the statements that failed are left out.
    let chosen = call.integer("n").map { typed.suffix(max(0, $0)) } ?? typed[...]
    let kept = chosen.filter { !session.failedStatements.contains($0.offset) }.map(\.element)
    let header = "#!/usr/bin/env 2cs\n# Saved from a 2cs session on \(Date().formatted(.iso8601)).\n\n"
    try writeAtomically(header + kept.joined(separator: "\n") + "\n", to: target, command: "history save")
    let leftOut = chosen.count - kept.count
    call.print(
      "saved \(kept.count) statement(s) to \(path)"
        + (leftOut > 0 ? " (left out \(leftOut) that failed)" : ""))
    return .null
  case .number(let count)?:
    guard let count = count.intValue, count >= 0 else { throw CommandError("history: n must be a whole number") }
    let shown = last(count)
    return .list(
      shown.enumerated().map { offset, statement in
        .record(["index": .int(statements.count - shown.count + offset + 1), "statement": .string(statement)])
      })
  case nil:
    return .list(
      statements.enumerated().map { .record(["index": .int($0.offset + 1), "statement": .string($0.element)]) })
  case let other?:
    throw CommandError(
      "history takes a count or save, got \(other.summary)", help: "history 10, or history save FILE.2cs 5")
  }
}

/// Every built-in command of 2cs.
public let builtinCommands: [Command] =
  apiReadCommands + apiWriteCommands + dataCommands + outputCommands + sessionCommands + [historyCommand]

/// The largest file `source` and `open` read: no script or saved result comes near it, and `/dev/zero` or a
/// huge file cannot run 2cs out of memory.
let scriptFileLimit = 64 * 1024 * 1024
