import Foundation

// A line diff for failure messages: which lines of the expected text are missing from the actual one, which
// are new, with line numbers and a little context, the way `diff -u` shows them.

/// The difference between two texts, line by line, as a failure message shows it; "" when they are equal.
///
/// Each shown line starts with `-` (only in `expected`), `+` (only in `actual`) or a space (in both), then
/// its line number in `expected` and in `actual`. Runs of equal lines more than `context` lines away from a
/// change are left out and marked `…`.
///
///     2 lines differ (- expected, + actual):
///        3   3 | let x = 1
///     -  4     | print $x
///     +      4 | print $y
///        5   5 | exit: 0
public func lineDiff(expected: String, actual: String, context: Int = 2) -> String {
  guard expected != actual else { return "" }
  let left = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let right = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let edits = LineEdit.script(from: left, to: right)
  let changed = edits.indices.filter { edits[$0].kind != .same }
  guard !changed.isEmpty else {
    return "the texts differ, but no line does"
  }
  var shown = Set<Int>()
  for index in changed {
    for near in max(0, index - context)...min(edits.count - 1, index + context) { shown.insert(near) }
  }
  let width = String(max(left.count, right.count)).count
  func number(_ value: Int?) -> String {
    let text = value.map { String($0 + 1) } ?? ""
    return String(repeating: " ", count: width - text.count) + text
  }
  let removed = edits.filter { $0.kind == .removed }.count
  let added = edits.filter { $0.kind == .added }.count
  var lines = [
    "\(removed) expected line\(removed == 1 ? "" : "s") missing, \(added) unexpected (- expected, + actual):"
  ]
  var previous: Int?
  for index in shown.sorted() {
    if let previous, index > previous + 1 { lines.append("…") }
    previous = index
    let edit = edits[index]
    let sign =
      switch edit.kind {
      case .same: " "
      case .removed: "-"
      case .added: "+"
      }
    lines.append("\(sign) \(number(edit.expectedLine)) \(number(edit.actualLine)) | \(visible(edit.text))")
  }
  if left.last == "" && right.last != "" { lines.append("(the actual text has no newline at its end)") }
  if right.last == "" && left.last != "" { lines.append("(the expected text has no newline at its end)") }
  return lines.joined(separator: "\n")
}

/// Trailing blanks and tabs shown, so a line that differs only in them is seen to differ.
private func visible(_ line: String) -> String {
  let trailing = line.reversed().prefix { $0 == " " || $0 == "\t" }.count
  guard trailing > 0 else { return line }
  let shown = line.suffix(trailing).map { $0 == "\t" ? "→" : "·" }.joined()
  return line.dropLast(trailing) + shown
}

/// One line of an edit script: kept, or only on one side.
struct LineEdit: Equatable {
  enum Kind { case same, removed, added }
  var kind: Kind
  var text: String
  /// 0-based line numbers; nil on the side the line is not on.
  var expectedLine: Int?
  var actualLine: Int?

  /// The shortest edit script (a longest common subsequence of lines), removals before additions in a change.
  static func script(from left: [String], to right: [String]) -> [LineEdit] {
    // Equal lines at both ends need no table.
    var start = 0
    while start < left.count, start < right.count, left[start] == right[start] { start += 1 }
    var leftEnd = left.count
    var rightEnd = right.count
    while leftEnd > start, rightEnd > start, left[leftEnd - 1] == right[rightEnd - 1] {
      leftEnd -= 1
      rightEnd -= 1
    }
    let a = Array(left[start..<leftEnd])
    let b = Array(right[start..<rightEnd])
    var edits = (0..<start).map { LineEdit(kind: .same, text: left[$0], expectedLine: $0, actualLine: $0) }
    // common[i][j]: the longest common subsequence of a[i...] and b[j...].
    let columns = b.count + 1
    var common = [Int](repeating: 0, count: (a.count + 1) * columns)
    if !a.isEmpty && !b.isEmpty {
      for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
          common[i * columns + j] =
            a[i] == b[j]
            ? common[(i + 1) * columns + j + 1] + 1 : max(common[(i + 1) * columns + j], common[i * columns + j + 1])
        }
      }
    }
    var i = 0
    var j = 0
    var removals: [LineEdit] = []
    var additions: [LineEdit] = []
    func flush() {
      edits += removals + additions
      removals = []
      additions = []
    }
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        flush()
        edits.append(LineEdit(kind: .same, text: a[i], expectedLine: start + i, actualLine: start + j))
        i += 1
        j += 1
      } else if j == b.count || (i < a.count && common[(i + 1) * columns + j] >= common[i * columns + j + 1]) {
        removals.append(LineEdit(kind: .removed, text: a[i], expectedLine: start + i, actualLine: nil))
        i += 1
      } else {
        additions.append(LineEdit(kind: .added, text: b[j], expectedLine: nil, actualLine: start + j))
        j += 1
      }
    }
    flush()
    let tail = left.count - leftEnd
    edits += (0..<tail).map {
      LineEdit(kind: .same, text: left[leftEnd + $0], expectedLine: leftEnd + $0, actualLine: rightEnd + $0)
    }
    return edits
  }
}

/// A golden file's check: with `GOLDEN_RECORD` set, `actual` is written to `expected` and nil comes back;
/// otherwise nil when the file holds `actual`, else the failure message with the line diff.
public func goldenMismatch(_ actual: String, expected: URL, name: String) throws -> String? {
  if ProcessInfo.processInfo.environment["GOLDEN_RECORD"] != nil {
    try actual.write(to: expected, atomically: true, encoding: .utf8)
    return nil
  }
  let wanted =
    (try? String(contentsOf: expected, encoding: .utf8)) ?? "(no \(name).out yet: run with GOLDEN_RECORD=1)\n"
  guard actual != wanted else { return nil }
  return "\(name).out differs (GOLDEN_RECORD=1 re-records it):\n\(lineDiff(expected: wanted, actual: actual))"
}
