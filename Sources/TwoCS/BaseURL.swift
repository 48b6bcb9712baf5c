import Foundation
import NumbersAPI
import NumbersContract

#if canImport(Glibc)
  import Glibc
#endif

/// A base URL read with Foundation's URL parser and checked before anything is sent to it: `http` or
/// `https`, a host, an optional port and path, and no user name, password, query or fragment.
struct BaseURL: Equatable {
  /// `https` or `http`.
  let scheme: String
  /// The host as the parser read it, without the brackets of an IPv6 address.
  let host: String
  /// `scheme://host[:port][/path]`, rebuilt from the parsed parts, without a trailing `/`.
  let text: String

  /// Why a base URL is refused; `message` never holds a user name or password from it.
  struct Problem: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  /// - Parameter origin: how the user gave it, for messages: `--base-url`, or `base_url in FILE`.
  init(parsing given: String, origin: String = "--base-url") throws(Problem) {
    let shown = redactingUserInformation(given)
    func problem(_ why: String) -> Problem { Problem(message: "\(origin) \(shown): \(why)") }
    guard let components = URLComponents(string: given), let scheme = components.scheme?.lowercased() else {
      throw problem("not a URL; give one such as \(LiveAPI.baseURL) or http://127.0.0.1:8080")
    }
    guard scheme == "https" || scheme == "http" else { throw problem("the scheme must be https:// or http://") }
    if components.user != nil || components.password != nil {
      throw problem(
        "a base URL must not carry a user name or password (the part before @); the API key is the only credential 2cs sends"
      )
    }
    guard let encodedHost = components.encodedHost, !encodedHost.isEmpty else {
      throw problem("the host is missing")
    }
    guard !encodedHost.contains("%") else { throw problem("the host must not be percent-encoded") }
    if components.query != nil || components.fragment != nil {
      throw problem("a base URL has no query (?) or fragment (#)")
    }
    if let port = components.port, !(1...65535).contains(port) {
      throw problem("the port must be from 1 to 65535")
    }
    let bracketed = encodedHost.hasPrefix("[") && encodedHost.hasSuffix("]")
    self.scheme = scheme
    self.host = bracketed ? String(encodedHost.dropFirst().dropLast()) : encodedHost
    var path = components.percentEncodedPath
    while path.hasSuffix("/") { path.removeLast() }
    self.text = scheme + "://" + encodedHost + (components.port.map { ":\($0)" } ?? "") + path
  }

  /// Whether the host is this machine by its address or name: 127.0.0.0/8, ::1 (or ::ffff:127.x.x.x),
  /// or `localhost`. Decided from the parsed host, never from the text of the URL.
  var hostIsLoopback: Bool {
    if host.lowercased() == "localhost" { return true }
    var ipv4 = in_addr()
    if inet_pton(AF_INET, host, &ipv4) == 1 {
      return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
    }
    var ipv6 = in6_addr()
    guard inet_pton(AF_INET6, host, &ipv6) == 1 else { return false }
    let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
    let loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    let mappedIPv4Loopback =
      bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
      && bytes[12] == 127
    return loopback || mappedIPv4Loopback
  }

  /// Whether requests to this URL are encrypted.
  var isEncrypted: Bool { scheme == "https" }
}
