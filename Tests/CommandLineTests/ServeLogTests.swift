import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `2cs sandbox serve | head -3` and `2cs sandbox serve | sleep 60`: a request log whose reader stops reading,
/// or goes away, never stops the server from answering.
@Suite("Request log readers", .serialized) struct ServeLogTests {
  /// `sandbox serve`, its log piped to `reader` (a shell command that first passes the banner on), and its port.
  private struct PipedServer: @unchecked Sendable {
    let server = Process()
    let reader = Process()
    let errors = Pipe()
    let port: Int

    init(reader command: String) throws {
      let log = Pipe()
      let passedOn = Pipe()
      server.executableURL = URL(fileURLWithPath: try builtBinary())
      server.arguments = ["sandbox", "serve", "--memory", "--port", "0", "--requests-per-minute", "0"]
      server.standardOutput = log
      server.standardError = errors
      reader.executableURL = URL(fileURLWithPath: "/bin/sh")
      reader.arguments = ["-c", command]
      reader.standardInput = log
      reader.standardOutput = passedOn
      try server.run()
      try reader.run()
      // Only the two processes may hold the log pipe, or its reader would never be gone.
      try log.fileHandleForReading.close()
      try log.fileHandleForWriting.close()
      try passedOn.fileHandleForWriting.close()
      var line: [UInt8] = []
      var byte: UInt8 = 0
      // Ten seconds for each byte of the banner, so a reader that holds it back fails the test instead of hanging.
      var ready = pollfd(fd: passedOn.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
      while poll(&ready, 1, 10_000) == 1, read(ready.fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
        line.append(byte)
      }
      let banner = String(decoding: line, as: UTF8.self)
      guard let range = banner.range(of: "127.0.0.1:"),
        let port = Int(banner[range.upperBound...].prefix(while: \.isNumber))
      else {
        server.terminate()
        reader.terminate()
        throw TestFailure("unexpected banner: '\(banner)'")
      }
      self.port = port
    }

    /// Sends `count` requests on one connection and returns how many were answered 200.
    func answered(_ count: Int) throws -> Int {
      let connection = try RawHTTPConnection(port: port)
      var answered = 0
      for _ in 0..<count {
        guard connection.get("/open/numbers/did-types", headers: ["X-User-API-Key": "k"]),
          let answer = connection.answer()
        else { break }
        if answer.status == 200 { answered += 1 }
      }
      return answered
    }

    func stop() -> String {
      server.terminate()
      server.waitUntilExit()
      reader.terminate()
      reader.waitUntilExit()
      return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
  }

  @Test func aReaderThatStopsReadingDoesNotStopTheServer() async throws {
    // `head -1` passes the banner on; then nothing reads the log, whose pipe holds some 1 000 lines.
    let served = try PipedServer(reader: "head -1; exec sleep 60")
    let answered = try await onOwnThread { try served.answered(3000) }
    #expect(served.server.isRunning, "the server ended")
    let errors = try await onOwnThread { served.stop() }
    #expect(answered == 3000, "\(answered) of 3000 answered; stderr: \(errors)")
    #expect(!errors.contains("Fatal error") && !errors.contains("Backtrac"), "\(errors)")
  }

  @Test func aReaderThatGoesAwayStopsTheLogNotTheServer() async throws {
    // `head -3` in two steps, so that the banner is passed on at once (head's output to a pipe waits for its end).
    let served = try PipedServer(reader: "head -1; exec head -2 >/dev/null")
    let answered = try await onOwnThread { try served.answered(300) }
    #expect(served.server.isRunning, "the server ended")
    let errors = try await onOwnThread { served.stop() }
    #expect(answered == 300, "\(answered) of 300 answered; stderr: \(errors)")
    #expect(
      errors.components(separatedBy: "2cs: the request log stopped (its reader is gone); the server goes on").count
        == 2,
      "said once: \(errors)")
    #expect(!errors.contains("Fatal error") && !errors.contains("Backtrac"), "\(errors)")
  }
}
