import Foundation
import QuayCore
import QuayReports
import QuayTestSupport
import Testing

/// The report writers, read back by independent readers: Debian's python3-openpyxl for XLSX,
/// Python's csv module for CSV.
@Suite struct ReportWriterTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-report-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    let sheet = ReportSheet(
        name: Bilingual(vi: "Sổ cá biệt", en: "Accessions"), title: Bilingual(vi: "Sổ đăng ký cá biệt", en: "Individual register"),
        columns: [
            ReportColumn("Số ĐKCB", "Accession"), ReportColumn("Ngày vào sổ", "Entered", .date), ReportColumn("Nhan đề", "Title"),
            ReportColumn("Giá tiền", "Price", .money), ReportColumn("STT", "No.", .integer),
        ])

    func write(_ format: ReportFormat, _ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let writer = try format.writer(
            path: path, school: "Trường THCS Phụng Công", title: "Sổ đăng ký cá biệt & kho", language: .vi,
            temporaryDirectory: directory.path)
        try writer.begin(sheet)
        try writer.row([.text("STK.000001"), .date(Day("2026-11-20")!), .text("Truyện Kiều"), .money(85000), .integer(1)])
        try writer.row([.text("STK.000002"), .empty, .text("=HYPERLINK(\"http://x\")"), .money(1_250_000), .integer(2)])
        try writer.begin(ReportSheet(name: Bilingual(vi: "Phần II", en: "Part II"), title: Bilingual(vi: "Phần II — xuất", en: "Part II"), columns: [ReportColumn("Lý do", "Reason")], landscape: false))
        try writer.row([.text("mối mọt, \"rách\"")])
        try writer.finish()
        return path
    }

    func python(_ script: String) throws -> String {
        let result = try runProgram("/usr/bin/python3", ["-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func anXLSXReadsBackCellByCellWithItsPrintSettings() throws {
        let path = try write(.xlsx, "so.xlsx")
        let out = try python(
            """
            import openpyxl, unicodedata
            wb = openpyxl.load_workbook(\(String(reflecting: path)))
            ws = wb.worksheets[0]
            print(wb.sheetnames)
            print([c.value for c in ws[1]])
            print(ws.freeze_panes, ws.print_title_rows, ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage)
            print(ws['B2'].value.date(), ws['B2'].number_format, ws['D3'].value, ws['D3'].number_format, ws['A1'].font.b)
            print(ws['C3'].value, unicodedata.is_normalized('NFC', ws['C2'].value))
            print(ws.oddHeader.left.text, '|', ws.oddHeader.center.text, '|', ws.oddFooter.center.text)
            print(wb.worksheets[1].page_setup.orientation, wb.worksheets[1]['A2'].value)
            print(ws.max_row, ws.column_dimensions['C'].width > 10)
            """)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "['Sổ cá biệt', 'Phần II']")
        #expect(lines[1] == "['Số ĐKCB', 'Ngày vào sổ', 'Nhan đề', 'Giá tiền', 'STT']")
        #expect(lines[2] == "A2 $1:$1 9 landscape 0 True")
        #expect(lines[3] == "2026-11-20 dd/mm/yyyy 1250000 #,##0 True")
        // In a workbook a formula-looking title stays text: it is written as a string cell.
        #expect(lines[4] == "=HYPERLINK(\"http://x\") True")
        // The page header: the school on the left, the sheet's title in the middle; page numbers below.
        #expect(lines[5] == "Trường THCS Phụng Công | Sổ đăng ký cá biệt | Trang &P / &N")
        #expect(lines[6] == "portrait mối mọt, \"rách\"")
        #expect(lines[7] == "3 True")
    }

    @Test func aCSVHasItsBOMCRLFQuotingAndNoFormula() throws {
        let path = try write(.csv, "so.csv")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.contains("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let out = try python(
            """
            import csv, io
            rows = list(csv.reader(io.open(\(String(reflecting: path)), encoding='utf-8-sig', newline='')))
            for row in rows: print(repr(row))
            """)
        let rows = out.split(separator: "\n").map(String.init)
        #expect(rows[0] == "['Trường THCS Phụng Công']")
        #expect(rows[3] == "['Số ĐKCB', 'Ngày vào sổ', 'Nhan đề', 'Giá tiền', 'STT']")
        #expect(rows[4] == "['STK.000001', '20/11/2026', 'Truyện Kiều', '85000', '1']")
        #expect(rows[5] == #"['STK.000002', '', '\'=HYPERLINK("http://x")', '1250000', '2']"#)
        #expect(rows.last == #"['mối mọt, "rách"']"#)
        #expect(CSVReportWriter.quoted("-1") == "'-1" && CSVReportWriter.quoted("@cmd") == "'@cmd" && CSVReportWriter.quoted("+84") == "'+84")
    }

    /// A table (an export) is what a program reads back: the header first, ISO dates, one sheet,
    /// and the formula guard undone by dropping one `'` before `= + - @`, tab, CR or `'`.
    @Test func aCSVTableHasTheHeaderFirstISODatesAndAReversibleGuard() throws {
        let path = directory.appendingPathComponent("bang.csv").path
        let writer = try ReportFormat.csv.writer(path: path, school: "Trường", title: "Danh mục", language: .en, temporaryDirectory: directory.path, layout: .table)
        try writer.begin(sheet)
        let texts = ["=1+1", "'=1+1", "''x", "'x", "'", "-", "Truyện Kiều"]
        for (index, text) in texts.enumerated() {
            try writer.row([.text("STK.00000\(index + 1)"), .date(Day("2026-11-20")!), .text(text), .money(85000), .empty])
        }
        #expect(throws: ReportError.self) { try writer.begin(sheet) }
        try writer.finish()
        let out = try python(
            """
            import csv, io, json
            starts = ('=', '+', '-', '@', '\\t', '\\r', "'")
            for row in csv.reader(io.open(\(String(reflecting: path)), encoding='utf-8-sig', newline='')):
                title = row[2][1:] if row[2][:1] == "'" and row[2][1:2] in starts and len(row[2]) > 1 else row[2]
                print(json.dumps([row[0], row[1], title, row[3], row[4]], ensure_ascii=False))
            """)
        let rows = try out.split(separator: "\n").map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        #expect(rows.first == ["Accession", "Entered", "Title", "Price", "No."])
        #expect(rows.dropFirst().map { $0[2] } == texts, "\(rows)")
        #expect(rows.dropFirst().allSatisfy { $0[1] == "2026-11-20" && $0[3] == "85000" && $0[4] == "" })
        #expect(CSVReportWriter.quoted("'=x", reversibly: true) == "''=x" && CSVReportWriter.quoted("'=x") == "'=x")
    }

    @Test func theFormatComesFromTheExtension() {
        #expect(ReportFormat(path: "so.XLSX") == .xlsx && ReportFormat(path: "a/b.csv") == .csv && ReportFormat(path: "so.pdf") == nil)
    }
}
