import Foundation
import QuayClient
import QuayCodecs
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A SIP2 kiosk as a test drives it: messages written as bytes over `SIP2Connection`, replies
/// read to their CR. Checksums are computed here from the bytes, as the spec says,
/// independently of quayd's codec.
final class KioskClient {
    let connection: SIP2Connection

    init(port: Int) throws { connection = try SIP2Connection(port: port) }

    /// `text` with `AY`n`AZ` and its checksum appended.
    static func withChecksum(_ text: String, sequence: Int = 0) -> [UInt8] {
        let body = Array((text + "AY\(sequence)AZ").utf8)
        let sum = body.reduce(UInt16(0)) { $0 &+ UInt16($1) }
        return body + Array(String(format: "%04X", ~sum &+ 1).utf8)
    }

    func send(_ bytes: [UInt8], terminator: [UInt8] = [13]) { connection.send(bytes + terminator) }

    func receive() -> [UInt8]? { connection.receive() }

    /// Sends `text` (with a checksum unless told not to) and returns the reply as text.
    func call(_ text: String, checksum: Bool = true, sequence: Int = 0, terminator: [UInt8] = [13]) -> String? {
        send(checksum ? Self.withChecksum(text, sequence: sequence) : Array(text.utf8), terminator: terminator)
        return receive().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the reply's checksum is the sum of its bytes.
    static func checksumHolds(_ reply: [UInt8]) -> Bool {
        guard reply.count > 6, reply[reply.count - 6] == UInt8(ascii: "A"), reply[reply.count - 5] == UInt8(ascii: "Z") else { return false }
        let sum = reply.dropLast(4).reduce(UInt16(0)) { $0 &+ UInt16($1) }
        return String(format: "%04X", ~sum &+ 1) == String(decoding: reply.suffix(4), as: UTF8.self)
    }
}

/// A field's value in a reply: `AF…|`.
func field(_ id: String, in reply: String?) -> String? {
    guard let reply, let range = reply.range(of: "|" + id) ?? reply.range(of: id, options: .anchored, range: reply.startIndex..<reply.endIndex) else {
        return nil
    }
    let rest = reply[range.upperBound...]
    return String(rest.prefix { $0 != "|" })
}

/// quayd's SIP2 listener driven by a kiosk over TCP (issue 19).
@Suite struct SIP2Tests {
    /// A quayd with a SIP2 listener on a free port, an account `kiosk`/`bí-mật`, two patrons
    /// (HS000001 with PIN 1234), and copies STK.000001–4.
    static func kioskDaemon(account: String = "", extra: String = "") throws -> (DaemonHarness, Int) {
        let daemon = try DaemonHarness(start: false)
        let hashed = try runProgram(binDirectory.appendingPathComponent("quayd").path, ["--hash-password"], stdin: "bí-mật\n")
        let hash = hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hash.hasPrefix("$argon2id$"), "\(hashed.stderr)")
        let sip2 = """
            [sip2]
            listen = "127.0.0.1:0"
            login_timeout_seconds = 5
            \(extra)

            [[sip2_account]]
            login = "kiosk"
            password_hash = "\(hash)"
            institution = "THCS-PC"
            desk = "tu-muon"
            \(account)
            """
        try DaemonHarness.config(directory: daemon.directory, extra: sip2).write(to: daemon.configURL, atomically: true, encoding: .utf8)
        try daemon.launch()
        #expect(daemon.waitForLog("SIP2 listening"), "\(daemon.log)")
        let port = Int(daemon.log.components(separatedBy: "sip2.port=").last?.prefix { $0.isNumber } ?? "") ?? 0
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "Dế Mèn phiêu lưu ký"]).status == 0)
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "Truyện Kiều"]).status == 0)
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Nguyễn Văn An", "--class", "6A"]).status == 0)
        #expect(try daemon.quay(["patron", "add", "--card", "HS000002", "--name", "Lê Thị Bình", "--class", "6A"]).status == 0)
        let pin = try daemon.quay(["patron", "pin", "HS000001", "--pin", "1234", "--lang", "vi"])
        #expect(pin.status == 0 && pin.stdout.contains("Đã đặt mã PIN cho HS000001"), "\(pin.stderr)")
        return (daemon, port)
    }

    func sqlite(_ daemon: DaemonHarness, _ sql: String) throws -> String {
        try runProgram("/usr/bin/sqlite3", [daemon.directory.appendingPathComponent("quay.sqlite").path, sql]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    let date = "20261201    093000"

    @Test func aKioskLogsInLendsRenewsReturnsAndEndsTheSession() throws {
        let (daemon, port) = try Self.kioskDaemon()
        let kiosk = try KioskClient(port: port)
        let login = kiosk.call("9300CNkiosk|CObí-mật|CPtu-muon|", sequence: 1)
        #expect(login?.hasPrefix("941AY1AZ") == true, "\(login ?? "nil")")
        #expect(login.map { KioskClient.checksumHolds(Array($0.utf8)) } == true)

        let status = kiosk.call("9900302.00")
        #expect(status?.hasPrefix("98YYYYNY030003") == true && status?.contains("2.00AOTHCS-PC|AMTrường Thử|") == true, "\(status ?? "nil")")
        #expect(field("BX", in: status) == "YYYYYYYYYNYNNNYY", "\(status ?? "")")
        #expect(field("AN", in: status) == "tu-muon")

        let patron = kiosk.call("23000\(date)AOTHCS-PC|AAHS000001|AC|AD1234|")
        #expect(patron?.hasPrefix("24              000") == true, "\(patron ?? "nil")")
        #expect(field("AE", in: patron) == "Nguyễn Văn An" && field("BL", in: patron) == "Y" && field("CQ", in: patron) == "Y")

        let lent = kiosk.call("11NN\(date)                  AOTHCS-PC|AAHS000001|ABSTK.000001|AC|AD1234|")
        #expect(lent?.hasPrefix("121NNY") == true, "\(lent ?? "nil")")
        #expect(field("AJ", in: lent) == "Dế Mèn phiêu lưu ký" && field("AF", in: lent)?.hasPrefix("Đã mượn: Dế Mèn phiêu lưu ký, hạn trả ") == true)
        #expect(field("AH", in: lent)?.count == 18 && field("AH", in: lent)?.hasSuffix("235959") == true, "\(lent ?? "")")
        #expect(try sqlite(daemon, "SELECT desk FROM loan WHERE returned_at IS NULL;") == "tu-muon")

        let renewed = kiosk.call("29NN\(date)                  AOTHCS-PC|AAHS000001|AD1234|ABSTK.000001|")
        #expect(renewed?.hasPrefix("301YNY") == true, "\(renewed ?? "nil")")
        #expect(field("AF", in: renewed)?.hasPrefix("Đã gia hạn: Dế Mèn") == true)

        let information = kiosk.call("63000\(date)  Y       AOTHCS-PC|AAHS000001|AD1234|")
        #expect(information?.hasPrefix("64              000") == true, "\(information ?? "nil")")
        // hold 0000, overdue 0000, charged 0001, fines, recalls, unavailable holds.
        #expect(information.map { Array($0)[37..<61].map(String.init).joined() } == "000000000001000000000000", "\(information ?? "")")
        #expect(field("AU", in: information) == "STK.000001")

        let item = kiosk.call("17\(date)AOTHCS-PC|ABSTK.000001|")
        #expect(item?.hasPrefix("18040001") == true && field("AJ", in: item) == "Dế Mèn phiêu lưu ký", "\(item ?? "nil")")
        #expect(field("AH", in: item)?.hasSuffix("235959") == true)

        let returned = kiosk.call("09N\(date)\(date)AP|AOTHCS-PC|ABSTK.000001|AC|")
        #expect(returned?.hasPrefix("101YNN") == true, "\(returned ?? "nil")")
        #expect(field("AA", in: returned) == "HS000001" && field("AF", in: returned) == "Đã trả: Dế Mèn phiêu lưu ký")

        let end = kiosk.call("35\(date)AOTHCS-PC|AAHS000001|")
        #expect(end?.hasPrefix("36Y") == true && field("AF", in: end) == "Cảm ơn, hẹn gặp lại!", "\(end ?? "nil")")

        // The same transactions as the desk's: in the scan log as the account's desk.
        #expect(try sqlite(daemon, "SELECT count(*) FROM loan WHERE returned_at IS NOT NULL;") == "1")
        let scans = try daemon.quay(["scans", "--desk", "tu-muon", "--json"])
        #expect(scans.stdout.contains(#""scanner":"sip2:kiosk""#) && scans.stdout.contains(#""outcome":"lent""#)
            && scans.stdout.contains(#""outcome":"returned""#), "\(scans.stdout)")
    }

    @Test func refusalsCarryTheFieldsAKioskNeedsAndWriteNothing() throws {
        let (daemon, port) = try Self.kioskDaemon()
        // A wrong password: 940, and after three the connection closes.
        let stranger = try KioskClient(port: port)
        for _ in 0..<2 { #expect(stranger.call("9300CNkiosk|COsai|CP|")?.hasPrefix("940") == true) }
        #expect(stranger.call("9300CNkiosk|COsai|CP|")?.hasPrefix("940") == true)
        #expect(stranger.receive() == nil, "closed after three wrong passwords")
        // Anything before a login: closed.
        let early = try KioskClient(port: port)
        early.send(KioskClient.withChecksum("17\(date)AOx|ABSTK.000001|"))
        #expect(early.receive() == nil)

        let kiosk = try KioskClient(port: port)
        #expect(kiosk.call("9300CNkiosk|CObí-mật|CP|")?.hasPrefix("941") == true)
        // A wrong PIN.
        let wrong = kiosk.call("11NN\(date)                  AOTHCS-PC|AAHS000001|ABSTK.000001|AD9999|")
        #expect(wrong?.hasPrefix("120NNN") == true && field("AF", in: wrong) == "Mã PIN không đúng", "\(wrong ?? "nil")")
        #expect(field("AB", in: wrong) == "STK.000001" && field("AJ", in: wrong) == "" && field("AH", in: wrong) == "")
        // A card with no PIN (the account requires one), an unknown card, an unknown item.
        let noPIN = kiosk.call("11NN\(date)                  AOTHCS-PC|AAHS000002|ABSTK.000001|AD|")
        #expect(noPIN?.hasPrefix("120") == true && field("AF", in: noPIN)?.contains("chưa có mã PIN") == true, "\(noPIN ?? "nil")")
        let unknown = kiosk.call("23000\(date)AOTHCS-PC|AAHS999999|AD1234|")
        #expect(unknown?.hasPrefix("24YYYY") == true && field("BL", in: unknown) == "N" && field("AF", in: unknown)?.contains("HS999999") == true)
        let noItem = kiosk.call("11NN\(date)                  AOTHCS-PC|AAHS000001|ABSTK.999999|AD1234|")
        #expect(noItem?.hasPrefix("120") == true && field("AF", in: noItem)?.isEmpty == false, "\(noItem ?? "nil")")
        #expect(try sqlite(daemon, "SELECT count(*) FROM loan;") == "0", "nothing written")
        // The refused checkout of a scanned item is in the scan log, with its refusal, in the same transaction.
        #expect(try sqlite(daemon, "SELECT outcome || ' ' || refusal FROM scan WHERE data = 'STK.999999';") == "refused unknown_item")
        // An item lent to someone else.
        #expect(try daemon.quay(["checkout", "--patron", "HS000002", "STK.000003"]).status == 0)
        let taken = kiosk.call("11NN\(date)                  AOTHCS-PC|AAHS000001|ABSTK.000003|AD1234|")
        #expect(taken?.hasPrefix("120") == true && field("AF", in: taken)?.isEmpty == false, "\(taken ?? "nil")")
        #expect(try sqlite(daemon, "SELECT count(*) FROM loan;") == "1")
        // A bad checksum: 96; then 97 gives the last reply again, byte for byte.
        kiosk.send(Array("17\(date)AOTHCS-PC|ABSTK.000001|AY2AZ0000".utf8))
        #expect(kiosk.receive().map { String(decoding: $0, as: UTF8.self) } == "96")
        kiosk.send(Array("97".utf8))
        #expect(kiosk.receive().map { String(decoding: $0, as: UTF8.self) } == taken)
        // CRLF from the client, and no checksum: accepted.
        let crlf = kiosk.call("17\(date)AOTHCS-PC|ABSTK.000002|", checksum: false, terminator: [13, 10])
        #expect(crlf?.hasPrefix("18030001") == true, "\(crlf ?? "nil")")
        // Block patron (a lost card at the kiosk): then loans are refused with the reason.
        let blocked = kiosk.call("01N\(date)AOTHCS-PC|ALThẻ bị mất|AAHS000001|AC|")
        #expect(blocked?.hasPrefix("24YYYYY") == true && field("AF", in: blocked) == "Thẻ đã bị khoá", "\(blocked ?? "nil")")
        let refused = kiosk.call("11NN\(date)                  AOTHCS-PC|AAHS000001|ABSTK.000001|AD1234|")
        #expect(refused?.hasPrefix("120") == true && field("AF", in: refused)?.isEmpty == false, "\(refused ?? "nil")")
        #expect(try sqlite(daemon, "SELECT status FROM patron WHERE card = 'HS000001';") == "blocked")
        #expect(try sqlite(daemon, "SELECT count(*) FROM loan;") == "1")
        // Fees: answered, correctly framed, as not supported.
        let fee = kiosk.call("37\(date)0100VND AOTHCS-PC|AAHS000001|BV5000|")
        #expect(fee?.hasPrefix("38N") == true && field("AF", in: fee) == "Quầy không hỗ trợ chức năng này", "\(fee ?? "nil")")
        // Wrong PINs are slowed down: after three, the right one is not even tried for a while.
        let locked = try KioskClient(port: port)
        #expect(locked.call("9300CNkiosk|CObí-mật|CP|")?.hasPrefix("941") == true)
        #expect(try daemon.quay(["patron", "pin", "HS000002", "--pin", "4321"]).status == 0)
        for _ in 0..<3 { #expect(field("CQ", in: locked.call("23000\(date)AOTHCS-PC|AAHS000002|AD0000|")) == "N") }
        let right = locked.call("23000\(date)AOTHCS-PC|AAHS000002|AD4321|")
        #expect(field("CQ", in: right) == "N" && field("AF", in: right)?.contains("thử lại sau") == true, "\(right ?? "nil")")
        #expect(daemon.log.contains("SIP2: wrong PIN"))
    }

    @Test func aCP850AccountGetsVietnameseWithoutMarksAndAChecksumOverTheBytesSent() throws {
        let (daemon, port) = try Self.kioskDaemon(account: "encoding = \"cp850\"\nterminator = \"crlf\"\nerror_detection = \"required\"\nlanguage = \"en\"")
        let kiosk = try KioskClient(port: port)
        #expect(kiosk.call("9300CNkiosk|CObí-mật|CP|")?.hasPrefix("941") == true, "\(daemon.log)")
        // Required error detection: a message without a checksum is asked again.
        kiosk.send(Array("17\(date)AOTHCS-PC|ABSTK.000003|".utf8))
        #expect(kiosk.receive().map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("96") == true)
        kiosk.send(KioskClient.withChecksum("17\(date)AOTHCS-PC|ABSTK.000003|"))
        let reply = try #require(kiosk.receive())
        #expect(reply.allSatisfy { $0 < 0x80 }, "ASCII only")
        #expect(KioskClient.checksumHolds(reply), "\(String(decoding: reply, as: UTF8.self))")
        #expect(field("AJ", in: String(decoding: reply, as: UTF8.self)) == "Truyen Kieu")
    }

    @Test func aSIP2PortAlreadyTakenLeavesTheDeskServing() throws {
        // Something else listens on the port first.
        let (other, port) = SIP2Connection.loopbackListener()
        defer { close(other) }
        let daemon = try DaemonHarness(start: false)
        let hash = try runProgram(binDirectory.appendingPathComponent("quayd").path, ["--hash-password"], stdin: "x\n").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try DaemonHarness.config(
            directory: daemon.directory,
            extra: "[sip2]\nlisten = \"127.0.0.1:\(port)\"\n[[sip2_account]]\nlogin = \"k\"\npassword_hash = \"\(hash)\"\n"
        ).write(to: daemon.configURL, atomically: true, encoding: .utf8)
        try daemon.launch()
        #expect(daemon.waitForLog("SIP2 cannot listen; kiosks are off, the desk goes on"), "\(daemon.log)")
        #expect(try daemon.quay(["status"]).status == 0)
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Vẫn chạy"]).status == 0)
    }

    @Test func fiftyKiosksLendingAndReturningAtOnceLoseNoReplyAndLeaveTheStoreConsistent() throws {
        let seconds = Double(ProcessInfo.processInfo.environment["QUAY_SIP2_LOAD_SECONDS"] ?? "") ?? 60
        let (daemon, port) = try Self.kioskDaemon(account: "pin_required = false", extra: "max_connections = 64")
        let kiosks = 50
        #expect(try daemon.quay(["intake", "--register", "TN", "--copies", "\(kiosks)", "--title", "Sách tải"]).status == 0)
        let csv = "card,name\n" + (1...kiosks).map { String(format: "HS10%04d,Bạn %d", $0, $0) }.joined(separator: "\n") + "\n"
        let file = daemon.directory.appendingPathComponent("tai.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let imported = try daemon.quay(["patron", "import", file.path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var sent = 0, answered = 0, lent = 0, returned = 0, failures: [String] = []
        }
        let tally = Tally()
        let deadline = Date().addingTimeInterval(seconds)
        let date = self.date
        let threads = (1...kiosks).map { index in
            Thread {
                guard let kiosk = try? KioskClient(port: port), kiosk.call("9300CNkiosk|CObí-mật|CP|")?.hasPrefix("941") == true else {
                    tally.lock.lock(); tally.failures.append("login \(index)"); tally.lock.unlock()
                    return
                }
                let card = String(format: "HS10%04d", index)
                let item = String(format: "TN.%06d", index)
                var sequence = 0
                while Date() < deadline {
                    for message in ["11NN\(date)                  AOTHCS-PC|AA\(card)|AB\(item)|", "09N\(date)\(date)AP|AOTHCS-PC|AB\(item)|"] {
                        sequence = (sequence + 1) % 10
                        let reply = kiosk.call(message, sequence: sequence)
                        tally.lock.lock()
                        tally.sent += 1
                        if let reply, reply.contains("AY\(sequence)AZ") { tally.answered += 1 }
                        if reply?.hasPrefix("121") == true { tally.lent += 1 }
                        if reply?.hasPrefix("101") == true { tally.returned += 1 }
                        if reply == nil || !(reply!.hasPrefix("121") || reply!.hasPrefix("101")) { tally.failures.append("\(card): \(reply ?? "nil")") }
                        tally.lock.unlock()
                    }
                }
            }
        }
        for thread in threads { thread.start() }
        while threads.contains(where: { !$0.isFinished }) { usleep(100_000) }
        // Read under the lock: a finished thread's writes are not otherwise ordered before this.
        tally.lock.lock()
        let (sent, answered, lent, returned, failures) = (tally.sent, tally.answered, tally.lent, tally.returned, tally.failures)
        tally.lock.unlock()
        print("SIP2 load: \(kiosks) kiosks for \(seconds) s: \(sent) messages, \(lent) loans, \(returned) returns")
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(answered == sent && lent == returned && lent > kiosks)
        // Every loan in the store as the kiosks were told: all returned, none open, counts at zero.
        #expect(try sqlite(daemon, "SELECT count(*) FROM loan WHERE item_id IN (SELECT id FROM item WHERE register_code = 'TN');") == "\(lent)")
        #expect(try sqlite(daemon, "SELECT count(*) FROM loan WHERE returned_at IS NULL;") == "0")
        #expect(try sqlite(daemon, "SELECT count(*) FROM item WHERE status = 'on_loan';") == "0")
        #expect(try sqlite(daemon, "SELECT COALESCE(SUM(count), 0) FROM open_loans;") == "0")
        #expect(try sqlite(daemon, "PRAGMA integrity_check;") == "ok")
    }
}
