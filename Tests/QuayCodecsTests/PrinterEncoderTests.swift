import QuayCodecs
import QuayTestSupport
import Testing

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// 16×3: two equal rows, then one with a lone 0 at each end.
///     ################................
///     ################................   (same row)
///     ....########....
private let small = MonochromeImage(width: 16, height: 3, bits: [0xFF, 0x00, 0xFF, 0x00, 0x0F, 0xF0])

/// 20×4, three bytes a row with four padding bits: full black, the two edge dots, then two white rows.
private let narrow = MonochromeImage(
    width: 20, height: 4,
    bits: [0xFF, 0xFF, 0xF0, 0x80, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])

/// 1712 dots = 214 bytes a row, for runs longer than 19 and than 400 hex digits.
private let wide: MonochromeImage = {
    var rows: [[UInt8]] = []
    rows.append([UInt8](repeating: 0xAA, count: 213) + [0x55])  // 426 A's then 55
    rows.append([UInt8](repeating: 0x77, count: 15) + [UInt8](repeating: 0, count: 199))  // 30 7's, then zeros
    rows.append([UInt8](repeating: 0xFF, count: 214))  // all F: '!'
    rows.append([UInt8](repeating: 0x00, count: 214))  // all 0: ','
    return MonochromeImage(width: 1712, height: 4, bits: rows.flatMap { $0 })
}()

@Suite struct MonochromeImageTests {
    @Test func clearsPaddingBitsSoEqualDotsAreEqualImages() {
        let dirty = MonochromeImage(width: 4, height: 2, bits: [0xFF, 0x9F])
        #expect(dirty.bits == [0xF0, 0x90])
        #expect(dirty == MonochromeImage(width: 4, height: 2, bits: [0xF0, 0x90]))
    }

    @Test func paddedLeftShiftsAcrossBytes() {
        #expect(small.paddedLeft(by: 4) == MonochromeImage(width: 20, height: 3, bits: [0x0F, 0xF0, 0x00, 0x0F, 0xF0, 0x00, 0x00, 0xFF, 0x00]))
        #expect(small.paddedLeft(by: 8) == MonochromeImage(width: 24, height: 3, bits: [0, 0xFF, 0, 0, 0xFF, 0, 0, 0x0F, 0xF0]))
        #expect(narrow.paddedLeft(by: 3).row(0) == [0x1F, 0xFF, 0xFE])
        #expect(small.paddedLeft(by: 0) == small)
    }
}

@Suite struct ZPLEncoderTests {
    @Test func graphicFieldAsHex() {
        #expect(text(ZPL.graphicField(small, compression: .hex)) == "^GFA,6,6,2,FF00FF000FF0")
        #expect(text(ZPL.graphicField(narrow, compression: .hex)) == "^GFA,12,12,3,FFFFF0800010000000000000")
    }

    @Test func graphicFieldWithASCIICompression() {
        // Row 1: "FF00" → HF + ',' for the trailing zeros; row 2 repeats row 1 → ':';
        // row 3: "0FF0", a single trailing 0 stays a digit.
        #expect(text(ZPL.graphicField(small, compression: .ascii)) == "^GFA,6,6,2,HF,:0HF0")
        // "FFFFF0" → KF0 (K = 5); "800010" → 8 I0 1 0; a zero row → ','; the same again → ':'.
        #expect(text(ZPL.graphicField(narrow, compression: .ascii)) == "^GFA,12,12,3,KF08I010,:")
    }

    @Test func asciiCompressionCountsAbove19AndAbove400() {
        // 426 = z (400) + g (20) + L (6); 30 = g (20) + P (10); an all-F row is '!', an all-0 row ','.
        #expect(text(ZPL.graphicField(wide, compression: .ascii)) == "^GFA,856,856,214,zgLAH5gP7,!,")
    }

    @Test func asciiCompressionFillsTheRestOfARowWithOnes() {
        let image = MonochromeImage(width: 32, height: 2, bits: [0x0F, 0xFF, 0xFF, 0xFF, 0xA5, 0xA5, 0xA5, 0xA5])
        #expect(text(ZPL.graphicField(image, compression: .ascii)) == "^GFA,8,8,4,0!A5A5A5A5")
    }

    @Test func graphicFieldAsZ64() {
        // zlib (default level) of the rows, Base64, ':' and the CRC-16 of the Base64 text.
        #expect(text(ZPL.graphicField(small, compression: .z64)) == "^GFA,6,6,2,:Z64:eJz7z/Cfgf8DAAsKAv4=:8250")
        #expect(text(ZPL.graphicField(narrow, compression: .z64)) == "^GFA,12,12,3,:Z64:eJz7//9DA4MAAxgAACVFA38=:1B5D")
    }

    @Test func z64CRCIsCRC16XMODEMAsInPublishedZebraOutput() throws {
        #expect(ZPL.crc16XMODEM(Array("123456789".utf8)) == 0x31C3)
        // From a label ZebraDesigner wrote (^GFA,00256,00256,00004,:Z64:…:3CC2).
        let published = "eJxjYKAnOADEDxgYGD8AMZBmBvKZgULsQMxEV4fAAQBLYQRC"
        #expect(ZPL.crc16XMODEM(Array(published.utf8)) == 0x3CC2)
        let images = try CapturedZPL.labels(in: Array("^XA^FO306,124^GFA,00256,00256,00004,:Z64:\(published):3CC2^FS^XZ".utf8))
        #expect(images.count == 1)
        #expect(images.first?.width == 32 && images.first?.height == 64)
    }

    @Test func theIndependentDecoderRefusesABadCRCAndBadRows() {
        #expect(throws: (any Error).self) {
            try CapturedZPL.labels(in: Array("^GFA,6,6,2,:Z64:eNr7z/Cfgf8DAAsKAv4=:3B21^FS".utf8))
        }
        #expect(throws: (any Error).self) { try CapturedZPL.labels(in: Array("^GFA,6,6,2,:HF,:^FS".utf8)) }  // ':' first
        #expect(throws: (any Error).self) { try CapturedZPL.labels(in: Array("^GFA,6,6,2,KF,:0HF0^FS".utf8)) }  // run past a row
        #expect(throws: (any Error).self) { try CapturedZPL.labels(in: Array("^GFA,6,6,2,HF,:0HF^FS".utf8)) }  // short
    }

    @Test func defaultLabel() {
        let expected = """
            ^XA
            ^PW16
            ^LL3
            ^LH0,0
            ^FO0,0^GFA,6,6,2,:Z64:eJz7z/Cfgf8DAAsKAv4=:8250^FS
            ^PQ1
            ^XZ

            """
        #expect(text(ZPL.label(small, options: ZPLOptions())) == expected)
    }

    @Test func labelWithEveryOption() {
        let options = ZPLOptions(
            compression: .ascii, homeX: 12, homeY: 30, quantity: 2, darkness: 8, printWidth: 406, labelLength: 203)
        let expected = """
            ~SD08
            ^XA
            ^PW406
            ^LL203
            ^LH12,30
            ^FO0,0^GFA,12,12,3,KF08I010,:^FS
            ^PQ2
            ^XZ

            """
        #expect(text(ZPL.label(narrow, options: options)) == expected)
    }

    @Test func labelAsHexAndClampedDarkness() {
        let options = ZPLOptions(compression: .hex, darkness: 45)
        #expect(text(ZPL.label(small, options: options)) == "~SD30\n^XA\n^PW16\n^LL3\n^LH0,0\n^FO0,0^GFA,6,6,2,FF00FF000FF0^FS\n^PQ1\n^XZ\n")
    }

    @Test func hostStatusQuery() {
        #expect(ZPL.hostStatusQuery == [0x7E, 0x48, 0x53])
    }

    @Test(arguments: ZPLCompression.allCases)
    func randomImagesRoundTripThroughTheIndependentDecoder(_ compression: ZPLCompression) throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<60 {
            let image = randomImage(&random, maxWidth: random.next(1...4) == 1 ? 2000 : 120)
            let bytes = ZPL.label(image, options: ZPLOptions(compression: compression))
            let captured = try CapturedZPL.labels(in: bytes)
            #expect(captured.count == 1)
            #expect(captured.first?.width == image.rowBytes * 8)
            #expect(captured.first?.height == image.height)
            #expect(captured.first?.bits == image.bits, "\(image.width)×\(image.height)")
        }
    }

    @Test func severalLabelsInOneStream() throws {
        let bytes = ZPL.label(small, options: ZPLOptions(compression: .hex))
            + ZPL.label(narrow, options: ZPLOptions(compression: .ascii))
            + ZPL.label(wide, options: ZPLOptions())
        #expect(try CapturedZPL.labels(in: bytes).map(\.bits) == [small.bits, narrow.bits, wide.bits])
    }
}

@Suite struct ESCPOSEncoderTests {
    @Test func initialize() {
        #expect(ESCPOS.initialize == [0x1B, 0x40])
    }

    @Test func rasterInBandsWhenTheHeightIsNotAMultiple() {
        let image = MonochromeImage(width: 8, height: 5, bits: [0x01, 0x02, 0x03, 0x04, 0x05])
        #expect(ESCPOS.raster(image, bandHeight: 2) == [
            0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x02, 0x00, 0x01, 0x02,
            0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x04,
            0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x05,
        ])
        #expect(ESCPOS.raster(image, bandHeight: 256) == [0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x05, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05])
    }

    @Test func rasterSizesAreLittleEndian() {
        let image = MonochromeImage(width: 2400, height: 300, bits: [UInt8](repeating: 0, count: 300 * 300))
        let bytes = ESCPOS.raster(image, bandHeight: 256)
        #expect(Array(bytes[0..<8]) == [0x1D, 0x76, 0x30, 0x00, 0x2C, 0x01, 0x00, 0x01])  // 300 bytes, 256 rows
        let second = 8 + 300 * 256
        #expect(Array(bytes[second..<second + 8]) == [0x1D, 0x76, 0x30, 0x00, 0x2C, 0x01, 0x2C, 0x00])  // 44 rows
        #expect(bytes.count == 16 + 300 * 300)
    }

    @Test func cuts() {
        #expect(ESCPOS.cut(.partial, feed: 3) == [0x1B, 0x64, 0x03, 0x1D, 0x56, 0x42, 0x00])
        #expect(ESCPOS.cut(.full, feed: 0) == [0x1D, 0x56, 0x41, 0x00])
        #expect(ESCPOS.cut(.none, feed: 5) == [0x1B, 0x64, 0x05])
        #expect(ESCPOS.cut(.none, feed: 0) == [])
        #expect(ESCPOS.cut(.full, feed: 300) == [0x1B, 0x64, 0xFF, 0x1D, 0x56, 0x41, 0x00])
    }

    @Test func documentWithDefaults() {
        #expect(ESCPOS.document(small, options: ESCPOSOptions()) == [
            0x1B, 0x40,
            0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0x0F, 0xF0,
            0x1B, 0x64, 0x03,
            0x1D, 0x56, 0x42, 0x00,
        ])
    }

    @Test func documentWithLeftMarginBandsAndFullCut() {
        let options = ESCPOSOptions(cut: .full, feedLinesBeforeCut: 1, bandHeight: 2, leftMargin: 4)
        #expect(ESCPOS.document(small, options: options) == [
            0x1B, 0x40,
            0x1D, 0x76, 0x30, 0x00, 0x03, 0x00, 0x02, 0x00, 0x0F, 0xF0, 0x00, 0x0F, 0xF0, 0x00,
            0x1D, 0x76, 0x30, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0xFF, 0x00,
            0x1B, 0x64, 0x01,
            0x1D, 0x56, 0x41, 0x00,
        ])
    }

    @Test func statusQueries() {
        #expect(ESCPOS.statusQuery(.printer) == [0x10, 0x04, 0x01])
        #expect(ESCPOS.statusQuery(.offlineCause) == [0x10, 0x04, 0x02])
        #expect(ESCPOS.statusQuery(.paperSensor) == [0x10, 0x04, 0x04])
    }

    @Test func code128InFunctionBFormWithCodeSetB() {
        // GS h 80, GS w 2, GS k 73 n "{B" + data, '{' doubled.
        #expect(ESCPOS.code128("QUAY{1", height: 80, moduleWidth: 2) == [
            0x1D, 0x68, 0x50,
            0x1D, 0x77, 0x02,
            0x1D, 0x6B, 0x49, 0x09, 0x7B, 0x42, 0x51, 0x55, 0x41, 0x59, 0x7B, 0x7B, 0x31,
        ])
        #expect(ESCPOS.code128("1", height: 400, moduleWidth: 9).prefix(6) == [0x1D, 0x68, 0xFF, 0x1D, 0x77, 0x06])
        #expect(ESCPOS.canEncodeCode128("TV-000123"))
        #expect(!ESCPOS.canEncodeCode128("Sách"))
        #expect(!ESCPOS.canEncodeCode128(String(repeating: "{", count: 127)))
    }

    @Test func qrCodeModel2LevelM() {
        #expect(ESCPOS.qr("Hi", moduleSize: 4) == [
            0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x04,
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,
            0x1D, 0x28, 0x6B, 0x05, 0x00, 0x31, 0x50, 0x30, 0x48, 0x69,
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,
        ])
        // Length over 255 goes into pH; text is stored as UTF-8.
        let long = String(repeating: "é", count: 150)
        let store = Array(ESCPOS.qr(long, moduleSize: 3)[25..<33])
        #expect(store == [0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30])  // 300 + 3 = 0x012F
    }

    @Test func randomImagesRoundTripThroughTheIndependentDecoder() throws {
        var random = SplitMix64(seed: 11)
        var stream: [UInt8] = []
        var expected: [[UInt8]] = []
        for _ in 0..<40 {
            let image = randomImage(&random, maxWidth: 600)
            let options = ESCPOSOptions(
                cut: [.none, .partial, .full][random.next(0...2)], feedLinesBeforeCut: random.next(0...4),
                bandHeight: random.next(1...50))
            let bytes = ESCPOS.document(image, options: options)
            let captured = try CapturedESCPOS.images(in: bytes)
            #expect(captured == [CapturedImage(width: image.rowBytes * 8, height: image.height, bits: image.bits)])
            stream += bytes
            expected.append(image.bits)
        }
        // Documents back to back come apart at each ESC @.
        #expect(try CapturedESCPOS.images(in: stream).map(\.bits) == expected)
    }

    @Test func leftMarginRoundTrips() throws {
        let captured = try CapturedESCPOS.images(in: ESCPOS.document(narrow, options: ESCPOSOptions(leftMargin: 5)))
        #expect(captured.count == 1)
        let image = try #require(captured.first)
        #expect(image.width == 32)
        for y in 0..<narrow.height {
            for x in 0..<32 {
                let expected = x >= 5 && x < 25 && narrow.isBlack(x: x - 5, y: y)
                #expect((image.bits[y * 4 + x / 8] & (0x80 >> (x % 8)) != 0) == expected)
            }
        }
    }

    @Test func capturedImageAsPBM() {
        let image = CapturedImage(width: 16, height: 3, bits: small.bits)
        #expect(image.pbm() == Array("P4\n16 3\n".utf8) + small.bits)
    }
}

/// Rows like a label's: repeats of the row above, white and black rows, long runs of one
/// byte, and noise, so every compression path is taken.
func randomImage(_ random: inout SplitMix64, maxWidth: Int) -> MonochromeImage {
    let width = random.next(1...maxWidth)
    let height = random.next(1...40)
    let rowBytes = (width + 7) / 8
    var bits: [UInt8] = []
    for y in 0..<height {
        var row: [UInt8]
        switch random.next(0...4) {
        case 0 where y > 0: row = Array(bits[(y - 1) * rowBytes..<y * rowBytes])
        case 1: row = [UInt8](repeating: 0, count: rowBytes)
        case 2: row = [UInt8](repeating: 0xFF, count: rowBytes)
        case 3:
            row = []
            while row.count < rowBytes {
                let byte: UInt8 = [0x00, 0xFF, 0xF0, 0x0F, 0xAA][random.next(0...4)]
                row += repeatElement(byte, count: min(random.next(1...300), rowBytes - row.count))
            }
        default: row = (0..<rowBytes).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        bits += row
    }
    // Through the initialiser, which clears the padding bits the encoders then never see.
    return MonochromeImage(width: width, height: height, bits: bits)
}
