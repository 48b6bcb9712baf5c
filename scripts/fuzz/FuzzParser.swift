// libFuzzer entry point over the lexer, parser and checker: any input must give
// statements or diagnostics, never a crash. Built and run by scripts/fuzz/run.
import Language

let engine = Engine(commands: [])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard case .success(let source) = SourceFile.decoding(bytes, name: "fuzz.2cs") else { return 0 }
  let parsed = engine.parse(source.text, name: "fuzz.2cs")
  for diagnostic in parsed.diagnostics { _ = diagnostic.rendered(in: parsed.source) }
  _ = engine.complete(source.text, cursor: bytes.count)
  return 0
}
