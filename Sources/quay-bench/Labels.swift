import CZlib
import Foundation
import QuayCodecs
import QuayCore
import QuayLabels

/// SPEC §14: a spine label with Vietnamese text and a barcode in ≤ 1 ms; 1,000 labels. Each
/// label has its own accession number, so every barcode is encoded afresh; glyphs are cached
/// after the first label, as in the daemon. libzint's encoding of the same barcodes alone is
/// the floor: the part of a label we do not write ourselves.
func labelBenchmarks(count: Int) throws -> (render: Samples, png: Samples, zint: Samples, thousandSeconds: Double, zpl: ZPLBenchmark) {
    let renderer = try LabelRenderer()
    let spine = try LabelTemplates.builtIn.entry(named: "spine").template
    let school = SchoolNames(name: "Trường THCS Phụng Công")
    let today = Day(year: 2026, month: 11, day: 21)
    func data(_ number: Int) -> LabelData {
        let accession = String(format: "STK.%06d", number)
        let item = ItemView(
            accession: accession, barcode: accession, register: "STK", number: Int64(number), status: .available, location: nil,
            recordID: 1, title: "Truyện Kiều", authors: "Nguyễn Du", callNumber: "895.9221 NG-D T.\(number % 9 + 1)", batchID: 1,
            receivedOn: "2026-09-05", source: "purchase")
        return .item(item, school: school, today: today)
    }
    let inputs = (0..<count).map { data($0 + 1) }
    _ = try renderer.render(spine, inputs[0], at: .dpi203)  // warm-up: fonts sized, glyphs cached
    var render: [UInt64] = [], png: [UInt64] = [], zint: [UInt64] = []
    var rasters: [Raster] = []
    let started = now()
    for input in inputs {
        let start = now()
        let raster = try renderer.render(spine, input, at: .dpi203)
        render.append(now() - start)
        rasters.append(raster)
        let encoded = now()
        _ = raster.pngData()
        png.append(now() - encoded)
    }
    let thousand = Double(now() - started - png.reduce(0, +)) / 1e9 * 1000 / Double(count)
    let zpl = zplBenchmark(rasters, renderSeconds: Double(render.reduce(0, +)) / 1e9)
    for input in inputs {
        let start = now()
        _ = try BarcodeModules(.code128, input.fields["barcode"]!)
        zint.append(now() - start)
    }
    return (Samples(render), Samples(png), Samples(zint), thousand, zpl)
}

struct ZPLBenchmark {
    /// Per label: ^GF as :Z64:, ASCII-compressed and plain hex.
    var z64: Samples, ascii: Samples, hex: Samples
    /// zlib's deflate of the same raster at the same level: the floor under :Z64:.
    var deflateFloor: Samples
    /// Average bytes of one label's ZPL, and of the raw raster.
    var bytesZ64: Double, bytesASCII: Double, bytesHex: Double, bytesRaster: Double
    /// 1,000 labels rendered and encoded to ZPL (:Z64:), in seconds.
    var thousandSeconds: Double
}

/// SPEC §14: 1,000 labels to ZPL ≤ 1 s; and what each compression costs in bytes.
func zplBenchmark(_ rasters: [Raster], renderSeconds: Double) -> ZPLBenchmark {
    func images() -> [MonochromeImage] { rasters.map { MonochromeImage(width: $0.width, height: $0.height, bits: $0.bytes) } }
    let pictures = images()
    func measure(_ compression: ZPLCompression) -> (Samples, Double) {
        var samples: [UInt64] = []
        var bytes = 0
        for image in pictures {
            let start = now()
            let label = ZPL.label(image, options: ZPLOptions(compression: compression))
            samples.append(now() - start)
            bytes += label.count
        }
        return (Samples(samples), Double(bytes) / Double(pictures.count))
    }
    let (z64, bytesZ64) = measure(.z64)
    let (ascii, bytesASCII) = measure(.ascii)
    let (hex, bytesHex) = measure(.hex)
    var floor: [UInt64] = []
    for image in pictures {
        let start = now()
        var length = compressBound(uLong(image.bits.count))
        var target = [UInt8](repeating: 0, count: Int(length))
        _ = compress2(&target, &length, image.bits, uLong(image.bits.count), Z_DEFAULT_COMPRESSION)
        floor.append(now() - start)
    }
    let perLabelSeconds = renderSeconds / Double(rasters.count) + z64.mean / 1e6
    return ZPLBenchmark(
        z64: z64, ascii: ascii, hex: hex, deflateFloor: Samples(floor), bytesZ64: bytesZ64, bytesASCII: bytesASCII, bytesHex: bytesHex,
        bytesRaster: Double(pictures.map(\.bits.count).reduce(0, +)) / Double(pictures.count), thousandSeconds: perLabelSeconds * 1000)
}
