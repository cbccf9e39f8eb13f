import Foundation

/// Why a record cannot be written. The caller knows which record it passed; the tag says where.
public enum MARCWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The leader is not 24 ASCII characters (graphic or space).
    case leaderInvalid
    /// A tag that is not three ASCII letters or digits, or a control field whose tag is not 00X
    /// (or a data field whose tag is).
    case tagInvalid(String)
    /// An indicator that is not one ASCII graphic character or space.
    case indicatorInvalid(tag: String, Character)
    /// A subfield code that is not one ASCII graphic character.
    case subfieldCodeInvalid(tag: String, Character)
    /// A character the format cannot carry in a value: ISO 2709's delimiters (1D, 1E, 1F), or
    /// in MARCXML a control character XML 1.0 forbids even as a reference.
    case characterNotAllowed(tag: String, Unicode.Scalar)
    /// A field longer than the directory's four digits can say (9,999 bytes with its terminator).
    case fieldTooLong(tag: String, bytes: Int)
    /// A record longer than Leader/00–04 can say (99,999 bytes). The record must be split (for
    /// example its holdings fields into a second record) by whoever made it.
    case recordTooLong(bytes: Int)

    public var description: String {
        switch self {
        case .leaderInvalid: "the leader is not 24 ASCII characters"
        case .tagInvalid(let tag): "the tag \"\(tag)\" is not valid for its kind of field"
        case .indicatorInvalid(let tag, let indicator): "field \(tag): the indicator \"\(indicator)\" is not an ASCII character"
        case .subfieldCodeInvalid(let tag, let code): "field \(tag): the subfield code \"\(code)\" is not an ASCII character"
        case .characterNotAllowed(let tag, let scalar):
            "field \(tag): U+\(String(scalar.value, radix: 16, uppercase: true)) cannot be written in this format"
        case .fieldTooLong(let tag, let bytes): "field \(tag) is \(bytes) bytes long; ISO 2709 allows 9999"
        case .recordTooLong(let bytes): "the record is \(bytes) bytes long; ISO 2709 allows 99999"
        }
    }
}

/// Writes records as ISO 2709 (MARC 21 communications format), always in UTF-8 (Leader/09 "a"):
/// every system that imports MARC 21 today reads it, and Vietnamese needs no MARC-8 tricks in it.
/// Values are written in NFC, so the same record always gives the same bytes.
public enum MARCWriter {
    /// One record's bytes. The leader is the record's, with the positions that describe these
    /// bytes filled in: 00–04 the length, 09 "a", 10–11 "22", 12–16 the base address, 20–23 "4500".
    public static func iso2709(_ record: MARCRecord) throws(MARCWriteError) -> [UInt8] {
        try checkLeader(record.leader)
        var directory: [UInt8] = []
        var data: [UInt8] = []
        directory.reserveCapacity(12 * record.fields.count + 1)
        for field in record.fields {
            try check(field)
            let start = data.count
            switch field {
            case .control(let tag, let value):
                data += try bytes(value, tag: tag)
            case .data(let tag, let ind1, let ind2, let subfields):
                data += [ind1.asciiValue!, ind2.asciiValue!]
                for subfield in subfields {
                    data += [0x1F, subfield.code.asciiValue!]
                    data += try bytes(subfield.value, tag: tag)
                }
            }
            data.append(0x1E)
            let length = data.count - start
            guard length <= 9_999 else { throw .fieldTooLong(tag: field.tag, bytes: length) }
            directory += Array(field.tag.utf8) + digits(length, 4) + digits(start, 5)
        }
        directory.append(0x1E)
        let base = 24 + directory.count
        let total = base + data.count + 1
        guard total <= 99_999 else { throw .recordTooLong(bytes: total) }
        var leader = record.leader
        leader.replaceSubrange(0..<5, with: digits(total, 5))
        leader[9] = UInt8(ascii: "a")
        leader.replaceSubrange(10..<12, with: Array("22".utf8))
        leader.replaceSubrange(12..<17, with: digits(base, 5))
        leader.replaceSubrange(20..<24, with: Array("4500".utf8))
        return leader + directory + data + [0x1D]
    }

    /// The most bytes one record may have: Leader/00–04 is five digits.
    public static let maxRecordLength = 99_999

    /// The bytes `field` takes in a record: its data with its terminator, plus its 12-byte
    /// directory entry. A writer that must split a record (an export's title with thousands of
    /// copies) adds these up before it writes: a record is 24 + 1 + 1 bytes and its fields'.
    public static func encodedLength(of field: MARCField) -> Int {
        let data: Int
        switch field {
        case .control(_, let value): data = normalized(value).utf8.count
        case .data(_, _, _, let subfields): data = 2 + subfields.reduce(0) { $0 + 2 + normalized($1.value).utf8.count }
        }
        return 12 + data + 1
    }

    /// Several records, one after another, as a .mrc file holds them.
    public static func iso2709(_ records: some Sequence<MARCRecord>) throws(MARCWriteError) -> [UInt8] {
        var bytes: [UInt8] = []
        for record in records { bytes += try iso2709(record) }
        return bytes
    }

    /// A value's UTF-8 in NFC; ISO 2709's delimiters cannot stand in it.
    static func bytes(_ value: String, tag: String) throws(MARCWriteError) -> [UInt8] {
        let text = normalized(value)
        if let scalar = text.unicodeScalars.first(where: { (0x1D...0x1F).contains($0.value) }) {
            throw .characterNotAllowed(tag: tag, scalar)
        }
        return Array(text.utf8)
    }

    /// NFC, skipped for ASCII (most values: call numbers, dates, codes).
    static func normalized(_ value: String) -> String {
        value.utf8.allSatisfy({ $0 < 0x80 }) ? value : value.precomposedStringWithCanonicalMapping
    }

    static func checkLeader(_ leader: [UInt8]) throws(MARCWriteError) {
        guard leader.count == 24, leader.allSatisfy({ (0x20...0x7E).contains($0) }) else { throw .leaderInvalid }
    }

    /// What both writers require of a field besides its values.
    static func check(_ field: MARCField) throws(MARCWriteError) {
        let tag = field.tag
        guard tag.utf8.count == 3, tag.utf8.allSatisfy(isASCIIAlphanumeric) else { throw .tagInvalid(tag) }
        switch field {
        case .control:
            guard MARCField.isControlTag(tag) else { throw .tagInvalid(tag) }
        case .data(_, let ind1, let ind2, let subfields):
            guard !MARCField.isControlTag(tag) else { throw .tagInvalid(tag) }
            for indicator in [ind1, ind2] where !isASCII(indicator, from: 0x20) {
                throw .indicatorInvalid(tag: tag, indicator)
            }
            for subfield in subfields where !isASCII(subfield.code, from: 0x21) {
                throw .subfieldCodeInvalid(tag: tag, subfield.code)
            }
        }
    }

    /// One ASCII scalar from `lowest` through "~".
    private static func isASCII(_ character: Character, from lowest: UInt8) -> Bool {
        guard let value = character.asciiValue, character.unicodeScalars.count == 1 else { return false }
        return (lowest...0x7E).contains(value)
    }

    /// `value` as `count` ASCII digits, zero-padded (the caller has checked that it fits).
    private static func digits(_ value: Int, _ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0x30, count: count)
        var rest = value
        for index in stride(from: count - 1, through: 0, by: -1) {
            bytes[index] = 0x30 + UInt8(rest % 10)
            rest /= 10
        }
        return bytes
    }
}
