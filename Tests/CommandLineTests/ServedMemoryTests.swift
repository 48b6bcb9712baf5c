import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What `sandbox serve` keeps for clients that send far more than they read.
@Suite("2cs sandbox serve's memory", .serialized) struct ServedMemoryTests {
  /// A line of /proc/PID/status in MiB: "VmRSS" for the resident memory now, "VmHWM" for its peak.
  private static func mebibytes(_ field: String, of process: Process) throws -> Double {
    let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("\(field):") }),
      let kibibytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { throw TestFailure("no \(field) in /proc/\(process.processIdentifier)/status") }
    return kibibytes / 1024
  }

  private static func openFiles(of process: Process) throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count
  }

  @Test func requestsSentAheadByClientsThatGoAreNotTakenIn() async throws {
    let server = try ServedSandbox(arguments: ["--memory", "--requests-per-minute", "0"])
    defer { server.kill(signal: SIGTERM) }
    try await onOwnThread {
      let description = "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      let probe = try RawHTTPConnection(port: server.port, timeout: 20)
      probe.send(Array(description.utf8))
      #expect(probe.answer()?.status == 200)
      let peakBefore = try Self.mebibytes("VmHWM", of: server.process)
      let filesBefore = try Self.openFiles(of: server.process)
      // 100 clients each send up to 900 KB of requests (what their sockets take), read none of the answers, and
      // go. What they sent waits in the server's sockets; as each client goes (a reset, as its answers are unread),
      // the server reads its socket to the end, asked or not.
      let requests = Array(String(repeating: description, count: 20_000).utf8)
      var clients: [RawHTTPConnection] = []
      var sent = 0
      for _ in 0..<100 {
        let client = try RawHTTPConnection(port: server.port, timeout: 20, receiveBuffer: 4096)
        sent += client.sendWhatFits(requests)
        clients.append(client)
      }
      // Each connection's first requests are read, and answered until the client's socket is full.
      #expect(clients.allSatisfy { $0.waitUntilReadable(seconds: 20) })
      clients.removeAll()
      // A socket is closed once all its client sent has been read from it.
      let closed = pollUntil(seconds: 60, every: 100) {
        (try? Self.openFiles(of: server.process)).map { $0 <= filesBefore } ?? false
      }
      #expect(closed, "the clients' sockets are still open")
      probe.send(Array(description.utf8))
      #expect(probe.answer()?.status == 200)
      let peak = try Self.mebibytes("VmHWM", of: server.process)
      // Parsed as they were read, those requests took some 100 MiB more; held as bytes, dropped with their
      // connections, 10 MiB.
      #expect(
        peak - peakBefore < 40,
        "peak \(peak) MiB from \(peakBefore) MiB, after \(sent / 1024) KiB sent by clients gone")
    }
  }

  @Test func requestsSentAheadByClientsThatStayAreParsedAFewAtATime() async throws {
    let server = try ServedSandbox(arguments: ["--memory", "--requests-per-minute", "0"])
    defer { server.kill(signal: SIGTERM) }
    try await onOwnThread {
      let probe = try RawHTTPConnection(port: server.port, timeout: 20)
      probe.get("/open/numbers/did-types", headers: ["X-User-API-Key": "k"])
      #expect(probe.answer()?.status == 200)
      let peakBefore = try Self.mebibytes("VmHWM", of: server.process)
      // 30 clients each send 360 KB of requests with short answers (404), read none, and stay. The server answers
      // until its sockets are full, reading on as it has room for more requests.
      let requests = (0..<8_000).map { "GET /none/\($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }.joined()
      var clients: [RawHTTPConnection] = []
      for _ in 0..<30 {
        let client = try RawHTTPConnection(port: server.port, timeout: 20, receiveBuffer: 4096)
        client.sendWhatFits(Array(requests.utf8))
        clients.append(client)
      }
      #expect(clients.allSatisfy { $0.waitUntilReadable(seconds: 20) })
      // Time to read and answer: on each connection, up to one read's worth of requests waits parsed.
      Thread.sleep(forTimeInterval: 8)
      probe.get("/open/numbers/did-types", headers: ["X-User-API-Key": "k"])
      #expect(probe.answer()?.status == 200)
      let peak = try Self.mebibytes("VmHWM", of: server.process)
      // With reads of up to 64 KiB (some 1 500 requests each), 29 MiB more; with 4 KiB, 3.
      #expect(peak - peakBefore < 12, "peak \(peak) MiB from \(peakBefore) MiB")
      withExtendedLifetime(clients) {}
    }
  }
}
