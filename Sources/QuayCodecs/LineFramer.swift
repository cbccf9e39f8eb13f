/// Splits a byte stream into newline-terminated frames, as the socket protocol's NDJSON
/// framing needs (SPEC §8.1). A pure value: bytes go in however they were chunked, frames
/// come out in order. A line longer than `maxFrameLength` is reported once as `.tooLarge`
/// as soon as it passes the limit and then skipped up to its newline, so memory stays
/// bounded by the limit whatever the peer sends.
public struct LineFramer: Sendable {
    public enum Frame: Equatable, Sendable {
        /// One line without its terminator (`\n`, or `\r\n`).
        case line([UInt8])
        /// A line that passed the limit; its bytes were dropped.
        case tooLarge
    }

    public let maxFrameLength: Int
    private var buffer: [UInt8] = []
    private var discarding = false
    private var pending: [Frame] = []
    private var pendingIndex = 0

    public init(maxFrameLength: Int) {
        precondition(maxFrameLength > 0)
        self.maxFrameLength = maxFrameLength
    }

    /// Bytes held for a line not yet complete.
    public var bufferedByteCount: Int { buffer.count }

    /// Feeds bytes; complete frames become available through `nextFrame()`.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        // Called from another module this generic is not specialised: a loop over `Bytes` would
        // go through witness tables for every byte (most of the CLI's time fetching a report of
        // a million rows). The bytes are read as one contiguous buffer instead.
        let done: Void? = bytes.withContiguousStorageIfAvailable { append(contiguous: $0) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { append(contiguous: $0) } }
    }

    private mutating func append(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
            let chunk = rest[..<(newline ?? rest.endIndex)]
            if !discarding {
                // The CR of a CRLF terminator is no part of the line: a line of exactly the
                // limit passes whichever way it ends.
                let total = buffer.count + chunk.count
                if total > maxFrameLength && !(total == maxFrameLength + 1 && (chunk.isEmpty ? buffer.last : chunk.last) == UInt8(ascii: "\r")) {
                    pending.append(.tooLarge)
                    buffer.removeAll(keepingCapacity: false)
                    discarding = true
                } else {
                    buffer.append(contentsOf: chunk)
                }
            }
            guard let newline else { return }
            if discarding {
                discarding = false
            } else {
                if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
                pending.append(.line(buffer))
                buffer.removeAll(keepingCapacity: buffer.capacity <= 65_536)
            }
            rest = rest[(newline + 1)...]
        }
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func nextFrame() -> Frame? {
        guard pendingIndex < pending.count else { return nil }
        let frame = pending[pendingIndex]
        pendingIndex += 1
        if pendingIndex == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
        }
        return frame
    }

    /// At end of stream: the last line if it had no terminator (a peer may omit the final
    /// newline), else nil.
    public mutating func finish() -> Frame? {
        defer {
            buffer.removeAll()
            discarding = false
        }
        if discarding || buffer.isEmpty { return nil }
        var line = buffer
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return .line(line)
    }
}
