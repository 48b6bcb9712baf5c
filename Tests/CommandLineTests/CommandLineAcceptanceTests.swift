import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let examplesFolder = repositoryRoot.appendingPathComponent("scripts/examples")

@Suite("The 2cs command line")
struct CommandLineAcceptanceTests {
  @Test func theDesignCardExampleBuysANumberInTheSandbox() async throws {
    try await withTemporaryFolder { home in
      let before = try run2cs(["-c", "numbers | count"], home: home)
      #expect(before.status == 0 && before.standardOutput == "0\n")
      let bought = try run2cs(["-c", "groups country=US | first | purchase"], home: home)
      #expect(bought.status == 0, "\(bought.standardError)")
      #expect(bought.standardOutput.contains("\"success\": true"))
      let after = try run2cs(["-c", "numbers | count"], home: home)
      #expect(after.standardOutput == "1\n")
    }
  }

  /// Each API call costs a credit: the catalog is asked once a session, and `--trace` ends with the count.
  @Test func traceCountsTheCallsAndTheCatalogIsAskedOnce() async throws {
    try await withTemporaryFolder { home in
      let result = try run2cs(
        ["--trace", "-c", "regions US | count; regions US | count; did-types | count; did-types | count"], home: home)
      #expect(result.status == 0, "\(result.standardError)")
      let curls = result.standardError.split(separator: "\n").filter { $0.contains("curl ") }
      #expect(curls.count == 2, "\(result.standardError)")
      #expect(result.standardError.hasSuffix("2 API calls (2 credits) in all\n"), "\(result.standardError)")
    }
  }

  @Test func versionIsPrintedBeforeAnythingElseRuns() async throws {
    try await withTemporaryFolder { home in
      for arguments in [["--version"], ["run", "--version"]] {
        let printed = try run2cs(arguments, home: home)
        #expect(printed.status == 0)
        #expect(
          printed.standardOutput.wholeMatch(of: /2cs [0-9]+\.[0-9]+\.[0-9]+\n/) != nil, "\(printed.standardOutput)")
      }
    }
  }

  @Test func theFullFlowRunsAgainstAServedSandboxAndTheEmbeddedOne() async throws {
    let script = examplesFolder.appendingPathComponent("purchase-flow.2cs").path
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "k"])
      defer { server.kill(signal: SIGTERM) }
      let served = try run2cs(["--base-url", server.baseURL, "--api-key", "k", script], home: home)
      #expect(served.status == 0, "\(served.standardError)")
      #expect(served.standardOutput.contains("ACTIVE"))
      let embedded = try run2cs([script], home: home)
      #expect(embedded.status == 0, "\(embedded.standardError)")
      #expect(embedded.standardOutput.contains("ACTIVE"))
    }
  }

  @Test func anAPIErrorNamesTheEndpointStatusAndMessage() async throws {
    try await withTemporaryFolder { home in
      let command = MarkedSource("1️⃣available grp_missing")
      let failed = try run2cs(["-c", command.source], home: home)
      #expect(failed.status == 1)
      #expect(
        failed.standardError.hasPrefix(
          "\(try command.place("1️⃣").location(in: "<command>")): error: GET /open/numbers/available: HTTP 404: group grp_missing not found"
        ), "\(failed.standardError)")
      let caught = try run2cs(
        ["-c", "try { available grp_missing } catch e { print $e.status $e.message }"], home: home)
      #expect(caught.status == 0)
      #expect(caught.standardOutput == "404 group grp_missing not found\n")
    }
  }

  @Test func outputIsJSONThroughAPipeAndTablesOnRequest() async throws {
    try await withTemporaryFolder { home in
      let json = try run2cs(["-c", "regions US | first"], home: home)
      #expect(
        json.standardOutput
          == "{\n  \"id\": 1,\n  \"region_name\": \"California\",\n  \"iso_country_code\": \"US\"\n}\n")
      let csv = try run2cs(["--output", "csv", "-c", "regions US | take 2"], home: home)
      #expect(csv.standardOutput == "id,region_name,iso_country_code\n1,California,US\n2,New York,US\n")
    }
  }

  @Test func scriptArgumentsAndShebang() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/args.2cs"
      try "#!/usr/bin/env 2cs\nprint ($args | count) $args[0]\n".write(
        toFile: script, atomically: true, encoding: .utf8)
      let result = try run2cs([script, "alpha", "--beta"], home: home)
      #expect(result.standardOutput == "2 alpha\n")
    }
  }

  @Test func checkReportsEveryErrorAndRunsNothing() async throws {
    try await withTemporaryFolder { home in
      let script = home + "/broken.2cs"
      let broken = MarkedSource("groups US | purchase\n1️⃣grops\nsort-by 2️⃣--upward\n")
      try broken.source.write(toFile: script, atomically: true, encoding: .utf8)
      let checked = try run2cs(["check", script], home: home)
      #expect(checked.status == 2)
      let (unknown, flag) = (try broken.place("1️⃣"), try broken.place("2️⃣"))
      for expected in [
        "\(unknown.location(in: script)): error: unknown command 'grops'\n  \(unknown.lineText)\n\(unknown.caret(width: 5))\n",
        "\(flag.location(in: script)): error: sort-by has no flag '--upward'\n  \(flag.lineText)\n\(flag.caret(width: 8))\n",
      ] {
        #expect(checked.standardError.contains(expected), "\(checked.standardError)")
      }
      let owned = try run2cs(["-c", "numbers | count"], home: home)
      #expect(owned.standardOutput == "0\n", "check must not run anything")
      let good = try run2cs(["check", examplesFolder.appendingPathComponent("purchase-flow.2cs").path], home: home)
      #expect(good.status == 0)
    }
  }

  @Test func linesPipedIntoStdinRunAsAScript() async throws {
    try await withTemporaryFolder { home in
      let result = try run2cs([], home: home, input: "did-types | count\n")
      #expect(result.status == 0)
      #expect(result.standardOutput == "6\n")
    }
  }

  @Test func theKeyNeverShowsInTracesTheJournalOrEnv() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "s3cr3t-k3y"])
      defer { server.kill(signal: SIGTERM) }
      let result = try run2cs(
        [
          "--base-url", server.baseURL, "--trace", "-c",
          "groups US | first | purchase; print ($env has \"TWOCHAT_API_KEY\")",
        ], home: home, environment: ["TWOCHAT_API_KEY": "s3cr3t-k3y"])
      #expect(result.status == 0, "\(result.standardError)")
      #expect(result.standardError.contains("X-User-API-Key: ***"))
      #expect(result.standardOutput.hasSuffix("false\n"), "$env must not hold the key")
      let journal = (try? String(contentsOfFile: home + "/state/2cs/journal.ndjson", encoding: .utf8)) ?? ""
      #expect(journal.contains("\"outcome\":\"done\""))
      for text in [result.standardOutput, result.standardError, journal] {
        #expect(!text.contains("s3cr3t-k3y"))
      }
    }
  }
}

@Suite("Example scripts")
struct ExampleScriptTests {
  static var scripts: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: examplesFolder.path)) ?? []).filter { $0.hasSuffix(".2cs") }
      .sorted()
  }

  @Test func thereAreAtLeastFive() {
    #expect(Self.scripts.count >= 5)
  }

  @Test(arguments: scripts)
  func runsAgainstTheSandbox(script: String) async throws {
    try await withTemporaryFolder { home in
      let path = examplesFolder.appendingPathComponent(script).path
      let checked = try run2cs(["check", path], home: home)
      #expect(checked.status == 0, "\(checked.standardError)")
      let result = try run2cs([path], home: home)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(!result.standardOutput.isEmpty)
    }
  }
}
