import Foundation
import Language
import NumbersAPI
import NumbersContract

/// The journal, its torn lines told as warnings.
func readJournal(_ session: Session, command: String) throws -> JournalContents {
  let contents: JournalContents
  do {
    contents = try session.journal.read()
  } catch {
    throw CommandError("\(command): \(error)")
  }
  for warning in contents.warnings(path: session.journal.path ?? "journal") { session.warn(warning) }
  return contents
}

/// `journal check`: settles, by looking at the account, each write the journal left `sending` (2cs stopped
/// before it learned the outcome) or `unknown`. Returns one record per write looked at.
func checkJournal(_ session: Session) async throws -> Value {
  let contents = try readJournal(session, command: "journal check")
  let open = contents.entries.filter { entry in
    entry.outcome == "sending" && [nil, "unknown"].contains(contents.settlement(of: entry)?.outcome)
  }
  var report: [Value] = []
  let server = session.client.transport.displayBaseURL
  for sending in open {
    let was = contents.settlement(of: sending)?.outcome ?? "sending"
    // Another server's account says nothing about this write.
    if let sentTo = sending.fields["server"]?.stringValue, sentTo != server {
      report.append(
        .record([
          "line": .int(sending.line), "write": .string(sending.summary), "was": .string(was),
          "now": .string("not checked"),
          "find_out": .string("it was sent to \(sentTo), not \(server): run journal check against that server"),
        ]))
      continue
    }
    let number = sending.fields["number"]?.stringValue ?? sending.fields["body"]?[PurchaseBodyField.number]?.stringValue
    let endpoint = sending.fields["method"]?.stringValue.flatMap { method in
      sending.fields["path"]?.stringValue.flatMap { Endpoint(writeMethod: method, path: $0) }
    }
    let check = endpoint.map { OutcomeCheck(endpoint: $0, number: number) }
    var now = "unknown"
    var why = "nothing in the account shows whether it happened"
    var result: Value?
    if let look = check?.look {
      do throws(NumbersAPIError) {
        result = try await look(session.client)
        if result != nil { now = "done" } else { why = "the account does not show it" }
      } catch {
        why = "looking failed: \(error.description)"
      }
    }
    // A write left `sending` gets an outcome either way, so it is not reported at every start again.
    if now == "done" || was == "sending" {
      var settlement = sending.fields
      settlement["id"] = nil
      settlement["time"] = .string(Date().formatted(.iso8601))
      settlement["outcome"] = .string(now)
      settlement["checked"] = true
      if let result { settlement["result"] = result.json } else { settlement["error"] = .string(why) }
      do {
        try session.journal.append(.object(settlement), settling: sending.reference)
      } catch {
        throw CommandError("journal check: \(error)")
      }
    }
    var line: Record = [
      "line": .int(sending.line), "write": .string(sending.summary), "was": .string(was), "now": .string(now),
    ]
    if now != "done" { line["find_out"] = .string((check?.howToFindOut).map { "\(why); see \($0)" } ?? why) }
    report.append(.record(line))
  }
  return .list(report)
}
