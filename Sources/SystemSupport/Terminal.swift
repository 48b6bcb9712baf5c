public import Foundation

/// What 2cs asks of the terminal.
public enum Terminal {
  /// The width of the terminal on `descriptor`, read anew each time (windows are resized); nil when it is not one.
  public static func columns(of descriptor: Int32 = STDOUT_FILENO) -> Int? {
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }
}
