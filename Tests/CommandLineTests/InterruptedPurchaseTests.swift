import Foundation
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

  /// The purchase request, held by the proxy between 2cs and the server until the test lets it through.
  static let purchase = "POST /open/numbers/purchase "

  @Test func aScriptInterruptedMidPurchaseWaitsForTheOutcome() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
      defer { server.kill(signal: SIGTERM) }
      let proxy = try HoldingProxy(forwardingTo: server.port, holding: Self.purchase)
      defer { proxy.close() }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try builtBinary())
      process.arguments = [
        "--base-url", proxy.baseURL, "-c",
        "let g = groups US | where allow_number_selection | first; $g | purchase | get number",
      ]
      process.environment = environment(home: home).merging(["TWOCHAT_API_KEY": "k"]) { $1 }
      let errors = Pipe()
      process.standardError = errors
      process.standardOutput = Pipe()
      let stderr = GrowingText()
      try process.run()
      stderr.collect(from: errors.fileHandleForReading.fileDescriptor)
      defer {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
      }
      // Blocking waits: on a loaded machine the test's own tasks may wait seconds for a thread.
      #expect(proxy.waitUntilHeld(), "the purchase never left 2cs: \(stderr.text)")
      // The request has left: Ctrl-C now cannot stop it, only the waiting for its answer.
      process.interrupt()
      #expect(stderr.waitBlocking(for: "waiting for its outcome"), "no word of waiting: \(stderr.text)")
      proxy.release()
      #expect(stderr.waitBlocking(for: "purchase: done: bought +1"), "the number bought: \(stderr.text)")
      process.waitUntilExit()
      let owned = try run2cs(
        ["--base-url", server.baseURL, "-c", "numbers | count"], home: home, environment: ["TWOCHAT_API_KEY": "k"])
      #expect(owned.standardOutput == "1\n", "\(owned.standardError)")
      let journal = try run2cs(
        ["--base-url", server.baseURL, "-c", "journal | last | get outcome"], home: home,
        environment: ["TWOCHAT_API_KEY": "k"])
      #expect(journal.standardOutput == "done\n", "\(journal.standardOutput)")
    }
  }

  @Test func aPurchaseTheServerCompletesIsReportedAsDone() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
      defer { server.kill(signal: SIGTERM) }
      // The server gets the purchase only when the test lets it through: after the Ctrl-C.
      let proxy = try HoldingProxy(forwardingTo: server.port, holding: Self.purchase)
      defer { proxy.close() }
      let terminal = try PseudoTerminal(
        arguments: ["--base-url", proxy.baseURL],
        environment: environment(home: home).merging(["TWOCHAT_API_KEY": "k"]) { $1 })
      #expect(terminal.waitForPrompt("]> "), "no prompt: \(terminal.recent)")
      terminal.send("let g = groups US | where allow_number_selection | first\r")
      #expect(terminal.waitForPrompt("]> "))
      terminal.send("$g | purchase | get number\r")
      #expect(proxy.waitUntilHeld(), "the purchase never left 2cs: \(terminal.recent)")
      terminal.send("\u{3}")
      #expect(terminal.waitFor("waiting for its outcome"), "no word of waiting: \(terminal.recent)")
      proxy.release()
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
