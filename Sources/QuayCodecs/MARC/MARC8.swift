import Foundation

/// MARC-8 → Unicode for the Latin part of MARC-8: Basic Latin (ASCII) as G0 and ANSEL
/// (Extended Latin) as G1, the sets every MARC-8 record starts in and the only ones a
/// Vietnamese school catalogue needs. An escape to any other set (Greek, Cyrillic, Hebrew,
/// Arabic, CJK/EACC, and the MARC-only Greek symbols, subscripts and superscripts) is refused
/// with the set's name, so that the importer can say which record needs another tool, rather
/// than guess.
///
/// ANSEL's combining diacritics (E0–FE) PRECEDE their base letter, where Unicode's follow it:
/// they are held until the base comes, then written after it in the order they came, and the
/// text is composed to NFC ("a" preceded by E3 then E2 is U+1EA5 ấ). That order is the one
/// yaz, MARC::Charset and pymarc keep both ways (their MARC-8 writers emit the marks in the
/// Unicode order, the mark nearest the letter first); it is what the test checks against yaz.
/// (LoC's "MARC-8 Encoding Environment" says several marks are entered "top to bottom", the
/// reverse for two marks above a letter: a record typed that way reads as "á" and a separate
/// circumflex here, exactly as yaz reads it. No reordering is guessed.)
/// MARC-8 has no combining horn: ơ ư Ơ Ư are the spacing letters BC BD AC AD, and a tone mark
/// goes before them like before any letter (E2 BC is ớ). Đ is A3, đ is B3.
///
/// The code points are those of the Library of Congress's MARC-8 code tables, "Basic and
/// Extended Latin" (codetables.xml, Extended Latin revised 2004–2005: C7 ß and C8 € added,
/// EB/FA mapped to U+0361/U+0360, AE to U+02BC), checked entry by entry against the copy in
/// indexdata/yaz src/codetables.xml (commit 3f69b8979ba15da1ca871832eba132a2b161e347), which is
/// what yaz-marcdump, the tests' independent converter, is generated from. The escape sequences
/// are those of "MARC-8 Encoding Environment" (Technique 1: ESC g/b/p/s; Technique 2: ESC ( , ) -
/// and $ for multibyte sets, ANSEL's final being "!E"), as yaz's iconv_decode_marc8.c and
/// MARC::Charset's Constants.pm read them.
public enum MARC8 {
    public enum DecodeError: Error, Hashable, Sendable {
        /// An escape sequence designates a set this decoder does not carry; `name` is the set's
        /// name in LoC's tables, `escape` the sequence's bytes.
        case unsupportedCharacterSet(name: String, escape: [UInt8], at: Int)
        /// ESC followed by bytes that make no MARC-8 escape sequence, or cut short by the end.
        case malformedEscape([UInt8], at: Int)
        /// A byte with no character in the set it falls in (e.g. AF, a C0 control, DEL).
        case unmappedByte(UInt8, at: Int)
        /// Combining marks at the end of the text with no base character after them.
        case danglingCombiningMarks(at: Int)
    }

    /// The text of `bytes` (one subfield value or control field, without delimiters), in NFC.
    /// Each call starts in the default sets (G0 ASCII, G1 ANSEL), as yaz does for each subfield.
    /// `at` in an error is an index of `bytes`, so an offset in the array it is a slice of.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> String {
        var g0 = GraphicSet.basicLatin
        var g1 = GraphicSet.ansel
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var marks: [Unicode.Scalar] = []
        var marksStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x1B {
                index = try designate(bytes, at: index, g0: &g0, g1: &g1)
                continue
            }
            let character: ANSELCharacter?
            switch byte {
            // Space and the C1 controls MARC-8 uses stand outside the graphic sets (Part 2).
            case 0x20: character = .spacing(" ")
            case 0x88: character = .spacing("\u{0098}")  // NON-SORT BEGIN / START OF STRING
            case 0x89: character = .spacing("\u{009C}")  // NON-SORT END / STRING TERMINATOR
            case 0x8D: character = .spacing("\u{200D}")  // JOINER / ZERO WIDTH JOINER
            case 0x8E: character = .spacing("\u{200C}")  // NON-JOINER / ZERO WIDTH NON-JOINER
            case 0x21...0x7E: character = g0.character(byte)
            case 0xA1...0xFE: character = g1.character(byte)
            default: character = nil
            }
            switch character {
            case .spacing(let scalar):
                scalars.append(scalar)
                scalars += marks
                marks.removeAll()
            case .combining(let scalar):
                if marks.isEmpty { marksStart = index }
                marks.append(scalar)
            case .secondHalf:
                break
            case nil:
                throw .unmappedByte(byte, at: index)
            }
            index += 1
        }
        guard marks.isEmpty else { throw .danglingCombiningMarks(at: marksStart) }
        var text = String(String.UnicodeScalarView(scalars))
        if scalars.contains(where: { !$0.isASCII }) { text = text.precomposedStringWithCanonicalMapping }
        return text
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> String { try decode(bytes[...]) }

    /// The two sets this decoder carries, in either G0 or G1: a byte is looked up by its
    /// position in the 94-character set, whichever half of the code table it came in.
    enum GraphicSet {
        case basicLatin, ansel

        func character(_ byte: UInt8) -> ANSELCharacter? {
            switch self {
            case .basicLatin: .spacing(Unicode.Scalar(byte & 0x7F))
            case .ansel: MARC8.ansel(byte | 0x80)
            }
        }
    }

    enum ANSELCharacter: Equatable {
        case spacing(Unicode.Scalar)
        case combining(Unicode.Scalar)
        /// EC and FB, the second halves of the ligature and the double tilde: LoC maps the first
        /// half (EB, FA) to the one Unicode mark that spans both letters (U+0361, U+0360) and
        /// the second half to nothing (MARBI proposal 2004-08).
        case secondHalf
    }

    /// The names of the sets LoC's tables define, by final byte, for refusing them by name.
    static let setNames: [UInt8: String] = [
        0x67: "Greek Symbols", 0x62: "Subscripts", 0x70: "Superscripts",
        0x32: "Basic Hebrew", 0x4E: "Basic Cyrillic", 0x51: "Extended Cyrillic",
        0x33: "Basic Arabic", 0x34: "Extended Arabic", 0x53: "Basic Greek",
        0x31: "Chinese, Japanese, Korean (EACC)",
    ]

    /// Reads the escape sequence at `start` and designates the set it names; the index after it.
    static func designate(
        _ bytes: ArraySlice<UInt8>, at start: Int, g0: inout GraphicSet, g1: inout GraphicSet
    ) throws(DecodeError) -> Int {
        var index = start + 1
        func next() throws(DecodeError) -> UInt8 {
            guard index < bytes.endIndex else { throw .malformedEscape(Array(bytes[start..<index]), at: start) }
            defer { index += 1 }
            return bytes[index]
        }
        var byte = try next()
        // Technique 1: ESC and one byte, locking, into G0. ESC s returns to ASCII.
        if byte == 0x73 {
            g0 = .basicLatin
            return index
        }
        if byte == 0x67 || byte == 0x62 || byte == 0x70 {
            throw .unsupportedCharacterSet(name: setNames[byte]!, escape: Array(bytes[start..<index]), at: start)
        }
        // Technique 2: ESC, intermediates, final. "$" makes the set multibyte; ( and , designate
        // G0, ) and - designate G1 (a multibyte set with no second intermediate goes to G0).
        var multibyte = false
        if byte == 0x24 {
            multibyte = true
            byte = try next()
        }
        let toG1: Bool
        switch byte {
        case 0x28, 0x2C: toG1 = false
        case 0x29, 0x2D: toG1 = true
        default:
            guard multibyte else { throw .malformedEscape(Array(bytes[start..<index]), at: start) }
            toG1 = false
            index -= 1
        }
        var final = try next()
        let bang = final == 0x21
        if bang { final = try next() }
        let escape = Array(bytes[start..<index])
        let set: GraphicSet
        switch (multibyte, bang, final) {
        case (false, false, 0x42): set = .basicLatin
        // ANSEL is registered with the intermediate "!"; yaz also reads it without.
        case (false, _, 0x45): set = .ansel
        default:
            if let name = setNames[final], !bang { throw .unsupportedCharacterSet(name: name, escape: escape, at: start) }
            throw .malformedEscape(escape, at: start)
        }
        if toG1 { g1 = set } else { g0 = set }
        return index
    }

    /// ANSEL by its G1 code (A1–FE), from LoC's "Extended Latin (ANSEL)" table.
    static func ansel(_ code: UInt8) -> ANSELCharacter? {
        switch code {
        case 0xA1: .spacing("\u{0141}")  // Ł UPPERCASE POLISH L / LATIN CAPITAL LETTER L WITH STROKE
        case 0xA2: .spacing("\u{00D8}")  // Ø UPPERCASE SCANDINAVIAN O / LATIN CAPITAL LETTER O WITH STROKE
        case 0xA3: .spacing("\u{0110}")  // Đ UPPERCASE D WITH CROSSBAR / LATIN CAPITAL LETTER D WITH STROKE
        case 0xA4: .spacing("\u{00DE}")  // Þ UPPERCASE ICELANDIC THORN / LATIN CAPITAL LETTER THORN (Icelandic)
        case 0xA5: .spacing("\u{00C6}")  // Æ UPPERCASE DIGRAPH AE / LATIN CAPITAL LIGATURE AE
        case 0xA6: .spacing("\u{0152}")  // Œ UPPERCASE DIGRAPH OE / LATIN CAPITAL LIGATURE OE
        case 0xA7: .spacing("\u{02B9}")  // ʹ SOFT SIGN, PRIME / MODIFIER LETTER PRIME
        case 0xA8: .spacing("\u{00B7}")  // · MIDDLE DOT
        case 0xA9: .spacing("\u{266D}")  // ♭ MUSIC FLAT SIGN
        case 0xAA: .spacing("\u{00AE}")  // ® PATENT MARK / REGISTERED SIGN
        case 0xAB: .spacing("\u{00B1}")  // ± PLUS OR MINUS / PLUS-MINUS SIGN
        case 0xAC: .spacing("\u{01A0}")  // Ơ UPPERCASE O-HOOK / LATIN CAPITAL LETTER O WITH HORN
        case 0xAD: .spacing("\u{01AF}")  // Ư UPPERCASE U-HOOK / LATIN CAPITAL LETTER U WITH HORN
        case 0xAE: .spacing("\u{02BC}")  // ʼ ALIF / MODIFIER LETTER APOSTROPHE
        case 0xB0: .spacing("\u{02BB}")  // ʻ AYN / MODIFIER LETTER TURNED COMMA
        case 0xB1: .spacing("\u{0142}")  // ł LOWERCASE POLISH L / LATIN SMALL LETTER L WITH STROKE
        case 0xB2: .spacing("\u{00F8}")  // ø LOWERCASE SCANDINAVIAN O / LATIN SMALL LETTER O WITH STROKE
        case 0xB3: .spacing("\u{0111}")  // đ LOWERCASE D WITH CROSSBAR / LATIN SMALL LETTER D WITH STROKE
        case 0xB4: .spacing("\u{00FE}")  // þ LOWERCASE ICELANDIC THORN / LATIN SMALL LETTER THORN (Icelandic)
        case 0xB5: .spacing("\u{00E6}")  // æ LOWERCASE DIGRAPH AE / LATIN SMALL LIGATURE AE
        case 0xB6: .spacing("\u{0153}")  // œ LOWERCASE DIGRAPH OE / LATIN SMALL LIGATURE OE
        case 0xB7: .spacing("\u{02BA}")  // ʺ HARD SIGN, DOUBLE PRIME / MODIFIER LETTER DOUBLE PRIME
        case 0xB8: .spacing("\u{0131}")  // ı LOWERCASE TURKISH I / LATIN SMALL LETTER DOTLESS I
        case 0xB9: .spacing("\u{00A3}")  // £ BRITISH POUND / POUND SIGN
        case 0xBA: .spacing("\u{00F0}")  // ð LOWERCASE ETH / LATIN SMALL LETTER ETH (Icelandic)
        case 0xBC: .spacing("\u{01A1}")  // ơ LOWERCASE O-HOOK / LATIN SMALL LETTER O WITH HORN
        case 0xBD: .spacing("\u{01B0}")  // ư LOWERCASE U-HOOK / LATIN SMALL LETTER U WITH HORN
        case 0xC0: .spacing("\u{00B0}")  // ° DEGREE SIGN
        case 0xC1: .spacing("\u{2113}")  // ℓ SCRIPT SMALL L
        case 0xC2: .spacing("\u{2117}")  // ℗ SOUND RECORDING COPYRIGHT
        case 0xC3: .spacing("\u{00A9}")  // © COPYRIGHT SIGN
        case 0xC4: .spacing("\u{266F}")  // ♯ MUSIC SHARP SIGN
        case 0xC5: .spacing("\u{00BF}")  // ¿ INVERTED QUESTION MARK
        case 0xC6: .spacing("\u{00A1}")  // ¡ INVERTED EXCLAMATION MARK
        case 0xC7: .spacing("\u{00DF}")  // ß ESZETT SYMBOL
        case 0xC8: .spacing("\u{20AC}")  // € EURO SIGN
        case 0xE0: .combining("\u{0309}")  // PSEUDO QUESTION MARK / COMBINING HOOK ABOVE
        case 0xE1: .combining("\u{0300}")  // GRAVE / COMBINING GRAVE ACCENT (Varia)
        case 0xE2: .combining("\u{0301}")  // ACUTE / COMBINING ACUTE ACCENT (Oxia)
        case 0xE3: .combining("\u{0302}")  // CIRCUMFLEX / COMBINING CIRCUMFLEX ACCENT
        case 0xE4: .combining("\u{0303}")  // TILDE / COMBINING TILDE
        case 0xE5: .combining("\u{0304}")  // MACRON / COMBINING MACRON
        case 0xE6: .combining("\u{0306}")  // BREVE / COMBINING BREVE (Vrachy)
        case 0xE7: .combining("\u{0307}")  // SUPERIOR DOT / COMBINING DOT ABOVE
        case 0xE8: .combining("\u{0308}")  // UMLAUT, DIAERESIS / COMBINING DIAERESIS (Dialytika)
        case 0xE9: .combining("\u{030C}")  // HACEK / COMBINING CARON
        case 0xEA: .combining("\u{030A}")  // CIRCLE ABOVE, ANGSTROM / COMBINING RING ABOVE
        case 0xEB: .combining("\u{0361}")  // LIGATURE, FIRST HALF / COMBINING DOUBLE INVERTED BREVE
        case 0xEC: .secondHalf  // LIGATURE, SECOND HALF / COMBINING LIGATURE RIGHT HALF
        case 0xED: .combining("\u{0315}")  // HIGH COMMA, OFF CENTER / COMBINING COMMA ABOVE RIGHT
        case 0xEE: .combining("\u{030B}")  // DOUBLE ACUTE / COMBINING DOUBLE ACUTE ACCENT
        case 0xEF: .combining("\u{0310}")  // CANDRABINDU / COMBINING CANDRABINDU
        case 0xF0: .combining("\u{0327}")  // CEDILLA / COMBINING CEDILLA
        case 0xF1: .combining("\u{0328}")  // RIGHT HOOK, OGONEK / COMBINING OGONEK
        case 0xF2: .combining("\u{0323}")  // DOT BELOW / COMBINING DOT BELOW
        case 0xF3: .combining("\u{0324}")  // DOUBLE DOT BELOW / COMBINING DIAERESIS BELOW
        case 0xF4: .combining("\u{0325}")  // CIRCLE BELOW / COMBINING RING BELOW
        case 0xF5: .combining("\u{0333}")  // DOUBLE UNDERSCORE / COMBINING DOUBLE LOW LINE
        case 0xF6: .combining("\u{0332}")  // UNDERSCORE / COMBINING LOW LINE
        case 0xF7: .combining("\u{0326}")  // LEFT HOOK (COMMA BELOW) / COMBINING COMMA BELOW
        case 0xF8: .combining("\u{031C}")  // RIGHT CEDILLA / COMBINING LEFT HALF RING BELOW
        case 0xF9: .combining("\u{032E}")  // UPADHMANIYA / COMBINING BREVE BELOW
        case 0xFA: .combining("\u{0360}")  // DOUBLE TILDE, FIRST HALF / COMBINING DOUBLE TILDE
        case 0xFB: .secondHalf  // DOUBLE TILDE, SECOND HALF / COMBINING DOUBLE TILDE RIGHT HALF
        case 0xFE: .combining("\u{0313}")  // HIGH COMMA, CENTERED / COMBINING COMMA ABOVE (Psili)
        default: nil
        }
    }
}
