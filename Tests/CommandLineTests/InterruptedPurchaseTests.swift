import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Ctrl-C while a purchase is in flight: the request has left, so 2cs waits for its outcome and says so.
@Suite("Ctrl-C during a purchase", .serialized)
struct InterruptedPurchaseTests {
  func environment(home: String) -> [String: String] {
    [
      "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "TERM": "xterm",
      "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
    ]
  }

  @Test func aScriptInterruptedMidPurchaseWaitsForTheOutcome() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k", "--faults", "only=POST,latency=8s"])
      defer { server.kill(signal: SIGTERM) }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try builtBinary())
      process.arguments = [
        "--base-url", server.baseURL, "--trace", "-c",
        "let g = groups US | where allow_number_selection | first; $g | purchase | get number",
      ]
      process.environment = environment(home: home).merging(["TWOCHAT_API_KEY": "k"]) { $1 }
      let errors = Pipe()
      process.standardError = errors
      process.standardOutput = Pipe()
      let stderr = Mutex("")
      errors.fileHandleForReading.readabilityHandler = { handle in
        let text = String(decoding: handle.availableData, as: UTF8.self)
        stderr.withLock { $0 += text }
      }
      try process.run()
      // The number is picked with `available`; its trace line shows, and the purchase leaves right after.
      // Blocking waits: on a loaded machine the test's own tasks may wait seconds for a thread.
      let deadline = Date().addingTimeInterval(20)
      while !stderr.withLock({ $0.contains("/open/numbers/available") }) && Date() < deadline {
        usleep(20_000)
      }
      usleep(500_000)
      process.interrupt()
      process.waitUntilExit()
      errors.fileHandleForReading.readabilityHandler = nil
      let rest = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      let said = stderr.withLock { $0 } + rest
      #expect(said.contains("waiting for its outcome"), "\(said)")
      #expect(said.contains("purchase: done: bought +1"), "\(said)")
      let owned = try run2cs(
        ["--base-url", server.baseURL, "-c", "numbers | count"], home: home, environment: ["TWOCHAT_API_KEY": "k"])
      #expect(owned.standardOutput == "1\n", "\(owned.standardError)")
      let journal = try run2cs(
        ["--base-url", server.baseURL, "-c", "journal | last | get outcome"], home: home,
        environment: ["TWOCHAT_API_KEY": "k"])
      #expect(journal.standardOutput == "\"done\"\n", "\(journal.standardOutput)")
    }
  }

  @Test func aPurchaseTheServerCompletesIsReportedAsDone() async throws {
    try await withTemporaryFolder { home in
      // Every POST takes eight seconds before the server acts on it.
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k", "--faults", "only=POST,latency=8s"])
      defer { server.kill(signal: SIGTERM) }
      let terminal = try PseudoTerminal(
        arguments: ["--base-url", server.baseURL, "--trace"],
        environment: environment(home: home).merging(["TWOCHAT_API_KEY": "k"]) { $1 })
      #expect(terminal.waitForPrompt("]> "), "no prompt: \(terminal.recent)")
      terminal.send("let g = groups US | where allow_number_selection | first\r")
      #expect(terminal.waitForPrompt("]> "))
      terminal.send("$g | purchase | get number\r")
      // The number is picked with `available`; its trace line shows, and the purchase leaves right after.
      #expect(terminal.waitFor("/open/numbers/available"), "\(terminal.recent)")
      usleep(500_000)
      terminal.send("\u{3}")
      #expect(terminal.waitFor("waiting for its outcome"), "no word of waiting: \(terminal.recent)")
      #expect(terminal.waitFor("purchase: done: bought +1"), "the number bought: \(terminal.recent)")
      #expect(terminal.waitForPrompt("]> "))
      terminal.send("journal | last | get outcome\r")
      #expect(terminal.waitFor("done"), "journal: \(terminal.recent)")
      #expect(terminal.waitForPrompt("]> "))
      terminal.send("numbers | count\r")
      #expect(terminal.waitFor("\n1\n"), "owned: \(terminal.recent)")
      #expect(terminal.waitForPrompt("]> "))
      terminal.send("\u{4}")
      #expect(terminal.exitStatus() == 0)
    }
  }
}
