/// A 1-bit image as printers take it: rows top to bottom, each `rowBytes` long, pixels MSB
/// first, 1 = a black dot (the layout of QuayLabels' `Raster.bytes`, of ZPL `^GF` and of
/// ESC/POS `GS v 0`). Bits past `width` in a row's last byte are padding and always 0: the
/// initialiser clears them, so two images of the same dots are equal and encode the same.
public struct MonochromeImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var rowBytes: Int { (width + 7) / 8 }
    /// `rowBytes * height` bytes.
    public let bits: [UInt8]

    public init(width: Int, height: Int, bits: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)×\(height)")
        let rowBytes = (width + 7) / 8
        precondition(bits.count == rowBytes * height, "\(bits.count) bytes for a \(width)×\(height) image")
        self.width = width
        self.height = height
        let padding = rowBytes * 8 - width
        if padding == 0 {
            self.bits = bits
        } else {
            var cleared = bits
            let mask = UInt8(0xFF) << UInt8(padding)
            for row in 0..<height { cleared[row * rowBytes + rowBytes - 1] &= mask }
            self.bits = cleared
        }
    }

    /// One row's bytes.
    public func row(_ y: Int) -> ArraySlice<UInt8> { bits[y * rowBytes..<(y + 1) * rowBytes] }

    /// Whether the dot at (x, y) is black.
    public func isBlack(x: Int, y: Int) -> Bool {
        bits[y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8)) != 0
    }

    /// The same image with `dots` white columns added on the left (a calibration offset for
    /// printers that cannot move their origin).
    public func paddedLeft(by dots: Int) -> MonochromeImage {
        precondition(dots >= 0, "negative left margin \(dots)")
        guard dots > 0 else { return self }
        let newWidth = width + dots
        let newRowBytes = (newWidth + 7) / 8
        var out = [UInt8](repeating: 0, count: newRowBytes * height)
        let byteShift = dots / 8
        let bitShift = dots % 8
        for y in 0..<height {
            let source = y * rowBytes
            let target = y * newRowBytes + byteShift
            for i in 0..<rowBytes {
                let byte = bits[source + i]
                out[target + i] |= byte >> UInt8(bitShift)
                if bitShift > 0, target + i + 1 < (y + 1) * newRowBytes {
                    out[target + i + 1] |= byte << UInt8(8 - bitShift)
                }
            }
        }
        return MonochromeImage(width: newWidth, height: height, bits: out)
    }
}
