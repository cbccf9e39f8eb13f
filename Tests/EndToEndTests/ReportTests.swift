import Foundation
import QuayTestSupport
import Testing

/// Registers and reports through the real quayd and quay (SPEC §10), opened by independent
/// readers: python3-openpyxl for XLSX, Python's csv for CSV.
@Suite struct ReportTests {
    /// A small school: two registers, a confirmed disposal, an applied inventory, lesson loans
    /// by three teachers over two months, loans by pupils of four classes; quotas of lesson
    /// periods with equipment for the school, a subject and one teacher.
    private func school() throws -> DaemonHarness {
        let daemon = try DaemonHarness(
            extraConfig: """
                [equipment_quota]
                periods = 2
                [equipment_quota.subjects]
                "Vật lý" = 1
                [equipment_quota.teachers]
                GV02 = 3
                """)
        func ok(_ arguments: [String], stdin: String? = nil) throws {
            let result = try daemon.quay(arguments, stdin: stdin)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        try ok([
            "intake", "--register", "STK", "--copies", "5", "--title", "Mắt biếc", "--author", "Nguyễn Nhật Ánh", "--class-number", "895.92234",
            "--price", "85000", "--publisher", "NXB Trẻ", "--year", "2019", "--received-on", "2026-09-10", "--doc", "HĐ 12",
        ])
        try ok(["intake", "--register", "SGK", "--copies", "3", "--title", "Toán 6", "--price", "20000", "--received-on", "2026-09-12", "--source", "donation"])
        for (card, name, className) in [
            ("HS01", "Nguyễn Văn An", "6A"), ("HS02", "Trần Bình", "6A"), ("HS03", "Lê Ư", "7A"), ("HS04", "Võ Thị Cúc", "8A"), ("HS05", "Hoàng Minh Đức", "9A"),
        ] {
            try ok(["patron", "add", "--card", card, "--name", name, "--class", className])
        }
        for (card, name) in [("GV01", "Phạm Thị Hoa"), ("GV02", "Đỗ Văn Nam"), ("GV03", "Lê Thị Mai")] { try ok(["patron", "add", "--card", card, "--name", name, "--kind", "teacher"]) }
        try ok(["checkout", "--patron", "HS02", "STK.000002"])
        try ok(["checkout", "--patron", "HS01", "STK.000001"])
        try ok(["checkout", "--patron", "HS03", "SGK.000001"])
        try ok(["checkout", "--patron", "HS04", "STK.000003"])
        try ok(["checkout", "--patron", "HS05", "STK.000004"])
        try ok(["equipment", "add", "--code", "KHV6", "--name", "Kính hiển vi", "--units", "2", "--value", "2500000"])
        try ok(["equipment", "add", "--code", "ONG", "--name", "Ống nghiệm", "--quantity", "40"])
        try ok(["lesson", "lend", "--teacher", "GV01", "--class", "6A", "--period", "2", "--date", "2026-10-05", "--title", "Tế bào", "--subject", "Sinh học", "TB.000001", "ONG=10"])
        try ok(["lesson", "return", "TB.000001", "ONG=2"])
        try ok(["lesson", "lend", "--teacher", "GV01", "--class", "6A", "--period", "1", "--date", "2026-11-12", "--subject", "Sinh học", "TB.000001"])
        try ok(["lesson", "return", "TB.000001"])
        try ok(["lesson", "lend", "--teacher", "GV03", "--class", "8A", "--period", "3", "--date", "2026-11-10", "--subject", "Vật lý", "ONG=5"])
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
        // By teacher in Vietnamese name order: Phạm Thị Hoa (Hoa), Lê Thị Mai (Mai), Đỗ Văn Nam (Nam).
        #expect(
            log == [
                "Phạm Thị Hoa 2 6A Kính hiển vi TB.000001; Ống nghiệm ×10 (2 dùng hết, 0 mất) đã trả", "Phạm Thị Hoa 1 6A Kính hiển vi TB.000001 đã trả",
                "Lê Thị Mai 3 8A Ống nghiệm ×5 đang mượn", "Đỗ Văn Nam 4 7A Kính hiển vi TB.000002 đang mượn",
            ], "\(log)")

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
            print([r[0] for r in wb.worksheets[4].iter_rows(min_row=2, values_only=True)][:2])
            print([list(r) for r in wb.worksheets[2].iter_rows(min_row=2, values_only=True)], len(wb.worksheets[2]._charts))
            """)
        #expect(reading[0] == "['Theo tháng', 'Theo lớp', 'Theo khối', 'Theo loại', 'Mượn nhiều nhất', 'Ít được mượn']", "\(reading)")
        #expect(reading[1] == "5 1", "five loans this school year, and the chart: \(reading)")
        // 6A: two pupils, both borrowed; 7A, 8A, 9A: one pupil each, who borrowed.
        #expect(reading[2] == "[['6A', 2, 2, 100, 2], ['7A', 1, 1, 100, 1], ['8A', 1, 1, 100, 1], ['9A', 1, 1, 100, 1]] 1", "\(reading)")
        #expect(reading[3] == "['Mắt biếc', 'Toán 6']", "\(reading)")
        #expect(reading[4] == "[['Khối 6', 2, 2, 100, 2], ['Khối 7', 1, 1, 100, 1], ['Khối 8', 1, 1, 100, 1], ['Khối 9', 1, 1, 100, 1]] 1", "\(reading)")

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

    /// The reports of a period and of one borrower, the charts as pictures, the printed page.
    @Test func periodTeacherAndBorrowerReportsAndTheirPictures() throws {
        let daemon = try school()
        let out = daemon.directory.path
        func made(_ arguments: [String]) throws {
            let result = try daemon.quay(["report"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        // Term 1: GV01 taught two periods with equipment (quota 2), GV03 one in Vật lý (its
        // subject's quota, 1), GV02 one against their own quota of 3 — the one under it.
        try made(["dinh-muc-thiet-bi", "--term", "1", "--out", "\(out)/dinh-muc.xlsx", "--chart", "\(out)/dinh-muc.png"])
        let use = try python(
            """
            import openpyxl
            wb = openpyxl.load_workbook('\(out)/dinh-muc.xlsx')
            print(wb.sheetnames, len(wb.worksheets[0]._charts))
            ws = wb.worksheets[0]
            print(ws['A1'].value, ws.oddHeader.center.text)
            for r in ws.iter_rows(min_row=2, values_only=True): print(list(r))
            for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True): print(list(r))
            """)
        #expect(use[0] == "['Theo giáo viên', 'Chưa đạt định mức'] 1", "\(use)")
        #expect(use[1] == "STT TỔNG HỢP SỬ DỤNG THIẾT BỊ DẠY HỌC — HỌC KỲ I NĂM HỌC 2026-2027", "\(use)")
        #expect(
            Array(use[2...]) == [
                "[1, 'Phạm Thị Hoa', 'GV01', 'Sinh học', 2, 2, 100, 'Đạt']", "[2, 'Lê Thị Mai', 'GV03', 'Vật lý', 1, 1, 100, 'Đạt']",
                "[3, 'Đỗ Văn Nam', 'GV02', None, 1, 3, 33, 'Chưa đạt']", "[3, 'Đỗ Văn Nam', 'GV02', None, 1, 3, 33, 'Chưa đạt']",
            ], "\(use)")
        let chart = try Data(contentsOf: URL(fileURLWithPath: "\(out)/dinh-muc.png"))
        #expect(chart.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")

        // The periodic report of November: the stock at its start and end, the disposal of the 20th.
        try made(["bao-cao-dinh-ky", "--month", "2026-11", "--out", "\(out)/thang-11.csv"])
        let november = try python(
            """
            import csv, io
            for r in csv.reader(io.open('\(out)/thang-11.csv', encoding='utf-8-sig', newline='')): print(r)
            """)
        #expect(november[2] == "['BÁO CÁO THƯ VIỆN — THÁNG 11/2026 (01/11/2026 – 30/11/2026) — VỐN TÀI LIỆU']", "\(november)")
        #expect(november[4] == "['SGK', '3', '0', '0', '0', '3', '60000']", "\(november)")
        #expect(november[5] == "['STK', '5', '0', '0', '1', '4', '340000']", "\(november)")
        #expect(november[6] == "['Tổng cộng', '8', '0', '0', '1', '7', '400000']", "\(november)")
        // From the first intake on: every loan so far, by five pupils of five, none by the teachers.
        try made(["bao-cao-dinh-ky", "--since", "2026-09-01", "--until", "2099-12-31", "--out", "\(out)/dinh-ky.xlsx", "--lang", "en"])
        let periodic = try python(
            """
            import openpyxl
            wb = openpyxl.load_workbook('\(out)/dinh-ky.xlsx')
            print(wb.sheetnames)
            print([list(r) for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)][-1])
            for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True): print(list(r))
            print(wb.worksheets[0]['D2'].number_format)
            """)
        #expect(periodic[0] == "['Stock', 'Readers']", "\(periodic)")
        #expect(periodic[1] == "['Total', 0, 8, 485000, 1, 7, 400000]", "\(periodic)")
        #expect(periodic[2] == "['Pupils', 5, 5, 100, 5]" && periodic[3] == "['Teachers', 3, 0, 0, 0]", "\(periodic)")
        #expect(periodic[6] == "['Total', 8, 5, 63, 5]" && periodic[7] == "#,##0", "\(periodic)")

        // One borrower's history, by the card.
        try made(["lich-su-muon", "--patron", "HS01", "--out", "\(out)/lich-su.csv"])
        let history = try python(
            """
            import csv, io
            rows = list(csv.reader(io.open('\(out)/lich-su.csv', encoding='utf-8-sig', newline='')))
            print(rows[2]); print(len(rows)); print(rows[4][2:4], rows[4][5:])
            """)
        #expect(history == ["['LỊCH SỬ MƯỢN — Nguyễn Văn An (HS01, 6A)']", "5", "['STK.000001', 'Mắt biếc'] ['', 'đang mượn']"], "\(history)")
        // Teachers' loans only: none are open.
        try made(["muon-tra", "--kind", "teacher", "--out", "\(out)/gv.csv"])
        #expect(try String(contentsOfFile: "\(out)/gv.csv", encoding: .utf8).split(separator: "\r\n").count == 4)

        // The charts as SVG, read back by an XML parser: one chart per sheet that has one.
        try made(["van-hoa-doc", "--chart", "\(out)/van-hoa-doc.svg"])
        let svg = try python(
            """
            import xml.etree.ElementTree as ET
            root = ET.parse('\(out)/van-hoa-doc.svg').getroot()
            texts = [t.text for t in root.iter('{http://www.w3.org/2000/svg}text')]
            print(texts[0]); print([t for t in texts if t.startswith('Lượt mượn') or t.startswith('Tỉ lệ') or t.startswith('Theo')])
            print(len(list(root.iter('{http://www.w3.org/2000/svg}rect'))) > 6, '9A' in texts)
            """)
        #expect(svg[0] == "Thống kê văn hoá đọc", "\(svg)")
        #expect(svg[1] == "['Lượt mượn theo tháng', 'Tỉ lệ học sinh có mượn sách (%)', 'Lượt mượn theo khối', 'Theo loại tài liệu']", "\(svg)")
        #expect(svg[2] == "True True", "\(svg)")

        // The first printed page of each register, as docs/reports.md shows it: drawn the same
        // way every time from the same school (these registers hold no date of today).
        let pages: [(String, [String])] = [
            ("so-ca-biet", []), ("so-tong-quat", []), ("so-sgk", []), ("thanh-ly", ["--disposal", "1"]), ("danh-muc-thiet-bi", []),
            ("su-dung-thiet-bi", []), ("dinh-muc-thiet-bi", ["--term", "1"]), ("bao-cao-dinh-ky", ["--month", "2026-11"]),
        ]
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/reports").standardized
        for (name, filters) in pages {
            try made([name, "--preview", "\(out)/\(name).png"] + filters)
            let picture = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name).png"))
            let documented = docs.appendingPathComponent("\(name).png")
            if ProcessInfo.processInfo.environment["QUAY_UPDATE_DOCS"] == "1" {
                try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
                try picture.write(to: documented)
            }
            #expect((try? Data(contentsOf: documented)) == picture, "docs/reports/\(name).png is not what \(name) prints now; QUAY_UPDATE_DOCS=1 redraws it")
        }
    }

    @Test func badRequestsAreRefusedAndLeaveNoFile() throws {
        let daemon = try DaemonHarness()
        let out = daemon.directory.path
        let cases: [([String], String)] = [
            (["report", "so-ma", "--out", "\(out)/a.xlsx"], "[unknown_report]"),
            (["report", "so-ca-biet", "--teacher", "GV01", "--out", "\(out)/b.xlsx"], "[invalid_filter]"),
            (["report", "so-ca-biet", "--since", "2026-12-01", "--until", "2026-09-01", "--out", "\(out)/c.csv"], "[invalid_filter]"),
            (["report", "lich-su-muon", "--out", "\(out)/e.csv"], "[invalid_filter]"),
            (["report", "lich-su-muon", "--patron", "KHONG", "--out", "\(out)/f.csv"], "[invalid_filter]"),
            (["report", "bao-cao-dinh-ky", "--month", "2026-13", "--out", "\(out)/g.csv"], "[invalid_filter]"),
            (["report", "dinh-muc-thiet-bi", "--term", "3", "--out", "\(out)/h.csv"], "[invalid_filter]"),
            (["report", "so-ca-biet", "--chart", "\(out)/i.svg"], "[invalid_argument]"),
        ]
        for (arguments, code) in cases {
            let result = try daemon.quay(arguments)
            #expect(result.status == 1 && result.stderr.contains(code), "\(arguments): \(result.stderr)")
        }
        let missing = try daemon.quay(["report", "so-ca-biet", "--out", "\(out)/khong-co/d.xlsx"])
        #expect(missing.status == 2 && missing.stderr.contains("khong-co"), "\(missing.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: out).filter { name in [".xlsx", ".csv", ".svg", ".png", ".partial"].contains { name.hasSuffix($0) } }
        #expect(left.isEmpty, "\(left)")
        let tmp = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains(".report-") }
        #expect(tmp.isEmpty, "the daemon's report files are gone too: \(tmp)")
    }
}
