import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `for i in range 0 N { }` holds one number at a time, whatever N is.
@Suite("Range memory") struct RangeMemoryTests {
  /// The exit status and the peak resident memory, in MiB, of one run of 2cs with `arguments`.
  private static func peakMemory(of arguments: [String]) throws -> (status: Int32, mebibytes: Double) {
    let binary = try builtBinary()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor: Int32 in [0, 1, 2] {
      posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    let home = NSTemporaryDirectory() + "range-memory-\(getpid())"
    let variables: [String] = ["HOME=\(home)", "XDG_STATE_HOME=\(home)/state", "XDG_CONFIG_HOME=\(home)/config"]
    let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
    let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { (argv + environment).forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environment)
    guard spawned == 0 else { throw TestFailure("posix_spawn: \(String(cString: strerror(spawned)))") }
    // wait4 gives this child's own peak, whatever else the tests run at the same time.
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    try? FileManager.default.removeItem(atPath: home)
    return ((status >> 8) & 0xFF, Double(usage.ru_maxrss) / 1024)
  }

  @Test func aLoopOverALongRangeHoldsOneNumberAtATime() async throws {
    // Enough numbers that a list of them would take some 150 MiB (before the change, range built it).
    let (status, peak) = try await onOwnThread { try Self.peakMemory(of: ["-c", "for i in range 0 3000000 { }"]) }
    #expect(status == 0)
    let (baseStatus, base) = try await onOwnThread { try Self.peakMemory(of: ["-c", "for i in range 0 10 { }"]) }
    #expect(baseStatus == 0)
    // What the loop adds to the binary's own footprint (some 25 MiB in release, more in a debug build).
    #expect(peak - base < 8, "peak \(peak) MiB against \(base) MiB for ten numbers")
  }
}
