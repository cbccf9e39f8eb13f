import Foundation

/// The encodings Vietnamese text comes in from a school library's old files: UTF-8, UTF-8 that
/// went through a Windows-1252 reading once too often, and the 8-bit encodings of the 1990s
/// (SPEC §12: everything is stored as NFC UTF-8, so imports decode these first).
///
/// The raw value is what `--encoding` takes; `init(name:)` also takes the names people use.
public enum LegacyEncoding: String, CaseIterable, Sendable, Codable {
    /// UTF-8, what Quầy writes.
    case utf8 = "utf-8"
    /// UTF-8 read as Windows-1252 (or Latin-1) and written out as UTF-8 again: "Tiáº¿ng" for
    /// "Tiếng". Spreadsheets and web forms make it; decoding reads the bytes back.
    case doubleUTF8 = "double-utf-8"
    /// TCVN 5712:1993 VN3, "ABC", the .VnTime fonts: small letters only, capitals with tones come
    /// from the capital fonts (.VnTimeH), which draw capitals at the small letters' codes.
    case tcvn3
    /// VNI-Windows, the VNI-Times fonts: a letter, then a byte that draws its marks.
    case vni
    /// VISCII (RFC 1456): single bytes, six capitals in the C0 range.
    case viscii
    /// VPS: single bytes, fourteen capitals in the C0 range.
    case vps
    /// Windows-1258: a letter, then a combining tone mark.
    case cp1258

    /// The encoding a user names: the raw value or a common alias ("abc", "tcvn", "vni-windows",
    /// "windows-1258", "utf8"…), in any case, with or without hyphens, underscores or spaces.
    public init?(name: String) {
        let key = String(name.lowercased().unicodeScalars.filter { !"-_. ".unicodeScalars.contains($0) })
        let aliases: [String: LegacyEncoding] = [
            "utf8": .utf8, "unicode": .utf8,
            "doubleutf8": .doubleUTF8, "utf8double": .doubleUTF8,
            "tcvn3": .tcvn3, "tcvn": .tcvn3, "abc": .tcvn3, "vn3": .tcvn3, "vntime": .tcvn3,
            "vni": .vni, "vniwindows": .vni, "vniwin": .vni, "vnitimes": .vni,
            "viscii": .viscii,
            "vps": .vps,
            "cp1258": .cp1258, "windows1258": .cp1258, "win1258": .cp1258, "1258": .cp1258,
        ]
        guard let encoding = aliases[key] else { return nil }
        self = encoding
    }

    /// A character `encode` cannot write in an encoding (TCVN3 has no capitals with tones, the
    /// 8-bit encodings no letters beyond Vietnamese and some Latin-1).
    public struct Unrepresentable: Error, Equatable, Sendable, CustomStringConvertible {
        public var encoding: LegacyEncoding
        public var character: Character

        public var description: String {
            let codes = character.unicodeScalars.map(VietnameseText.codePoint).joined(separator: " ")
            return "\(character) (\(codes)) has no code in \(encoding.rawValue)"
        }
    }
}

// MARK: - Decoding and encoding

extension LegacyEncoding {
    /// `bytes` as NFC text. Never fails: a byte that is no character of the encoding (or bad
    /// UTF-8) becomes U+FFFD, which import checks refuse. A leading UTF-8 byte order mark goes.
    /// `capitals`: TCVN3 typed in a capital font (.VnTimeH), whose small letters' codes draw
    /// capitals; the other encodings have codes of their own for capitals and ignore it.
    public func decode(_ bytes: some Sequence<UInt8>, capitals: Bool = false) -> String {
        finished(decoded(Array(bytes)).text, capitals: capitals)
    }

    /// Text whose characters stand for the legacy bytes: an XLSX cell typed in a .VnTime or
    /// VNI-Times font holds, for each byte, the character Windows-1252 gives it (U+00B8 for TCVN3
    /// "á"), or the Latin-1 one (U+0080–U+009F) where a program read the bytes that way.
    /// Characters neither reading gives (a Unicode "ế" typed in another font) are kept as they are.
    public func decode(fontText text: String, capitals: Bool = false) -> String {
        finished(decoded(fontText: text).text, capitals: capitals)
    }

    /// `text` (made NFC first) in this encoding. `capitals`: for a TCVN3 capital font, every
    /// letter is written at its small letter's code.
    public func encode(_ text: String, capitals: Bool = false) throws(Unrepresentable) -> [UInt8] {
        let text = VietnameseText.nfc(capitals && self == .tcvn3 ? text.lowercased() : text)
        let bytes: (Unicode.Scalar) -> [UInt8]?
        switch self {
        case .utf8:
            return Array(text.utf8)
        case .doubleUTF8:
            var scalars = String.UnicodeScalarView()
            for byte in text.utf8 { scalars.append(Self.windowsScalar(byte)) }
            return Array(String(scalars).utf8)
        case .vni:
            bytes = { VNI.encoding[$0] }
        case .cp1258:
            bytes = Self.cp1258Bytes
        case .tcvn3, .viscii, .vps:
            let code = singleByteCode
            bytes = { scalar in code?.bytes[scalar].map { [$0] } }
        }
        var result: [UInt8] = []
        for character in text {
            for scalar in character.unicodeScalars {
                guard let encoded = bytes(scalar) else { throw Unrepresentable(encoding: self, character: character) }
                result += encoded
            }
        }
        return result
    }

    /// The decoding of `bytes` before NFC, and whether every byte was a character of the
    /// encoding — the detector's strict reading.
    func decoded(_ bytes: [UInt8]) -> (text: String, clean: Bool) {
        guard self == .doubleUTF8 else { return decodedRun(bytes) }
        let outer = Self.utf8Decoded(bytes)
        let inner = decoded(fontText: outer.text)
        return (inner.text, outer.clean && inner.clean)
    }

    /// The decoding of font text before NFC; not clean where a character stood for no byte.
    func decoded(fontText text: String) -> (text: String, clean: Bool) {
        guard self != .utf8 else { return (text, true) }
        var result = ""
        var run: [UInt8] = []
        var clean = true
        func flush() {
            guard !run.isEmpty else { return }
            let part = decodedRun(run)
            result += part.text
            clean = clean && part.clean
            run.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if let byte = Self.windowsByte(scalar) {
                run.append(byte)
            } else {
                flush()
                result.unicodeScalars.append(scalar)
                clean = false
            }
        }
        flush()
        return (result, clean)
    }

    private func finished(_ text: String, capitals: Bool) -> String {
        VietnameseText.nfc(capitals && self == .tcvn3 ? text.uppercased() : text)
    }

    /// One run of bytes in this encoding (for double UTF-8, the inner UTF-8).
    private func decodedRun(_ bytes: [UInt8]) -> (text: String, clean: Bool) {
        if self == .vni { return VNI.decoded(bytes) }
        guard let code = singleByteCode else { return Self.utf8Decoded(bytes) }
        var scalars = String.UnicodeScalarView()
        var clean = true
        for byte in bytes {
            let scalar = code.scalars[Int(byte)]
            clean = clean && scalar != SingleByteCode.replacement
            scalars.append(scalar)
        }
        return (String(scalars), clean)
    }

    private var singleByteCode: SingleByteCode? {
        switch self {
        case .tcvn3: SingleByteCode.tcvn3
        case .viscii: SingleByteCode.viscii
        case .vps: SingleByteCode.vps
        case .cp1258: SingleByteCode.cp1258
        case .utf8, .doubleUTF8, .vni: nil
        }
    }

    private static func utf8Decoded(_ bytes: [UInt8]) -> (text: String, clean: Bool) {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let text = String(validating: body, as: UTF8.self) { return (text, true) }
        return (String(decoding: body, as: UTF8.self), false)
    }

    /// The byte a character stands for in font text or in double UTF-8: its Latin-1 value, or
    /// the Windows-1252 byte of € ‚ ƒ … Ÿ.
    private static func windowsByte(_ scalar: Unicode.Scalar) -> UInt8? {
        if scalar.value < 0x100 { return UInt8(scalar.value) }
        return windows1252Bytes[scalar]
    }

    private static let windows1252Bytes: [Unicode.Scalar: UInt8] = {
        var bytes: [Unicode.Scalar: UInt8] = [:]
        for (offset, value) in LegacyTables.windows1252C1.enumerated() where value != 0xFFFD {
            if let scalar = Unicode.Scalar(UInt32(value)) { bytes[scalar] = UInt8(0x80 + offset) }
        }
        return bytes
    }()

    /// Bytes as a Western Windows editor shows them (Windows-1252; the five bytes it leaves
    /// empty as U+FFFD): what a school sees of a legacy file opened without its font.
    public static func windows1252Text(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let empty = (0x80...0x9F).contains(byte) && LegacyTables.windows1252C1[Int(byte) - 0x80] == 0xFFFD
            scalars.append(empty ? "\u{FFFD}" : windowsScalar(byte))
        }
        return String(scalars)
    }

    /// How Windows shows a byte read as Windows-1252: the five bytes that code page leaves
    /// empty come out as the C1 controls of their value, so double UTF-8 of "Đ" (C4 90) holds U+0090.
    private static func windowsScalar(_ byte: UInt8) -> Unicode.Scalar {
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        let value = LegacyTables.windows1252C1[Int(byte) - 0x80]
        return value == 0xFFFD ? Unicode.Scalar(byte) : Unicode.Scalar(UInt32(value)) ?? Unicode.Scalar(byte)
    }

    /// Windows-1258 for one scalar: its own byte where the code page has it (á, ê, ư…),
    /// otherwise the letter without its tone, then the tone's combining byte (ấ → â, acute).
    private static func cp1258Bytes(_ scalar: Unicode.Scalar) -> [UInt8]? {
        let code = SingleByteCode.cp1258
        if let byte = code.bytes[scalar] { return [byte] }
        let parts = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        let tones = parts.filter { VietnameseTone(mark: $0) != nil }
        let toneless = VietnameseText.nfc(String(String.UnicodeScalarView(parts.filter { VietnameseTone(mark: $0) == nil })))
        guard toneless.unicodeScalars.count == 1, let base = toneless.unicodeScalars.first, let baseByte = code.bytes[base] else {
            return nil
        }
        var bytes = [baseByte]
        for tone in tones {
            guard let byte = code.bytes[tone] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

// MARK: - The codes

/// The five tones besides the level one, as their combining marks: Windows-1258 writes them as
/// bytes of their own, and a syllable carries one at most.
enum VietnameseTone: Equatable {
    case acute, grave, hook, tilde, dot

    init?(mark scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x0301: self = .acute
        case 0x0300: self = .grave
        case 0x0309: self = .hook
        case 0x0303: self = .tilde
        case 0x0323: self = .dot
        default: return nil
        }
    }
}

/// A single-byte code: the scalar of each byte and the byte of each scalar.
struct SingleByteCode: Sendable {
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    let scalars: [Unicode.Scalar]
    let bytes: [Unicode.Scalar: UInt8]

    /// ASCII, then `c0` over it; `high` from 0x80 (128 entries) or from 0xA0 after `c1` (96).
    init(high: [UInt16], c1: [UInt16] = [], c0: [UInt8: UInt16] = [:]) {
        var scalars = (0..<0x80).map { byte in
            c0[UInt8(byte)].flatMap { Unicode.Scalar(UInt32($0)) } ?? Unicode.Scalar(UInt8(byte))
        }
        for value in c1 + high { scalars.append(Unicode.Scalar(UInt32(value)) ?? Self.replacement) }
        precondition(scalars.count == 256)
        var bytes: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in scalars.enumerated() where scalar != Self.replacement && bytes[scalar] == nil {
            bytes[scalar] = UInt8(byte)
        }
        self.scalars = scalars
        self.bytes = bytes
    }

    static let tcvn3 = SingleByteCode(high: LegacyTables.tcvn3High, c1: LegacyTables.windows1252C1)
    static let viscii = SingleByteCode(high: LegacyTables.visciiHigh, c0: LegacyTables.visciiC0)
    static let vps = SingleByteCode(high: LegacyTables.vpsHigh, c0: LegacyTables.vpsC0)
    static let cp1258 = SingleByteCode(high: LegacyTables.cp1258High)
}

/// VNI-Windows: ASCII letters, nine bytes that are letters of their own (í ì ỉ ĩ ị ỵ ơ ư đ), and
/// bytes that draw marks over the letter before them (a + 0xF9 "ù" is á, a + 0xE1 "á" is ấ). A
/// capital's byte is 0x20 below the small one's. A mark byte decodes to its combining marks, which
/// NFC joins to the letter, so a mark after the wrong letter stays visible rather than vanishing.
enum VNI {
    /// The bytes that are letters (small forms).
    static let letters: [UInt8: Unicode.Scalar] = [
        0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị", 0xEE: "ỵ", 0xF4: "ơ", 0xF6: "ư", 0xF1: "đ",
    ]

    /// The bytes that draw marks (small forms): tones, circumflex with a tone, breve with a tone.
    static let marks: [UInt8: String] = [
        0xF9: "\u{301}", 0xF8: "\u{300}", 0xFB: "\u{309}", 0xF5: "\u{303}", 0xEF: "\u{323}",
        0xE2: "\u{302}", 0xE1: "\u{302}\u{301}", 0xE0: "\u{302}\u{300}", 0xE5: "\u{302}\u{309}", 0xE3: "\u{302}\u{303}",
        0xE4: "\u{302}\u{323}",
        0xEA: "\u{306}", 0xE9: "\u{306}\u{301}", 0xE8: "\u{306}\u{300}", 0xFA: "\u{306}\u{309}", 0xFC: "\u{306}\u{303}",
        0xEB: "\u{306}\u{323}",
    ]

    /// Bytes VNI leaves to letters of no table we checked (Latin-1 Ç Ð Ý Þ ß ç ð ý þ ÿ there):
    /// no character, so that text in another encoding does not pass for VNI.
    static let unassigned: Set<UInt8> = [0xC7, 0xD0, 0xDD, 0xDE, 0xDF, 0xE7, 0xF0, 0xFD, 0xFE, 0xFF]

    /// What each byte draws: ASCII; Windows-1252 at 0x80–0x9F; the letters and marks; the
    /// Latin-1 symbols elsewhere (0xA0–0xBF, × and ÷).
    static let drawing: [String] = (0...255).map { value in
        let byte = UInt8(value)
        if byte < 0x80 { return String(Unicode.Scalar(byte)) }
        if byte < 0xA0 {
            return String(Unicode.Scalar(UInt32(LegacyTables.windows1252C1[value - 0x80])) ?? SingleByteCode.replacement)
        }
        if unassigned.contains(byte) { return String(SingleByteCode.replacement) }
        if let letter = letters[byte] { return String(letter) }
        if let mark = marks[byte] { return mark }
        if byte < 0xE0, let letter = letters[byte + 0x20] { return String(letter).uppercased() }
        if byte < 0xE0, let mark = marks[byte + 0x20] { return mark }
        return String(Unicode.Scalar(byte))
    }

    static func decoded(_ bytes: [UInt8]) -> (text: String, clean: Bool) {
        var text = ""
        var clean = true
        for byte in bytes {
            let drawn = drawing[Int(byte)]
            clean = clean && drawn != "\u{FFFD}"
            text += drawn
        }
        return (text, clean)
    }

    /// The bytes of each character: the letter bytes first, then letter + mark pairs (in the
    /// mark's case of the letter), then the bytes that draw one character by themselves.
    static let encoding: [Unicode.Scalar: [UInt8]] = {
        var table: [Unicode.Scalar: [UInt8]] = [:]
        for (byte, letter) in letters {
            table[letter] = [byte]
            if let capital = String(letter).uppercased().unicodeScalars.first { table[capital] = [byte - 0x20] }
        }
        let bases: [UInt8] = Array("aeiouyAEIOUY".utf8) + [0xF4, 0xF6, 0xD4, 0xD6]
        for base in bases {
            let capital = drawing[Int(base)] == drawing[Int(base)].uppercased()
            for small in marks.keys {
                let mark = capital ? small - 0x20 : small
                let letter = VietnameseText.nfc(drawing[Int(base)] + drawing[Int(mark)]).unicodeScalars
                guard letter.count == 1, let scalar = letter.first, table[scalar] == nil else { continue }
                table[scalar] = [base, mark]
            }
        }
        for (value, drawn) in drawing.enumerated() where drawn.unicodeScalars.count == 1 {
            guard let scalar = drawn.unicodeScalars.first, scalar != SingleByteCode.replacement,
                scalar.properties.generalCategory != .nonspacingMark, table[scalar] == nil
            else { continue }
            table[scalar] = [UInt8(value)]
        }
        return table
    }()
}
