import ArgumentParser
import Foundation
import SystemSupport

@main
struct TwoCS: AsyncParsableCommand {
  /// This release of 2cs; `2cs --version` prints it.
  static let version = "0.8.0"

  static let configuration = CommandConfiguration(
    commandName: "2cs",
    abstract: "A scriptable REPL and command language for the 2Chat Numbers API.",
    discussion: """
      With no API key, 2cs runs against an embedded sandbox that simulates the API, \
      its state kept under $XDG_STATE_HOME/2cs/. With a key (TWOCHAT_API_KEY, api_key or api_key_command \
      in ~/.config/2cs/config.toml, or --api-key) it talks to the live API, where purchases spend money: \
      they ask first, or need --yes in a script. Only a server that says it is `2cs sandbox serve` counts \
      as local; any other, loopback included, is live. See docs/configuration.md.

      Examples:
        2cs                                            an interactive session
        2cs -c 'groups country=US | first | purchase'  a one-liner
        2cs scripts/examples/purchase-flow.2cs         a script
        2cs check scripts/examples/*.2cs               check scripts without running them
        2cs explain scripts/examples/def-helper.2cs    what a script would send and cost, sending nothing
        2cs tour                                       learn the purchase flow, step by step, in a sandbox

      The options for running (a one-liner, the key, the server, dry run, budget, trace) are in \
      `2cs run --help`. In the language, `help` lists the commands.
      """,
    version: "2cs \(version)",
    subcommands: [Run.self, Check.self, Explain.self, TourCommand.self, SandboxCommand.self],
    defaultSubcommand: Run.self
  )

  /// Like ArgumentParser's own, but a usage error exits with status 2, as documented.
  static func main() async {
    StandardStreams.fillClosedDescriptors()
    StandardStreams.reportClosedPipesAsErrors()
    do {
      var command = try parseAsRoot()
      if var asynchronous = command as? AsyncParsableCommand {
        try await asynchronous.run()
      } else {
        try command.run()
      }
    } catch {
      if exitCode(for: error) == .validationFailure {
        StandardStreams.writeError(fullMessage(for: error) + "\n")
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}
