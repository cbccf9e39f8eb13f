import Foundation
import QuayCore
import Testing

/// docs/call-numbers.md is executed: its tables are the rules.
@Suite struct CallNumberDocumentTests {
    static let document: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/call-numbers.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The rows of the table between `<!-- name -->` and `<!-- /name -->`, as cells.
    static func table(_ name: String) -> [[String]] {
        guard let start = document.range(of: "<!-- \(name) -->"), let end = document.range(of: "<!-- /\(name) -->") else {
            return []
        }
        return document[start.upperBound..<end.lowerBound].split(separator: "\n")
            .filter { $0.hasPrefix("|") && !$0.hasPrefix("|---") }
            .dropFirst()  // header
            .map { line in
                line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            }
    }

    /// `\u0302` in the document stands for that scalar.
    static func unescape(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "\\u") {
            result += rest[..<range.lowerBound]
            let hex = rest[range.upperBound...].prefix(4)
            if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                result.unicodeScalars.append(scalar)
            }
            rest = rest[range.upperBound...].dropFirst(4)
        }
        return result + rest
    }

    @Test func theShelfOrderTableIsInShelfOrder() throws {
        let rows = Self.table("shelf-order")
        #expect(rows.count >= 15)
        var previous: CallNumber?
        for row in rows {
            let callNumber = try CallNumber.parse(row[0])
            #expect(callNumber.spineLines.joined(separator: " / ") == row[1])
            if let previous {
                #expect(previous.sortKey < callNumber.sortKey, "\(previous.text) must shelve before \(callNumber.text)")
            }
            previous = callNumber
        }
        // Shuffled, sorting by key gives the table back.
        let parsed = try rows.map { try CallNumber.parse($0[0]) }
        #expect(parsed.shuffled().sorted { $0.sortKey < $1.sortKey } == parsed)
    }

    @Test func theAuthorMarkTableHolds() {
        let rows = Self.table("author-marks")
        #expect(rows.count >= 10)
        for row in rows {
            #expect(AuthorMark.derive(from: Self.unescape(row[0])) == row[1], "\(row[0])")
        }
    }
}

@Suite struct CallNumberTests {
    @Test(arguments: ["", "895.", "abc", "ABC1", "5.", "1..2", "53(075", "5()", "895.922 NG-A T.2 extra", "895.922 NG-A nonsense"])
    func badCallNumbersAreRefused(text: String) {
        #expect(throws: CallNumber.ParseError.self) { try CallNumber.parse(text) }
    }

    @Test func volumesAreNormalised() throws {
        #expect(try CallNumber.parse("895.922 NG-A Tập 3").volume == "T.3")
        #expect(try CallNumber.parse("895.922 NG-A c2").volume == "c.2")
        #expect(try CallNumber.parse("895.922 T.2").volume == "T.2")
        #expect(try CallNumber.parse("895.922 ng-a").authorMark == "NG-A")
    }

    @Test func rangesIncludeSubdivisions() throws {
        let (lower, upper) = CallNumber.rangeKeys(from: try CallNumber.parse("800"), to: try CallNumber.parse("899"))
        let inside = try ["800", "823.914 ROW", "899.1 X", "899 ZZZ T.9"].map { try CallNumber.parse($0).sortKey }
        let outside = try ["795 A", "900", "5(075)"].map { try CallNumber.parse($0).sortKey }
        for key in inside { #expect(key >= lower! && key <= upper!, "\(key)") }
        for key in outside { #expect(!(key >= lower! && key <= upper!), "\(key)") }
    }
}
