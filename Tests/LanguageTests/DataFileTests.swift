import Commands
import Foundation
import Language
import NumbersAPI
import NumbersContract
import TestSupport
import Testing

/// Reading and writing data files with `open` and `save`: CSV as RFC 4180 has it, JSON numbers kept exact, and
/// every file that cannot be read so an error that says where.
@Suite("Data files")
struct DataFileTests {
  /// Runs `script` in a harness whose relative paths are in `folder`, after writing `files` there.
  private func run(_ script: String, files: [String: [UInt8]] = [:], in folder: String) async throws -> String {
    for (name, bytes) in files {
      #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes)))
    }
    let harness = try LanguageHarness()
    harness.engine.workingDirectory = folder
    return await harness.run(script)
  }

  private func run(_ script: String, files: [String: String]) async throws -> String {
    try await withTemporaryFolder { folder in
      try await run(script, files: files.mapValues { Array($0.utf8) }, in: folder)
    }
  }

  // MARK: Reading CSV

  @Test func aByteOrderMarkIsNotPartOfTheFirstColumnsName() async throws {
    let output = try await withTemporaryFolder { folder in
      try await run(
        "open bom.csv | get id", files: ["bom.csv": [0xEF, 0xBB, 0xBF] + Array("id,name\n7,Ada\n".utf8)], in: folder)
    }
    #expect(output == "7\nexit: 0", "\(output)")
  }

  @Test func aQuoteInsideAnUnquotedCellIsKeptAsText() async throws {
    let output = try await run("open q.csv | get b | first", files: ["q.csv": "a,b\n1,x\"y\"z\n"])
    #expect(output == "x\"y\"z\nexit: 0", "\(output)")
  }

  @Test func aRowWithMoreCellsThanTheHeaderIsAnErrorNamingItsLine() async throws {
    let output = try await run("open data.csv", files: ["data.csv": "a,b,c\n1,2,3\n4,5,6,7\n"])
    #expect(output.contains("open: data.csv line 3 has 4 cells, the header has 3"), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test func aRowWithFewerCellsIsAnErrorAndLinesInsideQuotedCellsCount() async throws {
    let output = try await run("open data.csv", files: ["data.csv": "a,b\n\"two\nlines\",1\n2\n"])
    #expect(output.contains("open: data.csv line 4 has 1 cell, the header has 2"), "\(output)")
  }

  @Test func anEmptyLineIsAnErrorNamingIt() async throws {
    let output = try await run("open data.csv", files: ["data.csv": "a,b\r\n1,2\r\n\r\n"])
    #expect(output.contains("open: data.csv line 3 is empty, the header has 2 cells"), "\(output)")
  }

  @Test func textAfterAClosingQuoteAndAnUnclosedQuoteAreErrors() async throws {
    let after = try await run("open data.csv", files: ["data.csv": "a,b\n1,\"x\"y\n"])
    #expect(after.contains("open: data.csv line 2 has text after the closing quote of a cell"), "\(after)")
    let unclosed = try await run("open data.csv", files: ["data.csv": "a,b\n1,2\n3,\"open\n"])
    #expect(unclosed.contains("open: data.csv line 3 opens a quoted cell that is never closed"), "\(unclosed)")
  }

  @Test func aColumnNamedTwiceIsAnError() async throws {
    let output = try await run("open data.csv", files: ["data.csv": "id,id\n1,2\n"])
    #expect(output.contains("open: data.csv line 1 names the column 'id' twice"), "\(output)")
  }

  @Test func codesAndPhoneNumbersStayTextAndExactNumbersBecomeNumbers() async throws {
    let output = try await run(
      "open cells.csv | first | json",
      files: [
        "cells.csv":
          "code,phone,exp,zero,price,big\n0555,+442071838750,1e5,-0,3.50,12345678901234567890123456789012345678\n"
      ])
    let expected = """
      {
        "code": "0555",
        "phone": "+442071838750",
        "exp": "1e5",
        "zero": "-0",
        "price": 3.50,
        "big": 12345678901234567890123456789012345678
      }
      exit: 0
      """
    #expect(output == expected, "\(output)")
  }

  // MARK: Writing CSV and reading it back

  @Test func csvRoundTripsThroughOpen() async throws {
    // JSON can write what 2cs strings cannot: CR, a byte order mark.
    let rows = #"""
      [{"text": "a, \"quoted\"", "lines": "one\r\ntwo\nthree\rfour", "spaces": "  padded  ", "mark": "\ufeffx",
        "number": 3.50, "big": 123456789012345678901234567890123456, "small": 0.000000000000000000000000000000000001,
        "negative": -12, "code": "0555", "phone": "+4420", "empty": "", "quote": "\"", "unicode": "Zoë 😀"}]
      """#
    let script = """
      let rows = open rows.json
      $rows | save rows.csv
      assert (open rows.csv) == $rows "read back the same"
      print same
      """
    let output = try await run(script, files: ["rows.json": rows])
    #expect(output == "same\nexit: 0", "\(output)")
  }

  @Test func csvCellsWithLineBreaksAreQuotedWhole() {
    #expect(Renderer(format: .csv).render(.list([.record(["a": .string("x\r\ny")])])) == "a\n\"x\r\ny\"")
  }

  @Test func savedCSVHasNoByteOrderMark() async throws {
    try await withTemporaryFolder { folder in
      _ = try await run("[{a: 1}] | save out.csv", in: folder)
      let bytes = try #require(FileManager.default.contents(atPath: folder + "/out.csv"))
      #expect(Array(bytes) == Array("a\n1\n".utf8))
    }
  }

  // MARK: JSON numbers

  @Test func aNumberTooBigForExactNumbersIsAnErrorNamingIt() async throws {
    let output = try await run(
      "open big.json", files: ["big.json": #"{"counts": [1, 123456789012345678901234567890123456789012]}"#])
    #expect(
      output.contains(
        "open: big.json: the number 123456789012345678901234567890123456789012 at counts[1] does not fit 2cs's exact numbers (at most 38 significant digits and 36 places after the point)"
      ), "\(output)")
    #expect(output.hasSuffix("exit: 1"))
  }

  @Test(arguments: ["1e400", "0.1e-40", "-1e39"])
  func numbersOutsideTheRangeAreErrors(text: String) async throws {
    let output = try await run("open n.json", files: ["n.json": "[\(text)]"])
    #expect(output.contains("the number \(text) at [0] does not fit"), "\(output)")
  }

  @Test func exponentFormsAndMinusZeroReadAsTheirValueAndRoundTrip() async throws {
    let script = """
      let read = open forms.json
      $read | json
      $read | save again.json
      assert (open again.json) == $read "JSON"
      $read | save again.csv
      assert (open again.csv) == $read "CSV"
      """
    let output = try await run(
      script, files: ["forms.json": #"[{"a": 1E5, "b": -0, "c": 0.1e-3, "d": 2.50e1, "e": 10e36, "f": 0e-99}]"#])
    let expected = """
      [
        {
          "a": 100000,
          "b": 0,
          "c": 0.0001,
          "d": 25.0,
          "e": 10000000000000000000000000000000000000,
          "f": 0.000000000000000000000000000000000000
        }
      ]
      exit: 0
      """
    #expect(output == expected, "\(output)")
  }

  @Test func anAPIAnswerWithANumberTooBigIsAnErrorNamingTheField() async throws {
    let harness = try LanguageHarness(rewrite: { request, response in
      guard request.head.path?.contains("regions") == true else { return response }
      let text = String(decoding: response.body, as: UTF8.self)
      let forged = text.replacing(
        #""id":1,"#, with: #""id":1234567890123456789012345678901234567890,"#, maxReplacements: 1)
      var changed = response
      changed.body = Array(forged.utf8)
      return changed
    })
    let output = await harness.run("regions US | first | get id")
    #expect(output.contains("the number 1234567890123456789012345678901234567890 at "), "\(output)")
    #expect(output.contains(".id does not fit 2cs's exact numbers"), "\(output)")
    #expect(output.hasSuffix("exit: 1"), "\(output)")
  }
}
