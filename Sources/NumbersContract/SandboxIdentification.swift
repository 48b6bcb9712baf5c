public import HTTPTypes

/// How `2cs sandbox serve` says what it is, so that a client knows it is talking to the simulator and not
/// to the live API, whatever the address: a loopback address can be a tunnel or a proxy to the live API.
public enum SandboxIdentification {
  /// The response header every answer of `2cs sandbox serve` carries.
  public static let headerName = "X-2cs-Sandbox"
  /// The header's value: the version of this identification.
  public static let headerValue = "1"
  /// The value of the `/open/info` answer's `server` field on a 2cs sandbox.
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
