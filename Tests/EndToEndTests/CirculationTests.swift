import Foundation
import QuayTestSupport
import QuayClient
import QuayProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Loans through the real quay and quayd.
@Suite struct CirculationTests {
    func prepare(_ daemon: DaemonHarness, copies: Int = 10) throws {
        let intake = try daemon.quay(["intake", "--register", "STK", "--copies", "\(copies)", "--title", "Mắt biếc", "--author", "Nguyễn Nhật Ánh"])
        #expect(intake.status == 0, "\(intake.stderr)")
        for (card, name, className) in [("HS000001", "Nguyễn Văn An", "6A"), ("HS000002", "Lê Ư", "6A"), ("HS000003", "Trần Thị Bình", "7B")] {
            let added = try daemon.quay(["patron", "add", "--card", card, "--name", name, "--class", className])
            #expect(added.status == 0, "\(added.stderr)")
        }
    }

    @Test func aPupilBorrowsThreeReturnsOneRenewsOne() throws {
        let daemon = try DaemonHarness()
        try prepare(daemon)
        let lent = try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001", "STK.000002", "STK-3", "--lang", "vi"])
        #expect(lent.status == 0, "\(lent.stderr)")
        let lines = lent.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("Đã cho Nguyễn Văn An (HS000001) mượn STK.000001 «Mắt biếc», hạn trả "))
        let returned = try daemon.quay(["checkin", "STK.000002", "--lang", "vi"])
        #expect(returned.stdout == "Đã trả STK.000002 «Mắt biếc» của Nguyễn Văn An (HS000001)\n")
        let renewed = try daemon.quay(["renew", "STK.000003", "--json"])
        #expect(renewed.stdout.contains("\"renewed\":true"))
        #expect(renewed.stdout.contains("\"renewals\":1"))
        let loans = try daemon.quay(["loans", "--patron", "HS000001", "--json"])
        let reply = try object(Array(loans.stdout.trimmingCharacters(in: .newlines).utf8))
        guard case .array(let open)? = reply["result"]?.objectValue?["loans"] else {
            Issue.record("no loans in \(loans.stdout)")
            return
        }
        #expect(open.compactMap { $0.objectValue?["accession"]?.stringValue }.sorted() == ["STK.000001", "STK.000003"])
        // A second renewal is refused by the default policy; a return of a copy on the shelf is said.
        let again = try daemon.quay(["renew", "STK.000003"])
        #expect(again.status == 1 && again.stderr.contains("[renewal_limit]"))
        let notOut = try daemon.quay(["checkin", "STK.000009"])
        #expect(notOut.status == 1 && notOut.stderr.contains("[not_on_loan]"))
        // Someone else's book: refused, and nothing about the loan changes.
        let taken = try daemon.quay(["checkout", "--patron", "HS000002", "STK.000001"])
        #expect(taken.status == 1 && taken.stderr.contains("[item_on_loan]"))
    }

    @Test func twoClientsLendingTheSameItemAtOnceMakeOneLoan() throws {
        let daemon = try DaemonHarness()
        try prepare(daemon)
        let quay = binDirectory.appendingPathComponent("quay").path
        for round in 1...5 {
            let item = "STK.00000\(round)"
            let outputs = (0..<2).map { daemon.directory.appendingPathComponent("race\(round)-\($0)").path }
            let clients = try zip(["HS000001", "HS000002"], outputs).map { card, output in
                try ChildProcess(
                    quay, ["--socket", daemon.socketPath, "checkout", "--patron", card, item, "--json"],
                    environment: ProcessInfo.processInfo.environment, stdout: output, stderr: output + ".err")
            }
            let statuses = clients.map { $0.wait(timeout: 20) }
            #expect(statuses.sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 1], "round \(round): \(statuses)")
            let refused = try outputs.map { try String(contentsOfFile: $0, encoding: .utf8) }.filter { $0.contains("\"ok\":false") }
            #expect(refused.count == 1 && refused[0].contains("item_on_loan"))
        }
        let loans = try daemon.quay(["status", "--json"])
        #expect(loans.stdout.contains("\"loan\":5"))
    }

    /// Group commit (issue 14): pipelined loans and returns of the same copy, in one write,
    /// are acted on in the order they were sent, and a read behind them sees them all.
    @Test func pipelinedLoansAndReturnsOfOneCopyKeepTheirOrder() throws {
        let daemon = try DaemonHarness()
        try prepare(daemon)
        let connection = try QuayConnection(path: daemon.socketPath)
        var batch: [UInt8] = []
        for index in 0..<60 {
            let line =
                index % 2 == 0
                ? #"{"v":1,"id":\#(index),"op":"loan.checkout","args":{"patron":"HS000001","item":"STK.000004"}}"#
                // every third return is of a copy not on loan: refused, and nothing else moves
                : index % 3 == 0
                    ? #"{"v":1,"id":\#(index),"op":"loan.checkin","args":{"item":"STK.000005"}}"#
                    : #"{"v":1,"id":\#(index),"op":"loan.checkin","args":{"item":"STK.000004"}}"#
            batch += Array(line.utf8) + [0x0A]
        }
        batch += Array(#"{"v":1,"id":"last","op":"item.show","args":{"barcode":"STK.000004"}}"#.utf8) + [0x0A]
        try connection.send(batch)
        var held = false
        for index in 0..<60 {
            let reply = try object(try #require(try connection.readLine()))
            #expect(reply["id"] == .int(Int64(index)), "replies in the order of the requests")
            let ok = reply["ok"] == .bool(true)
            if index % 2 == 0 {
                // lent, or renewed when the return before it was refused
                #expect(ok, "\(index): \(reply)")
                held = true
            } else if index % 3 == 0 {
                #expect(reply["error"]?.objectValue?["code"] == .string("not_on_loan"), "\(index): \(reply)")
            } else {
                #expect(ok, "\(index): \(reply)")
                held = false
            }
        }
        let last = try object(try #require(try connection.readLine()))
        #expect(last["id"] == .string("last"))
        #expect(last["result"]?.objectValue?["status"] == .string(held ? "on_loan" : "available"), "\(last)")
    }

    @Test func overdueLoansAreListedByClass() throws {
        let daemon = try DaemonHarness()
        try prepare(daemon)
        #expect(try daemon.quay(["checkout", "--patron", "HS000003", "STK.000004"]).status == 0)
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001", "STK.000002"]).status == 0)
        #expect(try daemon.quay(["checkout", "--patron", "HS000002", "STK.000003"]).status == 0)
        #expect(try daemon.quay(["loans", "--overdue", "--lang", "en"]).stdout == "No loans.\n")
        // Three weeks pass: stop quayd, move the due dates back, start it again.
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let database = daemon.directory.appendingPathComponent("quay.sqlite").path
        let shifted = try runProgram(
            "/usr/bin/sqlite3",
            [database, "UPDATE loan SET due_at = strftime('%Y-%m-%dT%H:%M:%SZ', due_at, '-21 days') WHERE id IN (1, 2, 4);"])
        #expect(shifted.status == 0, "\(shifted.stderr)")
        try daemon.launch()
        let overdue = try daemon.quay(["loans", "--overdue", "--lang", "vi"])
        let rows = overdue.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 4, "\(overdue.stdout)")
        #expect(rows[0].hasPrefix("Lớp  Bạn đọc"))
        #expect(rows[1].hasPrefix("6A   Nguyễn Văn An (HS000001)  STK.000001"))
        #expect(rows[2].hasPrefix("6A   Lê Ư (HS000002)           STK.000003"))
        #expect(rows[3].hasPrefix("7B   Trần Thị Bình (HS000003)  STK.000004"))
        #expect(rows[1].hasSuffix("ngày"))
        // The overdue pupil may not borrow more until the book is back.
        let blocked = try daemon.quay(["checkout", "--patron", "HS000003", "STK.000009"])
        #expect(blocked.status == 1 && blocked.stderr.contains("[borrower_has_overdue]"))
    }

    @Test func aKilledDaemonKeepsEveryAcknowledgedLoan() throws {
        let daemon = try DaemonHarness()
        let intake = try daemon.quay(["intake", "--register", "TN", "--copies", "2000", "--title", "Dế Mèn phiêu lưu ký"])
        #expect(intake.status == 0)
        #expect(try daemon.quay(["class", "add", "6A"]).status == 0)
        let connection = try QuayConnection(path: daemon.socketPath)
        let batch: [UInt8] = (1...2000).flatMap { number in
            Array(#"{"v":1,"id":\#(number),"op":"loan.checkout","args":{"class":"6A","item":"TN.\#(String(format: "%06d", number))"}}"#.utf8) + [10]
        }
        // Write on another thread while this one reads, so neither side's buffer can stall.
        let writer = Thread { try? connection.send(batch) }
        writer.start()
        var acknowledged: [Int64] = []
        while let line = try? connection.readLine() {
            let reply = try object(line)
            if reply["ok"] == true, case .int(let id)? = reply["id"] { acknowledged.append(id) }
            if acknowledged.count == 300 { daemon.signal(SIGKILL) }
        }
        #expect(acknowledged.count >= 300)
        #expect(daemon.waitForExit() != 0)
        // Restarted on the same database: every acknowledged loan is there.
        try daemon.launch()
        let check = try runProgram(
            "/usr/bin/sqlite3", [daemon.directory.appendingPathComponent("quay.sqlite").path, "PRAGMA integrity_check;"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        let listing = try daemon.quay(["loans", "--class", "6A", "--json", "--limit", "10000"])
        let reply = try object(Array(listing.stdout.trimmingCharacters(in: .newlines).utf8))
        guard case .array(let loans)? = reply["result"]?.objectValue?["loans"] else {
            Issue.record("no loans")
            return
        }
        let lent = Set(loans.compactMap { $0.objectValue?["accession"]?.stringValue })
        let missing = acknowledged.filter { !lent.contains(String(format: "TN.%06d", $0)) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        #expect(lent.count >= acknowledged.count)
    }
}
