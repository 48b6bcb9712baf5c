// What the data commands take from the Commands module's Session.swift, which the fuzz target leaves out
// (it brings in the API client).
import Language

extension Invocation {
  func string(_ name: String) -> String? {
    if case .string(let text) = self[name] { return text }
    return nil
  }

  func integer(_ name: String) -> Int? {
    if case .number(let number) = self[name] { return number.intValue }
    return nil
  }
}
