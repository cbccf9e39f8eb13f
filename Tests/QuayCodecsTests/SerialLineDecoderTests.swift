import QuayCodecs
import Testing

private func decode(_ text: String, _ options: ScanOptions = ScanOptions(), flush: Bool = false) -> [ScanOutcome] {
    decode(Array(text.utf8), options, flush: flush)
}

private func decode(_ bytes: [UInt8], _ options: ScanOptions = ScanOptions(), flush: Bool = false) -> [ScanOutcome] {
    outcomesInEveryChunking(
        bytes, make: { SerialLineDecoder(options: options) }, feed: { $0.feed($1) }, end: { flush ? $0.flush() : [] })
}

@Suite struct SerialLineDecoderTests {
    @Test func aCRLFSplitAcrossReadsIsOneTerminator() throws {
        let reads = try ScannerFixture.reads("serial-crlf-split.hex")
        #expect(reads.count == 5)
        var decoder = SerialLineDecoder()
        var outcomes: [ScanOutcome] = []
        for read in reads { outcomes += decoder.feed(read) }
        #expect(summary(outcomes) == ["HS000123", "STK.000045", "GV0042"])
        #expect(decode(reads.flatMap { $0 }) == outcomes)
    }

    @Test(arguments: ["HS000123\r", "HS000123\n", "HS000123\r\n"])
    func eachTerminatorEndsACode(text: String) {
        #expect(decode(text) == [.scan(DecodedScan(data: "HS000123", raw: Array("HS000123".utf8), ending: .terminator))])
    }

    @Test func mixedTerminatorsAndEmptyLines() {
        #expect(summary(decode("a\r\nb\nc\r\r\n\nd\n\re\r")) == ["a", "b", "c", "d", "e"])
    }

    @Test func anUnterminatedCodeWaitsUntilFlush() {
        var decoder = SerialLineDecoder()
        #expect(decoder.feed(Array("GV0042".utf8)).isEmpty)
        #expect(decoder.bufferedByteCount == 6)
        let outcomes = decoder.flush()
        #expect(outcomes == [.scan(DecodedScan(data: "GV0042", raw: Array("GV0042".utf8), ending: .flush))])
        #expect(decoder.flush().isEmpty)
        #expect(summary(decode("HS000123\r\nGV0042", flush: true)) == ["HS000123", "GV0042"])
    }

    @Test func aTooLongLineIsRefusedWithBoundedMemoryAndTheNextReads() {
        var decoder = SerialLineDecoder()
        for _ in 0..<1000 {
            _ = decoder.feed([UInt8](repeating: 0x37, count: 100))
            #expect(decoder.bufferedByteCount <= ScanOptions().rawLimit)
        }
        #expect(summary(decoder.feed(Array("\r\nHS000123\r\n".utf8))) == ["!scan_too_long", "HS000123"])
        #expect(summary(decode(String(repeating: "x", count: 257) + "\n")) == ["!scan_too_long"])
        #expect(summary(decode(String(repeating: "x", count: 256) + "\n")) == [String(repeating: "x", count: 256)])
    }

    @Test func utf8IsDecodedAndInvalidBytesNeverTrap() {
        #expect(summary(decode("Nguyễn\r\n")) == ["Nguyễn"])
        #expect(summary(decode([0x41, 0xFF, 0xC3, 0x0D, 0x42, 0x0A])) == ["A\u{FFFD}\u{FFFD}", "B"])
        var random = Xorshift(state: 0x5345_5249_414C)
        var decoder = SerialLineDecoder()
        for _ in 0..<500 { _ = decoder.feed(random.bytes(Int(random.next() % 300))) }
        _ = decoder.flush()
    }

    @Test func prefixSuffixAndAIMApplyToSerialLines() {
        let options = ScanOptions(parsesAIMIdentifier: true, prefix: "#", suffix: "$")
        let outcomes = decode("#]C0STK.000045$\r\n", options)
        #expect(
            outcomes == [
                .scan(DecodedScan(data: "STK.000045", symbology: .code128, raw: Array("#]C0STK.000045$".utf8), ending: .terminator))
            ])
    }
}
