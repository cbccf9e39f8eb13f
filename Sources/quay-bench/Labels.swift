import Foundation
import QuayCore
import QuayLabels

/// SPEC §14: a spine label with Vietnamese text and a barcode in ≤ 1 ms; 1,000 labels. Each
/// label has its own accession number, so every barcode is encoded afresh; glyphs are cached
/// after the first label, as in the daemon. libzint's encoding of the same barcodes alone is
/// the floor: the part of a label we do not write ourselves.
func labelBenchmarks(count: Int) throws -> (render: Samples, png: Samples, zint: Samples, thousandSeconds: Double) {
    let renderer = try LabelRenderer()
    let spine = try LabelTemplates.builtIn.entry(named: "spine").template
    let school = SchoolNames(name: "Trường THCS Phụng Công")
    let today = Day(year: 2026, month: 11, day: 21)
    func data(_ number: Int) -> LabelData {
        let accession = String(format: "STK.%06d", number)
        let item = ItemView(
            accession: accession, barcode: accession, register: "STK", number: Int64(number), status: "available", location: nil,
            recordID: 1, title: "Truyện Kiều", authors: "Nguyễn Du", callNumber: "895.9221 NG-D T.\(number % 9 + 1)", batchID: 1,
            receivedOn: "2026-09-05", source: "purchase")
        return .item(item, school: school, today: today)
    }
    let inputs = (0..<count).map { data($0 + 1) }
    _ = try renderer.render(spine, inputs[0], at: .dpi203)  // warm-up: fonts sized, glyphs cached
    var render: [UInt64] = [], png: [UInt64] = [], zint: [UInt64] = []
    let started = now()
    for input in inputs {
        let start = now()
        let raster = try renderer.render(spine, input, at: .dpi203)
        render.append(now() - start)
        let encoded = now()
        _ = raster.pngData()
        png.append(now() - encoded)
    }
    let thousand = Double(now() - started - png.reduce(0, +)) / 1e9 * 1000 / Double(count)
    for input in inputs {
        let start = now()
        _ = try BarcodeModules(.code128, input.fields["barcode"]!)
        zint.append(now() - start)
    }
    return (Samples(render), Samples(png), Samples(zint), thousand)
}
