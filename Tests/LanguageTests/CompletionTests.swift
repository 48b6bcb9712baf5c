import Commands
import Language
import Testing

/// Tab completion is a pure function of the line, the cursor, the signatures and the variables.
@Suite("Completion")
struct CompletionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    /// The line; `‸` marks the cursor (the end when absent).
    var line: String
    var expected: [String]
    /// Whether `expected` is the whole list, or only part of it.
    var exact = true
    /// Candidates that must not be offered (with `exact: false`).
    var absent: [String] = []
    var testDescription: String { line.isEmpty ? "(empty line)" : line }
  }

  static let engine: Engine = {
    let engine = Engine(commands: builtinCommands)
    engine[variable: "g"] = .record([
      "id": .string("grp_1"), "prefix": .string("+1 (213)"),
      "price": .record(["setup_price": .int(0), "monthly_price": .int(1)]),
    ])
    engine[variable: "groups_seen"] = .list([])
    engine[variable: "rows"] = .list([.record(["name": .string("a"), "number": .int(1)])])
    engine.environment = ["HOME": "/home/me", "HOSTNAME": "box", "PATH": "/bin"]
    return engine
  }()

  static func folder(_ path: String) -> [String] {
    switch path {
    case ".": ["scripts/", "Sources/", "out.json", "notes.txt", "my folder/", "it's $5.2cs", "2024"]
    case "my folder/": ["run me.2cs", "run/"]
    case "scripts/": ["examples/", "test", "2cs"]
    case "scripts/examples/": ["purchase-flow.2cs", "vanity-search.2cs"]
    default: []
    }
  }

  static let cases: [Case] = [
    Case(line: "gro", expected: ["group-by", "groups"]),
    Case(line: "did", expected: ["did-types"]),
    Case(line: "expl", expected: ["explain"]),
    Case(line: "explain gro", expected: ["group-by", "groups"]),
    Case(line: "explain groups co", expected: ["country="]),
    Case(line: "explain let g = groups US | first | pur", expected: ["purchase"]),
    Case(line: "le", expected: ["let"]),
    Case(line: "", expected: ["let", "for", "groups", "purchase", "where"], exact: false),
    Case(line: "groups US | wh", expected: ["where"]),
    Case(line: "groups US | l", expected: ["last"]),
    Case(line: "groups US; l", expected: ["last", "let"]),
    Case(line: "groups co", expected: ["country="]),
    // A bare TAB offers a positional parameter's values, not its `name=`; aliases are offered with the names.
    Case(
      line: "groups ", expected: ["region_id=", "did_type=", "type=", "near=", "US", "GB", "JP"], exact: false,
      absent: ["country="]),
    Case(line: "groups US ty", expected: ["type="]),
    // A country given by position is given: `country=` is not offered again.
    Case(line: "groups US c", expected: ["city=", "city_id=", "city_name_or_prefix="]),
    Case(line: "groups US ne", expected: ["near="]),
    Case(line: "groups US di", expected: ["did_type="]),
    Case(line: "available con", expected: ["contains="]),
    Case(line: "purchase gr", expected: ["group=", "group_id="]),
    Case(line: "groups country=US ci", expected: ["city=", "city_id=", "city_name_or_prefix="]),
    Case(line: "groups country=US city=5 ci", expected: ["city_name_or_prefix="]),
    Case(line: "groups US did_type=mo", expected: ["did_type=mobile"]),
    Case(line: "groups US type=t", expected: ["type=tollfree"]),
    Case(line: "requirements DE type=", expected: didTypes.map { "type=" + $0 }),
    Case(line: "set output=", expected: ["output=csv", "output=json", "output=ndjson", "output=table"]),
    Case(line: "set o", expected: ["output="]),
    Case(line: "set output=json tr", expected: ["trace="]),
    Case(line: "sort-by name --r", expected: ["--reverse"]),
    Case(line: "available contains=5", expected: []),
    Case(line: "$", expected: ["$args", "$env", "$g", "$groups_seen", "$rows"]),
    Case(line: "$g", expected: ["$g", "$groups_seen"]),
    Case(line: "$g.pr", expected: ["$g.price", "$g.prefix"]),
    Case(line: "$g.price.mo", expected: ["$g.price.monthly_price"]),
    Case(line: "print $g.price.", expected: ["$g.price.monthly_price", "$g.price.setup_price"]),
    Case(line: "$rows.na", expected: ["$rows.name"]),
    Case(line: "$env.HO", expected: ["$env.HOME", "$env.HOSTNAME"]),
    Case(line: "$nope.", expected: []),
    Case(line: "source sc", expected: ["scripts/"]),
    Case(line: "source scripts/ex", expected: ["scripts/examples/"]),
    Case(line: "open scripts/examples/p", expected: ["scripts/examples/purchase-flow.2cs"]),
    Case(line: "save o", expected: ["out.json"]),
    // Paths that are no bare word are quoted; completion goes on inside the quotes.
    Case(line: "source my", expected: ["\"my folder/"]),
    Case(line: "source \"my folder/r", expected: ["\"my folder/run me.2cs\"", "\"my folder/run/"]),
    Case(line: "source 'my folder/run ", expected: ["'my folder/run me.2cs'"]),
    Case(line: "source it", expected: ["\"it's \\$5.2cs\""]),
    Case(line: "source 20", expected: ["\"2024\""]),
    // In double quotes `$` would start a variable: it is escaped.
    Case(line: "source \"it", expected: ["\"it's \\$5.2cs\""]),
    Case(line: "source 'it", expected: []),
    Case(line: "print \"my f", expected: []),
    Case(line: "print \"gro", expected: []),
    Case(line: "groups US # gro", expected: []),
    Case(line: "let x = gro", expected: ["group-by", "groups"]),
    Case(line: "for g in gro", expected: ["group-by", "groups"]),
    Case(line: "help gr", expected: ["group-by", "groups"]),
    // Topics are offered beside the commands.
    Case(line: "help fl", expected: ["flatten", "flow"]),
    Case(line: "help sy", expected: ["syntax"]),
    Case(line: "help err", expected: ["errors"]),
    Case(line: "[1] | each { gro", expected: ["group-by", "groups"]),
    Case(line: "(groups US | fi", expected: ["first"]),
    Case(line: "nosuchcommand --x", expected: []),
    Case(line: "gro‸ups US", expected: ["group-by", "groups"]),
    // Field names of what is piped in, from the shapes commands declare and from variables.
    Case(line: "groups US | sort-by pr", expected: ["prefix", "price"]),
    Case(line: "groups US | sort-by price.mo", expected: ["price.monthly_price"]),
    Case(line: "groups US | where allow", expected: ["allow_number_selection"]),
    Case(line: "explain groups US | where allow", expected: ["allow_number_selection"]),
    Case(
      line: "groups GB | where ", expected: ["id", "prefix", "price", "location", "allow_number_selection"],
      exact: false),
    Case(line: "groups GB | get ", expected: ["id", "price"], exact: false, absent: ["field="]),
    Case(line: "groups US | where type == \"local\" and fea", expected: ["features"]),
    Case(line: "groups US | first | get lo", expected: ["location"]),
    Case(line: "let n = numbers | select phone", expected: ["phone_number"]),
    Case(line: "$rows | get na", expected: ["name"]),
    Case(line: "available contains=5 | get nu", expected: ["number"]),
  ]

  static let didTypes = ["all", "global", "local", "mobile", "national", "sharedcost", "tollfree"].filter {
    $0 != "all"
  }

  @Test(arguments: cases)
  func candidates(_ item: Case) {
    let cursor = item.line.range(of: "‸").map { item.line.utf8.distance(from: item.line.startIndex, to: $0.lowerBound) }
    let line = item.line.replacingOccurrences(of: "‸", with: "")
    let completion = Self.engine.complete(line, cursor: cursor ?? line.utf8.count, listFolder: Self.folder)
    if item.exact {
      #expect(completion.candidates == item.expected.sorted())
    } else {
      #expect(Set(item.expected).isSubset(of: Set(completion.candidates)), "got \(completion.candidates)")
      #expect(Set(item.absent).isDisjoint(with: Set(completion.candidates)), "got \(completion.candidates)")
    }
  }

  @Test func theReplacedWordStartsAtItsFirstByte() {
    #expect(Self.engine.complete("groups co", cursor: 9).start == 7)
    let accented = "print \"héllo\" | cou"
    let completion = Self.engine.complete(accented, cursor: accented.utf8.count)
    #expect(completion.start == accented.utf8.count - 3)
    #expect(completion.candidates == ["count"])
  }

  @Test func theCommonPrefixIsWhatAllCandidatesShare() {
    #expect(Completion(start: 0, candidates: ["group-by", "groups"]).commonPrefix == "group")
    #expect(Completion(start: 0, candidates: ["$g.price", "$g.prefix"]).commonPrefix == "$g.pr")
    #expect(Completion(start: 0, candidates: []).commonPrefix == "")
  }

  @Test func userDefinedCommandsComplete() async {
    let engine = Engine(commands: builtinCommands)
    _ = await engine.run("def cheapest_group [country] { groups $country | first }", name: "defs")
    #expect(engine.complete("chea", cursor: 4).candidates == ["cheapest_group"])
    #expect(engine.complete("cheapest_group co", cursor: 17).candidates == ["country="])
  }
}
