/// Variables of one function: the top level of a script, a `def` body, or a
/// block passed to a command. `if`, `for` and `try` bodies share the scope
/// they are written in, so a loop can add to a total.
///
/// `@unchecked Sendable`: a scope is only touched by the task running the
/// program it belongs to.
final class Scope: @unchecked Sendable {
  private var variables: [String: Value] = [:]
  let parent: Scope?

  init(parent: Scope?) { self.parent = parent }

  func lookup(_ name: String) -> Value? {
    var scope: Scope? = self
    while let current = scope {
      if let value = current.variables[name] { return value }
      scope = current.parent
    }
    return nil
  }

  func bind(_ name: String, _ value: Value) { variables[name] = value }

  func remove(_ name: String) { variables[name] = nil }

  /// Every name visible from here, nearest first.
  var visibleNames: [String] {
    var names: [String] = []
    var seen: Set<String> = []
    var scope: Scope? = self
    while let current = scope {
      for name in current.variables.keys.sorted() where seen.insert(name).inserted { names.append(name) }
      scope = current.parent
    }
    return names
  }

  var localVariables: [String: Value] { variables }
}
