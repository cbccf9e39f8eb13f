/// A barcode symbology, as an AIM symbology identifier names it (`]C0` Code 128, `]E0`
/// EAN-13, …): a code letter and a modifier character. Scanners can send the identifier
/// before the data (keyboard wedge, serial) or beside it (HID-POS), so the desk can tell a
/// Codabar library barcode from an EAN-13 ISBN without guessing from the digits.
public struct Symbology: Hashable, Sendable, CustomStringConvertible {
    /// The AIM code letter: `A` Code 39, `C` Code 128, `E` EAN/UPC, `F` Codabar, `Q` QR, …
    public var code: Character
    /// The AIM modifier: options of the symbology (check digit sent, EAN-8 vs EAN-13, …).
    public var modifier: Character

    /// The symbologies a school desk meets; anything else is `.other`.
    public enum Family: String, Sendable, CaseIterable {
        case code39, code128, ean, codabar, code93, interleaved2of5, qr, dataMatrix, pdf417, gs1DataBar, aztec, other
    }

    public init(code: Character, modifier: Character) {
        self.code = code
        self.modifier = modifier
    }

    /// Parses the three bytes `]`, code, modifier; nil unless the code is an ASCII letter and
    /// the modifier a printable ASCII character (ISO/IEC 15424).
    public init?<Bytes: Collection>(aimIdentifier bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 3 else { return nil }
        let values = Array(bytes)
        guard values[0] == UInt8(ascii: "]"), Self.isLetter(values[1]), (0x21...0x7E).contains(values[2]) else { return nil }
        self.init(code: Character(Unicode.Scalar(values[1])), modifier: Character(Unicode.Scalar(values[2])))
    }

    public static let code39 = Symbology(code: "A", modifier: "0")
    public static let code128 = Symbology(code: "C", modifier: "0")
    public static let ean13 = Symbology(code: "E", modifier: "0")
    public static let ean8 = Symbology(code: "E", modifier: "4")
    public static let codabar = Symbology(code: "F", modifier: "0")
    public static let qr = Symbology(code: "Q", modifier: "1")

    /// `]E0`.
    public var aimIdentifier: String { "]" + String(code) + String(modifier) }

    public var description: String { aimIdentifier }

    public var family: Family {
        switch code {
        case "A": return .code39
        case "C": return .code128
        case "E": return .ean
        case "F": return .codabar
        case "G": return .code93
        case "I": return .interleaved2of5
        case "Q": return .qr
        case "d": return .dataMatrix
        case "L": return .pdf417
        case "e": return .gs1DataBar
        case "z": return .aztec
        default: return .other
        }
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}

/// How a scan came to an end, for the scan log: a scanner that ends its codes with a
/// terminator but produced one by timeout is worth a look.
public enum ScanEnding: String, Sendable, Equatable {
    /// The scanner's terminator (Enter, Tab, CR/LF).
    case terminator
    /// No key came within the inter-key timeout (evdev).
    case timeout
    /// The caller flushed at the end of the stream (device gone, file ended).
    case flush
    /// A HID-POS report without the continued flag.
    case report
}

/// One code read by a scanner, after the shared post-processing (`ScanAssembler`).
public struct DecodedScan: Equatable, Sendable {
    /// The code, with AIM identifier, prefix and suffix removed. Invalid UTF-8 has become
    /// U+FFFD rather than failing: the desk then refuses an unknown code, with the scan logged.
    public var data: String
    /// The symbology, when the scanner said (AIM identifier or HID-POS field).
    public var symbology: Symbology?
    /// The bytes as the scanner sent them, before any stripping: what the scan log keeps.
    public var raw: [UInt8]
    public var ending: ScanEnding

    public init(data: String, symbology: Symbology? = nil, raw: [UInt8], ending: ScanEnding) {
        self.data = data
        self.symbology = symbology
        self.raw = raw
        self.ending = ending
    }
}

/// A scan that could not be read cleanly; a value with a stable code, never a trap.
public struct ScanError: Error, Equatable, Sendable {
    public enum Code: String, Sendable, CaseIterable {
        /// Longer than `ScanOptions.maxLength`; refused whole, never truncated.
        case tooLong = "scan_too_long"
        /// A keyboard-wedge scan held a key our keymap cannot turn into a character (or a
        /// character typed with Ctrl/Alt/Meta held); refused whole so no character goes missing.
        case unknownKey = "scan_unknown_key"
        /// Bytes that do not fit the device's report layout (HID-POS).
        case malformedReport = "scan_malformed_report"
    }

    public var code: Code
    /// The bytes read for this scan (at most the decoder's bound), for the scan log.
    public var raw: [UInt8]
    /// Short English detail for the log: the length, the key codes, the report ID.
    public var detail: String

    public init(code: Code, raw: [UInt8] = [], detail: String = "") {
        self.code = code
        self.raw = raw
        self.detail = detail
    }
}

/// What a decoder hands the desk for each code read: a scan or a refusal.
public enum ScanOutcome: Equatable, Sendable {
    case scan(DecodedScan)
    case failed(ScanError)
}
