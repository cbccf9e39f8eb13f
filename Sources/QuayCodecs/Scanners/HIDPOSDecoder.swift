/// Decodes a barcode scanner in HID Point-of-Sale mode (usage page 0x8C, read through
/// hidraw): reports in, scans out, laid out as the device's own report descriptor says.
///
/// A code longer than one report's data field comes in several reports: their data bytes
/// add up while Decode Data Continued is set, and the code ends with the first report
/// without it. A report's data is as long as its Byte Count says when the descriptor has
/// one; otherwise trailing NULs are padding, not data.
public struct HIDPOSDecoder: Sendable {
    public let layout: HIDPOSLayout
    public let assembler: ScanAssembler
    private var buffer: ScanBuffer
    private var symbology: Symbology?
    /// Stream framing: bytes of a report not yet complete, and how long it will be.
    private var pending: [UInt8] = []
    private var pendingLength: Int?

    public init(layout: HIDPOSLayout, options: ScanOptions = ScanOptions()) {
        self.layout = layout
        assembler = ScanAssembler(options: options)
        buffer = ScanBuffer(limit: options.rawLimit)
    }

    /// Parses `descriptor` (from HIDIOCGRDESC) and decodes by it; a descriptor without a
    /// barcode scanner input report is refused (`HIDDescriptorError.noDecodedData`).
    public init(descriptor: [UInt8], options: ScanOptions = ScanOptions()) throws(HIDDescriptorError) {
        self.init(layout: try HIDPOSLayout(descriptor: descriptor), options: options)
    }

    /// True while a code's first reports have come and its last has not.
    public var isScanning: Bool { !buffer.isEmpty }

    /// One whole report as a hidraw read returns it: the report ID byte first when the device
    /// uses IDs. Reports of other IDs (trigger, status) are ignored.
    public mutating func feed<Report: Collection>(report: Report) -> [ScanOutcome] where Report.Element == UInt8 {
        var bytes = Array(report)[...]
        if let id = layout.reportID {
            guard let first = bytes.first, first == id else { return [] }
            bytes = bytes.dropFirst()
        }
        guard bytes.count >= layout.length else {
            let raw = buffer.bytes + bytes
            reset()
            return [
                .failed(ScanError(code: .malformedReport, raw: raw, detail: "report of \(bytes.count) bytes, expected \(layout.length)"))
            ]
        }
        let payload = Array(bytes.prefix(layout.length))
        if buffer.isEmpty { symbology = Self.symbology(layout.symbologyIdentifiers.map { UInt8($0.value(in: payload)) }) }
        let data = layout.decodedData
        var count = data.count
        if let byteCount = layout.byteCount {
            count = Int(min(UInt64(count), byteCount.value(in: payload)))
        } else {
            while count > 0, payload[data.byteOffset + count - 1] == 0 { count -= 1 }
        }
        buffer.append(contentsOf: payload[data.byteOffset..<data.byteOffset + count])
        if let continued = layout.decodeDataContinued, continued.value(in: payload) != 0 { return [] }
        defer { reset() }
        return assembler.assemble(buffer, ending: .report, symbology: symbology).map { [$0] } ?? []
    }

    /// Bytes in any chunking, cut into reports by the lengths the descriptor declares (for a
    /// FIFO or a capture file; hidraw itself returns one report per read). A byte that starts
    /// no known report is refused and skipped, so the stream can find its footing again.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ScanOutcome] where Bytes.Element == UInt8 {
        var outcomes: [ScanOutcome] = []
        for byte in bytes {
            if pendingLength == nil {
                if layout.reportID == nil {
                    pendingLength = layout.inputReportLengths[0] ?? layout.length
                } else if let length = layout.inputReportLengths[byte], byte != 0 {
                    pendingLength = length + 1
                } else {
                    outcomes.append(.failed(ScanError(code: .malformedReport, raw: [byte], detail: "unknown report ID \(byte)")))
                    continue
                }
            }
            pending.append(byte)
            if pending.count == pendingLength {
                outcomes += feed(report: pending)
                pending.removeAll(keepingCapacity: true)
                pendingLength = nil
            }
        }
        return outcomes
    }

    /// At the end of the stream: a code whose last report never came is refused, not passed
    /// on half read.
    public mutating func flush() -> [ScanOutcome] {
        pending.removeAll()
        pendingLength = nil
        guard !buffer.isEmpty else { return [] }
        defer { reset() }
        return [.failed(ScanError(code: .malformedReport, raw: buffer.bytes, detail: "stream ended inside a continued code"))]
    }

    private mutating func reset() {
        buffer.removeAll()
        symbology = nil
    }

    /// The symbology from the identifier bytes: an AIM identifier (`]E0`), or its letter and
    /// modifier without the bracket, as some scanners send it.
    static func symbology(_ identifier: [UInt8]) -> Symbology? {
        if identifier.count >= 3, let aim = Symbology(aimIdentifier: identifier.prefix(3)) { return aim }
        if identifier.count >= 2, Symbology.isLetter(identifier[0]), (0x21...0x7E).contains(identifier[1]) {
            return Symbology(code: Character(Unicode.Scalar(identifier[0])), modifier: Character(Unicode.Scalar(identifier[1])))
        }
        return nil
    }
}
