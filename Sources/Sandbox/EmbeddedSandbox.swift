import Foundation
public import NumbersContract
import Synchronization

/// The sandbox as a program embeds it: made on the first request, so a run
/// that never calls the API never reads the state file or builds the catalog.
public final class EmbeddedSandbox: APIServer {
  private let configuration: SandboxConfiguration
  private let instance = Mutex<Result<Sandbox, SandboxError>?>(nil)

  public init(configuration: SandboxConfiguration) { self.configuration = configuration }

  private func sandbox() -> Result<Sandbox, SandboxError> {
    instance.withLock { made in
      if let made { return made }
      let result = Result { () throws(SandboxError) in try Sandbox(configuration: configuration) }
      made = result
      return result
    }
  }

  /// Answers as the sandbox does; if its state cannot be read, every request is answered 500 saying why.
  public func handle(_ request: APIRequest) async -> ServerOutcome {
    switch sandbox() {
    case .success(let sandbox): return await sandbox.handle(request)
    case .failure(let error):
      return .respond(
        APIResponse(status: .internalServerError, json: ErrorEnvelope.json(message: error.description)))
    }
  }

  /// Saves what is still unsaved, if the sandbox was ever used.
  public func flush() async throws(SandboxError) {
    guard case .success(let sandbox)? = instance.withLock({ $0 }) else { return }
    try await sandbox.flush()
  }
}
