import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The commands README.md shows, read out of its code blocks.
enum Readme {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// One fenced block: its info string (`sh`, `2cs`, `toml`, or empty) and its lines.
  struct Block {
    var info: String
    var lines: [String]
    /// The line of README.md the block starts on.
    var start: Int
  }

  static func blocks() throws -> [Block] {
    let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    var blocks: [Block] = []
    var open: Block?
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      guard line.hasPrefix("```") else {
        open?.lines.append(String(line))
        continue
      }
      if let block = open {
        blocks.append(block)
        open = nil
      } else {
        open = Block(info: String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), lines: [], start: index + 1)
      }
    }
    return blocks
  }

  /// A shell line as words, quotes removed, without its comment; `&`, `|`, `>` and `;` outside quotes are words
  /// of their own.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var word = ""
    var inWord = false
    var quote: Character?
    func end() {
      if inWord { words.append(word) }
      word = ""
      inWord = false
    }
    for character in line {
      if let open = quote {
        if character == open { quote = nil } else { word.append(character) }
        continue
      }
      switch character {
      case "'", "\"":
        quote = character
        inWord = true
      case " ", "\t": end()
      case "#" where !inWord: return words
      case "&", "|", ">", ";", "<":
        end()
        words.append(String(character))
      default:
        word.append(character)
        inWord = true
      }
    }
    end()
    return words
  }
}

/// Every `2cs` command in README.md runs against the sandbox, in the order the README gives them, each in a
/// private HOME with no API key (so the embedded sandbox), with the built binary standing in for `scripts/2cs`
/// (the wrapper only builds it first). Blocks marked ```2cs are scripts and run as files. The sandbox-over-HTTP
/// block runs against a `2cs sandbox serve` this test starts on a free port, standing in for port 8080.
@Suite("README commands", .serialized)
struct ReadmeCommandTests {
  /// Lines of the README's shell blocks that are not `2cs` commands, and why they are not run here. Every other
  /// line of a shell block must be a `2cs` command, so none is passed over unsaid.
  static let notRun: [String: String] = [
    "scripts/test": "the whole test suite, this test among it",
    "curl": "plain HTTP against the served sandbox, no 2cs; ServedBinaryTests checks those answers",
    "kill %1": "stops the served sandbox, which this test stops itself",
  ]

  static func reasonNotRun(_ words: [String]) -> String? {
    let line = words.joined(separator: " ")
    return notRun.first { line == $0.key || words.first == $0.key }?.value
  }

  static func isCommand(_ words: [String]) -> Bool { ["scripts/2cs", "2cs"].contains(words.first ?? "") }

  @Test("the README has the commands this test expects to find")
  func readmeHasCommands() throws {
    let blocks = try Readme.blocks()
    let commands = blocks.filter { ["sh", ""].contains($0.info) }.flatMap(\.lines).map(Readme.words).filter(
      Self.isCommand)
    #expect(commands.count >= 9)
    #expect(blocks.filter { $0.info == "2cs" }.count >= 2)
    // An untagged block is read as shell; one that is 2cs source must say so (```2cs), or it is not run.
    for block in blocks where block.info.isEmpty {
      for line in block.lines.map(Readme.words) where !line.isEmpty {
        #expect(Self.isCommand(line) || Self.reasonNotRun(line) != nil, "README line \(block.start): \(line)")
      }
    }
  }

  @Test("every 2cs command and script in README.md runs in the sandbox, in order, and exits 0")
  func everyCommandRuns() async throws {
    try await withTemporaryFolder { home in
      var ran = 0
      var passedOver: [String] = []
      for block in try Readme.blocks() {
        switch block.info {
        case "2cs":
          let script = home + "/readme-\(block.start).2cs"
          try block.lines.joined(separator: "\n").write(toFile: script, atomically: true, encoding: .utf8)
          let result = try run2cs([script], home: home, directory: Readme.root.path)
          Self.expectSuccess(result, "the 2cs block at README line \(block.start)")
          ran += 1
        case "sh", "":
          ran += try runShellBlock(block, home: home, passedOver: &passedOver)
        default:
          continue  // toml, json: not commands
        }
      }
      #expect(ran >= 12)
      // What was not run, and why: said here rather than skipped in silence.
      print("README lines not run:\n" + passedOver.joined(separator: "\n"))
    }
  }

  /// Runs the 2cs lines of one shell block; a `2cs sandbox serve … &` line starts a server that the block's later
  /// lines reach in place of the README's port. Returns how many lines ran.
  private func runShellBlock(_ block: Readme.Block, home: String, passedOver: inout [String]) throws -> Int {
    var server: ServedSandbox?
    defer { server?.kill(signal: SIGTERM) }
    var readmeBaseURL: String?
    var ran = 0
    for (offset, line) in block.lines.enumerated() {
      var words = Readme.words(line)
      guard !words.isEmpty else { continue }
      let place = "README line \(block.start + offset + 1): \(line)"
      guard Self.isCommand(words) else {
        let reason = try #require(Self.reasonNotRun(words), "\(place) is neither a 2cs command nor listed as not run")
        passedOver.append("  \(line.trimmingCharacters(in: .whitespaces))  (\(reason))")
        continue
      }
      words.removeFirst()
      if words.last == "&" {
        // `2cs sandbox serve --port 8080 --api-key k &`: the same server, on a port that is free.
        #expect(Array(words.prefix(2)) == ["sandbox", "serve"], "\(place): only sandbox serve runs in the background")
        words.removeLast()
        var arguments = Array(words.dropFirst(2))
        if let port = arguments.firstIndex(of: "--port") {
          readmeBaseURL = "http://127.0.0.1:" + arguments[port + 1]
          arguments.removeSubrange(port...(port + 1))
        }
        server = try ServedSandbox(
          arguments: arguments,
          environment: ["HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config"])
        ran += 1
        continue
      }
      #expect(
        words.allSatisfy { !["|", ">", "<", ";", "&"].contains($0) },
        "\(place): a shell operator this test does not run; run its 2cs part and say so here")
      if let readmeBaseURL, let server {
        words = words.map { $0.replacingOccurrences(of: readmeBaseURL, with: server.baseURL) }
      }
      let result = try run2cs(words, home: home, directory: Readme.root.path)
      Self.expectSuccess(result, place)
      ran += 1
    }
    return ran
  }

  static func expectSuccess(_ result: RunResult, _ place: String) {
    #expect(result.exitedNormally, "\(place) crashed:\n\(result.standardError)")
    #expect(result.status == 0, "\(place) exited \(result.status):\n\(result.standardError)")
    #expect(!result.standardError.contains("Fatal error"), "\(place):\n\(result.standardError)")
  }
}
