import CZlib

extension Raster {
    /// The raster as a 1-bit greyscale PNG, dot for dot: `--preview` writes exactly what
    /// would be printed (SPEC §7.2). zlib does the compression and the checksums.
    public func pngData() -> [UInt8] {
        // PNG greyscale says 0 = black; the raster says 1 = burnt, so every bit flips.
        var scanlines = [UInt8]()
        scanlines.reserveCapacity((bytesPerRow + 1) * height)
        for row in 0..<height {
            scanlines.append(0)  // filter type None
            let start = row * bytesPerRow
            for index in start..<(start + bytesPerRow) { scanlines.append(~bytes[index]) }
        }
        var header = [UInt8]()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, greyscale, deflate, adaptive filters, no interlace

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        Self.appendChunk("IHDR", header, to: &png)
        Self.appendChunk("IDAT", Self.deflate(scanlines), to: &png)
        Self.appendChunk("IEND", [], to: &png)
        return png
    }

    /// zlib's compress2 (the zlib format, which PNG's IDAT and PDF's /FlateDecode both read).
    static func deflate(_ input: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                compress2(out.baseAddress, &length, source.baseAddress, uLong(input.count), level)
            }
        }
        // compress2 only fails for lack of memory or a too-small buffer; compressBound rules out the second.
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        return Array(output.prefix(Int(length)))
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        png.appendBigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        png += typed
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        png.appendBigEndian(UInt32(crc))
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(value >> 16 & 0xFF))
        append(UInt8(value >> 8 & 0xFF))
        append(UInt8(value & 0xFF))
    }
}
