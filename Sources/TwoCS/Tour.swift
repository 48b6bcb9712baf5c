import ArgumentParser
import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import Synchronization
import SystemSupport

/// `2cs tour`: the purchase flow step by step, in a sandbox of its own.
struct TourCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tour",
    abstract: "A guided walk through buying a number, step by step, in a sandbox of its own.",
    discussion: """
      Each step explains an idea of the purchase flow (regions, cities, number groups, regulatory \
      requirements, available numbers, reservations, purchase, your numbers, release), puts a command in the \
      line for you to run or edit, and shows the HTTP call it makes as a curl command. A step is done when you \
      have made its call in any way that works; `skip` runs the suggestion for you. The tour ends by saving \
      what you ran as a script. Nothing is spent: the sandbox is in memory and forgotten at the end. \
      With stdin not a terminal, statements are read from it, one per line.
      """)

  @Option(help: "Start at step N (1 to \(Tour.steps.count)); the steps before it are run for you, quietly.")
  var step = 1

  func validate() throws {
    guard (1...Tour.steps.count).contains(step) else {
      throw ValidationError("--step must be from 1 to \(Tour.steps.count)")
    }
  }

  func run() async throws {
    let options = try ConnectionOptions.parse(["--sandbox"])
    let runtime = try Runtime(options: options, sandboxInMemory: true)
    let session = InteractiveSession(
      runtime: runtime, apiKey: nil,
      historyLimit: Int(ProcessInfo.processInfo.environment["TWOCS_HISTORY_SIZE"] ?? "")
        ?? 1000, tour: Tour(startingAt: step - 1))
    let status = await session.run()
    await runtime.close()
    try endIfOutputFailed()
    if status != 0 { throw ExitCode(status) }
  }
}

/// The tour's state: which step the learner is on, and the API calls the running statement made.
///
/// `@unchecked Sendable`: the REPL loop alone moves through the steps; the trace observer touches only `calls`,
/// behind its lock.
final class Tour: @unchecked Sendable {
  private var index: Int
  private var introduced = false
  private let calls = Mutex<[TraceRecord]>([])

  init(startingAt index: Int) {
    self.index = index
  }

  /// Says what the tour is, runs the steps before the first one shown (quietly), and starts watching calls.
  func start(_ runtime: Runtime, say: (String) -> Void) async {
    say(
      """
      2cs tour: buying a phone number through the 2Chat API, in \(Self.steps.count) steps. This sandbox is \
      in memory: nothing is spent, and it is forgotten when the tour ends.
      Each step puts a command in the line: Enter runs it, or edit it first. Any way that makes the step's call \
      counts. `skip` runs the suggestion for you; Ctrl-U clears the line, then Ctrl-D leaves (2cs tour --step N \
      comes back).
      Each HTTP call shows as a curl command you can run against the live API with TWOCHAT_API_KEY set.
      """)
    for step in Self.steps[..<index] {
      runtime.session.statements.append(step.suggestion)
      _ = await runtime.engine.run(step.suggestion, name: "<tour>", display: false)
    }
    // Every call shows as a curl command for the live API, to run there with one's own key.
    let marker = isatty(STDERR_FILENO) == 1 ? "trace: " : ""
    runtime.session.tracing.observe { [self] record in
      calls.withLock { $0.append(record) }
      StandardStreams.writeError(marker + record.liveLine + "\n")
    }
  }

  /// The current step's command, after its introduction the first time; nil once the tour is over.
  func nextSuggestion(say: (String) -> Void, inLine: Bool) -> String? {
    guard index < Self.steps.count else { return nil }
    var step = Self.steps[index]
    if step.done == .savedScript { step.suggestion = "history save " + Self.freeScriptName() }
    if !introduced {
      introduced = true
      say("\n── Step \(index + 1) of \(Self.steps.count): \(step.title) ──\n\(step.idea)")
      say(inLine ? "The command is in the line: Enter runs it." : "Run: \(step.suggestion)")
    }
    return step.suggestion
  }

  func statementStarts() {
    calls.withLock { $0.removeAll() }
  }

  /// Moves on when the statement made the step's call and succeeded, saying which fields matter next.
  func statementEnded(_ statement: String, outcome: Engine.Outcome, engine: Engine, say: (String) -> Void) {
    guard index < Self.steps.count else { return }
    let step = Self.steps[index]
    let made = calls.withLock { $0 }
    guard case .finished(let value) = outcome else {
      say("Not yet: fix it and run it again, or type skip.")
      return
    }
    let done: Bool
    switch step.done {
    case .call(let route): done = made.contains { $0.route == route && $0.succeeded }
    case .savedScript: done = statement.hasPrefix("history save")
    }
    var next = step.next
    if step.done == .savedScript, let name = statement.split(separator: " ").dropFirst(2).first {
      next = next.replacingOccurrences(of: Self.scriptName, with: String(name))
    }
    guard done else {
      say("That ran, but this step is about its own call: try the command in the line, or type skip.")
      return
    }
    if let variable = step.binds, engine[variable: variable] == nil, let record = Self.firstRecord(of: value) {
      engine[variable: variable] = record
      say("(The tour put that record in $\(variable), for the next steps.)")
    }
    say(next)
    index += 1
    introduced = false
  }

  /// Ctrl-D before the end: where to come back.
  func leave(say: (String) -> Void) {
    guard index < Self.steps.count else { return }
    say("The tour stopped at step \(index + 1); 2cs tour --step \(index + 1) starts there again.")
  }

  /// `my-first-purchase.2cs`, or `my-first-purchase-2.2cs` … when that is taken: saving never replaces a file.
  private static func freeScriptName() -> String {
    let stem = String(scriptName.dropLast(".2cs".count))
    var candidate = scriptName
    var number = 1
    while FileManager.default.fileExists(atPath: candidate) {
      number += 1
      candidate = "\(stem)-\(number).2cs"
    }
    return candidate
  }

  private static func firstRecord(of value: Value) -> Value? {
    switch value {
    case .record: value
    case .list(let items): items.first { if case .record = $0 { true } else { false } }
    default: nil
    }
  }

  /// What finishes a step.
  enum Completion: Equatable {
    /// A successful call of this API route, made by any statement.
    case call(Endpoint.Route)
    /// `history save FILE`.
    case savedScript
  }

  struct Step {
    var title: String
    /// The idea, in two or three sentences.
    var idea: String
    var suggestion: String
    var done: Completion
    /// The variable the next steps read, which the tour fills from the result when the learner did not.
    var binds: String? = nil
    /// Said when the step is done: the fields of the result that matter next.
    var next: String
  }

  static let scriptName = "my-first-purchase.2cs"

  static let steps: [Step] = [
    Step(
      title: "Regions",
      idea: """
        Numbers are sold by place. A region is a state or province: the API has them for the US, Canada and the \
        UK; elsewhere you search by country alone.
        """,
      suggestion: "regions US", done: .call(.regions),
      next: "Each region has an `id`: `cities region=` and `groups region_id=` take it to narrow a search."),
    Step(
      title: "Cities",
      idea: """
        A city narrows the search to local numbers with its area codes. `groups near=` takes a city's name or an \
        area code instead of its id.
        """,
      suggestion: "cities US | first 5", done: .call(.cities),
      next: "A city's `id` is what `groups city_id=` takes; `city_name` is what `near=` matches."),
    Step(
      title: "Number groups",
      idea: """
        A number group is a catalogue: numbers of one kind (local, mobile, toll-free) in one place, at one price. \
        You buy a number from a group, so choosing the group is choosing what you pay and what the number can do.
        """,
      suggestion: "let g = groups US type=local | where allow_number_selection | first", done: .call(.groups),
      binds: "g",
      next: """
        $g holds the group (type $g to see it). `price.setup_price` plus `price.monthly_price` is what a number \
        costs; `allow_number_selection` says whether you may pick it (the next steps do); `features` says what it \
        can do. The live API may also want a region (region_id=) for US searches.
        """),
    Step(
      title: "Regulatory requirements",
      idea: """
        Some countries let a number be used only once its owner proves who and where they are: an address, an ID, \
        a company registration. `requirements` lists what a group's country asks for.
        """,
      suggestion: "requirements $g", done: .call(.requirements),
      next: """
        An empty list means no documents; otherwise a number bought stays AWAITING_REGISTRATION until they are \
        given. (What each country asks for here is the sandbox's; the live API says what it asks.)
        """),
    Step(
      title: "Available numbers",
      idea: """
        Where a group allows it (`allow_number_selection`), you can browse its free numbers and pick one, say for \
        digits you like: `available $g contains=555` filters them.
        """,
      suggestion: "available $g | first 3", done: .call(.available),
      next: "`number` is the number in E.164 form; pipe one record into `reserve` or `purchase` to get that one."),
    Step(
      title: "Reservations",
      idea: """
        A reservation holds a number for you for a while (30 minutes in this sandbox), free, while you decide or \
        gather documents; nobody else can buy it meanwhile. `cancel` gives it back.
        """,
      suggestion: "let r = available $g | first | reserve", done: .call(.createReservation), binds: "r",
      next: """
        $r holds the reservation: `expires_at` says until when, and the prompt counts down the time left. \
        `reservations` lists what you hold.
        """),
    Step(
      title: "Purchase",
      idea: """
        Buying spends money: the group's setup price and its first month. On a live account 2cs asks first \
        (scripts need --yes), --budget caps the spending, and if an answer is lost it finds out whether the \
        number was bought rather than guess or send it twice.
        """,
      suggestion: "let p = $r | purchase", done: .call(.purchase), binds: "p",
      next: "$p holds the purchase: `number` is yours now. It cost nothing: this is a sandbox."),
    Step(
      title: "Your numbers",
      idea: """
        `numbers` lists every number the account owns, with its `status` (ACTIVE, AWAITING_REGISTRATION, …) and \
        the `uuid` that names it.
        """,
      suggestion: "numbers", done: .call(.ownedNumbers),
      next: "A number's `uuid`, or the number itself, is what `release` takes."),
    Step(
      title: "Release",
      idea: """
        Releasing gives a number up: it is PENDING_CANCELLATION for a while, then gone, and it costs nothing more \
        after the month paid for.
        """,
      suggestion: "release $p.number", done: .call(.releaseNumber),
      next: "Its status is PENDING_CANCELLATION: released."),
    Step(
      title: "Your own script",
      idea: """
        Everything you ran is a script already. Save it, read it, and run it again whenever you like: in the \
        sandbox it buys another number.
        """,
      suggestion: "history save \(scriptName)", done: .savedScript,
      next: """
        Saved. Run it in the sandbox with `2cs \(scriptName)`. On your live account, safely: first \
        `2cs --dry-run \(scriptName)` (reads run; writes are only shown, with what they would spend), then, with \
        TWOCHAT_API_KEY set, `2cs --yes --budget 10 \(scriptName)`. That is the tour: `help flow` sums it up.
        """),
  ]
}
