public import HTTPTypes

/// The calls of the Numbers API purchase flow: each one's method, path and parameters, written once for the
/// client that sends them, the sandbox that answers them and the OpenAPI description.
public struct Endpoint: Sendable, Hashable {
  /// Which call this is.
  public let route: Route
  /// The id the path carries, for the routes whose path ends with one.
  public let uuid: String?

  private init(_ route: Route, uuid: String? = nil) {
    self.route = route
    self.uuid = uuid
  }

  public static let regions = Endpoint(.regions)
  public static let cities = Endpoint(.cities)
  public static let didTypes = Endpoint(.didTypes)
  public static let groups = Endpoint(.groups)
  public static let requirements = Endpoint(.requirements)
  public static let available = Endpoint(.available)
  public static let createReservation = Endpoint(.createReservation)
  public static let listReservations = Endpoint(.listReservations)
  public static func cancelReservation(uuid: String) -> Endpoint { Endpoint(.cancelReservation, uuid: uuid) }
  public static let purchase = Endpoint(.purchase)
  public static let ownedNumbers = Endpoint(.ownedNumbers)
  public static func releaseNumber(uuid: String) -> Endpoint { Endpoint(.releaseNumber, uuid: uuid) }
  public static let info = Endpoint(.info)

  /// An endpoint without the id its path carries: what a call is, whatever it is about.
  public enum Route: String, Sendable, Hashable, CaseIterable {
    case regions, cities, didTypes, groups, requirements, available
    case createReservation, listReservations, cancelReservation
    case purchase
    case ownedNumbers, releaseNumber
    case info

    public var method: HTTPRequest.Method {
      switch self {
      case .createReservation, .purchase: .post
      case .cancelReservation, .releaseNumber: .delete
      default: .get
      }
    }

    /// The path, with `{uuid}` standing for the id of a path that carries one.
    public var pathTemplate: String { path.template }

    /// The path before the id, for a route whose path ends with one.
    public var pathBeforeID: String? { path.beforeID }

    /// This route's path, put together once: every request the client sends looks it up.
    private var path: Path { Self.pathTable.first { $0.route == self } ?? Path(self) }

    /// Every route's path, for `resolve`, which walks them for every request the sandbox routes.
    fileprivate static let pathTable: [Path] = allCases.map(Path.init)

    fileprivate struct Path {
      var route: Route
      var template: String
      var beforeID: String?

      init(_ route: Route) {
        self.route = route
        template = route.composedPath
        beforeID = template.hasSuffix(uuidPlaceholder) ? String(template.dropLast(uuidPlaceholder.count)) : nil
      }
    }

    private var composedPath: String {
      switch self {
      case .regions: Self.numbers + "/regions"
      case .cities: Self.numbers + "/cities"
      case .didTypes: Self.numbers + "/did-types"
      case .groups: Self.numbers + "/groups"
      case .requirements: Self.numbers + "/requirements"
      case .available: Self.numbers + "/available"
      case .createReservation, .listReservations: Self.reservations
      case .cancelReservation: Self.reservations + "/" + Self.uuidPlaceholder
      case .purchase: Self.numbers + "/purchase"
      case .ownedNumbers: Self.virtualNumbers
      case .releaseNumber: Self.virtualNumbers + "/" + Self.uuidPlaceholder
      case .info: "/open/info"
      }
    }

    /// The name of the id in a path that carries one.
    public static let pathParameterName = "uuid"
    static let uuidPlaceholder = "{" + pathParameterName + "}"
    private static let numbers = "/open/numbers"
    private static let reservations = numbers + "/reservations"
    private static let virtualNumbers = "/open/voip/virtual-numbers"

    /// Whether a call may change the account; such a call is sent once, never retried.
    public var isWrite: Bool { method != .get }

    /// `METHOD /path` with the template, as documentation names it.
    public var name: String { "\(method.rawValue) \(pathTemplate)" }
  }

  public var method: HTTPRequest.Method { route.method }

  public var path: String {
    guard let prefix = route.pathBeforeID else { return route.pathTemplate }
    return prefix + percentEncoded(uuid ?? "")
  }

  /// What a method and a path (without its query) ask for.
  public enum Resolution: Sendable, Equatable {
    case endpoint(Endpoint)
    /// The path names an endpoint, but not with this method; these are the methods it takes.
    case methodNotAllowed([HTTPRequest.Method])
    /// No endpoint has this path, or its id is not percent-encoded UTF-8.
    case noSuchPath
  }

  public static func resolve(method: HTTPRequest.Method, path: String) -> Resolution {
    var methods: [HTTPRequest.Method] = []
    for routePath in Route.pathTable {
      guard let endpoint = endpoint(of: routePath, path: path) else { continue }
      if routePath.route.method == method { return .endpoint(endpoint) }
      methods.append(routePath.route.method)
    }
    return methods.isEmpty ? .noSuchPath : .methodNotAllowed(methods)
  }

  /// The endpoint of `route` that `path` names, if it names one.
  private static func endpoint(of routePath: Route.Path, path: String) -> Endpoint? {
    let route = routePath.route
    guard let prefix = routePath.beforeID else { return path == routePath.template ? Endpoint(route) : nil }
    // The prefix first: a long path (an id of kilobytes) is walked only for the route it can be.
    guard path.utf8.starts(with: prefix.utf8) else { return nil }
    let id = Substring(path.utf8.dropFirst(prefix.utf8.count))
    guard !id.isEmpty, !id.utf8.contains(UInt8(ascii: "/")), let uuid = percentDecoded(id, plusIsSpace: false)
    else { return nil }
    return Endpoint(route, uuid: uuid)
  }

  /// The write a method and path (as `path` spells it) name, as a journal entry records them; nil for a read
  /// or a path that is no endpoint.
  public init?(writeMethod method: String, path: String) {
    guard case .endpoint(let endpoint) = Self.resolve(method: HTTPRequest.Method(method) ?? .get, path: path),
      endpoint.route.isWrite
    else { return nil }
    self = endpoint
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
  // Most values have nothing to decode.
  if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || ($0 == UInt8(ascii: "+") && plusIsSpace) }) {
    return String(text)
  }
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
