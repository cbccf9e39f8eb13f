import Foundation
import QuayTestSupport
import Testing

/// Issue 18's acceptance, at its sizes, through the real quayd and quay, on files committed in
/// `Fixtures/import/` (its README says which tool made each, from what): python3 wrote the UTF-8
/// original; glibc's iconv turned it into VISCII, CP1258 and TCVN5712-1 (VN1, which agrees with
/// TCVN3 on its letters; the text keeps to the capitals TCVN3 has); a converter typed from
/// UniKey's published tables into TCVN3, VNI and VPS; yaz-marcdump turned hand-made MARCXML into
/// ISO 2709, one record of it MARC-8; openpyxl wrote a workbook in the legacy fonts. The last
/// test makes them all again and requires the same bytes.
@Suite struct ImportAcceptanceTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("import")

    private func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

    private func python(_ script: String, _ arguments: [String] = []) throws {
        let result = try runProgram("/usr/bin/python3", ["-c", script] + arguments, timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The same text, scalar for scalar (String's == would let NFD pass for NFC).
    private func same(_ a: String?, _ b: String) -> Bool {
        a.map { Array($0.unicodeScalars) == Array(b.unicodeScalars) } ?? false
    }

    /// 400 titles of 5 copies, 2,000 rows, in each encoding: the encoding the title and author
    /// columns are read in, and the encoding's file exported after its import.
    @Test func twoThousandCopiesInEachLegacyEncodingComeInAsTheirUTF8Original() throws {
        let files: [(file: String, encoding: String)] = [
            ("catalogue-utf8.csv", "utf-8"), ("catalogue-tcvn5712.csv", "tcvn3"), ("catalogue-viscii.csv", "viscii"),
            ("catalogue-cp1258.csv", "cp1258"), ("catalogue-tcvn3.csv", "tcvn3"), ("catalogue-vni.csv", "vni"), ("catalogue-vps.csv", "vps"),
        ]
        var exports: [String: String] = [:]
        for (name, encoding) in files {
            let file = fixture(name)
            if encoding != "utf-8" { #expect(String(data: try Data(contentsOf: file), encoding: .utf8) == nil, "\(name) is not UTF-8") }
            let daemon = try DaemonHarness()
            let dry = try daemon.quay(["import", "catalogue", file.path, "--dry-run", "--json"])
            #expect(dry.status == 0, "\(name): \(dry.stdout)\(dry.stderr)")
            let preview = try json(dry.stdout)["result"] as? [String: Any]
            #expect((preview?["created"] as? [String: Int]) == ["records": 400, "copies": 2000], "\(name): \(dry.stdout.prefix(400))")
            let columns = preview?["columns"] as? [[String: Any]] ?? []
            #expect(columns.count == 5 && columns[1]["encoding"] as? String == encoding && columns[2]["encoding"] as? String == encoding, "\(name): \(columns)")
            let result = try daemon.quay(["import", "catalogue", file.path])
            #expect(result.status == 0 && result.stdout.contains("Imported: 400 records, 2000 copies."), "\(name): \(result.stdout)\(result.stderr)")
            let out = daemon.directory.appendingPathComponent("xuat.csv")
            #expect(try daemon.quay(["export", "catalogue", "--out", out.path]).status == 0)
            exports[name] = try String(contentsOf: out, encoding: .utf8)
        }
        let utf8 = try #require(exports["catalogue-utf8.csv"])
        #expect(utf8.contains("Ăn cổ tích truyện số 1,Đặng Văn Ơn"), "\(utf8.prefix(400))")
        #expect(exports.count == files.count)
        for (name, text) in exports {
            #expect(Array(text.unicodeScalars) == Array(utf8.unicodeScalars), "\(name) imports to other titles or authors than UTF-8")
        }
    }

    @Test func threeBadRowsAmongAThousandAreRefusedThenSkippedExactly() throws {
        let daemon = try DaemonHarness()
        let file = daemon.directory.appendingPathComponent("nghin.csv")
        try python(
            """
            import sys
            with open(sys.argv[1], 'w', encoding='utf-8') as f:
                f.write('Số ĐKCB,Nhan đề,Giá\\n')
                for n in range(1000):
                    line = n + 2
                    title = '' if line == 120 else 'Sách số %d' % n
                    price = 'hai nghìn' if line == 480 else '2000'
                    number = 5 if line == 901 else n + 1
                    f.write('STK.%06d,%s,%s\\n' % (number, title, price))
            """, [file.path])
        let refused = try daemon.quay(["import", "catalogue", file.path])
        #expect(refused.status == 1 && refused.stdout.contains("Nothing imported: 3 problems"), "\(refused.stdout)")
        #expect(refused.stdout.contains("line 120, column B: no title") && refused.stdout.contains("line 480, column C: the price hai nghìn is not an amount"))
        #expect(refused.stdout.contains("line 901: the accession number STK.000005 is on line 6 too"), "\(refused.stdout)")
        #expect(try daemon.quay(["item", "show", "STK.000001"]).status == 1, "nothing was written")
        let skipped = try daemon.quay(["import", "catalogue", file.path, "--skip-bad-rows"])
        #expect(skipped.status == 0 && skipped.stdout.contains("Imported: 997 records, 997 copies.") && skipped.stdout.contains("Skipped lines: 120, 480, 901"), "\(skipped.stdout)")
        let next = try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Tiếp theo"])
        #expect(next.stdout.contains("STK.001001"), "the number after the highest imported: \(next.stdout)")
    }

    @Test func aKohaFileOfFiveHundredRecordsComesInWithItsBarcodesAndCallNumbers() throws {
        let daemon = try DaemonHarness()
        let file = fixture("koha.mrc")
        // 500 records in UTF-8 (Leader/09 'a'), then one in MARC-8 (Leader/09 blank; ANSEL
        // diacritics before their letters, Đ as A3), all written by yaz-marcdump.
        let records = [UInt8](try Data(contentsOf: file)).split(separator: 0x1D).map { Array($0) }
        #expect(records.count == 501 && records.dropLast().allSatisfy { $0.count > 24 && $0[9] == UInt8(ascii: "a") }, "\(records.count) records")
        let marc8Bytes = try #require(records.last)
        #expect(marc8Bytes.count > 24 && marc8Bytes[9] == 0x20 && marc8Bytes.contains(0xA3), "MARC-8 (Leader/09 blank, Đ as 0xA3)")

        let result = try daemon.quay(["import", "catalogue", file.path])
        #expect(result.status == 0 && result.stdout.contains("Imported: 501 records, 1501 copies."), "\(result.stdout)\(result.stderr)")
        for barcode in ["30234000000000", "30234000000749", "30234000001499"] {
            let copy = try daemon.quay(["item", "show", barcode, "--json"])
            #expect(copy.status == 0 && copy.stdout.contains("\"barcode\":\"\(barcode)\"") && copy.stdout.contains("NG-V"), "\(barcode): \(copy.stdout)")
        }
        let marc8Copy = try daemon.quay(["item", "show", "30234009999999", "--json"])
        #expect(marc8Copy.stdout.contains("Địa lý Việt Nam"), "\(marc8Copy.stdout)")
        let marc8Title = (try json(marc8Copy.stdout)["result"] as? [String: Any])?["title"] as? String
        #expect(same(marc8Title, "Địa lý Việt Nam"), "NFC from MARC-8: \(marc8Title.map { title in title.unicodeScalars.map { String($0.value, radix: 16) } } ?? [])")
        let again = try daemon.quay(["import", "catalogue", file.path])
        #expect(again.status == 0 && again.stdout.contains("Imported: 0 records, 0 copies.") && again.stdout.contains("1501 copies were there already"), "\(again.stdout)")
    }

    /// Five records, the third with a directory entry pointing past its data (yaz-marcdump says
    /// "Data out of bounds" of it): refused whole with that record's ordinal and offset, or
    /// imported without it.
    @Test func aBrokenMARCRecordAmongGoodOnesIsNamedThenSkipped() throws {
        let daemon = try DaemonHarness()
        let file = fixture("broken.mrc")
        let bytes = [UInt8](try Data(contentsOf: file))
        let ends = bytes.indices.filter { bytes[$0] == 0x1D }
        #expect(ends.count == 5, "five records")
        let third = ends.count > 1 ? ends[1] + 1 : -1
        #expect(third == 222, "record 3 starts after records of 118 and 104 bytes (README)")

        let refused = try daemon.quay(["import", "catalogue", file.path])
        #expect(refused.status == 1 && refused.stdout.contains("Nothing imported: 1 problems"), "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("line 3: record 3 is broken at byte \(third)") && refused.stdout.contains("(tag 245) points at bytes 99000..<"), "\(refused.stdout)")
        #expect(try daemon.quay(["item", "show", "30234020000001"]).status == 1, "nothing was written")

        let skipped = try daemon.quay(["import", "catalogue", file.path, "--skip-bad-rows"])
        #expect(skipped.status == 0 && skipped.stdout.contains("Imported: 4 records, 4 copies.") && skipped.stdout.contains("Skipped lines: 3"), "\(skipped.stdout)")
        for barcode in ["30234020000001", "30234020000002", "30234020000004", "30234020000005"] {
            #expect(try daemon.quay(["item", "show", barcode]).status == 0, "\(barcode) came in")
        }
        #expect(try daemon.quay(["item", "show", "30234020000003"]).status == 1, "the broken record's copy did not")
        let after = try daemon.quay(["item", "show", "30234020000004", "--json"])
        #expect(after.stdout.contains("Vợ nhặt"), "the record after the broken one is whole: \(after.stdout)")
    }

    /// A workbook typed in the legacy fonts: titles in .VnTime (TCVN3), one in .VnTimeH (its
    /// capitals), most authors in VNI-Times (VNI), the rest and the publishers in Unicode. Each
    /// copy comes in as `legacy-fonts-expected.csv` says, in NFC.
    @Test func aWorkbookInLegacyFontsComesInAsItsExpectedText() throws {
        let daemon = try DaemonHarness()
        let result = try daemon.quay(["import", "catalogue", fixture("legacy-fonts.xlsx").path, "--json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let reply = try json(result.stdout)["result"] as? [String: Any]
        #expect(reply?["format"] as? String == "xlsx" && (reply?["created"] as? [String: Int]) == ["records": 20, "copies": 20], "\(result.stdout)")
        let columns = reply?["columns"] as? [[String: Any]] ?? []
        #expect(columns.map { $0["header"] as? String } == ["Số ĐKCB", "Nhan đề", "Tác giả", "Giá", "Nhà xuất bản"], "\(columns)")
        #expect(columns.count == 5 && columns[1]["encoding"] as? String == "tcvn3" && columns[1]["confidence"] as? String == "font", "\(columns)")
        #expect(columns.count == 5 && columns[2]["encoding"] as? String == "vni" && columns[2]["confidence"] as? String == "font", "\(columns)")

        let expected = try String(contentsOf: fixture("legacy-fonts-expected.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(expected.count == 20 && expected.allSatisfy { $0.count == 5 }, "\(expected)")
        for row in expected where row.count == 5 {
            let copy = try daemon.quay(["item", "show", row[0], "--json"])
            let item = try json(copy.stdout)["result"] as? [String: Any]
            #expect(same(item?["title"] as? String, row[1]), "\(row[0]) title: \(item?["title"] ?? "none") for \(row[1])")
            #expect(same(item?["authors"] as? String, row[2]), "\(row[0]) author: \(item?["authors"] ?? "none") for \(row[2])")
            let id = try #require(item?["record_id"] as? Int, "\(copy.stdout)")
            let record = try json(daemon.quay(["record", "show", String(id), "--json"]).stdout)["result"] as? [String: Any]
            #expect(same(record?["publisher"] as? String, row[4]), "\(row[0]) publisher: \(record?["publisher"] ?? "none") for \(row[4])")
            #expect(record?["price"] as? Int == Int(row[3]) || item?["price"] as? Int == Int(row[3]), "\(row[0]) price")
        }
    }

    /// The committed fixtures are what their tools make: make-fixtures.sh run into a temporary
    /// directory writes every one of them again, byte for byte, and nothing else.
    @Test func theCommittedFixturesAreWhatTheirToolsMake() throws {
        let holder = try DaemonHarness(start: false)
        let out = holder.directory.appendingPathComponent("fixtures")
        let made = try runProgram("/bin/sh", [fixture("make-fixtures.sh").path, out.path], timeout: 300)
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let tools: Set<String> = ["README.md", "make-fixtures.sh", "fixtures.py", "legacy.py", "__pycache__"]
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { !tools.contains($0) }.sorted()
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(committed.count == 11 && written == committed, "written \(written), committed \(committed)")
        for name in committed {
            let original = try Data(contentsOf: fixture(name))
            let again = try? Data(contentsOf: out.appendingPathComponent(name))
            #expect(again == original, "\(name) differs from what make-fixtures.sh writes")
        }
        withExtendedLifetime(holder) {}
    }
}
