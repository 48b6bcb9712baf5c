import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
public import NumbersContract

/// Sends requests over HTTP with AsyncHTTPClient. Call `shutdown()` when done.
public final class HTTPTransport: Transport {
  private let client: HTTPClient
  private let baseURL: String
  /// The base URL without any user name or password, for traces and errors.
  public let displayBaseURL: String
  /// Bodies larger than this are refused rather than held in memory.
  private let maximumResponseBytes = 64 * 1024 * 1024

  /// - Parameters:
  ///   - baseURL: scheme and authority, e.g. `https://api.p.2chat.io` or `http://127.0.0.1:8080`.
  ///   - connectTimeout: how long to wait for a connection.
  public init(baseURL: String, connectTimeout: Duration = .seconds(10)) {
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(connect: .init(connectTimeout))
    )
    configuration.httpVersion = .http1Only
    // A refused connection should fail at once, not be retried until the connect timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    self.client = HTTPClient(
      eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
    var trimmed = baseURL
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    self.baseURL = trimmed
    self.displayBaseURL = redactingUserInformation(trimmed)
  }

  public func shutdown() async {
    try? await client.shutdown()
  }

  public func send(_ request: APIRequest, timeout: Duration) async throws(TransportFailure) -> APIResponse {
    var outgoing = HTTPClientRequest(url: baseURL + (request.head.path ?? "/"))
    outgoing.method = NIOHTTP1.HTTPMethod(rawValue: request.head.method.rawValue)
    for field in request.head.headerFields {
      outgoing.headers.add(name: field.name.rawName, value: field.value)
    }
    if !request.body.isEmpty {
      outgoing.body = .bytes(ByteBuffer(bytes: request.body))
    }
    // The time allowed covers the whole answer: AsyncHTTPClient's own deadline ends with the head, and a server
    // that sends its body one byte at a time must not hold 2cs for longer.
    let deadline = ContinuousClock.now + timeout
    do {
      let response = try await client.execute(outgoing, timeout: .init(timeout))
      var fields = HTTPFields()
      for header in response.headers {
        if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
      }
      let body = try await Self.collect(response.body, upTo: maximumResponseBytes, before: deadline)
      let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
      return APIResponse(head: HTTPResponse(status: status, headerFields: fields), body: Array(buffer: body))
    } catch is NIOTooManyBytesError {
      throw TransportFailure.connectionLost(
        "the answer is larger than \(maximumResponseBytes / 1024 / 1024) MiB; 2cs stopped reading it")
    } catch {
      let failure = Self.failure(for: error)
      if case .couldNotConnect(let detail) = failure { throw .couldNotConnect("\(displayBaseURL): \(detail)") }
      throw failure
    }
  }

  /// The body, read until it ends or `deadline` passes; a body not read in time is a time-out.
  private static func collect(
    _ body: HTTPClientResponse.Body, upTo limit: Int, before deadline: ContinuousClock.Instant
  ) async throws -> ByteBuffer {
    try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
      group.addTask { try await body.collect(upTo: limit) }
      group.addTask {
        try await Task.sleep(until: deadline)
        return nil
      }
      defer { group.cancelAll() }
      guard let first = try await group.next(), let buffer = first else { throw HTTPClientError.deadlineExceeded }
      return buffer
    }
  }

  static func failure(for error: any Error) -> TransportFailure {
    if error is CancellationError { return .cancelled }
    if let clientError = error as? HTTPClientError {
      switch clientError {
      case .connectTimeout, .invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown, .getConnectionFromPoolTimeout:
        return .couldNotConnect(String(describing: clientError))
      case .deadlineExceeded, .readTimeout, .writeTimeout:
        return .timedOut
      case .cancelled, .requestStreamCancelled:
        return .cancelled
      case .remoteConnectionClosed:
        return .connectionLost("the server closed the connection without answering")
      default:
        return .connectionLost(String(describing: clientError))
      }
    }
    // Only failures of the connection phase prove the request never left; a channel closed later may have
    // carried it.
    if error is NIOConnectionError { return .couldNotConnect(String(describing: error)) }
    if let channelError = error as? ChannelError, case .connectTimeout = channelError {
      return .couldNotConnect(String(describing: error))
    }
    if let ioError = error as? IOError {
      switch ioError.errnoCode {
      case ECONNREFUSED: return .couldNotConnect("connection refused")
      case ECONNRESET: return .connectionLost("the server reset the connection")
      default: return .connectionLost(String(cString: strerror(ioError.errnoCode)))
      }
    }
    if let parserError = error as? HTTPParserError {
      if case .invalidEOFState = parserError {
        return .connectionLost("the connection closed before the answer was complete")
      }
      return .connectionLost("the answer is not valid HTTP (\(parserError))")
    }
    return .connectionLost(String(describing: error))
  }
}

/// `url` with whatever stands between `://` and the last `@` (a user name, a password) shown as `***`,
/// so that a credential in a base URL is never printed; cut at the last `@` so that one holding `/` or `#`
/// is hidden whole.
public func redactingUserInformation(_ url: String) -> String {
  guard let at = url.lastIndex(of: "@") else { return url }
  let separator = url.firstRange(of: "://")
  let start = separator.map { $0.upperBound <= at ? $0.upperBound : url.startIndex } ?? url.startIndex
  return String(url[..<start]) + "***" + String(url[at...])
}
