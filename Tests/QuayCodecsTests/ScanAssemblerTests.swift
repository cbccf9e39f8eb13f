import QuayCodecs
import Testing

private func assemble(_ text: String, _ options: ScanOptions) -> ScanOutcome? {
    ScanAssembler(options: options).assemble(Array(text.utf8), ending: .terminator)
}

private func read(_ text: String, _ options: ScanOptions = ScanOptions(parsesAIMIdentifier: true)) -> (String, Symbology?)? {
    guard case .scan(let scan) = assemble(text, options) else { return nil }
    return (scan.data, scan.symbology)
}

@Suite struct ScanAssemblerTests {
    @Test(arguments: [
        ("]C0STK.000045", "STK.000045", Symbology.code128, Symbology.Family.code128),
        ("]E08935235228351", "8935235228351", .ean13, .ean),
        ("]E412345670", "12345670", .ean8, .ean),
        ("]A0HS000123", "HS000123", .code39, .code39),
        ("]F030234000517861", "30234000517861", .codabar, .codabar),
        ("]Q1https://thuvien.vn", "https://thuvien.vn", .qr, .qr),
        ("]d2010893523522835", "010893523522835", Symbology(code: "d", modifier: "2"), .dataMatrix),
        ("]X0abc", "abc", Symbology(code: "X", modifier: "0"), .other),
    ])
    func aimIdentifiersAreStrippedAndNamed(input: String, data: String, symbology: Symbology, family: Symbology.Family) {
        let result = read(input)
        #expect(result?.0 == data)
        #expect(result?.1 == symbology)
        #expect(result?.1?.family == family)
        #expect(symbology.aimIdentifier == String(input.prefix(3)))
    }

    @Test func whatIsNotAnAIMIdentifierIsKept() {
        #expect(read("]1ABC")?.0 == "]1ABC")  // the code must be a letter
        #expect(read("]C")?.0 == "]C")  // too short to hold one
        #expect(read("]C ABC")?.0 == "]C ABC")  // the modifier must be printable
        #expect(read("]C0") == nil)  // an identifier and nothing else is an empty scan
    }

    @Test func aimParsingIsOffByDefault() {
        #expect(read("]C0STK.000045", ScanOptions())?.0 == "]C0STK.000045")
        #expect(read("]C0STK.000045", ScanOptions())?.1 == nil)
    }

    @Test func prefixAndSuffixAreStrippedOnlyWhenPresent() {
        let options = ScanOptions(prefix: "QS", suffix: "#")
        #expect(read("QSHS000123#", options)?.0 == "HS000123")
        #expect(read("HS000123", options)?.0 == "HS000123")
        #expect(read("QSHS000123", options)?.0 == "HS000123")
        #expect(read("HS000123#", options)?.0 == "HS000123")
        #expect(read("QS#", options) == nil)  // nothing but the framing: dropped
    }

    @Test func thePrefixMayComeBeforeOrAfterTheIdentifier() {
        let options = ScanOptions(parsesAIMIdentifier: true, prefix: "@")
        #expect(read("@]C0ABC", options)?.0 == "ABC")
        #expect(read("]C0@ABC", options)?.0 == "ABC")
        #expect(read("]C0@ABC", options)?.1 == .code128)
    }

    @Test func theLengthLimitRefusesRatherThanTruncates() {
        let options = ScanOptions(maxLength: 10)
        #expect(read("0123456789", options)?.0 == "0123456789")
        guard case .failed(let error) = assemble("0123456789A", options) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .tooLong)
        #expect(error.raw == Array("0123456789A".utf8))
        // The framing does not count against the limit.
        #expect(read("]C00123456789", ScanOptions(parsesAIMIdentifier: true, maxLength: 10))?.0 == "0123456789")
        #expect(ScanOptions().maxLength == 256)
        #expect(ScanOptions(maxLength: 0).maxLength == 1)
    }

    @Test func emptyScansAreDropped() {
        #expect(ScanAssembler().assemble([], ending: .terminator) == nil)
    }

    @Test func theRawBytesAndEndingAreKeptForTheScanLog() {
        let outcome = ScanAssembler(options: ScanOptions(parsesAIMIdentifier: true)).assemble(
            Array("]E08935235228351".utf8), ending: .timeout)
        #expect(
            outcome == .scan(DecodedScan(data: "8935235228351", symbology: .ean13, raw: Array("]E08935235228351".utf8), ending: .timeout)))
    }

    @Test func anOutOfBandSymbologyIsKeptUnlessTheDataNamesOne() {
        let assembler = ScanAssembler(options: ScanOptions(parsesAIMIdentifier: true))
        guard case .scan(let scan) = assembler.assemble(Array("ABC".utf8), ending: .report, symbology: .code39) else { return }
        #expect(scan.symbology == .code39)
        guard case .scan(let named) = assembler.assemble(Array("]C0ABC".utf8), ending: .report, symbology: .code39) else { return }
        #expect(named.symbology == .code128)
    }
}
