/// A ZPL printer's answer to `~HS`: three strings, each `STX … ETX CR LF`, of comma-separated
/// decimal fields (ZPL II Programming Guide, `~HS`):
///
///     STX aaa,b,c,dddd,eee,f,g,h,iii,j,k,l ETX CR LF      b paper out, c paused,
///                                                         eee formats in buffer, f buffer full
///     STX mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www ETX CR LF      o head up, p ribbon out,
///                                                         uuuuuuuu labels remaining in batch
///     STX xxxx,y ETX CR LF                                password, static RAM
///
/// Only the fields named here are read and checked; more fields, as later firmware sends, are allowed.
public struct ZPLHostStatus: Sendable, Equatable {
    public var paperOut: Bool
    public var paused: Bool
    public var headUp: Bool
    public var ribbonOut: Bool
    public var bufferFull: Bool
    public var formatsInBuffer: Int
    public var labelsRemaining: Int

    public init(
        paperOut: Bool = false, paused: Bool = false, headUp: Bool = false, ribbonOut: Bool = false,
        bufferFull: Bool = false, formatsInBuffer: Int = 0, labelsRemaining: Int = 0
    ) {
        self.paperOut = paperOut
        self.paused = paused
        self.headUp = headUp
        self.ribbonOut = ribbonOut
        self.bufferFull = bufferFull
        self.formatsInBuffer = formatsInBuffer
        self.labelsRemaining = labelsRemaining
    }

    /// What stops printing, in the order paper out, paused, head up, ribbon out. A full
    /// receive buffer is not a fault: the printer is busy and will drain it.
    public var faults: [PrinterFault] {
        var faults: [PrinterFault] = []
        if paperOut { faults.append(.paperOut) }
        if paused { faults.append(.paused) }
        if headUp { faults.append(.headUp) }
        if ribbonOut { faults.append(.ribbonOut) }
        return faults
    }

    /// Parses one complete reply: exactly three strings. CR and LF between and after the
    /// strings are skipped (the manual puts CR LF after each); anything else throws.
    public static func parse(_ bytes: [UInt8]) throws(PrinterStatusError) -> ZPLHostStatus {
        var reader = Reader()
        var status: ZPLHostStatus? = nil
        for byte in bytes {
            guard status == nil else {
                guard byte == 0x0D || byte == 0x0A else {
                    throw .malformed("~HS reply has bytes after its third string")
                }
                continue
            }
            status = try reader.feed([byte])
        }
        guard let status else { throw .malformed("~HS reply ends before its three strings are complete") }
        return status
    }

    /// Assembles a reply fed in any chunking. After a status or an error it starts afresh,
    /// so one reader serves a printer for its whole connection.
    public struct Reader: Sendable {
        /// No single string is longer than this; a longer one means the stream is not a reply.
        static let maximumStringLength = 256
        private var strings: [[UInt8]] = []
        private var current: [UInt8]? = nil

        public init() {}

        /// Feeds bytes as they arrive; returns the status when they complete the third string
        /// (if one feed completes several replies, the newest). Bytes after it start the next
        /// reply. Throws on a byte that cannot belong to a reply, and then forgets the partial one.
        public mutating func feed(_ bytes: [UInt8]) throws(PrinterStatusError) -> ZPLHostStatus? {
            var result: ZPLHostStatus? = nil
            for byte in bytes {
                do throws(PrinterStatusError) {
                    if let status = try consume(byte) {
                        // A second reply completed in the same feed replaces the first: the newest wins.
                        result = status
                    }
                } catch {
                    strings = []
                    current = nil
                    throw error
                }
            }
            return result
        }

        private mutating func consume(_ byte: UInt8) throws(PrinterStatusError) -> ZPLHostStatus? {
            if current == nil {
                switch byte {
                case 0x02: current = []
                case 0x0D, 0x0A: break
                default: throw .malformed("byte 0x\(hex(byte)) outside an STX…ETX string")
                }
                return nil
            }
            switch byte {
            case 0x03:
                strings.append(current!)
                current = nil
                guard strings.count == 3 else { return nil }
                defer { strings = [] }
                return try ZPLHostStatus(strings: strings)
            case 0x02:
                throw .malformed("STX inside a string")
            default:
                guard current!.count < Self.maximumStringLength else {
                    throw .malformed("string longer than \(Self.maximumStringLength) bytes without ETX")
                }
                current!.append(byte)
                return nil
            }
        }
    }

    private init(strings: [[UInt8]]) throws(PrinterStatusError) {
        // At least the fields read: some ZPL emulations send fewer than Zebra's 12 and 11.
        let first = try Self.fields(strings[0], string: 1, atLeast: 6)
        let second = try Self.fields(strings[1], string: 2, atLeast: 9)
        paperOut = try Self.flag(first[1], "paper out")
        paused = try Self.flag(first[2], "pause")
        formatsInBuffer = try Self.number(first[4], "formats in buffer")
        bufferFull = try Self.flag(first[5], "buffer full")
        headUp = try Self.flag(second[2], "head up")
        ribbonOut = try Self.flag(second[3], "ribbon out")
        labelsRemaining = try Self.number(second[8], "labels remaining")
    }

    private static func fields(
        _ string: [UInt8], string index: Int, atLeast count: Int
    ) throws(PrinterStatusError) -> [ArraySlice<UInt8>] {
        let fields = string.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= count else {
            throw .malformed("~HS string \(index) has \(fields.count) fields, expected at least \(count)")
        }
        return fields
    }

    private static func number(_ field: ArraySlice<UInt8>, _ name: String) throws(PrinterStatusError) -> Int {
        guard !field.isEmpty, field.count <= 9, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .malformed("~HS \(name) field is not a number: \(String(decoding: field, as: UTF8.self))")
        }
        return field.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func flag(_ field: ArraySlice<UInt8>, _ name: String) throws(PrinterStatusError) -> Bool {
        switch Array(field) {
        case [0x30]: return false
        case [0x31]: return true
        default: throw .malformed("~HS \(name) flag is not 0 or 1: \(String(decoding: field, as: UTF8.self))")
        }
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
