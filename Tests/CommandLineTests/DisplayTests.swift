import Foundation
import TestSupport
import Testing

/// What a statement's value looks like on stdout when stdout is not a terminal: strings as their text, the rest
/// as JSON; JSON for everything only when the user asks for it.
@Suite("Display off a terminal")
struct DisplayTests {
  @Test func aStringPrintsAsItsTextThroughAPipe() async throws {
    try await withTemporaryFolder { home in
      let result = try run2cs(["-c", "\"abc\""], home: home)
      #expect(result.standardOutput == "abc\n", "\(result.standardOutput)")
      let list = try run2cs(["-c", "[\"abc\", 1]"], home: home)
      #expect(list.standardOutput == "[\n  \"abc\",\n  1\n]\n", "\(list.standardOutput)")
    }
  }

  @Test func csvRedirectedToAFileIsACSVFile() async throws {
    try await withTemporaryFolder { home in
      let target = home + "/out.csv"
      #expect(FileManager.default.createFile(atPath: target, contents: nil))
      let file = try #require(FileHandle(forWritingAtPath: target))
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try builtBinary())
      process.arguments = ["-c", "regions US | take 2 | csv"]
      var environment = ProcessInfo.processInfo.environment
      environment["TWOCHAT_API_KEY"] = nil
      environment["HOME"] = home
      environment["XDG_STATE_HOME"] = home + "/state"
      environment["XDG_CONFIG_HOME"] = home + "/config"
      process.environment = environment
      process.standardOutput = file
      process.standardInput = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      try file.close()
      #expect(process.terminationStatus == 0)
      let written = try String(contentsOfFile: target, encoding: .utf8)
      #expect(written == "id,region_name,iso_country_code\n1,California,US\n2,New York,US\n", "\(written)")
    }
  }

  @Test func askingForJSONQuotesStringsSoTheOutputParses() async throws {
    try await withTemporaryFolder { home in
      let json = try run2cs(["--output", "json", "-c", "\"x\""], home: home)
      #expect(json.standardOutput == "\"x\"\n", "\(json.standardOutput)")
      let set = try run2cs(["-c", "set output=json\n\"x\""], home: home)
      #expect(set.standardOutput == "\"x\"\n", "\(set.standardOutput)")
    }
  }

  @Test func askingForCSVDoesNotQuoteCSVTextTwice() async throws {
    try await withTemporaryFolder { home in
      let csv = try run2cs(["--output", "csv", "-c", "regions US | take 2 | csv"], home: home)
      #expect(csv.standardOutput == "id,region_name,iso_country_code\n1,California,US\n2,New York,US\n")
    }
  }
}
