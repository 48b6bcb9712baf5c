/// Values hash as they compare (see `Value.==`): numbers by value, records whatever the order of their fields.
extension Value: Hashable {
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let flag): hasher.combine(flag)
    case .number(let number): hasher.combine(number)
    case .string(let text): hasher.combine(text)
    case .list(let items):
      hasher.combine(items.count)
      for item in items { hasher.combine(item) }
    case .record(let record): hasher.combine(record)
    case .error(let error): hasher.combine(error.message)
    // Blocks are never equal to anything; any hash will do.
    case .block: hasher.combine(1)
    }
  }
}

extension Record: Hashable {
  /// The fields' hashes added up, so that the order of the fields does not count, as it does not for `==`.
  public func hash(into hasher: inout Hasher) {
    var total = 0
    for (key, value) in dictionary {
      var field = Hasher()
      field.combine(key)
      field.combine(value)
      total &+= field.finalize()
    }
    hasher.combine(dictionary.count)
    hasher.combine(total)
  }
}
