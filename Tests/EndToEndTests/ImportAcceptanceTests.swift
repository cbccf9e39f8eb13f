import Foundation
import QuayTestSupport
import Testing

/// Issue 18's acceptance, at its sizes, through the real quayd and quay. The files are made at
/// run time by independent tools: python3 writes the UTF-8 original, glibc's iconv turns it into
/// TCVN5712-1 (TCVN3's letters; the text keeps to the seven capitals TCVN3 has), VISCII and
/// CP1258; yaz-marcdump turns hand-made MARCXML into ISO 2709, one record of it MARC-8.
@Suite struct ImportAcceptanceTests {
    private func python(_ script: String, _ arguments: [String] = []) throws {
        let result = try runProgram("/usr/bin/python3", ["-c", script] + arguments, timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// 400 titles of 5 copies: 2,000 rows.
    private static let catalogue = """
        import sys
        words = ['truyện', 'cổ tích', 'lớp năm', 'học tốt', 'tiếng việt', 'đường về', 'mùa thu', 'quê hương', 'ước mơ', 'bạn nhỏ']
        names = ['Nguyễn Thị Hương', 'Đặng Văn Ơn', 'Trần Thị Ngân', 'Lê Văn Ước', 'Phạm Thị Ngọc']
        with open(sys.argv[1], 'w', encoding='utf-8', newline='') as f:
            f.write('Số ĐKCB,Nhan đề,Tác giả,Giá,Ngày vào sổ\\r\\n')
            for n in range(2000):
                t = n // 5
                title = 'Ăn ' + words[t % 10] + ' ' + words[(t // 10) % 10] + ' số ' + str(t)
                f.write('STK.%06d,%s,%s,%d,05/09/2020\\r\\n' % (n + 1, title, names[t % 5], 10000 + t))
        """

    @Test func twoThousandCopiesInEachLegacyEncodingComeInAsTheirUTF8Original() throws {
        let holder = try DaemonHarness(start: false)
        let work = holder.directory
        let original = work.appendingPathComponent("utf8.csv")
        try python(Self.catalogue, [original.path])
        var exports: [String: String] = [:]
        for encoding in ["UTF-8", "TCVN5712-1", "VISCII", "CP1258"] {
            let file = work.appendingPathComponent("\(encoding).csv")
            let converted = try runProgram("/usr/bin/iconv", ["-f", "UTF-8", "-t", encoding, "-o", file.path, original.path])
            #expect(converted.status == 0, "\(encoding): \(converted.stderr)")
            let daemon = try DaemonHarness()
            let result = try daemon.quay(["import", "catalogue", file.path])
            #expect(result.status == 0 && result.stdout.contains("Imported: 400 records, 2000 copies."), "\(encoding): \(result.stdout)\(result.stderr)")
            let out = daemon.directory.appendingPathComponent("xuat.csv")
            #expect(try daemon.quay(["export", "catalogue", "--out", out.path]).status == 0)
            exports[encoding] = try String(contentsOf: out, encoding: .utf8)
        }
        let utf8 = try #require(exports["UTF-8"])
        #expect(utf8.contains("Ăn cổ tích truyện số 1,Đặng Văn Ơn"), "\(utf8.prefix(400))")
        for (encoding, text) in exports { #expect(text == utf8, "\(encoding) imports to other titles or authors than UTF-8") }
        withExtendedLifetime(holder) {}
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
        let xml = daemon.directory.appendingPathComponent("koha.xml")
        try python(
            """
            import sys, unicodedata
            from xml.sax.saxutils import escape
            out = ['<?xml version="1.0" encoding="UTF-8"?>', '<collection xmlns="http://www.loc.gov/MARC21/slim">']
            for r in range(500):
                f = ['<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">%d</controlfield>' % (r + 1)]
                f.append('<datafield tag="082" ind1="0" ind2="4"><subfield code="a">895.922%d</subfield></datafield>' % (r % 10))
                f.append('<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Nguyễn Văn %d</subfield></datafield>' % r)
                f.append('<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Truyện ngắn tập %d /</subfield></datafield>' % r)
                for c in range(3):
                    f.append('<datafield tag="952" ind1=" " ind2=" "><subfield code="p">3023400%07d</subfield><subfield code="o">895.922%d NG-V</subfield><subfield code="y">STK</subfield><subfield code="c">KE-%d</subfield></datafield>' % (r * 3 + c, r % 10, c))
                f.append('</record>')
                out.append(''.join(f))
            out.append('</collection>')
            open(sys.argv[1], 'w', encoding='utf-8').write('\\n'.join(out))
            """, [xml.path])
        let converted = try runProgram("/usr/bin/yaz-marcdump", ["-i", "marcxml", "-o", "marc", xml.path], timeout: 60)
        #expect(converted.status == 0, "\(converted.stderr)")
        // One more record in MARC-8 (Leader/09 blank; ANSEL diacritics before their letters), by
        // yaz from decomposed text (MARC-8 has no combining horn: this title has no ơ or ư).
        let marc8XML = daemon.directory.appendingPathComponent("marc8.xml")
        try python(
            """
            import sys, unicodedata
            x = '<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">Địa lý Việt Nam</subfield></datafield><datafield tag="952" ind1=" " ind2=" "><subfield code="p">30234009999999</subfield><subfield code="y">STK</subfield></datafield></record></collection>'
            open(sys.argv[1], 'w', encoding='utf-8').write(unicodedata.normalize('NFD', x))
            """, [marc8XML.path])
        // MARC-8 is not UTF-8: yaz writes it to a file, not through a String.
        let marc8File = daemon.directory.appendingPathComponent("marc8.mrc")
        let marc8 = try runProgram(
            "/bin/sh", ["-c", "/usr/bin/yaz-marcdump -i marcxml -o marc -f UTF-8 -t MARC-8 -l 9=32 \"$1\" > \"$2\"", "sh", marc8XML.path, marc8File.path])
        let marc8Bytes = [UInt8](try Data(contentsOf: marc8File))
        #expect(marc8.status == 0 && marc8Bytes.count > 24 && marc8Bytes[9] == 0x20 && marc8Bytes.contains(0xA3), "MARC-8 (Leader/09 blank, Đ as 0xA3): \(marc8.stderr)")
        let file = daemon.directory.appendingPathComponent("koha.mrc")
        try Data(Array(converted.stdout.utf8) + marc8Bytes).write(to: file)

        let result = try daemon.quay(["import", "catalogue", file.path])
        #expect(result.status == 0 && result.stdout.contains("Imported: 501 records, 1501 copies."), "\(result.stdout)\(result.stderr)")
        for barcode in ["30234000000000", "30234000000749", "30234000001499"] {
            let copy = try daemon.quay(["item", "show", barcode, "--json"])
            #expect(copy.status == 0 && copy.stdout.contains("\"barcode\":\"\(barcode)\"") && copy.stdout.contains("NG-V"), "\(barcode): \(copy.stdout)")
        }
        let marc8Copy = try daemon.quay(["item", "show", "30234009999999", "--json"])
        #expect(marc8Copy.stdout.contains("Địa lý Việt Nam"), "\(marc8Copy.stdout)")
        let again = try daemon.quay(["import", "catalogue", file.path])
        #expect(again.status == 0 && again.stdout.contains("Imported: 0 records, 0 copies.") && again.stdout.contains("1501 copies were there already"), "\(again.stdout)")
    }
}
