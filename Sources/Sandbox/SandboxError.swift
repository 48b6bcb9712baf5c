/// Why a sandbox could not be set up.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalidFaults(String)
  case unreadableState(path: String, detail: String)
  case unwritableState(path: String, detail: String)

  public var description: String {
    switch self {
    case .invalidFaults(let detail): "invalid --faults: \(detail)"
    case .unreadableState(let path, let detail):
      "cannot read the sandbox state \(path): \(detail) (move it aside or run `2cs sandbox reset` to start over)"
    case .unwritableState(let path, let detail): "cannot write the sandbox state \(path): \(detail)"
    }
  }
}
