import Foundation

/// SIP2's bytes: a message is its command, fixed fields and `ID value|` fields, then — with
/// error detection — `AY` and a digit and `AZ` and four hex digits, then the terminator. The
/// checksum is the two's complement of the 16-bit sum of every byte before it, `AZ` included,
/// as written (so over the encoded bytes, never over characters).
public enum SIP2Codec {
    /// The checksum of `bytes` (everything up to and including `AZ`), four upper-case hex digits.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> String {
        var sum: UInt16 = 0
        for byte in bytes { sum = sum &+ UInt16(byte) }
        return String(format: "%04X", (~sum &+ 1))
    }

    /// What a client's message can be refused for before it is read.
    public enum DecodeError: Error, Equatable, Sendable {
        /// Shorter than a command identifier, or the identifier is not two digits.
        case malformed
        /// `AZ` present and not the checksum of the bytes before it.
        case badChecksum(expected: String, got: String)
    }

    /// A message, without its terminator. Tolerant: fields after the fixed part are read
    /// however the client spaced them; an empty field is kept (empty); a trailing `|` missing
    /// from the last field is forgiven. `fixedLength` is the length of the fixed part of this
    /// command (`SIP2Command.fixedLength`), so that a fixed field that happens to look like an
    /// identifier is not read as one.
    public static func decode(_ bytes: [UInt8], encoding: SIP2Encoding, fixedLength: (String) -> Int) throws(DecodeError) -> (
        message: SIP2Message, hadChecksum: Bool
    ) {
        guard bytes.count >= 2, bytes[0] >= 0x30, bytes[0] <= 0x39, bytes[1] >= 0x30, bytes[1] <= 0x39 else { throw .malformed }
        var body = bytes[...]
        var sequence: Character? = nil
        var hadChecksum = false
        // Error detection, from the end: …AYnAZxxxx.
        if body.count >= 6, body[body.endIndex - 6] == UInt8(ascii: "A"), body[body.endIndex - 5] == UInt8(ascii: "Z") {
            let given = String(decoding: body.suffix(4), as: UTF8.self).uppercased()
            let expected = checksum(body.dropLast(4))
            guard given == expected else { throw .badChecksum(expected: expected, got: given) }
            hadChecksum = true
            body = body.dropLast(6)
            if body.count >= 3, body[body.endIndex - 3] == UInt8(ascii: "A"), body[body.endIndex - 2] == UInt8(ascii: "Y") {
                sequence = Character(Unicode.Scalar(body[body.endIndex - 1]))
                body = body.dropLast(3)
            }
        } else if body.count >= 3, body[body.endIndex - 3] == UInt8(ascii: "A"), body[body.endIndex - 2] == UInt8(ascii: "Y"),
            (0x30...0x39).contains(body[body.endIndex - 1])
        {
            sequence = Character(Unicode.Scalar(body[body.endIndex - 1]))
            body = body.dropLast(3)
        }
        let command = String(decoding: body.prefix(2), as: UTF8.self)
        body = body.dropFirst(2)
        let fixedBytes = min(fixedLength(command), body.count)
        let fixed = encoding.decode(body.prefix(fixedBytes))
        body = body.dropFirst(fixedBytes)
        var fields: [SIP2Message.Field] = []
        while body.count >= 2 {
            let id = String(decoding: body.prefix(2), as: UTF8.self)
            body = body.dropFirst(2)
            let end = body.firstIndex(of: UInt8(ascii: "|")) ?? body.endIndex
            fields.append(.init(id, encoding.decode(body[..<end])))
            body = end < body.endIndex ? body[(end + 1)...] : body[end...]
        }
        return (SIP2Message(command: command, fixed: fixed, fields: fields, sequence: sequence), hadChecksum)
    }

    /// A message's bytes with its terminator. With `errorDetection`, `AY` (the message's
    /// sequence, or 0) and `AZ` with the checksum of the encoded bytes are appended.
    public static func encode(_ message: SIP2Message, encoding: SIP2Encoding, errorDetection: Bool, terminator: [UInt8]) -> [UInt8] {
        var bytes = Array(message.command.utf8) + encoding.encode(SIP2Text.escaped(message.fixed))
        for field in message.fields {
            bytes += Array(field.id.utf8) + encoding.encode(SIP2Text.escaped(field.value)) + [UInt8(ascii: "|")]
        }
        if errorDetection {
            bytes += Array("AY\(message.sequence ?? "0")AZ".utf8)
            bytes += Array(checksum(bytes).utf8)
        } else if let sequence = message.sequence {
            bytes += Array("AY\(sequence)".utf8)
        }
        return bytes + terminator
    }
}

/// Cuts a TCP stream into SIP2 messages: each ends with CR; an LF before a message (from a
/// client that ends with CRLF) or a NUL is skipped; several messages in one read and one
/// message across reads are both normal. A message longer than `maxLength` is dropped to its
/// CR and reported, so that the client can be told to resend.
public struct SIP2Framer: Sendable {
    public enum Frame: Sendable, Equatable {
        case message([UInt8])
        case tooLong
    }

    public let maxLength: Int
    private var buffer: [UInt8] = []
    private var discarding = false

    public init(maxLength: Int = 4096) { self.maxLength = maxLength }

    public mutating func push(_ bytes: some Sequence<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        for byte in bytes {
            switch byte {
            case 0x0D:
                if discarding {
                    discarding = false
                    frames.append(.tooLong)
                } else if !buffer.isEmpty {
                    frames.append(.message(buffer))
                }
                buffer.removeAll(keepingCapacity: true)
            case 0x0A where buffer.isEmpty, 0x00 where buffer.isEmpty:
                continue
            default:
                guard !discarding else { continue }
                if buffer.count >= maxLength {
                    discarding = true
                    buffer.removeAll(keepingCapacity: true)
                } else {
                    buffer.append(byte)
                }
            }
        }
        return frames
    }
}

/// SIP2 dates: `YYYYMMDDZZZZHHMMSS`, in the school's time zone with the zone field blank (the
/// spec's "local time").
public enum SIP2Date {
    public static func format(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02d    %02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0,
            parts.second ?? 0)
    }

    /// A date as a client writes it: blank zone (local) or `   Z` (UTC); nil when it is blank or not a date.
    public static func parse(_ text: String, timeZone: TimeZone = .current) -> Date? {
        let characters = Array(text)
        guard characters.count == 18 else { return nil }
        let digits = String(characters[0..<8]) + String(characters[12..<18])
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = String(characters[8..<12]).trimmingCharacters(in: .whitespaces) == "Z" ? TimeZone(identifier: "UTC")! : timeZone
        let number = { (range: Range<Int>) in Int(String(Array(digits)[range])) }
        return calendar.date(
            from: DateComponents(
                year: number(0..<4), month: number(4..<6), day: number(6..<8), hour: number(8..<10), minute: number(10..<12),
                second: number(12..<14)))
    }
}

/// The fixed-field lengths of the messages a client sends (SIP2 2.00), for `SIP2Codec.decode`.
public enum SIP2Command {
    public static func fixedLength(_ command: String) -> Int {
        switch command {
        case "93": return 2  // UID and PWD algorithms
        case "99": return 1 + 3 + 4  // status code, max print width, protocol version
        case "23": return 3 + 18  // language, transaction date
        case "63": return 3 + 18 + 10  // language, date, summary
        case "11": return 1 + 1 + 18 + 18  // SC renewal policy, no block, date, nb due date
        case "09": return 1 + 18 + 18  // no block, date, return date
        case "29": return 1 + 1 + 18 + 18  // third party allowed, no block, date, nb due date
        case "37": return 18 + 2 + 2 + 3  // date, fee type, payment type, currency
        case "65", "17", "35", "19", "25": return 18  // date
        case "01", "15": return 1 + 18  // card retained or hold mode, date
        default: return 0  // 97, and what is unknown
        }
    }
}
