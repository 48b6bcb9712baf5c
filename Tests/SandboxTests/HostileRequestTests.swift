import Foundation
import HTTPTypes
import NumbersContract
import Sandbox
import SandboxServer
import Synchronization
import TestSupport
import Testing

/// What `sandbox serve` answers to requests written to break it: every number range-checked, every error in the
/// API's envelope (the HTTP layer's own included), bodies that are not JSON refused, and nothing a request names
/// kept for ever.
@Suite("Hostile requests") struct HostileRequestTests {
  /// Runs `body`, whose socket calls block, with the port of a served sandbox.
  private func served(
    _ sandbox: Sandbox? = nil, timeouts: SandboxHTTPServer.Timeouts = .standard,
    log: (@Sendable (String) -> Void)? = nil, _ body: @escaping @Sendable (Int) throws -> Void
  ) async throws {
    try await withServer(try sandbox ?? Sandbox(configuration: .testing()), timeouts: timeouts, log: log) { port in
      try await onOwnThread { try body(port) }
    }
  }

  /// The id of the first US group, asked for on `connection`.
  private func firstGroupID(on connection: RawHTTPConnection) throws -> String {
    connection.get("/open/numbers/groups?country=US", headers: ["X-User-API-Key": testKey])
    let listing = try JSONValue(parsing: Array((connection.answer()?.body ?? "").utf8))
    let groups = listing.objectValue?["data"]?.objectValue?["groups"]?.arrayValue
    return try #require(groups?.first?.objectValue?["id"]?.stringValue)
  }

  /// Expects an answer with `status` whose body is the error envelope, and returns its message.
  @discardableResult
  private func expectEnvelope(_ answer: RawHTTPConnection.Answer?, status: Int, _ what: String) -> String {
    guard let answer else {
      Issue.record("\(what): no answer")
      return ""
    }
    #expect(answer.status == status, "\(what): \(answer.status) \(answer.body)")
    #expect(answer.headers["content-type"] == "application/json", "\(what): \(answer.headers)")
    let envelope = try? JSONValue(parsing: Array(answer.body.utf8)).objectValue
    #expect(envelope?["success"] == .bool(false), "\(what): \(answer.body)")
    #expect(envelope?["error"] == .bool(true), "\(what): \(answer.body)")
    return envelope?["error_message"]?.stringValue ?? ""
  }

  @Test func numbersPastAnyPageAreRefusedNotTrapped() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port)
      for query in [
        "page_number=92233720368547759&results_per_page=100", "page_number=9223372036854775807",
        "page_number=99999999999999999999999", "page_number=-1", "results_per_page=9223372036854775807",
      ] {
        connection.get("/open/voip/virtual-numbers?\(query)", headers: ["X-User-API-Key": testKey])
        let message = expectEnvelope(connection.answer(), status: 400, query)
        #expect(message.contains("must be"), "\(query): \(message)")
      }
      // The server is still there, on the same connection.
      connection.get("/open/voip/virtual-numbers?page_number=2147483647", headers: ["X-User-API-Key": testKey])
      #expect(connection.answer()?.status == 200)
    }
  }

  @Test func requestsTheParserCannotReadGetTheEnvelope() async throws {
    try await served { port in
      let cases: [(String, [UInt8])] = [
        ("a request line that is not HTTP", Array("GARBAGE\r\n\r\n".utf8)),
        (
          "a 1 MB header",
          Array("GET /open/numbers/did-types HTTP/1.1\r\nHost: x\r\nX-Big: ".utf8)
            + Array(repeating: UInt8(ascii: "a"), count: 1_000_000) + Array("\r\n\r\n".utf8)
        ),
        (
          "a 100 000-character URI",
          Array("GET /".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100_000)
            + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        ),
        ("a header with no colon", Array("GET /open/numbers/did-types HTTP/1.1\r\nno colon here\r\n\r\n".utf8)),
      ]
      for (what, bytes) in cases {
        let connection = try RawHTTPConnection(port: port)
        connection.send(bytes)
        let message = expectEnvelope(connection.answer(), status: 400, what)
        #expect(message.hasPrefix("the request is not HTTP this server can read"), "\(what): \(message)")
      }
      let after = try RawHTTPConnection(port: port)
      after.get("/open/numbers/did-types", headers: ["X-User-API-Key": testKey])
      #expect(after.answer()?.status == 200)
    }
  }

  @Test func aBodyThatIsNotDeclaredJSONGets415() async throws {
    try await served { port in
      let body = #"{"group_id":"grp_1"}"#
      for contentType in ["text/plain", "application/x-www-form-urlencoded", nil] {
        let connection = try RawHTTPConnection(port: port)
        let typeLine = contentType.map { "Content-Type: \($0)\r\n" } ?? ""
        connection.send(
          Array(
            ("POST /open/numbers/reservations HTTP/1.1\r\nHost: x\r\nX-User-API-Key: \(testKey)\r\n\(typeLine)"
              + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8))
        let message = expectEnvelope(connection.answer(), status: 415, contentType ?? "no Content-Type")
        #expect(message.contains("application/json"), "\(message)")
      }
      // JSON with its charset is JSON.
      let connection = try RawHTTPConnection(port: port)
      connection.send(
        Array(
          ("POST /open/numbers/reservations HTTP/1.1\r\nHost: x\r\nX-User-API-Key: \(testKey)\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8
        ))
      #expect(connection.answer()?.status != 415)
    }
  }

  /// A proxy's request: answered at once, in the envelope, rather than left without a length (the HTTP encoder
  /// drops the body of any answer to CONNECT), which kept the client waiting for the connection to end.
  @Test func aConnectRequestIsRefusedInTheEnvelopeAndItsConnectionCloses() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port)
      connection.send(Array("CONNECT api.p.2chat.io:443 HTTP/1.1\r\nHost: api.p.2chat.io:443\r\n\r\n".utf8))
      let message = expectEnvelope(connection.answer(), status: 400, "CONNECT")
      #expect(message.contains("CONNECT"), "\(message)")
      #expect(connection.isClosedByServer())
    }
  }

  /// What the HTTP layer refuses is in the request log, once each, as it was answered: a client that resets the
  /// connection in the middle of a body has its request refused (and not acted on) like one that stops sending.
  @Test func refusalsAndRequestsLeftByTheirClientsAreLogged() async throws {
    let lines = Mutex<[String]>([])
    try await served(
      timeouts: .init(idle: .seconds(60), body: .seconds(1)), log: { line in lines.withLock { $0.append(line) } }
    ) {
      port in
      let reservation =
        "POST /open/numbers/reservations HTTP/1.1\r\nHost: x\r\nX-User-API-Key: \(testKey)\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
      let slow = try RawHTTPConnection(port: port, timeout: 20)
      slow.send(Array(reservation.utf8))
      expectEnvelope(slow.answer(), status: 408, "a slow body")
      let garbage = try RawHTTPConnection(port: port)
      garbage.send(Array("GARBAGE\r\n\r\n".utf8))
      expectEnvelope(garbage.answer(), status: 400, "garbage")
      let proxy = try RawHTTPConnection(port: port)
      proxy.send(Array("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n".utf8))
      expectEnvelope(proxy.answer(), status: 400, "CONNECT")
      do {
        let leaving = try RawHTTPConnection(port: port)
        leaving.send(Array(reservation.replacingOccurrences(of: "reservations", with: "purchase").utf8))
        leaving.resetWhenClosed()
      }
      let cutShort = try RawHTTPConnection(port: port)
      cutShort.send(Array(reservation.replacingOccurrences(of: "POST", with: "DELETE").utf8))
      cutShort.finishSending()
      #expect(
        expectEnvelope(cutShort.answer(), status: 400, "a body cut short") == "the request ended before its body did")
      let headCutShort = try RawHTTPConnection(port: port)
      headCutShort.send(Array("GET /open/numbers/did-types HTTP/1.1\r\nHost: x\r\nX-User-".utf8))
      headCutShort.finishSending()
      #expect(
        expectEnvelope(headCutShort.answer(), status: 400, "a head cut short")
          == "the request ended before its head did")
      // The logging of the one that left runs when its connection ends, a moment after.
      for _ in 0..<50 where !lines.withLock({ $0.contains { $0.contains("/purchase") } }) {
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    let logged = lines.withLock { $0 }.map { $0.split(separator: " ").dropFirst().dropLast(2).joined(separator: " ") }
    #expect(
      Set(logged) == [
        "POST /open/numbers/reservations 408", "(not a request this server can read) 400",
        "CONNECT example.com:443 400", "POST /open/numbers/purchase 400", "DELETE /open/numbers/reservations 400",
        "(a request cut short) 400",
      ], "\(lines.withLock { $0 })")
    #expect(logged.count == 6, "\(lines.withLock { $0 })")
  }

  @Test func aBodyThatComesTooSlowlyGets408AndTheConnectionCloses() async throws {
    try await served(timeouts: .init(idle: .seconds(60), body: .seconds(2))) { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let head =
        "POST /open/numbers/reservations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-API-Key: \(testKey)\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
      connection.send(Array((head + #"{"group_id""#).utf8))
      let message = expectEnvelope(connection.answer(), status: 408, "a body cut short")
      #expect(message.contains("took more than 2"), "\(message)")
      #expect(connection.isClosedByServer())
      // A body that comes in time, in pieces, is read whole.
      let next = try RawHTTPConnection(port: port, timeout: 20)
      let body = #"{"group_id":"grp_none"}"#
      next.send(Array((head.replacingOccurrences(of: "100", with: "\(body.utf8.count)") + "{").utf8))
      Thread.sleep(forTimeInterval: 0.2)
      next.send(Array(body.dropFirst().utf8))
      let message404 = expectEnvelope(next.answer(), status: 404, "a body in two pieces")
      #expect(message404.contains("grp_none"), "\(message404)")
    }
  }

  @Test func aValueHoldingSeparatorsNeverSharesAnotherQuerysAnswer() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      func status(_ target: String) -> Int? {
        connection.get(target, headers: ["X-User-API-Key": testKey])
        return connection.answer()?.status
      }
      func groups(_ target: String) -> String {
        connection.get(target, headers: ["X-User-API-Key": testKey])
        return connection.answer()?.body ?? ""
      }
      #expect(status("/open/numbers/regions?country=GB&did_type=local") == 200)
      // `GB&did_type=local` as one value is no country, whatever was asked before.
      #expect(status("/open/numbers/regions?country=GB%26did_type%3Dlocal") == 400)
      // The crafted query first: its (empty) answer must not become the plain query's.
      let crafted = groups("/open/numbers/groups?country=US&city_name_or_prefix=Los%26did_type%3Dall")
      let plain = groups("/open/numbers/groups?country=US&city_name_or_prefix=Los&did_type=all")
      #expect(plain.contains("Los Angeles"), "\(plain.prefix(300))")
      #expect(!crafted.contains("Los Angeles"), "\(crafted.prefix(300))")
    }
  }

  @Test func garbageAfterAPurchaseNeverTakesThePlaceOfItsAnswer() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let group = try firstGroupID(on: connection)
      let body = #"{"group_id":"\#(group)"}"#
      // The purchase and the garbage arrive in one read: the parser fails on the second before the first is
      // answered.
      connection.send(
        Array(
          ("POST /open/numbers/purchase HTTP/1.1\r\nHost: 1\r\nX-User-API-Key: \(testKey)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)garbage\r\n\r\n").utf8
        ))
      #expect(connection.answer()?.status == 201, "the purchase's own answer comes first")
      expectEnvelope(connection.answer(), status: 400, "then the refusal of what followed")
      #expect(connection.isClosedByServer())
    }
  }

  @Test func theKeyThenTheEndpointThenTheQueryAreChecked() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      connection.get("/open/info?%")
      expectEnvelope(connection.answer(), status: 401, "no key and a bad query")
      connection.get("/open/made-up?%", headers: ["X-User-API-Key": testKey])
      expectEnvelope(connection.answer(), status: 404, "a made-up path with a bad query")
      connection.get("/open/info?%", headers: ["X-User-API-Key": testKey])
      expectEnvelope(connection.answer(), status: 400, "a bad query")
    }
  }

  @Test func aBodyPastTheLimitGets413() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let body = #"{"group_id":""# + String(repeating: "x", count: 20_000) + #""}"#
      connection.send(
        Array(
          ("POST /open/numbers/reservations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-API-Key: \(testKey)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8))
      let message = expectEnvelope(connection.answer(), status: 413, "a body of 20 KB")
      #expect(message.contains("larger than 16384 bytes"), "\(message)")
    }
  }

  @Test func aRequestAnsweredBeforeItsBodyEndsHasItsConnectionClosed() async throws {
    try await served(timeouts: .init(idle: .seconds(60), body: .seconds(1))) { port in
      let connection = try RawHTTPConnection(port: port, timeout: 10)
      // The description takes no body, so it is answered at once; the 10 bytes promised never come.
      connection.send(Array("GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n".utf8))
      #expect(connection.answer()?.status == 200)
      // Closed after the answer: no second answer (a 408 for the body) on the same connection.
      let second = connection.answer()
      #expect(second == nil, "\(second?.status ?? 0) \(second?.body ?? "")")
      #expect(connection.isClosedByServer())
    }
  }

  @Test func aClientThatReadsNoAnswersIsCutOff() async throws {
    try await served(timeouts: .init(idle: .seconds(60), body: .seconds(60), unreadAnswers: .seconds(1))) { port in
      let connection = try RawHTTPConnection(port: port, timeout: 10, receiveBuffer: 4096)
      let request = "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      connection.send(Array(String(repeating: request, count: 200).utf8))
      // 200 answers of the description are megabytes. Read nothing for three times the limit: the server closes
      // rather than keep them for a reader that does not come. (Reading then drains what was sent before the
      // close and finds the end; a read gives up after 10 s, and then does not count as closed. Reading at once
      // would make this a client that reads, which gets every answer.)
      Thread.sleep(forTimeInterval: 3)
      #expect(connection.isClosedByServer())
    }
  }

  @Test func aClientThatReadsItsPipelinedAnswersGetsThemAll() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20, receiveBuffer: 4096)
      let request = "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      connection.send(Array(String(repeating: request, count: 300).utf8))
      var answered = 0
      while answered < 300, connection.answer()?.status == 200 { answered += 1 }
      #expect(answered == 300)
    }
  }

  @Test func aClientThatSendsAllItsRequestsThenClosesItsSideGetsEveryAnswer() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20, receiveBuffer: 4096)
      let request = "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      // More than the server takes in while its answers wait, so that most of it is still in the socket, unasked,
      // when the client closes its side; it is read then, and answered as the answers before it are read.
      connection.send(Array(String(repeating: request, count: 1000).utf8))
      connection.finishSending()
      var answered = 0
      while answered < 1000, connection.answer()?.status == 200 { answered += 1 }
      #expect(answered == 1000)
      #expect(connection.isClosedByServer())
    }
  }

  /// Requests of 64 bytes that end exactly where one of the server's reads of a new connection would (it reads 2 KiB,
  /// then 4 KiB at a time, up to four reads in a turn), followed at once by the end of the client's side.
  @Test(arguments: [32, 96, 160, 224]) func requestsEndingWithAReadThenTheClosedSideAreAllAnswered(count: Int)
    async throws
  {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 5)
      let request = "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\nX: 0123456789ab\r\n\r\n"
      #expect(request.utf8.count == 64)
      connection.send(Array(String(repeating: request, count: count).utf8))
      connection.finishSending()
      var answered = 0
      while answered < count, connection.answer()?.status == 200 { answered += 1 }
      #expect(answered == count)
      #expect(connection.isClosedByServer())
    }
  }

  /// The server ends its side after its last answer once the client has ended its own, and not before that answer
  /// is sent (a purchase made, its answer dropped).
  @Test func everyAnswerIsSentBeforeTheServerEndsItsSide() async throws {
    try await served { port in
      let request = Array("GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
      let single = try RawHTTPConnection(port: port, timeout: 20)
      single.send(request)
      single.finishSending()
      let answerSize = single.bytesUntilClosed()
      // Answers a client does not read yet fill its socket and the server's (some 4 MB with Linux's defaults); then
      // the server keeps the rest. For some of these counts, it has written its last answer, and keeps part of it,
      // when it ends its side.
      let counts = Array((3_300_000 / answerSize)...(4_600_000 / answerSize))
      let clients = try counts.map { count in
        let client = try RawHTTPConnection(port: port, timeout: 20)
        client.send(Array([[UInt8]](repeating: request, count: count).joined()))
        client.finishSending()
        return client
      }
      // Time for the server to write what its sockets take, while the clients read nothing.
      Thread.sleep(forTimeInterval: 1)
      for (count, client) in zip(counts, clients) {
        let received = client.bytesUntilClosed()
        #expect(received == count * answerSize, "\(count) answers: \(received) bytes of \(count * answerSize)")
      }
    }
  }

  @Test func aSlowBodyBehindAnAnsweredRequestIsRefusedAfterThatAnswer() async throws {
    try await served(timeouts: .init(idle: .seconds(60), body: .seconds(1))) { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let body = #"{"group_id":"grp_none"}"#
      let head = { (length: Int) in
        "POST /open/numbers/reservations HTTP/1.1\r\nHost: 1\r\nX-User-API-Key: \(testKey)\r\n"
          + "Content-Type: application/json\r\nContent-Length: \(length)\r\n\r\n"
      }
      // A whole request, then the head of one whose body never comes, in one send.
      connection.send(Array((head(body.utf8.count) + body + head(100)).utf8))
      expectEnvelope(connection.answer(), status: 404, "the whole request's own answer")
      expectEnvelope(connection.answer(), status: 408, "then the one whose body never came")
      #expect(connection.isClosedByServer())
    }
  }

  @Test func pipelinedRequestsWhoseBodiesComeLaterAreAllAnswered() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let body = #"{"group_id":"grp_none"}"#
      let head =
        "POST /open/numbers/reservations HTTP/1.1\r\nHost: 1\r\nX-User-API-Key: \(testKey)\r\n"
        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
      connection.send(Array((head + body + head + "{").utf8))
      Thread.sleep(forTimeInterval: 0.3)
      connection.send(Array(body.dropFirst().utf8))
      expectEnvelope(connection.answer(), status: 404, "the first")
      expectEnvelope(connection.answer(), status: 404, "the second, whose body came later")
      connection.get("/open/numbers/did-types", headers: ["X-User-API-Key": testKey])
      #expect(connection.answer()?.status == 200, "the connection goes on")
    }
  }

  @Test(arguments: [false, true]) func aBodyCutShortByTheClientIsNotActedOn(chunked: Bool) async throws {
    let sandbox = try Sandbox(configuration: .testing())
    try await served(sandbox) { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let group = try firstGroupID(on: connection)
      let body = #"{"group_id":"\#(group)"}"#
      // Fifty bytes short of the length declared, or a chunked body with no last chunk.
      let framing =
        chunked
        ? "Transfer-Encoding: chunked\r\n\r\n\(String(body.utf8.count, radix: 16))\r\n\(body)\r\n"
        : "Content-Length: \(body.utf8.count + 50)\r\n\r\n\(body)"
      connection.send(
        Array(
          ("POST /open/numbers/purchase HTTP/1.1\r\nHost: 1\r\nX-User-API-Key: \(testKey)\r\n"
            + "Content-Type: application/json\r\n\(framing)").utf8))
      connection.finishSending()
      let message = expectEnvelope(connection.answer(), status: 400, "a body 50 bytes short")
      #expect(message.contains("ended"), "\(message)")
    }
    var fields = HTTPFields()
    fields[try #require(HTTPField.Name(Authentication.headerName))] = testKey
    let listing = APIRequest(
      head: HTTPRequest(
        method: .get, scheme: nil, authority: nil, path: "/open/voip/virtual-numbers", headerFields: fields))
    guard case .respond(let numbers) = await sandbox.handle(listing) else {
      Issue.record("no answer")
      return
    }
    let count = try JSONValue(parsing: numbers.body).objectValue?["count"]
    #expect(count == (try JSONValue(parsing: Array("0".utf8))), "nothing was bought: \(String(describing: count))")
  }

  @Test func idleConnectionsAndHalfSentHeadsAreClosed() async throws {
    try await served(timeouts: .init(idle: .seconds(1), body: .seconds(60))) { port in
      let kept = try RawHTTPConnection(port: port, timeout: 10)
      kept.get("/open/numbers/did-types", headers: ["X-User-API-Key": testKey])
      #expect(kept.answer()?.status == 200)
      let halfSent = try RawHTTPConnection(port: port, timeout: 10)
      halfSent.send(Array("GET /open/numbers/did-types HTTP/1.1\r\nHost: 12".utf8))
      let silent = try RawHTTPConnection(port: port, timeout: 10)
      // Each read gives up after 10 s (less than the standard 15 s idle time), and then does not count as closed.
      #expect(kept.isClosedByServer(), "a kept-alive connection left idle")
      #expect(halfSent.isClosedByServer(), "a request head that never ends")
      #expect(silent.isClosedByServer(), "a connection that sends nothing")
    }
  }

  @Test func aLongValueComesBackCutTo100Scalars() async throws {
    let sandbox = try Sandbox(configuration: .testing())
    func message(_ endpoint: Endpoint, query: String = "") async throws -> String {
      var fields = HTTPFields()
      fields[try #require(HTTPField.Name(Authentication.headerName))] = testKey
      let head = HTTPRequest(
        method: endpoint.method, scheme: nil, authority: nil, path: endpoint.path + query, headerFields: fields)
      guard case .respond(let answer) = await sandbox.handle(APIRequest(head: head)) else {
        Issue.record("\(endpoint.name): no answer")
        return ""
      }
      return try #require(ErrorEnvelope.message(in: try JSONValue(parsing: answer.body)), "\(endpoint.name)")
    }
    // Two scalars, three bytes: fifty of them are 150 bytes but not too long to show. One Character of thousands
    // of combining marks is cut all the same.
    let accented = "e\u{301}"
    for (sent, shown) in [
      (String(repeating: accented, count: 50), String(repeating: accented, count: 50)),
      (String(repeating: accented, count: 51), String(repeating: accented, count: 50) + "…"),
      ("A" + String(repeating: "\u{301}", count: 10_000), "A" + String(repeating: "\u{301}", count: 99) + "…"),
      (String(repeating: "x", count: 100), String(repeating: "x", count: 100)),
      (String(repeating: "x", count: 5000), String(repeating: "x", count: 100) + "…"),
    ] {
      #expect(try await message(.cancelReservation(uuid: sent)) == "reservation \(shown) not found")
      let invalid = try await message(.ownedNumbers, query: "?page_number=\(percentEncoded(sent))")
      #expect(invalid.hasPrefix("page_number must be ") && invalid.hasSuffix(" (got '\(shown)')"), "\(invalid)")
    }
  }

  @Test func pathsNamesAndIdsOfKilobytesAreNotEchoedWhole() async throws {
    try await served { port in
      let connection = try RawHTTPConnection(port: port, timeout: 20)
      let long = String(repeating: "y", count: 20_000)
      for (target, method) in [
        ("/open/made-up/\(long)", "GET"), ("/open/numbers/reservations/\(long)", "GET"),
        ("/open/numbers/available?\(long)=1&group_id=\(long)", "GET"), ("/open/numbers/groups?country=\(long)", "GET"),
      ] {
        connection.send(Array("\(method) \(target) HTTP/1.1\r\nHost: 1\r\nX-User-API-Key: \(testKey)\r\n\r\n".utf8))
        let answer = connection.answer()
        #expect(answer.map { (400..<500).contains($0.status) } == true, "\(target.prefix(40))")
        #expect((answer?.body.utf8.count ?? 0) < 1000, "\(target.prefix(40)): \(answer?.body.prefix(200) ?? "")")
      }
    }
  }

  @Test func madeUpPathsAndUnauthenticatedRequestsAreNotCounted() async throws {
    let sandbox = try Sandbox(configuration: .testing())
    try await served(sandbox) { port in
      let connection = try RawHTTPConnection(port: port)
      for index in 0..<3 {
        // A path of the contract with a method no endpoint takes there, and a path that is none of the contract's.
        let reservation = "/open/numbers/reservations/\(UUID().uuidString)-\(index)"
        connection.get(reservation, headers: ["X-User-API-Key": testKey])
        let refused = expectEnvelope(connection.answer(), status: 405, "GET \(reservation)")
        #expect(refused.contains("not allowed"), "\(refused)")
        connection.get("/open/made-up-\(index)", headers: ["X-User-API-Key": testKey])
        let unknown = expectEnvelope(connection.answer(), status: 404, "a made-up path")
        #expect(unknown.hasPrefix("no endpoint"), "\(unknown)")
        // An endpoint, without a key and with a wrong one.
        connection.get("/open/numbers/did-types")
        expectEnvelope(connection.answer(), status: 401, "no key")
        connection.get("/open/numbers/did-types", headers: ["X-User-API-Key": "not-a-key-\(index)"])
        expectEnvelope(connection.answer(), status: 401, "a wrong key")
      }
      connection.get("/open/numbers/did-types", headers: ["X-User-API-Key": testKey])
      #expect(connection.answer()?.status == 200)
    }
    // Only the request with a key is counted, by its endpoint; nothing else has a count.
    let didTypes = await sandbox.receivedCount(.get, "/open/numbers/did-types")
    let endpoints = await sandbox.countedEndpoints
    #expect(didTypes == 1)
    #expect(endpoints == 1)
  }
}
