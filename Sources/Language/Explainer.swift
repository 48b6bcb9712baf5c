/// `explain`: what code would do, worked out from the command signatures and the shapes the checker follows, with
/// nothing run and nothing sent. For each command of a pipeline: the step of the flow it belongs to, the requests it
/// would send with their parameters (values that earlier stages produce shown as placeholders: `<from groups>`),
/// what they cost, and what it returns; then the totals.
struct Explainer {
  private let engine: Engine
  private let source: SourceFile
  private let known: Scope
  private var checker: Checker
  private var lines: [String] = []
  private var depth = 0
  /// While set, nothing is written: a command's body is gone through only to learn what it costs.
  private var silent = false
  private var steps: Set<FlowStep> = []
  /// What the purchases would spend, each said once.
  private var money: [String] = []
  /// What to know before spending, each said once.
  private var cautions: [String] = []
  /// The commands the code defines with `def`, and what each call of one costs once gone through.
  private var definitions: [String: Definition] = [:]
  private var definedCosts: [String: Cost] = [:]
  /// Commands being gone through, so that one that calls itself is said to, not followed for ever.
  private var expanding: Set<String>
  /// Variables the code binds: a session's value of the same name is not theirs.
  private var bound: Set<String> = []

  init(engine: Engine, source: SourceFile, known: Scope, expanding: Set<String> = []) {
    self.engine = engine
    self.source = source
    self.known = known
    self.expanding = expanding
    checker = Checker(engine: engine, source: source, known: known, moreCodeMayFollow: false)
  }

  /// The explanation of the statements, ending with the totals.
  mutating func explanation(of statements: [Statement]) -> String {
    let cost = costs(statements)
    lines.append("")
    lines.append("Totals")
    lines.append("  API calls: " + cost.callsText)
    lines.append("  money: " + moneyText(cost))
    let covered = FlowStep.allCases.filter(steps.contains).map(\.rawValue)
    lines.append("  flow steps: " + (covered.isEmpty ? "none" : covered.joined(separator: " → ")))
    lines.append((["Nothing was sent."] + cautions).joined(separator: " "))
    return lines.joined(separator: "\n")
  }

  /// What the statements cost, with nothing written: for a command defined in an earlier line of a session.
  mutating func cost(of statements: [Statement]) -> Cost {
    silent = true
    return costs(statements)
  }

  private mutating func costs(_ statements: [Statement]) -> Cost {
    checker.check(statements)
    collectDefinitions(statements)
    return explain(statements)
  }

  private mutating func collectDefinitions(_ statements: [Statement]) {
    for statement in statements {
      if case .definition(let definition) = statement { definitions[definition.name] = definition }
      for nested in statement.nestedStatementLists { collectDefinitions(nested) }
    }
  }

  // MARK: Writing

  private mutating func say(_ text: String) {
    guard !silent else { return }
    lines.append(String(repeating: "  ", count: depth) + text)
  }

  /// Writes what `body` writes one level further in.
  private mutating func nested<T>(_ body: (inout Explainer) -> T) -> T {
    depth += 1
    defer { depth -= 1 }
    return body(&self)
  }

  /// The source text of a range on one line, its runs of blanks and line breaks made one space.
  private func text(_ range: SourceRange) -> String {
    source.text(of: range).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
      .joined(separator: " ")
  }

  // MARK: Statements

  private mutating func explain(_ statement: Statement) -> Cost {
    switch statement {
    case .pipeline(let pipeline):
      say(text(pipeline.range))
      return nested { $0.explain(pipeline) }
    case .binding(let binding):
      say("let \(binding.name) = \(text(binding.value.range))")
      let cost = nested { $0.explain(binding.value) }
      bound.insert(binding.name)
      return cost
    case .conditional(let conditional):
      var cost = Cost()
      var branches: [Cost] = []
      for (position, branch) in conditional.branches.enumerated() {
        say((position == 0 ? "if " : "else if ") + text(branch.condition.range) + ":")
        cost += nested { $0.explainPipelines(in: branch.condition) }
        branches.append(nested { $0.explain(branch.body.statements) })
      }
      if let otherwise = conditional.otherwise {
        say("else:")
        branches.append(nested { $0.explain(otherwise.statements) })
      } else {
        branches.append(Cost())
      }
      return cost + branches.dropFirst().reduce(branches[0]) { $0.either($1) }
    case .loop(let loop):
      say("for \(loop.variable) in \(text(loop.source.range)):")
      var cost = nested { $0.explain(loop.source) }
      bound.insert(loop.variable)
      let items = Self.itemCount(loop.source)
      let over = Self.placeholder(for: loop.source, in: source)
      say("each item of \(over) runs:")
      let body = nested { $0.explain(loop.body.statements) }
      cost += body.repeated(over: "each item of \(over)", times: items)
      return cost
    case .definition(let definition):
      let parameters = definition.parameters.map(\.name).joined(separator: ", ")
      say("def \(definition.name) [\(parameters)]: a command of yours; nothing runs now, and each call runs:")
      let body = nested { $0.explain(definition.body.statements) }
      definedCosts[definition.name] = body
      return Cost()
    case .returning(let value, let range):
      guard let value else {
        say(text(range))
        return Cost()
      }
      say("return \(text(value.range))")
      return nested { $0.explain(value) }
    case .breaking(let range), .continuing(let range):
      say(text(range))
      return Cost()
    case .attempt(let attempt):
      say("try:")
      let body = nested { $0.explain(attempt.body.statements) }
      say("if it fails" + (attempt.errorName.map { " (as $\($0))" } ?? "") + ":")
      let handler = nested { $0.explain(attempt.handler.statements) }
      return body + handler.optional
    case .explanation(let explained, _):
      // It runs nothing: what it shows is said, and costs nothing.
      say("explain: shows what this would do, and sends nothing:")
      let kept = (bound, steps, money, cautions)
      _ = nested { $0.explain(explained) }
      (bound, steps, money, cautions) = kept
      return Cost()
    }
  }

  private mutating func explain(_ statements: [Statement]) -> Cost {
    var cost = Cost()
    var mayStop = false
    for statement in statements {
      let next = explain(statement)
      // After an `if` that may return, break or continue, the statements below may not run.
      cost += mayStop ? next.optional : next
      mayStop = mayStop || Self.mayLeave(statement)
    }
    return cost
  }

  /// Whether a statement may end its block early: a `return`, `break` or `continue` inside it.
  private static func mayLeave(_ statement: Statement) -> Bool {
    switch statement {
    case .returning, .breaking, .continuing: true
    case .conditional(let conditional):
      conditional.branches.contains { $0.body.statements.contains(where: mayLeave) }
        || (conditional.otherwise?.statements.contains(where: mayLeave) ?? false)
    case .attempt(let attempt):
      attempt.body.statements.contains(where: mayLeave) || attempt.handler.statements.contains(where: mayLeave)
    default: false
    }
  }

  /// What a `for` goes through, when its length is written down: `[US, CA, GB]`.
  private static func itemCount(_ pipeline: Pipeline) -> Int? {
    guard pipeline.stages.count == 1, case .expression(.list(let items, _)) = pipeline.stages[0] else { return nil }
    return items.count
  }

  /// How a value that a pipeline makes is named where it is used: `<from groups>`, `<from $g>`.
  private static func placeholder(for pipeline: Pipeline, in source: SourceFile) -> String {
    var name: String?
    for stage in pipeline.stages {
      switch stage {
      case .command(let call): name = call.name
      case .expression(let expression): name = source.text(of: expression.range)
      }
    }
    if pipeline.stages.count == 1, case .expression(.list) = pipeline.stages[0] { return name ?? "it" }
    return "<from \(name ?? "it")>"
  }

  // MARK: Pipelines

  private mutating func explain(_ pipeline: Pipeline) -> Cost {
    var cost = Cost()
    /// What the stage before makes, as a placeholder; nil when nothing is piped.
    var piped: String?
    var pipedValue: Value?
    for (position, stage) in pipeline.stages.enumerated() {
      let number = "\(position + 1). "
      switch stage {
      case .expression(let expression):
        say(number + text(expression.range) + ": " + Self.describe(expression))
        cost += nested { $0.explainPipelines(in: expression) }
        piped = Self.shown(expression, in: source)
        pipedValue = nil
        if case .variable(let name, _) = expression, !bound.contains(name) { pipedValue = known.lookup(name) }
      case .command(let call):
        cost += explain(call, number: number, piped: piped, pipedValue: pipedValue)
        pipedValue = nil
        if let checked = checker.calls[call.range],
          !checked.signature.apiCalls.isEmpty || checked.isDefinedHere
            || engine.userCommands[call.name] != nil || piped == nil
        {
          piped = "<from \(call.name)>"
        }
      }
    }
    return cost
  }

  private mutating func explain(_ call: CommandCall, number: String, piped: String?, pipedValue: Value?) -> Cost {
    let header = number + text(call.range)
    guard let checked = checker.calls[call.range] else {
      say(header + ": not known before it runs")
      return Cost()
    }
    let signature = checked.signature
    var arguments: [String: String] = [:]
    for (parameter, expression) in checked.assignments {
      let shown = Self.shown(expression, in: source)
      arguments[parameter.name] = arguments[parameter.name].map { $0 + ", " + shown } ?? shown
    }
    var cost = Cost()
    if !signature.apiCalls.isEmpty {
      let sketch = CallSketch(
        input: checked.input, piped: checked.input.kind == .nothing ? nil : piped, pipedValue: pipedValue,
        arguments: arguments, literals: checked.literals)
      cost = explainRequests(signature, plan: signature.requests.plan(sketch, calls: signature.apiCalls), header)
    } else if checked.isDefinedHere || engine.userCommands[call.name] != nil {
      say(header + ": runs \(call.name), a command of yours (defined with def); each call sends what its body sends")
      cost = definedCost(call.name)
      nested { $0.say("returns " + Self.describe(checked.result, else: signature.output)) }
    } else {
      say(header + ": " + Self.sentence(signature.summary) + " No request.")
      if call.name == "source" { cost.unknown.append(text(call.range)) }
      nested { $0.say("returns " + Self.describe(checked.result, else: signature.output)) }
    }
    // Blocks run for each item piped in; pipelines inside arguments run first.
    for (parameter, expression) in checked.assignments {
      if parameter.kind == .block, case .block(let block) = expression {
        let over = piped.map { "each item of \($0)" } ?? "each item"
        let body = nested { explainer in
          explainer.say("\(over) runs:")
          return explainer.nested { $0.explain(block.statements) }
        }
        cost += body.repeated(over: over, times: nil)
      } else if parameter.kind == .expression {
        let rows = nested { $0.explainPipelines(in: expression) }
        cost += rows.repeated(over: piped.map { "each item of \($0)" } ?? "each item", times: nil)
      } else {
        cost += nested { $0.explainPipelines(in: expression) }
      }
    }
    return cost
  }

  private mutating func explainRequests(_ signature: Signature, plan: RequestPlan, _ header: String) -> Cost {
    say(header + (signature.flowStep.map { "  [\($0.rawValue)]" } ?? ""))
    if let step = signature.flowStep { steps.insert(step) }
    var cost = Cost()
    var always = 0
    var most: Int? = 0
    var purchases = (fewest: 0, most: 0)
    nested { explainer in
      if let note = plan.note { explainer.say(note) }
      for request in plan.requests {
        let call = request.call
        let arguments = request.arguments.map { "\($0.name)=\($0.value)" }
        let carried: String
        if call.method == "POST" {
          carried = arguments.isEmpty ? "" : "  body: " + arguments.joined(separator: " ")
        } else {
          carried = arguments.isEmpty ? "" : "  " + arguments.joined(separator: " ")
        }
        explainer.say(call.request + carried)
        switch request.sending {
        case .always:
          always += 1
          most = most.map { $0 + 1 }
          if call.spendsMoney { purchases = (purchases.fewest + 1, purchases.most + 1) }
        case .when(let condition):
          explainer.nested { $0.say("only " + condition) }
          most = most.map { $0 + 1 }
          if call.spendsMoney { purchases.most += 1 }
        case .perPage(let pages):
          explainer.nested { $0.say(pages) }
          always += 1
          most = nil
          if call.spendsMoney { purchases = (purchases.fewest + 1, purchases.most + 1) }
        }
        if let spent = request.money, !explainer.money.contains(spent) { explainer.money.append(spent) }
      }
      cost.fewest = max(always, plan.fewest ?? 0)
      cost.most = most
      cost.purchasesFewest = purchases.fewest
      cost.purchasesMost = purchases.most
      let spending = plan.requests.compactMap(\.money)
      explainer.say(
        "costs " + cost.callsText + (spending.isEmpty ? "" : "; money: " + spending.joined(separator: "; ")))
      if let caution = plan.caution, !explainer.cautions.contains(caution) { explainer.cautions.append(caution) }
      explainer.say("returns " + signature.output)
    }
    return cost
  }

  /// Explains the pipelines an expression runs (`(regions US | count)`, `"$(…)"`), under it.
  private mutating func explainPipelines(in expression: Expression) -> Cost {
    var cost = Cost()
    switch expression {
    case .subpipeline(let pipeline, _):
      if pipeline.plainExpression != nil { return explainPipelines(in: pipeline.plainExpression ?? expression) }
      say("(\(text(pipeline.range))) runs:")
      cost += nested { $0.explain(pipeline) }
    case .literal, .variable, .name, .block: break
    case .field(let base, _, _), .unary(_, let base, _), .optional(let base, _):
      cost += explainPipelines(in: base)
    case .index(let left, let right, _), .binary(_, let left, let right, _):
      cost += explainPipelines(in: left)
      cost += explainPipelines(in: right)
    case .list(let items, _): for item in items { cost += explainPipelines(in: item) }
    case .record(let entries, _): for entry in entries { cost += explainPipelines(in: entry.value) }
    case .interpolated(let parts, _):
      for case .interpolation(let inner) in parts { cost += explainPipelines(in: inner) }
    }
    return cost
  }

  /// What a call of a command of yours costs: what its body sends.
  private mutating func definedCost(_ name: String) -> Cost {
    if let cost = definedCosts[name] { return cost }
    if expanding.contains(name) {
      var cost = Cost()
      cost.unknown.append("\(name) calling itself")
      return cost
    }
    var cost: Cost
    if let definition = definitions[name] {
      // Called before the line that defines it: gone through once, quietly.
      let (wasSilent, wasDepth) = (silent, depth)
      silent = true
      expanding.insert(name)
      cost = explain(definition.body.statements)
      expanding.remove(name)
      (silent, depth) = (wasSilent, wasDepth)
    } else if let command = engine.userCommands[name] {
      var inner = Explainer(
        engine: engine, source: command.source, known: command.scope, expanding: expanding.union([name]))
      cost = inner.cost(of: command.definition.body.statements)
      steps.formUnion(inner.steps)
      for spent in inner.money where !money.contains(spent) { money.append(spent) }
      for caution in inner.cautions where !cautions.contains(caution) { cautions.append(caution) }
    } else {
      cost = Cost()
    }
    definedCosts[name] = cost
    return cost
  }

  // MARK: Describing

  private func moneyText(_ cost: Cost) -> String {
    let purchases = cost.purchasesText
    guard !purchases.isEmpty else { return "none" }
    return purchases + (money.isEmpty ? "" : ": " + money.joined(separator: "; "))
  }

  /// How a value written in a call is shown: a literal's text, or where it comes from (`<from $g.id>`).
  static func shown(_ expression: Expression, in source: SourceFile) -> String {
    switch expression {
    case .literal(.string(let text), _): return text
    case .literal(let value, _): return value.description
    case .block: return "{ … }"
    default:
      var written = source.text(of: expression.range).split(whereSeparator: \.isWhitespace).joined(separator: " ")
      if written.count > 40 { written = String(written.prefix(39)) + "…" }
      return "<from \(written)>"
    }
  }

  private static func describe(_ expression: Expression) -> String {
    switch expression {
    case .variable, .field, .optional: "the value of " + (reference(expression) ?? "it")
    case .literal, .list, .record: "a value written here"
    default: "a value worked out here"
    }
  }

  /// How a chain of reads is written: `$g.price`.
  private static func reference(_ expression: Expression) -> String? {
    switch expression {
    case .variable(let name, _): "$" + name
    case .field(let base, let name, _): reference(base).map { $0 + "." + name }
    case .optional(let access, _): reference(access).map { $0 + "?" }
    default: nil
    }
  }

  /// `a list of records {id, prefix, location, …}`
  static func describe(_ shape: Shape, else declared: String) -> String {
    func fields(_ fields: [ShapeField]) -> String {
      let names = fields.prefix(6).map(\.name)
      return names.isEmpty ? "" : " {" + names.joined(separator: ", ") + (fields.count > 6 ? ", …}" : "}")
    }
    switch shape {
    case .list(.record(let items, _)): return "a list of records" + fields(items)
    case .record(let items, _): return "a record" + fields(items)
    case .unknown: return declared
    default: return shape.summary
    }
  }

  /// A summary as a sentence: capital first, full stop last.
  private static func sentence(_ summary: String) -> String {
    guard let first = summary.first else { return "" }
    let capital = first.uppercased() + summary.dropFirst()
    return capital.hasSuffix(".") ? capital : capital + "."
  }
}

/// What code costs: API calls (one credit each) and purchases, some of them once for each item of a list.
struct Cost {
  var fewest = 0
  /// nil: no bound known (pages of results).
  var most: Int? = 0
  var purchasesFewest = 0
  var purchasesMost: Int? = 0
  /// Costs paid once for each item of a list whose length is not known.
  var repeated: [Repeated] = []
  /// Calls whose cost is not known here (`source FILE`).
  var unknown: [String] = []

  struct Repeated {
    var over: String
    var cost: Cost
  }

  var isFree: Bool {
    most == 0 && purchasesMost == 0 && repeated.allSatisfy(\.cost.isFree) && unknown.isEmpty
  }

  static func + (left: Cost, right: Cost) -> Cost {
    var sum = left
    sum.fewest += right.fewest
    sum.most = left.most.flatMap { most in right.most.map { most + $0 } }
    sum.purchasesFewest += right.purchasesFewest
    sum.purchasesMost = left.purchasesMost.flatMap { most in right.purchasesMost.map { most + $0 } }
    sum.repeated += right.repeated
    sum.unknown += right.unknown.filter { !left.unknown.contains($0) }
    return sum
  }

  static func += (left: inout Cost, right: Cost) { left = left + right }

  /// The cost of code that may not run.
  var optional: Cost {
    var cost = self
    cost.fewest = 0
    cost.purchasesFewest = 0
    cost.repeated = repeated.map { Repeated(over: $0.over, cost: $0.cost.optional) }
    return cost
  }

  /// The cost of running this or else `other`.
  func either(_ other: Cost) -> Cost {
    var cost = Cost()
    cost.fewest = min(fewest, other.fewest)
    cost.most = most.flatMap { most in other.most.map { max(most, $0) } }
    cost.purchasesFewest = min(purchasesFewest, other.purchasesFewest)
    cost.purchasesMost = purchasesMost.flatMap { most in other.purchasesMost.map { max(most, $0) } }
    cost.repeated = (repeated + other.repeated).map { Repeated(over: $0.over, cost: $0.cost.optional) }
    cost.unknown = unknown + other.unknown.filter { !unknown.contains($0) }
    return cost
  }

  /// The cost of running this once for each item of a list: `times` items when that is known.
  func repeated(over: String, times: Int?) -> Cost {
    guard !isFree else { return Cost() }
    guard let times else {
      var cost = Cost()
      cost.repeated = [Repeated(over: over, cost: self)]
      return cost
    }
    var cost = Cost()
    cost.fewest = fewest * times
    cost.most = most.map { $0 * times }
    cost.purchasesFewest = purchasesFewest * times
    cost.purchasesMost = purchasesMost.map { $0 * times }
    cost.repeated = repeated.map { Repeated(over: "\($0.over), for \(over)", cost: $0.cost) }
    cost.unknown = unknown
    return cost
  }

  /// `3 to 4 calls = 3–4 credits`, with what is paid for each item of a list after it.
  var callsText: String {
    var text = Self.range(fewest, most, one: "call", other: "calls")
    if fewest == 0 && most == 0 { text = "none" } else { text += " = " + Self.credits(fewest, most) }
    for part in repeated where !(part.cost.most == 0 && part.cost.repeated.isEmpty) {
      text += ", plus " + part.cost.callsText + " for \(part.over)"
    }
    for name in unknown { text += ", plus what \(name) sends (not known here)" }
    return text
  }

  /// `1 purchase`, `0 to 1 purchase`, with those made for each item of a list; empty when there are none.
  var purchasesText: String {
    var parts: [String] = []
    if purchasesMost != 0 {
      parts.append(Self.range(purchasesFewest, purchasesMost, one: "purchase", other: "purchases"))
    }
    for part in repeated {
      let inner = part.cost.purchasesText
      if !inner.isEmpty { parts.append(inner + " for \(part.over)") }
    }
    return parts.joined(separator: ", plus ")
  }

  private static func range(_ fewest: Int, _ most: Int?, one: String, other: String) -> String {
    switch most {
    case fewest?: return "\(fewest) \(fewest == 1 ? one : other)"
    case nil: return "\(fewest) or more \(other)"
    case let most?: return "\(fewest) to \(most) \(most == 1 ? one : other)"
    }
  }

  private static func credits(_ fewest: Int, _ most: Int?) -> String {
    switch most {
    case fewest?: return "\(fewest) credit" + (fewest == 1 ? "" : "s")
    case nil: return "\(fewest) or more credits"
    case let most?: return "\(fewest)–\(most) credits"
    }
  }
}
