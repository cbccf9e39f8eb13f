/// A record the reader could not take, with where it is: the importer shows the ordinal and
/// the byte offset so that a librarian (or the other system's support) can find the record in
/// the export, and then either refuses the file or skips the record and goes on — the reader
/// has already resynchronised past it.
public struct MARCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1 for the stream's first record; a broken record counts, so the next good one is one more.
    public var ordinal: Int
    /// The offset in the stream of the record's first byte (its Leader/00).
    public var offset: Int
    public var problem: Problem

    public init(ordinal: Int, offset: Int, problem: Problem) {
        self.ordinal = ordinal
        self.offset = offset
        self.problem = problem
    }

    /// What is wrong. Positions are offsets from the record's first byte; lengths and addresses
    /// are as the record declares them.
    /// (An Error too, so that the record parser can throw it before the reader adds the position.)
    public enum Problem: Error, Hashable, Sendable {
        /// Leader/00–04 are not five digits (the bytes found, at most five).
        case lengthNotDigits([UInt8])
        /// The declared length is less than a leader, a directory terminator and a record terminator.
        case lengthTooSmall(Int)
        /// The stream ended `available` bytes into a record declared `declared` long (nil: the
        /// stream ended inside the record length itself).
        case truncated(declared: Int?, available: Int)
        /// A record terminator (1D) stands at `at`, before the declared end (`declared - 1`).
        case terminatorBeforeEnd(declared: Int, at: Int)
        /// The byte at the declared end (`declared - 1`) is `found`, not the record terminator.
        case terminatorMissing(declared: Int, found: UInt8)
        /// Leader/`at` is not an ASCII graphic character or space.
        case leaderNotASCII(at: Int)
        /// Leader/12–16, the base address of data, are not five digits.
        case baseAddressNotDigits
        /// The base address is outside the record, or leaves a directory that is not whole
        /// 12-byte entries followed by a field terminator.
        case baseAddressInvalid(Int)
        /// The byte before the base address is not the directory's field terminator (1E).
        case directoryNotTerminated(found: UInt8)
        /// Directory entry `entry` (0-based) has a tag that is not three ASCII letters or digits.
        case tagInvalid(entry: Int, [UInt8])
        /// Directory entry `entry`'s length (4) or starting position (5) are not digits.
        case directoryEntryNotDigits(entry: Int, tag: String)
        /// Directory entry `entry` points outside the data area (`dataLength` bytes), or is empty.
        case directoryEntryOutOfRange(entry: Int, tag: String, start: Int, length: Int, dataLength: Int)
        /// The field of entry `entry` does not end with a field terminator, or holds one before its end.
        case fieldNotTerminated(entry: Int, tag: String)
        /// A data field shorter than its two indicators, with an indicator that is not an ASCII
        /// graphic character or space, with data before its first subfield delimiter, or with a
        /// delimiter not followed by a code that is an ASCII graphic character.
        case dataFieldMalformed(tag: String, reason: String)
        /// Leader/09 is neither blank (MARC-8) nor "a" (UCS/Unicode).
        case unknownCharacterCoding(UInt8)
        /// A value of field `tag` is not well-formed UTF-8 (`at`: the value's first byte).
        case invalidUTF8(tag: String, at: Int)
        /// A value of field `tag` cannot be read as MARC-8; the error's `at` is a record offset.
        case marc8(tag: String, MARC8.DecodeError)
    }

    public var description: String {
        "MARC record \(ordinal) at byte \(offset): \(problem)"
    }
}

extension MARCError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .lengthNotDigits(let bytes): "the record length (Leader/00-04) is not five digits: \(hex(bytes))"
        case .lengthTooSmall(let length): "the declared record length \(length) is too small for a record"
        case .truncated(let declared?, let available): "the file ends \(available) bytes into a record declared \(declared) bytes long"
        case .truncated(nil, let available): "the file ends \(available) bytes into a record, inside its length"
        case .terminatorBeforeEnd(let declared, let at):
            "a record terminator stands at byte \(at) of a record declared \(declared) bytes long (its length is wrong)"
        case .terminatorMissing(let declared, let found):
            "the record declared \(declared) bytes long does not end with a record terminator (byte \(declared - 1) is \(hex([found])))"
        case .leaderNotASCII(let at): "Leader/\(at < 10 ? "0" : "")\(at) is not an ASCII character"
        case .baseAddressNotDigits: "the base address of data (Leader/12-16) is not five digits"
        case .baseAddressInvalid(let base): "the base address of data \(base) does not fit the record and its directory"
        case .directoryNotTerminated(let found): "the directory does not end with a field terminator (found \(hex([found])))"
        case .tagInvalid(let entry, let bytes): "directory entry \(entry) has an invalid tag \(hex(bytes))"
        case .directoryEntryNotDigits(let entry, let tag): "directory entry \(entry) (tag \(tag)) has a length or start that is not digits"
        case .directoryEntryOutOfRange(let entry, let tag, let start, let length, let dataLength):
            "directory entry \(entry) (tag \(tag)) points at bytes \(start)..<\(start + length), outside the \(dataLength) bytes of data"
        case .fieldNotTerminated(let entry, let tag): "field \(tag) (directory entry \(entry)) is not terminated exactly at its end"
        case .dataFieldMalformed(let tag, let reason): "field \(tag): \(reason)"
        case .unknownCharacterCoding(let byte): "Leader/09 is \(hex([byte])), neither blank (MARC-8) nor 'a' (Unicode)"
        case .invalidUTF8(let tag, let at): "field \(tag) is not valid UTF-8 (value starting at byte \(at))"
        case .marc8(let tag, let error): "field \(tag) is not readable as MARC-8: \(error)"
        }
    }
}

extension MARC8.DecodeError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unsupportedCharacterSet(let name, let escape, let at):
            "byte \(at): escape \(hex(escape)) to the \(name) character set, which Quầy does not read"
        case .malformedEscape(let escape, let at): "byte \(at): \(hex(escape)) is not a MARC-8 escape sequence"
        case .unmappedByte(let byte, let at): "byte \(at): \(hex([byte])) is no character in MARC-8's Latin sets"
        case .danglingCombiningMarks(let at): "byte \(at): diacritics with no letter after them"
        }
    }
}

/// Bytes as "1B 28 4E", for messages.
private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
}
