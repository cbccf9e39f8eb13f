import Foundation

/// Text rules that every entry point applies (SPEC §12): NFC storage and display width.
public enum VietnameseText {
    /// The NFC form of `text`. Scanners, the CLI, imports and the protocol all pass through here,
    /// so that "Nguyễn" typed with combining marks and "Nguyễn" precomposed are one string.
    public static func nfc(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// Columns `text` takes on a terminal: combining marks take none, East Asian wide
    /// characters two, everything else one. Tables with diacritics line up by this width.
    /// The first control character in `text` (C0, DEL or C1), or nil. Line feeds and tabs
    /// pass when `multiline` is set. No stored text may carry one (SPEC §13): a NUL cuts text
    /// short in SQLite, an escape sequence reaches every terminal that shows it.
    public static func firstControl(in text: String, multiline: Bool = false) -> Unicode.Scalar? {
        text.unicodeScalars.first { isRefusedControl($0.value, multiline: multiline) }
    }

    /// Whether a scalar is a control character no stored text may carry: C0 (U+0000–U+001F),
    /// DEL and C1 (U+0080–U+009F) — but line feed, carriage return and tab when `multiline`.
    public static func isRefusedControl(_ value: UInt32, multiline: Bool = false) -> Bool {
        guard value < 0x20 || (0x7F...0x9F).contains(value) else { return false }
        return !(multiline && (value == 0x0A || value == 0x09 || value == 0x0D))
    }

    /// `U+001B`: how a character is named in a message.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    public static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            width += columns(of: scalar)
        }
        return width
    }

    /// Pads `text` with spaces on the right up to `width` display columns.
    public static func padded(_ text: String, to width: Int) -> String {
        let missing = width - displayWidth(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }

    private static func columns(of scalar: Unicode.Scalar) -> Int {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            break
        }
        let value = scalar.value
        if value == 0x200B { return 0 }
        // East Asian Wide and Fullwidth ranges that matter in practice.
        if (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1F64F).contains(value)
            || (0x1F900...0x1F9FF).contains(value) || (0x20000...0x3FFFD).contains(value)
        {
            return 2
        }
        return 1
    }
}

/// A table of text laid out in columns by display width (SPEC §12).
public struct TextTable: Sendable {
    public var rows: [[String]]

    public init(rows: [[String]] = []) {
        self.rows = rows
    }

    /// A header row, then the rows.
    public init(header: [String], rows: [[String]]) {
        self.rows = [header] + rows
    }

    /// The rows with every column padded to its widest cell, separated by two spaces; lines
    /// carry no trailing blanks.
    public func render() -> String {
        let columnCount = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columnCount)
        for row in rows {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], VietnameseText.displayWidth(cell))
            }
        }
        return rows.map { row in
            var line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : VietnameseText.padded(cell, to: widths[index])
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

extension VietnameseText {
    /// The search form of `text`: no diacritics, lower case, `đ` → `d`, runs of white space
    /// as one space (SPEC §12: `nguyen van an` finds `Nguyễn Văn An`).
    public static func fold(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar.properties.isWhitespace {
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            switch scalar {
            case "đ", "Đ": result.append("d")
            default:
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars { result.append(lowered) }
            }
        }
        if result.last == " " { result.removeLast() }
        return String(result)
    }

    /// The words of a folded text, for building search queries.
    public static func searchWords(_ text: String) -> [String] {
        fold(text).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }
}
