import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import NumbersContract
public import Sandbox

/// Hosts a `Sandbox` over HTTP with Hummingbird: the same handler the embedded mode calls directly, and the
/// contract's OpenAPI description at `/openapi.yaml`.
public enum SandboxHTTPServer {
  /// The largest request body accepted; the API's bodies are a few hundred bytes.
  static let maximumBodyBytes = 64 * 1024

  /// - Parameters:
  ///   - log: called with one line per request, if given.
  ///   - onListening: called with the port once the server listens (the one picked, for port 0).
  public static func application(
    sandbox: Sandbox, host: String, port: Int, log: (@Sendable (String) -> Void)?,
    onListening: @escaping @Sendable (Int) -> Void = { _ in }
  ) -> some ApplicationProtocol {
    var logger = Logger(label: "2cs-sandbox")
    logger.logLevel = .critical
    return Application(
      responder: SandboxResponder(sandbox: sandbox, log: log),
      configuration: .init(address: .hostname(host, port: port), serverName: "2cs-sandbox"),
      onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
      logger: logger
    )
  }
}

struct SandboxRequestContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    channel = source.channel
  }
}

/// Thrown after the connection was closed on purpose, so nothing more is written.
struct ConnectionDropped: Error {}

struct SandboxResponder: HTTPResponder {
  let sandbox: Sandbox
  let log: (@Sendable (String) -> Void)?

  /// The 405 for a method other than GET or HEAD on the description.
  static func descriptionIsReadOnly(_ request: Request) -> APIResponse {
    var fields = HTTPFields()
    fields[.allow] = "GET, HEAD"
    let message = "\(request.head.method.rawValue) is not allowed on \(OpenAPIDescription.path)"
    return APIResponse(status: .methodNotAllowed, json: ErrorEnvelope.json(message: message), headerFields: fields)
  }

  /// The contract's description, made once: it never changes while the server runs.
  static let openAPIDescription: APIResponse = {
    var fields = HTTPFields()
    fields[.contentType] = "application/yaml"
    // The sandbox first, so that a tool trying requests from the document never reaches the live API by default.
    let yaml = OpenAPIDescription.yaml(servers: [.sameOrigin, .live])
    return APIResponse(head: HTTPResponse(status: .ok, headerFields: fields), body: Array(yaml.utf8))
  }()

  func respond(to request: Request, context: SandboxRequestContext) async throws -> Response {
    let started = ContinuousClock.now
    let outcome: ServerOutcome
    let path = request.head.path.map { String($0.prefix { $0 != "?" }) }
    if path == OpenAPIDescription.path {
      // The description is public: no key, and only read.
      outcome = .respond(
        [.get, .head].contains(request.head.method) ? Self.openAPIDescription : Self.descriptionIsReadOnly(request))
    } else {
      do {
        let body = try await request.body.collect(upTo: SandboxHTTPServer.maximumBodyBytes)
        outcome = await sandbox.handle(APIRequest(head: request.head, body: Array(buffer: body)))
      } catch {
        let message = "request body larger than \(SandboxHTTPServer.maximumBodyBytes) bytes"
        outcome = .respond(APIResponse(status: .contentTooLarge, json: ErrorEnvelope.json(message: message)))
      }
    }
    let target = "\(request.head.method.rawValue) \(request.head.path ?? "/")"
    let elapsed = String(format: "%.1f ms", Double(started.duration(to: .now) / .microseconds(1)) / 1000)
    switch outcome {
    case .respond(let response):
      log?("\(Date().formatted(.iso8601)) \(target) \(response.head.status.code) \(elapsed)")
      // Every answer says it comes from the sandbox: only then does 2cs call the server `local`.
      var headers = response.head.headerFields
      SandboxIdentification.mark(&headers)
      return Response(
        status: response.head.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    case .dropConnection:
      log?("\(Date().formatted(.iso8601)) \(target) dropped \(elapsed)")
      try? await context.channel.close()
      throw ConnectionDropped()
    }
  }
}
