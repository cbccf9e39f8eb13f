import Foundation
import QuayClient
import QuayProtocol
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Faults around a real quayd (issue 13): killed mid-stream, the disk full, the file system
/// read-only, a printer that never reads. Each must end in clear refusals and no lost or
/// half-written data.
@Suite(.serialized) struct FaultTests {
    /// Replies to pipelined checkouts, item by item; the daemon is killed once `killAfter`
    /// of them are acknowledged. Returns the items whose loans were acknowledged.
    func checkouts(_ daemon: DaemonHarness, items: [String], patrons: [String], killAfter: Int) throws -> [String] {
        let connection = try QuayConnection(path: daemon.socketPath)
        var lines: [[UInt8]] = []
        for (item, card) in zip(items, patrons) {
            var request = Array(#"{"v":1,"id":"\#(item)","op":"loan.checkout","args":{"patron":"\#(card)","item":"\#(item)"}}"#.utf8)
            request.append(0x0A)
            lines.append(request)
        }
        let requests = lines
        let writer = Thread {
            for line in requests { try? connection.send(line) }
        }
        writer.start()
        var acknowledged: [String] = []
        while let line = try? connection.readLine() {
            guard let reply = try? object(line), reply["ok"] == .bool(true), case .string(let item)? = reply["id"] else { continue }
            acknowledged.append(item)
            if acknowledged.count == killAfter { daemon.signal(SIGKILL) }
        }
        return acknowledged
    }

    @Test func sigkillAtTwentyPointsLosesNoAcknowledgedLoan() throws {
        let daemon = try DaemonHarness()
        let perRound = 100
        let rounds = 20
        let total = perRound * rounds
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "\(total)", "--title", "Tắt đèn"]).status == 0)
        let cards = (1...total).map { String(format: "HS%06d", $0) }
        let csv = "card,name,class\n" + cards.map { "\($0),Học sinh \($0),6A" }.joined(separator: "\n") + "\n"
        let client = try QuayConnection(path: daemon.socketPath)
        let imported = try object(client.callRaw(op: "patron.import", args: JSONValue.object(["csv": .string(csv)])))
        #expect(imported["result"]?.objectValue?["imported"] == .int(Int64(total)), "\(imported)")
        let database = daemon.directory.appendingPathComponent("quay.sqlite").path
        var acknowledgedTotal = 0
        var missingTotal = 0
        for round in 0..<rounds {
            let items = (0..<perRound).map { String(format: "STK.%06d", round * perRound + $0 + 1) }
            let patrons = Array(cards[(round * perRound)..<((round + 1) * perRound)])
            // Twenty kill points spread over the stream: after 1, 6, 11 … 96 acknowledged loans.
            let killAfter = 1 + round * 5
            let acknowledged = try checkouts(daemon, items: items, patrons: patrons, killAfter: killAfter)
            #expect(daemon.waitForExit(timeout: 10) != nil, "round \(round): quayd was not killed")
            #expect(acknowledged.count >= killAfter, "round \(round): \(acknowledged.count) acknowledged")
            let list = acknowledged.map { "'\($0)'" }.joined(separator: ",")
            let found = try runProgram(
                "/usr/bin/sqlite3",
                [database, "SELECT count(*) FROM loan JOIN item ON item.id = loan.item_id WHERE loan.returned_at IS NULL AND item.barcode IN (\(list));"])
            let onLoan = Int(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            acknowledgedTotal += acknowledged.count
            missingTotal += acknowledged.count - onLoan
            let check = try runProgram("/usr/bin/sqlite3", [database, "PRAGMA integrity_check;"])
            #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "round \(round): \(check.stdout)")
            try daemon.launch()
        }
        print("kill test: \(rounds) kill points, \(acknowledgedTotal) loans acknowledged, \(missingTotal) missing")
        #expect(missingTotal == 0)
    }

    /// A file system of its own under the database: mounted small, filled, read-only.
    final class SmallFileSystem {
        let path: String
        init(megabytes: Int) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-fs-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mount = try runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", path])
            try #require(mount.status == 0, "cannot mount a tmpfs (the fault tests run as root): \(mount.stderr)")
        }
        func remount(_ options: String) throws {
            let result = try runProgram("/bin/mount", ["-o", "remount,\(options)", path])
            try #require(result.status == 0, "\(result.stderr)")
        }
        /// Fills the file system up; returns the filler's path.
        func fill() throws -> String {
            let filler = path + "/filler"
            _ = try runProgram("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])
            return filler
        }
        deinit {
            _ = try? runProgram("/bin/umount", ["-l", path])
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    func counts(_ daemon: DaemonHarness) throws -> [String: JSONValue] {
        let status = try object(QuayConnection(path: daemon.socketPath).callRaw(op: "status", args: Optional<Int>.none))
        return status["result"]?.objectValue?["database"]?.objectValue?["counts"]?.objectValue ?? [:]
    }

    @Test func aFullDiskRefusesWithItsCodeWritesNothingAndServesAgainWhenSpaceReturns() throws {
        let disk = try SmallFileSystem(megabytes: 8)
        let daemon = try DaemonHarness(start: false)
        let database = disk.path + "/quay.sqlite"
        try daemon.launch(arguments: ["--config", daemon.configURL.path, "--database", database])
        try daemon.waitUntilServing()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "10", "--title", "Trước đầy"]).status == 0)
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Lê Ư"]).status == 0)
        let before = try counts(daemon)

        let filler = try disk.fill()
        var codes: [String: Int] = [:]
        let client = try QuayConnection(path: daemon.socketPath)
        for index in 0..<20 {
            let intake = try object(
                client.callRaw(op: "intake", args: JSONValue.object(["register": "STK", "copies": 2000, "title": .string("Khi đầy \(index)")])))
            codes[errorCode(intake) ?? "ok", default: 0] += 1
            let loan = try object(client.callRaw(op: "loan.checkout", args: JSONValue.object(["patron": "HS000001", "item": .string(String(format: "STK.%06d", index % 10 + 1))])))
            codes[errorCode(loan) ?? "ok", default: 0] += 1
        }
        print("disk full: replies by code \(codes)")
        #expect(codes["disk_full", default: 0] > 0, "\(codes)")
        #expect(codes["internal", default: 0] == 0, "\(codes)")
        // Reading still works, and the refused intakes left nothing behind.
        let during = try daemon.quay(["item", "show", "STK.000001"])
        #expect(during.status == 0, "\(during.stderr)")
        let refused = try counts(daemon)
        #expect(refused["record"] == before["record"] || codes["ok", default: 0] > 0, "\(refused)")
        #expect(try daemon.quay(["status"]).status == 0)

        try FileManager.default.removeItem(atPath: filler)
        let after = try daemon.quay(["intake", "--register", "STK", "--copies", "3", "--title", "Sau khi dọn"])
        #expect(after.status == 0, "serving again once space returns: \(after.stderr)")
        let check = try runProgram("/usr/bin/sqlite3", [database, "PRAGMA integrity_check;"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        // Every record has all its copies: no intake was half-written.
        let partial = try runProgram(
            "/usr/bin/sqlite3",
            [database, "SELECT count(*) FROM batch b WHERE b.copies <> (SELECT count(*) FROM item i WHERE i.batch_id = b.id);"])
        #expect(partial.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    /// A file system that went read-only (an SD card or a disk with errors does): Linux will not
    /// remount it under open files, so it meets quayd at start. quayd says so plainly and does
    /// not start; once it is writable again, everything is there.
    @Test func aReadOnlyDatabaseIsSaidPlainlyAndNothingIsLost() throws {
        let disk = try SmallFileSystem(megabytes: 16)
        let daemon = try DaemonHarness(start: false)
        let database = disk.path + "/quay.sqlite"
        let arguments = ["--config", daemon.configURL.path, "--database", database]
        try daemon.launch(arguments: arguments)
        try daemon.waitUntilServing()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "5", "--title", "Số đỏ"]).status == 0)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        try disk.remount("ro")
        let refused = try runProgram(binDirectory.appendingPathComponent("quayd").path, arguments)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("Cơ sở dữ liệu đang chỉ đọc") && refused.stderr.contains("The database is read-only"), "\(refused.stderr)")

        try disk.remount("rw")
        try daemon.launch(arguments: arguments)
        try daemon.waitUntilServing()
        let shown = try daemon.quay(["item", "show", "STK.000005"])
        #expect(shown.status == 0 && shown.stdout.contains("Số đỏ"), "\(shown.stderr)")
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Sau"]).status == 0)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func aPrinterThatAcceptsAndNeverReadsHoldsItsJobAndNothingElse() throws {
        // A listener on 127.0.0.1 that accepts every connection and never reads a byte.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        listen(listener, 16)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let acceptor = Thread {
            var held: [Int32] = []
            while true {
                let fd = accept(listener, nil, nil)
                if fd < 0 { break }
                held.append(fd)  // kept open, never read
            }
            for fd in held { close(fd) }
        }
        acceptor.start()

        let daemon = try DaemonHarness(
            extraConfig: "[printing]\nretry_min_ms = 200\nretry_max_ms = 400\n\n[[printer]]\nname = \"zebra\"\nlanguage = \"zpl\"\n"
                + "address = \"tcp://127.0.0.1:\(port)\"\ntimeout_ms = 500\n")
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "20", "--title", "Chí Phèo"]).status == 0)
        #expect(try daemon.quay(["print", "spine"] + (1...20).map { String(format: "STK.%06d", $0) }).status == 0)
        usleep(2_000_000)
        // The jobs wait with a reason; the desk goes on meanwhile.
        let jobs = try daemon.quay(["jobs", "--json"])
        #expect(jobs.status == 0 && !jobs.stdout.contains(#""state":"done""#), "\(jobs.stdout.prefix(500))")
        let printers = try daemon.quay(["printers", "--lang", "en"])
        print("printer that never reads: \(printers.stdout.split(separator: "\n").prefix(3).joined(separator: " | "))")
        #expect(printers.stdout.contains("zebra") && !printers.stdout.contains("ready"), "\(printers.stdout)")
        let started = Date()
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Lê Ư"]).status == 0)
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001"]).status == 0)
        #expect(Date().timeIntervalSince(started) < 2, "the desk waited on the printer")
        // And it stops cleanly with the printer still hanging.
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 15) == 0, "\(daemon.log.suffix(1500))")
        shutdown(listener, Int32(SHUT_RDWR))
    }
}
