import Foundation
import QuayClient
import QuayProtocol
import Testing

/// docs/protocol.md cannot drift: its examples run against a real quayd, and its lists of
/// error codes and ops equal the code's.
@Suite struct DocumentationTests {
    let document: String

    init() throws {
        document = try String(contentsOf: packageRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
    }

    /// `expected` matches `actual` when every key and element matches; "*" matches anything.
    func matches(_ expected: JSONValue, _ actual: JSONValue) -> Bool {
        switch (expected, actual) {
        case (.string("*"), _): return true
        case (.object(let want), .object(let have)):
            return want.keys.sorted() == have.keys.sorted() && want.allSatisfy { key, value in matches(value, have[key]!) }
        case (.array(let want), .array(let have)):
            return want.count == have.count && zip(want, have).allSatisfy { matches($0, $1) }
        default: return expected == actual
        }
    }

    /// `→` lines are sent and the `←` line after each is its reply. After an
    /// `events.subscribe`, that connection becomes the event stream: later requests go on a
    /// new connection, and each `⇠` line is the next event the stream must carry.
    @Test func everyExampleRunsAsWritten() throws {
        // The print examples print to a file printer named "nhan".
        let daemon = try DaemonHarness(start: false)
        let printer = "[[printer]]\nname = \"nhan\"\nlanguage = \"zpl\"\naddress = \"file:\(daemon.directory.appendingPathComponent("nhan.zpl").path)\"\n"
        // …and automatic backups go to a directory of the daemon's (one is taken at start).
        let backups = "[backup]\ndirectory = \"\(daemon.directory.appendingPathComponent("backups").path)\"\nevery = \"1d\"\n"
        try DaemonHarness.config(directory: daemon.directory, extra: printer + backups).write(to: daemon.configURL, atomically: true, encoding: .utf8)
        try daemon.launch()
        #expect(daemon.waitForLog("automatic backup taken"), "\(daemon.log)")
        var connection = try QuayConnection(path: daemon.socketPath)
        var stream: QuayConnection? = nil
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        var checked = 0
        func check(_ expectedLine: Substring, _ reply: [UInt8], at index: Int) throws {
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(expectedLine.dropFirst(2).utf8))
            let actual = try JSONDecoder().decode(JSONValue.self, from: Data(reply))
            #expect(matches(expected, actual), "docs/protocol.md:\(index + 1): got \(String(decoding: reply, as: UTF8.self))")
            checked += 1
        }
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("⇠ ") {
                let events = try #require(stream, "line \(index + 1): an event before events.subscribe")
                try check(line, try #require(try events.readLine()), at: index)
                continue
            }
            guard line.hasPrefix("→ ") else { continue }
            let next = index + 1 < lines.count ? lines[index + 1] : ""
            try #require(next.hasPrefix("← "), "line \(index + 1): a request without its reply")
            try connection.send(Array(line.dropFirst(2).utf8) + [10])
            try check(next, try #require(try connection.readLine()), at: index + 1)
            if line.contains(#""op":"events.subscribe""#) {
                stream = connection
                connection = try QuayConnection(path: daemon.socketPath)
            }
        }
        #expect(checked >= 7)
    }

    @Test func theErrorCodeTableIsComplete() {
        let section = document.components(separatedBy: "## Error codes").last?.components(separatedBy: "\n## ").first ?? ""
        let documented = Set(section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        })
        #expect(documented == Set(ErrorCode.allCases.map(\.rawValue)))
    }

    @Test func everyOpHasASection() {
        let headings = document.split(separator: "\n").filter { $0.hasPrefix("### ") }
        for op in Op.allCases {
            #expect(headings.contains { $0.contains("`\(op.rawValue)`") }, "no section for \(op.rawValue)")
        }
    }
}
