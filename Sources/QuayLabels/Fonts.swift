import CFreeType
import Foundation

/// Which font files labels are drawn with (`[labels]` in the config). DejaVu Sans covers
/// every Vietnamese letter; DejaVu Sans Mono does not (SPEC §7.2), which is why a character
/// the font lacks is looked up in the fallbacks and, failing those, refused.
public struct FontFiles: Sendable, Equatable {
    public var regular: String
    public var bold: String
    public var fallbacks: [String]

    public static let dejaVuDirectory = "/usr/share/fonts/truetype/dejavu"
    public static let `default` = FontFiles(
        regular: "\(dejaVuDirectory)/DejaVuSans.ttf", bold: "\(dejaVuDirectory)/DejaVuSans-Bold.ttf", fallbacks: [])

    public init(regular: String, bold: String, fallbacks: [String] = []) {
        self.regular = regular
        self.bold = bold
        self.fallbacks = fallbacks
    }
}

/// One rendered glyph: a 1-bit bitmap (MSB first) and where it sits against the pen.
struct Glyph {
    var width: Int
    var rows: Int
    var pitch: Int
    /// From the pen to the bitmap's left edge, and from the baseline up to its top row.
    var left: Int
    var top: Int
    var advance: Int
    var bits: [UInt8]
}

/// The fonts a renderer draws with, opened once through FreeType, with every glyph it has
/// drawn kept in a cache: a thousand spine labels rasterise each glyph once (SPEC §14).
/// FreeType objects are not thread-safe; `FontSet` is used by one renderer under its lock.
final class FontSet {
    private var library: FT_Library?
    /// Regular, bold, then fallbacks.
    private var faces: [FT_Face] = []
    private let names: [String]
    private var glyphs: [GlyphKey: Glyph] = [:]
    private var sizedFace: [Int: Int] = [:]

    private struct GlyphKey: Hashable {
        var face: Int
        var pixels: Int
        var scalar: UInt32
    }

    init(_ files: FontFiles) throws(LabelError) {
        guard FT_Init_FreeType(&library) == 0, let library else {
            throw LabelError(.fontMissing, "FreeType could not start")
        }
        names = [files.regular, files.bold] + files.fallbacks
        for path in names {
            var face: FT_Face?
            guard FileManager.default.isReadableFile(atPath: path), FT_New_Face(library, path, 0, &face) == 0, let face else {
                // Every stored property is set by now, so deinit runs and closes what was opened.
                throw LabelError(.fontMissing, "cannot open the font file \(path)")
            }
            faces.append(face)
        }
    }

    deinit {
        for face in faces { FT_Done_Face(face) }
        FT_Done_FreeType(library)
    }

    /// Vertical metrics at a pixel size: ascent above and descent below the baseline.
    func lineMetrics(pixels: Int, bold: Bool) -> (ascent: Int, descent: Int) {
        let face = faces[bold ? 1 : 0]
        setSize(bold ? 1 : 0, pixels)
        let metrics = face.pointee.size.pointee.metrics
        return (Int(metrics.ascender + 63) >> 6, Int(-metrics.descender + 63) >> 6)
    }

    /// The glyph for `scalar`, from the regular or bold face, else the first fallback that
    /// has it. A character no font has is an error, never a blank box.
    func glyph(_ scalar: Unicode.Scalar, pixels: Int, bold: Bool) throws(LabelError) -> Glyph {
        let first = bold ? 1 : 0
        for index in [first] + Array(2..<faces.count) {
            let key = GlyphKey(face: index, pixels: pixels, scalar: scalar.value)
            if let cached = glyphs[key] { return cached }
            let glyphIndex = FT_Get_Char_Index(faces[index], FT_ULong(scalar.value))
            guard glyphIndex != 0 else { continue }
            let glyph = try render(index, glyphIndex, pixels: pixels, scalar: scalar)
            glyphs[key] = glyph
            return glyph
        }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let fonts = ([names[first]] + names.dropFirst(2)).joined(separator: ", ")
        throw LabelError(.glyphMissing, "\"\(Character(scalar))\" (U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)) is in no font: \(fonts)")
    }

    private func setSize(_ index: Int, _ pixels: Int) {
        guard sizedFace[index] != pixels else { return }
        FT_Set_Pixel_Sizes(faces[index], 0, FT_UInt(pixels))
        sizedFace[index] = pixels
    }

    /// Renders with FreeType's monochrome rasteriser: a thermal head burns a dot or does not,
    /// and the mono rasteriser's dropout control keeps thin strokes such as the hook of "ả".
    private func render(_ index: Int, _ glyphIndex: FT_UInt, pixels: Int, scalar: Unicode.Scalar) throws(LabelError) -> Glyph {
        setSize(index, pixels)
        let face = faces[index]
        // FT_LOAD_TARGET_MONO is a function-like macro: FT_LOAD_TARGET_(FT_RENDER_MODE_MONO).
        let targetMono = Int32(FT_RENDER_MODE_MONO.rawValue & 15) << 16
        guard FT_Load_Glyph(face, glyphIndex, Int32(FT_LOAD_RENDER) | targetMono) == 0 else {
            throw LabelError(.glyphMissing, "FreeType cannot draw U+\(String(scalar.value, radix: 16, uppercase: true)) from \(names[index])")
        }
        let slot = face.pointee.glyph.pointee
        let bitmap = slot.bitmap
        let rows = Int(bitmap.rows), width = Int(bitmap.width)
        let pitch = Int(abs(bitmap.pitch))
        var bits = [UInt8](repeating: 0, count: rows * pitch)
        if rows > 0, let buffer = bitmap.buffer {
            for row in 0..<rows {
                // A negative pitch means the rows run bottom-up.
                let sourceRow = bitmap.pitch >= 0 ? row : rows - 1 - row
                for byte in 0..<pitch { bits[row * pitch + byte] = buffer[sourceRow * pitch + byte] }
            }
        }
        return Glyph(
            width: width, rows: rows, pitch: pitch, left: Int(slot.bitmap_left), top: Int(slot.bitmap_top),
            advance: Int(slot.advance.x + 32) >> 6, bits: bits)
    }
}
