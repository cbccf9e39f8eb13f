import Foundation
import QuayCore

/// Draws templates into 1-bit rasters at a printer's resolution (SPEC §7.2): text through
/// FreeType after NFC normalisation, shrunk to fit its box, wrapped onto the lines the box
/// allows and cut with "…" only when even the smallest size does not fit; barcodes through
/// libzint on whole dots. Everything is checked before the raster is returned, so a label
/// that cannot be made right is an error, never a wrong label.
///
/// One renderer serves the whole daemon; FreeType is not thread-safe, so calls take a lock.
/// Rendered glyphs are cached for the renderer's life.
public final class LabelRenderer: @unchecked Sendable {
    private let lock = NSLock()
    private let fonts: FontSet
    public let files: FontFiles

    public init(fonts files: FontFiles = .default) throws(LabelError) {
        self.files = files
        fonts = try FontSet(files)
    }

    /// The label for `data`. Receipts (`[repeat]`) grow with their entries.
    public func render(_ template: LabelTemplate, _ data: LabelData, at resolution: Resolution) throws(LabelError) -> Raster {
        lock.lock()
        defer { lock.unlock() }
        var growth = 0.0
        if let block = template.repeated { growth = Double(data.entries.count - 1) * block.pitch }
        var raster = Raster(width: resolution.dots(mm: template.width), height: max(1, resolution.dots(mm: template.height + growth)))
        for element in template.elements {
            let below = template.repeated.map { element.box.y >= $0.y + $0.pitch } ?? false
            try draw(element, data.fields, [:], shift: below ? growth : 0, resolution, &raster)
        }
        if let block = template.repeated {
            for (index, entry) in data.entries.enumerated() {
                for element in block.elements {
                    try draw(element, data.fields, entry, shift: block.y + Double(index) * block.pitch, resolution, &raster)
                }
            }
        }
        return raster
    }

    /// Each letter of `text` at `points` as drawn: its bitmap rows and the dots burnt, for
    /// the tests that check every diacritic is on paper.
    public func glyphBitmaps(_ text: String, points: Double, bold: Bool = false, at resolution: Resolution) throws(LabelError)
        -> [(character: Character, ink: Int, bitmap: [[UInt8]])]
    {
        lock.lock()
        defer { lock.unlock() }
        var result: [(Character, Int, [[UInt8]])] = []
        for character in VietnameseText.nfc(text) where !character.isWhitespace {
            var bitmap: [[UInt8]] = []
            for scalar in character.unicodeScalars {
                let glyph = try fonts.glyph(scalar, pixels: resolution.pixels(points: points), bold: bold)
                for row in 0..<glyph.rows { bitmap.append(Array(glyph.bits[row * glyph.pitch..<(row + 1) * glyph.pitch])) }
            }
            result.append((character, bitmap.joined().reduce(0) { $0 + $1.nonzeroBitCount }, bitmap))
        }
        return result
    }

    private func draw(
        _ element: LabelTemplate.Element, _ fields: [String: String], _ entry: [String: String], shift: Double,
        _ resolution: Resolution, _ raster: inout Raster
    ) throws(LabelError) {
        switch element {
        case .rule(let box):
            raster.fill(box.dots(resolution, shiftedBy: shift))
        case .barcode(let barcode):
            let text = barcode.value.fill(fields, entry: entry)
            // An empty field (an item without a barcode) leaves the box empty rather than failing.
            guard !text.isEmpty else { return }
            let modules = try BarcodeModules(barcode.symbology, text)
            try modules.draw(in: barcode.box.dots(resolution, shiftedBy: shift), on: &raster)
        case .text(let text):
            let value = text.value.fill(fields, entry: entry)
            try drawText(value, text, in: text.box.dots(resolution, shiftedBy: shift), resolution, &raster)
        }
    }

    // MARK: - Text

    private struct Line {
        var scalars: [Unicode.Scalar]
        var width: Int
    }

    private func drawText(
        _ value: String, _ style: LabelTemplate.Text, in box: DotRect, _ resolution: Resolution, _ raster: inout Raster
    ) throws(LabelError) {
        let words = value.split(whereSeparator: \.isWhitespace).map { Array($0.unicodeScalars) }
        guard !words.isEmpty else { return }
        let largest = resolution.pixels(points: style.sizePoints)
        let smallest = min(largest, resolution.pixels(points: style.minSizePoints))
        var pixels = largest
        var lines: [Line] = []
        while true {
            let metrics = fonts.lineMetrics(pixels: pixels, bold: style.bold)
            let room = max(1, min(style.lines, box.height / max(1, metrics.ascent + metrics.descent)))
            let wrapped = try wrap(words, width: box.width, pixels: pixels, bold: style.bold)
            if wrapped.count <= room || pixels <= smallest {
                lines = try fit(wrapped, lines: room, width: box.width, pixels: pixels, bold: style.bold)
                break
            }
            pixels -= 1
        }
        let metrics = fonts.lineMetrics(pixels: pixels, bold: style.bold)
        let lineHeight = metrics.ascent + metrics.descent
        // The block of lines sits in the middle of its box.
        var baseline = box.y + max(0, (box.height - lineHeight * lines.count) / 2) + metrics.ascent
        for line in lines {
            var pen: Int
            switch style.align {
            case .left: pen = box.x
            case .center: pen = box.x + (box.width - line.width) / 2
            case .right: pen = box.maxX - line.width
            }
            for scalar in line.scalars {
                let glyph = try fonts.glyph(scalar, pixels: pixels, bold: style.bold)
                glyph.bits.withUnsafeBufferPointer { bits in
                    raster.blit(
                        bits, width: glyph.width, rows: glyph.rows, pitch: glyph.pitch, at: pen + glyph.left, baseline - glyph.top,
                        clip: DotRect(x: box.x, y: 0, width: box.width, height: raster.height))
                }
                pen += glyph.advance
            }
            baseline += lineHeight
        }
    }

    private func width(_ scalars: some Sequence<Unicode.Scalar>, pixels: Int, bold: Bool) throws(LabelError) -> Int {
        var total = 0
        for scalar in scalars { total += try fonts.glyph(scalar, pixels: pixels, bold: bold).advance }
        return total
    }

    /// Greedy line breaking at spaces; a word wider than the box is broken between letters.
    private func wrap(_ words: [[Unicode.Scalar]], width: Int, pixels: Int, bold: Bool) throws(LabelError) -> [Line] {
        let space = try fonts.glyph(" ", pixels: pixels, bold: bold).advance
        var lines: [Line] = []
        var current = Line(scalars: [], width: 0)
        for word in words {
            var wordWidth = try self.width(word, pixels: pixels, bold: bold)
            var word = word
            if !current.scalars.isEmpty {
                if current.width + space + wordWidth <= width {
                    current.scalars.append(" ")
                    current.scalars += word
                    current.width += space + wordWidth
                    continue
                }
                lines.append(current)
                current = Line(scalars: [], width: 0)
            }
            while wordWidth > width, word.count > 1 {
                var piece: [Unicode.Scalar] = []
                var pieceWidth = 0
                for scalar in word {
                    let advance = try fonts.glyph(scalar, pixels: pixels, bold: bold).advance
                    if pieceWidth + advance > width, !piece.isEmpty { break }
                    piece.append(scalar)
                    pieceWidth += advance
                }
                lines.append(Line(scalars: piece, width: pieceWidth))
                word.removeFirst(piece.count)
                wordWidth = try self.width(word, pixels: pixels, bold: bold)
            }
            current = Line(scalars: word, width: wordWidth)
        }
        if !current.scalars.isEmpty { lines.append(current) }
        return lines
    }

    /// Keeps the first `count` lines; when text was left out, the last kept line ends in "…".
    private func fit(_ lines: [Line], lines count: Int, width: Int, pixels: Int, bold: Bool) throws(LabelError) -> [Line] {
        guard lines.count > count else { return lines }
        var kept = Array(lines.prefix(count))
        var last = kept[count - 1]
        let ellipsis = try fonts.glyph("…", pixels: pixels, bold: bold).advance
        while !last.scalars.isEmpty, last.width + ellipsis > width {
            let removed = last.scalars.removeLast()
            last.width -= try fonts.glyph(removed, pixels: pixels, bold: bold).advance
        }
        while last.scalars.last == " " {
            last.scalars.removeLast()
            last.width -= try fonts.glyph(" ", pixels: pixels, bold: bold).advance
        }
        last.scalars.append("…")
        last.width += ellipsis
        kept[count - 1] = last
        return kept
    }
}
