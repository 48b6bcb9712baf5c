import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Where the key comes from, and what 2cs does to keep it from leaking around the program.
@Suite("Key hygiene", .serialized)
struct KeyHygieneTests {
  @Test func aKeyOnTheCommandLineIsWarnedAboutOnce() async throws {
    try await withTemporaryFolder { home in
      let given = try run2cs(["--api-key", "sk-visible-1234", "-c", "null"], home: home)
      #expect(given.status == 0, "\(given.standardError)")
      let warning = "a key given with --api-key can be read by other users of this machine (ps, /proc/PID/cmdline)"
      #expect(given.standardError.components(separatedBy: warning).count == 2, "\(given.standardError)")
      for better in ["TWOCHAT_API_KEY", "api_key_command", "config.toml"] {
        #expect(given.standardError.contains(better))
      }
      #expect(!given.standardError.contains("sk-visible-1234"))
      let fromEnvironment = try run2cs(["-c", "null"], home: home, environment: ["TWOCHAT_API_KEY": "sk-1234"])
      #expect(fromEnvironment.status == 0 && fromEnvironment.standardError.isEmpty, "\(fromEnvironment.standardError)")
    }
  }

  @Test func plainHTTPToAnotherHostIsRefusedBeforeAnyConnection() async throws {
    try await withTemporaryFolder { home in
      // 192.0.2.1 is TEST-NET-1: nothing is there, and nothing may be sent there.
      let refused = try run2cs(
        ["--trace", "--base-url", "http://192.0.2.1:8080", "-c", "info"], home: home,
        environment: ["TWOCHAT_API_KEY": "sk-1234"])
      #expect(refused.status == 2)
      #expect(
        refused.standardError.hasPrefix(
          "2cs: refusing to send the API key over plain http:// to 192.0.2.1, which is not this machine"),
        "\(refused.standardError)")
      #expect(!refused.standardError.contains("curl"), "no request was traced")
      try writeConfiguration("base_url = 'http://192.0.2.1'\n", home: home)
      let fromFile = try run2cs(["-c", "null"], home: home, environment: ["TWOCHAT_API_KEY": "sk-1234"])
      #expect(fromFile.status == 2 && fromFile.standardError.contains("refusing"), "\(fromFile.standardError)")
      try FileManager.default.removeItem(atPath: home + "/config/2cs/config.toml")
      for loopback in ["http://localhost:1", "http://[::1]:1", "http://127.8.9.10:1", "https://192.0.2.1"] {
        let allowed = try run2cs(
          ["--base-url", loopback, "-c", "null"], home: home, environment: ["TWOCHAT_API_KEY": "sk-1234"])
        #expect(allowed.status == 0, "\(loopback): \(allowed.standardError)")
      }
    }
  }

  @Test func theKeyCommandSuppliesTheKey() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "sk-from-command"])
      defer { server.kill(signal: SIGTERM) }
      try writeConfiguration(
        """
        api_key_command = "printf 'sk-from-%s\\\\n' command"
        base_url = "\(server.baseURL)"
        """, home: home)
      let result = try run2cs(["-c", "print (info).mode"], home: home)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(result.standardOutput == "local\n")
      #expect(result.standardError.isEmpty, "\(result.standardError)")
      // A script piped in is not the command's to read.
      try writeConfiguration(
        """
        api_key_command = "cat > /dev/null; echo sk-from-command"
        base_url = "\(server.baseURL)"
        """, home: home)
      let piped = try run2cs([], home: home, input: "print (info).mode\n")
      #expect(piped.status == 0, "\(piped.standardError)")
      #expect(piped.standardOutput == "local\n")
    }
  }

  @Test func aFailingKeyCommandIsClearAndShowsNoneOfItsOutput() async throws {
    try await withTemporaryFolder { home in
      let cases: [(command: String, says: String)] = [
        ("echo sk-leak-out; echo sk-leak-err >&2; exit 3", "api_key_command failed with exit status 3"),
        ("echo sk-leak-err >&2", "api_key_command printed nothing on stdout"),
        ("no-such-password-manager-2cs sk-leak-arg", "exit status 127, which the shell gives when it cannot find"),
        ("printf 'sk-leak-1\\nsk-leak-2\\n'", "printed more than one line"),
        ("kill -9 $$", "was ended by signal 9"),
      ]
      for (command, says) in cases {
        try writeConfiguration("api_key_command = '''\(command)'''\n", home: home)
        let result = try run2cs(["-c", "print reached"], home: home)
        #expect(result.status == 2, "\(command)")
        #expect(result.standardError.contains(says), "\(command): \(result.standardError)")
        #expect(result.standardError.contains("config.toml"), "names the file")
        #expect(
          !result.standardError.contains("sk-leak"), "neither its output nor the command: \(result.standardError)")
        #expect(result.standardOutput.isEmpty, "nothing ran")
      }
      // A file others can change could run their command: refused.
      try writeConfiguration("api_key_command = 'echo sk-x'\n", home: home, permissions: 0o666)
      let writable = try run2cs(["-c", "null"], home: home)
      #expect(writable.status == 2 && writable.standardError.contains("api_key_command not run"))
    }
  }

  @Test func aProfileIsChosenWithProfileAndAnUnknownOneListsTheKnown() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "sk-profile"])
      defer { server.kill(signal: SIGTERM) }
      try writeConfiguration(
        """
        # the live account
        api_key = "sk-top-level"

        [profile.served]   # the sandbox on this machine
        api_key = 'sk-profile'
        base_url = "\(server.baseURL)"

        [profile.other]
        api_key_command = "echo sk-other"
        """, home: home)
      let served = try run2cs(["--profile", "served", "-c", "print (info).mode"], home: home)
      #expect(served.status == 0, "\(served.standardError)")
      #expect(served.standardOutput == "local\n")
      let unknown = try run2cs(["--profile", "nope", "-c", "null"], home: home)
      #expect(unknown.status == 2)
      #expect(unknown.standardError.contains("no profile 'nope' in"), "\(unknown.standardError)")
      #expect(unknown.standardError.contains("known: other, served"), "\(unknown.standardError)")
      try FileManager.default.removeItem(atPath: home + "/config/2cs/config.toml")
      let noFile = try run2cs(["--profile", "served", "-c", "null"], home: home)
      #expect(noFile.status == 2 && noFile.standardError.contains("no profile 'served'"))
    }
  }

  @Test func theKeyIsTakenFromTheOptionThenTheEnvironmentThenTheFile() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "sk-right"])
      defer { server.kill(signal: SIGTERM) }
      let script = ["--base-url", server.baseURL, "-c", "print (info).mode"]
      try writeConfiguration("api_key = \"sk-wrong\"\n", home: home)
      let option = try run2cs(
        ["--api-key", "sk-right"] + script, home: home, environment: ["TWOCHAT_API_KEY": "sk-wrong"])
      #expect(option.status == 0, "\(option.standardError)")
      let environment = try run2cs(script, home: home, environment: ["TWOCHAT_API_KEY": "sk-right"])
      #expect(environment.status == 0, "\(environment.standardError)")
      try writeConfiguration("api_key = \"sk-right\"\n", home: home)
      let file = try run2cs(script, home: home)
      #expect(file.status == 0, "\(file.standardError)")
      let environmentOverFile = try run2cs(script, home: home, environment: ["TWOCHAT_API_KEY": "sk-wrong"])
      #expect(environmentOverFile.status == 1)
      #expect(environmentOverFile.standardError.contains("HTTP 401"), "\(environmentOverFile.standardError)")
    }
  }

  @Test func aChosenProfilesKeyComesBeforeTheEnvironment() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "sk-profile"])
      defer { server.kill(signal: SIGTERM) }
      try writeConfiguration(
        "[profile.served]\nbase_url = \"\(server.baseURL)\"\napi_key = \"sk-profile\"\n", home: home)
      // Another account's key in the environment must not reach the profile's server.
      let run = try run2cs(
        ["--profile", "served", "-c", "print (info).mode"], home: home,
        environment: ["TWOCHAT_API_KEY": "sk-other-account"])
      #expect(run.status == 0, "\(run.standardError)")
      #expect(run.standardOutput == "local\n")
    }
  }

  @Test func theConfigFileIsTOML() async throws {
    try await withTemporaryFolder { home in
      let server = try ServedSandbox(arguments: ["--memory", "--api-key", "sk-A\"quoted"])
      defer { server.kill(signal: SIGTERM) }
      try writeConfiguration(
        """
        # comments, both quote styles, escapes, a table in a table
        base_url = '\(server.baseURL)'   # a literal string
        api_key = "sk-\\u0041\\"quoted"      # a basic string with escapes

        [profile]
        work.api_key = "sk-work"
        """, home: home)
      let read = try run2cs(["-c", "print (info).mode"], home: home)
      #expect(read.status == 0, "\(read.standardError)")
      #expect(read.standardOutput == "local\n")

      try writeConfiguration("[profile.work]\napikey = \"x\"\n", home: home)
      let unknown = try run2cs(["-c", "null"], home: home)
      #expect(unknown.status == 2)
      #expect(
        unknown.standardError.contains("config.toml [profile.work]: unknown setting 'apikey'; known: api_key"),
        "\(unknown.standardError)")

      try writeConfiguration("api_key = \"sk\"\nnumber = 5\n", home: home)
      let unknownTop = try run2cs(["-c", "null"], home: home)
      #expect(unknownTop.standardError.contains("unknown setting 'number'"), "\(unknownTop.standardError)")

      let unterminated = MarkedSource("# fine\napi_key = \"sk\"\nbase_url = 1️⃣\"unterminated\n")
      try writeConfiguration(unterminated.source, home: home)
      let broken = try run2cs(["-c", "null"], home: home)
      #expect(broken.status == 2)
      let place = try unterminated.place("1️⃣")
      #expect(broken.standardError.contains("config.toml:\(place.line):"), "\(broken.standardError)")

      try writeConfiguration("api_key = 1234\n", home: home)
      let notAString = try run2cs(["-c", "null"], home: home)
      #expect(notAString.standardError.contains("api_key must be a string"), "\(notAString.standardError)")
    }
  }

  @Test func coreDumpsAreOffOnceAKeyIsLoaded() async throws {
    try await withTemporaryFolder { home in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      // Allow core files first (soft limit 4 MiB), so the test sees 2cs turn them off itself.
      process.arguments = ["-c", "ulimit -S -c 4096 && exec \"$0\" \"$@\"", try builtBinary(), "-c", "sleep 10"]
      process.environment = [
        "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config",
        "TWOCHAT_API_KEY": "sk-core", "PATH": "/usr/bin:/bin",
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      defer {
        process.terminate()
        process.waitUntilExit()
      }
      let limitsFile = "/proc/\(process.processIdentifier)/limits"
      var coreLimit: [String] = []
      // Nothing signals the change, so look at /proc until it shows; the shell's limit shows until 2cs has
      // started and loaded the key.
      _ = pollUntil(seconds: 10) {
        let limits = (try? String(contentsOfFile: limitsFile, encoding: .utf8)) ?? ""
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
        coreLimit = line.map { $0.split(separator: " ").dropFirst(4).prefix(2).map(String.init) } ?? []
        return coreLimit == ["0", "0"]
      }
      #expect(coreLimit == ["0", "0"], "soft and hard core limits of a running 2cs: \(coreLimit)")
    }
  }
}
