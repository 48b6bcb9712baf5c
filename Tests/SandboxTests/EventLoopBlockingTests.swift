import Foundation
import NumbersContract
import Sandbox
import SandboxServer
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What one waiting request must not hold up: the requests of other connections that need nothing of it. A task
/// that blocks on an event loop blocks every connection that loop serves.
@Suite("What a waiting request holds up") struct EventLoopBlockingTests {
  private static let key = ["X-User-API-Key": testKey]

  /// The description on `count` fresh connections, each given `seconds` to answer; how many got no answer.
  private static func unansweredDescriptions(port: Int, count: Int, seconds: Int) throws -> Int {
    var unanswered = 0
    for _ in 0..<count {
      let connection = try RawHTTPConnection(port: port, timeout: seconds)
      _ = connection.get(OpenAPIDescription.path)
      if connection.answer()?.status != 200 { unanswered += 1 }
    }
    return unanswered
  }

  /// Another process holds the state file's lock (docs/api.md: several processes may share the file) while a
  /// reservation waits for it: the reservation waits, but the description, which needs neither the sandbox nor
  /// the file, is still served on every new connection.
  @Test func theDescriptionIsServedWhileAWriteWaitsForTheStateFilesLock() async throws {
    try await withTemporaryFolder { folder in
      var configuration = SandboxConfiguration.testing()
      configuration.stateFile = folder + "/sandbox.json"
      let sandbox = try Sandbox(configuration: configuration)
      let lockPath = folder + "/sandbox.json.lock"
      let (reserved, unanswered) = try await withServer(sandbox) { port in
        try await onOwnThread { () throws -> (Int?, Int) in
          let reader = try RawHTTPConnection(port: port, timeout: 10)
          _ = reader.get("/open/numbers/groups?country=US", headers: Self.key)
          let listing = try JSONValue(parsing: Array((reader.answer()?.body ?? "").utf8))
          let groups = listing.objectValue?["data"]?.objectValue?["groups"]?.arrayValue
          guard let group = groups?.first?.objectValue?["id"]?.stringValue else { throw TestFailure("no group") }

          // flock belongs to an open file: this descriptor's lock excludes the sandbox's own, as another
          // process's would.
          let lock = open(lockPath, O_RDWR)
          guard lock >= 0, flock(lock, LOCK_EX) == 0 else { throw TestFailure("cannot lock \(lockPath)") }
          defer { close(lock) }
          let writer = try RawHTTPConnection(port: port, timeout: 30)
          let body = "{\"group_id\":\"\(group)\"}"
          writer.send(
            Array(
              ("POST /open/numbers/reservations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-API-Key: \(testKey)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8))
          usleep(300_000)
          let unanswered = try Self.unansweredDescriptions(port: port, count: 8, seconds: 2)
          flock(lock, LOCK_UN)
          let reserved = writer.answer()?.status
          // The connections the blocked loop took in meanwhile are set up now; a server stopped before they are
          // (as `withServer` stops it, by cancelling) crashes the process: "Deinited NIOAsyncWriter without
          // calling finish()".
          sleep(2)
          return (reserved, unanswered)
        }
      }
      #expect(reserved == 201, "the reservation, once the lock was free")
      #expect(unanswered == 0, "\(unanswered) of 8 fresh connections got no description within 2 s")
    }
  }
}
