import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NumbersContract
public import Sandbox
import ServiceLifecycle

/// Hosts a `Sandbox` over HTTP with Hummingbird: the same handler the embedded mode calls directly, and the
/// contract's OpenAPI description at `/openapi.yaml`.
public enum SandboxHTTPServer {
  /// The largest request body accepted; the API's bodies are a few hundred bytes, and a thousand clients sending
  /// bodies slowly hold this much each until their time-out.
  static let maximumBodyBytes = 16 * 1024

  /// How long a client may keep the server waiting.
  public struct Timeouts: Sendable {
    /// A connection with no request in progress for this long is closed: a keep-alive connection left open, or a
    /// request whose head comes a byte at a time (slowloris).
    public var idle: Duration
    /// The longest a request's body may take to arrive, from its head to its end.
    public var body: Duration

    /// How long answers may wait unread before the client is taken to be gone.
    public var unreadAnswers: Duration

    /// The body's time is shorter than the idle time, so that a body that stalls is answered 408 before the
    /// connection's own idle timer can end it without an answer.
    public static let standard = Timeouts(idle: .seconds(15), body: .seconds(10), unreadAnswers: .seconds(15))

    public init(idle: Duration, body: Duration, unreadAnswers: Duration = .seconds(15)) {
      self.idle = idle
      self.body = body
      self.unreadAnswers = unreadAnswers
    }
  }

  /// - Parameters:
  ///   - log: called with one line per request, if given.
  ///   - onListening: called with the port once the server listens (the one picked, for port 0).
  public static func application(
    sandbox: Sandbox, host: String, port: Int, log: (@Sendable (String) -> Void)?, timeouts: Timeouts = .standard,
    onListening: @escaping @Sendable (Int) -> Void = { _ in }
  ) -> some ApplicationProtocol {
    // The server keeps its own request log; the framework's would only cost time: it labels every request's
    // logger with an id, which the default handler turns into text at once.
    let logger = Logger(label: "2cs-sandbox") { _ in SwiftLogNoOpLogHandler() }
    return Application(
      responder: SandboxResponder(sandbox: sandbox, log: log),
      server: HTTPServerBuilder { [inMemory = sandbox.configuration.stateFile == nil] responder in
        let connection = HTTP1Channel(
          responder: responder,
          configuration: .init(
            additionalChannelHandlers: [
              RequestGuard(bodyLimit: timeouts.body, log: log), UnreadAnswersCutoff(limit: timeouts.unreadAnswers),
            ],
            idleTimeout: .init(timeouts.idle)))
        let guarded = SocketSideHandlers(connection)
        // Nothing may block an event loop: a sandbox with a state file waits for the file's lock to write (another
        // process may hold it), so its connections are served from the shared pool of threads.
        return inMemory ? OnItsEventLoop(guarded) : guarded
      },
      configuration: .init(address: .hostname(host, port: port), serverName: "2cs-sandbox"),
      onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
      logger: logger
    )
  }
}

extension SandboxHTTPServer {
  /// How long the connections still open at SIGINT or SIGTERM have to finish their requests before they are closed:
  /// a client that reads no answers, or sends a body slowly, would otherwise keep the server up until its time-out.
  public static let shutdownGrace = Duration.seconds(2)

  /// Serves until SIGINT or SIGTERM, then stops taking connections, lets those open finish their requests for
  /// `grace`, and closes the rest. A write waiting for the state file's lock, which another process may hold, is not
  /// cut short; a connection closed as it ends may lose the part of its last answer not yet sent.
  public static func run(_ application: some ApplicationProtocol, grace: Duration = shutdownGrace) async throws {
    var configuration = ServiceGroupConfiguration(
      services: [application], gracefulShutdownSignals: [.sigterm, .sigint],
      logger: Logger(label: "2cs-sandbox") { _ in SwiftLogNoOpLogHandler() })
    configuration.maximumGracefulShutdownDuration = grace
    try await ServiceGroup(configuration: configuration).run()
  }
}

/// Runs each connection's task on the event loop its socket is served by, rather than on the shared pool of
/// threads: a request and its answer then cross no thread between the socket and the responder. Only for work
/// that never blocks, as the loop's other connections wait meanwhile.
struct OnItsEventLoop<Connection: ServerChildChannel>: ServerChildChannel {
  let connection: Connection

  init(_ connection: Connection) {
    self.connection = connection
  }

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
    connection.setup(channel: channel, logger: logger)
  }

  func handle(value: Connection.Value, logger: Logger) async {
    await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
      await connection.handle(value: value, logger: logger)
    }
  }
}

/// Puts, at the socket's end of each connection's pipeline, the handlers that keep the event loop's own reading and
/// closing from working against the connection's requests and answers: `UnaskedInputHold` and
/// `OutputEndedAfterItsWrites`; and reads a connection's socket a few kilobytes at a time.
struct SocketSideHandlers<Connection: ServerChildChannel>: ServerChildChannel {
  let connection: Connection

  /// The most one read takes from a connection's socket: a few dozen requests, or a quarter of the largest body.
  static var largestRead: Int { 4096 }

  init(_ connection: Connection) {
    self.connection = connection
  }

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
    channel.eventLoop.makeCompletedFuture {
      // A read's buffer is parsed whole, whatever the connection has room for: 64 KiB of pipelined requests (the
      // default's largest) made some 1 500 parsed requests waiting at once on each connection.
      try channel.syncOptions?.setOption(
        .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: Self.largestRead))
      try channel.pipeline.syncOperations.addHandlers(
        [UnaskedInputHold(), OutputEndedAfterItsWrites()], position: .first)
    }.flatMap { connection.setup(channel: channel, logger: logger) }
  }

  /// Serves the connection until it ends, or until the server gives up waiting for it (its task is cancelled): then
  /// the connection is closed, or an answer waiting for a client that reads nothing would hold the server up.
  func handle(value: Connection.Value, logger: Logger) async {
    await withTaskCancellationHandler {
      await connection.handle(value: value, logger: logger)
    } onCancel: {
      value.channel.close(promise: nil)
    }
  }
}

/// Takes in a connection's input only as it is asked for: a client that sends requests far ahead of reading their
/// answers has the rest kept as the bytes it sent, not as parsed requests, which take ten times the memory and the
/// event loop's time to make.
///
/// The connection asks for input when it has room for more requests, but the event loop reads more than that: a
/// read takes up to four buffers, and when the connection ends (the client closes its side or resets it, or a write
/// fails) the loop reads the socket to its end. A client that pipelines requests, reads none of the answers and goes
/// would otherwise have all it sent parsed at once (100 such clients took the server from 40 to 170 MB, 200 to 280 MB,
/// and the loops from their other clients).
///
/// So the bytes no read asked for are held, and passed on one buffer per read asked, as the socket would have given
/// them; the end of the client's side waits behind them. Input that was asked for passes straight through. What is
/// held is at most what the socket held: the buffers after the first of one read, or all that was left in it when
/// the connection ended. It goes with the connection if it is never asked for.
///
/// A read asked for while a buffer is being passed on gets the next held buffer at once, within the first one's
/// parsing; no handler of this pipeline asks for a read from within one.
final class UnaskedInputHold: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// Whether a read was asked for that no input has come for yet (as the channel itself counts a read pending).
  private var readAsked = false
  private var held = CircularBuffer<ByteBuffer>()
  /// Whether the client's close of its side waits for the input held before it.
  private var inputClosedHeld = false

  func read(context: ChannelHandlerContext) {
    guard let next = held.popFirst() else {
      readAsked = true
      return context.read()
    }
    context.fireChannelRead(wrapInboundOut(next))
    context.fireChannelReadComplete()
    if held.isEmpty, inputClosedHeld {
      inputClosedHeld = false
      context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    } else {
      // The channel reads again by itself after each of its reads; this one was not the channel's.
      readAgain(context)
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard readAsked, held.isEmpty else { return held.append(unwrapInboundIn(data)) }
    readAsked = false
    context.fireChannelRead(data)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    guard case .inputClosed? = event as? ChannelEvent, !held.isEmpty else {
      return context.fireUserInboundEventTriggered(event)
    }
    inputClosedHeld = true
    // The channel does not read again after its input ends, and nothing downstream may be waiting to ask: the held
    // input is asked for here.
    readAgain(context)
  }

  func channelInactive(context: ChannelHandlerContext) {
    held.removeAll()
    inputClosedHeld = false
    context.fireChannelInactive()
  }

  /// Asks for input from the pipeline's end once this turn of the event loop is done, as a channel that reads
  /// by itself does after each read. Downstream, the connection passes the read on when it has room.
  private func readAgain(_ context: ChannelHandlerContext) {
    guard (try? context.channel.syncOptions?.getOption(.autoRead)) ?? true else { return }
    let channel = context.channel
    context.eventLoop.assumeIsolated().execute {
      if channel.isActive { channel.read() }
    }
  }
}

/// Ends a connection's output only once what was written before is sent.
///
/// The connection ends its output after its last answer, once the client has ended its side. The channel takes that
/// for the end of the whole connection, as its input is closed too, and drops the writes not yet sent: a client that
/// reads slowly would miss its last answers (the answer of a purchase made, for one). The wait is bounded by the
/// connection's idle time, which runs from its last answer.
final class OutputEndedAfterItsWrites: ChannelOutboundHandler {
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    guard mode == .output else { return context.close(mode: mode, promise: promise) }
    // Writes are sent in order: an empty one is done once all before it are.
    context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { written in
      switch written {
      case .success: context.close(mode: .output, promise: promise)
      // The connection ended first: nothing is left to end.
      case .failure(let error): promise?.fail(error)
      }
    }
  }
}

/// An event loop as the executor of the tasks that prefer it.
final class EventLoopTaskExecutor: TaskExecutor {
  let eventLoop: any EventLoop

  init(_ eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
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

  /// The contract's description, made once, marked as every answer is: it never changes while the server runs.
  /// Its bytes are shared by every answer rather than copied into each.
  static let openAPIDescription: (headers: HTTPFields, body: ByteBuffer) = {
    var fields = HTTPFields()
    fields[.contentType] = "application/yaml"
    SandboxIdentification.mark(&fields)
    // The sandbox first, so that a tool trying requests from the document never reaches the live API by default.
    let yaml = OpenAPIDescription.yaml(servers: [.sameOrigin, .live])
    return (fields, ByteBuffer(string: yaml))
  }()

  enum Body {
    case arrived([UInt8])
    /// Too large: the answer that says so.
    case refused(APIResponse)
    /// The connection ended before the body did.
    case gone
  }

  static func body(of request: Request, on channel: any Channel) async -> Body {
    // Most requests declare no body: theirs is complete with the head, and the framework reads its end.
    guard request.head.declaresBody else { return .arrived([]) }
    let limit = SandboxHTTPServer.maximumBodyBytes
    do {
      let body = try await request.body.collect(upTo: limit)
      // A body cut short by the connection's end is no body to act on.
      guard channel.isActive else { return .gone }
      if let declared = request.head.headerFields[.contentLength].flatMap(Int.init), body.readableBytes != declared {
        let message = "the request body ended after \(body.readableBytes) of the \(declared) bytes it declared"
        return .refused(APIResponse(status: .badRequest, json: ErrorEnvelope.json(message: message)))
      }
      return .arrived(Array(buffer: body))
    } catch is NIOTooManyBytesError {
      let message = "request body larger than \(limit) bytes"
      return .refused(APIResponse(status: .contentTooLarge, json: ErrorEnvelope.json(message: message)))
    } catch {
      // The connection went while the body came: too slow (`RequestGuard` answered), or closed by the client.
      return .gone
    }
  }

  func respond(to request: Request, context: SandboxRequestContext) async throws -> Response {
    let started = ContinuousClock.now
    let outcome: ServerOutcome
    let path = request.head.path.map { String(Substring($0.utf8.prefix { $0 != UInt8(ascii: "?") })) }
    if path == OpenAPIDescription.path, [.get, .head].contains(request.head.method) {
      // The description is public: no key.
      log?(requestLogLine(request.head, "200", since: started))
      let description = Self.openAPIDescription
      return Response(status: .ok, headers: description.headers, body: .init(byteBuffer: description.body))
    } else if path == OpenAPIDescription.path {
      outcome = .respond(Self.descriptionIsReadOnly(request))
    } else {
      switch await Self.body(of: request, on: context.channel) {
      case .arrived(let body): outcome = await sandbox.handle(APIRequest(head: request.head, body: body))
      case .refused(let refusal): outcome = .respond(refusal)
      case .gone:
        // Refused by `RequestGuard`, or the client went; the guard logged which. Nothing more is written.
        try? await context.channel.close()
        throw ConnectionDropped()
      }
    }
    switch outcome {
    case .respond(let response):
      log?(requestLogLine(request.head, "\(response.head.status.code)", since: started))
      // Every answer says it comes from the sandbox: only then does 2cs call the server `local`.
      var headers = response.head.headerFields
      SandboxIdentification.mark(&headers)
      return Response(
        status: response.head.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    case .dropConnection:
      log?(requestLogLine(request.head, "dropped", since: started))
      try? await context.channel.close()
      throw ConnectionDropped()
    }
  }
}

extension HTTPRequest {
  /// Whether a body follows the head: only when the head gives its length or its transfer coding (RFC 9112,
  /// section 6.3), and most of the API's requests give neither.
  var declaresBody: Bool {
    headerFields[.transferEncoding] != nil || (headerFields[.contentLength] ?? "0") != "0"
  }
}

/// The request log's line: when, what was asked (`headless` if the request's head could not be read), how it ended,
/// and how long it took.
func requestLogLine(
  _ head: HTTPRequest?, _ ending: String, since started: ContinuousClock.Instant,
  headless: String = "(not a request this server can read)"
) -> String {
  let elapsed = String(format: "%.1f ms", Double(started.duration(to: .now) / .microseconds(1)) / 1000)
  let target =
    head.map { head in
      // A CONNECT names a host and a port rather than a path.
      "\(head.method.rawValue) \((head.method == .connect ? head.authority : head.path) ?? "/")"
    } ?? headless
  return "\(Date().formatted(.iso8601)) \(target) \(ending) \(elapsed)"
}

/// Guards the requests of one connection on their way to the responder, and answers for them what the responder
/// never sees, in the API's error envelope, closing the connection after it:
/// - a request the HTTP parser cannot read (a malformed request line, a header or URI past the limits): 400;
/// - a request whose client closed its side before its head or body ended: 400;
/// - a body not all there `bodyLimit` after its head (a body sent a byte at a time): 408. The connection's idle
///   time-out does not cover it, as a request is in progress; the timer is the event loop's, started only for a
///   request that declares a body.
///
/// Requests may come pipelined, several before the first is answered: a refusal is written only after the answers
/// of the requests before it, so it never takes the place of one (a purchase made, then garbage on the connection).
/// A request answered before its body ended (a path that takes no body) has its connection closed after its
/// answer, as what is left of the body cannot be told from a next request.
final class RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  private let bodyLimit: Duration
  private let log: (@Sendable (String) -> Void)?
  /// The newest request's head and when it came, kept while it arrives when there is a log, to log its refusal.
  private var arriving: (head: HTTPRequest, since: ContinuousClock.Instant)?
  private let connectionStarted = ContinuousClock.now
  /// Requests whose heads were passed on and whose answers have not all been written; the newest may still be
  /// arriving.
  private var unanswered = 0
  /// Whether the newest request's end has not been read yet.
  private var newestIsArriving = false
  private var bodyTimer: Scheduled<Void>?
  /// Set once the connection is to end: nothing more is passed on.
  private var ending = false
  /// The refusal waiting for the answers of the requests before it.
  private var refusal: (status: HTTPResponse.Status, message: String)?

  init(bodyLimit: Duration, log: (@Sendable (String) -> Void)?) {
    self.bodyLimit = bodyLimit
    self.log = log
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !ending else { return }
    switch unwrapInboundIn(data) {
    case .head(let head):
      unanswered += 1
      newestIsArriving = true
      if log != nil { arriving = (head, .now) }
      if head.method == .connect {
        refuse(context, .badRequest, "CONNECT asks for a tunnel, and this server is not a proxy")
        return
      }
      // Most requests declare no body: their end comes with their head, and they need no timer.
      if head.declaresBody {
        let limit = bodyLimit
        bodyTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .init(limit)) { [weak self] in
          self?.bodyTimer = nil
          self?.refuse(context, .requestTimeout, "the request body took more than \(limit) to arrive")
        }
      }
    case .body: break
    case .end:
      newestIsArriving = false
      arriving = nil
      stopTimer()
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
    unanswered -= 1
    if refusal != nil {
      context.write(data, promise: promise)
      sendRefusalWhenDue(context)
    } else if unanswered == 0, newestIsArriving, !ending {
      // The answer of the request still arriving: the rest of its body is not read.
      ending = true
      stopTimer()
      let channel = context.channel
      context.writeAndFlush(data).whenComplete { result in
        promise?.completeWith(result)
        channel.close(promise: nil)
      }
    } else {
      context.write(data, promise: promise)
    }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    // The client stopped sending in the middle of a request: what came of its body is not all of it. Not passed
    // on, so the responder never takes it for a whole body; the request is refused instead.
    if case .inputClosed? = event as? ChannelEvent, newestIsArriving || ending {
      refuse(context, .badRequest, "the request ended before its body did")
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
    if parserError == .invalidEOFState {
      // The client closed its side in the middle of a request: the parser sees that before this guard does.
      let part = newestIsArriving ? "body" : "head"
      return refuse(context, .badRequest, "the request ended before its \(part) did", headless: "(a request cut short)")
    }
    refuse(context, .badRequest, "the request is not HTTP this server can read: \(Self.reason(parserError))")
  }

  /// Ends the connection with this answer. The request still arriving, if any, is the one refused: the responder
  /// waits for its body and will write nothing for it.
  private func refuse(
    _ context: ChannelHandlerContext, _ status: HTTPResponse.Status, _ message: String,
    headless: String = "(not a request this server can read)"
  ) {
    guard !ending else { return }
    ending = true
    stopTimer()
    let refused = newestIsArriving ? arriving : nil
    log?(
      requestLogLine(
        refused?.head, "\(status.code)", since: refused?.since ?? connectionStarted, headless: headless))
    if newestIsArriving {
      newestIsArriving = false
      unanswered -= 1
    }
    refusal = (status, message)
    sendRefusalWhenDue(context)
  }

  private func sendRefusalWhenDue(_ context: ChannelHandlerContext) {
    guard unanswered == 0, let refusal else { return }
    self.refusal = nil
    answerAndClose(context, status: refusal.status, message: refusal.message)
  }

  private func stopTimer() {
    bodyTimer?.cancel()
    bodyTimer = nil
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    stopTimer()
  }

  func channelInactive(context: ChannelHandlerContext) {
    stopTimer()
    if newestIsArriving, !ending, let arriving {
      // The client went in the middle of a request, which is not acted on.
      log?(requestLogLine(arriving.head, "dropped", since: arriving.since))
    }
    context.fireChannelInactive()
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

/// Answers a request the server gives up on with the API's error envelope, then closes its connection: the rest of
/// the request is not read, so the connection cannot carry another.
///
/// The answer is written as bytes below the HTTP encoder, which would send the answer to a CONNECT without its
/// body (and without a length, so the client would wait for the connection to end).
private func answerAndClose(_ context: ChannelHandlerContext, status: HTTPResponse.Status, message: String) {
  let envelope = APIResponse(status: status, json: ErrorEnvelope.json(message: message))
  var fields = envelope.head.headerFields
  fields[.contentLength] = String(envelope.body.count)
  fields[.connection] = "close"
  SandboxIdentification.mark(&fields)
  var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
  for field in fields { head += "\(field.name.rawName): \(field.value)\r\n" }
  var bytes = ByteBuffer(string: head + "\r\n")
  bytes.writeBytes(envelope.body)
  let channel = context.channel
  guard let socketSide = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
    return channel.close(promise: nil)
  }
  socketSide.writeAndFlush(NIOAny(bytes)).whenComplete { _ in channel.close(promise: nil) }
}

/// Closes the connection of a client that leaves its answers unread: when the answers waiting to be sent stay
/// above the channel's low-water mark for `limit`. Until then the responder waits to write (the channel is not
/// writable), so what waits is about one answer.
final class UnreadAnswersCutoff: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart

  private let limit: Duration
  private var cutoff: Scheduled<Void>?

  init(limit: Duration) {
    self.limit = limit
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    cutoff?.cancel()
    cutoff = nil
    if !context.channel.isWritable {
      cutoff = context.eventLoop.assumeIsolated().scheduleTask(in: .init(limit)) { context.close(promise: nil) }
    }
    context.fireChannelWritabilityChanged()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    cutoff?.cancel()
    cutoff = nil
  }
}
