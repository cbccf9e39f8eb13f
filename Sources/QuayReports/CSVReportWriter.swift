import Foundation
import QuayCore

/// CSV as spreadsheets open it (RFC 4180): UTF-8 with a byte-order mark (so Excel reads the
/// diacritics), CRLF line ends, fields quoted when they must be. A text cell that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`, so that no
/// spreadsheet runs it as a formula (formula injection: a title typed as `=HYPERLINK(…)`).
/// A report (`.report`) is a block per sheet: its title line, its header, its rows, then a blank
/// line, after the school's name and the report's title. A table (`.table`, the exports) is what
/// another program reads back: the header on the first line, then the rows of its one sheet,
/// dates as `yyyy-mm-dd`, and the formula guard made reversible (see `quoted`).
public final class CSVReportWriter: ReportWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let language: Language
    private let layout: ReportLayout
    private var columns: [ReportColumn] = []
    private var sheets = 0

    public init(path: String, school: String, title: String, language: Language, layout: ReportLayout = .report) throws(ReportError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ReportError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.language = language
        self.layout = layout
        buffer.reserveCapacity(1 << 16)
        buffer += [0xEF, 0xBB, 0xBF]
        if layout == .report {
            line([.text(school)])
            line([.text(title)])
        }
    }

    public func begin(_ sheet: ReportSheet) throws(ReportError) {
        if layout == .table && sheets > 0 { throw ReportError("a table has one sheet") }
        if sheets > 0 { buffer += [13, 10] }
        sheets += 1
        columns = sheet.columns
        if layout == .report { line([.text(sheet.title.text(language))]) }
        line(sheet.columns.map { .text($0.heading.text(language)) })
        try flushIfFull()
    }

    public func row(_ cells: [ReportCell]) throws(ReportError) {
        line(cells)
        try flushIfFull()
    }

    /// CSV has no charts: the numbers are in the rows.
    public func chart(_ chart: ReportChart) throws(ReportError) {}

    public func finish() throws(ReportError) {
        try flush()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ReportError("cannot write the report: \(error.localizedDescription)")
        }
    }

    private func line(_ cells: [ReportCell]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            field(cell)
        }
        buffer += [13, 10]
    }

    private func field(_ cell: ReportCell) {
        switch cell {
        case .empty: break
        case .integer(let number), .money(let number): DecimalDigits.append(number, to: &buffer)
        case .date(let day): buffer.append(contentsOf: (layout == .table ? day.description : day.vietnamese).utf8)
        case .text(var text):
            // Most fields need neither quotes nor the formula guard: their bytes go as they are,
            // looked at once in place.
            let plain = text.withUTF8 { bytes in
                guard let first = bytes.first, !Self.isFormulaStart(first), layout == .report || first != Self.apostrophe else { return false }
                if !bytes.contains(where: Self.needsQuotes) {
                    buffer.append(contentsOf: bytes)
                    return true
                }
                return false
            }
            if !plain && !text.isEmpty { buffer.append(contentsOf: Self.quoted(text, reversibly: layout == .table).utf8) }
        }
    }

    /// `=`, `+`, `-`, `@`, tab, carriage return: what a spreadsheet may take for a formula.
    static func isFormulaStart(_ byte: UInt8) -> Bool {
        byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
    }

    static func needsQuotes(_ byte: UInt8) -> Bool { byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D }

    static let apostrophe = UInt8(ascii: "'")

    /// A text field as RFC 4180 and formula neutralising write it. `reversibly` (a table, read
    /// back by an import): a text that already begins with `'` followed by a formula start gets
    /// a second `'`, so that a reader that drops one leading `'` before `=`, `+`, `-`, `@`, a tab,
    /// a carriage return or another `'` gets every text back exactly.
    public static func quoted(_ text: String, reversibly: Bool = false) -> String {
        var value = text
        let scalars = Array(value.unicodeScalars.prefix(2))
        let starts: [Unicode.Scalar] = ["=", "+", "-", "@", "\t", "\r"]
        if let first = scalars.first, starts.contains(first) {
            value = "'" + value
        } else if reversibly, scalars.count == 2, scalars[0] == "'", starts.contains(scalars[1]) || scalars[1] == "'" {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func flushIfFull() throws(ReportError) {
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws(ReportError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ReportError("cannot write the report: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
