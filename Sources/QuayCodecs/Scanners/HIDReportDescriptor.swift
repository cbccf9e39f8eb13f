/// A HID usage: a usage page and an ID on it.
public struct HIDUsage: Hashable, Sendable, CustomStringConvertible {
    public var page: UInt16
    public var id: UInt16

    public init(page: UInt16, id: UInt16) {
        self.page = page
        self.id = id
    }

    /// The Bar Code Scanner page of the HID Point of Sale usage tables.
    public static let barcodeScannerPage: UInt16 = 0x8C
    public static let symbologyIdentifier1 = HIDUsage(page: 0x8C, id: 0xFB)
    public static let symbologyIdentifier2 = HIDUsage(page: 0x8C, id: 0xFC)
    public static let symbologyIdentifier3 = HIDUsage(page: 0x8C, id: 0xFD)
    public static let decodedData = HIDUsage(page: 0x8C, id: 0xFE)
    public static let decodeDataContinued = HIDUsage(page: 0x8C, id: 0xFF)
    /// Generic Desktop "Byte Count": the length byte Honeywell and others put before the data.
    public static let byteCount = HIDUsage(page: 0x01, id: 0x3B)

    public var description: String {
        "0x" + String(page, radix: 16, uppercase: true) + ":0x" + String(id, radix: 16, uppercase: true)
    }
}

/// Where one field sits in a report's payload (the bytes after the report ID): HID packs
/// fields least significant bit first.
public struct HIDField: Equatable, Sendable {
    public var bitOffset: Int
    public var bitSize: Int
    /// Consecutive elements of `bitSize` bits (the decoded data's bytes); 1 otherwise.
    public var count: Int

    public init(bitOffset: Int, bitSize: Int, count: Int = 1) {
        self.bitOffset = bitOffset
        self.bitSize = bitSize
        self.count = count
    }

    public var byteOffset: Int { bitOffset / 8 }

    /// The unsigned value of element `index`; 0 where the payload is too short.
    func value<Payload: RandomAccessCollection>(in payload: Payload, element index: Int = 0) -> UInt64
    where Payload.Element == UInt8, Payload.Index == Int {
        var value: UInt64 = 0
        let start = bitOffset + index * bitSize
        for bit in 0..<min(bitSize, 64) {
            let position = start + bit
            let byteIndex = payload.startIndex + position / 8
            guard byteIndex < payload.endIndex else { break }
            if payload[byteIndex] >> UInt8(position % 8) & 1 == 1 { value |= 1 << UInt64(bit) }
        }
        return value
    }
}

/// Why a report descriptor cannot drive the HID-POS decoder.
public struct HIDDescriptorError: Error, Equatable, Sendable {
    public enum Code: String, Sendable {
        /// An item runs past the end of the descriptor.
        case truncated = "hid_descriptor_truncated"
        /// A Pop with nothing pushed.
        case stackUnderflow = "hid_descriptor_stack_underflow"
        /// No input report carries Decoded Data (0x8C:0xFE): not a barcode scanner in HID-POS
        /// mode (perhaps a keyboard-wedge interface, which evdev reads).
        case noDecodedData = "hid_no_decoded_data"
        /// Decoded Data that is not whole bytes on a byte boundary.
        case unsupportedDataField = "hid_unsupported_data_field"
        /// A report longer than a HID device can send (16 KiB).
        case reportTooLarge = "hid_report_too_large"
    }

    public var code: Code
    /// The byte offset of the item at fault, when there is one.
    public var offset: Int?

    public init(code: Code, offset: Int? = nil) {
        self.code = code
        self.offset = offset
    }
}

/// The barcode scanner's input report, as its report descriptor lays it out: which report
/// carries the code, and where in it the symbology identifier, the decoded data, the byte
/// count and the continued flag are. Read from the descriptor rather than assumed, because
/// Honeywell, Zebra and Datalogic each lay it out their own way.
public struct HIDPOSLayout: Equatable, Sendable {
    /// The report's ID, or nil when the device sends reports without IDs.
    public var reportID: UInt8?
    /// Payload bytes of the scanner report (without the report ID byte).
    public var length: Int
    /// Symbology Identifier 1–3 (0x8C:0xFB…0xFD) in that order, those present.
    public var symbologyIdentifiers: [HIDField]
    /// Decoded Data (0x8C:0xFE): `count` bytes.
    public var decodedData: HIDField
    /// Decode Data Continued (0x8C:0xFF): set while more reports of the same code follow.
    public var decodeDataContinued: HIDField?
    /// A Byte Count (0x01:0x3B) saying how many data bytes this report carries.
    public var byteCount: HIDField?
    /// Payload length of every input report, by report ID (0 when the device uses none), so
    /// a byte stream of mixed reports can be cut into reports.
    public var inputReportLengths: [UInt8: Int]

    /// HID's limit on a report (the kernel's HID_MAX_BUFFER_SIZE).
    public static let maxReportLength = 16_384

    /// Parses the descriptor's short items (long items are skipped).
    public init(descriptor: [UInt8]) throws(HIDDescriptorError) {
        var parser = DescriptorParser()
        try parser.parse(descriptor)
        guard let (key, fields) = parser.scannerReport() else { throw HIDDescriptorError(code: .noDecodedData) }
        guard let data = fields[.decodedData], data.bitSize == 8, data.bitOffset % 8 == 0 else {
            throw HIDDescriptorError(code: .unsupportedDataField)
        }
        reportID = key == 0 ? nil : key
        length = (parser.inputBits[key, default: 0] + 7) / 8
        decodedData = data
        symbologyIdentifiers = [HIDUsage.symbologyIdentifier1, .symbologyIdentifier2, .symbologyIdentifier3]
            .compactMap { fields[$0] }.filter { $0.bitSize == 8 }
        decodeDataContinued = fields[.decodeDataContinued]
        byteCount = fields[.byteCount].flatMap { $0.bitSize <= 32 ? $0 : nil }
        inputReportLengths = parser.inputBits.mapValues { ($0 + 7) / 8 }
    }
}

/// The item-by-item walk of a report descriptor (HID 1.11 §6.2.2): global state with
/// Push/Pop, local usages cleared by every main item, and a bit cursor per input report.
private struct DescriptorParser {
    struct Globals {
        var usagePage: UInt16 = 0
        var reportSize = 0
        var reportCount = 0
        var reportID: UInt8 = 0
    }

    static let interesting: Set<HIDUsage> = [
        .symbologyIdentifier1, .symbologyIdentifier2, .symbologyIdentifier3, .decodedData, .decodeDataContinued, .byteCount,
    ]

    var globals = Globals()
    var stack: [Globals] = []
    var usages: [HIDUsage] = []
    var usageMinimum: HIDUsage?
    /// Input bits declared so far, by report ID (0: none).
    var inputBits: [UInt8: Int] = [:]
    /// The first field of each interesting usage, by report ID.
    var fields: [UInt8: [HIDUsage: HIDField]] = [:]
    /// Report IDs in the order their first input field appeared.
    var order: [UInt8] = []

    mutating func parse(_ descriptor: [UInt8]) throws(HIDDescriptorError) {
        var index = 0
        while index < descriptor.count {
            let prefix = descriptor[index]
            if prefix == 0xFE {  // long item: size, tag, data
                guard index + 1 < descriptor.count else { throw HIDDescriptorError(code: .truncated, offset: index) }
                index += 3 + Int(descriptor[index + 1])
                guard index <= descriptor.count else { throw HIDDescriptorError(code: .truncated, offset: index) }
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard index + size < descriptor.count else { throw HIDDescriptorError(code: .truncated, offset: index) }
            var data: UInt32 = 0
            for offset in (0..<size).reversed() { data = data << 8 | UInt32(descriptor[index + 1 + offset]) }
            try item(type: (prefix >> 2) & 0x03, tag: prefix >> 4, data: data, size: size, offset: index)
            index += 1 + size
        }
    }

    private mutating func item(type: UInt8, tag: UInt8, data: UInt32, size: Int, offset: Int) throws(HIDDescriptorError) {
        switch type {
        case 0:  // main
            if tag == 0x8 { try input(flags: data, offset: offset) }
            usages.removeAll()
            usageMinimum = nil
        case 1:  // global
            switch tag {
            case 0x0: globals.usagePage = UInt16(truncatingIfNeeded: data)
            case 0x7: globals.reportSize = Int(data)
            case 0x8: globals.reportID = UInt8(truncatingIfNeeded: data)
            case 0x9: globals.reportCount = Int(data)
            case 0xA: stack.append(globals)
            case 0xB:
                guard let top = stack.popLast() else { throw HIDDescriptorError(code: .stackUnderflow, offset: offset) }
                globals = top
            default: break  // logical/physical extents, units: not needed to find the fields
            }
        case 2:  // local
            // A 4-byte usage names its own page in the high half; shorter ones use the current page.
            let usage =
                size == 4
                ? HIDUsage(page: UInt16(data >> 16), id: UInt16(truncatingIfNeeded: data))
                : HIDUsage(page: globals.usagePage, id: UInt16(truncatingIfNeeded: data))
            switch tag {
            case 0x0: usages.append(usage)
            case 0x1: usageMinimum = usage
            case 0x2:
                if let minimum = usageMinimum, minimum.page == usage.page, minimum.id <= usage.id {
                    // Only as many as a report could use; a 0…0xFFFF range must not cost memory.
                    let last = min(Int(usage.id), Int(minimum.id) + 1024)
                    for id in Int(minimum.id)...last { usages.append(HIDUsage(page: usage.page, id: UInt16(id))) }
                }
                usageMinimum = nil
            default: break
            }
        default:
            break  // reserved
        }
    }

    private mutating func input(flags: UInt32, offset: Int) throws(HIDDescriptorError) {
        let key = globals.reportID
        let (bits, overflow) = globals.reportSize.multipliedReportingOverflow(by: globals.reportCount)
        let start = inputBits[key, default: 0]
        guard !overflow, bits <= HIDPOSLayout.maxReportLength * 8 - start else {
            throw HIDDescriptorError(code: .reportTooLarge, offset: offset)
        }
        if inputBits[key] == nil { order.append(key) }
        inputBits[key] = start + bits
        let constant = flags & 0x01 != 0
        guard !constant, !usages.isEmpty, globals.reportSize > 0, globals.reportCount > 0 else { return }
        let variable = flags & 0x02 != 0
        // A variable item gives field i the i-th usage, the last one repeating; an array
        // item's fields all hold selectors from the same list.
        func usage(of field: Int) -> HIDUsage { variable ? usages[min(field, usages.count - 1)] : usages[0] }
        var field = 0
        while field < globals.reportCount {
            let current = usage(of: field)
            var run = 1
            while field + run < globals.reportCount, usage(of: field + run) == current { run += 1 }
            if Self.interesting.contains(current), fields[key]?[current] == nil {
                let count = current == .decodedData ? run : 1
                fields[key, default: [:]][current] = HIDField(
                    bitOffset: start + field * globals.reportSize, bitSize: globals.reportSize, count: count)
            }
            field += run
        }
    }

    /// The first input report that carries Decoded Data, with its fields.
    func scannerReport() -> (UInt8, [HIDUsage: HIDField])? {
        for key in order {
            if let found = fields[key], found[.decodedData] != nil { return (key, found) }
        }
        return nil
    }
}
