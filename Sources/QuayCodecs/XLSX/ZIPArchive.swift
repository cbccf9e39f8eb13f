import CZlib

/// The little of ZIP (APPNOTE.TXT) an XLSX needs: the central directory, found from the
/// end-of-central-directory record, and entries stored (method 0) or deflated (method 8),
/// inflated by zlib and checked against their CRC-32. Sizes are taken from the central
/// directory (a local header may say zero and put them in a data descriptor after the data).
/// ZIP64, encryption, multi-disk archives and other methods are refused with their own errors.
struct ZIPArchive: Sendable {
    struct Entry: Sendable, Equatable {
        let name: String
        let method: UInt16
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    let bytes: [UInt8]
    /// By lower-cased name: OPC part names compare without case.
    private let entries: [String: Entry]
    /// Where the central directory starts: no entry's data may run into it.
    private let directoryOffset: Int

    init(bytes: [UInt8]) throws(XLSXError) {
        self.bytes = bytes
        let eocd = try Self.findEndOfCentralDirectory(bytes)
        let diskNumber = Self.uint16(bytes, eocd + 4)
        let directoryDisk = Self.uint16(bytes, eocd + 6)
        let entriesHere = Self.uint16(bytes, eocd + 8)
        let entryCount = Self.uint16(bytes, eocd + 10)
        let directorySize = Self.uint32(bytes, eocd + 12)
        let offset = Self.uint32(bytes, eocd + 16)
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || offset == 0xFFFF_FFFF { throw .zip64 }
        guard diskNumber == 0, directoryDisk == 0, entriesHere == entryCount else {
            throw .corrupt(part: "the ZIP directory", reason: "a multi-disk archive")
        }
        let directoryEnd = Int(offset) + Int(directorySize)
        guard directoryEnd <= eocd else { throw .truncated("the ZIP directory runs past the end of the file") }
        directoryOffset = Int(offset)
        var entries: [String: Entry] = [:]
        var position = Int(offset)
        for _ in 0..<Int(entryCount) {
            guard position + 46 <= directoryEnd else { throw .truncated("the ZIP directory ends inside an entry") }
            guard Self.uint32(bytes, position) == 0x0201_4B50 else {
                throw .corrupt(part: "the ZIP directory", reason: "an entry without its signature at byte \(position)")
            }
            let nameLength = Int(Self.uint16(bytes, position + 28))
            let extraLength = Int(Self.uint16(bytes, position + 30))
            let commentLength = Int(Self.uint16(bytes, position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { throw .truncated("the ZIP directory ends inside an entry") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            var compressed = Int(Self.uint32(bytes, position + 20))
            var uncompressed = Int(Self.uint32(bytes, position + 24))
            var local = Int(Self.uint32(bytes, position + 42))
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                // Sizes in a ZIP64 extra field: some writers use one even for small entries.
                let extra = bytes[(position + 46 + nameLength)..<(position + 46 + nameLength + extraLength)]
                guard let sizes = Self.zip64Sizes(extra, uncompressed: uncompressed, compressed: compressed, offset: local) else {
                    throw .zip64
                }
                (uncompressed, compressed, local) = sizes
            }
            let entry = Entry(
                name: name, method: Self.uint16(bytes, position + 10), flags: Self.uint16(bytes, position + 8),
                crc32: Self.uint32(bytes, position + 16), compressedSize: compressed, uncompressedSize: uncompressed,
                localHeaderOffset: local)
            let key = name.lowercased()
            guard entries[key] == nil else { throw .corrupt(part: name, reason: "two entries have this name") }
            entries[key] = entry
            position = next
        }
        self.entries = entries
    }

    func entry(_ name: String) -> Entry? { entries[name.lowercased()] }

    /// The end-of-central-directory record: the last `PK\5\6` whose comment reaches exactly
    /// the end of the file (a comment may itself hold the signature).
    private static func findEndOfCentralDirectory(_ bytes: [UInt8]) throws(XLSXError) -> Int {
        let looksLikeZip = bytes.count >= 4 && uint32(bytes, 0) == 0x0403_4B50
        guard bytes.count >= 22 else { throw looksLikeZip ? .truncated("no ZIP directory at the end") : .notAZip }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var candidate = bytes.count - 22
        var loose: Int? = nil
        while candidate >= lowest {
            if uint32(bytes, candidate) == 0x0605_4B50 {
                if candidate + 22 + Int(uint16(bytes, candidate + 20)) == bytes.count { return candidate }
                loose = loose ?? candidate
            }
            candidate -= 1
        }
        // A comment length that overshoots the end: the file was cut inside the comment.
        if loose != nil { throw .truncated("the ZIP comment is cut short") }
        throw looksLikeZip ? .truncated("no ZIP directory at the end") : .notAZip
    }

    /// The ZIP64 extended-information extra field (ID 1): the 8-byte values, in this order,
    /// of those whose 32-bit fields are 0xFFFFFFFF.
    private static func zip64Sizes(
        _ extra: ArraySlice<UInt8>, uncompressed: Int, compressed: Int, offset: Int
    ) -> (Int, Int, Int)? {
        var position = extra.startIndex
        while position + 4 <= extra.endIndex {
            let id = UInt16(extra[position]) | UInt16(extra[position + 1]) << 8
            let size = Int(UInt16(extra[position + 2]) | UInt16(extra[position + 3]) << 8)
            let body = (position + 4)..<min(position + 4 + size, extra.endIndex)
            if id == 1 {
                var values = Array(extra[body])[...]
                func take(_ value: Int) -> Int? {
                    guard value == 0xFFFF_FFFF else { return value }
                    guard values.count >= 8 else { return nil }
                    var result: UInt64 = 0
                    for (index, byte) in values.prefix(8).enumerated() { result |= UInt64(byte) << (8 * UInt64(index)) }
                    values = values.dropFirst(8)
                    return result <= UInt64(Int.max) ? Int(result) : nil
                }
                guard let u = take(uncompressed), let c = take(compressed), let o = take(offset) else { return nil }
                return (u, c, o)
            }
            position = body.upperBound
        }
        return nil
    }

    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// Checks an entry's declared sizes against the limits, before anything is inflated.
    static func checkDeclared(_ entry: Entry, limits: XLSXLimits) throws(XLSXError) {
        if entry.uncompressedSize > limits.maxEntryUncompressedSize {
            throw .limitExceeded(.entryUncompressedSize, limit: limits.maxEntryUncompressedSize, part: entry.name)
        }
        if entry.uncompressedSize > XLSXLimits.compressionRatioGrace,
            entry.uncompressedSize / max(entry.compressedSize, 1) > limits.maxCompressionRatio
        {
            throw .limitExceeded(.compressionRatio, limit: limits.maxCompressionRatio, part: entry.name)
        }
    }

    /// The entry's bytes, inflated and CRC-checked. Its declared sizes are checked first, and
    /// then the inflating is held to them (and to the limits) chunk by chunk.
    func contents(of entry: Entry, limits: XLSXLimits) throws(XLSXError) -> [UInt8] {
        if entry.flags & 0x0001 != 0 || entry.flags & 0x0040 != 0 || entry.method == 99 { throw .encrypted(part: entry.name) }
        guard entry.method == 0 || entry.method == 8 else { throw .unsupportedCompression(part: entry.name, method: Int(entry.method)) }
        try Self.checkDeclared(entry, limits: limits)
        let local = entry.localHeaderOffset
        guard local + 30 <= bytes.count else { throw .truncated("\(entry.name) starts past the end of the file") }
        guard Self.uint32(bytes, local) == 0x0403_4B50 else { throw .corrupt(part: entry.name, reason: "no local header where the directory says") }
        let start = local + 30 + Int(Self.uint16(bytes, local + 26)) + Int(Self.uint16(bytes, local + 28))
        let (end, overflow) = start.addingReportingOverflow(entry.compressedSize)
        guard !overflow, end <= directoryOffset, end <= bytes.count else { throw .truncated("\(entry.name) runs past the end of its data") }
        let output: [UInt8]
        if entry.method == 0 {
            guard entry.compressedSize == entry.uncompressedSize else {
                throw .corrupt(part: entry.name, reason: "a stored entry whose two sizes differ")
            }
            output = Array(bytes[start..<end])
        } else {
            output = try Self.inflate(
                bytes[start..<end], declaredSize: entry.uncompressedSize, limits: limits, part: entry.name)
        }
        let crc = output.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        guard UInt32(crc) == entry.crc32 else { throw .crcMismatch(part: entry.name) }
        return output
    }

    /// Raw deflate (no zlib header: `inflateInit2_` with -15 window bits), 64 KiB of output at
    /// a time. After each chunk the output is held to the per-part limit, to `declaredSize`
    /// and, past 1 MiB, to the compression ratio of the input zlib has actually consumed, so a
    /// bomb is stopped within 64 KiB of a limit whatever its header claims.
    static func inflate(
        _ input: ArraySlice<UInt8>, declaredSize: Int, limits: XLSXLimits, part: String
    ) throws(XLSXError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(declaredSize, limits.maxEntryUncompressedSize, 16 << 20))
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt(part: part, reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        let failure: XLSXError? = input.withUnsafeBufferPointer { source in
            chunk.withUnsafeMutableBufferPointer { buffer in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                while true {
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = buffer.count - Int(stream.avail_out)
                    if output.count + produced > limits.maxEntryUncompressedSize {
                        return .limitExceeded(.entryUncompressedSize, limit: limits.maxEntryUncompressedSize, part: part)
                    }
                    if output.count + produced > declaredSize {
                        return .corrupt(part: part, reason: "it inflates past the \(declaredSize) bytes its header declares")
                    }
                    output.append(contentsOf: buffer[0..<produced])
                    if output.count > XLSXLimits.compressionRatioGrace,
                        output.count / max(Int(stream.total_in), 1) > limits.maxCompressionRatio
                    {
                        return .limitExceeded(.compressionRatio, limit: limits.maxCompressionRatio, part: part)
                    }
                    switch status {
                    case Z_STREAM_END: return nil
                    case Z_OK: continue
                    case Z_BUF_ERROR where stream.avail_in == 0: return .truncated("\(part) ends inside its deflate stream")
                    default: return .corrupt(part: part, reason: "a bad deflate stream (zlib \(status))")
                    }
                }
            }
        }
        if let failure { throw failure }
        guard output.count == declaredSize else {
            throw .corrupt(part: part, reason: "it inflates to \(output.count) bytes, not the \(declaredSize) its header declares")
        }
        return output
    }
}
