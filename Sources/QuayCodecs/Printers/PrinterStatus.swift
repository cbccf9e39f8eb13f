/// Why a printer cannot print (or soon cannot), in words staff at the desk understand.
/// The raw values are the stable codes the protocol and `quay printers` show.
public enum PrinterFault: String, Sendable, Codable, CaseIterable {
    case offline
    case paperOut = "paper_out"
    case paperNearEnd = "paper_near_end"
    case paused
    case headUp = "head_up"
    case ribbonOut = "ribbon_out"
    case coverOpen = "cover_open"
    case error
    /// The printer did not answer a status query in time (SPEC §7.5): itself a fault.
    case noReply = "no_reply"

    public var vietnamese: String {
        switch self {
        case .offline: "máy in không sẵn sàng"
        case .paperOut: "hết giấy"
        case .paperNearEnd: "sắp hết giấy"
        case .paused: "máy in đang tạm dừng"
        case .headUp: "đầu in đang mở"
        case .ribbonOut: "hết ruy-băng mực"
        case .coverOpen: "nắp máy in đang mở"
        case .error: "máy in báo lỗi"
        case .noReply: "máy in không phản hồi"
        }
    }

    public var english: String {
        switch self {
        case .offline: "printer offline"
        case .paperOut: "out of paper"
        case .paperNearEnd: "paper nearly out"
        case .paused: "printer paused"
        case .headUp: "print head open"
        case .ribbonOut: "out of ribbon"
        case .coverOpen: "cover open"
        case .error: "printer error"
        case .noReply: "printer not responding"
        }
    }

    /// Whether the queue should hold jobs until the fault clears: all but a warning that
    /// the paper roll is nearly used up.
    public var blocksPrinting: Bool { self != .paperNearEnd }
}

/// A status reply that does not follow its printer language.
public enum PrinterStatusError: Error, Equatable {
    case malformed(String)
}

/// An ESC/POS printer's answers to `DLE EOT 1`, `2` and `4` (real-time status transmission,
/// one byte each). In every reply bits 1 and 4 are 1 and bits 0 and 7 are 0, which tells a
/// status byte apart from stray data.
///
///     DLE EOT 1 (printer):        bit 3 offline
///     DLE EOT 2 (offline cause):  bit 2 cover open, bit 3 paper fed by the button,
///                                 bit 5 stopped at paper end, bit 6 error
///     DLE EOT 4 (paper sensor):   bits 2–3 roll near its end, bits 5–6 roll at its end
public struct ESCPOSStatus: Sendable, Equatable {
    public var offline: Bool
    public var coverOpen: Bool
    public var paperFedByButton: Bool
    public var paperEnd: Bool
    public var error: Bool
    public var paperNearEnd: Bool

    public init(
        offline: Bool = false, coverOpen: Bool = false, paperFedByButton: Bool = false, paperEnd: Bool = false,
        error: Bool = false, paperNearEnd: Bool = false
    ) {
        self.offline = offline
        self.coverOpen = coverOpen
        self.paperFedByButton = paperFedByButton
        self.paperEnd = paperEnd
        self.error = error
        self.paperNearEnd = paperNearEnd
    }

    /// In `PrinterFault` order: offline, paper out, paper near end, cover open, error. Paper
    /// being fed by the button is momentary and not a fault.
    public var faults: [PrinterFault] {
        var faults: [PrinterFault] = []
        if offline { faults.append(.offline) }
        if paperEnd { faults.append(.paperOut) }
        if paperNearEnd { faults.append(.paperNearEnd) }
        if coverOpen { faults.append(.coverOpen) }
        if error { faults.append(.error) }
        return faults
    }

    /// Combines the replies that came; a missing one (nil) leaves its flags false.
    public static func parse(
        printer: UInt8?, offlineCause: UInt8?, paperSensor: UInt8?
    ) throws(PrinterStatusError) -> ESCPOSStatus {
        var status = ESCPOSStatus()
        if let printer {
            try check(printer, .printer)
            status.offline = printer & 0x08 != 0
        }
        if let offlineCause {
            try check(offlineCause, .offlineCause)
            status.coverOpen = offlineCause & 0x04 != 0
            status.paperFedByButton = offlineCause & 0x08 != 0
            status.paperEnd = offlineCause & 0x20 != 0
            status.error = offlineCause & 0x40 != 0
        }
        if let paperSensor {
            try check(paperSensor, .paperSensor)
            // Epson sets both bits of a pair; some clones set only one, so either counts.
            status.paperNearEnd = paperSensor & 0x0C != 0
            status.paperEnd = status.paperEnd || paperSensor & 0x60 != 0
        }
        return status
    }

    private static func check(_ byte: UInt8, _ kind: ESCPOSStatusKind) throws(PrinterStatusError) {
        guard byte & 0x93 == 0x12 else {
            throw .malformed("DLE EOT \(kind.rawValue) reply 0x\(hex(byte)) does not have bits 1 and 4 set and 0 and 7 clear")
        }
    }
}

/// usblp's `LPGETSTATUS` result: the IEEE 1284 port status byte the printer reports
/// (0x20 paper empty, 0x10 selected, 0x08 not-error; the error line is active low).
public struct LinePrinterStatus: Sendable, Equatable {
    public var paperOut: Bool
    public var online: Bool
    public var error: Bool

    public init(rawValue: Int32) {
        paperOut = rawValue & 0x20 != 0
        online = rawValue & 0x10 != 0
        error = rawValue & 0x08 == 0
    }

    /// In `PrinterFault` order: offline, paper out, error.
    public var faults: [PrinterFault] {
        var faults: [PrinterFault] = []
        if !online { faults.append(.offline) }
        if paperOut { faults.append(.paperOut) }
        if error { faults.append(.error) }
        return faults
    }
}
