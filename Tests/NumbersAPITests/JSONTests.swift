import NumbersAPI
import NumbersContract
import TestSupport
import Testing

@Suite("JSON values")
struct JSONTests {
  @Test func numbersKeepTheirDigitsAndObjectsTheirOrder() throws {
    let text = #"{"zeta":3.50,"alpha":[1,-0.10,2e3],"mid":{"b":true,"a":null}}"#
    let value = try JSONValue(parsing: text)
    #expect(value.jsonText == text)
    #expect(value["zeta"] == .number("3.50"))
    #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
  }

  @Test func stringsRoundTripEscapesAndUnicode() throws {
    let value = try JSONValue(parsing: #"["a\"b\\c\n\t\u00e9\ud83d\ude00/\/", "plain"]"#)
    #expect(value.arrayValue?.first == .string("a\"b\\c\n\té😀//"))
    #expect(try JSONValue(parsing: value.jsonText) == value)
    #expect(JSONValue.string("\u{1}").jsonText == #""\u0001""#)
  }

  /// Each text marks with 1️⃣ the byte the error names (for a bad escape, the byte after it).
  @Test(arguments: [
    "1️⃣", "{1️⃣", "[1,1️⃣]", "{\"a\" 1️⃣1}", "01️⃣1", "1.1️⃣", "-1️⃣", "\"unterminated1️⃣", "tru1️⃣", "[1] 1️⃣2",
    "\"\\x1️⃣\"", "\"\\ud8001️⃣\"", "{\"a\":1,1️⃣}", "1️⃣\u{0}",
  ])
  func malformedTextIsAnErrorWithAnOffset(marked: String) throws {
    let text = MarkedSource(marked)
    let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text.source) }
    #expect(error?.offset == (try text.place("1️⃣")).offset, "\(error.map { "\($0)" } ?? "no error")")
  }

  @Test func invalidUTF8IsRefused() {
    #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xFF, 0xFE, 0x22]) }
  }

  @Test func deepNestingIsRefusedNotACrash() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: deep) }
    let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect((try? JSONValue(parsing: fine)) != nil)
  }

  @Test func prettyTextIsIndentedAndParsesBack() throws {
    let value: JSONValue = ["a": [1, 2], "b": [:], "c": []]
    #expect(value.prettyJSONText == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    #expect(try JSONValue(parsing: value.prettyJSONText) == value)
  }

  @Test func objectSubscriptSetsReplacesAndRemoves() {
    var object: JSONObject = ["a": 1, "b": 2]
    object["a"] = 3
    object["c"] = 4
    object["b"] = nil
    #expect(object.keys == ["a", "c"])
    #expect(object["a"] == 3)
  }
}
