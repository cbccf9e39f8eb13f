import QuayCodecs

/// The language a printer is spoken to in (SPEC §7.4).
public enum PrinterLanguage: String, Sendable, CaseIterable {
    /// Zebra ZPL II label printers (and the many that emulate it).
    case zpl
    /// Epson ESC/POS receipt printers (and their clones).
    case escpos
}

/// How a printer says it is: its faults, none when it is ready.
public struct PrinterCondition: Sendable, Equatable {
    public var faults: [PrinterFault]

    public init(faults: [PrinterFault]) { self.faults = faults }

    /// A fault that makes jobs wait (paper nearly out does not).
    public var blocksPrinting: Bool { faults.contains { $0.blocksPrinting } }
}

/// Asks a printer for its status before a job (SPEC §7.5): usblp's LPGETSTATUS where the
/// node has it, then the language's own query where the transport can answer — ZPL `~HS`,
/// ESC/POS `DLE EOT 1/2/4`. A printer that can answer but does not within the timeout is
/// itself a fault (`no_reply`).
public enum PrinterProbe {
    /// The printer's condition, or nil when the transport cannot tell (a plain file).
    public static func condition(
        of connection: any PrinterConnection, language: PrinterLanguage, timeout: Duration
    ) throws(PrinterIOError) -> PrinterCondition? {
        var faults: [PrinterFault] = []
        var known = false
        if let raw = connection.portStatus() {
            faults += LinePrinterStatus(rawValue: raw).faults
            known = true
        }
        if connection.canRead {
            known = true
            switch language {
            case .zpl: faults += try zpl(connection, timeout: timeout)
            case .escpos: faults += try escpos(connection, timeout: timeout)
            }
        }
        guard known else { return nil }
        var seen = Set<PrinterFault>()
        return PrinterCondition(faults: faults.filter { seen.insert($0).inserted })
    }

    static func zpl(_ connection: any PrinterConnection, timeout: Duration) throws(PrinterIOError) -> [PrinterFault] {
        try connection.write(ZPL.hostStatusQuery, timeout: timeout)
        var reader = ZPLHostStatus.Reader()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let bytes = try connection.read(timeout: deadline - .now)
            guard !bytes.isEmpty else { continue }
            do {
                if let status = try reader.feed(bytes) { return status.faults }
            } catch {
                return [.noReply]  // a garbled reply says no more than none
            }
        }
        return [.noReply]
    }

    static func escpos(_ connection: any PrinterConnection, timeout: Duration) throws(PrinterIOError) -> [PrinterFault] {
        var replies: [ESCPOSStatusKind: UInt8] = [:]
        for kind in [ESCPOSStatusKind.printer, .offlineCause, .paperSensor] {
            try connection.write(ESCPOS.statusQuery(kind), timeout: timeout)
            let deadline = ContinuousClock.now + timeout
            var reply: [UInt8] = []
            while reply.isEmpty, ContinuousClock.now < deadline {
                reply = try connection.read(timeout: deadline - .now)
            }
            guard let byte = reply.last else { return [.noReply] }
            replies[kind] = byte
        }
        do {
            return try ESCPOSStatus.parse(
                printer: replies[.printer], offlineCause: replies[.offlineCause], paperSensor: replies[.paperSensor]
            ).faults
        } catch {
            return [.noReply]
        }
    }
}
