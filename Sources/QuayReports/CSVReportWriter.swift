import Foundation
import QuayCore

/// CSV as spreadsheets open it (RFC 4180): UTF-8 with a byte-order mark (so Excel reads the
/// diacritics), CRLF line ends, fields quoted when they must be. A text cell that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`, so that no
/// spreadsheet runs it as a formula (formula injection: a title typed as `=HYPERLINK(…)`).
/// Each sheet is a block: its title line, its header, its rows, then a blank line.
public final class CSVReportWriter: ReportWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let language: Language
    private var columns: [ReportColumn] = []
    private var sheets = 0

    public init(path: String, school: String, title: String, language: Language) throws(ReportError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ReportError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.language = language
        buffer.reserveCapacity(1 << 16)
        buffer += [0xEF, 0xBB, 0xBF]
        line([.text(school)])
        line([.text(title)])
    }

    public func begin(_ sheet: ReportSheet) throws(ReportError) {
        if sheets > 0 { buffer += [13, 10] }
        sheets += 1
        columns = sheet.columns
        line([.text(sheet.title.text(language))])
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
        case .integer(let number), .money(let number): buffer.append(contentsOf: String(number).utf8)
        case .date(let day): buffer.append(contentsOf: day.vietnamese.utf8)
        case .text(let text):
            // Most fields need neither quotes nor the formula guard: their bytes go as they are.
            let bytes = text.utf8
            if let first = bytes.first, !Self.formulaStarts.contains(first), !bytes.contains(where: Self.needsQuotes) {
                buffer.append(contentsOf: bytes)
            } else if !bytes.isEmpty {
                buffer.append(contentsOf: Self.quoted(text).utf8)
            }
        }
    }

    /// `=`, `+`, `-`, `@`, tab, carriage return: what a spreadsheet may take for a formula.
    static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    static func needsQuotes(_ byte: UInt8) -> Bool { byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D }

    /// A text field as RFC 4180 and formula neutralising write it.
    public static func quoted(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { value = "'" + value }
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
