/// How `^GF` carries the dots: plain hexadecimal, ZPL's ASCII run-length compression, or
/// `:Z64:` (zlib, then Base64, then a CRC). Every ZPL II printer takes `hex` and `ascii`;
/// `z64` is the smallest and wants firmware from about 2006 on (x.14 and later).
public enum ZPLCompression: String, Sendable, CaseIterable, Codable {
    case hex, ascii, z64
}

/// Per-printer settings for a ZPL label.
public struct ZPLOptions: Sendable, Equatable {
    public var compression: ZPLCompression
    /// `^LH` label home in dots: the printer's calibration offsets.
    public var homeX: Int
    public var homeY: Int
    /// `^PQ`: copies.
    public var quantity: Int
    /// `~SD` darkness 0…30, sent before the label when set (clamped to that range).
    public var darkness: Int?
    /// `^PW` print width in dots; the image's width when nil.
    public var printWidth: Int?
    /// `^LL` label length in dots; the image's height when nil.
    public var labelLength: Int?

    public init(
        compression: ZPLCompression = .z64, homeX: Int = 0, homeY: Int = 0, quantity: Int = 1,
        darkness: Int? = nil, printWidth: Int? = nil, labelLength: Int? = nil
    ) {
        self.compression = compression
        self.homeX = homeX
        self.homeY = homeY
        self.quantity = quantity
        self.darkness = darkness
        self.printWidth = printWidth
        self.labelLength = labelLength
    }
}

/// The ZPL II encoder: a whole label as one rasterised graphic field. Pure; the bytes are
/// ASCII. Reference: Zebra's ZPL II Programming Guide (`^GF`, `~SD`, `^PW`, `^LL`, `^LH`,
/// `^PQ`, `~HS`, and the chapter "ZB64 Encoding and Compression").
public enum ZPL {
    /// One whole label, one command a line (ZPL ignores the line feeds between commands):
    ///
    ///     ~SD15                  only when `darkness` is set; a tilde command, so before ^XA
    ///     ^XA
    ///     ^PW20                  print width, dots
    ///     ^LL4                   label length, dots
    ///     ^LH0,0                 label home: calibration offsets
    ///     ^FO0,0^GFA,…^FS        the raster at the home position
    ///     ^PQ1                   copies
    ///     ^XZ
    public static func label(_ image: MonochromeImage, options: ZPLOptions) -> [UInt8] {
        var text = ""
        if let darkness = options.darkness {
            let clamped = min(max(darkness, 0), 30)
            text += "~SD" + (clamped < 10 ? "0" : "") + String(clamped) + "\n"
        }
        text += "^XA\n"
        text += "^PW\(options.printWidth ?? image.width)\n"
        text += "^LL\(options.labelLength ?? image.height)\n"
        text += "^LH\(options.homeX),\(options.homeY)\n"
        var bytes = Array(text.utf8)
        bytes += Array("^FO0,0".utf8)
        bytes += graphicField(image, compression: options.compression)
        bytes += Array("^FS\n^PQ\(options.quantity)\n^XZ\n".utf8)
        return bytes
    }

    /// The graphic field alone: `^GFA,b,c,d,data` with `b` = `c` = the image's byte count
    /// (uncompressed, whatever the compression) and `d` = bytes per row.
    ///
    /// - `hex`: two uppercase hex digits a byte, rows back to back.
    /// - `ascii`: each row's hex digits run-length coded: a run of one digit is preceded by a
    ///   count, `G`–`Y` = 1–19 and `g`–`z` = 20, 40, … 400, added together (`zzhB` is 840 B's);
    ///   `,` ends a row filling it with `0`, `!` fills it with `F`; a row equal to the one before
    ///   it is just `:`.
    /// - `z64`: `:Z64:` + Base64 of the zlib stream (header and Adler-32 included) + `:` + the
    ///   CRC-16/XMODEM (polynomial 0x1021, initial 0) of the Base64 text as four uppercase hex
    ///   digits. That CRC matches the published ZebraDesigner output.
    public static func graphicField(_ image: MonochromeImage, compression: ZPLCompression) -> [UInt8] {
        let total = image.bits.count
        var out = Array("^GFA,\(total),\(total),\(image.rowBytes),".utf8)
        switch compression {
        case .hex:
            out.reserveCapacity(out.count + total * 2)
            for byte in image.bits { appendHex(byte, to: &out) }
        case .ascii:
            out += asciiCompressed(image)
        case .z64:
            out += z64(image.bits)
        }
        return out
    }

    /// `~HS`, host status return: the printer answers with three strings (`ZPLHostStatus`).
    public static let hostStatusQuery: [UInt8] = Array("~HS".utf8)

    // MARK: - ASCII compression

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func appendHex(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
    }

    private static func asciiCompressed(_ image: MonochromeImage) -> [UInt8] {
        var out: [UInt8] = []
        var previous: ArraySlice<UInt8>? = nil
        var digits: [UInt8] = []
        digits.reserveCapacity(image.rowBytes * 2)
        for y in 0..<image.height {
            let row = image.row(y)
            if let previous, previous.elementsEqual(row) {
                out.append(UInt8(ascii: ":"))
                continue
            }
            previous = row
            digits.removeAll(keepingCapacity: true)
            for byte in row { appendHex(byte, to: &digits) }
            out += compressedRow(digits)
        }
        return out
    }

    /// One row's hex digits: a trailing run of two or more `0` or `F` becomes `,` or `!`;
    /// every other run longer than one digit gets a count.
    private static func compressedRow(_ digits: [UInt8]) -> [UInt8] {
        var end = digits.count
        var fill: UInt8? = nil
        if let last = digits.last, last == UInt8(ascii: "0") || last == UInt8(ascii: "F") {
            var start = end
            while start > 0 && digits[start - 1] == last { start -= 1 }
            if end - start >= 2 {
                end = start
                fill = last == UInt8(ascii: "0") ? UInt8(ascii: ",") : UInt8(ascii: "!")
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index < end {
            let digit = digits[index]
            var run = 1
            while index + run < end && digits[index + run] == digit { run += 1 }
            if run > 1 { appendRepeatCount(run, to: &out) }
            out.append(digit)
            index += run
        }
        if let fill { out.append(fill) }
        return out
    }

    /// A repeat count: as many `z` (400) as fit, then one of `g`–`y` (20…380), then one of
    /// `G`–`Y` (1…19).
    static func appendRepeatCount(_ count: Int, to out: inout [UInt8]) {
        var rest = count
        while rest >= 400 {
            out.append(UInt8(ascii: "z"))
            rest -= 400
        }
        if rest >= 20 {
            out.append(UInt8(ascii: "g") + UInt8(rest / 20 - 1))
            rest %= 20
        }
        if rest > 0 { out.append(UInt8(ascii: "G") + UInt8(rest - 1)) }
    }

    // MARK: - Z64

    private static func z64(_ data: [UInt8]) -> [UInt8] {
        let encoded = Base64.encode(ZlibDeflate.compress(data))
        var out = Array(":Z64:".utf8)
        out += encoded
        out.append(UInt8(ascii: ":"))
        let crc = crc16XMODEM(encoded)
        appendHex(UInt8(crc >> 8), to: &out)
        appendHex(UInt8(crc & 0xFF), to: &out)
        return out
    }

    /// CRC-16/XMODEM (also called CRC-16-CCITT with initial value 0): polynomial 0x1021,
    /// initial 0, no reflection, no final xor. The check value of "123456789" is 0x31C3.
    public static func crc16XMODEM(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
            }
        }
        return crc
    }
}
