// libFuzzer entry point over the whole language: each input is parsed and checked, and, when it has no errors,
// run by the interpreter with the data commands (no I/O, no HTTP). Any input must end in a value or an error,
// never a crash. A program still running after a second is cancelled, as Ctrl-C would: the fuzzer looks for
// crashes, not for slow programs. Built and run by scripts/fuzz/run.
import Dispatch
import Language

let engine: Engine = {
  let engine = Engine(commands: dataCommands)
  engine.output = { _ in }
  engine.display = { _ in }
  return engine
}()

/// A result handed from the task that ran the program to the fuzzer's thread.
final class Finished: @unchecked Sendable {
  let done = DispatchSemaphore(value: 0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard case .success(let source) = SourceFile.decoding(bytes, name: "fuzz.2cs") else { return 0 }
  let parsed = engine.parse(source.text, name: "fuzz.2cs")
  for diagnostic in parsed.diagnostics { _ = diagnostic.rendered(in: parsed.source) }
  _ = engine.complete(source.text, cursor: bytes.count)
  guard parsed.diagnostics.isEmpty else { return 0 }
  let finished = Finished()
  let run = Task {
    if case .failed(let error) = await engine.run(parsed) { _ = error.rendered }
    finished.done.signal()
  }
  if finished.done.wait(timeout: .now() + .seconds(1)) == .timedOut {
    run.cancel()
    finished.done.wait()
  }
  return 0
}
