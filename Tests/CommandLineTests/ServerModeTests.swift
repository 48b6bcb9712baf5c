import Commands
import Foundation
import NumbersAPI
import NumbersContract
import TestSupport
import Testing

@testable import TwoCS

/// The mode comes from what the server says, never from its address.
@Suite("Mode from the server", .serialized)
struct ServerModeTests {
  let key = ["TWOCHAT_API_KEY": "k"]

  @Test func aServedSandboxIsLocal() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
      defer { server.kill(signal: SIGTERM) }
      let result = try run2cs(
        ["--base-url", server.baseURL, "-c", "print (info).mode (info).server?"], home: home, environment: key)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(result.standardOutput == "local 2cs sandbox\n")
    }
  }

  @Test func aPlainServerOnLoopbackIsLiveAndAWriteNeedsConfirmation() async throws {
    try await withPlainServer { server, port in
      try await withTemporaryFolder { home in
        let arguments = ["--base-url", "http://127.0.0.1:\(port)", "-c", "print (info).mode\nreserve group_id=g1"]
        let result = try await onThreadOfItsOwn { [key] in try run2cs(arguments, home: home, environment: key) }
        #expect(result.standardOutput == "live\n")
        #expect(result.status == 1)
        #expect(result.standardError.contains("needs confirmation; nothing was sent"), "\(result.standardError)")
        #expect(server.requests == ["GET /open/info"], "the server saw no POST")
      }
    }
  }

  @Test func theREPLPromptNamesTheModeTheServerGave() async throws {
    try await withPlainServer { server, port in
      try await withTemporaryFolder { home in
        let environment = replEnvironment(home: home)
        let seen = try await onThreadOfItsOwn {
          let terminal = try PseudoTerminal(
            arguments: ["--base-url", "http://127.0.0.1:\(port)"], environment: environment)
          let banner = terminal.waitFor("2cs live session", seconds: 30)
          let prompt = terminal.waitForPrompt("2cs[live]> ")
          terminal.send("\u{4}")
          return (banner: banner, prompt: prompt, status: terminal.exitStatus(), screen: terminal.screen)
        }
        #expect(seen.banner && seen.prompt, "banner and prompt: \(seen.screen)")
        #expect(seen.status == 0)
        #expect(server.requests == ["GET /open/info"], "one call to learn what the server is")
      }
    }
    try await withTemporaryFolder { home in
      let served = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
      defer { served.kill(signal: SIGTERM) }
      let terminal = try PseudoTerminal(
        arguments: ["--base-url", served.baseURL], environment: replEnvironment(home: home))
      #expect(terminal.waitFor("2cs local session"), "banner: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[local]> "), "prompt: \(terminal.recent)")
      terminal.send("info | get mode\r")
      #expect(terminal.waitFor("\nlocal\n"), "info: \(terminal.recent)")
      #expect(terminal.waitForPrompt("2cs[local]> "), "prompt: \(terminal.recent)")
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }

  @Test func aUserNameBeforeTheHostIsRefused() async throws {
    try await withTemporaryFolder { home in
      let result = try run2cs(
        ["--base-url", "http://127.0.0.1@other-host:8080", "-c", "null"], home: home, environment: key)
      #expect(result.status == 2)
      #expect(result.standardError.contains("must not carry a user name or password"), "\(result.standardError)")
      #expect(result.standardError.contains("http://***@other-host:8080"), "\(result.standardError)")
      #expect(!result.standardError.contains("127.0.0.1@"))
    }
  }

  @Test func aPasswordInTheBaseURLIsRefusedAndNeverPrinted() async throws {
    try await withTemporaryFolder { home in
      for url in [
        "https://admin:hunter2-pw@127.0.0.1:1", "http://admin:hunter2-pw@localhost:1/api",
      ] {
        let result = try run2cs(["--trace", "--base-url", url, "-c", "info"], home: home, environment: key)
        #expect(result.status == 2, "\(url): \(result.standardError)")
        #expect(!result.standardError.contains("hunter2") && !result.standardOutput.contains("hunter2"))
        #expect(result.standardError.contains("***@"), "\(result.standardError)")
      }
      // The same from the config file.
      try writeConfiguration("base_url = \"https://admin:hunter2-pw@127.0.0.1:1\"\n", home: home)
      let fromFile = try run2cs(["--trace", "-c", "info"], home: home, environment: key)
      #expect(fromFile.status == 2)
      #expect(fromFile.standardError.contains("base_url in"), "\(fromFile.standardError)")
      #expect(!fromFile.standardError.contains("hunter2"))
    }
  }

  @Test func aLoopbackLookingNameIsLiveBeforeAnyAnswer() async throws {
    let url = try BaseURL(parsing: "https://127.example.com")
    #expect(url.host == "127.example.com" && !url.hostIsLoopback)
    let transport = HTTPTransport(baseURL: url.text)
    let client = NumbersClient(transport: transport, apiKey: APIKey("k"))
    let session = Session(
      connection: .server, client: client, journal: Journal(path: nil), tracing: Tracing(enabled: false) { _ in })
    #expect(session.mode == .live)
    #expect(!client.hasSeenAnswer, "no request was needed")
    await transport.shutdown()
    // Plain http to it is refused, as to any host that is not this machine; nothing is sent.
    try await withTemporaryFolder { home in
      let result = try run2cs(
        ["--base-url", "http://127.example.com:8080", "-c", "null"], home: home, environment: key)
      #expect(result.status == 2)
      #expect(result.standardError.contains("not this machine"), "\(result.standardError)")
    }
  }

  @Test func baseURLsAreReadByAURLParser() throws {
    #expect(try BaseURL(parsing: "HTTP://LocalHost:8080/").text == "http://LocalHost:8080")
    #expect(try BaseURL(parsing: "http://[::1]:8080").hostIsLoopback)
    #expect(try BaseURL(parsing: "http://127.3.2.1").hostIsLoopback)
    #expect(try BaseURL(parsing: "http://[::ffff:127.0.0.1]:1").hostIsLoopback)
    #expect(try !BaseURL(parsing: "http://128.0.0.1").hostIsLoopback)
    #expect(try !BaseURL(parsing: "http://localhost.example.com").hostIsLoopback)
    #expect(try BaseURL(parsing: "https://api.p.2chat.io/v1/").text == "https://api.p.2chat.io/v1")
    for refused in [
      "127.0.0.1:8080", "ftp://host", "http://", "http:///path", "https://h/?q=1", "https://h/#f", "http://h:0",
      "http://%31%32%37.0.0.1:80", "https://user@host",
    ] {
      #expect(throws: BaseURL.Problem.self, "\(refused)") { try BaseURL(parsing: refused) }
    }
  }

  func replEnvironment(home: String) -> [String: String] {
    [
      "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
      "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin", "TWOCHAT_API_KEY": "k",
    ]
  }
}

/// Writes `$XDG_CONFIG_HOME/2cs/config.toml` for `run2cs`'s home, mode 0600.
func writeConfiguration(_ text: String, home: String, permissions: Int = 0o600) throws {
  let folder = home + "/config/2cs"
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  let path = folder + "/config.toml"
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
}
