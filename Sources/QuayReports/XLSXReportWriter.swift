import CXlsxWriter
import Foundation
import QuayCore

/// XLSX through libxlsxwriter (Debian `libxlsxwriter-dev`) in constant-memory mode: each row
/// goes to a temporary file as it is written, so a register of a million copies never sits in
/// memory. Every sheet is set up to be printed and signed: a bold header row that stays frozen
/// and repeats on each printed page, A4 fitted to the page width, the school's name and the
/// report's title in the page header, page numbers in the footer; dates as dd/mm/yyyy, money
/// with thousands separated; column widths from the widest cell.
public final class XLSXReportWriter: ReportWriter {
    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private let school: String
    private let title: String
    private let language: Language
    private var sheet: UnsafeMutablePointer<lxw_worksheet>?
    private var columns: [ReportColumn] = []
    private var widths: [Int] = []
    private var rowNumber: UInt32 = 0
    private var names: Set<String> = []
    private var sheetName = ""
    private var charts = 0
    private var closed = false
    private let header, text, integer, money, date: UnsafeMutablePointer<lxw_format>

    public init(path: String, school: String, title: String, language: Language, temporaryDirectory: String) throws(ReportError) {
        var options = lxw_workbook_options()
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        let made: UnsafeMutablePointer<lxw_workbook>? = temporaryDirectory.withCString { directory in
            options.tmpdir = UnsafeMutablePointer(mutating: directory)
            return workbook_new_opt(path, &options)
        }
        guard let made else { throw ReportError("cannot write \(path): \(String(cString: strerror(errno)))") }
        workbook = made
        self.school = school
        self.title = title
        self.language = language
        func format(_ set: (UnsafeMutablePointer<lxw_format>) -> Void) -> UnsafeMutablePointer<lxw_format> {
            let format = workbook_add_format(made)!
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(format)
            set(format)
            return format
        }
        header = format {
            format_set_bold($0)
            format_set_bg_color($0, 0xD9D9D9)
            format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue))
        }
        text = format { _ in }
        integer = format { format_set_num_format($0, "0") }
        money = format { format_set_num_format($0, "#,##0") }
        date = format { format_set_num_format($0, "dd/mm/yyyy") }
    }

    deinit {
        if !closed { workbook_close(workbook) }
    }

    public func begin(_ sheet: ReportSheet) throws(ReportError) {
        finishSheet()
        var name = Self.sheetName(sheet.name.text(language))
        var suffix = 2
        while names.contains(name.lowercased()) {
            name = String(Self.sheetName(sheet.name.text(language)).prefix(28)) + " \(suffix)"
            suffix += 1
        }
        names.insert(name.lowercased())
        guard let worksheet = workbook_add_worksheet(workbook, name) else { throw ReportError("cannot add the sheet \(name)") }
        self.sheet = worksheet
        sheetName = name
        charts = 0
        columns = sheet.columns
        rowNumber = 0
        worksheet_set_paper(worksheet, 9)  // A4
        if sheet.landscape { worksheet_set_landscape(worksheet) } else { worksheet_set_portrait(worksheet) }
        worksheet_fit_to_pages(worksheet, 1, 0)
        worksheet_set_margins(worksheet, 0.4, 0.4, 0.75, 0.6)
        worksheet_center_horizontally(worksheet)
        worksheet_repeat_rows(worksheet, 0, 0)
        worksheet_freeze_panes(worksheet, 1, 0)
        let pageTitle = Self.pageHeaderText(sheet.title.text(language))
        worksheet_set_header(worksheet, "&L\(Self.pageHeaderText(school))&C&\"-,Bold\"\(pageTitle)")
        worksheet_set_footer(worksheet, language == .vi ? "&CTrang &P / &N" : "&CPage &P of &N")
        widths = sheet.columns.map { Self.width(of: $0.heading.text(language)) }
        for (index, column) in sheet.columns.enumerated() {
            worksheet_write_string(worksheet, 0, lxw_col_t(index), column.heading.text(language), header)
        }
        rowNumber = 1
    }

    public func row(_ cells: [ReportCell]) throws(ReportError) {
        guard let sheet else { throw ReportError("a row before its sheet") }
        // The row number and the widths held locally for the row's cells: the properties' access
        // checks and the array's uniqueness check, per cell, were a few per cent of a register.
        let rowNumber = rowNumber
        var widths: [Int] = []
        swap(&widths, &self.widths)
        defer { swap(&widths, &self.widths) }
        for index in cells.indices {
            let column = lxw_col_t(index)
            let result: lxw_error
            switch cells[index] {
            case .empty:
                result = worksheet_write_blank(sheet, rowNumber, column, text)
            case .text(let value):
                // withCString lends the string's own bytes (a small string's from the stack); the
                // implicit conversion made a heap array of each (`utf8CString`, in a profile).
                result = value.withCString { worksheet_write_string(sheet, rowNumber, column, $0, text) }
            case .integer(let value):
                result = worksheet_write_number(sheet, rowNumber, column, Double(value), integer)
            case .money(let value):
                result = worksheet_write_number(sheet, rowNumber, column, Double(value), money)
            case .date(let day):
                var value = lxw_datetime(year: Int32(day.year), month: Int32(day.month), day: Int32(day.day), hour: 0, min: 0, sec: 0)
                result = worksheet_write_datetime(sheet, rowNumber, column, &value, date)
            }
            if index < widths.count {
                let width = Self.cellWidth(cells[index])
                if width > widths[index] { widths[index] = width }
            }
            guard result == LXW_NO_ERROR else { throw ReportError("cannot write row \(rowNumber + 1): \(String(cString: lxw_strerror(result)))") }
        }
        self.rowNumber = rowNumber + 1
        guard rowNumber + 1 < 1_048_576 else { throw ReportError("a sheet holds at most 1,048,575 rows") }
    }

    public func chart(_ chart: ReportChart) throws(ReportError) {
        guard let sheet, rowNumber > 1 else { return }
        let type: UInt8
        switch chart.kind {
        case .column: type = UInt8(LXW_CHART_COLUMN.rawValue)
        case .bar: type = UInt8(LXW_CHART_BAR.rawValue)
        case .pie: type = UInt8(LXW_CHART_PIE.rawValue)
        }
        guard let made = workbook_add_chart(workbook, type) else { throw ReportError("cannot add a chart") }
        chart_title_set_name(made, chart.title)
        for column in chart.values {
            guard let series = chart_add_series(made, nil, nil) else { throw ReportError("cannot add a chart series") }
            chart_series_set_categories(series, sheetName, 1, lxw_col_t(chart.categories), rowNumber - 1, lxw_col_t(chart.categories))
            chart_series_set_values(series, sheetName, 1, lxw_col_t(column), rowNumber - 1, lxw_col_t(column))
            if column < columns.count { chart_series_set_name(series, columns[column].heading.text(language)) }
        }
        if chart.values.count == 1 && chart.kind != .pie { chart_legend_set_position(made, UInt8(LXW_CHART_LEGEND_NONE.rawValue)) }
        // Beside the table, one chart under the other.
        let result = worksheet_insert_chart(sheet, lxw_row_t(charts * 16), lxw_col_t(columns.count + 1), made)
        charts += 1
        guard result == LXW_NO_ERROR else { throw ReportError("cannot place the chart: \(String(cString: lxw_strerror(result)))") }
    }

    public func finish() throws(ReportError) {
        finishSheet()
        closed = true
        let result = workbook_close(workbook)
        guard result == LXW_NO_ERROR else { throw ReportError("cannot write the workbook: \(String(cString: lxw_strerror(result)))") }
    }

    private func finishSheet() {
        guard let sheet else { return }
        for (index, width) in widths.enumerated() {
            worksheet_set_column(sheet, lxw_col_t(index), lxw_col_t(index), Double(min(max(width, 6), 60)), nil)
        }
        self.sheet = nil
    }

    /// The width a non-text cell needs, as `row` counts it.
    static func cellWidth(_ cell: ReportCell) -> Int {
        switch cell {
        case .empty: 0
        case .text(let value): width(of: value)
        case .integer(let value): digits(value) + 2
        case .money(let value): digits(value) * 4 / 3 + 2
        case .date: 12
        }
    }

    /// Characters `String(value)` has: its digits, and `-`.
    static func digits(_ value: Int64) -> Int { DecimalDigits.count(value.magnitude) + (value < 0 ? 1 : 0) }

    /// Characters a cell shows on its widest line, as a column width.
    /// Scalars, not characters: text is NFC, where a Vietnamese letter is one scalar, and
    /// counting graphemes for every cell of a million-row register costs more than writing it.
    /// A scalar is a UTF-8 byte that does not continue another (10xxxxxx), counted in place.
    static func width(of text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var widest = 0
            var current = 0
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    widest = max(widest, current)
                    current = 0
                } else if byte & 0xC0 != 0x80 {
                    current += 1
                }
            }
            return max(widest, current) + 2
        }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 })
        return cleaned.isEmpty ? "Sheet" : String(cleaned.prefix(31))
    }

    /// Text in a page header, where `&` starts a code.
    static func pageHeaderText(_ text: String) -> String {
        String(text.replacingOccurrences(of: "&", with: "&&").prefix(120))
    }
}
