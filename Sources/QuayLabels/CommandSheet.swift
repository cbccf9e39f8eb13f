import CZlib
import Foundation
import QuayCore

/// An A4 page of command barcodes ("bảng mã lệnh") that desk staff scan to switch the desk's
/// mode: a title, then two columns of cells, each a Code 128 symbol of the command, its
/// caption in large bold type, the command text, and an optional line of detail.
///
/// The page is drawn as a label would be: it is turned into a `LabelTemplate` and rendered
/// by `LabelRenderer`, so its text goes through the same FreeType code (NFC, shrink to fit,
/// wrap, "…") and its barcodes through the same libzint placement. Every symbol on a sheet
/// has the same module width, at least 0.33 mm, with its 10-module quiet zones clear.
public struct CommandSheet: Sendable, Equatable {
    /// One cell: the text the barcode carries (printable ASCII, as for any Code 128), what it
    /// does in the desk's words, and an optional line more.
    public struct Entry: Sendable, Equatable {
        public var code: String
        public var caption: String
        public var detail: String?

        public init(code: String, caption: String, detail: String? = nil) {
            self.code = code
            self.caption = caption
            self.detail = detail
        }
    }

    public var title: String
    public var subtitle: String?
    public var entries: [Entry]
    public var fonts: FontFiles

    public init(title: String, subtitle: String? = nil, entries: [Entry], fonts: FontFiles = .default) {
        self.title = title
        self.subtitle = subtitle
        self.entries = entries
        self.fonts = fonts
    }

    /// Office printers and PDF viewers: 150 dpi gives 2-dot (0.34 mm) modules and a small file.
    public static let defaultResolution = Resolution(dpi: 150)
    public static let resolutions: ClosedRange<Int> = 72...600
    /// The most cells one page holds with bars at least `Layout.minimumBar` tall.
    public static let maximumEntries = 2 * Layout.maximumRows

    /// The page as a 1-bit raster of A4 at `resolution` (1240 × 1754 dots at 150 dpi).
    public func render(at resolution: Resolution = defaultResolution) throws(LabelError) -> Raster {
        try render(at: resolution, with: LabelRenderer(fonts: fonts))
    }

    /// The page drawn by a renderer the caller already has (the daemon's one); `fonts` is
    /// then the renderer's, not the sheet's.
    public func render(at resolution: Resolution, with renderer: LabelRenderer) throws(LabelError) -> Raster {
        let template = try layout(at: resolution)
        return try renderer.render(template, LabelData(), at: resolution)
    }

    /// The page as a one-page PDF 1.4 of A4, the raster at its true size (print at 100 %).
    public func pdf(at resolution: Resolution = defaultResolution) throws(LabelError) -> [UInt8] {
        let raster = try render(at: resolution)
        return SinglePagePDF.a4(raster, at: resolution, title: VietnameseText.nfc(title))
    }

    // MARK: - Layout

    /// Millimetres on the A4 page.
    enum Layout {
        static let pageWidth = 210.0, pageHeight = 297.0
        /// Text keeps 10 mm from the edges. A barcode's quiet zones are blank paper, so they
        /// may reach into that margin (to 5 mm from the edge) where a printer may not print;
        /// the bars stay inside it. That lets a 19-character command fit a column at 203 dpi.
        static let textMargin = 10.0, barcodeMargin = 5.0
        static let titleTop = 10.0, titleHeight = 12.0
        static let subtitleHeight = 7.0
        static let ruleGap = 1.5, ruleHeight = 0.4
        static let gridTop = 36.0, gridBottom = pageHeight - 10
        static let gapBelowBar = 1.5, captionHeight = 9.0, codeHeight = 4.5, detailHeight = 4.5
        static var textBelowBar: Double { gapBelowBar + captionHeight + codeHeight + detailHeight }
        static let rowGap = 5.0, maximumRowPitch = 52.0
        static let minimumBar = 10.0, maximumBar = 20.0
        static var maximumRows: Int { Int((gridBottom - gridTop) / (minimumBar + textBelowBar + rowGap)) }
        /// ISO/IEC 15417 leaves the X dimension to the application; 0.33 mm is what handheld
        /// scanners read reliably. Wider than 0.5 mm a 19-character symbol outgrows a
        /// scanner's field of view at the usual distance, so modules stop there.
        static let minimumModule = 0.33, maximumModule = 0.5
    }

    /// The page as a template, in millimetres snapped to whole dots where the barcodes need it.
    func layout(at resolution: Resolution) throws(LabelError) -> LabelTemplate {
        guard Self.resolutions.contains(resolution.dpi) else {
            throw LabelError(
                .templateInvalid,
                "a command sheet is drawn at \(Self.resolutions.lowerBound)–\(Self.resolutions.upperBound) dpi, not \(resolution.dpi)")
        }
        guard !entries.isEmpty else { throw LabelError(.templateInvalid, "a command sheet needs at least one command") }
        guard entries.count <= Self.maximumEntries else {
            throw LabelError(
                .templateInvalid, "\(entries.count) commands do not fit one A4 sheet; at most \(Self.maximumEntries) do")
        }
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.code).inserted {
            throw LabelError(.templateInvalid, "the command \"\(entry.code)\" is on the sheet twice")
        }
        for text in [title, subtitle ?? ""] + entries.flatMap({ [$0.caption, $0.detail ?? ""] }) {
            if let control = VietnameseText.firstControl(in: text) {
                throw LabelError(
                    .templateInvalid, "\"\(text)\" contains a control character (\(VietnameseText.codePoint(control)))")
            }
        }
        let symbols = try entries.map { (entry) throws(LabelError) in try BarcodeModules(.code128, entry.code) }
        let module = try moduleDots(for: symbols, at: resolution)

        let dotsToMM = 25.4 / Double(resolution.dpi)
        var elements: [LabelTemplate.Element] = []
        func text(
            _ value: String, x: Double, y: Double, width: Double, height: Double, points: Double, minimum: Double,
            bold: Bool, lines: Int = 1
        ) {
            guard !value.isEmpty else { return }
            elements.append(
                .text(
                    LabelTemplate.Text(
                        box: LabelTemplate.Box(x: x, y: y, width: width, height: height), value: .init(literal: value),
                        sizePoints: points, minSizePoints: minimum, bold: bold, align: .center, lines: lines)))
        }

        let fullWidth = Layout.pageWidth - 2 * Layout.textMargin
        text(
            title, x: Layout.textMargin, y: Layout.titleTop, width: fullWidth, height: Layout.titleHeight, points: 20,
            minimum: 12, bold: true)
        let subtitleTop = Layout.titleTop + Layout.titleHeight
        text(
            subtitle ?? "", x: Layout.textMargin, y: subtitleTop, width: fullWidth, height: Layout.subtitleHeight,
            points: 11, minimum: 8, bold: false)
        elements.append(
            .rule(
                LabelTemplate.Box(
                    x: Layout.textMargin, y: subtitleTop + Layout.subtitleHeight + Layout.ruleGap, width: fullWidth,
                    height: Layout.ruleHeight)))

        let rows = (entries.count + 1) / 2
        let pitch = min(Layout.maximumRowPitch, (Layout.gridBottom - Layout.gridTop) / Double(rows))
        let bar = min(Layout.maximumBar, pitch - Layout.textBelowBar - Layout.rowGap)
        let columnWidth = (Layout.pageWidth - 2 * Layout.barcodeMargin) / 2
        let inset = Layout.textMargin - Layout.barcodeMargin
        for (index, entry) in entries.enumerated() {
            let column = Double(index % 2), top = Layout.gridTop + Double(index / 2) * pitch
            let region = Layout.barcodeMargin + column * columnWidth
            // The box is exactly the symbol and its quiet zones at `module` dots, so the
            // renderer's placement (the largest module that fits) picks that module.
            let symbol = symbols[index]
            let quiet = Symbology.code128.quietZone
            let boxDots = (symbol.columns + quiet.leading + quiet.trailing) * module
            let regionLeft = resolution.dots(mm: region), regionRight = resolution.dots(mm: region + columnWidth)
            let left = regionLeft + (regionRight - regionLeft - boxDots) / 2
            elements.append(
                .barcode(
                    LabelTemplate.Barcode(
                        box: LabelTemplate.Box(x: Double(left) * dotsToMM, y: top, width: Double(boxDots) * dotsToMM, height: bar),
                        symbology: .code128, value: .init(literal: entry.code))))
            let textLeft = region + inset, textWidth = columnWidth - 2 * inset
            var y = top + bar + Layout.gapBelowBar
            text(
                entry.caption, x: textLeft, y: y, width: textWidth, height: Layout.captionHeight, points: 16, minimum: 10,
                bold: true, lines: 2)
            y += Layout.captionHeight
            text(entry.code, x: textLeft, y: y, width: textWidth, height: Layout.codeHeight, points: 9, minimum: 7, bold: false)
            y += Layout.codeHeight
            text(
                entry.detail ?? "", x: textLeft, y: y, width: textWidth, height: Layout.detailHeight, points: 9, minimum: 7,
                bold: false)
        }
        return LabelTemplate(
            name: "command-sheet", description: title, data: .item, width: Layout.pageWidth, height: Layout.pageHeight,
            elements: elements, repeated: nil)
    }

    /// Dots per module, the same for every symbol on the sheet: the widest the longest
    /// command allows in a column, between 0.33 and 0.5 mm.
    func moduleDots(for symbols: [BarcodeModules], at resolution: Resolution) throws(LabelError) -> Int {
        let dotsPerMM = Double(resolution.dpi) / 25.4
        let smallest = Int((Layout.minimumModule * dotsPerMM).rounded(.up))
        let largest = max(smallest, Int((Layout.maximumModule * dotsPerMM).rounded(.down)))
        let columnWidth = (Layout.pageWidth - 2 * Layout.barcodeMargin) / 2
        let room = resolution.dots(mm: Layout.barcodeMargin + columnWidth) - resolution.dots(mm: Layout.barcodeMargin)
        var module = largest
        for (entry, symbol) in zip(entries, symbols) {
            let quiet = Symbology.code128.quietZone
            let across = symbol.columns + quiet.leading + quiet.trailing
            guard across * smallest <= room else {
                let needed = String(format: "%.1f", Double(across * smallest) / dotsPerMM)
                throw LabelError(
                    .barcodeTooWide,
                    "the command \"\(entry.code)\" is \(across) modules with its quiet zones: \(needed) mm at "
                        + "\(smallest)-dot modules (\(resolution)), wider than a column's \(Int(columnWidth)) mm; shorten it")
            }
            module = min(module, room / across)
        }
        return module
    }
}

extension LabelTemplate.Template {
    /// Text taken as it is, braces and all: a command sheet's captions are not templates.
    init(literal text: String) {
        parts = [.literal(text)]
    }
}

// MARK: - PDF

/// A one-page PDF holding one 1-bit image, written by hand. No PDF library is among the
/// Debian packages the project may use, and one image on one page is a few hundred bytes
/// of structure: five objects, an xref table of their byte offsets and a trailer (PDF 1.4,
/// ISO 32000-1 §7.5). The image is the raster's rows as they are, Flate-compressed by zlib.
enum SinglePagePDF {
    /// ISO 216 A4 in PostScript points (210 × 297 mm).
    static let a4Width = 595.28, a4Height = 841.89

    /// The raster at its true size (`resolution`), centred on an A4 page.
    static func a4(_ raster: Raster, at resolution: Resolution, title: String) -> [UInt8] {
        let width = Double(raster.width) * 72 / Double(resolution.dpi)
        let height = Double(raster.height) * 72 / Double(resolution.dpi)
        let content = Array(
            "q \(number(width)) 0 0 \(number(height)) \(number((a4Width - width) / 2)) \(number((a4Height - height) / 2)) cm /Im0 Do Q\n"
                .utf8)
        let image = Raster.deflate(raster.bytes, level: Z_BEST_COMPRESSION)

        var pdf = Array("%PDF-1.4\n".utf8)
        // A comment of bytes above 127 tells transfer programs the file is binary (§7.5.2).
        pdf += [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets: [Int] = []
        func object(_ dictionary: String, stream: [UInt8]? = nil) {
            offsets.append(pdf.count)
            pdf += Array("\(offsets.count) 0 obj\n".utf8)
            if let stream {
                let length = "/Length \(stream.count)"
                pdf += Array("<< \(dictionary.isEmpty ? length : "\(dictionary) \(length)") >>\nstream\n".utf8)
                pdf += stream
                pdf += Array("\nendstream\nendobj\n".utf8)
            } else {
                pdf += Array("<< \(dictionary) >>\nendobj\n".utf8)
            }
        }
        object("/Type /Catalog /Pages 2 0 R")
        object("/Type /Pages /Kids [3 0 R] /Count 1")
        object(
            "/Type /Page /Parent 2 0 R /MediaBox [0 0 \(number(a4Width)) \(number(a4Height))]"
                + " /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R")
        // In DeviceGray a sample of 0 is black; /Decode [1 0] makes the raster's 1 (burnt) black.
        object(
            "/Type /XObject /Subtype /Image /Width \(raster.width) /Height \(raster.height)"
                + " /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode",
            stream: image)
        object("", stream: content)
        object("/Title \(textString(title)) /Producer (Quay)")

        let xref = pdf.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, space, newline.
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info \(offsets.count) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        pdf += Array(table.utf8)
        return pdf
    }

    /// Two decimals, a dot, no exponent: what PDF numbers may be.
    static func number(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    /// A text string any reader shows right: UTF-16BE with its byte-order mark, in hex (§7.9.2.2).
    static func textString(_ text: String) -> String {
        "<FEFF" + text.utf16.map { String(format: "%04X", $0) }.joined() + ">"
    }
}
