import QuayCodecs
import Testing

/// A scanner without report IDs, byte count or continued flag: three identifier bytes and 16
/// data bytes, with the usages given by Usage Minimum/Maximum and a 4-byte (extended) usage.
private let plainDescriptor: [UInt8] = [
    0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,  // Usage Page (Bar Code Scanner), Usage (Bar Code Scanner), Collection (Application)
    0x75, 0x08, 0x95, 0x03,  // Report Size 8, Report Count 3
    0x19, 0xFB, 0x29, 0xFD, 0x81, 0x02,  // Usage Minimum/Maximum (Symbology Identifier 1–3), Input
    0x95, 0x10, 0x0B, 0xFE, 0x00, 0x8C, 0x00, 0x82, 0x02, 0x01,  // Report Count 16, Usage 0x008C00FE, Input (Buffered Bytes)
    0xC0,
]

private let keyboardDescriptor: [UInt8] = [
    0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x06, 0x75, 0x08, 0x26, 0xFF, 0x00, 0x19, 0x00, 0x2A,
    0xFF, 0x00, 0x81, 0x00, 0xC0,
]

/// A scanner report of the fixture's descriptor (report 2).
private func report(_ data: String, aim: String = "]C0", count: Int? = nil, continued: Bool = false) -> [UInt8] {
    let bytes = Array(data.utf8)
    return [2, UInt8(count ?? bytes.count)] + Array(aim.utf8) + bytes + [UInt8](repeating: 0, count: 56 - bytes.count) + [0x6A, 0]
        + [continued ? 1 : 0]
}

private func decoder(_ options: ScanOptions = ScanOptions()) throws -> HIDPOSDecoder {
    try HIDPOSDecoder(descriptor: try ScannerFixture.bytes("hidpos-descriptor.hex"), options: options)
}

@Suite struct HIDPOSDecoderTests {
    @Test func theLayoutIsReadFromTheDescriptor() throws {
        let layout = try HIDPOSLayout(descriptor: try ScannerFixture.bytes("hidpos-descriptor.hex"))
        #expect(layout.reportID == 2)
        #expect(layout.length == 63)
        #expect(layout.byteCount == HIDField(bitOffset: 0, bitSize: 8))
        #expect(layout.symbologyIdentifiers.map(\.byteOffset) == [1, 2, 3])
        #expect(layout.decodedData == HIDField(bitOffset: 32, bitSize: 8, count: 56))
        #expect(layout.decodeDataContinued == HIDField(bitOffset: 62 * 8, bitSize: 1))
        #expect(layout.inputReportLengths == [2: 63, 3: 2])
    }

    @Test func aScanOverTwoReportsAsRecorded() throws {
        let reads = try ScannerFixture.reads("hidpos-two-reports.hex")
        let url = "https://thuvien.thcs-nguyendu.edu.vn/muon?the=HS000123&sach=STK.000045&ngay=2026-11-21"
        var hid = try decoder()
        #expect(hid.feed(report: reads[0]).isEmpty)  // the status report
        #expect(hid.feed(report: reads[1]).isEmpty)
        #expect(hid.isScanning)
        let outcomes = hid.feed(report: reads[2])
        #expect(outcomes == [.scan(DecodedScan(data: url, symbology: .qr, raw: Array(url.utf8), ending: .report))])
        #expect(!hid.isScanning)
        // The same bytes as one stream, in every chunking.
        let streamed = outcomesInEveryChunking(reads.flatMap { $0 }, make: { try! decoder() }, feed: { $0.feed($1) })
        #expect(streamed == outcomes)
    }

    @Test func theByteCountIsHonouredEvenOverNULs() throws {
        var hid = try decoder()
        // A count of 3 over data "A\0B\0…": the NUL inside is data, the padding is not.
        var bytes = report("A")
        bytes[6] = 0
        bytes[7] = UInt8(ascii: "B")
        bytes[1] = 3
        #expect(hid.feed(report: bytes) == [.scan(DecodedScan(data: "A\0B", symbology: .code128, raw: [65, 0, 66], ending: .report))])
        // A count larger than the field is clamped to it.
        #expect(summary(hid.feed(report: report("STK.000045", count: 200))) == ["STK.000045" + String(repeating: "\0", count: 46)])
    }

    @Test func withoutAByteCountTrailingNULsArePadding() throws {
        var hid = try HIDPOSDecoder(descriptor: plainDescriptor)
        #expect(hid.layout.reportID == nil)
        #expect(hid.layout.length == 19)
        #expect(hid.layout.decodeDataContinued == nil)
        let payload = Array("]E0".utf8) + Array("8935235228351".utf8) + [0, 0, 0]
        #expect(
            hid.feed(report: payload) == [
                .scan(DecodedScan(data: "8935235228351", symbology: .ean13, raw: Array("8935235228351".utf8), ending: .report))
            ])
        // Identifier bytes without the bracket, as some scanners send them.
        let bare = Array("F0".utf8) + [0] + Array("30234000517861".utf8) + [0, 0]
        guard case .scan(let codabar) = hid.feed(report: bare).first else {
            Issue.record("no scan")
            return
        }
        #expect(codabar.symbology == .codabar)
        #expect(codabar.data == "30234000517861")
        // All padding: an empty scan is dropped.
        #expect(hid.feed(report: [UInt8](repeating: 0, count: 19)).isEmpty)
        let streamed = outcomesInEveryChunking(
            payload + payload, make: { try! HIDPOSDecoder(descriptor: plainDescriptor) }, feed: { $0.feed($1) })
        #expect(summary(streamed) == ["8935235228351", "8935235228351"])
    }

    @Test func aDescriptorWithoutDecodedDataIsRefused() {
        #expect(throws: HIDDescriptorError(code: .noDecodedData)) { try HIDPOSLayout(descriptor: keyboardDescriptor) }
        #expect(throws: HIDDescriptorError(code: .noDecodedData)) { try HIDPOSLayout(descriptor: []) }
    }

    @Test func brokenDescriptorsAreRefusedWithTheOffset() {
        #expect(throws: HIDDescriptorError(code: .truncated, offset: 2)) { try HIDPOSLayout(descriptor: [0x05, 0x8C, 0x26, 0xFF]) }
        #expect(throws: HIDDescriptorError(code: .stackUnderflow, offset: 2)) { try HIDPOSLayout(descriptor: [0x05, 0x8C, 0xB4]) }
        #expect(throws: HIDDescriptorError(code: .reportTooLarge, offset: 7)) {
            try HIDPOSLayout(descriptor: [0x75, 0x08, 0x97, 0xFF, 0xFF, 0xFF, 0x00, 0x81, 0x02])
        }
        // Decoded Data of 4-bit elements cannot be bytes.
        #expect(throws: HIDDescriptorError(code: .unsupportedDataField)) {
            try HIDPOSLayout(descriptor: [0x05, 0x8C, 0x75, 0x04, 0x95, 0x02, 0x09, 0xFE, 0x81, 0x02])
        }
    }

    @Test func pushPopAndLongItemsAreFollowed() throws {
        // Push the 8-bit size; a 1-bit flag and 7 bits of padding; Pop brings 8 bits back for
        // the data. A long item between them is skipped.
        let descriptor: [UInt8] = [
            0x05, 0x8C, 0x75, 0x08, 0x95, 0x01, 0xA4,
            0x75, 0x01, 0x09, 0xFF, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, 0xB4,
            0xFE, 0x02, 0x10, 0xAA, 0xBB,
            0x95, 0x04, 0x09, 0xFE, 0x81, 0x02,
        ]
        let layout = try HIDPOSLayout(descriptor: descriptor)
        #expect(layout.decodeDataContinued == HIDField(bitOffset: 0, bitSize: 1))
        #expect(layout.decodedData == HIDField(bitOffset: 8, bitSize: 8, count: 4))
        #expect(layout.length == 5)
    }

    @Test func aShortReportIsRefusedAndTheScanStartsAfresh() throws {
        var hid = try decoder()
        #expect(hid.feed(report: report("HS0001", continued: true)).isEmpty)
        #expect(summary(hid.feed(report: [2, 1, 0x5D])) == ["!scan_malformed_report"])
        #expect(!hid.isScanning)
        #expect(summary(hid.feed(report: report("HS000123"))) == ["HS000123"])
    }

    @Test func anUnknownReportIDInAStreamIsRefusedAndSkipped() throws {
        let input = [0x07] + report("HS000123") + [3, 0, 0] + report("GV0042")
        let outcomes = outcomesInEveryChunking(input, make: { try! decoder() }, feed: { $0.feed($1) })
        #expect(summary(outcomes) == ["!scan_malformed_report", "HS000123", "GV0042"])
    }

    @Test func flushRefusesACodeWhoseLastReportNeverCame() throws {
        var hid = try decoder()
        _ = hid.feed(report: report("HS0001", continued: true))
        #expect(summary(hid.flush()) == ["!scan_malformed_report"])
        #expect(hid.flush().isEmpty)
    }

    @Test func aLongContinuedCodeIsRefusedNotTruncated() throws {
        var hid = try decoder()
        let chunk = String(repeating: "9", count: 56)
        for _ in 0..<5 { #expect(hid.feed(report: report(chunk, continued: true)).isEmpty) }
        #expect(summary(hid.feed(report: report(chunk))) == ["!scan_too_long"])
    }

    @Test func optionsApplyToHIDScansToo() throws {
        var hid = try decoder(ScanOptions(prefix: "<", suffix: ">"))
        #expect(summary(hid.feed(report: report("<STK.000045>"))) == ["STK.000045"])
    }

    @Test func arbitraryDescriptorsAndReportsNeverTrap() throws {
        var random = Xorshift(state: 0x4849_4450_4F53)
        for _ in 0..<2000 {
            let bytes = random.bytes(Int(random.next() % 64))
            if var hid = try? HIDPOSDecoder(descriptor: bytes) {
                for _ in 0..<4 { _ = hid.feed(report: random.bytes(Int(random.next() % 80))) }
                _ = hid.feed(random.bytes(200))
                _ = hid.flush()
            }
        }
        var hid = try decoder()
        for _ in 0..<200 { _ = hid.feed(random.bytes(Int(random.next() % 130))) }
    }
}
