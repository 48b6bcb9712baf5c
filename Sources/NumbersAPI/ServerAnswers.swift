import HTTPTypes
import NumbersContract
import Synchronization

/// What the answers a client received so far said about the server; shared by every copy of the client.
final class ServerAnswers: Sendable {
  private struct Seen {
    var answers = 0
    var unmarkedAnswers = 0
  }

  private let seen = Mutex(Seen())

  /// Notes one HTTP answer, whatever its status.
  func note(_ response: APIResponse) {
    let marked = SandboxIdentification.isMarked(response.head.headerFields)
    seen.withLock { seen in
      seen.answers += 1
      if !marked { seen.unmarkedAnswers += 1 }
    }
  }

  var anyAnswer: Bool { seen.withLock { $0.answers > 0 } }
  /// True once an answer came and every answer so far said it came from a 2cs sandbox.
  var sandboxIdentified: Bool { seen.withLock { $0.answers > 0 && $0.unmarkedAnswers == 0 } }
}
