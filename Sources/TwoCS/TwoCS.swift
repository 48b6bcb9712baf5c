import ArgumentParser

@main
struct TwoCS: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "2cs",
    abstract: "A scriptable REPL and command language for the 2Chat Numbers API.",
    discussion: """
      With no API key, 2cs runs against an embedded sandbox that simulates the API, \
      its state kept under $XDG_STATE_HOME/2cs/.
      """,
    subcommands: [SandboxCommand.self]
  )
}
