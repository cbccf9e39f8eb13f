import Foundation
import QuayClient
import QuayCodecs
import QuayProtocol
import QuayTestSupport
import Testing

/// `quay export` through the real quayd and quay (SPEC §10: a school moves to another system),
/// read by independent readers — Python's csv, openpyxl, yaz-marcdump — and by our MARCReader.
@Suite struct ExportTests {
    /// Three registers, three titles; a copy lost by its borrower, one damaged, one withdrawn by
    /// a disposal, one missing after an inventory; a copy with its own price, one re-labelled with
    /// a note; patrons of two kinds, one blocked; equipment by unit and by quantity.
    private func school() throws -> DaemonHarness {
        let daemon = try DaemonHarness()
        func ok(_ arguments: [String]) throws {
            let result = try daemon.quay(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        try ok([
            "intake", "--register", "STK", "--copies", "3", "--title", "Mắt biếc", "--author", "Nguyễn Nhật Ánh", "--author", "Trần Văn Bình",
            "--class-number", "895.92234", "--price", "85000", "--publisher", "NXB Trẻ", "--year", "2019", "--isbn", "9786041000001",
            "--received-on", "2026-09-10", "--doc", "HĐ 12", "--location", "Kệ A",
        ])
        try ok(["intake", "--register", "SGK", "--copies", "2", "--title", "Toán 6", "--price", "20000", "--received-on", "2026-09-12", "--source", "donation", "--grade", "6"])
        // Typed decomposed (NFD), as some keyboards send it: stored, and exported, in NFC.
        let decomposed = "Dế Mèn phiêu lưu ký".decomposedStringWithCanonicalMapping
        try ok(["intake", "--register", "TN", "--copies", "2", "--title", decomposed, "--author", "Tô Hoài", "--class-number", "8(V)", "--received-on", "2026-09-15", "--location", "Kệ B"])
        try ok(["record", "edit", "1", "--notes", "=Sách quý, \"bìa cứng\"", "--subject", "Văn học"])
        try ok(["item", "edit", "STK.000002", "--price", "90000"])
        try ok(["item", "edit", "STK.000003", "--barcode", "MB-0003", "--note", "Bìa rách"])
        try ok(["patron", "add", "--card", "HS000001", "--name", "Nguyễn Văn An", "--class", "6A"])
        try ok(["patron", "add", "--card", "HS000002", "--name", "Trần Thị Bình", "--class", "6A"])
        try ok(["patron", "add", "--card", "GV0001", "--name", "Phạm Thị Hoa", "--kind", "teacher"])
        try ok(["patron", "block", "HS000002", "--reason", "mất thẻ"])
        try ok(["checkout", "--patron", "HS000001", "STK.000001"])
        try ok(["item", "lost", "STK.000001"])
        try ok(["item", "state", "SGK.000001", "damaged"])
        try ok(["disposal", "open", "--decision", "QĐ 01/2026", "--date", "2026-11-20", "--reason", "worn"])
        try ok(["disposal", "add", "1", "SGK.000002"])
        try ok(["disposal", "confirm", "1"])
        try ok(["inventory", "start", "--scope", "register=TN"])
        try ok(["inventory", "scan", "--location", "Kệ B", "TN.000001"])
        try ok(["inventory", "close"])
        try ok(["inventory", "apply"])
        try ok([
            "equipment", "add", "--code", "KHV6", "--name", "Kính hiển vi", "--units", "2", "--value", "2500000", "--subject", "Sinh học",
            "--grades", "6,7", "--room", "P.Sinh",
        ])
        try ok(["equipment", "edit-unit", "TB.000002", "--room", "P.Lý", "--condition", "broken"])
        try ok(["equipment", "add", "--code", "ONG", "--name", "Ống nghiệm", "--quantity", "40", "--expires", "2027-06-30"])
        return daemon
    }

    private func python(_ script: String) throws -> [String] {
        let result = try runProgram("/usr/bin/python3", ["-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// A CSV file as Python's csv reads it: one JSON array per row; and whether the file is UTF-8
    /// with a BOM, ends its lines with CRLF only, and holds NFC text only.
    private func csvRows(_ path: String) throws -> (rows: [[String]], bom: Bool, crlf: Bool, nfc: Bool) {
        let lines = try python(
            """
            import csv, io, json, unicodedata
            raw = open('\(path)', 'rb').read()
            print(raw.startswith(b'\\xef\\xbb\\xbf'), raw.count(b'\\n') == raw.count(b'\\r\\n') > 0)
            text = raw.decode('utf-8-sig')
            print(unicodedata.is_normalized('NFC', text))
            for row in csv.reader(io.StringIO(text, newline='')): print(json.dumps(row, ensure_ascii=False))
            """)
        let flags = (lines.first ?? "").split(separator: " ")
        let rows = try lines.dropFirst(2).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return (rows, flags.first == "True", flags.last == "True", lines.dropFirst().first == "True")
    }

    /// `quay export ARGUMENTS --out FILE` into the daemon's directory, read back as `csvRows`
    /// reads it; the export must succeed, say its rows, and be UTF-8 with a BOM, CRLF and NFC.
    private func exportedCSV(_ daemon: DaemonHarness, _ arguments: [String], rows: Int? = nil) throws -> [[String]] {
        let path = daemon.directory.appendingPathComponent("export-\(UUID().uuidString.prefix(8)).csv").path
        let made = try daemon.quay(["export"] + arguments + ["--out", path])
        #expect(made.status == 0 && rows.map { made.stdout.contains("(\($0) ") } != false, "\(made.stdout) \(made.stderr)")
        let csv = try csvRows(path)
        #expect(csv.bom && csv.crlf && csv.nfc)
        return csv.rows
    }

    static let catalogueHeader = [
        "Số ĐKCB", "Mã vạch", "Nhan đề", "Tác giả", "Nhà xuất bản", "Năm XB", "ISBN", "Ký hiệu phân loại", "Ký hiệu tác giả", "Môn học", "Khối", "Loại",
        "Ngôn ngữ", "Giá", "Ngày vào sổ", "Số vào sổ tổng quát", "Nguồn", "Số chứng từ", "Vị trí", "Tình trạng", "Ghi chú",
    ]

    static let catalogueRows: [[String]] = {
        let mắtBiếc = ["Mắt biếc", "Nguyễn Nhật Ánh; Trần Văn Bình", "NXB Trẻ", "2019", "9786041000001", "895.92234", "NG-A", "Văn học", "", "reference", ""]
        // The note begins with "=": written with a leading "'" so that no spreadsheet runs it.
        let mắtBiếcBatch = ["2026-09-10", "1", "purchase", "HĐ 12", "Kệ A"]
        let toán = ["Toán 6", "", "", "", "", "", "", "", "6", "textbook", ""]
        let dếMèn = ["Dế Mèn phiêu lưu ký", "Tô Hoài", "", "", "", "8(V)", "T-H", "", "", "children", ""]
        return [
            ["STK.000001", "STK.000001"] + mắtBiếc + ["85000"] + mắtBiếcBatch + ["lost", "'=Sách quý, \"bìa cứng\""],
            ["STK.000002", "STK.000002"] + mắtBiếc + ["90000"] + mắtBiếcBatch + ["available", "'=Sách quý, \"bìa cứng\""],
            ["STK.000003", "MB-0003"] + mắtBiếc + ["85000"] + mắtBiếcBatch + ["available", "'=Sách quý, \"bìa cứng\""],
            ["SGK.000001", "SGK.000001"] + toán + ["20000", "2026-09-12", "2", "donation", "", "", "damaged", ""],
            ["SGK.000002", "SGK.000002"] + toán + ["20000", "2026-09-12", "2", "donation", "", "", "withdrawn", ""],
            ["TN.000001", "TN.000001"] + dếMèn + ["", "2026-09-15", "3", "purchase", "", "Kệ B", "available", ""],
            ["TN.000002", "TN.000002"] + dếMèn + ["", "2026-09-15", "3", "purchase", "", "Kệ B", "missing", ""],
        ]
    }()

    @Test func theCatalogueAsCSVAndXLSXHasARowPerCopyWithTheContractsColumns() throws {
        let daemon = try school()
        let out = daemon.directory.path
        let rows = try exportedCSV(daemon, ["catalogue"], rows: 7)
        #expect(rows.first == Self.catalogueHeader)
        #expect(Array(rows.dropFirst()) == Self.catalogueRows, "\(rows)")

        let englishRows = try exportedCSV(daemon, ["catalogue", "--lang", "en"])
        #expect(
            englishRows.first == [
                "Accession", "Barcode", "Title", "Authors", "Publisher", "Year", "ISBN", "Class number", "Author mark", "Subject", "Grade", "Kind",
                "Language", "Price", "Received on", "General register", "Source", "Document", "Location", "Status", "Notes",
            ])
        #expect(Array(englishRows.dropFirst()) == Self.catalogueRows, "values are the same in both languages")

        let workbook = try daemon.quay(["export", "catalogue", "--out", "\(out)/danh-muc.xlsx"])
        #expect(workbook.status == 0, "\(workbook.stderr)")
        let sheet = try python(
            """
            import openpyxl, unicodedata
            wb = openpyxl.load_workbook('\(out)/danh-muc.xlsx')
            ws = wb.worksheets[0]
            print(wb.sheetnames, ws.max_row)
            print('|'.join(c.value for c in ws[1]))
            r = [c.value for c in ws[3]]
            print(r[0], r[1], r[5], r[6], r[10], r[13], type(r[13]).__name__, r[14].date(), r[15], r[19], r[20])
            print(all(unicodedata.is_normalized('NFC', c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)))
            """)
        #expect(sheet[0] == "['Danh mục'] 8", "\(sheet)")
        #expect(sheet[1] == Self.catalogueHeader.joined(separator: "|"))
        // A workbook's cells are values, never formulas: the note is as typed.
        #expect(sheet[2] == "STK.000002 STK.000002 2019 9786041000001 None 90000 int 2026-09-10 1 available =Sách quý, \"bìa cứng\"", "\(sheet)")
        #expect(sheet[3] == "True")
    }

    /// What yaz-marcdump prints of every 952 (holdings) field, in record order.
    static let holdings = [
        "952    $8 STK $i STK.000001 $p STK.000001 $o 895.92234 NG-A $c Kệ A $d 2026-09-10 $e purchase $g 85000 $y reference $1 1",
        "952    $8 STK $i STK.000002 $p STK.000002 $o 895.92234 NG-A $c Kệ A $d 2026-09-10 $e purchase $g 90000 $y reference",
        "952    $8 STK $i STK.000003 $p MB-0003 $o 895.92234 NG-A $c Kệ A $d 2026-09-10 $e purchase $g 85000 $y reference $x Bìa rách",
        "952    $8 SGK $i SGK.000001 $p SGK.000001 $d 2026-09-12 $e donation $g 20000 $y textbook $4 1",
        "952    $8 SGK $i SGK.000002 $p SGK.000002 $d 2026-09-12 $e donation $g 20000 $y textbook $0 1",
        "952    $8 TN $i TN.000001 $p TN.000001 $o 8(V) T-H $c Kệ B $d 2026-09-15 $e purchase $y children",
        "952    $8 TN $i TN.000002 $p TN.000002 $o 8(V) T-H $c Kệ B $d 2026-09-15 $e purchase $y children $7 1",
    ]

    @Test func theCatalogueAsMARCReadsInYazAndInOurReaderWithACopyPer952() throws {
        let daemon = try school()
        let out = daemon.directory.path
        let made = try daemon.quay(["export", "catalogue", "--out", "\(out)/danh-muc.mrc"])
        #expect(made.status == 0 && made.stdout.contains("(3 "), "\(made.stdout) \(made.stderr)")
        let dump = try runProgram("/usr/bin/yaz-marcdump", ["-i", "marc", "-o", "line", "\(out)/danh-muc.mrc"])
        #expect(dump.status == 0 && dump.stderr.isEmpty, "\(dump.stderr)")
        let lines = dump.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("952") } == Self.holdings, "\(dump.stdout)")
        for expected in [
            "001 quay-1", "020    $a 9786041000001 $c 85000đ", "082 04 $a 895.92234", "090    $a 895.92234 $b NG-A", "100 1  $a Nguyễn Nhật Ánh",
            "245 10 $a Mắt biếc", "260    $b NXB Trẻ $c 2019", "500    $a =Sách quý, \"bìa cứng\"", "650  4 $a Văn học", "700 1  $a Trần Văn Bình",
            "001 quay-2", "020    $c 20000đ", "245 00 $a Toán 6", "521    $a Khối 6", "001 quay-3", "245 10 $a Dế Mèn phiêu lưu ký",
            "082 04 $a 8(V)", "090    $a 8(V) $b T-H",
        ] {
            #expect(lines.contains(expected), "\(expected) in \(dump.stdout)")
        }
        // Toán 6 has no class number, no author: no 082, 090, 100; nor a price of its own.
        #expect(lines.filter { $0.hasPrefix("082") || $0.hasPrefix("090") }.count == 4)
        let leaders = lines.filter { $0.first?.isNumber == true && $0.count == 24 }
        #expect(leaders.count == 3 && leaders.allSatisfy { Array($0)[6] == "a" && Array($0)[7] == "m" && Array($0)[9] == "a" }, "\(leaders)")

        // Our own reader: three records, each copy a 952, NFC.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(out)/danh-muc.mrc")))
        var reader = MARCReader(bytes: bytes)
        var records: [MARCRecord] = []
        while let next = reader.next() { records.append(try next.get()) }
        #expect(records.map { $0.field("001")?.value } == ["quay-1", "quay-2", "quay-3"])
        #expect(records.map { $0.fields("952").count } == [3, 2, 2])
        #expect(records[2].subfield("245", "a") == "Dế Mèn phiêu lưu ký")
        #expect(records[2].subfield("245", "a")?.unicodeScalars.elementsEqual("Dế Mèn phiêu lưu ký".precomposedStringWithCanonicalMapping.unicodeScalars) == true)
        #expect(records.allSatisfy { $0.leaderText.hasPrefix("0") && Array($0.leaderText)[9] == "a" })

        // MARCXML: the same fields; and, made into ISO 2709 by yaz, the same records in our reader.
        let xml = try daemon.quay(["export", "catalogue", "--out", "\(out)/danh-muc.xml"])
        #expect(xml.status == 0, "\(xml.stderr)")
        let xmlDump = try runProgram("/usr/bin/yaz-marcdump", ["-i", "marcxml", "-o", "line", "\(out)/danh-muc.xml"])
        #expect(xmlDump.status == 0 && xmlDump.stderr.isEmpty, "\(xmlDump.stderr)")
        let fieldsOnly = { (text: String) in text.split(separator: "\n").filter { !($0.first?.isNumber == true && $0.count == 24) } }
        #expect(fieldsOnly(xmlDump.stdout) == fieldsOnly(dump.stdout), "\(xmlDump.stdout)")
        let converted = try runProgram("/bin/sh", ["-c", "/usr/bin/yaz-marcdump -i marcxml -o marc '\(out)/danh-muc.xml' > '\(out)/from-xml.mrc'"])
        #expect(converted.status == 0, "\(converted.stderr)")
        var fromXML = MARCReader(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(out)/from-xml.mrc"))))
        var again: [MARCRecord] = []
        while let next = fromXML.next() { again.append(try next.get()) }
        #expect(again.map(\.fields) == records.map(\.fields))
    }

    @Test func aTitleWithMoreCopiesThanOneISO2709RecordHoldsIsSplitUnderTheSame001() throws {
        let daemon = try DaemonHarness()
        let intake = try daemon.quay([
            "intake", "--register", "SGK", "--copies", "1200", "--title", "Tiếng Việt 1", "--price", "20000", "--location", "Kho SGK", "--received-on", "2026-08-01",
        ])
        #expect(intake.status == 0, "\(intake.stderr)")
        let out = daemon.directory.path
        #expect(try daemon.quay(["export", "catalogue", "--out", "\(out)/sgk.mrc"]).status == 0)
        var reader = MARCReader(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(out)/sgk.mrc"))))
        var records: [MARCRecord] = []
        while let next = reader.next() { records.append(try next.get()) }
        #expect(records.count == 2 && records.allSatisfy { $0.field("001")?.value == "quay-1" && $0.subfield("245", "a") == "Tiếng Việt 1" })
        #expect(records.flatMap { $0.fields("952") }.compactMap { $0.subfield("i") } == (1...1200).map { String(format: "SGK.%06d", $0) })
        // MARCXML has no length to say: one record.
        #expect(try daemon.quay(["export", "catalogue", "--out", "\(out)/sgk.xml"]).status == 0)
        let dump = try runProgram("/usr/bin/yaz-marcdump", ["-i", "marcxml", "-o", "line", "\(out)/sgk.xml"])
        #expect(dump.stdout.split(separator: "\n").filter { $0.hasPrefix("001") }.count == 1)
        #expect(dump.stdout.split(separator: "\n").filter { $0.hasPrefix("952") }.count == 1200)
    }

    @Test func patronsExportAndImportIntoAFreshDaemonAsTheyWere() throws {
        let daemon = try school()
        let out = daemon.directory.path
        let exported = try exportedCSV(daemon, ["patrons"], rows: 3)
        let year = exported.dropFirst().first?[4] ?? ""
        #expect(
            exported == [
                ["Số thẻ", "Họ tên", "Loại", "Lớp", "Năm học", "Tình trạng"], ["HS000001", "Nguyễn Văn An", "pupil", "6A", year, "active"],
                ["HS000002", "Trần Thị Bình", "pupil", "6A", year, "blocked"], ["GV0001", "Phạm Thị Hoa", "teacher", "", year, "active"],
            ], "\(exported)")
        #expect(year.count == 9)

        // The very file, as `quay export patrons` wrote it, is a class list `patron import` takes.
        let file = "\(out)/ban-doc.csv"
        #expect(try daemon.quay(["export", "patrons", "--out", file]).status == 0)
        let fresh = try DaemonHarness()
        let imported = try fresh.quay(["patron", "import", file, "--year", year])
        #expect(imported.status == 0 && imported.stdout.contains("3"), "\(imported.stdout) \(imported.stderr)")
        // Everything but the status: patron.import takes a class list, and a block is the desk's.
        let again = try exportedCSV(fresh, ["patrons"], rows: 3)
        #expect(again.map { $0.prefix(5) } == exported.map { $0.prefix(5) }, "\(again)")

        let workbook = try daemon.quay(["export", "patrons", "--out", "\(out)/patrons.xlsx", "--lang", "en"])
        #expect(workbook.status == 0, "\(workbook.stderr)")
        let sheet = try python(
            """
            import openpyxl
            ws = openpyxl.load_workbook('\(out)/patrons.xlsx').worksheets[0]
            print(ws.title, [c.value for c in ws[1]], [c.value for c in ws[4]])
            """)
        #expect(sheet == ["Patrons ['Card', 'Name', 'Kind', 'Class', 'School year', 'Status'] ['GV0001', 'Phạm Thị Hoa', 'teacher', None, '\(year)', 'active']"])
    }

    @Test func equipmentHasARowPerUnitAndPerQuantityKind() throws {
        let daemon = try school()
        let out = daemon.directory.path
        // A kind tracked by unit with no unit yet still has its row.
        let connection = try QuayConnection(path: daemon.socketPath)
        let added = try object(try connection.callRaw(op: "equipment.add", args: ["code": "MAY", "name": "Máy chiếu", "tracking": "unit", "unit": "bộ"]))
        #expect(added["ok"] == .bool(true), "\(added)")
        let rows = try exportedCSV(daemon, ["equipment"], rows: 4)
        #expect(
            rows == [
                [
                    "Mã", "Tên thiết bị", "Môn", "Khối", "Đơn vị", "Theo dõi", "Số lượng", "Phòng", "Đơn giá", "Hạn sử dụng", "Số tài sản", "Mã vạch", "Tình trạng",
                    "Trạng thái",
                ],
                ["KHV6", "Kính hiển vi", "Sinh học", "6,7", "cái", "unit", "", "P.Sinh", "2500000", "", "TB.000001", "TB.000001", "good", "available"],
                ["KHV6", "Kính hiển vi", "Sinh học", "6,7", "cái", "unit", "", "P.Lý", "2500000", "", "TB.000002", "TB.000002", "broken", "available"],
                ["MAY", "Máy chiếu", "", "", "bộ", "unit", "", "", "", "", "", "", "", ""],
                ["ONG", "Ống nghiệm", "", "", "cái", "quantity", "40", "", "", "2027-06-30", "", "", "", ""],
            ], "\(rows)")
        let workbook = try daemon.quay(["export", "equipment", "--out", "\(out)/thiet-bi.xlsx"])
        #expect(workbook.status == 0, "\(workbook.stderr)")
        let sheet = try python(
            """
            import openpyxl
            ws = openpyxl.load_workbook('\(out)/thiet-bi.xlsx').worksheets[0]
            r = [c.value for c in ws[5]]
            print(ws.title, ws.max_row, r[0], r[6], r[9].date(), r[10])
            """)
        #expect(sheet == ["Thiết bị 5 ONG 40 2027-06-30 None"], "\(sheet)")
    }

    @Test func whatAnExportCannotBeIsRefusedAndLeavesNoFile() throws {
        let daemon = try DaemonHarness()
        let out = daemon.directory.path
        // Patrons have no MARC: quayd refuses, quay leaves neither FILE nor FILE.partial.
        let marc = try daemon.quay(["export", "patrons", "--out", "\(out)/p.mrc", "--format", "marc"])
        #expect(marc.status == 1 && marc.stderr.contains("[invalid_argument]"), "\(marc.stderr)")
        // No format that quay can tell from the name: a usage error before anything is asked.
        let unknown = try daemon.quay(["export", "equipment", "--out", "\(out)/e.pdf"])
        #expect(unknown.status == 2 && unknown.stderr.contains("--out must be a .csv or .xlsx file"), "\(unknown.stderr)")
        for (what, format) in [("loans", "csv"), ("catalogue", "pdf"), ("equipment", "marcxml")] {
            let connection = try QuayConnection(path: daemon.socketPath)
            let reply = try object(try connection.callRaw(op: "export.run", args: ["what": what, "format": format]))
            #expect(errorCode(reply) == "invalid_argument", "\(what) \(format): \(reply)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!left.contains { $0.hasPrefix("p.mrc") || $0.hasPrefix("e.pdf") || $0.contains(".export-") }, "\(left)")
    }
}
