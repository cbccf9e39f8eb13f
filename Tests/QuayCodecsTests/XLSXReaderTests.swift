import Foundation
import QuayTestSupport
import Testing

@testable import QuayCodecs

/// Workbooks written by an independent writer — Debian's python3-openpyxl, run at test time
/// into a temporary directory, so no binary fixture is kept — and read back here. Excel keeps
/// text in a shared-string table, which openpyxl 3.0 does not write (it writes inline strings),
/// so one fixture is openpyxl's workbook with its strings moved into `xl/sharedStrings.xml` by
/// Python's ElementTree and zipfile, and openpyxl reads that workbook back as the check.
@Suite struct XLSXReaderTests {
    static let sheetPart = "xl/worksheets/sheet1.xml"

    /// Runs `script` with the paths of `files` new files as its arguments; their bytes and its stdout.
    static func python(_ script: String, files: Int) throws -> (files: [[UInt8]], stdout: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-xlsx-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = (0..<files).map { directory.appendingPathComponent("f\($0).xlsx").path }
        let result = try runProgram("/usr/bin/python3", ["-c", script] + paths, timeout: 120)
        try #require(result.status == 0, "\(result.stderr)")
        return (try paths.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }, result.stdout)
    }

    static let main = """
        import sys, datetime, unicodedata, openpyxl
        from openpyxl.styles import Font
        nfc = lambda s: unicodedata.normalize('NFC', s)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = nfc('Sách')
        ws.append([nfc(s) if s else None for s in ['Nhan đề', 'Tác giả', 'Giá', 'Ngày nhập', 'Còn', None, 'Ghi chú']])
        ws['A2'] = nfc('Truyện Kiều')
        ws['B2'] = nfc('Nguyễn Du')
        ws['C2'] = 85000
        ws['D2'] = datetime.date(2024, 9, 5)
        ws['D2'].number_format = 'dd/mm/yyyy'
        ws['E2'] = True
        ws['G2'] = 3.25
        ws['AA2'] = nfc('cột AA')
        ws['A4'] = 'TruyÖn KiÒu'
        ws['A4'].font = Font(name='.VnTime')
        ws['B4'] = 'NguyÔn Du'
        ws['B4'].font = Font(name='VNI-Times')
        ws['A5'] = '=C2*2'
        ws['B5'] = '#N/A'
        ws['C5'] = False
        ws['D5'] = datetime.datetime(2024, 9, 5, 13, 30, 15)
        ws['D5'].number_format = 'dd/mm/yyyy hh:mm:ss'
        ws['E5'] = datetime.time(13, 30)
        ws['F5'] = -1.5
        ws['G5'] = 1234567890123
        ws['H5'] = nfc(' khoảng trắng ')
        ws['I5'] = 'a & b < c > "d"'
        b = wb.create_sheet(nfc('Bạn đọc'))
        b['A1'] = nfc('Họ và tên')
        b['B1'] = nfc('Lớp')
        b['A2'] = nfc('Lê Thị Hồng Gấm')
        b['B2'] = '6A'
        h = wb.create_sheet(nfc('Ẩn'))
        h.sheet_state = 'hidden'
        h['A1'] = 1
        wb.save(sys.argv[1])
        """

    static func mainWorkbook() throws -> [UInt8] { try python(main, files: 1).files[0] }

    @Test func readsOpenpyxlsWorkbookCellByCell() throws {
        let workbook = try XLSXWorkbook(bytes: try Self.mainWorkbook())
        #expect(workbook.sheets.map(\.name) == ["Sách", "Bạn đọc", "Ẩn"])
        #expect(workbook.sheets.map(\.isHidden) == [false, false, true])
        #expect(workbook.sheets[0].part == Self.sheetPart)
        #expect(workbook.dateSystem == .date1900)
        let rows = try workbook.readRows(in: workbook.sheets[0])
        // Row 3 stores nothing, so it is absent; row 1 has no F.
        #expect(rows.map(\.index) == [1, 2, 4, 5])
        #expect(rows[0].cells.map(\.column) == [1, 2, 3, 4, 5, 7])
        #expect(rows[0][column: 7]?.value == .text("Ghi chú"))

        let row2 = rows[1]
        #expect(row2.cells.map(\.column) == [1, 2, 3, 4, 5, 7, 27])
        // As stored, byte for byte: openpyxl wrote NFC, and NFC comes back.
        guard case .text(let title) = row2[column: 1]?.value else { throw Failure("A2 is not text") }
        #expect(Array(title.utf8) == Array("Truyện Kiều".utf8))
        #expect(row2[column: 1]?.fontName == "Calibri" && row2[column: 1]?.runs == nil)
        #expect(row2[column: 3]?.value == .number(85000))
        #expect(row2[column: 4]?.value == .date(XLSXDate(year: 2024, month: 9, day: 5)))
        #expect(row2[column: 5]?.value == .bool(true))
        #expect(row2[column: 7]?.value == .number(3.25))
        #expect(row2[column: 27]?.value == .text("cột AA"))

        // Legacy-font text: the bytes typed in TCVN3 or VNI, and the font that says so.
        #expect(rows[2][column: 1] == XLSXCell(column: 1, value: .text("TruyÖn KiÒu"), fontName: ".VnTime"))
        #expect(rows[2][column: 2] == XLSXCell(column: 2, value: .text("NguyÔn Du"), fontName: "VNI-Times"))

        let row5 = rows[3]
        #expect(row5[column: 1]?.value == .empty, "a formula openpyxl wrote without a cached value")
        #expect(row5[column: 2]?.value == .error("#N/A"))
        #expect(row5[column: 3]?.value == .bool(false))
        #expect(row5[column: 4]?.value == .date(XLSXDate(year: 2024, month: 9, day: 5, secondsIntoDay: 13 * 3600 + 30 * 60 + 15)))
        #expect(row5[column: 5]?.value == .number(0.5625), "a time of day (h:mm:ss) stays the fraction of a day")
        #expect(row5[column: 6]?.value == .number(-1.5))
        #expect(row5[column: 7]?.value == .number(1_234_567_890_123))
        #expect(row5[column: 8]?.value == .text(" khoảng trắng "))
        #expect(row5[column: 9]?.value == .text("a & b < c > \"d\""))

        let patrons = try workbook.readRows(in: try #require(workbook.sheet(named: "Bạn đọc")))
        #expect(patrons.map { $0.cells.map(\.value) } == [[.text("Họ và tên"), .text("Lớp")], [.text("Lê Thị Hồng Gấm"), .text("6A")]])
        #expect(try workbook.readRows(in: workbook.sheets[2]) == [XLSXRow(index: 1, cells: [XLSXCell(column: 1, value: .number(1), fontName: "Calibri")])])
    }

    @Test func readsRowsOneAtATimeAndStopsAtTheEnd() throws {
        let workbook = try XLSXWorkbook(bytes: try Self.mainWorkbook())
        var reader = try workbook.rows(in: workbook.sheets[1])
        #expect(try reader.next()?.index == 1)
        #expect(try reader.next()?.index == 2)
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func limitsRowsCellsSizesAndTheFile() throws {
        let bytes = try Self.mainWorkbook()
        func failure(_ change: (inout XLSXLimits) -> Void, sheet: Int = 0) -> XLSXError? {
            var limits = XLSXLimits()
            change(&limits)
            do {
                let workbook = try XLSXWorkbook(bytes: bytes, limits: limits)
                _ = try workbook.readRows(in: workbook.sheets[sheet])
                return nil
            } catch {
                return error
            }
        }
        #expect(failure { $0.maxRows = 3 } == .limitExceeded(.rows, limit: 3, part: Self.sheetPart))
        #expect(failure({ $0.maxRows = 2 }, sheet: 1) == nil)
        #expect(failure { $0.maxCells = 5 } == .limitExceeded(.cells, limit: 5, part: Self.sheetPart))
        #expect(failure { $0.maxFileSize = 1000 } == .limitExceeded(.fileSize, limit: 1000, part: nil))
        #expect(failure { $0.maxTotalUncompressedSize = 4000 } == .limitExceeded(.totalUncompressedSize, limit: 4000, part: nil))
        #expect(failure { $0.maxEntryUncompressedSize = 1000 } == .limitExceeded(.entryUncompressedSize, limit: 1000, part: Self.sheetPart))
        #expect(
            XLSXError.limitExceeded(.cells, limit: 5, part: Self.sheetPart).description
                == "xl/worksheets/sheet1.xml: over the limit on the cells in a sheet (maxCells = 5)")
    }

    static let sharedStrings = """
        import sys, io, json, zipfile, unicodedata, openpyxl
        import xml.etree.ElementTree as ET
        from xml.sax.saxutils import escape
        from openpyxl.styles import Font
        M = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
        nfc = lambda s: unicodedata.normalize('NFC', s)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = nfc('Sách')
        ws['A1'] = nfc('Truyện Kiều')
        ws['B1'] = nfc('Truyện Kiều')
        ws['C1'] = nfc('Dế Mèn phiêu lưu ký')
        ws['A2'] = 'SAÙCH GIAÙO KHOA'
        ws['A2'].font = Font(name='VNI-Times')
        ws['B2'] = 'a & b < c'
        buf = io.BytesIO()
        wb.save(buf)
        zin = zipfile.ZipFile(buf)
        ET.register_namespace('', M)
        sheet = ET.fromstring(zin.read('xl/worksheets/sheet1.xml'))
        strings, index = [], {}
        for c in sheet.iter('{%s}c' % M):
            if c.get('t') == 'inlineStr':
                item = c.find('{%s}is' % M)
                text = ''.join(t.text or '' for t in item.iter('{%s}t' % M))
                c.remove(item)
                c.set('t', 's')
                if text not in index:
                    index[text] = len(strings)
                    strings.append(text)
                ET.SubElement(c, '{%s}v' % M).text = str(index[text])
        row = ET.SubElement(sheet.find('{%s}sheetData' % M), '{%s}row' % M, r='4')
        cell = ET.SubElement(row, '{%s}c' % M, r='A4', t='s')
        ET.SubElement(cell, '{%s}v' % M).text = str(len(strings))
        rich = ('<x:si><x:r><x:t xml:space="preserve">' + nfc('Sách: ') + '</x:t></x:r>'
            '<x:r><x:rPr><x:b/><x:sz val="12"/><x:rFont val=".VnTime"/><x:family val="2"/></x:rPr><x:t>TruyÖn KiÒu</x:t></x:r>'
            '<x:r><x:rPr><x:rFont val="Times New Roman"/></x:rPr><x:t xml:space="preserve"> – NXB</x:t></x:r>'
            '<x:rPh sb="0" eb="1"><x:t>PHONETIC</x:t></x:rPh><x:phoneticPr fontId="1"/></x:si>')
        items = ''.join('<x:si><x:t xml:space="preserve">%s</x:t></x:si>' % escape(s) for s in strings)
        count = len(strings) + 1
        sst = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><x:sst xmlns:x="%s" count="%d" uniqueCount="%d">%s%s</x:sst>' % (M, count, count, items, rich)
        rels = zin.read('xl/_rels/workbook.xml.rels').decode().replace('</Relationships>',
            '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        types = zin.read('[Content_Types].xml').decode().replace('</Types>',
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == 'xl/worksheets/sheet1.xml':
                    data = ET.tostring(sheet, xml_declaration=True, encoding='UTF-8')
                elif item.filename == 'xl/_rels/workbook.xml.rels':
                    data = rels.encode()
                elif item.filename == '[Content_Types].xml':
                    data = types.encode()
                z.writestr(item.filename, data)
            z.writestr('xl/sharedStrings.xml', sst.encode())
        back = openpyxl.load_workbook(sys.argv[1]).active
        print(json.dumps({c.coordinate: c.value for r in back.iter_rows() for c in r if c.value is not None}))
        """

    @Test func readsSharedStringsRichTextRunsAndTheirFonts() throws {
        let (files, stdout) = try Self.python(Self.sharedStrings, files: 1)
        let workbook = try XLSXWorkbook(bytes: files[0])
        let rows = try workbook.readRows(in: workbook.sheets[0])
        #expect(rows.map(\.index) == [1, 2, 4])
        #expect(rows[0].cells.map(\.value) == [.text("Truyện Kiều"), .text("Truyện Kiều"), .text("Dế Mèn phiêu lưu ký")])
        #expect(rows[1][column: 1] == XLSXCell(column: 1, value: .text("SAÙCH GIAÙO KHOA"), fontName: "VNI-Times"))
        #expect(rows[1][column: 2]?.value == .text("a & b < c"))
        // The runs, each in its own font; a run without rFont is in the cell's font. The phonetic
        // reading (rPh) is not text.
        let rich = try #require(rows[2][column: 1])
        #expect(rich.value == .text("Sách: TruyÖn KiÒu – NXB"))
        #expect(rich.fontName == "Calibri")
        #expect(
            rich.runs == [
                XLSXRun(text: "Sách: ", fontName: "Calibri"), XLSXRun(text: "TruyÖn KiÒu", fontName: ".VnTime"),
                XLSXRun(text: " – NXB", fontName: "Times New Roman"),
            ])

        // openpyxl reads the same file to the same texts.
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: String])
        var ours: [String: String] = [:]
        for row in rows {
            for cell in row.cells {
                if case .text(let text) = cell.value { ours["\(XLSXColumn.letters(of: cell.column))\(row.index)"] = text }
            }
        }
        #expect(ours == theirs)

        #expect(throws: XLSXError.limitExceeded(.sharedStrings, limit: 2, part: "xl/sharedStrings.xml")) {
            var limits = XLSXLimits()
            limits.maxSharedStrings = 2
            _ = try XLSXWorkbook(bytes: files[0], limits: limits)
        }
    }

    static let openpyxlVersion: String = {
        (try? runProgram("/usr/bin/python3", ["-c", "import openpyxl; print(openpyxl.__version__)"]).stdout)?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }()

    static var hasCellRichText: Bool {
        let parts = openpyxlVersion.split(separator: ".").compactMap { Int($0) }
        return parts.count >= 2 && (parts[0], parts[1]) >= (3, 1)
    }

    @Test(
        .enabled(
            if: hasCellRichText,
            "openpyxl before 3.1 has no CellRichText: rich-text runs are checked on the hand-built sharedStrings.xml above"))
    func readsOpenpyxlsOwnRichText() throws {
        let script = """
            import sys, openpyxl
            from openpyxl.cell.rich_text import CellRichText, TextBlock
            from openpyxl.cell.text import InlineFont
            wb = openpyxl.Workbook()
            wb.active['A1'] = CellRichText(['Sách: ', TextBlock(InlineFont(rFont='.VnTime'), 'TruyÖn KiÒu')])
            wb.save(sys.argv[1])
            """
        let workbook = try XLSXWorkbook(bytes: try Self.python(script, files: 1).files[0])
        let cell = try #require(try workbook.readRows(in: workbook.sheets[0]).first?[column: 1])
        #expect(cell.value == .text("Sách: TruyÖn KiÒu"))
        #expect(cell.runs?.map(\.fontName) == ["Calibri", ".VnTime"])
    }

    @Test func readsThe1904DateSystemAndISODates() throws {
        let script = """
            import sys, datetime, openpyxl
            from openpyxl.utils.datetime import CALENDAR_MAC_1904
            wb = openpyxl.Workbook()
            wb.epoch = CALENDAR_MAC_1904
            ws = wb.active
            ws['A1'] = datetime.date(2024, 9, 5)
            ws['A1'].number_format = 'dd/mm/yyyy'
            ws['A2'] = datetime.date(1904, 1, 1)
            ws['A2'].number_format = 'dd/mm/yyyy'
            wb.save(sys.argv[1])
            iso = openpyxl.Workbook()
            iso.iso_dates = True
            ws = iso.active
            ws['A1'] = datetime.datetime(2024, 9, 5, 13, 30)
            ws['A2'] = datetime.date(2024, 2, 29)
            iso.save(sys.argv[2])
            """
        let files = try Self.python(script, files: 2).files
        let mac = try XLSXWorkbook(bytes: files[0])
        #expect(mac.dateSystem == .date1904)
        #expect(
            try mac.readRows(in: mac.sheets[0]).map { $0.cells.map(\.value) } == [
                [.date(XLSXDate(year: 2024, month: 9, day: 5))], [.date(XLSXDate(year: 1904, month: 1, day: 1))],
            ])
        let iso = try XLSXWorkbook(bytes: files[1])
        #expect(
            try iso.readRows(in: iso.sheets[0]).map { $0.cells.map(\.value) } == [
                [.date(XLSXDate(year: 2024, month: 9, day: 5, secondsIntoDay: 13 * 3600 + 30 * 60))],
                [.date(XLSXDate(year: 2024, month: 2, day: 29))],
            ])
    }

    // MARK: - Damaged and hostile files

    static let damaged = """
        import sys, io, zipfile, unicodedata, openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws['A1'] = unicodedata.normalize('NFC', 'Truyện Kiều')
        ws['A2'] = unicodedata.normalize('NFC', 'Dế Mèn')
        buf = io.BytesIO()
        wb.save(buf)
        zin = zipfile.ZipFile(buf)
        name = 'xl/worksheets/sheet1.xml'
        bad = zin.read(name).replace(b'D&#7871; M&#232;n', b'D&bogus;')
        def repack(path, method, changed):
            with zipfile.ZipFile(path, 'w', method) as z:
                for item in zin.infolist():
                    z.writestr(item.filename, changed.get(item.filename, zin.read(item.filename)))
        repack(sys.argv[1], zipfile.ZIP_STORED, {})
        repack(sys.argv[2], zipfile.ZIP_DEFLATED, {name: bad})
        print(bad.index(b'&bogus;'))
        """

    /// A stored (uncompressed) copy of a small workbook, a deflated one whose sheet has an
    /// undefined entity, and the offset of that entity in the sheet's XML.
    static func damagedWorkbooks() throws -> (stored: [UInt8], badEntity: [UInt8], entityOffset: Int) {
        let (files, stdout) = try python(damaged, files: 2)
        return (files[0], files[1], try #require(Int(stdout.trimmingCharacters(in: .whitespacesAndNewlines))))
    }

    static func error(_ bytes: [UInt8], limits: XLSXLimits = XLSXLimits(), allSheets: Bool = true) -> XLSXError? {
        do {
            let workbook = try XLSXWorkbook(bytes: bytes, limits: limits)
            if allSheets { for sheet in workbook.sheets { _ = try workbook.readRows(in: sheet) } }
            return nil
        } catch {
            return error
        }
    }

    @Test func readsAStoredArchiveAndRefusesAFlippedByteByItsCRC() throws {
        let (stored, _, _) = try Self.damagedWorkbooks()
        let workbook = try XLSXWorkbook(bytes: stored)
        #expect(try workbook.readRows(in: workbook.sheets[0]).map { $0.cells.map(\.value) } == [[.text("Truyện Kiều")], [.text("Dế Mèn")]])
        // Stored, the sheet's XML stands in the file as it is (openpyxl writes `Truy&#7879;n`):
        // change one letter of it.
        var flipped = stored
        let at = try #require(ZIPFixture.find(Array("Truy&#".utf8), in: flipped))
        flipped[at] = UInt8(ascii: "X")
        let opened = try XLSXWorkbook(bytes: flipped)  // the sheet is inflated only when read
        #expect(throws: XLSXError.crcMismatch(part: Self.sheetPart)) { try opened.readRows(in: opened.sheets[0]) }
    }

    @Test func refusesASheetWithAnUndefinedEntityAtItsOffset() throws {
        let (_, bad, offset) = try Self.damagedWorkbooks()
        #expect(Self.error(bad) == .malformedXML(part: Self.sheetPart, XMLError(.undefinedEntity("bogus"), at: offset)))
        #expect(Self.error(bad)?.description == "\(Self.sheetPart): XML: the undefined entity &bogus; at byte \(offset)")
    }

    @Test func namesAMissingPartAndRefusesEncryptionOtherMethodsAndZIP64() throws {
        let (stored, bad, _) = try Self.damagedWorkbooks()
        var noWorkbook = bad
        ZIPFixture.rename("xl/workbook.xml", to: "xl/workbooq.xml", in: &noWorkbook)
        #expect(Self.error(noWorkbook) == .missingPart("xl/workbook.xml"))
        var noSheet = bad
        ZIPFixture.rename(Self.sheetPart, to: "xl/worksheets/sheet9.xml", in: &noSheet)
        #expect(Self.error(noSheet) == .missingPart(Self.sheetPart))

        var encrypted = stored
        ZIPFixture.patchCentral("xl/workbook.xml", at: 8, to: [0x01, 0x00], in: &encrypted)
        #expect(Self.error(encrypted) == .encrypted(part: "xl/workbook.xml"))
        var bzip2 = stored
        ZIPFixture.patchCentral("xl/workbook.xml", at: 10, to: [12, 0], in: &bzip2)
        #expect(Self.error(bzip2) == .unsupportedCompression(part: "xl/workbook.xml", method: 12))
        var zip64 = stored
        let eocd = try #require(ZIPFixture.find([0x50, 0x4B, 0x05, 0x06], in: zip64, last: true))
        zip64.replaceSubrange((eocd + 8)..<(eocd + 12), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Self.error(zip64) == .zip64)
    }

    @Test func refusesRandomBytesAndTruncatedFiles() throws {
        var random = SplitMix64(seed: 0x5155_4159)
        for length in [0, 1, 21, 22, 100, 4096, 70_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Self.error(bytes) == .notAZip, "\(length) random bytes")
        }
        #expect(Self.error([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)) == .compoundFile)
        #expect(Self.error(Array("PK\u{3}\u{4}".utf8)) == .truncated("no ZIP directory at the end"))

        let bytes = try Self.mainWorkbook()
        #expect(Self.error(bytes) == nil)
        for length in Array(stride(from: 4, to: bytes.count, by: 211)) + Array((bytes.count - 40)..<bytes.count) {
            guard case .truncated = Self.error(Array(bytes.prefix(length))) else {
                Issue.record("\(length) of \(bytes.count) bytes: \(String(describing: Self.error(Array(bytes.prefix(length)))))")
                continue
            }
        }
    }

    /// Bytes changed anywhere in a workbook: read or refused, never a trap.
    @Test func survivesRandomDamage() throws {
        let bytes = try Self.mainWorkbook()
        var random = SplitMix64(seed: 7)
        var refused = 0
        for _ in 0..<400 {
            var damaged = bytes
            for _ in 0..<random.next(1...4) { damaged[random.next(0...(bytes.count - 1))] = UInt8.random(in: 0...255, using: &random) }
            if Self.error(damaged) != nil { refused += 1 }
        }
        #expect(refused > 100)
    }

    static let bomb = """
        import sys, io, zipfile, zlib, openpyxl
        wb = openpyxl.Workbook()
        wb.active['A1'] = 'x'
        buf = io.BytesIO()
        wb.save(buf)
        zin = zipfile.ZipFile(buf)
        block = b' ' * (1 << 20)
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for item in zin.infolist():
                if item.filename == 'xl/worksheets/sheet1.xml':
                    with z.open(item.filename, 'w') as w:
                        w.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                        for _ in range(300):
                            w.write(block)
                        w.write(b'</sheetData></worksheet>')
                else:
                    z.writestr(item.filename, zin.read(item.filename))
        raw = zlib.compressobj(1, zlib.DEFLATED, -15)
        with open(sys.argv[2], 'wb') as f:
            for _ in range(32):
                f.write(raw.compress(block))
            f.write(raw.flush())
        """

    /// A sheet of 300 MiB of spaces deflated into about 1.4 MB, and 32 MiB of spaces as a raw
    /// deflate stream (made by Python's zipfile and zlib, streaming: neither holds it whole).
    @Test func refusesAZipBombAtItsLimits() throws {
        let files = try Self.python(Self.bomb, files: 2).files
        let bomb = files[0]
        let mebibyte = 1 << 20

        // Its declared size is over the per-part limit: refused on opening, nothing inflated.
        #expect(Self.error(bomb, allSheets: false) == .limitExceeded(.entryUncompressedSize, limit: 256 * mebibyte, part: Self.sheetPart))
        // With room for it, its ratio (about 230 to 1) is refused, again before inflating.
        var roomy = XLSXLimits()
        roomy.maxEntryUncompressedSize = 1024 * mebibyte
        roomy.maxTotalUncompressedSize = 1024 * mebibyte
        #expect(Self.error(bomb, limits: roomy, allSheets: false) == .limitExceeded(.compressionRatio, limit: 100, part: Self.sheetPart))
        // A header that lies (4 KiB declared): opened, then stopped at the first 64 KiB inflated.
        var lying = bomb
        ZIPFixture.patchCentral(Self.sheetPart, at: 24, to: [0x00, 0x10, 0x00, 0x00], in: &lying)
        let workbook = try XLSXWorkbook(bytes: lying)
        #expect(throws: XLSXError.corrupt(part: Self.sheetPart, reason: "it inflates past the 4096 bytes its header declares")) {
            try workbook.readRows(in: workbook.sheets[0])
        }

        // While inflating, with no declared size to go by: the ratio, then the per-part limit.
        let stream = files[1][...]
        let declared = 32 * mebibyte
        #expect(throws: XLSXError.limitExceeded(.compressionRatio, limit: 100, part: "raw")) {
            try ZIPArchive.inflate(stream, declaredSize: declared, limits: roomy, part: "raw")
        }
        var unbounded = roomy
        unbounded.maxCompressionRatio = .max
        unbounded.maxEntryUncompressedSize = 8 * mebibyte
        #expect(throws: XLSXError.limitExceeded(.entryUncompressedSize, limit: 8 * mebibyte, part: "raw")) {
            try ZIPArchive.inflate(stream, declaredSize: declared, limits: unbounded, part: "raw")
        }
        unbounded.maxEntryUncompressedSize = 64 * mebibyte
        let whole = try ZIPArchive.inflate(stream, declaredSize: declared, limits: unbounded, part: "raw")
        #expect(whole.count == declared && whole.allSatisfy { $0 == 0x20 })
        #expect(throws: XLSXError.truncated("raw ends inside its deflate stream")) {
            try ZIPArchive.inflate(stream.dropLast(100), declaredSize: declared, limits: unbounded, part: "raw")
        }
    }

    // MARK: - The pieces

    @Test func convertsColumnLetters() {
        #expect(XLSXColumn.index(of: "A") == 1)
        #expect(XLSXColumn.index(of: "Z") == 26)
        #expect(XLSXColumn.index(of: "AA") == 27)
        #expect(XLSXColumn.index(of: "az") == 52)
        #expect(XLSXColumn.index(of: "XFD") == 16_384)
        #expect(XLSXColumn.index(of: "XFE") == nil)
        #expect(XLSXColumn.index(of: "") == nil && XLSXColumn.index(of: "A1") == nil && XLSXColumn.index(of: "AAAA") == nil)
        for column in [1, 26, 27, 52, 702, 703, 16_384] {
            #expect(XLSXColumn.index(of: XLSXColumn.letters(of: column)) == column)
        }
        #expect(XLSXColumn.letters(of: 703) == "AAA")
    }

    @Test func convertsSerialsInBothDateSystems() {
        let system = XLSXDateSystem.date1900
        #expect(system.date(fromSerial: 1) == XLSXDate(year: 1900, month: 1, day: 1))
        #expect(system.date(fromSerial: 59) == XLSXDate(year: 1900, month: 2, day: 28))
        #expect(system.date(fromSerial: 60) == nil, "1900-02-29, Lotus's day that never was")
        #expect(system.date(fromSerial: 61) == XLSXDate(year: 1900, month: 3, day: 1))
        #expect(system.date(fromSerial: 45_540) == XLSXDate(year: 2024, month: 9, day: 5))
        #expect(system.date(fromSerial: 45_540.5) == XLSXDate(year: 2024, month: 9, day: 5, secondsIntoDay: 43_200))
        #expect(system.date(fromSerial: 45_540.999_999_9) == XLSXDate(year: 2024, month: 9, day: 6))
        #expect(system.date(fromSerial: 2_958_465) == XLSXDate(year: 9999, month: 12, day: 31))
        #expect(system.date(fromSerial: 2_958_466) == nil && system.date(fromSerial: 0) == nil && system.date(fromSerial: -1) == nil)
        #expect(system.date(fromSerial: .nan) == nil)
        #expect(XLSXDateSystem.date1904.date(fromSerial: 0) == XLSXDate(year: 1904, month: 1, day: 1))
        #expect(XLSXDateSystem.date1904.date(fromSerial: 45_540 - 1462) == XLSXDate(year: 2024, month: 9, day: 5))
        #expect(XLSXDate(year: 2024, month: 9, day: 5, secondsIntoDay: 48_615).description == "2024-09-05T13:30:15")
    }

    @Test func tellsDateFormatsFromOthers() {
        for code in ["dd/mm/yyyy", "d/m/yy", "mmm-yy", "mmmm", "[$-42A]dd/mm/yyyy", "dd/mm/yyyy hh:mm", "yyyy\"年\"m\"月\"d\"日\"", "[Red]dd/mm/yyyy"] {
            #expect(XLSXStyles.isDateFormat(code), "\(code)")
        }
        for code in ["General", "0", "#,##0", "0.00E+00", "h:mm", "mm:ss", "[h]:mm:ss", "[mm]:ss", "#,##0 \"đồng\"", "0\" ngày\"", "@", "0;[Red]-0"] {
            #expect(!XLSXStyles.isDateFormat(code), "\(code)")
        }
        #expect(XLSXStyles.builtInDateFormats.contains(14) && XLSXStyles.builtInDateFormats.contains(22))
        #expect(!XLSXStyles.builtInDateFormats.contains(20) && !XLSXStyles.builtInDateFormats.contains(0))
    }

    @Test func decodesEscapesAndResolvesTargets() {
        #expect(XLSXParts.decodeEscapes("a_x000D_b_x005F_x0041_") == "a\rb_x0041_")
        #expect(XLSXParts.decodeEscapes("_xD83D__xDE00_") == "😀")
        #expect(XLSXParts.decodeEscapes("no_escape_x12_") == "no_escape_x12_")
        #expect(XLSXParts.resolve("worksheets/sheet1.xml", from: "xl/workbook.xml") == "xl/worksheets/sheet1.xml")
        #expect(XLSXParts.resolve("/xl/worksheets/sheet1.xml", from: "xl/workbook.xml") == "xl/worksheets/sheet1.xml")
        #expect(XLSXParts.resolve("../media/a.png", from: "xl/drawings/d.xml") == "xl/media/a.png")
        #expect(XLSXParts.relationshipsPart(of: "xl/workbook.xml") == "xl/_rels/workbook.xml.rels")
        #expect(XLSXRowReader.isoDate("2024-02-30") == nil && XLSXRowReader.isoDate("13:30:00") == .number(0.5625))
    }
}

private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Byte surgery on a ZIP archive, for the damaged-file tests.
private enum ZIPFixture {
    static func find(_ needle: [UInt8], in bytes: [UInt8], last: Bool = false) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        let starts = Array(0...(bytes.count - needle.count))
        return (last ? starts.reversed() : starts).first { start in
            needle.indices.allSatisfy { bytes[start + $0] == needle[$0] }
        }
    }

    /// The offset of the central-directory header of `name`.
    static func central(_ name: String, in bytes: [UInt8]) -> Int? {
        let name = Array(name.utf8)
        var index = 0
        while let found = find([0x50, 0x4B, 0x01, 0x02], in: Array(bytes[index...])) {
            let header = index + found
            let length = Int(bytes[header + 28]) | Int(bytes[header + 29]) << 8
            if length == name.count && Array(bytes[(header + 46)..<(header + 46 + length)]) == name { return header }
            index = header + 4
        }
        return nil
    }

    static func patchCentral(_ name: String, at field: Int, to value: [UInt8], in bytes: inout [UInt8]) {
        guard let header = central(name, in: bytes) else {
            Issue.record("no \(name) in the archive")
            return
        }
        bytes.replaceSubrange((header + field)..<(header + field + value.count), with: value)
    }

    /// Renames an entry in its local header and the directory (same length).
    static func rename(_ name: String, to other: String, in bytes: inout [UInt8]) {
        let old = Array(name.utf8)
        let new = Array(other.utf8)
        precondition(old.count == new.count)
        while let at = find(old, in: bytes) { bytes.replaceSubrange(at..<(at + old.count), with: new) }
    }
}
