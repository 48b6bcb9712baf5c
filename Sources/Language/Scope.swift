/// Variables of one function: the top level of a script, a `def` body, or a
/// block passed to a command. `if`, `for` and `try` bodies share the scope
/// they are written in, so a loop can add to a total.
///
/// Scopes hold few names, so they are searched in order: comparing short
/// strings is cheaper than hashing them, and loops look names up all the time.
///
/// `@unchecked Sendable`: a scope is only touched by the task running the
/// program it belongs to.
final class Scope: @unchecked Sendable {
  // Read and written in every loop iteration, and only ever from this file, where no access overlaps another:
  // the dynamic exclusivity checks would cost a third of a tight loop's time.
  @exclusivity(unchecked) private var names: [String] = []
  @exclusivity(unchecked) private var values: [Value] = []
  let parent: Scope?

  init(parent: Scope?) { self.parent = parent }

  func lookup(_ name: String) -> Value? {
    // Unretained: the scopes up the chain live as long as this one, and counting references on each step of
    // every lookup was a sixth of a tight loop's time.
    unowned(unsafe) var current = self
    while true {
      if let index = current.slot(of: name) { return current.values[index] }
      guard let parent = current.parent else { return nil }
      current = parent
    }
  }

  /// Binds `name` here, and returns where this scope keeps it: `set(_:at:)` reaches it again without a search,
  /// for as long as nothing is removed.
  @discardableResult
  func bind(_ name: String, _ value: Value) -> Int {
    if let index = slot(of: name) {
      values[index] = value
      return index
    }
    names.append(name)
    values.append(value)
    return names.count - 1
  }

  func set(_ value: Value, at slot: Int) { values[slot] = value }

  func value(at slot: Int) -> Value { values[slot] }

  /// The scope that holds `name`, nearest first, and where it keeps it.
  func resolve(_ name: String) -> (scope: Scope, slot: Int)? {
    var current: Scope? = self
    while let scope = current {
      if let slot = scope.slot(of: name) { return (scope, slot) }
      current = scope.parent
    }
    return nil
  }

  /// Where this scope (not its parents) keeps `name`.
  func slot(of name: String) -> Int? {
    names.withUnsafeBufferPointer { names in
      for index in names.indices where names[index] == name { return index }
      return nil
    }
  }

  func remove(_ name: String) {
    guard let index = names.firstIndex(of: name) else { return }
    names.remove(at: index)
    values.remove(at: index)
  }

  /// Every name visible from here, nearest first.
  var visibleNames: [String] {
    var seen: Set<String> = []
    var result: [String] = []
    var scope: Scope? = self
    while let current = scope {
      for name in current.names.sorted() where seen.insert(name).inserted { result.append(name) }
      scope = current.parent
    }
    return result
  }

  var localVariables: [String: Value] { Dictionary(uniqueKeysWithValues: zip(names, values)) }
}
