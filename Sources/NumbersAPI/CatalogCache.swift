import NumbersContract
import Synchronization

/// The answers about the catalog that do not change within a session (regions, cities, DID types), kept by
/// the request that asked for them, so a session asks each once: every call costs an API credit.
final class CatalogCache: Sendable {
  private let lists = Mutex<[String: [JSONValue]]>([:])

  /// The list a request got before, or a new one from `fetch`, kept when it came.
  func list(
    for key: String, _ fetch: () async throws(NumbersAPIError) -> [JSONValue]
  ) async throws(NumbersAPIError) -> [JSONValue] {
    if let kept = lists.withLock({ $0[key] }) { return kept }
    let fetched = try await fetch()
    lists.withLock { $0[key] = fetched }
    return fetched
  }
}
