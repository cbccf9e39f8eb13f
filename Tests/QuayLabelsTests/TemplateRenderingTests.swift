import Foundation
import QuayCore
import QuayTestSupport
import Testing

@testable import QuayLabels

let school = SchoolNames(name: "Trường THCS Phụng Công")
let today = Day(year: 2026, month: 11, day: 21)

/// Sample data for each built-in template, with the text each of its barcodes must decode to.
func sample(_ name: String) -> (data: LabelData, barcodes: [String]) {
    let item = ItemView(
        accession: "STK.000123", barcode: "STK.000123", register: "STK", number: 123, status: .available, location: nil,
        recordID: 1, title: "Truyện Kiều", authors: "Nguyễn Du", callNumber: "895.9221 NG-D T.2", batchID: 1,
        receivedOn: "2026-09-05", source: "purchase")
    switch name {
    case "spine", "barcode", "spine-plain":
        return (.item(item, school: school, today: today), name == "spine-plain" ? [] : ["CODE-128:STK.000123"])
    case "tag":
        let unit = EquipmentUnitView(
            accession: "TB.000042", barcode: "TB.000042", typeCode: "VL9-01", name: "Bộ thí nghiệm điện", condition: "good",
            status: "available", room: "Phòng thí nghiệm Vật lý")
        return (.unit(unit, school: school, today: today), ["CODE-128:TB.000042", "QR-Code:TB.000042"])
    case "card":
        let patron = PatronView(
            card: "HS000123", name: "Nguyễn Thị Ánh", kind: "pupil", className: "6A", schoolYear: "2026-2027", status: "active")
        return (.patron(patron, school: school, today: today), ["CODE-128:HS000123"])
    case "command":
        // Every command's label decodes to its command, caption and all (QUAY:MODE:INVENTORY is the longest).
        return (.command(.mode(.inventory), school: school, today: today), ["CODE-128:QUAY:MODE:INVENTORY"])
    default:
        let loans = ["Truyện Kiều", "Dế Mèn phiêu lưu ký", "Tắt đèn"].enumerated().map { index, title in
            LoanView(
                id: Int64(index), accession: "TN.00010\(index)", barcode: "TN.00010\(index)", title: title, card: "HS000123",
                borrower: "Nguyễn Thị Ánh", className: "6A", kind: .normal, loanedAt: "2026-11-21T08:00:00+07:00",
                due: "2026-12-05", renewals: 0, returnedAt: nil, overdueDays: 0, renewed: false)
        }
        return (.loanSlip(loans, borrower: "Nguyễn Thị Ánh", card: "HS000123", className: "6A", school: school, today: today), [])
    }
}

let renderer: LabelRenderer = {
    do throws(LabelError) {
        return try LabelRenderer()
    } catch {
        fatalError("DejaVu Sans is installed by scripts/bootstrap: \(error)")
    }
}()

@Suite struct TemplateRenderingTests {
    @Test(arguments: LabelTemplates.builtInSources.map(\.name), [Resolution.dpi203, .dpi300])
    func everyBarcodeOfEveryBuiltInDecodesWithZbar(name: String, resolution: Resolution) throws {
        let template = try LabelTemplates.builtIn.entry(named: name).template
        let (data, expected) = sample(name)
        let raster = try renderer.render(template, data, at: resolution)
        #expect(raster.width == resolution.dots(mm: template.width))
        let decoded = try zbarSymbols(png: raster.pngData())
        #expect(decoded == expected.sorted(), "\(name) at \(resolution)")
    }

    @Test func everySymbologyDecodesAtBothResolutions() throws {
        let cases: [(Symbology, String, String)] = [
            (.code128, "HS000123", "CODE-128:HS000123"),
            (.code39, "TB-42", "CODE-39:TB-42"),
            // zbar does not check the mod-43 character; it reads it as data, which we compute ourselves.
            (.code39Mod43, "TB-42", "CODE-39:TB-42" + String(Identifiers.code39CheckCharacter("TB-42")!)),
            (.codabar, "A30234000517861B", "Codabar:A30234000517861B"),
            (.ean13, "893604800056", "EAN-13:8936048000561"),
            (.ean13, "8936048000561", "EAN-13:8936048000561"),
            (.qr, "Trường THCS Phụng Công", "QR-Code:Trường THCS Phụng Công"),
        ]
        for resolution in [Resolution.dpi203, .dpi300] {
            for (symbology, text, expected) in cases {
                let source = """
                    name = "one"
                    width_mm = 60
                    height_mm = 30
                    [[barcode]]
                    x_mm = 0
                    y_mm = 0
                    width_mm = 60
                    height_mm = 30
                    symbology = "\(symbology.rawValue)"
                    value = "{title}"
                    """
                let template = try LabelTemplate.parse(source, file: "one.toml")
                let raster = try renderer.render(template, LabelData(fields: ["title": text]), at: resolution)
                #expect(try zbarSymbols(png: raster.pngData()) == [expected], "\(symbology) at \(resolution)")
                #expect(symbology.decodedText(text) == String(expected.split(separator: ":", maxSplits: 1)[1]))
            }
        }
    }

    /// Every module is a whole number of dots, and the quiet zones are left white.
    @Test func modulesSitOnWholeDotsWithQuietZones() throws {
        for resolution in [Resolution.dpi203, .dpi300] {
            let modules = try BarcodeModules(.code128, "STK.000123")
            let box = DotRect(x: 0, y: 0, width: resolution.dots(mm: 30), height: 40)
            let (module, origin) = try modules.placement(in: box)
            var raster = Raster(width: box.width, height: box.height)
            try modules.draw(in: box, on: &raster)
            #expect(origin.x >= 10 * module)
            #expect(box.width - (origin.x + modules.columns * module) >= 10 * module)
            // Each module's dots are all dark or all light, the same as the module.
            for column in 0..<modules.columns {
                for dot in 0..<module {
                    #expect(raster[origin.x + column * module + dot, 20] == modules[0, column])
                }
            }
            #expect(raster.inkCount(in: DotRect(x: 0, y: 0, width: origin.x, height: box.height)) == 0)
        }
    }

    @Test func pngIsTheRasterDotForDot() throws {
        var raster = Raster(width: 10, height: 3)
        raster.set(0, 0)
        raster.set(9, 2)
        let png = raster.pngData()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width 10, height 3, 1-bit greyscale.
        #expect(Array(png[16..<29]) == [0, 0, 0, 10, 0, 0, 0, 3, 1, 0, 0, 0, 0])
    }
}

/// docs/labels.md shows each built-in template as the PNG it renders to at 203 dpi. This
/// keeps those pictures true: run with QUAY_UPDATE_DOCS=1 to write them after a change.
@Suite struct DocumentedPreviewTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/labels")

    @Test(arguments: LabelTemplates.builtInSources.map(\.name))
    func documentedPreviewIsCurrent(name: String) throws {
        let template = try LabelTemplates.builtIn.entry(named: name).template
        let png = Data(try renderer.render(template, sample(name).data, at: .dpi203).pngData())
        let file = Self.directory.appendingPathComponent("\(name).png")
        if ProcessInfo.processInfo.environment["QUAY_UPDATE_DOCS"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try png.write(to: file)
        }
        #expect(
            (try? Data(contentsOf: file)) == png,
            "docs/labels/\(name).png is stale: QUAY_UPDATE_DOCS=1 swift test --filter DocumentedPreviewTests")
    }
}
