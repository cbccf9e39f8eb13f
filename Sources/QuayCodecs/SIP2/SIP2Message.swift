import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One SIP2 message (3M Standard Interchange Protocol 2.00): a two-digit command identifier,
/// the fixed-length fields that follow it (kept as one string, as each message lays them out
/// differently), and the variable fields — a two-letter identifier, the value, `|` — in order.
/// The error-detection fields `AY` (sequence number) and `AZ` (checksum) are kept apart: they
/// are always last, and the checksum is over the encoded bytes.
public struct SIP2Message: Sendable, Equatable {
    public var command: String
    public var fixed: String
    public var fields: [Field]
    /// `AY`: the sequence number, a digit, when the message has one.
    public var sequence: Character?

    public struct Field: Sendable, Equatable {
        public var id: String
        public var value: String

        public init(_ id: String, _ value: String) {
            self.id = id
            self.value = value
        }
    }

    public init(command: String, fixed: String = "", fields: [Field] = [], sequence: Character? = nil) {
        self.command = command
        self.fixed = fixed
        self.fields = fields
        self.sequence = sequence
    }

    /// The first value of field `id`, if present.
    public subscript(id: String) -> String? { fields.first { $0.id == id }?.value }

    /// Every value of field `id`, in order (`AU`, `AT` repeat).
    public func values(_ id: String) -> [String] { fields.filter { $0.id == id }.map(\.value) }

    /// `count` characters of the fixed part from `offset`; shorter (or empty) when the message
    /// is short — a tolerant reader takes what is there.
    public func fixed(_ offset: Int, _ count: Int) -> String {
        let characters = Array(fixed)
        guard offset < characters.count else { return "" }
        return String(characters[offset..<min(characters.count, offset + count)])
    }
}

/// How an account's messages are written on the wire.
public enum SIP2Encoding: String, Sendable, Equatable, CaseIterable {
    case utf8 = "utf-8"
    /// Code page 850 for old kiosks: Vietnamese letters are written without their diacritics
    /// (`Nguyễn` → `Nguyen`, `Đ` → `D`), since cp850 has few of them; other text as cp850 has it.
    case cp850

    /// The bytes of `text` in this encoding.
    public func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8: return Array(text.utf8)
        case .cp850: return CodePage850.encode(SIP2Text.withoutVietnameseMarks(text))
        }
    }

    /// The text of `bytes`; bytes that are not valid in the encoding become U+FFFD.
    public func decode(_ bytes: some Collection<UInt8>) -> String {
        switch self {
        case .utf8: return String(decoding: bytes, as: UTF8.self)
        case .cp850: return CodePage850.decode(Array(bytes))
        }
    }
}

/// Text rules of SIP2 values.
public enum SIP2Text {
    /// A value may not hold the field separator `|` (it would end the field early) nor a CR or
    /// LF (they would end the message): `|` is written `¦`, controls as spaces.
    public static func escaped(_ value: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "|": result.unicodeScalars.append("¦")
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result.unicodeScalars.append(" ")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `Nguyễn Văn Đức` → `Nguyen Van Duc`: the Vietnamese diacritics dropped, `Đ`/`đ` as D/d,
    /// case kept.
    public static func withoutVietnameseMarks(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar {
            case _ where scalar.properties.generalCategory == .nonspacingMark: continue
            case "đ": result.append("d")
            case "Đ": result.append("D")
            default: result.append(scalar)
            }
        }
        return String(result).precomposedStringWithCanonicalMapping
    }
}

/// Code page 850 through the C library's iconv (glibc has it), so no table of ours to get wrong.
enum CodePage850 {
    static func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                output.append(UInt8(scalar.value))
            } else {
                output.append(convert(Array(String(scalar).utf8), from: "UTF-8", to: "CP850").first ?? UInt8(ascii: "?"))
            }
        }
        return output
    }

    static func decode(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: convert(bytes, from: "CP850", to: "UTF-8"), as: UTF8.self)
    }

    /// iconv of the whole input; an unconvertible byte or character becomes `?`.
    static func convert(_ input: [UInt8], from: String, to: String) -> [UInt8] {
        let descriptor = iconv_open(to, from)
        guard descriptor != iconv_t(bitPattern: -1) else { return input.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") } }
        defer { iconv_close(descriptor) }
        var source = input.map { CChar(bitPattern: $0) }
        var output: [UInt8] = []
        var offset = 0
        var buffer = [CChar](repeating: 0, count: 4 * input.count + 16)
        while offset < source.count {
            let (consumed, produced) = source.withUnsafeMutableBufferPointer { sourcePointer in
                buffer.withUnsafeMutableBufferPointer { bufferPointer -> (Int, Int) in
                    var inPointer: UnsafeMutablePointer<CChar>? = sourcePointer.baseAddress! + offset
                    var inLeft = sourcePointer.count - offset
                    var outPointer: UnsafeMutablePointer<CChar>? = bufferPointer.baseAddress
                    var outLeft = bufferPointer.count
                    _ = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (sourcePointer.count - offset - inLeft, bufferPointer.count - outLeft)
                }
            }
            output.append(contentsOf: buffer[..<produced].map { UInt8(bitPattern: $0) })
            offset += consumed
            if offset < source.count && consumed == 0 {
                // An invalid or unconvertible byte: one `?` for it, and go on.
                output.append(UInt8(ascii: "?"))
                offset += 1
            }
        }
        return output
    }
}
