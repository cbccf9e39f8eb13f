import Foundation
import QuayClient
import QuayProtocol
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile frames for a real quayd: wrong types for every op's arguments, hostile values of the
/// right types, invalid UTF-8, NULs, huge numbers, deep nesting, broken JSON (issue 13).
struct HostileFrames {
    /// Seeded (`QUAY_FUZZ_SEED`), so a run can be had again.
    var random: SplitMix64

    /// Every field name an op's arguments have, and a few no op has.
    static let fields = [
        "register", "copies", "title", "authors", "isbn", "class_number", "author_mark", "publisher", "year", "price", "source",
        "doc", "location", "received_on", "kind", "grade", "subject", "note", "print", "printer", "id", "query", "limit", "barcode",
        "from", "to", "card", "name", "class", "school_year", "csv", "teacher", "patron", "item", "items", "overdue", "code",
        "units", "quantity", "value", "expires_on", "tracking", "unit", "room", "grades", "period", "date", "quantities", "lesson",
        "consumed", "lost", "condition", "topics", "since", "desk", "mode", "scope", "session", "category", "after", "scans",
        "template", "fields", "entries", "dpi", "file", "keys", "key", "data", "job", "all", "state", "copies ", "", "\u{1F600}",
    ]

    /// The ops, less `events.subscribe` (it turns the connection into an event stream, which
    /// the reply count of a batch cannot follow; the watcher tests cover it).
    static let ops = Op.allCases.filter { $0 != .eventsSubscribe }.map(\.rawValue) + ["loan.teleport", "", "PING", "ping "]

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    /// A JSON text of a hostile value (already encoded, since some are not what JSONEncoder makes).
    mutating func value(depth: Int = 0) -> String {
        switch Int.random(in: 0..<16, using: &random) {
        case 0: return pick(["0", "-1", "1", "2", "100000", "100001", "9223372036854775807", "-9223372036854775808"])
        case 1: return pick(["9223372036854775808", "-9223372036854775809", "1e308", "-1e308", "1.5", "1e-400", "123456789012345678901234567890"])
        case 2: return pick(["true", "false", "null"])
        case 3: return pick([#""""#, #"" ""#, #""STK""#, #""STK.000001""#, #""HS000001""#, #""6A""#, #""2026-11-20""#, #""20/11/2026""#])
        case 4: return pick([#""\u0000""#, #""a\u0000b""#, #""\u001b[31mred\u0007""#, #""tab\there""#, #""line\nbreak""#, #""\u007f\u009b""#])
        case 5: return pick([#""\ud800""#, #""\udc00x""#, #""\uD83D\uDE00""#, #""e\u0301""#, #""Nguye\u0302\u0303n""#, #""\u202Eabc""#])
        case 6: return "\"" + String(repeating: pick(["x", "ễ", "\\u0041", "%"]), count: Int.random(in: 100...20_000, using: &random)) + "\""
        case 7:
            let count = Int.random(in: 0...4, using: &random)
            return "[" + (0..<count).map { _ in depth < 4 ? value(depth: depth + 1) : "1" }.joined(separator: ",") + "]"
        case 8: return depth < 4 ? object(depth: depth + 1) : "{}"
        case 9:
            let depth = pick([10, 100, 600, 5000])
            return String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        case 10: return pick([#""*""#, #""KE-A*""#, #""location=KE-A01""#, #""register=STK""#, #""quầy-1""#, #""checkin""#])
        case 11: return pick([#""[=]\n""#, #""name = \"x\"\nwidth_mm = 1e9\n""#, #""card,name\nHS000001,An\n""#, #""card\n\n\n""#])
        case 12: return pick([#"["STK.000001","STK.000001"]"#, #"{"HC1":4}"#, #"[{"code":"X","consumed":-1}]"#, #"[{"item":"TB.000001","condition":"lost"}]"#])
        case 13: return "\"" + String(repeating: "\\", count: 2 * Int.random(in: 0...50, using: &random)) + "\""
        default: return String(Int.random(in: -5...200_000, using: &random))
        }
    }

    mutating func object(depth: Int = 0) -> String {
        let count = Int.random(in: 0...6, using: &random)
        let members = (0..<count).map { _ -> String in
            let key = pick(Self.fields)
            let encoded = String(data: try! JSONEncoder().encode(key), encoding: .utf8)!
            return encoded + ":" + value(depth: depth)
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// One frame, without its newline; never blank, never holding a line feed.
    mutating func frame(index: Int) -> [UInt8] {
        let id = chance(90) ? "\"f\(index)\"" : pick(["9223372036854775808", "1.5", "{}", "[1]", "null", "-0", "\"\""])
        let op = pick(Self.ops)
        let envelope = #"{"v":1,"id":\#(id),"op":"\#(op)","args":\#(chance(85) ? object() : value())\#(chance(10) ? #","lang":"vi""# : "")}"#
        var bytes = Array(envelope.utf8)
        switch Int.random(in: 0..<20, using: &random) {
        case 0:  // invalid UTF-8 inside the frame
            let at = Int.random(in: 0..<bytes.count, using: &random)
            bytes.insert(contentsOf: pick([[0xFF], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]]), at: at)
        case 1:  // truncated
            bytes = Array(bytes.prefix(Int.random(in: 1..<bytes.count, using: &random)))
        case 2:  // a raw NUL or control byte
            bytes.insert(pick([0x00, 0x01, 0x1B, 0x0D, 0x7F]), at: Int.random(in: 0..<bytes.count, using: &random))
        case 3:  // not an object at all
            bytes = Array(pick(["[1,2]", "\"ping\"", "42", "null", "{", "}", "{\"v\":1,\"v\":2,\"id\":1,\"op\":\"ping\"}", "\u{FEFF}{}"]).utf8)
        case 4:  // deep nesting in a field nobody reads
            let depth = pick([100, 513, 2000])
            bytes = Array(#"{"v":1,"id":"f\#(index)","op":"ping","x":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: depth)
                + Array(repeating: UInt8(ascii: "]"), count: depth) + [UInt8(ascii: "}")]
        case 5:  // the version and envelope fields with wrong types
            bytes = Array(#"{"v":\#(value()),"id":\#(value()),"op":\#(value()),"lang":\#(value())}"#.utf8)
        default: break
        }
        // A line feed would split the frame; a frame of only spaces is no request.
        bytes = bytes.map { $0 == 0x0A ? 0x20 : $0 }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { bytes = Array("{}".utf8) }
        if bytes.last == 0x0D { bytes.append(0x20) }
        return bytes
    }
}

/// A real quayd and at least 10,000 hostile frames in batches; after each batch it must still
/// answer and its database pass `integrity_check` (issue 13).
@Suite struct ProtocolFuzzTests {
    @Test func tenThousandHostileFramesLeaveItServingAndTheDatabaseWhole() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["QUAY_FUZZ_SEED"] ?? "") ?? 20_261_201
        let frameCount = Int(ProcessInfo.processInfo.environment["QUAY_FUZZ_FRAMES"] ?? "") ?? 10_000
        var generator = HostileFrames(random: SplitMix64(seed: seed))
        let daemon = try DaemonHarness()
        let database = daemon.directory.appendingPathComponent("quay.sqlite").path
        // Something to act on: a title, a patron, equipment.
        _ = try daemon.quay(["intake", "--register", "STK", "--copies", "5", "--title", "Mắt biếc"])
        _ = try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Lê Ư", "--class", "6A"])
        _ = try daemon.quay(["equipment", "add", "--code", "HC1", "--name", "Cồn", "--quantity", "50"])

        let batch = 500
        var sent = 0
        var replies = 0
        var internalErrors: [String] = []
        var oversized = 0
        while sent < frameCount {
            let connection = try QuayConnection(path: daemon.socketPath)
            var frames = (0..<batch).map { generator.frame(index: sent + $0) }
            // Now and then a frame over the limit, answered with frame_too_large.
            if generator.chance(20) {
                frames[0] = Array(repeating: UInt8(ascii: "x"), count: maxFrameLength + 10)
                oversized += 1
            }
            // Written from one thread while this one reads, since quayd stops reading a client
            // that does not read its replies.
            let outgoing = frames
            let writer = Thread {
                for frame in outgoing { try? connection.send(frame + [0x0A]) }
            }
            writer.start()
            var lines: [[UInt8]] = []
            for _ in frames {
                guard let line = try connection.readLine() else { break }
                lines.append(line)
            }
            #expect(lines.count == frames.count, "batch at \(sent): \(lines.count) replies to \(frames.count) frames (seed \(seed))")
            var lastIndex = -1
            for line in lines {
                guard case .object(let reply)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line)), reply["ok"] != nil,
                    reply.keys.contains("id")
                else {
                    Issue.record("not a reply: \(String(decoding: line.prefix(300), as: UTF8.self)) (seed \(seed))")
                    continue
                }
                if case .string(let id)? = reply["id"], id.hasPrefix("f"), let index = Int(id.dropFirst()) {
                    #expect(index > lastIndex, "reply \(id) out of order (seed \(seed))")
                    lastIndex = index
                }
                if reply["error"]?.objectValue?["code"] == "internal" {
                    internalErrors.append(String(decoding: line.prefix(300), as: UTF8.self))
                }
            }
            sent += frames.count
            replies += lines.count
            // Still serving, and the database whole.
            let ping = try QuayConnection(path: daemon.socketPath).callRaw(op: "ping", args: Optional<Int>.none)
            #expect(try object(ping)["ok"] == .bool(true))
            let check = try runProgram("/usr/bin/sqlite3", [database, "PRAGMA integrity_check;"])
            #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "after \(sent) frames: \(check.stdout)")
            if daemon.process?.isRunning != true { break }
        }
        let running = daemon.process?.isRunning == true
        print(
            "protocol fuzz: seed \(seed), \(sent) frames sent (\(oversized) over 1 MiB), \(replies) replies, crashes \(running ? 0 : 1), "
                + "internal errors \(internalErrors.count), integrity ok")
        #expect(running, "quayd stopped: \(daemon.log.suffix(2000))")
        #expect(sent >= 10_000 || frameCount < 10_000)
        #expect(replies == sent)
        #expect(internalErrors.isEmpty, "\(internalErrors.prefix(5))")
    }
}
