import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built `2cs`, found next to the test bundle.
func builtBinary() throws -> String {
  var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = folder.appendingPathComponent("2cs").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    folder = folder.deletingLastPathComponent()
  }
  throw TestFailure("no built 2cs binary near \(CommandLine.arguments[0]); run `swift build` first")
}

/// What one run of the binary did.
struct RunResult {
  var status: Int32
  /// False when a signal ended it (a crash).
  var exitedNormally: Bool
  var standardOutput: String
  var standardError: String
}

/// Runs `2cs` with `arguments` and a private HOME and state folder; no API key from the environment.
func run2cs(
  _ arguments: [String], home: String, input: String? = nil, environment extra: [String: String] = [:],
  directory: String? = nil
) throws -> RunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: try builtBinary())
  process.arguments = arguments
  var environment = ProcessInfo.processInfo.environment
  environment["TWOCHAT_API_KEY"] = nil
  environment["HOME"] = home
  environment["XDG_STATE_HOME"] = home + "/state"
  environment["XDG_CONFIG_HOME"] = home + "/config"
  environment.merge(extra) { $1 }
  process.environment = environment
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let output = Pipe()
  let errors = Pipe()
  let feed = Pipe()
  process.standardOutput = output
  process.standardError = errors
  process.standardInput = feed
  try process.run()
  if let input { feed.fileHandleForWriting.write(Data(input.utf8)) }
  try feed.fileHandleForWriting.close()
  // Read both pipes to the end before waiting, so a full pipe never blocks the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var outputData = Data()
  nonisolated(unsafe) var errorData = Data()
  group.enter()
  DispatchQueue.global().async {
    outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  errorData = errors.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
    standardOutput: String(decoding: outputData, as: UTF8.self),
    standardError: String(decoding: errorData, as: UTF8.self))
}

/// A running `2cs sandbox serve` on an ephemeral port.
final class ServedSandbox: @unchecked Sendable {
  let process = Process()
  let port: Int

  init(arguments: [String], environment: [String: String] = [:]) throws {
    process.executableURL = URL(fileURLWithPath: try builtBinary())
    process.arguments = ["sandbox", "serve", "--port", "0", "--quiet"] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // The first line is the banner with the bound port.
    var line: [UInt8] = []
    var byte: UInt8 = 0
    let descriptor = output.fileHandleForReading.fileDescriptor
    while read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
    let banner = String(decoding: line, as: UTF8.self)
    guard let range = banner.range(of: "127.0.0.1:"),
      let port = Int(banner[range.upperBound...].prefix(while: \.isNumber))
    else {
      process.terminate()
      throw TestFailure("unexpected banner: '\(banner)'")
    }
    self.port = port
  }

  var baseURL: String { "http://127.0.0.1:\(port)" }

  func kill(signal: Int32) {
    Glibc.kill(process.processIdentifier, signal)
    process.waitUntilExit()
  }
}
