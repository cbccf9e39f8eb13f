import Foundation
import QuayTestSupport
import Testing

/// Registers and reports through the real quayd and quay (SPEC §10), opened by independent
/// readers: python3-openpyxl for XLSX, Python's csv for CSV.
@Suite struct ReportTests {
    /// A small school: two registers, a confirmed disposal, an applied inventory, lesson loans
    /// by two teachers, loans by pupils of two classes, one of them overdue.
    private func school() throws -> DaemonHarness {
        let daemon = try DaemonHarness()
        func ok(_ arguments: [String], stdin: String? = nil) throws {
            let result = try daemon.quay(arguments, stdin: stdin)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        try ok([
            "intake", "--register", "STK", "--copies", "5", "--title", "Mắt biếc", "--author", "Nguyễn Nhật Ánh", "--class-number", "895.92234",
            "--price", "85000", "--publisher", "NXB Trẻ", "--year", "2019", "--received-on", "2026-09-10", "--doc", "HĐ 12",
        ])
        try ok(["intake", "--register", "SGK", "--copies", "3", "--title", "Toán 6", "--price", "20000", "--received-on", "2026-09-12", "--source", "donation"])
        for (card, name, className) in [("HS01", "Nguyễn Văn An", "6A"), ("HS02", "Trần Bình", "6A"), ("HS03", "Lê Ư", "7A")] {
            try ok(["patron", "add", "--card", card, "--name", name, "--class", className])
        }
        for (card, name) in [("GV01", "Phạm Thị Hoa"), ("GV02", "Đỗ Văn Nam")] { try ok(["patron", "add", "--card", card, "--name", name, "--kind", "teacher"]) }
        try ok(["checkout", "--patron", "HS02", "STK.000002"])
        try ok(["checkout", "--patron", "HS01", "STK.000001"])
        try ok(["checkout", "--patron", "HS03", "SGK.000001"])
        try ok(["equipment", "add", "--code", "KHV6", "--name", "Kính hiển vi", "--units", "2", "--value", "2500000"])
        try ok(["equipment", "add", "--code", "ONG", "--name", "Ống nghiệm", "--quantity", "40"])
        try ok(["lesson", "lend", "--teacher", "GV01", "--class", "6A", "--period", "2", "--date", "2026-10-05", "--title", "Tế bào", "TB.000001", "ONG=10"])
        try ok(["lesson", "return", "TB.000001", "ONG=2"])
        try ok(["lesson", "lend", "--teacher", "GV02", "--class", "7A", "--period", "4", "--date", "2026-11-03", "TB.000002"])
        try ok(["disposal", "open", "--decision", "QĐ 01/2026", "--date", "2026-11-20", "--reason", "rách nát"])
        try ok(["disposal", "add", "1", "STK.000005"])
        try ok(["disposal", "confirm", "1"])
        try ok(["inventory", "start", "--scope", "register=SGK"])
        try ok(["inventory", "scan", "--location", "KE-1", "SGK.000002"])
        try ok(["inventory", "close"])
        try ok(["inventory", "apply"])
        return daemon
    }

    private func python(_ script: String) throws -> [String] {
        let result = try runProgram("/usr/bin/python3", ["-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func everyReportOpensInAnIndependentReaderWithWhatTheSchoolPutIn() throws {
        let daemon = try school()
        let out = daemon.directory.path
        let list = try daemon.quay(["report", "list", "--lang", "vi"])
        #expect(list.status == 0 && list.stdout.contains("so-ca-biet") && list.stdout.contains("Sổ đăng ký tổng quát"), "\(list.stdout)")

        let individual = try daemon.quay(["report", "so-ca-biet", "--out", "\(out)/ca-biet.xlsx"])
        #expect(individual.status == 0 && individual.stdout.contains("8"), "\(individual.stdout) \(individual.stderr)")
        let sheet = try python(
            """
            import openpyxl, unicodedata
            ws = openpyxl.load_workbook('\(out)/ca-biet.xlsx').worksheets[0]
            print(ws.title, ws.max_row, ws.freeze_panes, ws.print_title_rows, ws.page_setup.paperSize)
            print([c.value for c in ws[1]])
            r = [c.value for c in ws[2]]
            print(r[0], r[1].date(), r[2], r[3], r[4], r[5], r[6], r[7], r[8])
            print(ws['G2'].number_format, ws['B2'].number_format, ws['A1'].font.b)
            r = [c.value for c in ws[9]]
            print(r[2], r[9], r[10])
            print(all(unicodedata.is_normalized('NFC', c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)))
            """)
        #expect(sheet[0] == "Sổ cá biệt 9 A2 $1:$1 9", "\(sheet)")
        #expect(sheet[1].hasPrefix("['STT', 'Ngày vào sổ', 'Số ĐKCB', 'Tác giả – Nhan đề', 'Nơi XB – Nhà XB', 'Năm XB', 'Giá tiền (đ)'"))
        #expect(sheet[2] == "1 2026-09-12 SGK.000001 Toán 6 None None 20000 None 2", "\(sheet[2])")
        #expect(sheet[3] == "#,##0 dd/mm/yyyy True")
        // STK.000005 was disposed of: its line says when and by which decision.
        #expect(sheet[4] == "STK.000005 20/11/2026 — QĐ 01/2026 None", "\(sheet[4])")
        #expect(sheet[5] == "True")

        let general = try daemon.quay(["report", "so-tong-quat", "--out", "\(out)/tong-quat.xlsx"])
        #expect(general.status == 0, "\(general.stderr)")
        let parts = try python(
            """
            import openpyxl
            wb = openpyxl.load_workbook('\(out)/tong-quat.xlsx')
            print(wb.sheetnames)
            p1 = wb.worksheets[0]
            print([c.value for c in p1[2]][:5], p1['L2'].value, p1['L3'].value, p1['M3'].value)
            p2 = wb.worksheets[1]
            print([c.value for c in p2[2]][2:4], p2['G2'].value, p2['L2'].value, p2['M2'].value)
            p3 = wb.worksheets[2]
            print([c.value for c in p3[2]][2:])
            """)
        #expect(parts[0] == "['Phần I — nhập', 'Phần II — xuất', 'Phần III — kiểm kê']")
        #expect(parts[1].hasPrefix("[1, datetime.datetime(2026, 9, 10, 0, 0), 'mua', 'HĐ 12', 'STK.000001 – STK.000005']"), "\(parts[1])")
        #expect(parts[1].hasSuffix(" 5 3 60000"), "\(parts[1])")
        #expect(parts[2] == "['QĐ 01/2026', 'thanh lý'] 1 85000 rách nát", "\(parts[2])")
        #expect(parts[3] == "['register=SGK', 3, 1, 1, 1, 2]", "\(parts[3])")

        let overdue = try daemon.quay(["report", "muon-tra", "--class", "6A", "--out", "\(out)/muon.csv"])
        #expect(overdue.status == 0, "\(overdue.stderr)")
        let loans = try python(
            """
            import csv, io
            rows = list(csv.reader(io.open('\(out)/muon.csv', encoding='utf-8-sig', newline='')))
            print(len(rows)); print(rows[3]); print(rows[4][:5]); print(rows[5][:5])
            """)
        #expect(loans[0] == "6")
        #expect(loans[1] == "['Lớp', 'Số thẻ', 'Họ tên', 'Số ĐKCB', 'Nhan đề', 'Ngày mượn', 'Hạn trả', 'Quá hạn (ngày)']")
        // In Vietnamese name order: Nguyễn Văn An (An) before Trần Bình (Bình).
        #expect(loans[2] == "['6A', 'HS01', 'Nguyễn Văn An', 'STK.000001', 'Mắt biếc']", "\(loans)")
        #expect(loans[3] == "['6A', 'HS02', 'Trần Bình', 'STK.000002', 'Mắt biếc']", "\(loans)")

        let usage = try daemon.quay(["report", "su-dung-thiet-bi", "--out", "\(out)/thiet-bi.xlsx"])
        #expect(usage.status == 0, "\(usage.stderr)")
        let log = try python(
            """
            import openpyxl
            ws = openpyxl.load_workbook('\(out)/thiet-bi.xlsx').worksheets[0]
            for row in ws.iter_rows(min_row=2, values_only=True): print(row[0], row[2], row[3], row[6], row[7])
            """)
        // By teacher in Vietnamese name order: Phạm Thị Hoa (Hoa) before Đỗ Văn Nam (Nam).
        #expect(log == ["Phạm Thị Hoa 2 6A Kính hiển vi TB.000001; Ống nghiệm ×10 (2 dùng hết, 0 mất) đã trả", "Đỗ Văn Nam 4 7A Kính hiển vi TB.000002 đang mượn"], "\(log)")

        let statistics = try daemon.quay(["report", "van-hoa-doc", "--out", "\(out)/van-hoa-doc.xlsx"])
        #expect(statistics.status == 0, "\(statistics.stderr)")
        let reading = try python(
            """
            import openpyxl
            wb = openpyxl.load_workbook('\(out)/van-hoa-doc.xlsx')
            print(wb.sheetnames)
            m = wb.worksheets[0]
            print(sum(r[1] for r in m.iter_rows(min_row=2, values_only=True)), len(m._charts))
            c = wb.worksheets[1]
            print([list(r) for r in c.iter_rows(min_row=2, values_only=True)], len(c._charts))
            print([r[0] for r in wb.worksheets[3].iter_rows(min_row=2, values_only=True)][:2])
            """)
        #expect(reading[0] == "['Theo tháng', 'Theo lớp', 'Theo loại', 'Mượn nhiều nhất', 'Ít được mượn']", "\(reading)")
        #expect(reading[1] == "3 1", "three loans this school year, and the chart: \(reading)")
        // 6A: two pupils, both borrowed; 7A: one pupil, who borrowed.
        #expect(reading[2] == "[['6A', 2, 2, 100, 2], ['7A', 1, 1, 100, 1]] 1", "\(reading)")
        #expect(reading[3] == "['Mắt biếc', 'Toán 6']", "\(reading)")

        // The textbook register: Toán 6, one intake of three; SGK.000003 was not seen by the inventory.
        let textbooks = try daemon.quay(["report", "so-sgk", "--out", "\(out)/sgk.csv"])
        #expect(textbooks.status == 0, "\(textbooks.stderr)")
        let sgk = try python(
            """
            import csv, io
            rows = list(csv.reader(io.open('\(out)/sgk.csv', encoding='utf-8-sig', newline='')))
            print(rows[4])
            """)
        #expect(sgk == ["['1', 'Toán 6', '', '12/09/2026', '2', 'SGK.000001 – SGK.000003', '3', '2', '1', '0', '20000']"], "\(sgk)")

        // The inventory's result: totals, then each part that has lines.
        let result = try daemon.quay(["report", "kiem-ke", "--out", "\(out)/kiem-ke.xlsx"])
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try python(
            """
            import openpyxl
            wb = openpyxl.load_workbook('\(out)/kiem-ke.xlsx')
            print(wb.sheetnames)
            print([list(r) for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)][:4])
            print([list(r)[1:3] for r in wb['Thiếu'].iter_rows(min_row=2, values_only=True)])
            """)
        #expect(inventory[0] == "['Tổng hợp', 'Thấy đúng chỗ', 'Thiếu', 'Đang mượn', 'Đề nghị thanh lý']", "\(inventory)")
        #expect(inventory[1] == "[['Thấy đúng chỗ', 1], ['Sai chỗ', 0], ['Thiếu', 1], ['Đang mượn', 1]]", "\(inventory)")
        #expect(inventory[2] == "[['SGK.000003', 'Toán 6']]", "\(inventory)")

        // In English, the words inside the cells are English too.
        let english = try daemon.quay(["report", "su-dung-thiet-bi", "--out", "\(out)/usage.csv", "--lang", "en"])
        #expect(english.status == 0, "\(english.stderr)")
        let usageEnglish = try String(contentsOfFile: "\(out)/usage.csv", encoding: .utf8)
        #expect(usageEnglish.contains("(2 consumed, 0 lost)") && usageEnglish.contains("Teacher") && !usageEnglish.contains("dùng hết"), "\(usageEnglish)")

        let catalogue = try daemon.quay(["report", "danh-muc-thiet-bi", "--out", "\(out)/danh-muc.csv"])
        #expect(catalogue.status == 0 && catalogue.stdout.contains("2"), "\(catalogue.stderr)")
        let disposal = try daemon.quay(["report", "thanh-ly", "--disposal", "1", "--out", "\(out)/thanh-ly.xlsx"])
        #expect(disposal.status == 0 && disposal.stdout.contains("1"), "\(disposal.stderr)")
    }

    @Test func badRequestsAreRefusedAndLeaveNoFile() throws {
        let daemon = try DaemonHarness()
        let out = daemon.directory.path
        let cases: [([String], String)] = [
            (["report", "so-ma", "--out", "\(out)/a.xlsx"], "[unknown_report]"),
            (["report", "so-ca-biet", "--teacher", "GV01", "--out", "\(out)/b.xlsx"], "[invalid_filter]"),
            (["report", "so-ca-biet", "--since", "2026-12-01", "--until", "2026-09-01", "--out", "\(out)/c.csv"], "[invalid_filter]"),
        ]
        for (arguments, code) in cases {
            let result = try daemon.quay(arguments)
            #expect(result.status == 1 && result.stderr.contains(code), "\(arguments): \(result.stderr)")
        }
        let missing = try daemon.quay(["report", "so-ca-biet", "--out", "\(out)/khong-co/d.xlsx"])
        #expect(missing.status == 2 && missing.stderr.contains("khong-co"), "\(missing.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".csv") || $0.hasSuffix(".partial") }
        #expect(left.isEmpty, "\(left)")
        let tmp = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains(".report-") }
        #expect(tmp.isEmpty, "the daemon's report files are gone too: \(tmp)")
    }
}
