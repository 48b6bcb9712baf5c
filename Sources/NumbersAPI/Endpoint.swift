public import HTTPTypes

/// The calls of the Numbers API purchase flow, as the API contract lists them.
public enum Endpoint: Sendable, Hashable {
  case regions, cities, didTypes, groups, requirements, available
  case createReservation, listReservations, cancelReservation(uuid: String)
  case purchase
  case ownedNumbers, releaseNumber(uuid: String)
  case info

  public var method: HTTPRequest.Method {
    switch self {
    case .createReservation, .purchase: .post
    case .cancelReservation, .releaseNumber: .delete
    default: .get
    }
  }

  public var path: String {
    switch self {
    case .regions: "/open/numbers/regions"
    case .cities: "/open/numbers/cities"
    case .didTypes: "/open/numbers/did-types"
    case .groups: "/open/numbers/groups"
    case .requirements: "/open/numbers/requirements"
    case .available: "/open/numbers/available"
    case .createReservation, .listReservations: "/open/numbers/reservations"
    case .cancelReservation(let uuid): "/open/numbers/reservations/" + percentEncoded(uuid)
    case .purchase: "/open/numbers/purchase"
    case .ownedNumbers: "/open/voip/virtual-numbers"
    case .releaseNumber(let uuid): "/open/voip/virtual-numbers/" + percentEncoded(uuid)
    case .info: "/open/info"
    }
  }

  /// The write a method and path (as `path` spells it) name, as a journal entry records them; nil for a read
  /// or a path that is no endpoint.
  public init?(writeMethod method: String, path: String) {
    func uuid(after prefix: String) -> String? {
      guard path.hasPrefix(prefix) else { return nil }
      return percentDecoded(path.dropFirst(prefix.count), plusIsSpace: false)
    }
    switch method {
    case "POST" where path == Endpoint.purchase.path: self = .purchase
    case "POST" where path == Endpoint.createReservation.path: self = .createReservation
    case "DELETE":
      if let uuid = uuid(after: Endpoint.createReservation.path + "/") {
        self = .cancelReservation(uuid: uuid)
      } else if let uuid = uuid(after: Endpoint.ownedNumbers.path + "/") {
        self = .releaseNumber(uuid: uuid)
      } else {
        return nil
      }
    default: return nil
    }
  }

  /// `METHOD /path` as errors and traces name it.
  public var name: String { "\(method.rawValue) \(path)" }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
public func percentEncoded(_ text: String) -> String {
  var output = ""
  for byte in text.utf8 {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
      UInt8(ascii: "~"):
      output.unicodeScalars.append(Unicode.Scalar(byte))
    default:
      let hex = String(byte, radix: 16, uppercase: true)
      output += "%" + (hex.count == 1 ? "0" + hex : hex)
    }
  }
  return output
}

/// Decodes `%XX` escapes and, in query strings, `+` as a space. Nil for malformed escapes or bytes that are not UTF-8.
public func percentDecoded(_ text: Substring, plusIsSpace: Bool = true) -> String? {
  var bytes: [UInt8] = []
  bytes.reserveCapacity(text.utf8.count)
  var iterator = text.utf8.makeIterator()
  while let byte = iterator.next() {
    switch byte {
    case UInt8(ascii: "%"):
      guard let high = iterator.next().flatMap(hexDigit), let low = iterator.next().flatMap(hexDigit) else {
        return nil
      }
      bytes.append(high << 4 | low)
    case UInt8(ascii: "+") where plusIsSpace: bytes.append(UInt8(ascii: " "))
    default: bytes.append(byte)
    }
  }
  return String(validating: bytes, as: UTF8.self)
}

private func hexDigit(_ byte: UInt8) -> UInt8? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
  default: nil
  }
}
