import Foundation
import Testing

@testable import QuayCodecs

@Suite struct SIP2CodecTests {
    let cr: [UInt8] = [13]

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [
        // A login response (the vector); the SC status of the 3M SIP2 Developers Guide,
        // page 26, as Evergreen's SIPServer tests it; a login that a SIP2 bridge's tests check
        // against an independently calculated value.
        ("941AY0AZ", "FDFD"),
        ("990 402.00AY1AZ", "FCB4"),
        ("9300CNadmin|COpassword|CPMainLib|AY0AZ", "F28D"),
    ])
    func checksumsMatchTheKnownVectors(text: String, expected: String) {
        #expect(SIP2Codec.checksum(bytes(text)) == expected)
    }

    @Test func aLoginIsReadFieldByField() throws {
        let (message, checked) = try SIP2Codec.decode(
            bytes("9300CNkiosk1|COmật khẩu|CPquay-1|AY1AZ" + SIP2Codec.checksum(bytes("9300CNkiosk1|COmật khẩu|CPquay-1|AY1AZ"))),
            encoding: .utf8, fixedLength: SIP2Command.fixedLength)
        #expect(checked)
        #expect(message.command == "93" && message.fixed == "00" && message.sequence == "1")
        #expect(message["CN"] == "kiosk1" && message["CO"] == "mật khẩu" && message["CP"] == "quay-1")
    }

    @Test func aBadChecksumIsRefusedAndAMissingOneIsForgiven() throws {
        #expect(throws: SIP2Codec.DecodeError.badChecksum(expected: "FDFD", got: "FDFE")) {
            try SIP2Codec.decode(bytes("941AY0AZFDFE"), encoding: .utf8, fixedLength: SIP2Command.fixedLength)
        }
        let plain = try SIP2Codec.decode(bytes("9900302.00"), encoding: .utf8, fixedLength: SIP2Command.fixedLength)
        #expect(!plain.hadChecksum && plain.message.command == "99" && plain.message.fixed == "00302.00")
        // A sequence number without a checksum, and a last field without its `|`.
        let sequenced = try SIP2Codec.decode(bytes("1720261201    120000AOquay|ABSTK.000001AY4"), encoding: .utf8, fixedLength: SIP2Command.fixedLength)
        #expect(sequenced.message.sequence == "4" && sequenced.message["AB"] == "STK.000001" && sequenced.message["AO"] == "quay")
        #expect(throws: SIP2Codec.DecodeError.malformed) { try SIP2Codec.decode(bytes("X"), encoding: .utf8, fixedLength: SIP2Command.fixedLength) }
        #expect(throws: SIP2Codec.DecodeError.malformed) { try SIP2Codec.decode(bytes("ab"), encoding: .utf8, fixedLength: SIP2Command.fixedLength) }
    }

    @Test func aFixedFieldThatLooksLikeAnIdentifierIsNotReadAsOne() throws {
        // Patron status: language "001" and a date; the first field AO follows them.
        let message = try SIP2Codec.decode(
            bytes("2300120261201    093000AOquay|AAHS000001|AC|AD1234|"), encoding: .utf8, fixedLength: SIP2Command.fixedLength
        ).message
        #expect(message.fixed(0, 3) == "001" && message.fixed(3, 18) == "20261201    093000")
        #expect(message.fields.map(\.id) == ["AO", "AA", "AC", "AD"] && message["AC"] == "" && message["AD"] == "1234")
    }

    @Test func repliesAreEncodedToTheByteWithSequenceAndChecksum() {
        let reply = SIP2Message(command: "94", fixed: "1", sequence: "1")
        #expect(SIP2Codec.encode(reply, encoding: .utf8, errorDetection: true, terminator: cr) == bytes("941AY1AZFDFC\r"))
        #expect(SIP2Codec.encode(SIP2Message(command: "94", fixed: "0"), encoding: .utf8, errorDetection: false, terminator: [13, 10])
            == bytes("940\r\n"))
        let item = SIP2Message(
            command: "18", fixed: "03" + "00" + "01" + "20261201    093000",
            fields: [.init("AB", "STK.000001"), .init("AJ", "Truyện Kiều | tập 1"), .init("AF", "")])
        let encoded = SIP2Codec.encode(item, encoding: .utf8, errorDetection: true, terminator: cr)
        let body = "18030001" + "20261201    093000" + "ABSTK.000001|AJTruyện Kiều ¦ tập 1|AF|AY0AZ"
        #expect(encoded == bytes(body) + bytes(SIP2Codec.checksum(bytes(body))) + cr)
    }

    @Test func cp850WritesVietnameseWithoutMarksAndChecksumsTheBytesSent() throws {
        #expect(SIP2Text.withoutVietnameseMarks("Nguyễn Văn Đức – Truyện Kiều") == "Nguyen Van Duc – Truyen Kieu")
        #expect(SIP2Encoding.cp850.encode("Đắc Nhân Tâm") == bytes("Dac Nhan Tam"))
        // Every diacritic goes (ü too); ¦ is cp850's 0xDD; a character cp850 lacks becomes "?".
        #expect(SIP2Encoding.cp850.encode("ü¦€") == [UInt8(ascii: "u"), 0xDD, UInt8(ascii: "?")])
        #expect(SIP2Encoding.cp850.decode([0x81, 0x41]) == "üA")
        let reply = SIP2Message(command: "18", fixed: "", fields: [.init("AJ", "Dế Mèn phiêu lưu ký")])
        let encoded = SIP2Codec.encode(reply, encoding: .cp850, errorDetection: true, terminator: cr)
        let body = "18AJDe Men phieu luu ky|AY0AZ"
        #expect(encoded == bytes(body) + bytes(SIP2Codec.checksum(bytes(body))) + cr)
        let utf8 = SIP2Codec.encode(reply, encoding: .utf8, errorDetection: true, terminator: cr)
        // Over the UTF-8 bytes, not the characters: ế is three bytes.
        let utf8Body = Array("18AJDế Mèn phiêu lưu ký|AY0AZ".utf8)
        #expect(utf8 == utf8Body + bytes(SIP2Codec.checksum(utf8Body)) + cr)
    }

    @Test func theFramerTakesCRCRLFAndALeadingLFInAnyChunking() {
        let stream = bytes("9900302.00\r\n9300CNa|COb|\r\n\n2300120261201    093000AOq|AAHS1|\r")
        let expected: [SIP2Framer.Frame] = [
            .message(bytes("9900302.00")), .message(bytes("9300CNa|COb|")), .message(bytes("2300120261201    093000AOq|AAHS1|")),
        ]
        var whole = SIP2Framer()
        #expect(whole.push(stream) == expected)
        for size in [1, 2, 3, 7, 13] {
            var framer = SIP2Framer()
            var frames: [SIP2Framer.Frame] = []
            var index = 0
            while index < stream.count {
                frames += framer.push(stream[index..<min(stream.count, index + size)])
                index += size
            }
            #expect(frames == expected, "chunks of \(size)")
        }
        var limited = SIP2Framer(maxLength: 8)
        #expect(limited.push(bytes("1234567890123\r99\r")) == [.tooLong, .message(bytes("99"))])
    }

    @Test func datesAreLocalWithABlankZone() {
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let date = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30 00:53:20 UTC
        #expect(SIP2Date.format(date, timeZone: zone) == "20261130    075320")
        #expect(SIP2Date.parse("20261130    075320", timeZone: zone) == date)
        #expect(SIP2Date.parse("20261130   Z005320", timeZone: zone) == date)
        #expect(SIP2Date.parse("                  ", timeZone: zone) == nil)
    }
}
