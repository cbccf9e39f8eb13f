import CQuayShims
import Foundation
import QuayClient
import QuayCodecs

#if canImport(Glibc)
import Glibc
#endif

/// SPEC §14 "scan to committed loan": from the first byte of a scan written into the desk's
/// scanner (a FIFO carrying evdev records, as a keyboard wedge sends them) to the `desk.lent`
/// event read on a subscribed connection — decoding, the scan log's durable append, the
/// checkout's transaction, the outcome's write and the event all inside.
func scanToLoan(directory: String, card: String, copies: ClosedRange<Int>) throws -> Samples {
    let events = try QuayConnection(path: "\(directory)/quay.sock")
    _ = try events.callRaw(op: "events.subscribe", args: ["topics": ["desk"]])
    let writer = open("\(directory)/scanner.fifo", O_WRONLY)
    guard writer >= 0 else { throw ClientError.closed }
    defer { close(writer) }
    var clock: Int64 = 1_700_000_000_000_000
    func scan(_ code: String, until outcome: String) throws {
        clock += 1_000_000
        let records = try EvdevKeystrokes.records(for: code, at: EventTime(microseconds: clock))
        _ = records.withUnsafeBytes { quay_write_all(writer, $0.baseAddress, $0.count) }
        let marker = Array("\"scan\":\"\(code)\"".utf8)
        let wanted = Array("\"outcome\":\"\(outcome)\"".utf8)
        while let line = try events.readLine() {
            if line.contains(marker) && line.contains(wanted) { return }
            if line.contains(marker) && line.contains(Array("\"level\":\"error\"".utf8)) {
                FileHandle.standardError.write(Data("quay-bench: scan refused: \(String(decoding: line, as: UTF8.self))\n".utf8))
                throw ClientError.closed
            }
        }
        throw ClientError.closed
    }
    try scan(card, until: "session_opened")
    var samples: [UInt64] = []
    for number in copies {
        let start = now()
        try scan(barcode(number), until: "lent")
        samples.append(now() - start)
    }
    return Samples(Array(samples.dropFirst(50)))
}

extension Array where Element == UInt8 {
    func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
