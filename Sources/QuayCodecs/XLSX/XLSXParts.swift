/// Reading helpers shared by the workbook's parts.
enum XLSXParts {
    /// The parser's next event, its error named by the part.
    static func next(_ parser: inout XMLPullParser, _ part: String) throws(XLSXError) -> XMLEvent? {
        do {
            return try parser.next()
        } catch {
            throw .malformedXML(part: part, error)
        }
    }

    /// The rest of the element whose start was just read, skipped.
    static func skipElement(_ parser: inout XMLPullParser, _ part: String) throws(XLSXError) {
        let depth = parser.depth
        while let event = try next(&parser, part) {
            if case .endElement = event, parser.depth < depth { return }
        }
    }

    /// A string item — `<si>` of the shared strings or `<is>` of an inline string — whose start
    /// was just read: either `<t>` text, or runs `<r>` each with `<rPr><rFont val=…/>` and `<t>`.
    /// Phonetic runs (`<rPh>`, readings of Japanese text) are not part of the text.
    static func stringItem(_ parser: inout XMLPullParser, _ part: String) throws(XLSXError) -> XLSXSharedString {
        let depth = parser.depth
        var text = ""
        var runs: [XLSXRun] = []
        var runText: String? = nil
        var runFont: String? = nil
        var inText = false
        while let event = try next(&parser, part) {
            switch event {
            case .startElement(let tag):
                switch (parser.depth - depth, tag.name.localName) {
                case (1, "t"): inText = true
                case (2, "t") where runText != nil: inText = true
                case (1, "r"):
                    runText = ""
                    runFont = nil
                case (3, "rFont") where runText != nil: runFont = tag.value(of: "val")
                case (1, "rPh"), (1, "phoneticPr"): try skipElement(&parser, part)
                default: break
                }
            case .text(let characters) where inText:
                if runText != nil { runText! += characters } else { text += characters }
            case .text: break
            case .endElement(let name):
                if parser.depth < depth {
                    // The runs' texts are decoded already; decoding twice would undo `_x005F_`.
                    let joined = decodeEscapes(text) + runs.map(\.text).joined()
                    return XLSXSharedString(text: joined, runs: runs.isEmpty ? nil : runs)
                }
                if name.localName == "t" { inText = false }
                if parser.depth == depth, name.localName == "r", let finished = runText {
                    runs.append(XLSXRun(text: decodeEscapes(finished), fontName: runFont))
                    runText = nil
                }
            }
        }
        return XLSXSharedString(text: decodeEscapes(text), runs: runs.isEmpty ? nil : runs)
    }

    /// ECMA-376's `_xHHHH_` escape (ST_Xstring) for characters XML cannot hold, such as
    /// control characters: a UTF-16 code unit in hex; `_x005F_` escapes a literal underscore.
    static func decodeEscapes(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "_")) else { return text }
        let units = Array(text.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var index = 0
        func unit(at start: Int) -> UInt16? {
            guard start + 7 <= units.count, units[start] == 0x5F, units[start + 1] == 0x78, units[start + 6] == 0x5F else { return nil }
            return UInt16(String(decoding: units[(start + 2)..<(start + 6)], as: UTF16.self), radix: 16)
        }
        while index < units.count {
            if let value = unit(at: index) {
                out.append(value)
                index += 7
            } else {
                out.append(units[index])
                index += 1
            }
        }
        // A lone surrogate from a stray escape becomes U+FFFD rather than invalid text.
        return String(decoding: out, as: UTF16.self)
    }

    /// An archive path for a relationship's target: absolute (`/xl/…`) from the root, else
    /// relative to the source part's folder, `.` and `..` resolved.
    static func resolve(_ target: String, from source: String) -> String {
        var segments: [Substring] = []
        if !target.hasPrefix("/") {
            segments = source.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        }
        for segment in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }

    /// A part's relationships: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`.
    static func relationshipsPart(of part: String) -> String {
        var segments = part.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let file = segments.popLast() ?? ""
        return (segments + ["_rels", file + ".rels"]).joined(separator: "/")
    }

    struct Relationship {
        let id: String
        let type: String
        let target: String
    }

    /// The internal relationships of a `.rels` part, targets resolved against `source`.
    static func relationships(_ xml: [UInt8], part: String, source: String) throws(XLSXError) -> [Relationship] {
        var parser = XMLPullParser(xml)
        var found: [Relationship] = []
        while let event = try next(&parser, part) {
            guard case .startElement(let tag) = event, tag.name.localName == "Relationship" else { continue }
            guard tag.value(of: "TargetMode") != "External", let id = tag.value(of: "Id"), let target = tag.value(of: "Target") else { continue }
            found.append(Relationship(id: id, type: tag.value(of: "Type") ?? "", target: resolve(target, from: source)))
        }
        return found
    }
}

/// An entry of the shared-string table, or an inline string.
struct XLSXSharedString: Sendable, Equatable {
    let text: String
    /// Nil for plain text; the runs' fonts as written (nil: the cell's font).
    let runs: [XLSXRun]?
}
