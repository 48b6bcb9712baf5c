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
    var scope: Scope? = self
    while let current = scope {
      if let index = current.names.firstIndex(of: name) { return current.values[index] }
      scope = current.parent
    }
    return nil
  }

  func bind(_ name: String, _ value: Value) {
    if let index = names.firstIndex(of: name) {
      values[index] = value
    } else {
      names.append(name)
      values.append(value)
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
