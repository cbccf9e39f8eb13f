import Foundation

/// Reads ISO 2709 (MARC 21 "communications format") records from a byte stream, one by one,
/// however the bytes were chunked: an export of a whole catalogue is read in constant memory
/// (a record is at most 99,999 bytes), and one broken record costs that record only.
///
/// Every record is checked against ISO 2709 as MARC 21 uses it (Leader/20–23 "4500": 12-byte
/// directory entries of a 3-byte tag, 4-digit length, 5-digit start): the length is five digits
/// and the byte at that length is the record terminator (1D) with none before it; the leader is
/// ASCII; the base
/// address is five digits and ends a directory of whole entries closed by a field terminator
/// (1E); every entry's field lies inside the data and ends with 1E, holding none before. Leader/10,
/// /11 and /20–23 are not checked: other systems write them carelessly and the layout is fixed.
///
/// A record that breaks these rules comes out as a `MARCError` with its ordinal and offset, and
/// the reader resynchronises by skipping through the first record terminator at or after the
/// record's start — the real end of a record whose length or directory is wrong. (A record that
/// has lost its own terminator therefore takes the next record with it: their bytes run together
/// up to that record's terminator.) Between records, CR, LF, NUL and SUB (1A) are skipped: some
/// exports put a line break after each record, or a DOS end-of-file mark at the end.
public struct MARCReader: Sendable {
    /// How to read values: by Leader/09 (nil), or forced, for files whose leader says MARC-8
    /// while the values are UTF-8 (a mislabelling some systems' exports are known for).
    public enum Encoding: Sendable, Hashable {
        case utf8, marc8
    }

    public let encoding: Encoding?
    private var buffer: [UInt8] = []
    /// The index in `buffer` of the next byte not yet read.
    private var start = 0
    /// The stream offset of `buffer[0]`.
    private var bufferOffset = 0
    private var ordinal = 0
    /// Dropping bytes through the next record terminator, after an error.
    private var resynchronising = false
    private var finished = false

    public init(encoding: Encoding? = nil) {
        self.encoding = encoding
    }

    /// A reader over the whole of `bytes` (a file read at once).
    public init(bytes: some Collection<UInt8>, encoding: Encoding? = nil) {
        self.init(encoding: encoding)
        append(bytes)
        finish()
    }

    /// Feeds the next bytes of the stream.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        precondition(!finished, "bytes appended after finish()")
        if start > 0 && (start == buffer.count || start >= 65_536) {
            buffer.removeFirst(start)
            bufferOffset += start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Marks the end of the stream: a record still incomplete is then reported as truncated.
    public mutating func finish() { finished = true }

    /// The next record, or the error for the next broken one (after which the reader has
    /// skipped it); nil when more bytes are needed, or at the end of a finished stream.
    public mutating func next() -> Result<MARCRecord, MARCError>? {
        if resynchronising {
            guard let terminator = buffer[start...].firstIndex(of: 0x1D) else {
                start = buffer.count
                return nil
            }
            start = terminator + 1
            resynchronising = false
        }
        while start < buffer.count, [0x0A, 0x0D, 0x00, 0x1A].contains(buffer[start]) { start += 1 }
        let available = buffer.count - start
        guard available > 0 else { return nil }
        // The five bytes of the length are awaited before judging them, so that the error says
        // the same however the stream was chunked.
        guard available >= 5 || finished else { return nil }
        let lengthBytes = buffer[start..<(start + min(5, available))]
        guard lengthBytes.allSatisfy(isDigit) else { return fail(.lengthNotDigits(Array(lengthBytes))) }
        guard available >= 5 else { return fail(.truncated(declared: nil, available: available)) }
        let length = decimal(lengthBytes)
        guard length >= 26 else { return fail(.lengthTooSmall(length)) }
        let end = start + min(length, available)
        if let terminator = buffer[start..<end].firstIndex(of: 0x1D) {
            guard terminator == start + length - 1 else {
                return fail(.terminatorBeforeEnd(declared: length, at: terminator - start))
            }
        } else if available >= length {
            return fail(.terminatorMissing(declared: length, found: buffer[start + length - 1]))
        } else {
            return finished ? fail(.truncated(declared: length, available: available)) : nil
        }
        let bytes = Array(buffer[start..<(start + length)])
        do {
            let record = try Self.parse(bytes, encoding: encoding)
            ordinal += 1
            start += length
            return .success(record)
        } catch {
            return fail(error)
        }
    }

    private mutating func fail(_ problem: MARCError.Problem) -> Result<MARCRecord, MARCError> {
        ordinal += 1
        resynchronising = true
        return .failure(MARCError(ordinal: ordinal, offset: bufferOffset + start, problem: problem))
    }

    /// One whole record (its bytes from Leader/00 through its terminator, already checked).
    static func parse(_ record: [UInt8], encoding: Encoding?) throws(MARCError.Problem) -> MARCRecord {
        if let at = record[0..<24].firstIndex(where: { !(0x20...0x7E).contains($0) }) { throw .leaderNotASCII(at: at) }
        let baseBytes = record[12..<17]
        guard baseBytes.allSatisfy(isDigit) else { throw .baseAddressNotDigits }
        let base = decimal(baseBytes)
        guard base >= 25, base <= record.count - 1, (base - 25) % 12 == 0 else { throw .baseAddressInvalid(base) }
        guard record[base - 1] == 0x1E else { throw .directoryNotTerminated(found: record[base - 1]) }
        let coding: Encoding
        switch (encoding, record[9]) {
        case (let forced?, _): coding = forced
        case (nil, UInt8(ascii: "a")): coding = .utf8
        case (nil, UInt8(ascii: " ")): coding = .marc8
        case (nil, let other): throw .unknownCharacterCoding(other)
        }
        let dataLength = record.count - 1 - base
        var fields: [MARCField] = []
        for entry in 0..<((base - 25) / 12) {
            let at = 24 + 12 * entry
            let tagBytes = record[at..<(at + 3)]
            guard tagBytes.allSatisfy(isASCIIAlphanumeric) else { throw .tagInvalid(entry: entry, Array(tagBytes)) }
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let lengthBytes = record[(at + 3)..<(at + 7)]
            let startBytes = record[(at + 7)..<(at + 12)]
            guard lengthBytes.allSatisfy(isDigit), startBytes.allSatisfy(isDigit) else {
                throw .directoryEntryNotDigits(entry: entry, tag: tag)
            }
            let length = decimal(lengthBytes)
            let start = decimal(startBytes)
            guard length >= 1, start + length <= dataLength else {
                throw .directoryEntryOutOfRange(entry: entry, tag: tag, start: start, length: length, dataLength: dataLength)
            }
            let fieldStart = base + start
            let fieldEnd = fieldStart + length - 1  // the terminator's index
            guard record[fieldEnd] == 0x1E, !record[fieldStart..<fieldEnd].contains(0x1E) else {
                throw .fieldNotTerminated(entry: entry, tag: tag)
            }
            // MARC 21, Part 4: field 066 (character sets present) is removed on conversion to Unicode.
            if coding == .marc8 && tag == "066" { continue }
            fields.append(try field(tag, record[fieldStart..<fieldEnd], coding: coding))
        }
        var leader = Array(record[0..<24])
        leader[9] = UInt8(ascii: "a")
        return MARCRecord(leader: leader, fields: fields)
    }

    /// A field's content (without its terminator) as a control or data field.
    static func field(_ tag: String, _ content: ArraySlice<UInt8>, coding: Encoding) throws(MARCError.Problem) -> MARCField {
        if MARCField.isControlTag(tag) { return .control(tag: tag, value: try text(content, tag: tag, coding: coding)) }
        guard content.count >= 2 else { throw .dataFieldMalformed(tag: tag, reason: "shorter than its two indicators") }
        let indicators = content.prefix(2)
        guard indicators.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .dataFieldMalformed(tag: tag, reason: "an indicator is not an ASCII character")
        }
        let rest = content.dropFirst(2)
        guard rest.isEmpty || rest.first == 0x1F else {
            throw .dataFieldMalformed(tag: tag, reason: "data before the first subfield delimiter")
        }
        var subfields: [MARCSubfield] = []
        for piece in rest.split(separator: 0x1F, omittingEmptySubsequences: false).dropFirst() {
            guard let code = piece.first, (0x21...0x7E).contains(code) else {
                throw .dataFieldMalformed(tag: tag, reason: "a subfield delimiter without an ASCII subfield code")
            }
            subfields.append(MARCSubfield(Character(Unicode.Scalar(code)), try text(piece.dropFirst(), tag: tag, coding: coding)))
        }
        return .data(
            tag: tag, ind1: Character(Unicode.Scalar(indicators.first!)), ind2: Character(Unicode.Scalar(indicators.last!)),
            subfields: subfields)
    }

    /// A value's text in NFC.
    static func text(_ bytes: ArraySlice<UInt8>, tag: String, coding: Encoding) throws(MARCError.Problem) -> String {
        switch coding {
        case .utf8:
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(tag: tag, at: bytes.startIndex) }
            return bytes.allSatisfy({ $0 < 0x80 }) ? text : text.precomposedStringWithCanonicalMapping
        case .marc8:
            do { return try MARC8.decode(bytes) } catch { throw .marc8(tag: tag, error) }
        }
    }
}

private func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

/// A byte a MARC tag may be made of (MARC 21: ASCII digits or letters).
func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
    isDigit(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
}

/// The value of ASCII digits (already checked).
private func decimal(_ digits: ArraySlice<UInt8>) -> Int {
    digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
}
