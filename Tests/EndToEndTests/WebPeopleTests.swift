import Foundation
import QuayTestSupport
import Testing

/// The console's patrons, classes, class-list import, printers and backups (issue 20), in a
/// real headless Chromium against a real quayd: what the pages do is checked through `quay`.
/// `QUAY_UPDATE_DOCS=1` writes the screenshots of docs/web.md.
@Suite(.serialized) struct WebPeopleTests {
    /// A file of the test's own, for the browser to pick.
    func file(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quay-web-\(UUID().uuidString.prefix(8))-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Picks `path` in the import page's file field and sends it: the preview comes back.
    func send(_ browser: Browser, _ console: WebConsole, _ path: String) throws {
        try browser.open(console.base + "/patrons/import")
        try browser.find("#file").type(path)
        try browser.find("#upload button").click()
        #expect(browser.waitUntil { (try? browser.find("#create-count")) != nil }, "\((try? browser.source) ?? "")")
    }

    @Test func everyNewPageWithoutASessionIsTheLoginPage() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let browser = try Browser()
        defer { browser.close() }
        for path in ["/patrons", "/patrons?q=anh", "/patrons/HS000001", "/patrons/import", "/patrons/import/1", "/classes", "/classes/6A", "/printers", "/backups"] {
            try browser.open(console.base + path)
            #expect(try browser.url.hasSuffix("/login"), "\(path)")
            #expect(try !browser.source.contains("Nguyễn Thị Ánh"), "\(path) shows no data")
        }
    }

    @Test func aClassListIsPreviewedByADryRunThenImported() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let daemon = console.daemon
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        // One name typed in NFD (as some Mac and web forms save it): it must arrive in NFC.
        let decomposed = "Phạm Đức Hải".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count > "Phạm Đức Hải".unicodeScalars.count)
        let list = try file("6a.csv", "card,name,class\nHS000101,Trần Văn Bình,6A\nHS000102,\(decomposed),6B\nHS000103,Lê Thị Cúc,6B\n")
        try send(browser, console, list)
        #expect(try browser.find("#create-count").text == "3")
        #expect(try browser.findAll("#create tbody tr").count == 3)
        #expect(try browser.find("#create").text.contains("Phạm Đức Hải"))
        // A dry run: nobody is there yet.
        for card in ["HS000101", "HS000102", "HS000103"] {
            #expect(try daemon.quay(["patron", "show", card]).status != 0, "\(card) before the confirmation")
        }
        try WebConsole.screenshot(browser, "import")

        try browser.find("#confirm button").click()
        #expect(browser.waitUntil { (try? browser.find("#imported").text)?.contains("3") == true }, "\((try? browser.source) ?? "")")
        let shown = try daemon.quay(["patron", "show", "HS000102"])
        // (Swift's == and contains see NFD and NFC as the same text: the bytes tell them apart.)
        let bytes = Data(shown.stdout.utf8)
        #expect(shown.status == 0 && bytes.range(of: Data("Phạm Đức Hải".precomposedStringWithCanonicalMapping.utf8)) != nil, "\(shown.stdout)")
        #expect(bytes.range(of: Data(decomposed.utf8)) == nil, "stored in NFC")
        #expect(try daemon.quay(["patron", "show", "HS000103"]).stdout.contains("6B"))

        // A bad row: its line and reason, and the good row not written either until confirmed.
        let bad = try file("bad.csv", "card,name\nHS000201,Ngô Văn Dũng\nHS000202,\nHS000101,Trùng Thẻ\n")
        try send(browser, console, bad)
        #expect(try browser.find("#create-count").text == "1")
        let refused = try browser.find("#refused").text
        #expect(refused.contains("Dòng 3") && refused.contains("name"), "\(refused)")
        #expect(refused.contains("Dòng 4: Số thẻ này đã được dùng: HS000101"), "the code in the staff member's words: \(refused)")
        #expect(try daemon.quay(["patron", "show", "HS000201"]).status != 0)
        // The same dry run from the command line.
        let cli = try daemon.quay(["patron", "import", bad, "--dry-run", "--lang", "en"])
        #expect(cli.status == 1 && cli.stdout.contains("Dry run: would import 1 patrons") && cli.stdout.contains("line 3"), "\(cli.stdout)")
        #expect(try daemon.quay(["patron", "show", "HS000201"]).status != 0)
    }

    @Test func aBlockedCardIsRefusedAtTheDeskWithItsReasonUntilItIsUnblocked() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let (daemon, base) = (console.daemon, console.base)
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        // Found without diacritics, then opened from the results.
        try browser.open(base + "/patrons")
        try browser.find("#q").type("nguyen anh" + Key.enter)
        try browser.waitFor(css: "#found a").click()
        #expect(browser.waitUntil { try browser.url.hasSuffix("/patrons/HS000001") })
        #expect(try browser.find("h1").text == "Nguyễn Thị Ánh")

        let reason = "Làm mất sách chưa đền"
        try browser.find("#block-reason").type(reason + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#status").attribute("data-status")) == "blocked" }, "\((try? browser.source) ?? "")")
        #expect(try browser.find("#status").text.contains(reason))
        let refused = try daemon.quay(["desk", "scan", "HS000001"])
        #expect(refused.stdout.contains(reason), "\(refused.stdout)\(refused.stderr)")
        #expect(try daemon.quay(["desk", "scan", "STK.000001"]).stdout.contains("✘"))
        try WebConsole.screenshot(browser, "patrons")

        try browser.find("#unblock button").click()
        #expect(browser.waitUntil { (try? browser.find("#status").attribute("data-status")) == "active" })
        #expect(try daemon.quay(["desk", "scan", "QUAY:END"]).status == 0)
        let opened = try daemon.quay(["desk", "scan", "HS000001"])
        #expect(!opened.stdout.contains(reason), "\(opened.stdout)")
        let lent = try daemon.quay(["desk", "scan", "STK.000001"])
        #expect(lent.stdout.contains("✔"), "\(lent.stdout)\(lent.stderr)")
        // The loan is on the patron's page, and the block and unblock in their history.
        try browser.open(base + "/patrons/HS000001")
        #expect(try browser.find("#loans").text.contains("STK.000001"))
        #expect(try browser.find("#history").text.contains("patron.block"))

        // A correction to a class that is not there is refused in words and changes nothing; once
        // the class is added, it is made.
        try browser.find("#class").clear()
        try browser.find("#class").type("6B" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#problem").text)?.contains("6B") == true }, "\((try? browser.source) ?? "")")
        #expect(try daemon.quay(["patron", "show", "HS000001"]).stdout.contains("6A"))
        #expect(try daemon.quay(["class", "add", "6B"]).status == 0)
        try browser.find("#class").clear()
        try browser.find("#class").type("6B" + Key.enter)
        #expect(browser.waitUntil { (try? daemon.quay(["patron", "show", "HS000001"]).stdout.contains("6B")) == true }, "\((try? browser.source) ?? "")")
        try browser.open(base + "/patrons")
        try browser.find("#add-card").type("HS000001")
        try browser.find("#add-name").type("Trùng Thẻ" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#problem").text)?.contains("HS000001") == true }, "\((try? browser.source) ?? "")")
        #expect(try daemon.quay(["patron", "show", "HS000001"]).stdout.contains("Nguyễn Thị Ánh"))
        // The classes page lists 6B with its pupil, and the class page names her.
        try browser.open(base + "/classes")
        let rows = try browser.findAll("#classes tbody tr").map { try $0.text }
        let pupils = try browser.findAll("#classes td.number").map { try $0.text }
        #expect(rows.count == 2 && rows[0].hasPrefix("6A") && rows[1].hasPrefix("6B") && pupils == ["0", "1"], "\(rows) \(pupils)")
        try browser.find("#classes a[href^='/classes/6B']").click()
        #expect(browser.waitUntil { (try? browser.find("#members").text)?.contains("Nguyễn Thị Ánh") == true })
        #expect(try browser.find("#homeroom").text == "—")
        try browser.find("#teacher").type("Phạm Thị Hoa" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#homeroom").text) == "Phạm Thị Hoa" }, "\((try? browser.source) ?? "")")
        #expect(try daemon.quay(["class", "list"]).stdout.contains("Phạm Thị Hoa"))
        // The same pages in English, by the language switch.
        try browser.open(base + "/classes?lang=en")
        #expect(try browser.find("h1").text.hasPrefix("Classes") && browser.find("#classes th").text == "Class")
        try browser.open(base + "/patrons/HS000001")
        #expect(try browser.find("#block button").text == "Block the card")
    }

    @Test func printersShowTheirJobsAndBackupsAreTakenFromThePage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-web-\(UUID().uuidString.prefix(8))")
        let console = try WebConsole(
            extraConfig: """
                [[printer]]
                name = "nhan"
                language = "zpl"
                address = "file:\(directory.appendingPathComponent("no-such-directory/nhan.zpl").path)"

                [backup]
                directory = "\(directory.appendingPathComponent("backups").path)"
                every = "1d"
                """)
        defer { withExtendedLifetime(console) {} }
        let (daemon, base) = (console.daemon, console.base)
        #expect(daemon.waitForLog("automatic backup taken"))
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        // A printer that cannot be reached: its job waits, and the page can cancel it.
        #expect(try daemon.quay(["print", "spine", "STK.000001"]).status == 0)
        try browser.open(base + "/printers")
        #expect(try browser.find("#printer-nhan").text.contains("file"))
        #expect(try browser.find("#job-1").text.contains("STK.000001"))
        try WebConsole.screenshot(browser, "printers")
        try browser.find("#cancel-1").click()
        #expect(browser.waitUntil { (try? browser.find("#job-1").attribute("data-state")) == "cancelled" }, "\((try? browser.source) ?? "")")
        #expect(try daemon.quay(["jobs", "list", "--all", "--json"]).stdout.contains("\"state\":\"cancelled\""))
        // A cancelled job's cancel is refused in words (the page posted twice, say): 422, nothing changed.
        let status = try browser.script(
            """
            const x = new XMLHttpRequest();
            x.open('POST', '/printers/jobs/1/cancel', false);
            x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
            x.send('csrf=' + encodeURIComponent(document.querySelector('meta[name=csrf]').content));
            return [x.status, x.responseText.indexOf('id="problem"') >= 0];
            """) as? [Any]
        #expect(status?.first as? Int == 422 && status?.last as? Bool == true, "\(String(describing: status))")

        // Back up now: a second backup in the directory, listed by quay.
        func backups() throws -> Int { try daemon.quay(["backups", "--json"]).stdout.components(separatedBy: "\"verified\"").count - 1 }
        #expect(try backups() == 1)
        try browser.open(base + "/backups")
        try browser.find("#take button").click()
        #expect(browser.waitUntil { (try? browser.findAll("#backups tbody tr").count) == 2 }, "\((try? browser.source) ?? "")")
        #expect(try backups() == 2)
        try WebConsole.screenshot(browser, "backups")
        #expect(try daemon.quay(["backups", "--now"]).status == 0)
        #expect(try backups() == 3)

        // A desk account reads the refusal, and no backup is taken.
        #expect(try daemon.quay(["staff", "add", "Minh", "--role", "desk"], stdin: WebConsole.password + "\n").status == 0)
        let desk = try Browser()
        defer { desk.close() }
        try console.logIn(desk, name: "Minh")
        #expect(desk.waitUntil { try desk.url.hasSuffix("/desk") })
        try desk.open(base + "/backups")
        try desk.find("#take button").click()
        #expect(desk.waitUntil { (try? desk.find("#problem").text)?.contains("quyền") == true }, "\((try? desk.source) ?? "")")
        #expect(try backups() == 3)
    }
}
