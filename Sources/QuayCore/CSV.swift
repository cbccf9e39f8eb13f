/// A small RFC 4180 reader for class lists and catalogues: quoted fields, doubled quotes,
/// newlines inside quotes, CRLF or LF, a UTF-8 byte-order mark. Each row keeps the line it
/// started on, so errors can name it.
public enum CSV {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    public struct ParseError: Error, Equatable {
        public var line: Int
        public var reason: String
    }

    public static func parse(_ input: String, separator: Character = ",") throws(ParseError) -> [Row] {
        var text = Substring(input)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var rowLine = 1
        var inQuotes = false
        var quoteLine = 0
        var fieldStarted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil

        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return iterator.next()
        }

        while let character = next() {
            if inQuotes {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.append("\"")
                        } else {
                            inQuotes = false
                            pending = following
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                guard field.isEmpty && !fieldStarted else {
                    throw ParseError(line: line, reason: "a quote in the middle of an unquoted field")
                }
                inQuotes = true
                quoteLine = line
                fieldStarted = true
            case separator:
                fields.append(field)
                field = ""
                fieldStarted = false
            case "\n", "\r\n", "\r":
                fields.append(field)
                if !(fields.count == 1 && fields[0].isEmpty) {
                    rows.append(Row(line: rowLine, fields: fields))
                }
                fields = []
                field = ""
                fieldStarted = false
                line += 1
                rowLine = line
            default:
                field.append(character)
            }
        }
        if inQuotes { throw ParseError(line: quoteLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || fieldStarted {
            fields.append(field)
            rows.append(Row(line: rowLine, fields: fields))
        }
        return rows
    }
}

extension CSV {
    /// RFC 4180 text: a field is quoted when it holds the separator, a quote, CR or LF (its
    /// quotes doubled), and every line ends with CRLF, as RFC 4180 and Excel expect. Text is NFC.
    public static func format(_ rows: [[String]], separator: Character = ",") -> String {
        var text = ""
        for row in rows {
            text += row.map { field in
                let field = VietnameseText.nfc(field)
                guard field.contains(where: { $0 == separator || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
                    return field
                }
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: String(separator))
            text += "\r\n"
        }
        return text
    }

    /// The UTF-8 byte-order mark, which makes Excel read a CSV file as UTF-8 (SPEC §10).
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A CSV file for spreadsheets: the byte-order mark, then `format(rows)` in UTF-8.
    public static func spreadsheetBytes(_ rows: [[String]]) -> [UInt8] {
        byteOrderMark + Array(format(rows).utf8)
    }
}
