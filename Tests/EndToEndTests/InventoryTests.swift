import CQuayShims
import Foundation
import QuayCodecs
import QuayProtocol
import QuayTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The annual inventory through the real quay and quayd (SPEC §2 flow 3, §9): a session by
/// the CLI and by a file, its report as a table, JSON and CSV, apply; a partial session that
/// leaves the rest alone; and a desk in inventory mode fed by a scanner FIFO.
@Suite(.serialized) struct InventoryTests {
    /// STK.000001–3 on KE-A (Toán, 510), STK.000004–6 on KE-B (Truyện Kiều, 895.922),
    /// microscopes TB.000001–2 in Phòng KHTN, 50 test tubes; STK.000006 lent.
    private func setUp(_ daemon: DaemonHarness) throws {
        for (title, call, shelf) in [("Toán vui", "510", "KE-A"), ("Truyện Kiều", "895.922", "KE-B")] {
            let intake = try daemon.quay([
                "intake", "--register", "STK", "--copies", "3", "--title", title, "--class-number", call, "--location", shelf,
            ])
            #expect(intake.status == 0, "\(intake.stderr)")
        }
        #expect(
            try daemon.quay(["equipment", "add", "--code", "KHV6", "--name", "Kính hiển vi", "--units", "2", "--room", "Phòng KHTN"]).status
                == 0)
        #expect(try daemon.quay(["equipment", "add", "--code", "ONGNGHIEM", "--name", "Ống nghiệm", "--quantity", "50"]).status == 0)
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Nguyễn Thị Ánh", "--class", "6A"]).status == 0)
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000006"]).status == 0)
    }

    private func json(_ text: String) throws -> [String: JSONValue] {
        try #require(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)).objectValue, "\(text)")
    }

    /// The value on the line of a two-column table that starts with `label`.
    private func value(_ table: String, _ label: String) -> String? {
        for line in table.split(separator: "\n") where line.hasPrefix(label + "  ") {
            return line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Whether a line of `table` holds all of `cells`, in order.
    private func hasRow(_ table: String, _ cells: [String]) -> Bool {
        table.split(separator: "\n").contains { line in
            var rest = Substring(line)
            for cell in cells {
                guard let range = rest.range(of: cell) else { return false }
                rest = rest[range.upperBound...]
            }
            return true
        }
    }

    private func item(_ daemon: DaemonHarness, _ code: String) throws -> [String: JSONValue] {
        try json(try daemon.quay(["item", "show", code, "--json"]).stdout)["result"]?.objectValue ?? [:]
    }

    @Test func aWholeInventoryFromTheCommandLine() throws {
        let daemon = try DaemonHarness()
        try setUp(daemon)
        let started = try daemon.quay(["inventory", "start", "--lang", "en"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(value(started.stdout, "Scope") == "everything" && value(started.stdout, "Expected") == "8", "\(started.stdout)")
        let second = try daemon.quay(["inventory", "start"])
        #expect(second.status == 1 && second.stderr.contains("[inventory_already_open]"))

        let scanned = try daemon.quay([
            "inventory", "scan", "--location", "KE-A", "STK.000001", "STK-2", "STK.000004", "STK.000001", "--lang", "vi",
        ])
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(scanned.stdout.contains("4 lượt quét: đã ghi 3, quét lặp 1, ngoài phạm vi 0, mã lạ 0"), "\(scanned.stdout)")
        #expect(hasRow(scanned.stdout, ["STK.000004", "STK.000004", "Truyện Kiều", "KE-A", "đã ghi"]), "\(scanned.stdout)")
        let file = daemon.directory.appendingPathComponent("ke-b.txt")
        try "\u{FEFF}# kệ B, máy quét cầm tay\nSTK.000005\n\nKHONG-CO-MA\r\nSTK.000006\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try daemon.quay(["inventory", "scan", "--location", "KE-B", "--file", file.path, "--json"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout.contains("\"outcome\":\"unknown\"") && fromFile.stdout.contains("\"barcode\":\"KHONG-CO-MA\""))
        #expect(try daemon.quay(["inventory", "scan", "--location", "Kho", "--condition", "broken", "TB.000002"]).status == 0)
        let wrongCondition = try daemon.quay(["inventory", "scan", "--location", "KE-A", "--condition", "broken", "STK.000003"])
        #expect(wrongCondition.status == 1 && wrongCondition.stderr.contains("[invalid_argument]"))
        let count = try daemon.quay(["inventory", "count", "ONGNGHIEM", "45", "--location", "Phòng KHTN", "--lang", "en"])
        #expect(count.stdout.contains("45 counted, 50 on record"), "\(count.stdout)")

        let status = try daemon.quay(["inventory", "status", "--lang", "en"])
        #expect(value(status.stdout, "Scans") == "8" && value(status.stdout, "Seen") == "6", "\(status.stdout)")
        #expect(value(status.stdout, "Remaining") == "2" && value(status.stdout, "Unknown barcodes") == "1")
        let early = try daemon.quay(["inventory", "apply"])
        #expect(early.status == 1 && early.stderr.contains("[inventory_not_closed]"))

        let csv = daemon.directory.appendingPathComponent("kiem-ke.csv")
        let closed = try daemon.quay(["inventory", "close", "--csv", csv.path, "--lang", "vi"])
        #expect(closed.status == 0, "\(closed.stderr)")
        let table = closed.stdout
        #expect(
            table.contains("Sai vị trí:") && table.contains("Thiếu:") && table.contains("Mã lạ:") && table.contains("Đã đếm:"), "\(table)")
        #expect(hasRow(table, ["STK.000004", "Truyện Kiều", "895.922", "KE-B", "KE-A", "sai giá"]), "\(table)")
        #expect(hasRow(table, ["TB.000002", "Kính hiển vi", "Phòng KHTN", "Kho", "sai giá, hỏng"]))
        #expect(hasRow(table, ["STK.000003", "Toán vui", "510"]) && hasRow(table, ["TB.000001", "Kính hiển vi"]))
        #expect(hasRow(table, ["KHONG-CO-MA"]) && hasRow(table, ["ONGNGHIEM", "Ống nghiệm", "đếm 45, sổ ghi 50"]))
        #expect(!table.contains("Có mặt:"), "found lines are in the CSV, not the table")
        // The CSV: a UTF-8 BOM, CRLF lines, Vietnamese headers, every line.
        let bytes = [UInt8](try Data(contentsOf: csv))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let rows = text.components(separatedBy: "\r\n")
        #expect(rows.first?.hasPrefix("Loại kết quả,Mã kết quả,Số ĐKCB,Mã vạch,Loại,Nhan đề/Tên") == true, "\(rows.first ?? "")")
        #expect(rows.count == 1 + 10 + 1, "header, ten lines, and the empty string after the last CRLF: \(rows)")
        #expect(rows.contains("Có mặt,found,STK.000001,STK.000001,book,Toán vui,510,KE-A,KE-A,2,,,available,,"))
        #expect(rows.contains("Đã đếm,counted,,ONGNGHIEM,equipment,Ống nghiệm,,,Phòng KHTN,,,,,50,45"))
        #expect(rows.contains { $0.hasPrefix("Có mặt,found,STK.000006,STK.000006,book,Truyện Kiều,895.922,KE-B,KE-B,1,recorded_on_loan,") })

        let report = try json(try daemon.quay(["inventory", "report", "--json"]).stdout)
        let totals = report["session"]?.objectValue?["totals"]?.objectValue
        #expect(totals?["found"] == .int(4) && totals?["misplaced"] == .int(2) && totals?["missing"] == .int(2))
        #expect(totals?["on_loan"] == .int(0) && totals?["unknown"] == .int(1) && totals?["seen_twice"] == .int(1))
        if case .array(let lines)? = report["lines"] { #expect(lines.count == 10) } else { Issue.record("no lines") }
        let onlyMissing = try daemon.quay(["inventory", "report", "--category", "missing", "--lang", "en"])
        #expect(onlyMissing.stdout.contains("Missing:") && !onlyMissing.stdout.contains("Misplaced:"))

        let disposalCSV = daemon.directory.appendingPathComponent("thanh-ly.csv")
        let applied = try daemon.quay(["inventory", "apply", "--csv", disposalCSV.path, "--lang", "en"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(value(applied.stdout, "Marked missing") == "2" && value(applied.stdout, "For disposal") == "3", "\(applied.stdout)")
        #expect(try item(daemon, "STK.000003")["status"] == .string("missing"))
        let moved = try item(daemon, "STK.000004")
        #expect(moved["location"] == .string("KE-A") && moved["last_seen_at"] != nil)
        #expect(try item(daemon, "STK.000006")["status"] == .string("on_loan"))
        #expect(try daemon.quay(["equipment", "show", "ONGNGHIEM", "--json"]).stdout.contains("\"quantity\":45"))
        #expect(try daemon.quay(["equipment", "units", "KHV6", "--lang", "en"]).stdout.contains("TB.000002  broken     available  Kho"))
        let disposal = String(decoding: try Data(contentsOf: disposalCSV), as: UTF8.self)
        #expect(disposal.components(separatedBy: "\r\n").count == 1 + 3 + 1)
        let twice = try daemon.quay(["inventory", "apply"])
        #expect(twice.status == 1 && twice.stderr.contains("[inventory_already_applied]"))
    }

    @Test func aPartialInventoryLeavesEverythingElseUntouched() throws {
        let daemon = try DaemonHarness()
        try setUp(daemon)
        let outside = ["STK.000004", "STK.000005", "STK.000006"]
        let before = try outside.map { try item(daemon, $0) }
        let units = try daemon.quay(["equipment", "show", "KHV6", "--json"]).stdout
        let bad = try daemon.quay(["inventory", "start", "--scope", "shelf=KE-A"])
        #expect(bad.status == 1 && bad.stderr.contains("[invalid_scope]") && bad.stderr.contains("unknown scope key 'shelf'"))
        let reversed = try daemon.quay(["inventory", "start", "--scope", "call=899-800"])
        #expect(reversed.status == 1 && reversed.stderr.contains("[invalid_scope]"))
        let started = try daemon.quay(["inventory", "start", "--scope", "location=KE-A,call=500-599", "--lang", "en"])
        #expect(
            value(started.stdout, "Scope") == "location=KE-A call=500-599" && value(started.stdout, "Expected") == "3", "\(started.stdout)")
        let scans = try daemon.quay(["inventory", "scan", "--location", "KE-A", "STK.000001", "STK.000004", "TB.000001", "--json"])
        #expect(scans.stdout.components(separatedBy: "\"outcome\":\"outside_scope\"").count - 1 == 2)
        let count = try daemon.quay(["inventory", "count", "ONGNGHIEM", "3", "--location", "Kho"])
        #expect(count.status == 1 && count.stderr.contains("[outside_scope]"))
        #expect(try daemon.quay(["inventory", "close"]).status == 0)
        #expect(try daemon.quay(["inventory", "apply"]).status == 0)
        #expect(try outside.map { try item(daemon, $0) } == before)
        #expect(try daemon.quay(["equipment", "show", "KHV6", "--json"]).stdout == units)
        #expect(try item(daemon, "STK.000002")["status"] == .string("missing"))
    }

    @Test func aDeskInInventoryModeScansAShelfThenItsBooks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-scan-\(UUID().uuidString.prefix(8))-inventory").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let daemon = try DaemonHarness(
            extraConfig: """
                [[desk]]
                name = "quay-1"
                language = "vi"
                mode = "inventory"

                [[scanner]]
                name = "may-quet-1"
                desk = "quay-1"
                path = "\(path)"
                kind = "evdev"
                """)
        try setUp(daemon)
        let writer = open(path, O_WRONLY)
        #expect(writer >= 0)
        defer { close(writer) }
        func scan(_ codes: [String], start: Int64) throws {
            for (index, code) in codes.enumerated() {
                let records = try EvdevKeystrokes.records(for: code, at: EventTime(microseconds: start + Int64(index) * 1_000_000))
                #expect(records.withUnsafeBytes { quay_write_all(writer, $0.baseAddress, $0.count) } == 0)
            }
        }
        func waitFor(_ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                if try condition() { return true }
                usleep(50_000)
            }
            return false
        }
        // No session yet: the desk refuses, and the scan log says why.
        try scan(["KE-A", "STK.000001"], start: 1_700_000_000_000_000)
        #expect(try waitFor { try daemon.quay(["scans", "--json"]).stdout.contains("\"refusal\":\"inventory_not_open\"") })

        #expect(try daemon.quay(["inventory", "start", "--scope", "location=KE-*"]).status == 0)
        try scan(["KE-A", "STK.000002", "STK.000003", "KE-B", "STK.000004", "STK.000001", "NOPE-42"], start: 1_700_000_100_000_000)
        #expect(try waitFor { try daemon.quay(["scans", "--json"]).stdout.contains("\"refusal\":\"unknown_item\"") })
        let status = try json(try daemon.quay(["inventory", "status", "--json"]).stdout)["result"]?.objectValue
        #expect(status?["scans"] == .int(5) && status?["seen"] == .int(4), "\(String(describing: status))")
        let log = try daemon.quay(["scans", "--json"]).stdout
        #expect(log.components(separatedBy: "\"outcome\":\"inventory_recorded\"").count - 1 == 4, "\(log)")
        #expect(log.contains("\"refusal\":\"unknown_item\""))
        #expect(log.contains("Đã ghi nhận STK.000002 tại KE-A"))

        #expect(try daemon.quay(["inventory", "close"]).status == 0)
        let misplaced = try daemon.quay(["inventory", "report", "--category", "misplaced", "--json"]).stdout
        #expect(misplaced.contains("\"barcode\":\"STK.000001\"") && misplaced.contains("\"location\":\"KE-B\""), "\(misplaced)")
        let missing = try daemon.quay(["inventory", "report", "--category", "missing", "--json"]).stdout
        #expect(missing.contains("\"barcode\":\"STK.000005\"") && !missing.contains("TB.000001"), "units are not on the KE- shelves")
    }
}
