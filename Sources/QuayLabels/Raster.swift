/// A printer's resolution. Thermal heads come in 203 dpi (8 dots/mm) and 300 dpi
/// (about 11.8 dots/mm); every length in a template is turned into whole dots here, once.
public struct Resolution: Sendable, Hashable, CustomStringConvertible {
    public let dpi: Int

    public init(dpi: Int) {
        self.dpi = dpi
    }

    public static let dpi203 = Resolution(dpi: 203)
    public static let dpi300 = Resolution(dpi: 300)

    /// The nearest whole number of dots for a length in millimetres.
    public func dots(mm: Double) -> Int {
        Int((mm * Double(dpi) / 25.4).rounded())
    }

    /// Pixels for a font size in points (1 pt = 1/72 inch).
    public func pixels(points: Double) -> Int {
        max(1, Int((points * Double(dpi) / 72).rounded()))
    }

    public var description: String { "\(dpi) dpi" }
}

/// A rectangle on the raster, in dots.
public struct DotRect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
}

/// A 1-bit label image at printer resolution: rows of bytes, most significant bit first,
/// 1 = a burnt (black) dot. That is the layout ZPL `^GF` and ESC/POS `GS v 0` both take,
/// so an encoder copies rows without reshuffling bits.
public struct Raster: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let bytesPerRow: Int
    public private(set) var bytes: [UInt8]

    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "a raster has at least one dot")
        self.width = width
        self.height = height
        bytesPerRow = (width + 7) / 8
        bytes = [UInt8](repeating: 0, count: bytesPerRow * height)
    }

    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < height else { return false }
        return bytes[y * bytesPerRow + x >> 3] & (0x80 >> UInt8(x & 7)) != 0
    }

    /// Burns a dot; dots outside the raster are ignored.
    public mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        bytes[y * bytesPerRow + x >> 3] |= 0x80 >> UInt8(x & 7)
    }

    /// Burns every dot of `rect` that lies on the raster, a byte at a time where it can.
    public mutating func fill(_ rect: DotRect) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        bytes.withUnsafeMutableBufferPointer { buffer in
            for y in y0..<y1 {
                let row = y * bytesPerRow
                var x = x0
                while x < x1 {
                    if x & 7 == 0, x + 8 <= x1 {
                        buffer[row + x >> 3] = 0xFF
                        x += 8
                    } else {
                        buffer[row + x >> 3] |= 0x80 >> UInt8(x & 7)
                        x += 1
                    }
                }
            }
        }
    }

    /// ORs a packed 1-bit bitmap (MSB first, `pitch` bytes per row) onto the raster with
    /// its top-left corner at (`x`, `y`), keeping only the dots inside `clip`.
    mutating func blit(
        _ bits: UnsafeBufferPointer<UInt8>, width glyphWidth: Int, rows: Int, pitch: Int, at x: Int, _ y: Int, clip: DotRect
    ) {
        let clipX0 = max(0, clip.x), clipX1 = min(width, clip.maxX)
        let clipY0 = max(0, clip.y), clipY1 = min(height, clip.maxY)
        let bytesPerRow = bytesPerRow
        bytes.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rows {
                let targetY = y + row
                guard targetY >= clipY0, targetY < clipY1 else { continue }
                let source = row * pitch
                let target = targetY * bytesPerRow
                for column in 0..<glyphWidth where bits[source + column >> 3] & (0x80 >> UInt8(column & 7)) != 0 {
                    let targetX = x + column
                    guard targetX >= clipX0, targetX < clipX1 else { continue }
                    buffer[target + targetX >> 3] |= 0x80 >> UInt8(targetX & 7)
                }
            }
        }
    }

    /// The number of burnt dots inside `rect` (all of the raster by default).
    public func inkCount(in rect: DotRect? = nil) -> Int {
        let area = rect ?? DotRect(x: 0, y: 0, width: width, height: height)
        var count = 0
        for y in max(0, area.y)..<min(height, area.maxY) {
            for x in max(0, area.x)..<min(width, area.maxX) where self[x, y] {
                count += 1
            }
        }
        return count
    }
}
