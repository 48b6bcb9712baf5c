// Helpers shared by the test targets.
import Foundation
public import NumbersAPI
import NumbersContract

public struct TestFailure: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// A temporary folder, removed after `body`.
public func withTemporaryFolder<T>(_ body: (String) async throws -> T) async throws -> T {
  let path = NSTemporaryDirectory() + "2cs-test-" + UUID().uuidString
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try await body(path)
}

/// The error a call throws, or nil if it succeeds.
public func errorIfAny<T>(_ call: () async throws(NumbersAPIError) -> T) async -> NumbersAPIError? {
  do {
    _ = try await call()
    return nil
  } catch {
    return error
  }
}
