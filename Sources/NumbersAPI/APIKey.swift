import NumbersContract

/// The account's secret. It prints as `***` everywhere (descriptions, dumps,
/// string interpolation), so it cannot leak into output by accident.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public let secret: String

  public init(_ secret: String) { self.secret = secret }

  public var description: String { "***" }
  public var debugDescription: String { "APIKey(***)" }
  public var customMirror: Mirror { Mirror(self, children: []) }
}
