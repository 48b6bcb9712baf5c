public import Language
import NumbersAPI
import NumbersContract

// The words of `help` that are not in a command's signature: the steps of the purchase flow, what a call costs,
// and the topics `help flow`, `help syntax` and `help errors`. Help.swift lays them out with the signatures.

extension FlowStep {
  /// What the step is for, in a few words: `help`'s headings.
  public var title: String {
    switch self {
    case .location: "where the number is"
    case .search: "which kind of number, and the groups that sell it"
    case .requirements: "the documents a country asks for"
    case .browse: "the numbers of a group you may choose from"
    case .reserve: "holding a number, free, while you decide"
    case .purchase: "buying a number, which spends money"
    case .manage: "the numbers you own, and your account"
    }
  }

  /// The idea behind the step, for `help flow`.
  var explanation: String {
    switch self {
    case .location:
      """
      A number belongs to a place. Regions are states or provinces (US, CA and GB
      have them) and cities narrow a search; both are optional in the sandbox,
      but the live API may want a region for US searches.
      """
    case .search:
      """
      A number group is a catalog of numbers of one kind (local, mobile,
      tollfree...) in one place, at one price: setup, monthly, per minute. You buy
      from a group, so the search is for the right group.
      """
    case .requirements:
      """
      Some countries ask for documents (an address, an id) before a number may be
      used. An empty list means none; a number bought without them waits as
      AWAITING_REGISTRATION, and 2cs warns before such a purchase.
      """
    case .browse:
      """
      Where a group lets you choose (allow_number_selection), available lists its
      numbers, or those that contain some digits. Optional: a purchase without a
      number takes one of the group's.
      """
    case .reserve:
      """
      A reservation holds a number for your account, at no cost, until it expires
      (30 minutes in the sandbox), so nobody takes it while you decide. Buying a
      number you hold uses the reservation.
      """
    case .purchase:
      """
      A purchase charges the group's setup price and its first month. On a live
      account 2cs asks first (a script needs --yes), --dry-run shows what would
      be bought and sends nothing, and --budget caps the spending.
      """
    case .manage:
      """
      numbers lists what you own, with its status (ACTIVE, AWAITING_REGISTRATION,
      ...); release gives a number back; info shows the account, its limits and
      usage, and the mode: sandbox, local or live.
      """
    }
  }

  /// 1 for the first step.
  public var number: Int { (FlowStep.allCases.firstIndex(of: self) ?? 0) + 1 }
}

/// What API calls cost, for `help NAME`.
enum HelpCost {
  /// The requests the live API allows an account in a minute, as the client paces itself.
  static var requestsPerMinute: Int { ClientSettings().requestsPerMinute ?? 80 }

  static var credits: String {
    "one API credit per request (the live API allows \(requestsPerMinute) requests a minute; 2cs keeps under it)"
  }

  static let money =
    "money: the group's setup price plus its first month, per number bought; --dry-run sends nothing and shows "
    + "the price, and --budget N stops a purchase that would take the session's total over N"

  static let noMoney = "no money"
}

/// The help topics: `help flow`, `help syntax`, `help errors`.
public enum HelpTopic: String, CaseIterable, Sendable {
  case flow
  case syntax
  case errors

  /// What the topic is about, for `help`'s list of topics.
  public var summary: String {
    switch self {
    case .flow: "the purchase flow, step by step, with a worked example"
    case .syntax: "the language on one screen"
    case .errors: "the API's errors, 2cs's write outcomes, and what to do about each"
    }
  }

  /// The worked example of `help flow`: it runs as written in the sandbox (a test runs it).
  public static let flowExample: [Example] = [
    Example("regions US | first 3", "location: some US states"),
    Example("let g = groups US type=local | first", "search: a group of local numbers"),
    Example("requirements $g", "requirements: [], none in the US"),
    Example("available $g | first 3", "browse: numbers you may choose"),
    Example("let r = available $g | first | reserve", "reserve: hold one, free"),
    Example("$r | purchase", "purchase: buy the one you hold"),
    Example(
      "numbers | select \(VirtualNumberField.phoneNumber.rawValue) \(VirtualNumberField.status.rawValue)",
      "manage: what you own"),
  ]

  /// `help syntax`: the language on one screen (80 columns, 24 lines; a test holds it to that).
  static let syntaxText = """
    2cs syntax (help flow: the purchase flow; help NAME: one command)
    values   null true 42 3.50 +12135551234 (text) "text" [1, 2] {a: 1, b: "x"}
    strings  "interpolates $n, $g.prefix, $(regions US | count)\\n"   'raw: no $'
    pipes    groups US | where price.monthly_price < 2 | first | purchase
    args     groups US type=local near=213    sort-by prefix --reverse
    let      let g = groups GB | first     then $g, $g.price.setup_price, $l[0]
    if       if $x > 2 { print big } else if $x == 2 { print two } else { }
    for      for g in groups GB | first 3 { print $g.prefix }
    def      def cheap [c, max = 2] { groups $c | where price.setup_price < $max }
             call: cheap GB max=3;  a value piped in is $in
    blocks   [1, 2] | each { $it * 10 }    $it is the current item
    where    groups US | where type == "local" and features has "sms_out"
             bare names are the row's fields; text needs quotes
    name?    groups GB | where price.ppm? == null    a field that may be missing
    ops      + - * / %   == != < <= > >=   =~ (regex)   in   has   and or not
    try      try { fail "no" } catch e { print $e.message $e.status }
    explain  explain groups US | first   what it would send and cost; sends none
    also     return break continue exit; statements end at a newline or ;
    lines    a trailing | or an open ( [ { goes on on the next line
    #        a comment, to the end of the line
    source   source helpers.2cs    runs a file; its lets and defs stay
    vars     $args (a script's arguments), $env.HOME; vars lists the variables
    """

  /// `help errors`: one entry per kind of failure.
  static let apiErrors: [(status: String, meaning: String, action: String)] = [
    ("400", "a parameter is missing or malformed; the message names it", "fix it (help NAME lists the parameters)"),
    ("401", "the API key is missing or wrong", "check --api-key, TWOCHAT_API_KEY or config.toml"),
    (
      "404", "no such country, region, city, group, reservation or number",
      "look it up again: regions, groups, reservations, numbers"
    ),
    ("405", "the path does not take that method", "is --base-url the Numbers API?"),
    (
      "409", "the number is taken, held elsewhere, not in the group, or none are left",
      "choose another: available $g, or another group"
    ),
    (
      "429", "over the rate limit",
      "reads wait and retry by themselves; send fewer requests (\(HelpCost.requestsPerMinute) a minute)"
    ),
    ("5xx", "the server failed", "reads are retried up to 4 times; for a write see the outcomes below"),
  ]

  /// `help errors`: failures with no HTTP status.
  static let otherErrors: [(words: String, meaning: String)] = [
    ("could not connect", "nothing was sent; check --base-url and the network"),
    (
      "connection lost, no answer in time",
      "the request may have arrived; reads are retried, and a write's outcome is looked for in the account"
    ),
    ("unexpected answer from the server", "it does not answer as the Numbers API does; is --base-url right?"),
  ]

  /// `help errors`: the three ways a write (reserve, cancel, purchase, release) ends.
  static let writeOutcomes: [(word: String, meaning: String)] = [
    ("done", "it happened; the command returns the server's answer"),
    ("not done", "certain: never sent, or refused (a 4xx); nothing changed, fix it and run it again"),
    (
      "unknown",
      "the answer was lost and the account does not show the write: an error that says how to find "
        + "out (numbers | where \(VirtualNumberField.phoneNumber.rawValue) == \"+1...\" after a purchase, reservations after reserve or "
        + "cancel), never sent again, counted against --budget; journal check settles it later"
    ),
  ]

  static var errorsIntroduction: String {
    let message = EnvelopeField.errorMessage.rawValue
    return """
      An API error reads:  METHOD /path: HTTP STATUS: the server's message
      The server answers \(ErrorEnvelope.json(message: "...").jsonText)
      and 2cs shows \(message) word for word. In a script, try { ... } catch e
      { ... } reads $e.message, $e.status (HTTP) and, after a write, $e.outcome
      ("not_done" or "unknown"). journal lists every write and how it ended.
      """
  }

  static let flowIntroduction = """
    The purchase flow: how a number is bought through the 2Chat Numbers API.
    Each request costs one API credit; only a purchase spends money.
    """

  static let flowWorkedExample = """
    A worked example (it runs in the sandbox, where money is pretend; with a live
    key the purchase asks first):
    """
}
