import Foundation
import QuayCore
import QuayTestSupport
import Testing

@testable import QuayLabels

/// The desk's command sheet: every symbol decodes with zbar, the page is A4, and the PDF is
/// well formed down to its byte offsets.
@Suite struct CommandSheetTests {
    static let entries: [CommandSheet.Entry] = [
        .init(code: "QUAY:MODE:CHECKOUT", caption: "Chế độ cho mượn", detail: "Quét thẻ bạn đọc rồi quét sách"),
        .init(code: "QUAY:MODE:CHECKIN", caption: "Chế độ nhận trả", detail: "Quét sách được trả"),
        .init(code: "QUAY:MODE:LESSON", caption: "Mượn theo tiết học", detail: "Cả lớp mượn, trả cuối tiết"),
        .init(code: "QUAY:MODE:INVENTORY", caption: "Kiểm kê kho", detail: "Quét từng kệ, từ trái sang phải"),
        .init(code: "QUAY:MODE:INTAKE", caption: "Nhập sách mới"),
        .init(code: "QUAY:MODE:LOOKUP", caption: "Tra cứu", detail: "Xem tình trạng một cuốn sách"),
        .init(code: "QUAY:END", caption: "Kết thúc phiên", detail: "In phiếu và đóng phiên"),
        .init(code: "QUAY:UNDO", caption: "Hoàn tác lần quét trước"),
        .init(code: "QUAY:MODE:RENEW", caption: "Gia hạn", detail: "Quét sách cần gia hạn"),
    ]
    static let sheet = CommandSheet(
        title: "Bảng mã lệnh quầy mượn trả", subtitle: "Trường THCS Phụng Công — quét mã để đổi chế độ", entries: entries)

    @Test(arguments: [150, 203, 300])
    func everyCommandDecodesWithZbar(dpi: Int) throws {
        let raster = try Self.sheet.render(at: Resolution(dpi: dpi))
        let decoded = try zbarSymbols(png: raster.pngData())
        #expect(decoded == Self.entries.map { "CODE-128:\($0.code)" }.sorted(), "at \(dpi) dpi")
    }

    /// The brief's own check, `zbarimg --raw -q` on the PNG written to a file: the set of texts is the codes.
    @Test func zbarimgRawReadsExactlyTheCodes() throws {
        let raster = try Self.sheet.render()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-sheet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sheet.png").path
        try Data(raster.pngData()).write(to: URL(fileURLWithPath: path))
        let result = try runProgram("/usr/bin/zbarimg", ["--raw", "-q", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == Self.entries.count, "each symbol is read once")
        #expect(Set(lines) == Set(Self.entries.map(\.code)))
    }

    @Test func thePageIsA4AtItsResolution() throws {
        let raster = try Self.sheet.render()
        #expect(raster.width == 1240 && raster.height == 1754)
        let at300 = try Self.sheet.render(at: .dpi300)
        #expect(at300.width == 2480 && at300.height == 3508)
    }

    @Test(arguments: [150, 203, 300, 600])
    func modulesAreAtLeastAThirdOfAMillimetre(dpi: Int) throws {
        let resolution = Resolution(dpi: dpi)
        let symbols = try Self.entries.map { try BarcodeModules(.code128, $0.code) }
        let module = try Self.sheet.moduleDots(for: symbols, at: resolution)
        #expect(Double(module) * 25.4 / Double(dpi) >= 0.33)
        // And the renderer places each symbol at that module, quiet zones inside the page.
        let template = try Self.sheet.layout(at: resolution)
        for case .barcode(let barcode) in template.elements {
            let modules = try BarcodeModules(.code128, barcode.value.fill([:]))
            let placed = try modules.placement(in: barcode.box.dots(resolution))
            #expect(placed.module == module)
            let box = barcode.box.dots(resolution)
            #expect(box.x >= 0 && box.maxX <= resolution.dots(mm: 210))
        }
    }

    @Test func theCaptionsAreInk() throws {
        // The caption boxes are not blank: FreeType drew the Vietnamese text (diacritics and all).
        let resolution = CommandSheet.defaultResolution
        let raster = try Self.sheet.render(at: resolution)
        let template = try Self.sheet.layout(at: resolution)
        var captions = 0
        for case .text(let text) in template.elements where text.bold {
            #expect(raster.inkCount(in: text.box.dots(resolution)) > 50, "\(text.value.fill([:]))")
            captions += 1
        }
        #expect(captions == Self.entries.count + 1)
    }

    @Test func refusesWhatCannotBeScannedOrDoesNotFit() throws {
        func code(_ sheet: CommandSheet) -> LabelError.Code? {
            do throws(LabelError) {
                _ = try sheet.render()
                return nil
            } catch {
                return error.code
            }
        }
        let one = CommandSheet.Entry(code: "QUAY:END", caption: "Kết thúc")
        #expect(code(CommandSheet(title: "x", entries: [.init(code: "QUẦY", caption: "Quầy")])) == .barcodeUnencodable)
        #expect(code(CommandSheet(title: "x", entries: [.init(code: String(repeating: "Q", count: 40), caption: "dài")])) == .barcodeTooWide)
        #expect(code(CommandSheet(title: "x", entries: [one, one])) == .templateInvalid)
        #expect(code(CommandSheet(title: "x", entries: [])) == .templateInvalid)
        let many = (0...CommandSheet.maximumEntries).map { CommandSheet.Entry(code: "QUAY:\($0)", caption: "Lệnh \($0)") }
        #expect(code(CommandSheet(title: "x", entries: many)) == .templateInvalid)
        #expect(code(CommandSheet(title: "x", entries: Array(many.dropLast()))) == nil)
        #expect(code(CommandSheet(title: "x", entries: [.init(code: "QUAY:END", caption: "a\u{7}b")])) == .templateInvalid)
        do throws(LabelError) {
            _ = try CommandSheet(title: "x", entries: [one]).render(at: Resolution(dpi: 10))
            Issue.record("10 dpi was accepted")
        } catch {
            #expect(error.code == .templateInvalid)
        }
    }

    /// Captions are text, not templates: braces are printed, not taken for fields.
    @Test func bracesInACaptionArePrinted() throws {
        let sheet = CommandSheet(title: "{school}", entries: [.init(code: "QUAY:END", caption: "Kết thúc {phiên}")])
        let template = try sheet.layout(at: CommandSheet.defaultResolution)
        let texts = template.elements.compactMap { element -> String? in
            if case .text(let text) = element { return text.value.fill([:]) }
            return nil
        }
        #expect(texts.contains("{school}") && texts.contains("Kết thúc {phiên}"))
    }

    // MARK: - PDF

    @Test func thePDFIsWellFormed() throws {
        let resolution = CommandSheet.defaultResolution
        let raster = try Self.sheet.render(at: resolution)
        let pdf = try Self.sheet.pdf(at: resolution)
        #expect(pdf.starts(with: Array("%PDF-1.4\n".utf8)))
        #expect(pdf.suffix(6).elementsEqual(Array("%%EOF\n".utf8)))
        #expect(Self.find("/MediaBox [0 0 595.28 841.89]", in: pdf) != nil)

        // startxref points at the xref table, and every entry at "N 0 obj". From the table on, the file is ASCII.
        let startxref = try #require(Self.find("startxref\n", in: pdf, last: true))
        let tail = String(decoding: pdf[(startxref + 10)...], as: UTF8.self)
        let xref = try #require(Int(tail.prefix { $0.isNumber }))
        let table = String(decoding: pdf[xref..<startxref], as: UTF8.self)
        #expect(table.hasPrefix("xref\n"))
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines[1].split(separator: " ")
        #expect(header.first == "0")
        let count = try #require(Int(header[1]))
        #expect(count == 7)
        #expect(lines[2] == "0000000000 65535 f ")
        for number in 1..<count {
            let entry = lines[2 + number]
            #expect(entry.utf8.count == 19, "an xref entry with its newline is 20 bytes")
            #expect(entry.hasSuffix(" 00000 n "))
            let offset = try #require(Int(entry.prefix(10)))
            let marker = Array("\(number) 0 obj\n".utf8)
            #expect(pdf[offset..<offset + marker.count].elementsEqual(marker), "object \(number) at \(offset)")
        }
        #expect(lines[2 + count] == "trailer")
        #expect(lines[3 + count].hasPrefix("<< /Size \(count) /Root 1 0 R"))

        // The image: 1-bit grey, ink black, and its stream inflates to the raster's own rows.
        let image = try #require(Self.find("/Subtype /Image", in: pdf))
        let streamKeyword = Array(">>\nstream\n".utf8)
        let dictionaryEnd = try #require(Self.find(">>\nstream\n", in: pdf, from: image))
        let dictionary = String(decoding: pdf[image..<dictionaryEnd], as: UTF8.self)
        for key in [
            "/Width \(raster.width)", "/Height \(raster.height)", "/ColorSpace /DeviceGray", "/BitsPerComponent 1",
            "/Decode [1 0]", "/Filter /FlateDecode",
        ] {
            #expect(dictionary.contains(key), "\(key) in \(dictionary)")
        }
        let lengthText = try #require(dictionary.components(separatedBy: "/Length ").last?.split(separator: " ").first)
        let length = try #require(Int(lengthText))
        let start = dictionaryEnd + streamKeyword.count
        #expect(pdf[(start + length)...].prefix(10).elementsEqual(Array("\nendstream".utf8)))
        let inflated = try inflateWithPython(Array(pdf[start..<start + length]))
        #expect(inflated.count == (raster.width + 7) / 8 * raster.height)
        // Compared as one Bool: a failing #expect on the arrays themselves would print both.
        let sameRows = inflated == raster.bytes
        #expect(sameRows, "the image stream is the raster's rows")
    }

    /// Where `needle` first (or last) occurs in `bytes`, at or after `from`.
    static func find(_ needle: String, in bytes: [UInt8], from: Int = 0, last: Bool = false) -> Int? {
        let needle = Array(needle.utf8)
        guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        let starts = Array(from...(bytes.count - needle.count))
        for index in last ? starts.reversed() : starts where bytes[index..<index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }

    /// When a PDF rasteriser is installed (poppler's pdftoppm or Ghostscript), the printed
    /// page is what zbar reads; without one there is nothing more to check.
    @Test func thePDFRasterisedDecodesWithZbar() throws {
        let pdftoppm = "/usr/bin/pdftoppm", gs = "/usr/bin/gs"
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: pdftoppm) || manager.isExecutableFile(atPath: gs) else { return }
        let directory = manager.temporaryDirectory.appendingPathComponent("quay-sheet-pdf-\(UUID().uuidString)")
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: directory) }
        let pdfPath = directory.appendingPathComponent("sheet.pdf").path
        try Data(Self.sheet.pdf()).write(to: URL(fileURLWithPath: pdfPath))
        let pngPath = directory.appendingPathComponent("page.png").path
        let result =
            manager.isExecutableFile(atPath: pdftoppm)
            ? try runProgram(pdftoppm, ["-r", "200", "-png", "-singlefile", pdfPath, directory.appendingPathComponent("page").path])
            : try runProgram(gs, ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r200", "-o", pngPath, pdfPath])
        #expect(result.status == 0, "\(result.stderr)")
        let decoded = try runProgram("/usr/bin/zbarimg", ["--raw", "-q", pngPath])
        #expect(Set(decoded.stdout.split(separator: "\n").map(String.init)) == Set(Self.entries.map(\.code)))
    }

    /// Python's zlib, a decoder independent of the one that compressed the stream.
    func inflateWithPython(_ compressed: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-inflate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in").path, output = directory.appendingPathComponent("out").path
        try Data(compressed).write(to: URL(fileURLWithPath: input))
        let script = "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.decompress(open(sys.argv[1], 'rb').read()))"
        let result = try runProgram("/usr/bin/python3", ["-c", script, input, output])
        #expect(result.status == 0, "\(result.stderr)")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }
}
