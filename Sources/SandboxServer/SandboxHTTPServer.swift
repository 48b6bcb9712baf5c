import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NumbersContract
public import Sandbox

/// Hosts a `Sandbox` over HTTP with Hummingbird: the same handler the embedded mode calls directly, and the
/// contract's OpenAPI description at `/openapi.yaml`.
public enum SandboxHTTPServer {
  /// The largest request body accepted; the API's bodies are a few hundred bytes.
  static let maximumBodyBytes = 64 * 1024
  /// A connection with no request in progress for this long is closed: a keep-alive connection left open, or a
  /// request whose head comes a byte at a time (slowloris).
  static let idleTimeout = TimeAmount.seconds(15)
  /// The longest a request's body may take to arrive.
  static let bodyTimeout = Duration.seconds(15)

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
      server: .http1(
        configuration: .init(additionalChannelHandlers: [MalformedRequestAnswer()], idleTimeout: idleTimeout)),
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

  enum Body {
    case arrived([UInt8])
    /// Too large, or too slow to arrive: the answer that says so.
    case refused(APIResponse)
  }

  static func body(of request: Request) async -> Body {
    let limit = SandboxHTTPServer.maximumBodyBytes
    do {
      return .arrived(
        try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
          group.addTask { Array(buffer: try await request.body.collect(upTo: limit)) }
          group.addTask {
            try await Task.sleep(for: SandboxHTTPServer.bodyTimeout)
            return nil
          }
          defer { group.cancelAll() }
          guard let first = try await group.next(), let body = first else { throw BodyTooSlow() }
          return body
        })
    } catch is BodyTooSlow {
      let message = "the request body took more than \(SandboxHTTPServer.bodyTimeout) to arrive"
      return .refused(APIResponse(status: .requestTimeout, json: ErrorEnvelope.json(message: message)))
    } catch {
      let message = "request body larger than \(limit) bytes"
      return .refused(APIResponse(status: .contentTooLarge, json: ErrorEnvelope.json(message: message)))
    }
  }

  private struct BodyTooSlow: Error {}

  func respond(to request: Request, context: SandboxRequestContext) async throws -> Response {
    let started = ContinuousClock.now
    let outcome: ServerOutcome
    let path = request.head.path.map { String(Substring($0.utf8.prefix { $0 != UInt8(ascii: "?") })) }
    if path == OpenAPIDescription.path {
      // The description is public: no key, and only read.
      outcome = .respond(
        [.get, .head].contains(request.head.method) ? Self.openAPIDescription : Self.descriptionIsReadOnly(request))
    } else {
      switch await Self.body(of: request) {
      case .arrived(let body): outcome = await sandbox.handle(APIRequest(head: request.head, body: body))
      case .refused(let refusal): outcome = .respond(refusal)
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

/// Answers a request the HTTP parser cannot read (a malformed request line, a header or URI past the limits) with
/// a 400 that carries the API's error envelope, as every other error does, and closes the connection. Without it
/// the server's framework sends a bare 400.
final class MalformedRequestAnswer: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundOut = HTTPResponsePart

  private var answered = false

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
    guard !answered else { return }
    answered = true
    let message = "the request is not HTTP this server can read: \(Self.reason(parserError))"
    let envelope = APIResponse(status: .badRequest, json: ErrorEnvelope.json(message: message))
    var fields = envelope.head.headerFields
    fields[.contentLength] = String(envelope.body.count)
    fields[.connection] = "close"
    SandboxIdentification.mark(&fields)
    context.write(wrapOutboundOut(.head(HTTPResponse(status: .badRequest, headerFields: fields))), promise: nil)
    context.write(wrapOutboundOut(.body(ByteBuffer(bytes: envelope.body))), promise: nil)
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
  }

  private static func reason(_ error: HTTPParserError) -> String {
    switch error {
    case .headerOverflow: "its request line and headers are larger than 80 KiB"
    case .invalidURL: "its URI is not valid"
    case .invalidMethod: "its method is not valid"
    default: "\(error)"
    }
  }
}
