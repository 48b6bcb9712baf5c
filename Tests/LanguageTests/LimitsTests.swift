import Commands
import Foundation
import Language
import TestSupport
import Testing

/// The limits that keep a program from crashing 2cs or running away with the machine's memory: calls of every
/// kind nest at most `maximumCallDepth` deep, values at most `maximumNesting`, numbers never trap at the edge
/// of their range, and `try` cannot catch an interrupt or a reached limit.
@Suite("Limits")
struct LimitsTests {
  /// Runs `source`; a run still going after `seconds` (a failure) is cancelled, so the test ends.
  func run(_ source: String, seconds: Double = 120) async throws -> String {
    let harness = try LanguageHarness()
    let task = Task { await harness.run(source) }
    let guardTask = Task {
      try await Task.sleep(for: .seconds(seconds))
      task.cancel()
    }
    defer { guardTask.cancel() }
    return await task.value
  }

  // MARK: Calls

  @Test func aLimitReachedInsideTryIsNotCaught() async throws {
    let output = try await run(
      "def f [] { f }\ntry { f } catch e { print \"caught\" }\nprint \"after\"")
    #expect(output.contains("test.2cs:1:12: error: f calls itself more than 200 deep"), "\(output.suffix(300))")
    #expect(!output.contains("caught") && !output.contains("after"))
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func recursionThroughTryAndCatchStopsAtTheLimit() async throws {
    // Each level tried the call again in its catch: 2^200 calls before.
    let output = try await run("def f [] { try { f } catch e { f } }\nf")
    #expect(output.contains("error: f calls itself more than 200 deep"), "\(output.suffix(300))")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func aBlockThatRunsItselfStopsAtTheLimit() async throws {
    let output = try await run("let f = { [$it] | each $f }\n[1] | each $f")
    #expect(
      output.contains("test.2cs:1:9: error: blocks and commands call each other more than 200 deep"),
      "\(output.suffix(300))")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func aCommandCallingItselfThroughEachStopsAtTheLimit() async throws {
    let output = try await run("def f [] { [1] | each { f } }\nf")
    #expect(output.contains("more than 200 deep"), "\(output.suffix(300))")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func aDefaultValueThatCallsItsCommandStopsAtTheLimit() async throws {
    let output = try await run("def f [x = (f)] { $x }\nf")
    #expect(output.contains("test.2cs:1:13: error: f calls itself more than 200 deep"), "\(output.suffix(300))")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func callsWithinTheLimitStillWork() async throws {
    let output = try await run(
      "def down [n] { if $n > 0 { down ($n - 1) } else { \"bottom\" } }\ndown 150\n[1] | each { [2] | each { $it } }")
    #expect(output == "bottom\n2\nexit: 0", "\(output)")
  }

  @Test func anInterruptInsideTryEndsTheProgram() async throws {
    let harness = try LanguageHarness()
    let task = Task {
      await harness.run("print start\nfor i in range 0 100 { try { sleep 2 } catch e { } }\nprint after")
    }
    #expect(await harness.transcript.waitFor("start"))
    task.cancel()
    let output = await task.value
    #expect(output.contains("error: interrupted"), "\(output)")
    #expect(!output.contains("after"))
    #expect(output.hasSuffix("exit: 1"))
  }

  // MARK: Values

  @Test func aValueNestedTooDeepIsALocatedError() async throws {
    let output = try await run("let x = []\nfor i in range 0 60000 { let x = [$x] }")
    #expect(
      output.contains("test.2cs:2:34: error: lists and records nest more than 100 deep here"), "\(output.suffix(300))")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func aCommandResultNestedTooDeepIsAnError() async throws {
    let output = try await run("let x = [1]\nfor i in range 0 200 { let x = ($x | each { [$it] }) }")
    #expect(
      output.contains("error: each: the result nests lists and records more than 100 deep"), "\(output.suffix(300))")
    #expect(output.hasSuffix("exit: 1"))
  }

  /// The nesting limit is chosen so that a value at it can be shown, compared, written as JSON and freed on
  /// a thread with a 512 KiB stack (a debug build's frames are the largest).
  @Test func aValueAtTheNestingLimitIsSafeOnASmallStack() async throws {
    let finished = Finished()
    let thread = Thread {
      var value = Value.list([.int(1)])
      for level in 1..<100 {
        value = level % 2 == 0 ? .list([value, .string("x")]) : .record(["a": value, "b": .int(level)])
      }
      let shown = value.description
      let equal = value == value
      let table = Renderer(format: .table, width: 80).render(value)
      let json = Renderer(format: .json).render(value)
      value = .null
      finished.set(shown.count > 100 && equal && !table.isEmpty && !json.isEmpty && value == .null)
    }
    thread.stackSize = 512 * 1024
    thread.start()
    #expect(await eventually(seconds: 60) { finished.value != nil })
    #expect(finished.value == true)
  }

  @Test func aPatternThatBacktracksForEverIsStopped() async throws {
    // 33 letters: some 10 s of backtracking before this was stopped; each one more doubles it.
    let output = try await run("let text = \"\(String(repeating: "a", count: 33))!\"\nprint ($text =~ \"(a+)+$\")")
    #expect(output.contains("test.2cs:2:8: error: the pattern took more than 5 s to match"), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
  }

  // MARK: Numbers

  @Test func arithmeticThatWouldMakeInt128MinIsAnOverflow() async throws {
    for source in [
      "-9223372036854775808 * 18446744073709551616",
      "(-9223372036854775808 * 18446744073709551616) % 7",
      "-(-9223372036854775808 * 18446744073709551616)",
      "\"$(-9223372036854775808 * 18446744073709551616)\"",
      "-(170141183460469231731687303715884105 * 1000) - 728",
    ] {
      let output = try await run(source)
      #expect(output.contains("error: the result is too large to compute exactly"), "\(source): \(output)")
      #expect(output.hasSuffix("exit: 1"))
    }
    let largest = try await run("-(170141183460469231731687303715884105 * 1000) - 727")
    #expect(largest == "-170141183460469231731687303715884105727\nexit: 0")
  }

  @Test func decimalNumbersNeverTrapAtTheEdge() {
    let smallest = DecimalNumber(significand: .min, scale: 0)
    #expect(smallest.description == "-170141183460469231731687303715884105728")
    #expect(smallest.negatedIfRepresentable == nil)
    #expect(smallest.remainder(dividingBy: DecimalNumber(-1)) == nil)
    #expect(smallest.dividing(by: DecimalNumber(-1)) == nil)
    let finest = DecimalNumber(significand: .max, scale: 0).rounded(toPlaces: -40)
    #expect(finest.significand == 0)
    let nearTop = DecimalNumber(significand: 99_999_999_999_999_999_999_999_999_999_999_999_999, scale: 38)
    #expect(nearTop.rounded(toPlaces: 0) == DecimalNumber(1))
    #expect(DecimalNumber("1e-9223372036854775808") == nil)
    #expect(DecimalNumber("1e9223372036854775807") == nil)
  }

  @Test func rangeAcrossTheWholeIntegerRangeIsRefusedAsAList() async throws {
    let output = try await run("range -9223372036854775808 9223372036854775807")
    #expect(output.contains("error: more than 10000000 items to hold in a list"), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func anExitStatusTooLargeForAnIntIsRefused() async throws {
    let output = try await run("exit 100000000000000000000000")
    #expect(output.contains("exit: code must be a whole number within ±9223372036854775807"), "\(output)")
    #expect(output.hasSuffix("exit: 2"), "refused before running: \(output)")
    let large = try await run("exit 256")
    #expect(large.contains("exit: the status must be from 0 to 255"), "\(large)")
  }
}

/// A result set by another thread.
private final class Finished: @unchecked Sendable {
  private let lock = NSLock()
  private var result: Bool?
  var value: Bool? { lock.withLock { result } }
  func set(_ value: Bool) { lock.withLock { result = value } }
}
