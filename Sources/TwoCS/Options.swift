// Public only because a public type of Commands conforms to one of its protocols below.
public import ArgumentParser
import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import Sandbox

#if canImport(Glibc)
  import Glibc
#endif

/// Where 2cs sends its requests and how careful it is; shared by every mode.
struct ConnectionOptions: ParsableArguments {
  @Option(
    name: .customLong("api-key"),
    help: """
      The 2Chat API key. Other users of this machine can see it (ps, /proc): prefer $TWOCHAT_API_KEY, or \
      api_key or api_key_command in ~/.config/2cs/config.toml. Never printed.
      """)
  var apiKey: String?

  @Option(
    help: """
      The API's address (default: base_url in the config file, else \(LiveAPI.baseURL)). \
      http:// only to this machine (127.0.0.1, ::1, localhost); no user name or password in it. \
      The mode is `local` only when the server says it is `2cs sandbox serve`; any other is `live`.
      """)
  var baseURL: String?

  @Option(
    help: ArgumentHelp(
      "Use the settings of [profile.NAME] in the config file instead of its top-level ones.", valueName: "NAME"))
  var profile: String?

  @Flag(help: "Use the embedded sandbox even if a key is set.")
  var sandbox = false

  @Option(help: "How values are shown: table, json, ndjson or csv (default: table on a terminal, json otherwise).")
  var output: OutputFormat?

  @Flag(help: "Answer yes to live purchases and other writes (scripts need it on a live account).")
  var yes = false

  @Flag(help: "Run reads, but only show the writes (and the planned spending).")
  var dryRun = false

  @Option(help: "The most this run may spend on setup plus first month.")
  var budget: String?

  @Flag(help: "Print every HTTP exchange to stderr as a curl command (key shown as ***).")
  var trace = false

  func validate() throws {
    if let budget, DecimalNumber(budget) == nil || budget.hasPrefix("-") {
      throw ValidationError("--budget must be a number such as 25 or 9.50")
    }
    if let baseURL {
      do {
        _ = try BaseURL(parsing: baseURL)
      } catch {
        throw ValidationError(error.message)
      }
    }
    if sandbox && baseURL != nil { throw ValidationError("--sandbox and --base-url cannot be used together") }
  }
}

extension OutputFormat: ExpressibleByArgument {}
