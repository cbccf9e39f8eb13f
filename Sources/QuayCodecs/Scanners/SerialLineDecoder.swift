/// Decodes a serial (RS-232 or USB CDC-ACM) scanner's byte stream: one code per line, ended
/// by CR, LF or CRLF. A CR followed by LF is one terminator even when a read ends between
/// them, so a CRLF scanner never yields phantom empty scans. A pure value fed in any chunking.
public struct SerialLineDecoder: Sendable {
    public let assembler: ScanAssembler
    private var buffer: ScanBuffer
    /// The last byte was a CR: an LF right after it belongs to the same terminator.
    private var afterCarriageReturn = false

    public init(options: ScanOptions = ScanOptions()) {
        assembler = ScanAssembler(options: options)
        buffer = ScanBuffer(limit: options.rawLimit)
    }

    /// Bytes held for a code whose terminator has not come yet.
    public var bufferedByteCount: Int { buffer.bytes.count }

    /// Feeds bytes as read; returns the scans they complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ScanOutcome] where Bytes.Element == UInt8 {
        var outcomes: [ScanOutcome] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\r"):
                endLine(into: &outcomes)
                afterCarriageReturn = true
            case UInt8(ascii: "\n"):
                if afterCarriageReturn {
                    afterCarriageReturn = false
                } else {
                    endLine(into: &outcomes)
                }
            default:
                afterCarriageReturn = false
                buffer.append(byte)
            }
        }
        return outcomes
    }

    /// At the end of the stream (port closed): the last code if it had no terminator.
    public mutating func flush() -> [ScanOutcome] {
        afterCarriageReturn = false
        defer { buffer.removeAll() }
        return assembler.assemble(buffer, ending: .flush).map { [$0] } ?? []
    }

    private mutating func endLine(into outcomes: inout [ScanOutcome]) {
        if let outcome = assembler.assemble(buffer, ending: .terminator) { outcomes.append(outcome) }
        buffer.removeAll()
    }
}
