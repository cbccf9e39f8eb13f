import Foundation
import QuayTestSupport
import Testing

/// The console's catalogue and equipment pages (issue 20) in a real headless Chromium against a
/// real quayd: a search without diacritics, a record corrected in the browser and seen through
/// `quay`, its history naming the staff member, refused corrections that change nothing, a
/// copy's state, a lesson loan lent and returned. `QUAY_UPDATE_DOCS=1` writes the screenshots
/// of docs/web.md.
@Suite(.serialized) struct WebCatalogueTests {
    /// The page's status for a post of `formID`'s own fields (its CSRF token) with `changes`.
    func post(_ browser: Browser, form formID: String, _ changes: [String: String]) throws -> Int? {
        try browser.script(
            """
            const data = new FormData(document.getElementById(arguments[0]));
            for (const [name, value] of Object.entries(arguments[1])) { data.set(name, value); }
            const x = new XMLHttpRequest();
            x.open('POST', document.getElementById(arguments[0]).action, false);
            x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
            x.send(new URLSearchParams(data).toString());
            return x.status;
            """, [formID, changes]) as? Int
    }

    func json(_ console: WebConsole, _ arguments: [String]) throws -> [String: Any] {
        let result = try console.daemon.quay(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return ((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["result"] as? [String: Any]) ?? [:]
    }

    @Test func everyPageWithoutASessionIsTheLoginPage() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let browser = try Browser()
        defer { browser.close() }
        for path in ["/catalogue?q=truyen", "/records/1", "/copies/STK.000001", "/equipment", "/equipment/KHV6"] {
            try browser.open(console.base + path)
            #expect(try browser.url.hasSuffix("/login"), "\(path)")
            #expect(try !browser.source.contains("Truyện Kiều"))
        }
    }

    @Test func aSearchWithoutDiacriticsFindsTheRecordWhoseCorrectionQuaySeesWithItsHistory() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let (daemon, base) = (console.daemon, console.base)
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Lục Vân Tiên", "--author", "Nguyễn Đình Chiểu"]).status == 0)
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        // Nothing asked yet, then nothing found: both said in words.
        try browser.open(base + "/catalogue")
        #expect(try browser.find("#records").text.contains("Gõ vài chữ"))
        try browser.find("#q").type("không có sách này" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#records").text)?.contains("Không tìm thấy đầu sách nào") == true })

        try browser.find("#q").clear()
        try browser.find("#q").type("truyen KIEU" + Key.enter)
        let link = try browser.waitFor(css: "#records tbody a")
        #expect(try link.text == "Truyện Kiều")
        #expect(try browser.findAll("#records tbody tr").count == 1, "Lục Vân Tiên is not a hit")
        #expect(try browser.find("#records tbody").text.contains("3"), "its three copies")
        try WebConsole.screenshot(browser, "catalogue")
        try link.click()
        #expect(browser.waitUntil { try browser.url.hasSuffix("/records/1") })
        #expect(try browser.findAll("#copies tbody tr").count == 3)
        #expect(try browser.find("#copies").text.contains("sẵn sàng"), "the copies' state in Vietnamese")

        // The title corrected in the browser: only it is sent, quay sees it on the record and its copies.
        let title = try browser.find("#title")
        try title.clear()
        try title.type("Truyện Kiều (tái bản)" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#notice").text) == "Đã lưu thay đổi." }, "\((try? browser.source) ?? "")")
        #expect(try browser.find("h1").text == "Truyện Kiều (tái bản)")
        #expect(try daemon.quay(["record", "show", "1"]).stdout.contains("Truyện Kiều (tái bản)"))
        #expect(try json(console, ["item", "show", "STK.000002"])["title"] as? String == "Truyện Kiều (tái bản)")
        let history = try json(console, ["history", "R1"])
        let entries = history["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 1 && entries[0]["actor"] as? String == "web:Lan", "\(history)")
        #expect((entries.first?["changes"] as? [String: Any])?.keys.sorted() == ["title"], "only the changed field was sent")
        // The page's history: who, the op, old → new.
        let log = try browser.find("#history-log tbody").text
        #expect(log.contains("web:Lan") && log.contains("record.update") && log.contains("Truyện Kiều → Truyện Kiều (tái bản)"), "\(log)")
        try WebConsole.screenshot(browser, "record")

        // A class number that does not parse: 422, said in Vietnamese, nothing changed.
        #expect(try post(browser, form: "correct", ["class_number": "XYZ"]) == 422)
        try browser.find("#class-number").type("XYZ" + Key.enter)
        let problem = try browser.waitFor(css: "#problem")
        let said = try problem.text
        #expect(said.contains("XYZ") && said.contains("không hợp lệ"), "\(said)")
        #expect(try browser.find("#class-number").property("value") as? String == "XYZ", "what was typed is kept")
        #expect(try !browser.source.contains("Exception") && !browser.source.contains("Fatal"))
        #expect(try json(console, ["record", "show", "1"])["class_number"] == nil)
        #expect((try json(console, ["history", "R1"])["entries"] as? [Any])?.count == 1, "no second audit line")
        // A year that is not a number is refused by the page itself, just as plainly.
        #expect(try post(browser, form: "correct", ["year": "năm ngoái"]) == 422)
    }

    @Test func aCopysCorrectionStateAndLossGoThroughItsOps() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let (daemon, base) = (console.daemon, console.base)
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        try browser.open(base + "/copies/STK.000002")
        #expect(try browser.find("#state").text == "sẵn sàng")
        // A barcode another copy has: refused, said, nothing changed.
        let barcode = try browser.find("#barcode")
        try barcode.clear()
        try barcode.type("STK.000001" + Key.enter)
        let problem = try browser.waitFor(css: "#problem")
        let said = try problem.text
        #expect(said.contains("STK.000001"), "\(said)")
        #expect(try json(console, ["item", "show", "STK.000002"])["barcode"] as? String == "STK.000002")

        // A location, then the copy marked damaged with a note.
        try browser.open(base + "/copies/STK.000002")
        try browser.find("#location").type("KỆ-3" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#notice").text) != nil })
        try browser.find("#state-note").type("rách bìa")
        try browser.find("#state-damaged").click()
        #expect(browser.waitUntil { (try? browser.find("#state").text) == "hỏng" }, "\((try? browser.source) ?? "")")
        let shown = try json(console, ["item", "show", "STK.000002"])
        #expect(shown["status"] as? String == "damaged" && shown["note"] as? String == "rách bìa" && shown["location"] as? String == "KỆ-3", "\(shown)")
        #expect(try browser.find("#history-log").text.contains("item.state"))
        // Damaged, it may go for repair or back, not be damaged again.
        #expect(try browser.findAll("#state-damaged").isEmpty && browser.findAll("#state-available").count == 1)

        // On loan: its borrower on the page, and its loss through loan.lost.
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000003"]).status == 0)
        try browser.open(base + "/copies/STK.000003")
        #expect(try browser.find("#loan").text.contains("Nguyễn Thị Ánh"))
        #expect(try browser.findAll("#state-change").isEmpty, "a copy on loan changes state only by its return or loss")
        try browser.find("#lost").click()
        #expect(browser.waitUntil { (try? browser.find("#state").text) == "bạn đọc làm mất" }, "\((try? browser.source) ?? "")")
        #expect(try json(console, ["item", "show", "STK.000003"])["status"] as? String == "lost")
        #expect(try daemon.quay(["loan", "list", "--patron", "HS000001", "--json"]).stdout.contains("STK.000003") == false)
        // English through the switch: the state in English.
        try browser.open(base + "/copies/STK.000003?lang=en")
        #expect(try browser.find("#state").text == "lost by its borrower")
    }

    @Test func aUnitIsLentForALessonAndReturnedAndCorrected() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let (daemon, base) = (console.daemon, console.base)
        #expect(try daemon.quay(["patron", "add", "--card", "GV0001", "--name", "Phạm Thị Hoa", "--kind", "teacher"]).status == 0)
        #expect(
            try daemon.quay(["equipment", "add", "--code", "KHV6", "--name", "Bộ kính hiển vi", "--unit", "bộ", "--units", "2", "--room", "Phòng KHTN"]).status
                == 0)
        let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(10 * 86_400)).prefix(10)
        #expect(try daemon.quay(["equipment", "add", "--code", "HCL", "--name", "Axit clohiđric", "--unit", "lọ", "--quantity", "5", "--expires", String(soon)]).status == 0)
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        try browser.open(base + "/equipment")
        #expect(try browser.find("#equipment").text.contains("Bộ kính hiển vi"))
        #expect(try browser.find("#expiring").text.contains("Axit clohiđric"))
        try browser.find("#q").type("kinh hien" + Key.enter)
        #expect(browser.waitUntil { (try? browser.findAll("#equipment tbody tr").count) == 1 })

        // A pupil's card is refused for a lesson: said, nothing lent.
        try browser.find("#lesson-teacher").type("HS000001")
        try browser.find("#lesson-period").type("3")
        try browser.find("#lesson-units").type("TB.000001" + Key.enter)
        let problem = try browser.waitFor(css: "#problem")
        #expect(try !problem.text.isEmpty && browser.find("#lesson-units").property("value") as? String == "TB.000001")
        let untouched = try json(console, ["equipment", "show", "KHV6"])["units"] as? [[String: Any]] ?? []
        #expect(untouched.first?["status"] as? String == "available", "\(untouched)")

        // The teacher's loan, then its return from the type's page.
        let teacher = try browser.find("#lesson-teacher")
        try teacher.clear()
        try teacher.type("GV0001")
        try browser.find("#lesson-class").type("6A")
        try browser.find("#lesson-title").type("Quan sát tế bào" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#notice").text)?.contains("Đã cho mượn") == true }, "\((try? browser.find("#problem").text) ?? "")")
        try WebConsole.screenshot(browser, "equipment")
        var units = try json(console, ["equipment", "show", "KHV6"])["units"] as? [[String: Any]] ?? []
        #expect(units.map { $0["status"] as? String } == ["on_loan", "available"], "\(units)")

        try browser.open(base + "/equipment/KHV6")
        #expect(try browser.find("#units tbody tr:first-child .state").text == "đang mượn")
        try browser.find("#u0-return").click()
        #expect(browser.waitUntil { (try? browser.find("#units tbody tr:first-child .state").text) == "sẵn sàng" }, "\((try? browser.source) ?? "")")
        units = try json(console, ["equipment", "show", "KHV6"])["units"] as? [[String: Any]] ?? []
        #expect(units.map { $0["status"] as? String } == ["available", "available"], "\(units)")

        // The second unit corrected: its room and condition, through unit.update.
        let room = try browser.find("#u1-room")
        try room.clear()
        try room.type("Kho 2")
        try browser.script("document.getElementById('u1-condition').value = 'needs_repair'")
        try browser.find("#u1-save").click()
        #expect(browser.waitUntil { (try? browser.find("#notice").text) != nil })
        units = try json(console, ["equipment", "show", "KHV6"])["units"] as? [[String: Any]] ?? []
        #expect(units.last?["room"] as? String == "Kho 2" && units.last?["condition"] as? String == "needs_repair", "\(units)")
        #expect(try browser.find("#units tbody tr:last-child").text.contains("cần sửa"))
        try WebConsole.screenshot(browser, "equipment-type")

        // The type's value and expiry, through equipment.update; a date that is no date is refused.
        try browser.open(base + "/equipment/HCL")
        #expect(try post(browser, form: "correct", ["expires_on": "2027-02-30"]) == 422)
        try browser.find("#value").type("30000" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#fields").text)?.contains("30.000 đ") == true }, "\((try? browser.source) ?? "")")
        let chemical = try json(console, ["equipment", "show", "HCL"])
        #expect(chemical["value"] as? Int == 30000 && chemical["expires_on"] as? String == String(soon), "\(chemical)")
        #expect(try browser.find("#history-log").text.contains("web:Lan"))
    }
}
