import Foundation
import QuayTestSupport
import Testing

/// The life of the collection through the real `quay` and `quayd` (SPEC §16): corrections and
/// their audit log, a copy lost and found, a disposal, the school-year rollover, the command
/// sheet decoded by zbar.
@Suite struct LifecycleTests {
    private func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout) \(result.stderr)")
    }

    private func setUp(_ daemon: DaemonHarness) throws {
        let intake = try daemon.quay([
            "intake", "--register", "STK", "--copies", "50", "--title", "Mắt biếc", "--author", "Nguyễn Nhật Ánh", "--class-number", "895.92234",
            "--price", "85000",
        ])
        #expect(intake.status == 0, "\(intake.stderr)")
        for (card, name, className) in [("HS000001", "Nguyễn Văn An", "6A"), ("HS000002", "Lê Ư", "9A"), ("HS000003", "Trần Bình", "9A")] {
            #expect(try daemon.quay(["patron", "add", "--card", card, "--name", name, "--class", className]).status == 0)
        }
    }

    @Test func correctionsAreAuditedAndARefusedOneChangesNothing() throws {
        let daemon = try DaemonHarness()
        try setUp(daemon)
        let edit = try daemon.quay(["record", "edit", "1", "--title", "Mắt biếc (tái bản)", "--class-number", "895.9223", "--json"])
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(edit.stdout.contains(#""title":["Mắt biếc","Mắt biếc (tái bản)"]"#), "\(edit.stdout)")
        // Said for people as a table of each field, before → after.
        let again = try daemon.quay(["record", "edit", "1", "--year", "2019", "--lang", "vi"])
        #expect(again.stdout.hasPrefix("Đã sửa (nhật ký #") && again.stdout.contains("year  —  →  2019"), "\(again.stdout)")
        #expect(try daemon.quay(["item", "show", "STK.000001", "--json"]).stdout.contains(#""call_number":"895.9223 NG-A""#))
        // Refused: a class number that does not parse, a barcode in use, an unknown card, a card in use.
        let refused = [
            try daemon.quay(["record", "edit", "1", "--title", "Không ghi", "--class-number", "XYZ"]),
            try daemon.quay(["item", "edit", "STK.000002", "--barcode", "STK.000003", "--note", "không ghi"]),
            try daemon.quay(["patron", "edit", "HS999999", "--name", "Không ghi"]),
            try daemon.quay(["patron", "edit", "HS000001", "--new-card", "HS000002"]),
        ]
        #expect(refused.map(\.status) == [1, 1, 1, 1])
        #expect(refused[0].stderr.contains("[invalid_call_number]") && refused[1].stderr.contains("[duplicate_barcode]"))
        #expect(refused[2].stderr.contains("[unknown_patron]") && refused[3].stderr.contains("[duplicate_card]"))
        let history = try json(try daemon.quay(["history", "R1", "--json"]))
        let entries = try #require((history["result"] as? [String: Any])?["entries"] as? [[String: Any]])
        #expect(entries.count == 2, "only the accepted corrections are in the log")
        let changes = try #require(entries.first?["changes"] as? [String: [Any]])
        // The peer is this test's own user (root here), by SO_PEERCRED, never the daemon's placeholder.
        #expect(entries.first?["actor"] as? String == (ProcessInfo.processInfo.environment["USER"] ?? "root"), "\(entries)")
        #expect(changes["title"]?.last as? String == "Mắt biếc (tái bản)" && changes["title"]?.first as? String == "Mắt biếc")
        #expect((entries.first?["actor"] as? String)?.isEmpty == false)
        #expect(try daemon.quay(["item", "show", "STK.000002", "--json"]).stdout.contains(#""barcode":"STK.000002""#))
        #expect(try daemon.quay(["patron", "show", "HS000001", "--json"]).stdout.contains("Nguyễn Văn An"))
        // A new card: the old one is refused at checkout from then on.
        #expect(try daemon.quay(["patron", "edit", "HS000001", "--new-card", "HS000101"]).status == 0)
        let old = try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001"])
        #expect(old.status == 1 && old.stderr.contains("[card_replaced]"), "\(old.stderr)")
        #expect(try daemon.quay(["history", "HS000001"]).stdout.contains("patron.update"))
    }

    @Test func aLostCopyIsChargedAndAMissingOneComesBackAtCheckin() throws {
        let daemon = try DaemonHarness()
        try setUp(daemon)
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001"]).status == 0)
        let lost = try daemon.quay(["item", "lost", "STK.000001", "--lang", "vi"])
        #expect(lost.status == 0 && lost.stdout.contains("85.000 đ"), "\(lost.stdout) \(lost.stderr)")
        #expect(try daemon.quay(["patron", "show", "HS000001", "--json"]).stdout.contains(#""amount":85000"#))
        #expect(try daemon.quay(["item", "show", "STK.000001", "--json"]).stdout.contains(#""status":"lost""#))
        // Back at the desk: found again, available, and said.
        let back = try daemon.quay(["checkin", "STK.000001", "--json"])
        #expect(back.stdout.contains(#""found":"lost""#), "\(back.stdout)")
        #expect(try daemon.quay(["item", "show", "STK.000001", "--json"]).stdout.contains(#""status":"available""#))
        // A damaged copy is refused with its state; repaired, it is lent again.
        #expect(try daemon.quay(["item", "state", "STK.000002", "repair", "--note", "gãy gáy"]).status == 0)
        let damaged = try daemon.quay(["checkout", "--patron", "HS000002", "STK.000002", "--lang", "vi"])
        #expect(damaged.status == 1 && damaged.stderr.contains("hỏng"), "\(damaged.stderr)")
        #expect(try daemon.quay(["item", "state", "STK.000002", "available"]).status == 0)
        #expect(try daemon.quay(["checkout", "--patron", "HS000002", "STK.000002"]).status == 0)
        // A blocked card is refused with its reason.
        #expect(try daemon.quay(["patron", "block", "HS000003", "--reason", "mất thẻ"]).status == 0)
        let blocked = try daemon.quay(["checkout", "--patron", "HS000003", "STK.000003", "--lang", "vi"])
        #expect(blocked.status == 1 && blocked.stderr.contains("mất thẻ"), "\(blocked.stderr)")
    }

    @Test func aDisposalIsRefusedWhileACopyIsOnLoanThenWithdrawsEveryCopy() throws {
        let daemon = try DaemonHarness()
        try setUp(daemon)
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000007"]).status == 0)
        let opened = try daemon.quay(["disposal", "open", "--decision", "QĐ 01/2027", "--date", "05/01/2027", "--reason", "rách nát"])
        #expect(opened.status == 0, "\(opened.stderr)")
        // By scan: codes on standard input, one per line, as a scanner types them.
        let codes = (1...40).map { String(format: "STK.%06d", $0) }.joined(separator: "\n") + "\n"
        let scanned = try daemon.quay(["disposal", "add", "1", "-", "--lang", "en"], stdin: codes)
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(scanned.stdout.contains("40 in all"))
        let listed = try daemon.quay(["disposal", "add", "1"] + (41...50).map { String(format: "STK.%06d", $0) } + ["--reason", "mối mọt"])
        #expect(listed.status == 0 && listed.stdout.contains("50"), "\(listed.stdout)")
        let early = try daemon.quay(["disposal", "confirm", "1"])
        #expect(early.status == 1 && early.stderr.contains("[disposal_has_loans]") && early.stderr.contains("STK.000007"), "\(early.stderr)")
        #expect(try daemon.quay(["item", "show", "STK.000001", "--json"]).stdout.contains(#""status":"available""#))
        #expect(try daemon.quay(["checkin", "STK.000007"]).status == 0)
        let confirmed = try daemon.quay(["disposal", "confirm", "1", "--json"])
        #expect(confirmed.status == 0 && confirmed.stdout.contains(#""state":"confirmed""#), "\(confirmed.stderr)")
        let show = try daemon.quay(["disposal", "show", "1", "--lang", "vi"])
        #expect(show.stdout.contains("rách nát") && show.stdout.contains("mối mọt") && show.stdout.contains("4.250.000 đ"), "\(show.stdout)")
        for number in [1, 25, 50] {
            #expect(try daemon.quay(["item", "show", String(format: "STK.%06d", number), "--json"]).stdout.contains(#""status":"withdrawn""#))
        }
        // No number is reissued: the next intake continues after them.
        let next = try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Tắt đèn", "--json"])
        #expect(next.stdout.contains(#""first_accession":"STK.000051""#), "\(next.stdout)")
        #expect(try daemon.quay(["history", "STK.000025"]).stdout.contains("withdrawn"))
    }

    @Test func theRolloverIsPreviewedAppliedOnceAndListsLeaversWithLoans() throws {
        let daemon = try DaemonHarness()
        try setUp(daemon)
        let year = try json(try daemon.quay(["patron", "show", "HS000001", "--json"]))
        let current = try #require((year["result"] as? [String: Any])?["school_year"] as? String)
        let first = try #require(Int(current.prefix(4)))
        let next = "\(first + 1)-\(first + 2)"
        for className in ["7A", "8A"] { #expect(try daemon.quay(["class", "add", className]).status == 0) }
        #expect(try daemon.quay(["checkout", "--patron", "HS000002", "STK.000001"]).status == 0)
        let preview = try daemon.quay(["year", "rollover", "--to", next, "--last-grade", "9", "--lang", "en"])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("Preview") && preview.stdout.contains("6A") && preview.stdout.contains("7A") && preview.stdout.contains("Leaving: 9A (2 pupils)"), "\(preview.stdout)")
        #expect(preview.stdout.contains("HS000002"), "the leaver who still holds a copy")
        #expect(try daemon.quay(["patron", "show", "HS000001", "--json"]).stdout.contains(#""class":"6A""#), "a preview changes nothing")
        let applied = try daemon.quay(["year", "rollover", "--to", next, "--last-grade", "9", "--apply", "--json"])
        #expect(applied.status == 0 && applied.stdout.contains(#""applied":true"#), "\(applied.stderr)")
        let moved = try daemon.quay(["patron", "show", "HS000001", "--json"]).stdout
        #expect(moved.contains(#""class":"7A""#) && moved.contains(#""school_year":"\#(next)""#), "\(moved)")
        let leaver = try daemon.quay(["patron", "show", "HS000002", "--json"]).stdout
        #expect(leaver.contains(#""status":"left""#) && leaver.contains(#""class":"9A""#), "\(leaver)")
        #expect(try daemon.quay(["loans", "--patron", "HS000002", "--json"]).stdout.contains("STK.000001"), "still listed as a borrower")
        let again = try daemon.quay(["year", "rollover", "--to", next, "--apply"])
        #expect(again.status == 1 && again.stderr.contains("[rollover_done]"))
        // What the leaver holds still comes back.
        #expect(try daemon.quay(["checkin", "STK.000001"]).status == 0)
    }

    @Test func theCommandSheetDecodesToEveryCommand() throws {
        let daemon = try DaemonHarness()
        let out = daemon.directory.appendingPathComponent("commands")
        let result = try daemon.quay(["print", "commands", "--preview", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let commands = [
            "QUAY:MODE:CHECKOUT", "QUAY:MODE:CHECKIN", "QUAY:MODE:LESSON", "QUAY:MODE:INVENTORY", "QUAY:MODE:INTAKE", "QUAY:MODE:LOOKUP",
            "QUAY:END", "QUAY:UNDO",
        ]
        let page = try [UInt8](Data(contentsOf: out.appendingPathComponent("commands.png")))
        #expect(try zbarSymbols(png: page) == commands.map { "CODE-128:\($0)" }.sorted())
        let pdf = try [UInt8](Data(contentsOf: out.appendingPathComponent("commands.pdf")))
        #expect(pdf.starts(with: Array("%PDF-1.4".utf8)))
        for command in commands {
            let label = try [UInt8](Data(contentsOf: out.appendingPathComponent("command-\(command.replacingOccurrences(of: ":", with: "_")).png")))
            #expect(try zbarSymbols(png: label) == ["CODE-128:\(command)"], "\(command)")
        }
        let sheet = daemon.directory.appendingPathComponent("sheet.pdf").path
        #expect(try daemon.quay(["print", "commands", "--sheet", sheet]).status == 0)
        #expect(FileManager.default.fileExists(atPath: sheet))
    }

    @Test func classesEquipmentAndUnitsAreCorrectedAndExpiringChemicalsListed() throws {
        let daemon = try DaemonHarness()
        #expect(try daemon.quay(["class", "add", "6A", "--teacher", "Phạm Thị Hoa"]).status == 0)
        let renamed = try daemon.quay(["class", "edit", "6A", "--new-name", "6A1", "--teacher", "Lê Văn Tâm", "--json"])
        #expect(renamed.status == 0 && renamed.stdout.contains(#""name":["6A","6A1"]"#), "\(renamed.stdout) \(renamed.stderr)")
        #expect(try daemon.quay(["class", "show", "6A1", "--json"]).stdout.contains("Lê Văn Tâm"))
        #expect(try daemon.quay(["equipment", "add", "--code", "KHV6", "--name", "Kính hiển vi", "--units", "2", "--room", "Phòng Sinh"]).status == 0)
        #expect(try daemon.quay(["equipment", "add", "--code", "HCL", "--name", "Axit clohiđric", "--quantity", "3", "--expires", "2020-01-31"]).status == 0)
        let equipment = try daemon.quay(["equipment", "edit", "KHV6", "--name", "Bộ kính hiển vi quang học", "--value", "2500000", "--json"])
        #expect(equipment.status == 0 && equipment.stdout.contains(#""value":[null,2500000]"#), "\(equipment.stdout)")
        let unit = try daemon.quay(["equipment", "edit-unit", "TB.000002", "--room", "Phòng Lý", "--condition", "broken", "--json"])
        #expect(unit.status == 0 && unit.stdout.contains(#""condition":["good","broken"]"#), "\(unit.stdout)")
        let bad = try daemon.quay(["equipment", "edit-unit", "TB.000002", "--condition", "tan nát"])
        #expect(bad.status == 1 && bad.stderr.contains("[invalid_argument]"))
        #expect(try daemon.quay(["history", "TB.000002"]).stdout.contains("Phòng Lý"))
        #expect(try daemon.quay(["history", "KHV6"]).stdout.contains("Bộ kính hiển vi quang học"))
        let expiring = try daemon.quay(["equipment", "expiring", "--lang", "vi"])
        #expect(expiring.status == 0 && expiring.stdout.contains("HCL") && expiring.stdout.contains("ĐÃ HẾT HẠN") && !expiring.stdout.contains("KHV6"), "\(expiring.stdout)")
    }
}
