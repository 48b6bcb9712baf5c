import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport

/// An HTTP server on 127.0.0.1 that answers the Numbers API's `/open/info` as any server might, but is not
/// `2cs sandbox serve`: it never says what it is. It remembers every request, `METHOD /path`.
final class PlainServer: Sendable {
  private let received = Mutex<[String]>([])

  var requests: [String] { received.withLock { $0 } }

  fileprivate func note(_ request: String) { received.withLock { $0.append(request) } }
}

private struct PlainResponder: HTTPResponder {
  let server: PlainServer

  func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
    server.note("\(request.method.rawValue) \(request.uri.path)")
    let status: HTTPResponse.Status
    let body: String
    switch (request.method, request.uri.path) {
    case (.get, "/open/info"):
      status = .ok
      body = #"{"success": true, "account": {"name": "plain"}, "limits": {"requests_per_minute": 80}, "usage": {}}"#
    default:
      status = .notFound
      body = #"{"success": false, "error": true, "error_message": "not here"}"#
    }
    return Response(
      status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
  }
}

/// Runs a `PlainServer` on an ephemeral loopback port for the duration of `body`.
func withPlainServer<T: Sendable>(_ body: @Sendable (PlainServer, Int) async throws -> T) async throws -> T {
  let server = PlainServer()
  let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
  var logger = Logger(label: "plain-server")
  logger.logLevel = .critical
  let app = Application(
    responder: PlainResponder(server: server),
    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
    onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
    logger: logger
  )
  return try await withThrowingTaskGroup(of: T?.self) { group in
    group.addTask {
      try await app.run()
      return nil
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw TestFailure("the plain server did not start") }
    let result = try await body(server, port)
    group.cancelAll()
    while let _ = try? await group.next() {}
    return result
  }
}

/// Runs `body`, which blocks while it waits on a child process, on a thread of its own: the few threads of the
/// cooperative pool must stay free to run the `PlainServer` in this process that the child is talking to.
func onThreadOfItsOwn<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}
