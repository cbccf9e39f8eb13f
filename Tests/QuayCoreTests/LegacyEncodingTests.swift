import Foundation
import QuayCore
import Testing

/// The legacy Vietnamese codec and its detector. The tables are checked against what others
/// published (UniKey's vnconv tables, below) and, for VISCII and Windows-1258, against glibc's
/// iconv, an implementation of its own.
@Suite struct LegacyEncodingTests {
    // MARK: - Names

    @Test func namesAndAliases() throws {
        for encoding in LegacyEncoding.allCases {
            #expect(LegacyEncoding(name: encoding.rawValue) == encoding)
            #expect(LegacyEncoding(rawValue: encoding.rawValue) == encoding)
        }
        #expect(LegacyEncoding(name: "UTF8") == .utf8)
        #expect(LegacyEncoding(name: "ABC") == .tcvn3)
        #expect(LegacyEncoding(name: "tcvn") == .tcvn3)
        #expect(LegacyEncoding(name: "VNI-Windows") == .vni)
        #expect(LegacyEncoding(name: "windows-1258") == .cp1258)
        #expect(LegacyEncoding(name: "Windows_1258") == .cp1258)
        #expect(LegacyEncoding(name: "double utf-8") == .doubleUTF8)
        #expect(LegacyEncoding(name: "latin-1") == nil)
        #expect(LegacyEncoding(name: "") == nil)
        let json = try JSONEncoder().encode([LegacyEncoding.tcvn3, .doubleUTF8])
        #expect(String(decoding: json, as: UTF8.self) == #"["tcvn3","double-utf-8"]"#)
        #expect(try JSONDecoder().decode([LegacyEncoding].self, from: json) == [.tcvn3, .doubleUTF8])
    }

    // MARK: - Known text

    /// Sentences encoded by hand from the published tables (the font text is how Windows-1252
    /// shows the bytes, as an XLSX cell in .VnTime or VNI-Times holds them).
    static let sentences: [(text: String, tcvn3: [UInt8], tcvn3Font: String, vni: [UInt8], vniFont: String)] = [
        (
            "Tiếng Việt", [0x54, 0x69, 0xD5, 0x6E, 0x67, 0x20, 0x56, 0x69, 0xD6, 0x74], "TiÕng ViÖt",
            [0x54, 0x69, 0x65, 0xE1, 0x6E, 0x67, 0x20, 0x56, 0x69, 0x65, 0xE4, 0x74], "Tieáng Vieät"
        ),
        (
            "Nguyễn Thị Hương", Array("Nguy".utf8) + [0xD4] + Array("n Th".utf8) + [0xDE] + Array(" H".utf8) + [0xAD, 0xAC] + Array("ng".utf8),
            "NguyÔn ThÞ H\u{AD}¬ng",
            Array("Nguye".utf8) + [0xE3] + Array("n Th".utf8) + [0xF2] + Array(" H".utf8) + [0xF6, 0xF4] + Array("ng".utf8),
            "Nguyeãn Thò Höông"
        ),
        (
            "Lịch sử Đảng", [0x4C, 0xDE, 0x63, 0x68, 0x20, 0x73, 0xF6, 0x20, 0xA7, 0xB6, 0x6E, 0x67], "LÞch sö §¶ng",
            [0x4C, 0xF2, 0x63, 0x68, 0x20, 0x73, 0xF6, 0xFB, 0x20, 0xD1, 0x61, 0xFB, 0x6E, 0x67], "Lòch söû Ñaûng"
        ),
        (
            "Trường Tiểu học “Hoà Bình”", Array("Tr".utf8) + [0xAD, 0xEA] + Array("ng Ti".utf8) + [0xD3] + Array("u h".utf8) + [0xE4]
                + Array("c ".utf8) + [0x93] + Array("Ho".utf8) + [0xB5] + Array(" B".utf8) + [0xD7] + Array("nh".utf8) + [0x94],
            "Tr\u{AD}êng TiÓu häc “Hoµ B×nh”",
            Array("Tr".utf8) + [0xF6, 0xF4, 0xF8] + Array("ng Tie".utf8) + [0xE5] + Array("u ho".utf8) + [0xEF] + Array("c ".utf8)
                + [0x93] + Array("Hoa".utf8) + [0xF8] + Array(" B".utf8) + [0xEC] + Array("nh".utf8) + [0x94],
            "Tröôøng Tieåu hoïc “Hoaø Bình”"
        ),
    ]

    @Test func tcvn3Sentences() throws {
        for sentence in Self.sentences {
            #expect(LegacyEncoding.tcvn3.decode(sentence.tcvn3) == sentence.text)
            #expect(LegacyEncoding.tcvn3.decode(fontText: sentence.tcvn3Font) == sentence.text)
            #expect(try LegacyEncoding.tcvn3.encode(sentence.text) == sentence.tcvn3)
        }
    }

    @Test func vniSentences() throws {
        for sentence in Self.sentences {
            #expect(LegacyEncoding.vni.decode(sentence.vni) == sentence.text)
            #expect(LegacyEncoding.vni.decode(fontText: sentence.vniFont) == sentence.text)
            #expect(try LegacyEncoding.vni.encode(sentence.text) == sentence.vni)
        }
    }

    /// Bytes 0x80–0x9F in font text come as Windows-1252 (U+201C) or, where a program read them
    /// as Latin-1, as C1 controls (U+0093): both are the byte 0x93.
    @Test func fontTextTakesBothReadingsOfTheWindowsBytes() {
        #expect(LegacyEncoding.tcvn3.decode(fontText: "\u{201C}Hoµ\u{201D}") == "“Hoà”")
        #expect(LegacyEncoding.tcvn3.decode(fontText: "\u{93}Hoµ\u{94}") == "“Hoà”")
        #expect(LegacyEncoding.vni.decode(fontText: "Hoa\u{F8} \u{80}") == "Hoà €")
        // A Unicode letter among the font's characters is kept as it is.
        #expect(LegacyEncoding.tcvn3.decode(fontText: "ThÞ Hương") == "Thị Hương")
    }

    /// The capital fonts (.VnTimeH) draw capitals at the small letters' codes.
    @Test func tcvn3CapitalFonts() throws {
        let bytes = Array("NGUY".utf8) + [0xD4] + Array("N TH".utf8) + [0xDE] + Array(" H".utf8) + [0xAD, 0xAC] + Array("NG".utf8)
        #expect(LegacyEncoding.tcvn3.decode(bytes, capitals: true) == "NGUYỄN THỊ HƯƠNG")
        #expect(LegacyEncoding.tcvn3.decode(bytes) == "NGUYễN THị HươNG")
        #expect(LegacyEncoding.tcvn3.decode(fontText: "§¶ng", capitals: true) == "ĐẢNG")
        #expect(try LegacyEncoding.tcvn3.encode("ĐẶNG Ánh", capitals: true) == [0xAE, 0xC6] + Array("ng ".utf8) + [0xB8] + Array("nh".utf8))
        // The ordinary font has no capitals with tones.
        let error = #expect(throws: LegacyEncoding.Unrepresentable.self) { try LegacyEncoding.tcvn3.encode("Ánh") }
        #expect(error?.encoding == .tcvn3 && error?.character == "Á")
        #expect(error?.description == "Á (U+00C1) has no code in tcvn3")
        // Other encodings have capitals of their own.
        #expect(LegacyEncoding.vni.decode(Array("Ha".utf8) + [0xF8], capitals: true) == "Hà")
    }

    @Test func cp1258WritesToneMarksAfterTheLetter() throws {
        let bytes: [UInt8] = [0x54, 0x69, 0xEA, 0xEC, 0x6E, 0x67, 0x20, 0x56, 0x69, 0xEA, 0xF2, 0x74]
        #expect(LegacyEncoding.cp1258.decode(bytes) == "Tiếng Việt")
        #expect(try LegacyEncoding.cp1258.encode("Tiếng Việt") == bytes)
        // Letters the code page has whole stay whole; the others are base + mark.
        #expect(try LegacyEncoding.cp1258.encode("á ã ư ự") == [0xE1, 0x20, 0x61, 0xDE, 0x20, 0xFD, 0x20, 0xFD, 0xF2])
        #expect(LegacyEncoding.cp1258.decode([0x61, 0xDE]) == "ã")
    }

    @Test func doubleUTF8() throws {
        let double = "Tiáº¿ng Viá»‡t"
        #expect(LegacyEncoding.doubleUTF8.decode(Array(double.utf8)) == "Tiếng Việt")
        #expect(try LegacyEncoding.doubleUTF8.encode("Tiếng Việt") == Array(double.utf8))
        #expect(LegacyEncoding.doubleUTF8.decode(fontText: double) == "Tiếng Việt")
        // "Đ" is C4 90, and 0x90 is empty in Windows-1252: Windows shows it as U+0090.
        #expect(try LegacyEncoding.doubleUTF8.encode("Đức") == Array("Ä\u{90}á»©c".utf8))
        #expect(LegacyEncoding.doubleUTF8.decode(Array("Ä\u{90}á»©c".utf8)) == "Đức")
        // Read as Latin-1 instead: ‡ (U+2021) is then U+0087.
        #expect(LegacyEncoding.doubleUTF8.decode(Array("Viá»\u{87}t".utf8)) == "Việt")
    }

    @Test func utf8DecodesToNFCAndMarksBadBytes() {
        #expect(LegacyEncoding.utf8.decode(Array("Nguye\u{302}\u{303}n".utf8)) == "Nguyễn")
        #expect(LegacyEncoding.utf8.decode([0xEF, 0xBB, 0xBF] + Array("An".utf8)) == "An")
        #expect(LegacyEncoding.utf8.decode([0x41, 0xFF, 0x42]) == "A\u{FFFD}B")
        #expect(LegacyEncoding.tcvn3.decode([0x41, 0xB0]) == "A\u{FFFD}")
    }

    // MARK: - The tables against the published ones

    /// The 134 letters and their codes as UniKey's vnconv tables give them (ibus-unikey,
    /// ukengine/tables/: vni_win.cpp, tcvn3.cpp, vps.cpp), in their order: for each vowel, the
    /// capital then the small letter, without tone, then acute, grave, hook, tilde, dot below.
    enum Published {
        static let letters = Array("ÁáÀàẢảÃãẠạÂâẤấẦầẨẩẪẫẬậĂăẮắẰằẲẳẴẵẶặĐđÉéÈèẺẻẼẽẸẹÊêẾếỀềỂểỄễỆệÍíÌìỈỉĨĩỊịÓóÒòỎỏÕõỌọÔôỐốỒồỔổỖỗỘộƠơỚớỜờỞởỠỡỢợÚúÙùỦủŨũỤụƯưỨứỪừỬửỮữỰựÝýỲỳỶỷỸỹỴỵ")

        static let vniWin: [[UInt8]] = [
            [0x41, 0xD9], [0x61, 0xF9], [0x41, 0xD8], [0x61, 0xF8], [0x41, 0xDB], [0x61, 0xFB],
            [0x41, 0xD5], [0x61, 0xF5], [0x41, 0xCF], [0x61, 0xEF], [0x41, 0xC2], [0x61, 0xE2],
            [0x41, 0xC1], [0x61, 0xE1], [0x41, 0xC0], [0x61, 0xE0], [0x41, 0xC5], [0x61, 0xE5],
            [0x41, 0xC3], [0x61, 0xE3], [0x41, 0xC4], [0x61, 0xE4], [0x41, 0xCA], [0x61, 0xEA],
            [0x41, 0xC9], [0x61, 0xE9], [0x41, 0xC8], [0x61, 0xE8], [0x41, 0xDA], [0x61, 0xFA],
            [0x41, 0xDC], [0x61, 0xFC], [0x41, 0xCB], [0x61, 0xEB], [0xD1], [0xF1],
            [0x45, 0xD9], [0x65, 0xF9], [0x45, 0xD8], [0x65, 0xF8], [0x45, 0xDB], [0x65, 0xFB],
            [0x45, 0xD5], [0x65, 0xF5], [0x45, 0xCF], [0x65, 0xEF], [0x45, 0xC2], [0x65, 0xE2],
            [0x45, 0xC1], [0x65, 0xE1], [0x45, 0xC0], [0x65, 0xE0], [0x45, 0xC5], [0x65, 0xE5],
            [0x45, 0xC3], [0x65, 0xE3], [0x45, 0xC4], [0x65, 0xE4], [0xCD], [0xED],
            [0xCC], [0xEC], [0xC6], [0xE6], [0xD3], [0xF3],
            [0xD2], [0xF2], [0x4F, 0xD9], [0x6F, 0xF9], [0x4F, 0xD8], [0x6F, 0xF8],
            [0x4F, 0xDB], [0x6F, 0xFB], [0x4F, 0xD5], [0x6F, 0xF5], [0x4F, 0xCF], [0x6F, 0xEF],
            [0x4F, 0xC2], [0x6F, 0xE2], [0x4F, 0xC1], [0x6F, 0xE1], [0x4F, 0xC0], [0x6F, 0xE0],
            [0x4F, 0xC5], [0x6F, 0xE5], [0x4F, 0xC3], [0x6F, 0xE3], [0x4F, 0xC4], [0x6F, 0xE4],
            [0xD4], [0xF4], [0xD4, 0xD9], [0xF4, 0xF9], [0xD4, 0xD8], [0xF4, 0xF8],
            [0xD4, 0xDB], [0xF4, 0xFB], [0xD4, 0xD5], [0xF4, 0xF5], [0xD4, 0xCF], [0xF4, 0xEF],
            [0x55, 0xD9], [0x75, 0xF9], [0x55, 0xD8], [0x75, 0xF8], [0x55, 0xDB], [0x75, 0xFB],
            [0x55, 0xD5], [0x75, 0xF5], [0x55, 0xCF], [0x75, 0xEF], [0xD6], [0xF6],
            [0xD6, 0xD9], [0xF6, 0xF9], [0xD6, 0xD8], [0xF6, 0xF8], [0xD6, 0xDB], [0xF6, 0xFB],
            [0xD6, 0xD5], [0xF6, 0xF5], [0xD6, 0xCF], [0xF6, 0xEF], [0x59, 0xD9], [0x79, 0xF9],
            [0x59, 0xD8], [0x79, 0xF8], [0x59, 0xDB], [0x79, 0xFB], [0x59, 0xD5], [0x79, 0xF5],
            [0xCE], [0xEE],
        ]

        static let tcvn3: [UInt8] = [
            0xB8, 0xB8, 0xB5, 0xB5, 0xB6, 0xB6, 0xB7, 0xB7, 0xB9, 0xB9, 0xA2, 0xA9,
            0xCA, 0xCA, 0xC7, 0xC7, 0xC8, 0xC8, 0xC9, 0xC9, 0xCB, 0xCB, 0xA1, 0xA8,
            0xBE, 0xBE, 0xBB, 0xBB, 0xBC, 0xBC, 0xBD, 0xBD, 0xC6, 0xC6, 0xA7, 0xAE,
            0xD0, 0xD0, 0xCC, 0xCC, 0xCE, 0xCE, 0xCF, 0xCF, 0xD1, 0xD1, 0xA3, 0xAA,
            0xD5, 0xD5, 0xD2, 0xD2, 0xD3, 0xD3, 0xD4, 0xD4, 0xD6, 0xD6, 0xDD, 0xDD,
            0xD7, 0xD7, 0xD8, 0xD8, 0xDC, 0xDC, 0xDE, 0xDE, 0xE3, 0xE3, 0xDF, 0xDF,
            0xE1, 0xE1, 0xE2, 0xE2, 0xE4, 0xE4, 0xA4, 0xAB, 0xE8, 0xE8, 0xE5, 0xE5,
            0xE6, 0xE6, 0xE7, 0xE7, 0xE9, 0xE9, 0xA5, 0xAC, 0xED, 0xED, 0xEA, 0xEA,
            0xEB, 0xEB, 0xEC, 0xEC, 0xEE, 0xEE, 0xF3, 0xF3, 0xEF, 0xEF, 0xF1, 0xF1,
            0xF2, 0xF2, 0xF4, 0xF4, 0xA6, 0xAD, 0xF8, 0xF8, 0xF5, 0xF5, 0xF6, 0xF6,
            0xF7, 0xF7, 0xF9, 0xF9, 0xFD, 0xFD, 0xFA, 0xFA, 0xFB, 0xFB, 0xFC, 0xFC,
            0xFE, 0xFE,
        ]

        static let vps: [UInt8] = [
            0xC1, 0xE1, 0x80, 0xE0, 0x81, 0xE4, 0x82, 0xE3, 0xE5, 0xE5, 0xC2, 0xE2,
            0x83, 0xC3, 0x84, 0xC0, 0x85, 0xC4, 0xC5, 0xC5, 0xC6, 0xC6, 0x88, 0xE6,
            0x8D, 0xA1, 0x8E, 0xA2, 0x8F, 0xA3, 0xF0, 0xA4, 0xA5, 0xA5, 0xF1, 0xC7,
            0xC9, 0xE9, 0xD7, 0xE8, 0xDE, 0xC8, 0xFE, 0xEB, 0xCB, 0xCB, 0xCA, 0xEA,
            0x90, 0x89, 0x93, 0x8A, 0x94, 0x8B, 0x95, 0xCD, 0x8C, 0x8C, 0xB4, 0xED,
            0xB5, 0xEC, 0xB7, 0xCC, 0xB8, 0xEF, 0xCE, 0xCE, 0xB9, 0xF3, 0xBC, 0xF2,
            0xBD, 0xD5, 0xBE, 0xF5, 0x86, 0x86, 0xD4, 0xF4, 0x96, 0xD3, 0x97, 0xD2,
            0x98, 0xB0, 0x99, 0x87, 0xB6, 0xB6, 0xF7, 0xD6, 0x9D, 0xA7, 0x9E, 0xA9,
            0x9F, 0xAA, 0xA6, 0xAB, 0xAE, 0xAE, 0xDA, 0xFA, 0xA8, 0xF9, 0xD1, 0xFB,
            0xAC, 0xDB, 0xF8, 0xF8, 0xD0, 0xDC, 0xAD, 0xD9, 0xAF, 0xD8, 0xB1, 0xBA,
            0xBB, 0xBB, 0xBF, 0xBF, 0xDD, 0x9A, 0xB2, 0xFF, 0xFD, 0x9B, 0xB3, 0xCF,
            0x9C, 0x9C,
        ]

        /// The capitals UniKey folds onto small letters in VPS, at their VPS codes in C0 (Wikipedia's VPS table).
        static let vpsC0: [Character: UInt8] = [
            "Ạ": 0x02, "Ậ": 0x03, "Ặ": 0x04, "Ẹ": 0x05, "Ệ": 0x06, "Ị": 0x10, "Ọ": 0x11, "Ộ": 0x12, "Ợ": 0x13, "Ụ": 0x14,
            "Ự": 0x15, "Ỵ": 0x19, "Ẫ": 0x1C, "Ữ": 0x1D,
        ]
    }

    @Test func vniMatchesThePublishedTable() throws {
        #expect(Published.letters.count == 134)
        for (letter, bytes) in zip(Published.letters, Published.vniWin) {
            #expect(try LegacyEncoding.vni.encode(String(letter)) == bytes, "\(letter)")
            #expect(LegacyEncoding.vni.decode(bytes) == String(letter), "\(letter)")
        }
    }

    @Test func tcvn3MatchesThePublishedTable() throws {
        for (letter, byte) in zip(Published.letters, Published.tcvn3) {
            let small = String(letter).lowercased()
            let smallByte = try #require(Published.letters.firstIndex(of: Character(small)).map { Published.tcvn3[$0] })
            #expect(try LegacyEncoding.tcvn3.encode(String(letter), capitals: true) == [smallByte], "\(letter)")
            #expect(LegacyEncoding.tcvn3.decode([byte], capitals: true) == String(letter).uppercased(), "\(letter)")
            if String(letter) == small || "ĂÂÊÔƠƯĐ".contains(letter) {
                #expect(try LegacyEncoding.tcvn3.encode(String(letter)) == [byte], "\(letter)")
                #expect(LegacyEncoding.tcvn3.decode([byte]) == String(letter), "\(letter)")
            } else {
                #expect(throws: LegacyEncoding.Unrepresentable.self) { try LegacyEncoding.tcvn3.encode(String(letter)) }
            }
        }
    }

    @Test func vpsMatchesThePublishedTable() throws {
        for (letter, byte) in zip(Published.letters, Published.vps) {
            let code = Published.vpsC0[letter] ?? byte
            #expect(try LegacyEncoding.vps.encode(String(letter)) == [code], "\(letter)")
            #expect(LegacyEncoding.vps.decode([code]) == String(letter), "\(letter)")
        }
    }

    /// Every letter, in every encoding: decode(encode) gives it back; and every byte a
    /// single-byte code defines comes back from encode(decode).
    @Test(arguments: LegacyEncoding.allCases)
    func roundTrips(encoding: LegacyEncoding) throws {
        let capitals = encoding == .tcvn3
        for letter in Published.letters + Array("AaZz09 ") {
            let text = capitals ? String(letter).uppercased() : String(letter)
            let bytes = try encoding.encode(text, capitals: capitals)
            #expect(encoding.decode(bytes, capitals: capitals) == text, "\(encoding) \(letter)")
        }
        let plain = "Thư viện Trường THCS Nguyễn Du: Dế Mèn phiêu lưu ký, Tô Hoài, 2019"
        #expect(encoding.decode(try encoding.encode(plain)) == plain)
        // VISCII and VPS have no curly quotes and dashes; the others have Windows-1252's.
        let punctuated = "“Dế Mèn phiêu lưu ký” – Tô Hoài…"
        if encoding != .viscii && encoding != .vps {
            #expect(encoding.decode(try encoding.encode(punctuated)) == punctuated)
        }
        guard [.tcvn3, .viscii, .vps, .cp1258].contains(encoding) else { return }
        for byte in UInt8.min...UInt8.max {
            let decoded = encoding.decode([byte])
            guard decoded != "\u{FFFD}" else { continue }
            #expect(try encoding.encode(decoded) == [byte], "\(encoding) byte \(byte)")
        }
    }

    // MARK: - Against glibc's iconv

    static let iconvPath = "/usr/bin/iconv"
    static let haveIconv = FileManager.default.isExecutableFile(atPath: iconvPath)

    /// `input` converted by iconv.
    static func iconv(from source: String, to target: String, _ bytes: [UInt8], skippingInvalid: Bool = false) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: iconvPath)
        process.arguments = (skippingInvalid ? ["-c"] : []) + ["-f", source, "-t", target]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "iconv -f \(source) -t \(target)")
        return Array(data)
    }

    /// Each byte's reading by iconv, one a line, so that a combining mark meets no letter it
    /// could join (the line feed itself is left out). A byte iconv finds no character for reads
    /// as U+FFFD, as ours do.
    static func iconvReadings(of encoding: String, bytes: [UInt8]) throws -> [UInt8: String] {
        let bytes = bytes.filter { $0 != 0x0A }
        let output = try iconv(from: encoding, to: "UTF-8", bytes.flatMap { [$0, 0x0A] }, skippingInvalid: true)
        let lines = output.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.count == bytes.count + 1)
        var readings: [UInt8: String] = [:]
        for (byte, line) in zip(bytes, lines) { readings[byte] = line.isEmpty ? "\u{FFFD}" : String(decoding: line, as: UTF8.self) }
        return readings
    }

    @Test(.enabled(if: haveIconv, "needs /usr/bin/iconv to compare with"), arguments: [("VISCII", LegacyEncoding.viscii), ("CP1258", .cp1258)])
    func allBytesMatchIconv(name: String, encoding: LegacyEncoding) throws {
        let readings = try Self.iconvReadings(of: name, bytes: Array(UInt8.min...UInt8.max))
        #expect(readings.count == 255)
        for (byte, reading) in readings.sorted(by: { $0.key < $1.key }) {
            #expect(encoding.decode([byte]) == reading, "\(name) byte \(byte)")
        }
        // Whole text both ways, and the codes iconv chooses for every letter.
        let text = "Nguyễn Thị Hương, Lịch sử Đảng - Trường Tiểu học Hoà Bình. " + String(Published.letters)
        let theirs = try Self.iconv(from: "UTF-8", to: name, Array(text.utf8))
        #expect(try encoding.encode(text) == theirs)
        #expect(encoding.decode(theirs) == text)
    }

    /// glibc's TCVN5712-1 is VN1, which has capitals at 0x80–0x9F and in the gaps of VN3; at
    /// the codes of VN3's small letters and of Ă Â Ê Ô Ơ Ư Đ it agrees with TCVN3.
    @Test(.enabled(if: haveIconv, "needs /usr/bin/iconv to compare with"))
    func tcvn3SmallLettersMatchIconvVN1() throws {
        let codes = Set(Published.tcvn3).sorted()
        #expect(codes.count == 74)
        let readings = try Self.iconvReadings(of: "TCVN5712-1", bytes: codes)
        for byte in codes {
            #expect(LegacyEncoding.tcvn3.decode([byte]) == readings[byte], "TCVN3 byte \(byte)")
        }
    }

    /// TCVN3 and VNI files have Windows-1252 at 0x80–0x9F.
    @Test(.enabled(if: haveIconv, "needs /usr/bin/iconv to compare with"))
    func windowsPunctuationMatchesIconvCP1252() throws {
        let defined = (UInt8(0x80)...0x9F).filter { ![0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) }
        let readings = try Self.iconvReadings(of: "CP1252", bytes: defined)
        for byte in defined {
            #expect(LegacyEncoding.tcvn3.decode([byte]) == readings[byte], "TCVN3 byte \(byte)")
            #expect(LegacyEncoding.vni.decode([byte]) == readings[byte], "VNI byte \(byte)")
        }
        #expect(LegacyEncoding.tcvn3.decode([0x81]) == "\u{FFFD}")
    }

    // MARK: - Syllables

    @Test func validSyllables() {
        let words = [
            "Tiếng", "Việt", "Nguyễn", "NGUYỄN", "nguyễn", "Thị", "Hương", "Lịch", "sử", "Đảng", "người", "được", "khuya",
            "khuỷu", "quốc", "Quỳnh", "Huỳnh", "giữa", "gì", "Giang", "hoà", "hòa", "hoàn", "thuý", "thúy", "Trường", "chuyện",
            "yêu", "yến", "oanh", "hoạch", "uống", "muối", "rượu", "thuở", "An", "Van", "a", "ở", "Ánh", "Đức", "kìa", "xoáy",
            "ngoẹo", "nghiêng", "khuyết", "quyển", "tuần", "khuấy", "xoong", "giếng", "gìn", "Kiều", "kỳ", "ghế", "nghỉ", "quýt",
            "huých", "ếch", "lênh", "uyển", "yên", "quyết",
        ]
        for word in words { #expect(EncodingDetector.isValidSyllable(word), "\(word)") }
    }

    @Test func invalidSyllables() {
        let words = [
            "", "Tieáng", "Tiáº¿ng", "TiÕng", "NguyÔn", "Höông", "ThÞ", "hoàá", "Thịị", "Viêt", "màt", "mat", "ăn̉", "ă", "iêng",
            "Nguyen", "ngs", "Wifi", "fan", "zô", "nGUYỄN", "NguyỄn", "Lê1", "Lê-Văn", "b́a", "\u{301}a", "hoanh̃", "xyz",
            "Tiêngg", "qa", "ûa", "ĕm", "café", "Hã\u{A0}", "lúc̣", "\u{FFFD}", "ka", "ci", "ghá", "nghà", "ngi", "gế", "iên", "tyên",
            "lênc", "tiêng̀", "ôch", "ung̣", "xoon", "Lỡch", "Tiạng", "Viỷt", "KiÒu",
        ]
        for word in words { #expect(!EncodingDetector.isValidSyllable(word), "\(word)") }
    }

    // MARK: - Detection

    static let names = ["Nguyễn Thị Hương", "Trần Văn Đức", "Lê Hoàng Yến", "Phạm Quỳnh Anh", "Đặng Ngọc Minh"]
    static let titles = ["Lịch sử Đảng", "Tiếng Việt lớp 5", "Truyện Kiều", "Dế Mèn phiêu lưu ký", "Những người khốn khổ"]

    @Test(arguments: LegacyEncoding.allCases)
    func detectsAColumnOfFiveNames(encoding: LegacyEncoding) throws {
        for column in [Self.names, Self.titles] {
            let samples = try column.map { try encoding.encode($0) }
            let verdict = EncodingDetector.detect(samples)
            #expect(verdict.encoding == encoding, "\(column) in \(encoding): \(verdict)")
            #expect(verdict.confidence == .confident, "\(verdict)")
            #expect(verdict.score == 1, "\(verdict)")
            // A wrong reading still makes some words syllables (TCVN3's "phiếu" is VISCII's
            // "phiếu" too); the right one must be far ahead.
            #expect(verdict.score - verdict.runnerUpScore >= 0.4, "\(verdict)")
            #expect(samples.map { encoding.decode($0) } == column)
        }
    }

    @Test func detectsFontTextFromSpreadsheetCells() throws {
        let tcvn3Cells = ["NguyÔn ThÞ H\u{AD}¬ng", "TrÇn V¨n §øc", "Lª Hoµng YÕn", "Ph¹m Quúnh Anh", "§Æng Ngäc Minh"]
        let verdict = EncodingDetector.detect(fontTexts: tcvn3Cells)
        #expect(verdict.encoding == .tcvn3 && verdict.confidence == .confident, "\(verdict)")
        #expect(tcvn3Cells.map { LegacyEncoding.tcvn3.decode(fontText: $0) } == Self.names)
        let vniCells = ["Nguyeãn Thò Höông", "Traàn Vaên Ñöùc", "Leâ Hoaøng Yeán", "Phaïm Quyønh Anh", "Ñaëng Ngoïc Minh"]
        let vniVerdict = EncodingDetector.detect(fontTexts: vniCells)
        #expect(vniVerdict.encoding == .vni && vniVerdict.confidence == .confident, "\(vniVerdict)")
        #expect(vniCells.map { LegacyEncoding.vni.decode(fontText: $0) } == Self.names)
        let unicode = EncodingDetector.detect(fontTexts: Self.names)
        #expect(unicode.encoding == .utf8 && unicode.confidence == .confident, "\(unicode)")
        let doubled = try Self.names.map { String(decoding: try LegacyEncoding.doubleUTF8.encode($0), as: UTF8.self) }
        let double = EncodingDetector.detect(fontTexts: doubled)
        #expect(double.encoding == .doubleUTF8 && double.confidence == .confident, "\(double)")
    }

    @Test func asciiIsUTF8WithoutEvidence() {
        let verdict = EncodingDetector.detect(["Nguyen Van An", "Tran Thi B", "10A1", "ISBN 978-604-2-12345-6"].map { Array($0.utf8) })
        #expect(verdict.encoding == .utf8)
        #expect(verdict.confidence == .noEvidence)
        #expect(verdict.evidence == 0)
        #expect(EncodingDetector.detect([]).confidence == .noEvidence)
    }

    @Test func garbageAndMixedAreNotConfident() throws {
        // Bytes from a fixed linear congruential generator: the same garbage every run.
        var state: UInt32 = 12345
        let garbage: [[UInt8]] = (0..<5).map { _ in
            (0..<12).map { _ in
                state = state &* 1_103_515_245 &+ 12345
                return UInt8(truncatingIfNeeded: state >> 16)
            }
        }
        let verdict = EncodingDetector.detect(garbage)
        #expect(verdict.confidence == .unknown, "\(verdict)")
        #expect(verdict.score < 0.6)
        // Half the column UTF-8, half TCVN3: no reading fits most of it.
        let mixed = try Self.names.prefix(3).map { Array($0.utf8) } + Self.titles.prefix(3).map { try LegacyEncoding.tcvn3.encode($0) }
        let mixedVerdict = EncodingDetector.detect(mixed)
        #expect(mixedVerdict.confidence != .confident, "\(mixedVerdict)")
        #expect(mixedVerdict.score < 0.8, "\(mixedVerdict)")
    }

    @Test func detectionIsDeterministic() throws {
        let samples = try Self.names.map { try LegacyEncoding.viscii.encode($0) }
        let first = EncodingDetector.detect(samples)
        for _ in 0..<5 {
            #expect(EncodingDetector.detect(samples) == first)
            #expect(EncodingDetector.detect(Array(samples.reversed())) == first)
        }
        // A tie goes to the encoding first in LegacyEncoding's order: "Hà" is the Latin-1 "Hà"
        // in VISCII, VPS and Windows-1258 alike.
        let tie = EncodingDetector.detect([[0x48, 0xE0]])
        #expect(tie.encoding == .viscii && tie.runnerUp == .vps && tie.confidence == .ambiguous, "\(tie)")
    }
}
