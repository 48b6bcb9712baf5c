public import Foundation

/// What 2cs asks of the terminal.
public enum Terminal {
  /// The width of the terminal on `descriptor`, read anew each time (windows are resized); nil when it is not one.
  public static func columns(of descriptor: Int32 = STDOUT_FILENO) -> Int? {
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// Whether the user's locale (`LC_ALL`, else `LC_CTYPE`, else `LANG`, as the C library picks them) writes
  /// UTF-8; when it does not (`C`, `POSIX`, none, or `en_US.ISO-8859-1`), tables are drawn with ASCII. Read from
  /// the environment, since the line editor switches the process's own `LC_CTYPE` to UTF-8.
  public static func localeIsUTF8(environment: [String: String]) -> Bool {
    let chosen = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
    guard let locale = chosen?.lowercased() else { return false }
    return locale.contains("utf-8") || locale.contains("utf8")
  }
}
