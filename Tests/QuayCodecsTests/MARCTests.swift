import Foundation
import QuayTestSupport
import Testing

@testable import QuayCodecs

/// The MARC 21 codec, checked against yaz-marcdump (Debian package `yaz`), an independent
/// reader and writer of ISO 2709, MARCXML and MARC-8.
enum MARCFixtures {
    /// Three records as a school's catalogue holds them: Vietnamese titles, repeated fields,
    /// blank indicators, a subfield code that is a digit, an empty subfield.
    static let records: [MARCRecord] = [
        MARCRecord(fields: [
            .control(tag: "001", value: "VN-0001"),
            .control(tag: "008", value: "240101s2019    vm            000 0 vie d"),
            .data(tag: "020", ind1: " ", ind2: " ", subfields: [MARCSubfield("a", "9786040000001")]),
            .data(tag: "100", ind1: "1", ind2: " ", subfields: [MARCSubfield("a", "Nguyễn Du")]),
            .data(
                tag: "245", ind1: "1", ind2: "0",
                subfields: [MARCSubfield("a", "Truyện Kiều /"), MARCSubfield("c", "Nguyễn Du ; Đào Duy Anh khảo đính.")]),
            .data(tag: "650", ind1: " ", ind2: "7", subfields: [MARCSubfield("a", "Thơ lục bát"), MARCSubfield("2", "bộ từ khóa")]),
            .data(tag: "650", ind1: " ", ind2: "7", subfields: [MARCSubfield("a", "Văn học Việt Nam"), MARCSubfield("x", "")]),
        ]),
        MARCRecord(
            leader: "00000cam a2200000 i 4500",
            fields: [
                .control(tag: "001", value: "VN-0002"),
                .data(tag: "245", ind1: "0", ind2: "0", subfields: [MARCSubfield("a", "Tiếng Việt 1. Tập một")]),
                .data(tag: "260", ind1: " ", ind2: " ", subfields: [MARCSubfield("a", "Hà Nội :"), MARCSubfield("b", "Giáo dục Việt Nam,")]),
                .data(tag: "852", ind1: " ", ind2: " ", subfields: [MARCSubfield("h", "495.922 TI-V"), MARCSubfield("p", "STK.000045")]),
            ]),
        MARCRecord(fields: [
            .control(tag: "001", value: "VN-0003"),
            .data(
                tag: "245", ind1: "1", ind2: "4",
                subfields: [MARCSubfield("a", "The ĐẠI NAM quốc âm tự vị :"), MARCSubfield("b", "ỨNG Ửng ỡ ữ ỵ ỷ")]),
        ]),
    ]

    /// `text` as MARC-8 bytes: ASCII as itself, `{XX}` as the byte 0xXX, so that fixtures
    /// read like the tables (`Ti{E3}{E2}eng` is "Tiếng").
    static func marc8(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = Substring(text)
        while let first = rest.first {
            if first == "{", let close = rest.firstIndex(of: "}") {
                bytes.append(UInt8(rest[rest.index(after: rest.startIndex)..<close], radix: 16)!)
                rest = rest[rest.index(after: close)...]
            } else {
                bytes.append(first.asciiValue!)
                rest = rest.dropFirst()
            }
        }
        return bytes
    }

    /// An ISO 2709 record around raw field contents (without terminators), assembled here
    /// rather than by MARCWriter: MARC-8 fixtures and corruptions need bytes the writer never
    /// makes.
    static func iso2709(leader: String, _ fields: [(tag: String, content: [UInt8])]) -> [UInt8] {
        var directory: [UInt8] = []
        var data: [UInt8] = []
        for (tag, content) in fields {
            directory += Array(tag.utf8) + Array(String(format: "%04d%05d", content.count + 1, data.count).utf8)
            data += content + [0x1E]
        }
        let base = 24 + directory.count + 1
        var bytes = Array(leader.utf8)
        bytes.replaceSubrange(0..<5, with: Array(String(format: "%05d", base + data.count + 1).utf8))
        bytes.replaceSubrange(12..<17, with: Array(String(format: "%05d", base).utf8))
        return bytes + directory + [0x1E] + data + [0x1D]
    }

    /// A data field's content: indicators, then each subfield's delimiter, code and bytes.
    static func dataField(_ indicators: String, _ subfields: [(Character, [UInt8])]) -> [UInt8] {
        Array(indicators.utf8) + subfields.flatMap { [0x1F, $0.0.asciiValue!] + $0.1 }
    }

    /// Every result of a reader over `bytes`, which is fed in chunks of `chunk` bytes (0: at once).
    static func results(_ bytes: [UInt8], chunk: Int = 0, encoding: MARCReader.Encoding? = nil) -> [Result<MARCRecord, MARCError>] {
        var reader = MARCReader(encoding: encoding)
        var results: [Result<MARCRecord, MARCError>] = []
        var rest = bytes[...]
        repeat {
            let piece = chunk == 0 ? rest : rest.prefix(chunk)
            reader.append(piece)
            rest = rest.dropFirst(piece.count)
            if rest.isEmpty { reader.finish() }
            while let result = reader.next() { results.append(result) }
        } while !rest.isEmpty
        return results
    }

    /// Records as yaz-marcdump's line format prints them: the leader, `001 value`,
    /// `245 10 $a value $c value`.
    static func lines(_ records: [MARCRecord]) -> [String] {
        records.flatMap { record in
            [record.leaderText]
                + record.fields.map { field in
                    switch field {
                    case .control(let tag, let value): "\(tag) \(value)"
                    case .data(let tag, let ind1, let ind2, let subfields):
                        "\(tag) \(ind1)\(ind2)" + subfields.map { " $\($0.code) \($0.value)" }.joined()
                    }
                }
        }
    }
}

/// yaz-marcdump, run on a file of `bytes`.
enum Yaz {
    static let path = "/usr/bin/yaz-marcdump"

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "\(Yaz.path) is missing: these tests check the MARC codec against it; install the Debian package yaz (apt-get install yaz; scripts/bootstrap)"
        }
    }

    struct Failed: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "yaz-marcdump exited \(status): \(stderr)" }
    }

    static func run(_ arguments: [String], input: [UInt8]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quay-marc-\(UUID().uuidString)")
        try Data(input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runProgram(path, arguments + [file.path])
        guard result.status == 0, result.stderr.isEmpty else { throw Failed(status: result.status, stderr: result.stderr) }
        return result.stdout
    }

    /// yaz's line format, one string a line, blank lines (between records) left out, in NFC:
    /// yaz leaves MARC-8's combining marks decomposed.
    static func lines(_ arguments: [String], input: [UInt8]) throws -> [String] {
        try run(arguments + ["-o", "line"], input: input).split(separator: "\n").map { String($0).precomposedStringWithCanonicalMapping }
    }
}

/// Strings compared scalar by scalar: Swift's `==` holds NFC and NFD equal, which would hide
/// an unnormalised value.
func scalars(_ lines: [String]) -> [[UInt32]] { lines.map { $0.unicodeScalars.map(\.value) } }

@Suite struct MARCWriterTests {
    @Test func aSmallRecordIsWrittenToTheByte() throws {
        // The leader's positions that describe the bytes are filled in whatever they held.
        let record = MARCRecord(
            leader: "?????nam  ??????? a ????",
            fields: [
                .control(tag: "001", value: "VN42"),
                .data(tag: "245", ind1: "1", ind2: "0", subfields: [MARCSubfield("a", "Tiếng Việt"), MARCSubfield("c", "Nguyễn")]),
            ])
        // By hand: 001 is "VN42" + 1E = 5 bytes at 0. 245 is "10" (2) + 1F "a" "Tiếng Việt"
        // (2 + 14: ế and ệ are 3 bytes each) + 1F "c" "Nguyễn" (2 + 8) + 1E (1) = 29 bytes at 5.
        // Directory: 2 × 12 + 1E = 25, so the base address is 24 + 25 = 49; the record is
        // 49 + 34 + 1D = 84 bytes.
        let expected =
            "00084nam a2200049 a 4500" + "001000500000" + "245002900005" + "\u{1E}" + "VN42\u{1E}"
            + "10\u{1F}aTiếng Việt\u{1F}cNguyễn\u{1E}" + "\u{1D}"
        let bytes = try MARCWriter.iso2709(record)
        #expect(bytes == Array(expected.utf8))
        #expect(bytes.count == 84)
    }

    @Test func yazReadsWhatWeWriteFieldForField() throws {
        let bytes = try MARCWriter.iso2709(MARCFixtures.records)
        let written = MARCFixtures.results(bytes).map { try! $0.get() }
        let yaz = try Yaz.lines(["-i", "marc"], input: bytes)
        #expect(yaz == MARCFixtures.lines(written))
        #expect(scalars(yaz) == scalars(MARCFixtures.lines(written)))
        // The same through yaz's MARCXML: its document and ours differ only in indentation
        // and in yaz's escaping of quotes.
        let theirs = try Yaz.run(["-i", "marc", "-o", "marcxml"], input: bytes)
        let ours = try MARCXMLWriter.collection(written)
        func shape(_ xml: String) -> [String] {
            xml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "&quot;", with: "\"") }
                .filter { !$0.hasPrefix("<?xml") }
        }
        #expect(shape(theirs) == shape(ours))
    }

    @Test func aRecordReadBackIsTheRecordWritten() throws {
        for record in MARCFixtures.records {
            let bytes = try MARCWriter.iso2709(record)
            let read = try #require(MARCFixtures.results(bytes).first).get()
            #expect(read.fields == record.fields)
            #expect(scalars(read.fields.flatMap { $0.subfields.map(\.value) }) == scalars(record.fields.flatMap { $0.subfields.map(\.value) }))
            #expect(read.leader == Array(bytes[0..<24]))
            #expect(try MARCWriter.iso2709(read) == bytes)
        }
    }

    @Test func aRecordWithoutFieldsIsALeaderAndTwoTerminators() throws {
        let bytes = try MARCWriter.iso2709(MARCRecord(fields: []))
        #expect(bytes == Array("00026nam a2200025 a 4500\u{1E}\u{1D}".utf8))
        #expect(try MARCFixtures.results(bytes).map { try $0.get().fields } == [[]])
    }

    @Test func valuesAreWrittenInNFC() throws {
        let decomposed = "Vie\u{0323}\u{0302}t"  // ệ as e, dot below, circumflex
        let bytes = try MARCWriter.iso2709(
            MARCRecord(fields: [.data(tag: "245", ind1: "0", ind2: "0", subfields: [MARCSubfield("a", decomposed)])]))
        #expect(bytes.count == 24 + 13 + 2 + 2 + 6 + 1 + 1)
        #expect(Array(bytes[(24 + 13 + 4)...].dropLast(2)) == Array("Việt".utf8))
    }

    @Test func whatISO2709CannotHoldIsRefused() {
        func write(_ fields: [MARCField], leader: String = "00000nam a2200000 a 4500") throws(MARCWriteError) {
            _ = try MARCWriter.iso2709(MARCRecord(leader: leader, fields: fields))
        }
        let long = String(repeating: "ạ", count: 3_000)  // 9,000 bytes; its field is 9,005
        #expect(throws: MARCWriteError.recordTooLong(bytes: 24 + 12 * 12 + 1 + 12 * 9_005 + 1)) {
            try write(Array(repeating: .data(tag: "505", ind1: "0", ind2: " ", subfields: [MARCSubfield("a", long)]), count: 12))
        }
        #expect(throws: MARCWriteError.fieldTooLong(tag: "505", bytes: 2 + 2 + 9_000 + 2 + 1_000 + 1)) {
            try write([.data(tag: "505", ind1: "0", ind2: " ", subfields: [MARCSubfield("a", long), MARCSubfield("t", String(repeating: "x", count: 1_000))])])
        }
        #expect(throws: MARCWriteError.characterNotAllowed(tag: "245", "\u{1E}")) {
            try write([.data(tag: "245", ind1: "0", ind2: "0", subfields: [MARCSubfield("a", "a\u{1E}b")])])
        }
        #expect(throws: MARCWriteError.indicatorInvalid(tag: "245", "ấ")) {
            try write([.data(tag: "245", ind1: "ấ", ind2: "0", subfields: [])])
        }
        #expect(throws: MARCWriteError.subfieldCodeInvalid(tag: "245", " ")) {
            try write([.data(tag: "245", ind1: "0", ind2: "0", subfields: [MARCSubfield(" ", "x")])])
        }
        #expect(throws: MARCWriteError.tagInvalid("245")) { try write([.control(tag: "245", value: "x")]) }
        #expect(throws: MARCWriteError.tagInvalid("008")) { try write([.data(tag: "008", ind1: " ", ind2: " ", subfields: [])]) }
        #expect(throws: MARCWriteError.tagInvalid("24")) { try write([.data(tag: "24", ind1: " ", ind2: " ", subfields: [])]) }
        #expect(throws: MARCWriteError.leaderInvalid) { try write([], leader: "00000nam a2200000 a 450") }
    }
}

extension MARCWriterTests {
    /// What a writer that splits records adds up is what the record comes to.
    @Test func encodedLengthsAddUpToTheRecordsLength() throws {
        for record in MARCFixtures.records {
            let length = 24 + 1 + 1 + record.fields.reduce(0) { $0 + MARCWriter.encodedLength(of: $1) }
            #expect(length == (try MARCWriter.iso2709(record)).count)
        }
    }
}

@Suite struct MARCXMLTests {
    @Test func aSmallRecordIsWrittenToTheCharacter() throws {
        let record = MARCRecord(
            leader: "00000nam  2200000 a 4500",
            fields: [
                .control(tag: "001", value: "VN&1"),
                .data(tag: "245", ind1: "1", ind2: "\"", subfields: [MARCSubfield("a", "A < B > C \"q\" Đ\r")]),
            ])
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <collection xmlns="http://www.loc.gov/MARC21/slim">
              <record>
                <leader>00000nam a2200000 a 4500</leader>
                <controlfield tag="001">VN&amp;1</controlfield>
                <datafield tag="245" ind1="1" ind2="&quot;">
                  <subfield code="a">A &lt; B &gt; C "q" Đ&#13;</subfield>
                </datafield>
              </record>
            </collection>

            """
        #expect(try MARCXMLWriter.collection([record]) == expected)
    }

    @Test func yazReadsOurMARCXMLBackFieldForField() throws {
        var records = MARCFixtures.records
        records[2].fields.append(
            .data(tag: "500", ind1: " ", ind2: " ", subfields: [MARCSubfield("a", "Sách & vở <lớp 1> \"mới\" 'cũ' ]]>")]))
        let xml = try MARCXMLWriter.collection(records)
        let yaz = try Yaz.lines(["-i", "marcxml"], input: Array(xml.utf8))
        // yaz puts the lengths it computes into the leader; the rest must be ours.
        let ours = MARCFixtures.lines(records)
        #expect(yaz.count == ours.count)
        for (theirs, mine) in zip(yaz, ours) where !mine.hasPrefix("0000") {
            #expect(theirs.unicodeScalars.elementsEqual(mine.unicodeScalars), "yaz: \(theirs)\nours: \(mine)")
        }
    }

    /// Written field by field (an export streams a title's holdings), a record is the record.
    @Test func aRecordWrittenFieldByFieldIsTheRecord() throws {
        for record in MARCFixtures.records {
            var text = try MARCXMLWriter.recordStart(leader: record.leader)
            for field in record.fields { text += try MARCXMLWriter.field(field) }
            #expect(text + MARCXMLWriter.recordEnd == (try MARCXMLWriter.record(record)))
        }
    }

    @Test func aControlCharacterXMLCannotHoldIsRefused() {
        #expect(throws: MARCWriteError.characterNotAllowed(tag: "245", "\u{01}")) {
            try MARCXMLWriter.record(MARCRecord(fields: [.data(tag: "245", ind1: "0", ind2: "0", subfields: [MARCSubfield("a", "a\u{01}")])]))
        }
    }
}

@Suite struct MARCReaderTests {
    /// The fixtures as bytes, and where each record starts.
    static func file() throws -> (bytes: [UInt8], records: [[UInt8]]) {
        let records = try MARCFixtures.records.map { try MARCWriter.iso2709($0) }
        return (records.flatMap { $0 }, records)
    }

    @Test func aFileYazMadeFromHandWrittenMARCXMLIsRead() throws {
        // Written by hand, converted by yaz: the reader is checked on bytes it did not make.
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <collection xmlns="http://www.loc.gov/MARC21/slim">
              <record>
                <leader>00000nam a2200000 a 4500</leader>
                <controlfield tag="001">HN-77</controlfield>
                <datafield tag="245" ind1="1" ind2="0">
                  <subfield code="a">Lược sử Việt ngữ học /</subfield>
                  <subfield code="c">Nguyễn Thiện Giáp.</subfield>
                </datafield>
                <datafield tag="852" ind1=" " ind2=" ">
                  <subfield code="h">495.922 NG-G</subfield>
                </datafield>
              </record>
            </collection>
            """
        let bytes = Array(try Yaz.run(["-i", "marcxml", "-o", "marc"], input: Array(xml.utf8)).utf8)
        let results = MARCFixtures.results(bytes)
        #expect(results.count == 1)
        let record = try #require(results.first).get()
        // By hand: 3 entries make a base of 24 + 37 = 61; the fields are 6, 63 and 17 bytes.
        #expect(record.leaderText == "00148nam a2200061 a 4500")
        #expect(record.field("001")?.value == "HN-77")
        #expect(record.subfield("245", "a")?.unicodeScalars.elementsEqual("Lược sử Việt ngữ học /".unicodeScalars) == true)
        #expect(record.subfield("245", "c") == "Nguyễn Thiện Giáp.")
        #expect(record.fields("852").map { $0.subfield("h") } == ["495.922 NG-G"])
        #expect(
            record.field("245")
                == .data(
                    tag: "245", ind1: "1", ind2: "0",
                    subfields: [MARCSubfield("a", "Lược sử Việt ngữ học /"), MARCSubfield("c", "Nguyễn Thiện Giáp.")]))
        #expect(record.subfield("245", "z") == nil && record.field("650") == nil)
    }

    @Test func everyChunkingGivesTheSameRecords() throws {
        let (bytes, _) = try Self.file()
        let whole = MARCFixtures.results(bytes)
        #expect(whole.count == 3 && whole.allSatisfy { (try? $0.get()) != nil })
        for chunk in [1, 2, 3, 7, 24, 25, 100] {
            #expect(MARCFixtures.results(bytes, chunk: chunk) == whole, "chunks of \(chunk)")
        }
        // Line breaks and a DOS end-of-file mark between records are skipped.
        let (_, records) = try Self.file()
        let spaced = records[0] + [0x0D, 0x0A] + records[1] + [0x0A] + records[2] + [0x1A]
        #expect(MARCFixtures.results(spaced) == whole)
    }

    /// Ways of breaking the second of three records, and what the reader must say of each.
    enum Corruption: String, CaseIterable, Sendable {
        case lengthTooLong, lengthTooShort, lengthNotDigits, baseAddressNotDigits, baseAddressPastEnd, directoryNotTerminated
        case entryPastEnd, entryNotDigits, fieldNotTerminated, tagInvalid, indicatorMissing, dataBeforeFirstSubfield, leaderNotASCII

        func apply(_ record: [UInt8]) -> [UInt8] {
            var bytes = record
            func set(_ at: Int, _ text: String) { bytes.replaceSubrange(at..<(at + text.utf8.count), with: Array(text.utf8)) }
            let length = String(format: "%05d", record.count)
            switch self {
            case .lengthTooLong: set(0, String(format: "%05d", record.count + 5))
            case .lengthTooShort: set(0, String(format: "%05d", record.count - 3))
            case .lengthNotDigits: set(0, "0a" + length.dropFirst(2))
            case .baseAddressNotDigits: set(12, "00 73")
            case .baseAddressPastEnd: set(12, "99997")
            // The directory's terminator is at 24 + 4 × 12 (four entries); its base says 73.
            case .directoryNotTerminated: bytes[72] = 0x20
            // Entry 1 (tag 245): its start is moved so that it ends past the data.
            case .entryPastEnd: set(24 + 12 + 7, "00200")
            case .entryNotDigits: set(24 + 12 + 3, "00x9")
            // The last byte of field 001 (its terminator) becomes a space.
            case .fieldNotTerminated: bytes[73 + 7] = 0x20
            case .tagInvalid: set(24 + 12, "24.")
            // Entry 1 (245) is cut to one byte: the terminator alone, at the end of field 001's bytes.
            case .indicatorMissing: set(24 + 12, "245000100007")
            case .dataBeforeFirstSubfield: bytes[73 + 8 + 2] = UInt8(ascii: "x")
            case .leaderNotASCII: bytes[18] = 0xC3
            }
            return bytes
        }

        /// The second record's bytes are `record` (4 entries, so its base address is 73).
        func expected(_ record: [UInt8]) -> MARCError.Problem {
            switch self {
            case .lengthTooLong: .terminatorBeforeEnd(declared: record.count + 5, at: record.count - 1)
            case .lengthTooShort: .terminatorMissing(declared: record.count - 3, found: record[record.count - 4])
            case .lengthNotDigits: .lengthNotDigits(Array("0a".utf8) + Array(String(format: "%05d", record.count).utf8.dropFirst(2)))
            case .baseAddressNotDigits: .baseAddressNotDigits
            case .baseAddressPastEnd: .baseAddressInvalid(99997)
            case .directoryNotTerminated: .directoryNotTerminated(found: 0x20)
            case .entryPastEnd:
                .directoryEntryOutOfRange(
                    entry: 1, tag: "245", start: 200, length: Int(String(decoding: record[39..<43], as: UTF8.self))!,
                    dataLength: record.count - 1 - 73)
            case .entryNotDigits: .directoryEntryNotDigits(entry: 1, tag: "245")
            case .fieldNotTerminated: .fieldNotTerminated(entry: 0, tag: "001")
            case .tagInvalid: .tagInvalid(entry: 1, Array("24.".utf8))
            case .indicatorMissing: .dataFieldMalformed(tag: "245", reason: "shorter than its two indicators")
            case .dataBeforeFirstSubfield: .dataFieldMalformed(tag: "245", reason: "data before the first subfield delimiter")
            case .leaderNotASCII: .leaderNotASCII(at: 18)
            }
        }
    }

    @Test(arguments: Corruption.allCases)
    func aBrokenRecordIsReportedWithItsOffsetAndTheNextOneIsRead(corruption: Corruption) throws {
        let (_, records) = try Self.file()
        #expect(Array(records[1][12..<17]) == Array("00073".utf8), "the offsets below assume record 2's layout")
        let bytes = records[0] + corruption.apply(records[1]) + records[2]
        for chunk in [0, 1, 7] {
            let results = MARCFixtures.results(bytes, chunk: chunk)
            #expect(results.count == 3, "chunks of \(chunk)")
            guard results.count == 3 else { continue }
            #expect(try results[0].get() == MARCFixtures.results(records[0])[0].get())
            #expect(results[1] == .failure(MARCError(ordinal: 2, offset: records[0].count, problem: corruption.expected(records[1]))))
            #expect(try results[2].get() == MARCFixtures.results(records[2])[0].get())
        }
    }

    @Test func aRecordThatLostItsTerminatorTakesTheNextWithIt() throws {
        let (_, records) = try Self.file()
        let bytes = records[0] + records[1].dropLast() + records[2] + records[0]
        let results = MARCFixtures.results(bytes)
        #expect(results.count == 3)
        // The byte at record 2's declared end is record 3's first ("0"); resynchronising goes
        // through record 3's terminator, so the next record read is the fourth in the file.
        #expect(results[1] == .failure(MARCError(ordinal: 2, offset: records[0].count, problem: .terminatorMissing(declared: records[1].count, found: 0x30))))
        #expect(try results[2].get().field("001")?.value == "VN-0001")
    }

    @Test func aTruncatedLastRecordIsReportedAtTheEnd() throws {
        let (_, records) = try Self.file()
        var reader = MARCReader()
        reader.append(records[0] + records[1].prefix(100))
        #expect(try reader.next()?.get().field("001")?.value == "VN-0001")
        #expect(reader.next() == nil)  // waiting for the rest of record 2
        reader.finish()
        #expect(reader.next() == .failure(MARCError(ordinal: 2, offset: records[0].count, problem: .truncated(declared: records[1].count, available: 100))))
        #expect(reader.next() == nil)
        #expect(MARCFixtures.results(Array("0012".utf8)) == [.failure(MARCError(ordinal: 1, offset: 0, problem: .truncated(declared: nil, available: 4)))])
        #expect(MARCFixtures.results([]) == [])
    }

    @Test func errorsSayWhereAndWhat() {
        let error = MARCError(ordinal: 2, offset: 512, problem: .terminatorMissing(declared: 260, found: 0x30))
        #expect(error.description == "MARC record 2 at byte 512: the record declared 260 bytes long does not end with a record terminator (byte 259 is 30)")
        let marc8 = MARCError.Problem.marc8(
            tag: "245", .unsupportedCharacterSet(name: "Basic Cyrillic", escape: [0x1B, 0x28, 0x4E], at: 90))
        #expect(marc8.description == "field 245 is not readable as MARC-8: byte 90: escape 1B 28 4E to the Basic Cyrillic character set, which Quầy does not read")
    }

    @Test func leader09OtherThanBlankOrAIsRefusedUnlessTheEncodingIsForced() throws {
        var bytes = try MARCWriter.iso2709(MARCFixtures.records[1])
        bytes[9] = UInt8(ascii: "z")
        #expect(MARCFixtures.results(bytes) == [.failure(MARCError(ordinal: 1, offset: 0, problem: .unknownCharacterCoding(0x7A)))])
        #expect(try MARCFixtures.results(bytes, encoding: .utf8)[0].get().fields == MARCFixtures.records[1].fields)
        // A record whose leader says MARC-8 but whose values are UTF-8 (ế is E1 BA BF: a grave,
        // then ð, then a byte ANSEL does not assign).
        bytes[9] = 0x20
        let at = bytes.firstIndex(of: 0xE1)!
        #expect(MARCFixtures.results(bytes) == [.failure(MARCError(ordinal: 1, offset: 0, problem: .marc8(tag: "245", .unmappedByte(0xBF, at: at + 2))))])
        #expect(try MARCFixtures.results(bytes, encoding: .utf8)[0].get().subfield("245", "a") == "Tiếng Việt 1. Tập một")
    }

    @Test func invalidUTF8IsRefused() {
        let bytes = MARCFixtures.iso2709(leader: "00000nam a2200000 a 4500", [("245", MARCFixtures.dataField("00", [("a", [0x41, 0xC3, 0x28])]))])
        #expect(MARCFixtures.results(bytes) == [.failure(MARCError(ordinal: 1, offset: 0, problem: .invalidUTF8(tag: "245", at: 24 + 12 + 1 + 4)))])
    }
}

@Suite struct MARC8Tests {
    /// Vietnamese titles typed in MARC-8 the way converters write it (marks nearest the letter
    /// first), with what they say.
    static let titles: [(marc8: String, text: String)] = [
        ("Ti{E3}{E2}eng Vi{F2}{E3}et", "Tiếng Việt"),
        ("{A3}{F2}ai Nam qu{E3}{E2}oc {E3}am t{F2}{BD} v{F2}i", "Đại Nam quốc âm tự vị"),
        ("Ng{BD}{E1}{BC}i l{E2}inh {BC}i", "Người lính ơi"),
        ("H{E3}{E1}o Ch{E2}i Minh", "Hồ Chí Minh"),
        ("L{BD}{F2}{BC}c s{E0}{BD} Vi{E3}{F2}et ng{E4}{BD} h{F2}oc", "Lược sử Việt ngữ học"),
        ("Tr{E3}{E1}an Tr{F2}ong Kim ; {B3}{E3}{E4}ay {AC}{AD} {B3}{E6}{E2}a {A3}{F2}{E6}a", "Trần Trọng Kim ; đẫy ƠƯ đắ Đặ"),
    ]

    @Test func vietnameseTitlesAreDecodedAndComposed() throws {
        for (marc8, text) in Self.titles {
            let decoded = try MARC8.decode(MARCFixtures.marc8(marc8))
            #expect(decoded.unicodeScalars.elementsEqual(text.unicodeScalars), "\(marc8) → \(decoded)")
        }
    }

    @Test func aMARC8RecordReadsAsYazReadsIt() throws {
        let fields: [(tag: String, content: [UInt8])] =
            [("001", Array("vn-m8".utf8)), ("066", MARCFixtures.dataField("  ", [("a", Array("(B".utf8))]))]
            + Self.titles.map { ("245", MARCFixtures.dataField("10", [("a", MARCFixtures.marc8($0.marc8)), ("c", Array("x".utf8))])) }
        let bytes = MARCFixtures.iso2709(leader: "00000nam  2200000   4500", fields)
        let record = try #require(MARCFixtures.results(bytes).first).get()
        // Leader/09 says Unicode now, and field 066 is gone (MARC 21 character sets, Part 4).
        #expect(record.leaderText == String(decoding: bytes[0..<9], as: UTF8.self) + "a" + String(decoding: bytes[10..<24], as: UTF8.self))
        #expect(record.fields.map(\.tag) == ["001"] + Array(repeating: "245", count: Self.titles.count))
        #expect(record.fields("245").map { $0.subfield("a")! } == Self.titles.map(\.text))
        var yaz = try Yaz.lines(["-i", "marc", "-f", "MARC-8", "-t", "UTF-8"], input: bytes)
        #expect(yaz.count == 2 + record.fields.count)
        yaz.removeAll { $0.hasPrefix("066 ") || $0.hasPrefix("0") && $0.count == 24 }
        #expect(scalars(yaz) == scalars(Array(MARCFixtures.lines([record]).dropFirst())))
    }

    @Test func everyANSELCharacterDecodesAsYazDecodesIt() throws {
        // One subfield for each assigned G1 code: a spacing character after "x", a combining
        // mark before "a" (and before a space, as a spacing accent is typed), the halves of the
        // ligature and of the double tilde around "t" and "s". Then the C1 controls.
        var subfields: [(Character, [UInt8])] = []
        for code in UInt8(0xA1)...0xFE {
            switch MARC8.ansel(code) {
            case .spacing: subfields.append(("a", [0x78, code]))
            case .combining: subfields.append(("b", [code, 0x61, 0x20, code, 0x20, 0x7A]))
            case .secondHalf: subfields.append(("c", [code - 1, 0x74, code, 0x73]))
            case nil: continue
            }
        }
        subfields.append(("d", [0x61, 0x88, 0x62, 0x89, 0x63, 0x8D, 0x64, 0x8E]))
        #expect(subfields.count == 36 + 27 + 2 + 1)  // spacing, combining, the two pairs, the C1 controls
        let bytes = MARCFixtures.iso2709(leader: "00000nam  2200000   4500", [("500", MARCFixtures.dataField("  ", subfields))])
        let record = try #require(MARCFixtures.results(bytes).first).get()
        let yaz = try Yaz.lines(["-i", "marc", "-f", "MARC-8", "-t", "UTF-8"], input: bytes)
        let ours = MARCFixtures.lines([record])
        #expect(yaz.count == 2)
        #expect(Array(yaz.dropFirst()) == Array(ours.dropFirst()))
        #expect(scalars(Array(yaz.dropFirst())) == scalars(Array(ours.dropFirst())))
        #expect(record.subfield("500", "c")?.unicodeScalars.map(\.value) == [0x74, 0x361, 0x73])
    }

    @Test func theLatinEscapesAreFollowedAndOthersRefusedByName() throws {
        // ANSEL designated as G0 reads 21–7E as A1–FE; ASCII as G1 reads A1–FE as 21–7E.
        #expect(try MARC8.decode(MARCFixtures.marc8("{1B}(!E3{1B}(Bbc {1B})Bo{E1}{1B})!E{E1}a {1B}s.")) == "đbc oaà .")
        // A mark waits for its letter across an escape ("b" is E2 in ANSEL as G0).
        #expect(try MARC8.decode(MARCFixtures.marc8("{1B},B{1B}-!E{E2}e{1B}(Eb{1B}(Be")) == "éé")
        let refused: [(String, MARC8.DecodeError)] = [
            ("ab{1B}(N", .unsupportedCharacterSet(name: "Basic Cyrillic", escape: [0x1B, 0x28, 0x4E], at: 2)),
            ("{1B})Q", .unsupportedCharacterSet(name: "Extended Cyrillic", escape: [0x1B, 0x29, 0x51], at: 0)),
            ("{1B}$1", .unsupportedCharacterSet(name: "Chinese, Japanese, Korean (EACC)", escape: [0x1B, 0x24, 0x31], at: 0)),
            ("{1B}$)1", .unsupportedCharacterSet(name: "Chinese, Japanese, Korean (EACC)", escape: [0x1B, 0x24, 0x29, 0x31], at: 0)),
            ("{1B}(S", .unsupportedCharacterSet(name: "Basic Greek", escape: [0x1B, 0x28, 0x53], at: 0)),
            ("{1B}g", .unsupportedCharacterSet(name: "Greek Symbols", escape: [0x1B, 0x67], at: 0)),
            ("H{1B}b2", .unsupportedCharacterSet(name: "Subscripts", escape: [0x1B, 0x62], at: 1)),
            ("{1B}(2", .unsupportedCharacterSet(name: "Basic Hebrew", escape: [0x1B, 0x28, 0x32], at: 0)),
            ("{1B})3", .unsupportedCharacterSet(name: "Basic Arabic", escape: [0x1B, 0x29, 0x33], at: 0)),
            ("{1B}(Z", .malformedEscape([0x1B, 0x28, 0x5A], at: 0)),
            ("{1B}Q", .malformedEscape([0x1B, 0x51], at: 0)),
            ("x{1B}(", .malformedEscape([0x1B, 0x28], at: 1)),
            ("x{1B}", .malformedEscape([0x1B], at: 1)),
            ("x{AF}", .unmappedByte(0xAF, at: 1)),
            ("x{0A}", .unmappedByte(0x0A, at: 1)),
            ("x{7F}", .unmappedByte(0x7F, at: 1)),
            ("x{E2}{E3}", .danglingCombiningMarks(at: 1)),
        ]
        for (marc8, error) in refused {
            #expect(throws: error, "\(marc8)") { try MARC8.decode(MARCFixtures.marc8(marc8)) }
        }
    }

    @Test func aRecordInAnotherScriptIsRefusedWithTheRecordOffsetOfTheEscape() {
        let title = MARCFixtures.dataField("10", [("a", MARCFixtures.marc8("Vojna i mir = {1B}(NWOJNA{1B}(B"))])
        let bytes = MARCFixtures.iso2709(leader: "00000nam  2200000   4500", [("001", Array("ru-1".utf8)), ("245", title)])
        let escape = bytes.firstIndex(of: 0x1B)!
        #expect(MARCFixtures.results(bytes) == [
            .failure(MARCError(ordinal: 1, offset: 0, problem: .marc8(tag: "245", .unsupportedCharacterSet(name: "Basic Cyrillic", escape: [0x1B, 0x28, 0x4E], at: escape))))
        ])
    }

    /// The LoC text says stacked marks are typed top to bottom; yaz, MARC::Charset and pymarc
    /// keep the order they find, and so does this decoder: acute-then-circumflex stays two marks.
    @Test func marksKeepTheOrderTheyCameIn() throws {
        #expect(try MARC8.decode(MARCFixtures.marc8("{E2}{E3}a")).unicodeScalars.map(\.value) == [0xE1, 0x302])
        #expect(try MARC8.decode(MARCFixtures.marc8("{E3}{E2}a")).unicodeScalars.map(\.value) == [0x1EA5])
    }
}
