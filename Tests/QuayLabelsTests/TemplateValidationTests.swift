import Foundation
import QuayCore
import Testing

@testable import QuayLabels

/// A one-element template around `element`, on a 50 × 25 mm label of `data` kind.
private func template(_ element: String, data: String = "item") -> String {
    """
    name = "test"
    data = "\(data)"
    width_mm = 50
    height_mm = 25

    \(element)
    """
}

private func parseError(_ source: String) -> LabelError? {
    do throws(LabelError) {
        _ = try LabelTemplate.parse(source, file: "test.toml")
        return nil
    } catch {
        return error
    }
}

private func renderError(_ source: String, _ fields: [String: String], renderer: LabelRenderer = renderer) throws -> LabelError? {
    let parsed = try LabelTemplate.parse(source, file: "test.toml")
    do throws(LabelError) {
        _ = try renderer.render(parsed, LabelData(fields: fields), at: .dpi203)
        return nil
    } catch {
        return error
    }
}

@Suite struct TemplateValidationTests {
    @Test func builtInsAllParse() throws {
        #expect(Set(LabelTemplates.builtIn.entries.keys) == ["spine", "spine-plain", "barcode", "command", "tag", "card", "slip58", "slip80"])
        #expect(LabelTemplates.builtIn.entries["slip58"]?.template.width == 48)
        #expect(LabelTemplates.builtIn.entries["slip80"]?.template.width == 72)
    }

    @Test func unknownFieldIsNamedWithItsLine() {
        let error = parseError(
            template(
                """
                [[text]]
                x_mm = 1
                y_mm = 1
                width_mm = 40
                height_mm = 5
                value = "Tên: {titel}"
                """))
        #expect(error?.code == .templateInvalid)
        #expect(error?.detail.hasPrefix("test.toml:11: text[1].value: unknown template field {titel}; fields of item labels:") == true)
    }

    @Test func entryFieldsOnlyInsideRepeat() {
        let error = parseError(
            template(
                """
                [[text]]
                x_mm = 1
                y_mm = 1
                width_mm = 40
                height_mm = 5
                value = "{item.title}"
                """, data: "loan_slip"))
        #expect(error?.detail.contains("unknown template field {item.title}; entry fields: none outside [repeat]") == true)
    }

    @Test func boxOutsideTheLabel() {
        let error = parseError(
            template(
                """
                [[barcode]]
                x_mm = 10
                y_mm = 1
                width_mm = 45
                height_mm = 10
                value = "{barcode}"
                """))
        #expect(error?.code == .templateInvalid)
        #expect(error?.detail == "test.toml:7: barcode[1].x_mm: the box (10, 1, 45 × 10 mm) lies outside the label (50 × 25 mm)")
    }

    @Test func unknownKeysAndBadValues() {
        let cases: [(String, String)] = [
            ("[[text]]\nx_mm = 1\ny_mm = 1\nwidth_mm = 4\nheight_mm = 4\nvalue = \"a\"\ncolour = \"red\"", "text[1].colour: unknown key 'colour'"),
            ("[[text]]\nx_mm = 1\ny_mm = 1\nwidth_mm = 4\nheight_mm = 4\nvalue = \"a\"\nalign = \"middle\"", "align must be left, center or right"),
            ("[[text]]\nx_mm = 1\ny_mm = 1\nwidth_mm = 4\nheight_mm = 4\nvalue = \"{a\"", "unpaired { or }"),
            ("[[text]]\nx_mm = 1\ny_mm = 1\nwidth_mm = 4\nvalue = \"a\"", "text[1].height_mm: height_mm is missing"),
            ("[[barcode]]\nx_mm = 1\ny_mm = 1\nwidth_mm = 4\nheight_mm = 4\nvalue = \"a\"\nsymbology = \"pdf417\"", "symbology must be one of"),
            ("colour = 1", "colour: unknown key 'colour'"),
            ("[repeat]\nover = \"items\"\ny_mm = 1\npitch_mm = 2", "only loan_slip templates have entries to repeat"),
            ("width_mm = 2", "test.toml:6: the key 'width_mm' is defined twice"),
        ]
        for (element, expected) in cases {
            let error = parseError(template(element))
            #expect(error?.code == .templateInvalid)
            #expect(error?.detail.contains(expected) == true, "\(element) gave \(String(describing: error))")
        }
    }

    @Test func fixedTextTheSymbologyCannotCarryIsRefusedWhenRead() {
        let error = parseError(
            template(
                """
                [[barcode]]
                x_mm = 0
                y_mm = 0
                width_mm = 50
                height_mm = 10
                symbology = "ean13"
                value = "THƯ VIỆN"
                """))
        #expect(error?.detail == "test.toml:12: barcode[1].value: ean13 cannot carry \"THƯ VIỆN\": 12 or 13 digits")
    }

    @Test func textTheSymbologyCannotCarryIsRefusedBeforeRendering() throws {
        let cases: [(Symbology, String, String)] = [
            (.code128, "Đ.000123", "only printable ASCII (no diacritics)"),
            (.code39, "stk-12", "only 0–9, A–Z, space and - . $ / + %"),
            (.codabar, "30234000517861", "it must start and end with A, B, C or D"),
            (.ean13, "8936048000562", "wrong check digit"),
            (.ean13, "12345", "12 or 13 digits"),
        ]
        for (symbology, text, reason) in cases {
            let source = template(
                """
                [[barcode]]
                x_mm = 0
                y_mm = 0
                width_mm = 50
                height_mm = 10
                symbology = "\(symbology.rawValue)"
                value = "{barcode}"
                """)
            let error = try renderError(source, ["barcode": text])
            #expect(error == LabelError(.barcodeUnencodable, "\(symbology.rawValue) cannot carry \"\(text)\": \(reason)"))
        }
    }

    @Test func barcodeTooWideForItsBox() throws {
        let source = template(
            """
            [[barcode]]
            x_mm = 0
            y_mm = 0
            width_mm = 10
            height_mm = 10
            value = "{title}"
            """)
        let error = try renderError(source, ["title": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"])
        #expect(error?.code == .barcodeTooWide)
    }

    @Test func missingFontFileIsAnError() {
        for files in [
            FontFiles(regular: "/nonexistent/DejaVuSans.ttf", bold: FontFiles.default.bold),
            FontFiles(regular: FontFiles.default.regular, bold: FontFiles.default.bold, fallbacks: ["/nonexistent/Fallback.ttf"]),
        ] {
            do throws(LabelError) {
                _ = try LabelRenderer(fonts: files)
                Issue.record("a missing font file was accepted")
            } catch {
                #expect(error.code == .fontMissing)
                #expect(error.detail.hasPrefix("cannot open the font file /nonexistent/"))
            }
        }
    }

    /// DejaVu Sans Mono lacks many Vietnamese letters (SPEC §7.2): with it alone, "Ả" is an
    /// error; with DejaVu Sans as a fallback it is drawn.
    @Test func aCharacterTheFontLacksIsAnErrorOrComesFromTheFallback() throws {
        let mono = "\(FontFiles.dejaVuDirectory)/DejaVuSansMono.ttf"
        let source = template("[[text]]\nx_mm = 0\ny_mm = 0\nwidth_mm = 50\nheight_mm = 10\nvalue = \"{title}\"")
        let monoOnly = try LabelRenderer(fonts: FontFiles(regular: mono, bold: mono))
        let error = try renderError(source, ["title": "Ảnh"], renderer: monoOnly)
        #expect(error == LabelError(.glyphMissing, "\"Ả\" (U+1EA2) is in no font: \(mono)"))

        let withFallback = try LabelRenderer(fonts: FontFiles(regular: mono, bold: mono, fallbacks: [FontFiles.default.regular]))
        #expect(try renderError(source, ["title": "Ảnh"], renderer: withFallback) == nil)
        #expect(try withFallback.glyphBitmaps("Ả", points: 10, at: .dpi203).allSatisfy { $0.ink > 0 })
    }
}

@Suite struct VietnameseTextRenderingTests {
    static let strings = ["Trường THCS Phụng Công", "Bộ thí nghiệm điện", "Nguyễn Thị Ánh", "Truyện Kiều", "ẢảẤấẦầẨẩẪẫẬậ ĐđƠơƯư"]

    /// Every letter of these comes out with ink, and a letter with a diacritic is never drawn
    /// as its bare base letter: the marks are really there.
    @Test(arguments: strings, [Resolution.dpi203, .dpi300])
    func everyGlyphHasInkAndItsMarks(text: String, resolution: Resolution) throws {
        for bold in [false, true] {
            let glyphs = try renderer.glyphBitmaps(text, points: 8, bold: bold, at: resolution)
            #expect(glyphs.count == text.filter { !$0.isWhitespace }.count)
            for glyph in glyphs {
                #expect(glyph.ink > 0, "\(glyph.character) is empty")
                let base = String(glyph.character).decomposedStringWithCanonicalMapping.unicodeScalars.first!
                guard Character(base) != glyph.character, base.isASCII else { continue }
                let bare = try renderer.glyphBitmaps(String(base), points: 8, bold: bold, at: resolution)[0]
                #expect(glyph.bitmap != bare.bitmap, "\(glyph.character) is drawn as a bare \(Character(base))")
            }
        }
    }

    @Test func textIsNormalisedToNFCBeforeDrawing() throws {
        let decomposed = "Nguye\u{0302}\u{0303}n"
        let source = template("[[text]]\nx_mm = 0\ny_mm = 0\nwidth_mm = 50\nheight_mm = 10\nvalue = \"{title}\"")
        let parsed = try LabelTemplate.parse(source, file: "t.toml")
        let a = try renderer.render(parsed, LabelData(fields: ["title": decomposed]), at: .dpi203)
        let b = try renderer.render(parsed, LabelData(fields: ["title": "Nguyễn"]), at: .dpi203)
        #expect(a == b)
    }

    /// Long text shrinks, then wraps, then ends in "…" — and never leaves its box.
    @Test func longTextShrinksWrapsAndStaysInItsBox() throws {
        let title = "Tuyển tập truyện ngắn Việt Nam thế kỷ hai mươi dành cho học sinh trung học cơ sở, tập một"
        for lines in [1, 2] {
            let source = template(
                "[[text]]\nx_mm = 5\ny_mm = 5\nwidth_mm = 30\nheight_mm = 8\nvalue = \"{title}\"\nsize_pt = 10\nmin_size_pt = 6\nlines = \(lines)")
            let parsed = try LabelTemplate.parse(source, file: "t.toml")
            let raster = try renderer.render(parsed, LabelData(fields: ["title": title]), at: .dpi203)
            let box = parsed.elements[0].box.dots(.dpi203)
            #expect(raster.inkCount() > 0)
            #expect(raster.inkCount() == raster.inkCount(in: box), "ink outside the box with \(lines) line(s)")
        }
    }

    @Test func slipGrowsWithItsLoans() throws {
        let slip = try LabelTemplates.builtIn.entry(named: "slip58").template
        let (data, _) = sample("slip58")
        let three = try renderer.render(slip, data, at: .dpi203)
        let one = try renderer.render(slip, LabelData(fields: data.fields, entries: Array(data.entries.prefix(1))), at: .dpi203)
        #expect(three.height - one.height == 2 * Resolution.dpi203.dots(mm: slip.repeated!.pitch) + 1
            || three.height - one.height == 2 * Resolution.dpi203.dots(mm: slip.repeated!.pitch))
        #expect(one.width == 384)
    }
}
