import CZlib
import Foundation

// Independent decoders for what a printer receives. They share no code with QuayCodecs on
// purpose: an encoder's mistake must not be repeated by the check.

/// An image recovered from a printer stream: rows MSB first, 1 = black. Printer languages
/// carry bytes per row, not dots, so `width` is a multiple of 8.
public struct CapturedImage: Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var bits: [UInt8]

    public init(width: Int, height: Int, bits: [UInt8]) {
        self.width = width
        self.height = height
        self.bits = bits
    }

    public var rowBytes: Int { (width + 7) / 8 }

    /// Netpbm P4 (binary PBM): the same layout as `bits`, after a short text header.
    public func pbm() -> [UInt8] { Array("P4\n\(width) \(height)\n".utf8) + bits }

    /// The image as rows of `#` and `.`, for failure messages.
    public var description: String {
        (0..<height).map { y in
            String((0..<width).map { x in bits[y * rowBytes + x / 8] & (0x80 >> (x % 8)) != 0 ? "#" : "." })
        }.joined(separator: "\n")
    }
}

public struct PrinterStreamError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The graphic fields in a stream of ZPL labels.
public enum CapturedZPL {
    /// Every `^GFA,b,c,d,data` in the stream, in order, decoded from plain hex, ASCII
    /// compression or `:Z64:` (whose CRC is checked). The field's data ends at the next `^`
    /// or `~`.
    public static func labels(in bytes: [UInt8]) throws -> [CapturedImage] {
        var images: [CapturedImage] = []
        var index = 0
        while let start = find(Array("^GF".utf8), in: bytes, from: index) {
            var cursor = start + 3
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "A") else {
                throw PrinterStreamError("only ^GFA (ASCII) graphic fields are decoded")
            }
            cursor += 1
            var numbers: [Int] = []
            for _ in 0..<3 {
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ",") else {
                    throw PrinterStreamError("^GF parameters are not ,b,c,d,")
                }
                cursor += 1
                var value = 0
                var digits = 0
                while cursor < bytes.count, let digit = Int(String(UnicodeScalar(bytes[cursor]))) {
                    value = value * 10 + digit
                    digits += 1
                    cursor += 1
                }
                guard digits > 0 else { throw PrinterStreamError("^GF parameter is not a number") }
                numbers.append(value)
            }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ",") else {
                throw PrinterStreamError("^GF has no data field")
            }
            cursor += 1
            var end = cursor
            while end < bytes.count, bytes[end] != UInt8(ascii: "^"), bytes[end] != UInt8(ascii: "~") { end += 1 }
            let (total, count, rowBytes) = (numbers[0], numbers[1], numbers[2])
            guard total == count, rowBytes > 0, total % rowBytes == 0 else {
                throw PrinterStreamError("^GF sizes b=\(total) c=\(count) d=\(rowBytes) do not make rows")
            }
            let data = Array(bytes[cursor..<end]).filter { $0 != 0x0D && $0 != 0x0A }
            let bits: [UInt8]
            if data.starts(with: Array(":Z64:".utf8)) {
                bits = try z64(data, total: total)
            } else if data.starts(with: Array(":B64:".utf8)) {
                throw PrinterStreamError(":B64: is not decoded")
            } else {
                bits = try ascii(data, total: total, rowBytes: rowBytes)
            }
            images.append(CapturedImage(width: rowBytes * 8, height: total / rowBytes, bits: bits))
            index = end
        }
        return images
    }

    /// Hex digits, possibly ZPL-ASCII-compressed (plain hex is the special case with no
    /// counts). Worked nibble by nibble.
    private static func ascii(_ data: [UInt8], total: Int, rowBytes: Int) throws -> [UInt8] {
        let rowNibbles = rowBytes * 2
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(total * 2)
        var count = 0
        func rowStart() -> Int { nibbles.count - nibbles.count % rowNibbles }
        for character in data {
            switch character {
            case UInt8(ascii: "G")...UInt8(ascii: "Y"):
                count += Int(character - UInt8(ascii: "G")) + 1
            case UInt8(ascii: "g")...UInt8(ascii: "z"):
                count += (Int(character - UInt8(ascii: "g")) + 1) * 20
            case UInt8(ascii: ","), UInt8(ascii: "!"):
                guard count == 0 else { throw PrinterStreamError("a repeat count before '\(Character(UnicodeScalar(character)))'") }
                let fill: UInt8 = character == UInt8(ascii: ",") ? 0 : 0xF
                let end = rowStart() + rowNibbles
                // At a row boundary the fill is a whole row.
                while nibbles.count < end { nibbles.append(fill) }
            case UInt8(ascii: ":"):
                guard count == 0, nibbles.count % rowNibbles == 0 else {
                    throw PrinterStreamError("':' in the middle of a row")
                }
                guard nibbles.count >= rowNibbles else { throw PrinterStreamError("':' before the first row") }
                nibbles += nibbles[(nibbles.count - rowNibbles)...]
            default:
                guard let value = hexValue(character) else {
                    throw PrinterStreamError("unexpected byte 0x\(String(character, radix: 16)) in ^GF data")
                }
                let repeats = max(count, 1)
                count = 0
                // A run never crosses into the next row.
                guard nibbles.count % rowNibbles + repeats <= rowNibbles else {
                    throw PrinterStreamError("a run of \(repeats) runs past the end of a row")
                }
                nibbles += repeatElement(value, count: repeats)
            }
            guard nibbles.count <= total * 2 else { throw PrinterStreamError("^GF data longer than b = \(total)") }
        }
        guard count == 0 else { throw PrinterStreamError("a repeat count at the end of the data") }
        guard nibbles.count == total * 2 else {
            throw PrinterStreamError("^GF data has \(nibbles.count) hex digits, b = \(total) wants \(total * 2)")
        }
        return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
    }

    private static func z64(_ data: [UInt8], total: Int) throws -> [UInt8] {
        let body = data.dropFirst(5)
        guard let colon = body.lastIndex(of: UInt8(ascii: ":")) else { throw PrinterStreamError(":Z64: without its CRC") }
        let encoded = Array(body[..<colon])
        let crcText = String(decoding: body[(colon + 1)...], as: UTF8.self)
        guard crcText.count == 4, let crc = UInt16(crcText, radix: 16) else {
            throw PrinterStreamError(":Z64: CRC '\(crcText)' is not four hex digits")
        }
        let computed = crc16CCITT(encoded)
        guard computed == crc else {
            throw PrinterStreamError(":Z64: CRC \(crcText) but the data's is \(String(computed, radix: 16, uppercase: true))")
        }
        guard let compressed = Data(base64Encoded: Data(encoded)) else { throw PrinterStreamError(":Z64: data is not Base64") }
        return try inflate(Array(compressed), expected: total)
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// CRC-16-CCITT as Zebra computes it for `:Z64:` (polynomial 0x1021, initial 0), table-driven
/// here so it is not the encoder's loop again.
public func crc16CCITT(_ bytes: [UInt8]) -> UInt16 {
    let table: [UInt16] = (0..<256).map { index in
        var value = UInt16(index) << 8
        for _ in 0..<8 { value = value & 0x8000 != 0 ? value << 1 ^ 0x1021 : value << 1 }
        return value
    }
    return bytes.reduce(UInt16(0)) { crc, byte in crc << 8 ^ table[Int(UInt8(crc >> 8) ^ byte)] }
}

/// zlib's uncompress, which also checks the stream's Adler-32; the size must come out exact.
private func inflate(_ compressed: [UInt8], expected: Int) throws -> [UInt8] {
    var length = uLongf(expected)
    var out = [UInt8](repeating: 0, count: max(expected, 1))
    let status = compressed.withUnsafeBufferPointer { source in
        out.withUnsafeMutableBufferPointer { target in
            uncompress(target.baseAddress, &length, source.baseAddress, uLong(compressed.count))
        }
    }
    guard status == Z_OK, Int(length) == expected else {
        throw PrinterStreamError("zlib uncompress: status \(status), \(length) bytes of \(expected)")
    }
    return Array(out.prefix(expected))
}

/// The raster images in an ESC/POS stream.
public enum CapturedESCPOS {
    /// One image per document: consecutive `GS v 0` bands joined top to bottom; a document
    /// ends at a cut (`GS V`), at `ESC @` and at the end of the stream. Other commands the
    /// encoder sends are skipped by their known lengths; an unknown byte throws.
    public static func images(in bytes: [UInt8]) throws -> [CapturedImage] {
        var images: [CapturedImage] = []
        var current: CapturedImage? = nil
        func endDocument() {
            if let image = current { images.append(image) }
            current = nil
        }
        var index = 0
        func need(_ count: Int) throws {
            guard index + count <= bytes.count else { throw PrinterStreamError("command cut short at byte \(index)") }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:  // LF
                index += 1
            case 0x1B:  // ESC
                try need(2)
                switch bytes[index + 1] {
                case 0x40:  // ESC @
                    endDocument()
                    index += 2
                case 0x64, 0x4A:  // ESC d n, ESC J n
                    try need(3)
                    index += 3
                default:
                    throw PrinterStreamError("unknown ESC 0x\(String(bytes[index + 1], radix: 16)) at byte \(index)")
                }
            case 0x10:  // DLE EOT n
                try need(3)
                guard bytes[index + 1] == 0x04 else { throw PrinterStreamError("unknown DLE command at byte \(index)") }
                index += 3
            case 0x1D:  // GS
                try need(2)
                switch bytes[index + 1] {
                case 0x76:  // GS v 0 m xL xH yL yH d…
                    try need(8)
                    guard bytes[index + 2] == 0x30, bytes[index + 3] == 0 else {
                        throw PrinterStreamError("GS v with mode other than 0, normal size")
                    }
                    let rowBytes = Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8
                    let rows = Int(bytes[index + 6]) | Int(bytes[index + 7]) << 8
                    try need(8 + rowBytes * rows)
                    let band = Array(bytes[(index + 8)..<(index + 8 + rowBytes * rows)])
                    if var image = current {
                        guard image.rowBytes == rowBytes else {
                            throw PrinterStreamError("a band \(rowBytes) bytes wide after bands \(image.rowBytes) wide")
                        }
                        image.height += rows
                        image.bits += band
                        current = image
                    } else {
                        current = CapturedImage(width: rowBytes * 8, height: rows, bits: band)
                    }
                    index += 8 + rowBytes * rows
                case 0x56:  // GS V m [n]
                    try need(3)
                    let m = bytes[index + 2]
                    switch m {
                    case 0, 1, 48, 49: index += 3
                    case 65, 66, 97, 98, 103, 104:
                        try need(4)
                        index += 4
                    default: throw PrinterStreamError("unknown GS V mode \(m)")
                    }
                    endDocument()
                case 0x68, 0x77, 0x48:  // GS h n, GS w n, GS H n
                    try need(3)
                    index += 3
                case 0x6B:  // GS k m …
                    try need(3)
                    let m = bytes[index + 2]
                    if m <= 6 {  // function A: NUL-terminated
                        guard let end = bytes[(index + 3)...].firstIndex(of: 0) else { throw PrinterStreamError("GS k without NUL") }
                        index = end + 1
                    } else {  // function B: a length byte
                        try need(4)
                        let length = Int(bytes[index + 3])
                        try need(4 + length)
                        index += 4 + length
                    }
                case 0x28:  // GS ( x pL pH …
                    try need(5)
                    let length = Int(bytes[index + 3]) | Int(bytes[index + 4]) << 8
                    try need(5 + length)
                    index += 5 + length
                default:
                    throw PrinterStreamError("unknown GS 0x\(String(bytes[index + 1], radix: 16)) at byte \(index)")
                }
            default:
                throw PrinterStreamError("unexpected byte 0x\(String(byte, radix: 16)) at byte \(index)")
            }
        }
        endDocument()
        return images
    }
}

private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    var index = start
    while index + needle.count <= haystack.count {
        if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        index += 1
    }
    return nil
}

/// What zbarimg reads in a captured image (as PBM), in `zbarSymbols(png:)`'s format.
public func zbarSymbols(image: CapturedImage) throws -> [String] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-zbar-\(UUID().uuidString).pbm").path
    try Data(image.pbm()).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runProgram("/usr/bin/zbarimg", ["--quiet", "-Sqrcode.binary", path])
    return result.stdout.split(separator: "\n").map(String.init).sorted()
}
