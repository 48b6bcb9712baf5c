// Micro-benchmarks of what a process-level benchmark cannot isolate: tab
// completion, which runs on every TAB, and the interpreter's loop without the
// process around it. Run by `scripts/bench/run completion`.
import Commands
import Foundation
import Language
import NumbersContract

let engine = Engine(commands: builtinCommands)
// A group as the API sends it, to complete its fields.
engine[variable: "g"] = .record([
  GroupField.id.rawValue: .string("grp_1"), GroupField.prefix.rawValue: .string("+1 (213)"),
  GroupField.price.rawValue: .record([PriceField.setup.rawValue: .int(0), PriceField.monthly.rawValue: .int(1)]),
])
engine[variable: "rows"] = .list((0..<1000).map { .record(["name": .string("row \($0)"), "number": .int($0)]) })

let lines = [
  "", "gro", "groups co", "groups US type=", "groups country=US city=5 ci", "$g.pr", "$rows.na",
  "set output=", "source scripts/ex",
  "let x = groups US | where price.monthly_price < 2 | sort-by price.monthly_price | fi",
  String(repeating: "groups US | first | ", count: 50) + "cou",
]

/// The real folder listing, as the REPL does it: completing a path reads the disk.
func listFolder(_ path: String) -> [String] {
  (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
}

/// Microseconds, with one decimal.
func microseconds(_ duration: Duration) -> String {
  let (seconds, attoseconds) = duration.components
  return String(format: "%.1f", Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
}

// One line a completed line: `completion<TAB>line<TAB>median<TAB>p99<TAB>max`, in microseconds, for
// scripts/bench/measure.py.
for line in lines {
  var samples: [Duration] = []
  for _ in 0..<200 {
    let started = ContinuousClock.now
    let completion = engine.complete(line, cursor: line.utf8.count, listFolder: listFolder)
    samples.append(started.duration(to: .now))
    precondition(completion.start <= line.utf8.count)
  }
  samples.sort()
  let shown = line.count > 40 ? String(line.prefix(37)) + "..." : line
  let percentiles = [samples.count / 2, samples.count * 99 / 100, samples.count - 1].map { microseconds(samples[$0]) }
  print((["completion", shown] + percentiles).joined(separator: "\t"))
}

// The program of `scripts/bench/run loop`, in-process: parsing, checking and running, nothing else.
let loop = "let s = 0; let r = {x: 2}; for i in range 0 1000000 { let s = $s + $i * $r.x }; $s"
var loopTimes: [Duration] = []
for _ in 0..<5 {
  let loopEngine = Engine(commands: builtinCommands)
  let started = ContinuousClock.now
  let outcome = await loopEngine.run(loop, name: "loop", display: false)
  loopTimes.append(started.duration(to: .now))
  guard case .finished(.number(let sum)) = outcome, sum == DecimalNumber(999_999_000_000) else {
    fatalError("the loop went wrong: \(outcome)")
  }
}
loopTimes.sort()
print("interpreter\tmedian of 5 runs of 1 000 000 iterations, in process\t\(microseconds(loopTimes[2]))")
