import Foundation
import Sandbox
import TestSupport
import Testing

/// The built binary against each bad answer (`MisbehavingServerTests` runs them in a session): the user reads
/// one error naming the endpoint, on standard error, and the process ends with status 1, not a crash. The slow
/// drip is left to the session suite, whose time-out is seconds rather than the binary's 30 s, tried four times.
@Suite("The binary against a misbehaving server")
struct MisbehavingServerBinaryTests {
  @Test(arguments: BadAnswer.allCases.filter { $0 != .slowDrip })
  func aBadAnswerIsOneErrorAndNoCrash(bad: BadAnswer) async throws {
    var configuration = SandboxConfiguration()
    configuration.requestsPerMinute = nil
    let server = try MisbehavingServer(serving: try Sandbox(configuration: configuration))
    defer { server.close() }
    try await withTemporaryFolder { home in
      let environment = ["TWOCHAT_API_KEY": BadAnswer.apiKey]
      let baseURL = server.baseURL
      func run(_ source: String) async throws -> RunResult {
        try await onThreadOfItsOwn {
          try run2cs(["--yes", "--base-url", baseURL, "-c", source], home: home, environment: environment)
        }
      }

      server.misbehave(on: CallUnderTest.regions.request, bad.misbehaviour(for: .regions), acting: false)
      let read = try await run("regions US")
      server.behave()
      let status = bad.status(for: .regions).map { "HTTP \($0): " } ?? ""
      #expect(read.exitedNormally && read.status == 1, "\(bad): \(read.standardError)")
      #expect(read.standardOutput.isEmpty)
      #expect(
        read.standardError.hasPrefix("<command>:1:1: error: GET /open/numbers/regions: \(status)"),
        "\(bad): \(read.standardError)")
      #expect(read.standardError.contains(bad.says(for: .regions)), "\(bad): \(read.standardError)")
      expectNothingLeaked(read, bad)

      // A random number, so that nothing can show whether a write the server acted on went through.
      server.misbehave(on: CallUnderTest.reserve.request, bad.misbehaviour(for: .reserve), acting: bad.acts)
      let write = try await run("groups US | first | reserve")
      server.behave()
      #expect(server.count(CallUnderTest.reserve.request) == 1, "\(bad): sent once")
      #expect(write.exitedNormally && write.status == 1, "\(bad): \(write.standardError)")
      #expect(write.standardError.hasPrefix("<command>:1:"), "\(bad): \(write.standardError)")
      #expect(write.standardError.contains(" error: POST /open/numbers/reservations: "), "\(write.standardError)")
      #expect(write.standardError.contains(bad.says(for: .reserve)), "\(bad): \(write.standardError)")
      let outcome =
        bad.refuses ? "help: the server refused it: nothing was reserved" : "the outcome of reserve is unknown"
      #expect(write.standardError.contains(outcome), "\(bad): \(write.standardError)")
      expectNothingLeaked(write, bad)
    }
  }

  /// `base_url` in the config file is checked as `--base-url` is, with the same message naming the file.
  @Test func aConfigFileBaseURLIsCheckedAsTheFlagIs() async throws {
    try await withTemporaryFolder { home in
      let key = ["TWOCHAT_API_KEY": BadAnswer.apiKey]
      let why = "ftp://example.com/api: the scheme must be https:// or http://"
      let flag = try run2cs(["--base-url", "ftp://example.com/api", "-c", "null"], home: home, environment: key)
      #expect(flag.status == 2)
      #expect(flag.standardError.contains("--base-url \(why)"), "\(flag.standardError)")
      try writeConfiguration("base_url = \"ftp://example.com/api\"\n", home: home)
      for environment in [key, [:]] {
        let file = try run2cs(["-c", "null"], home: home, environment: environment)
        #expect(file.status == 2)
        #expect(
          file.standardError == "2cs: base_url in \(home)/config/2cs/config.toml \(why)\n", "\(file.standardError)")
      }
    }
  }

  private func expectNothingLeaked(_ result: RunResult, _ bad: BadAnswer) {
    for text in [result.standardOutput, result.standardError] {
      #expect(!text.contains(BadAnswer.apiKey), "\(bad): the key is shown")
      for mark in crashMarks { #expect(!text.contains(mark), "\(bad): \(text)") }
    }
  }
}
