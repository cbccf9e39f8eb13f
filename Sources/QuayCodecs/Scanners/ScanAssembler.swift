/// What the desk's config says about a scanner's output, the same for every transport.
public struct ScanOptions: Sendable, Equatable {
    /// Strip a leading AIM symbology identifier (`]E0`, `]C0`, …) and report its symbology.
    /// Off by default: a code that merely starts with `]` must not lose three characters on a
    /// scanner that was never told to send identifiers.
    public var parsesAIMIdentifier: Bool
    /// Bytes the scanner is programmed to send before each code; stripped when present.
    public var prefix: [UInt8]
    /// Bytes the scanner is programmed to send after each code (before its terminator).
    public var suffix: [UInt8]
    /// The longest code accepted, in bytes (SPEC §13: scan length 256).
    public var maxLength: Int

    public init(parsesAIMIdentifier: Bool = false, prefix: String = "", suffix: String = "", maxLength: Int = 256) {
        self.parsesAIMIdentifier = parsesAIMIdentifier
        self.prefix = Array(prefix.utf8)
        self.suffix = Array(suffix.utf8)
        self.maxLength = max(1, maxLength)
    }

    /// The most bytes a decoder keeps for one scan: a code at the limit with its identifier,
    /// prefix and suffix. Anything longer is refused, so memory stays bounded.
    public var rawLimit: Int { maxLength + 3 + prefix.count + suffix.count }
}

/// A scan's bytes as a decoder collects them: kept up to a bound, counted beyond it, so a
/// scanner stuck sending can neither grow memory nor have its code silently truncated.
struct ScanBuffer: Sendable {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    /// Bytes seen for this scan, including those past the limit that were not kept.
    private(set) var length = 0

    init(limit: Int) { self.limit = limit }

    var isEmpty: Bool { length == 0 }

    mutating func append(_ byte: UInt8) {
        length += 1
        if bytes.count < limit { bytes.append(byte) }
    }

    mutating func append<Bytes: Collection>(contentsOf more: Bytes) where Bytes.Element == UInt8 {
        let room = max(0, limit - bytes.count)
        bytes.append(contentsOf: more.prefix(room))
        length += more.count
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        length = 0
    }
}

/// The post-processing every decoder shares: prefix, AIM identifier and suffix removed, the
/// length limit applied, empty scans dropped, bytes decoded as lenient UTF-8.
public struct ScanAssembler: Sendable {
    public var options: ScanOptions

    public init(options: ScanOptions = ScanOptions()) { self.options = options }

    /// The outcome of one scan's raw bytes; nil for an empty scan (a bare terminator, or a
    /// scan that was nothing but its prefix), which the desk never needs to see.
    /// `symbology` is what the transport said beside the data (HID-POS); an AIM identifier in
    /// the data wins over it when parsing is on.
    public func assemble(_ raw: [UInt8], ending: ScanEnding, symbology: Symbology? = nil) -> ScanOutcome? {
        var buffer = ScanBuffer(limit: options.rawLimit)
        buffer.append(contentsOf: raw)
        return assemble(buffer, ending: ending, symbology: symbology)
    }

    func assemble(_ buffer: ScanBuffer, ending: ScanEnding, symbology: Symbology? = nil) -> ScanOutcome? {
        guard !buffer.isEmpty else { return nil }
        guard buffer.length <= options.rawLimit else {
            return .failed(ScanError(code: .tooLong, raw: buffer.bytes, detail: "\(buffer.length) bytes, limit \(options.maxLength)"))
        }
        var body = buffer.bytes[...]
        var symbology = symbology
        // Scanners put the identifier after a programmed prefix (Zebra) or let it be part of
        // the prefix (Honeywell); either order is accepted.
        let hadPrefix = Self.strip(prefix: options.prefix, from: &body)
        if options.parsesAIMIdentifier, body.count >= 3, let identifier = Symbology(aimIdentifier: body.prefix(3)) {
            symbology = identifier
            body = body.dropFirst(3)
        }
        if !hadPrefix { _ = Self.strip(prefix: options.prefix, from: &body) }
        if !options.suffix.isEmpty, body.count >= options.suffix.count, body.suffix(options.suffix.count).elementsEqual(options.suffix) {
            body = body.dropLast(options.suffix.count)
        }
        guard !body.isEmpty else { return nil }
        guard body.count <= options.maxLength else {
            return .failed(ScanError(code: .tooLong, raw: buffer.bytes, detail: "\(body.count) bytes, limit \(options.maxLength)"))
        }
        let data = String(decoding: body, as: UTF8.self)
        return .scan(DecodedScan(data: data, symbology: symbology, raw: buffer.bytes, ending: ending))
    }

    private static func strip(prefix: [UInt8], from body: inout ArraySlice<UInt8>) -> Bool {
        guard !prefix.isEmpty, body.count >= prefix.count, body.prefix(prefix.count).elementsEqual(prefix) else { return false }
        body = body.dropFirst(prefix.count)
        return true
    }
}
