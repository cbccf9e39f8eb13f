import Foundation
import QuayCodecs
import Testing

/// A ~HS reply as a Zebra sends it: string 1 carries paper out (field 2), pause (3), formats
/// in buffer (5) and buffer full (6); string 2 head up (3), ribbon out (4) and labels
/// remaining (9); string 3 the password and static RAM.
private func hostStatus(
    paperOut: String = "0", paused: String = "0", formats: String = "000", bufferFull: String = "0",
    headUp: String = "0", ribbonOut: String = "0", remaining: String = "00000000"
) -> [UInt8] {
    Array(
        ("\u{02}030,\(paperOut),\(paused),0250,\(formats),\(bufferFull),0,0,000,0,0,0\u{03}\r\n"
            + "\u{02}001,0,\(headUp),\(ribbonOut),0,2,0,0,\(remaining),1,000\u{03}\r\n"
            + "\u{02}1234,0\u{03}\r\n").utf8)
}

/// Feeds `input` to one Reader in every chunking that matters: all at once, byte by byte,
/// and in chunks of 2, 3 and 7 bytes; every chunking must give the same statuses (STYLE §1).
private func statuses(_ input: [UInt8]) throws -> [ZPLHostStatus] {
    var results: [[ZPLHostStatus]] = []
    for size in [input.count + 1, 1, 2, 3, 7] {
        var reader = ZPLHostStatus.Reader()
        var out: [ZPLHostStatus] = []
        var index = 0
        while index < input.count {
            let end = min(index + size, input.count)
            if let status = try reader.feed(Array(input[index..<end])) { out.append(status) }
            index = end
        }
        results.append(out)
    }
    for result in results.dropFirst() { #expect(result == results[0]) }
    return results[0]
}

@Suite struct ZPLHostStatusTests {
    @Test func readyPrinter() throws {
        let status = try ZPLHostStatus.parse(hostStatus())
        #expect(status == ZPLHostStatus())
        #expect(status.faults == [])
        #expect(try statuses(hostStatus()) == [ZPLHostStatus()])
    }

    @Test func paperOut() throws {
        let status = try ZPLHostStatus.parse(hostStatus(paperOut: "1"))
        #expect(status.paperOut && !status.paused && !status.headUp)
        #expect(status.faults == [.paperOut])
        #expect(try statuses(hostStatus(paperOut: "1")) == [status])
    }

    @Test func paused() throws {
        let status = try ZPLHostStatus.parse(hostStatus(paused: "1"))
        #expect(status.faults == [.paused])
        #expect(try statuses(hostStatus(paused: "1")) == [status])
    }

    @Test func headUp() throws {
        let status = try ZPLHostStatus.parse(hostStatus(headUp: "1"))
        #expect(status.headUp)
        #expect(status.faults == [.headUp])
        #expect(try statuses(hostStatus(headUp: "1")) == [status])
    }

    @Test func everythingAtOnceInFaultOrder() throws {
        let reply = hostStatus(
            paperOut: "1", paused: "1", formats: "003", bufferFull: "1", headUp: "1", ribbonOut: "1", remaining: "00000002")
        let status = try ZPLHostStatus.parse(reply)
        #expect(status == ZPLHostStatus(
            paperOut: true, paused: true, headUp: true, ribbonOut: true, bufferFull: true, formatsInBuffer: 3,
            labelsRemaining: 2))
        #expect(status.faults == [.paperOut, .paused, .headUp, .ribbonOut])
    }

    @Test func consecutiveRepliesInAnyChunking() throws {
        let input = hostStatus() + hostStatus(paperOut: "1") + hostStatus(headUp: "1", remaining: "00000010")
        for size in [1, 2, 3, 7, 100] {
            var reader = ZPLHostStatus.Reader()
            var seen: [ZPLHostStatus] = []
            var index = 0
            while index < input.count {
                let end = min(index + size, input.count)
                if let status = try reader.feed(Array(input[index..<end])) { seen.append(status) }
                index = end
            }
            #expect(seen.map(\.faults) == [[], [.paperOut], [.headUp]], "chunks of \(size)")
            #expect(seen.last?.labelsRemaining == 10)
        }
        // Fed all at once, the newest reply is the one returned.
        var reader = ZPLHostStatus.Reader()
        #expect(try reader.feed(input)?.faults == [.headUp])
    }

    @Test func aReplyWithoutCRLFAndWithExtraFields() throws {
        let reply = Array("\u{02}030,0,1,0250,000,0,0,0,000,0,0,0,9,9\u{03}\u{02}001,0,0,0,0,2,0,0,00000000,1,000,7\u{03}\u{02}1234,0\u{03}".utf8)
        #expect(try ZPLHostStatus.parse(reply).faults == [.paused])
    }

    @Test func malformedReplies() {
        let ready = hostStatus()
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("two strings", Array(ready.prefix(72))),
            ("garbage first", Array("X".utf8) + ready),
            ("garbage after", ready + Array("X".utf8)),
            ("a fourth string", ready + Array("\u{02}1\u{03}".utf8)),
            ("flag 2", hostStatus(paperOut: "2")),
            ("flag empty", hostStatus(paused: "")),
            ("count not a number", hostStatus(formats: "0x3")),
            ("too few fields", Array("\u{02}030,0,0\u{03}\r\n\u{02}001,0,0,0,0,2,0,0,00000000,1,000\u{03}\r\n\u{02}1234,0\u{03}\r\n".utf8)),
            ("STX inside a string", Array("\u{02}030,0\u{02}".utf8)),
            ("endless string", [0x02] + [UInt8](repeating: 0x30, count: 300)),
        ]
        for (name, bytes) in cases {
            #expect(throws: PrinterStatusError.self, "\(name)") { try ZPLHostStatus.parse(bytes) }
        }
        #expect(Array(ready.prefix(72)).suffix(3) == [0x03, 0x0D, 0x0A])  // the "two strings" case ends where it should
    }

    @Test func readerRecoversAfterAMalformedReply() throws {
        var reader = ZPLHostStatus.Reader()
        #expect(throws: PrinterStatusError.self) { try reader.feed(Array("\u{02}030,7".utf8) + [0x02]) }
        #expect(try reader.feed(hostStatus(paperOut: "1"))?.faults == [.paperOut])
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(throws: PrinterStatusError.malformed("~HS paper out flag is not 0 or 1: 2")) {
            try ZPLHostStatus.parse(hostStatus(paperOut: "2"))
        }
    }
}

@Suite struct ESCPOSStatusTests {
    @Test func allClear() throws {
        let status = try ESCPOSStatus.parse(printer: 0x12, offlineCause: 0x12, paperSensor: 0x12)
        #expect(status == ESCPOSStatus())
        #expect(status.faults == [])
    }

    @Test func eachBit() throws {
        #expect(try ESCPOSStatus.parse(printer: 0x1A, offlineCause: nil, paperSensor: nil) == ESCPOSStatus(offline: true))
        #expect(try ESCPOSStatus.parse(printer: 0x16, offlineCause: nil, paperSensor: nil) == ESCPOSStatus())  // drawer pin only
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: 0x16, paperSensor: nil) == ESCPOSStatus(coverOpen: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: 0x1A, paperSensor: nil) == ESCPOSStatus(paperFedByButton: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: 0x32, paperSensor: nil) == ESCPOSStatus(paperEnd: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: 0x52, paperSensor: nil) == ESCPOSStatus(error: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: nil, paperSensor: 0x1E) == ESCPOSStatus(paperNearEnd: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: nil, paperSensor: 0x16) == ESCPOSStatus(paperNearEnd: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: nil, paperSensor: 0x72) == ESCPOSStatus(paperEnd: true))
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: nil, paperSensor: nil) == ESCPOSStatus())
    }

    @Test func faultsInOrder() throws {
        let status = try ESCPOSStatus.parse(printer: 0x1A, offlineCause: 0x7E, paperSensor: 0x7E)
        #expect(status.paperFedByButton)
        #expect(status.faults == [.offline, .paperOut, .paperNearEnd, .coverOpen, .error])
        #expect(try ESCPOSStatus.parse(printer: nil, offlineCause: nil, paperSensor: 0x1E).faults == [.paperNearEnd])
    }

    @Test(arguments: [UInt8(0x00), 0xFF, 0x13, 0x92, 0x02, 0x10, 0x41])
    func malformedBytes(_ byte: UInt8) {
        #expect(throws: PrinterStatusError.self) { try ESCPOSStatus.parse(printer: byte, offlineCause: nil, paperSensor: nil) }
        #expect(throws: PrinterStatusError.self) { try ESCPOSStatus.parse(printer: 0x12, offlineCause: byte, paperSensor: nil) }
        #expect(throws: PrinterStatusError.self) { try ESCPOSStatus.parse(printer: nil, offlineCause: 0x12, paperSensor: byte) }
    }
}

@Suite struct LinePrinterStatusTests {
    @Test func portStatusBits() {
        let ready = LinePrinterStatus(rawValue: 0x18)
        #expect(ready.online && !ready.paperOut && !ready.error)
        #expect(ready.faults == [])
        #expect(LinePrinterStatus(rawValue: 0x38).faults == [.paperOut])
        #expect(LinePrinterStatus(rawValue: 0x30).faults == [.paperOut, .error])
        #expect(LinePrinterStatus(rawValue: 0x08).faults == [.offline])
        #expect(LinePrinterStatus(rawValue: 0x00).faults == [.offline, .error])
        #expect(LinePrinterStatus(rawValue: 0x10).faults == [.error])
        // Other bits (busy, acknowledge) do not matter.
        #expect(LinePrinterStatus(rawValue: 0xC7 | 0x18) == LinePrinterStatus(rawValue: 0x18))
        #expect(LinePrinterStatus(rawValue: 0xFF) == LinePrinterStatus(rawValue: 0x38))
    }
}

@Suite struct PrinterFaultTests {
    @Test func codesAndWords() {
        #expect(PrinterFault.allCases.map(\.rawValue) == [
            "offline", "paper_out", "paper_near_end", "paused", "head_up", "ribbon_out", "cover_open", "error", "no_reply",
        ])
        #expect(PrinterFault.paperOut.vietnamese == "hết giấy")
        #expect(PrinterFault.paperOut.english == "out of paper")
        for fault in PrinterFault.allCases {
            #expect(!fault.vietnamese.isEmpty && !fault.english.isEmpty)
            #expect(fault.vietnamese.unicodeScalars.elementsEqual(fault.vietnamese.precomposedStringWithCanonicalMapping.unicodeScalars))
        }
    }

    @Test func onlyNearEndLetsPrintingGoOn() {
        #expect(PrinterFault.allCases.filter { !$0.blocksPrinting } == [.paperNearEnd])
    }
}
