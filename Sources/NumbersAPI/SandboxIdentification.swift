public import HTTPTypes
import Synchronization

/// How `2cs sandbox serve` says what it is, so that a client knows it is talking to the simulator and not
/// to the live API, whatever the address: a loopback address can be a tunnel or a proxy to the live API.
public enum SandboxIdentification {
  /// The response header every answer of `2cs sandbox serve` carries.
  public static let headerName = "X-2cs-Sandbox"
  /// The header's value: the version of this identification.
  public static let headerValue = "1"
  /// The field of the `/open/info` answer that names the server.
  public static let infoField = "server"
  /// The value of `infoField` on a 2cs sandbox.
  public static let infoValue = "2cs sandbox"

  /// Marks an answer as coming from a 2cs sandbox.
  public static func mark(_ fields: inout HTTPFields) {
    if let name = HTTPField.Name(headerName) { fields[name] = headerValue }
  }

  /// Whether an answer says it comes from a 2cs sandbox.
  public static func isMarked(_ fields: HTTPFields) -> Bool {
    guard let name = HTTPField.Name(headerName) else { return false }
    return fields[name] != nil
  }
}

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
