/// Items made one at a time, so that a long sequence is never held whole. `range` makes one; the commands that
/// stream (`each`, `where`, `first`, `take`, `skip`, `count`) and `for` take it item by item. Any other stage, a
/// variable or the display gets its items collected into a list.
///
/// Streams are lazy, as generators are: `range 0 1000000000 | each { ... } | first` runs the block once.
///
/// `@unchecked Sendable`: a stream is pulled only by the task running the pipeline it belongs to, and only once.
public final class ValueStream: @unchecked Sendable {
  private let pull: () async throws -> Value?
  /// The whole numbers a plain `range` makes, before anything is pulled: `for` and `count` use them directly.
  public let numbers: Range<Int>?

  /// The numbers of `numbers`, one at a time.
  public init(numbers: Range<Int>) {
    self.numbers = numbers
    var next = numbers.lowerBound
    pull = {
      guard next < numbers.upperBound else { return nil }
      // A consumer that does little with each number still stops at Ctrl-C.
      if next & 0xFFF == 0, Task.isCancelled { throw CancellationError() }
      defer { next += 1 }
      return .int(next)
    }
  }

  /// A stream whose items come from `pull`, nil at the end.
  public init(pull: @escaping () async throws -> Value?) {
    numbers = nil
    self.pull = pull
  }

  /// The next item, or nil at the end.
  public func next() async throws -> Value? { try await pull() }

  /// The items for which `keep` holds.
  public func filter(_ keep: @escaping (Value) async throws -> Bool) -> ValueStream {
    ValueStream { [self] in
      while let item = try await next() {
        if try await keep(item) { return item }
      }
      return nil
    }
  }

  /// Each item made into another.
  public func map(_ transform: @escaping (Value) async throws -> Value) -> ValueStream {
    ValueStream { [self] in try await next().asyncMap(transform) }
  }

  /// The first `count` items.
  public func prefix(_ count: Int) -> ValueStream {
    if let numbers {
      return ValueStream(numbers: numbers.lowerBound..<Self.offset(numbers.lowerBound, by: count, in: numbers))
    }
    var left = count
    return ValueStream { [self] in
      guard left > 0 else { return nil }
      left -= 1
      return try await next()
    }
  }

  /// The items after the first `count`.
  public func dropFirst(_ count: Int) -> ValueStream {
    if let numbers {
      return ValueStream(numbers: Self.offset(numbers.lowerBound, by: count, in: numbers)..<numbers.upperBound)
    }
    var skipped = false
    return ValueStream { [self] in
      if !skipped {
        skipped = true
        for _ in 0..<count where try await next() == nil { return nil }
      }
      return try await next()
    }
  }

  /// How many items are left, pulling them all. (A range of every `Int` has one more than `Int.max`.)
  public func count() async throws -> Int128 {
    if let numbers { return Self.count(of: numbers) }
    var count: Int128 = 0
    while try await next() != nil { count += 1 }
    return count
  }

  /// The items in a list, or nil when there are more than `limit`.
  public func collected(limit: Int) async throws -> [Value]? {
    if let numbers { return Self.count(of: numbers) <= limit ? numbers.map(Value.int) : nil }
    var items: [Value] = []
    while let item = try await next() {
      guard items.count < limit else { return nil }
      items.append(item)
    }
    return items
  }
}

extension ValueStream {
  /// `numbers.count`, which would overflow `Int` for the widest ranges.
  fileprivate static func count(of numbers: Range<Int>) -> Int128 {
    Int128(numbers.upperBound) - Int128(numbers.lowerBound)
  }

  /// `start + count`, stopped at the end of `numbers` (and so never overflowing).
  fileprivate static func offset(_ start: Int, by count: Int, in numbers: Range<Int>) -> Int {
    Int(min(Int128(start) + Int128(count), Int128(numbers.upperBound)))
  }
}

extension Optional {
  fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
    guard let self else { return nil }
    return try await transform(self)
  }
}

/// What a pipeline stage passes to the next: a value, or items one at a time.
public enum Piped: Sendable {
  case value(Value)
  case stream(ValueStream)
}

extension Piped {
  /// The value, or a stream's items in a list, for a stage, a variable or the display that needs them all at
  /// once. A stream of more than `Diagnostics.maximumListItems` items throws what `tooLong` makes of the
  /// `streamTooLong` diagnostic at `range`.
  func collected<TooLong: Error>(at range: SourceRange, tooLong: (Diagnostic) -> TooLong) async throws -> Value {
    switch self {
    case .value(let value): return value
    case .stream(let stream):
      guard let items = try await stream.collected(limit: Diagnostics.maximumListItems) else {
        throw tooLong(Diagnostics.streamTooLong(limit: Diagnostics.maximumListItems, at: range))
      }
      return .list(items)
    }
  }
}
