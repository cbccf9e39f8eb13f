import Foundation
import QuayTestSupport
import Testing

/// The console's inventory page (issue 20) in a real Chromium against a real quayd: each
/// shelf's counts grow live as a desk in inventory mode, `quay inventory scan` and the page's own
/// form record scans; the close and the apply from the page.
@Suite(.serialized) struct WebInventoryTests {
    @Test func theInventoryInProgressShowsEachShelfsCountsLive() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let daemon = console.daemon
        // STK.000001–3 (the fixture's) have no shelf on record; STK.000004–6 are on KE-A.
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "3", "--title", "Toán vui", "--class-number", "510", "--location", "KE-A"]).status == 0)
        let browser = try Browser()
        defer { browser.close() }

        // Without a session: the login page, never the counts.
        try browser.open(console.base + "/inventory/live")
        #expect(try browser.url.hasSuffix("/login"))
        try console.loggedIn(browser)
        try browser.open(console.base + "/inventory")
        #expect(try browser.find("#live").text.contains("Chưa có đợt kiểm kê nào"))

        // A refused start changes nothing and says why.
        try browser.find("#scope").type("shelf=A" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#problem").text)?.contains("shelf=A") == true }, "\((try? browser.source) ?? "")")
        #expect(try daemon.quay(["inventory", "status"]).status != 0, "no session was opened")
        try browser.find("#scope").type("register=STK" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#state").text) == "đang kiểm kê" }, "\((try? browser.source) ?? "")")
        #expect(try browser.find("#count-expected").text == "6")
        #expect(browser.waitUntil { (try? browser.script("return document.readyState")) as? String == "complete" })
        usleep(500_000)

        // A desk in inventory mode: the shelf's barcode, then two copies.
        #expect(try daemon.quay(["desk", "mode", "inventory", "--desk", "quay-1"]).status == 0)
        for code in ["KE-A", "STK.000004", "STK.000005"] {
            let scanned = try daemon.quay(["desk", "scan", code, "--desk", "quay-1"])
            #expect(scanned.status == 0, "\(scanned.stdout)\(scanned.stderr)")
        }
        #expect(browser.waitUntil { (try? shelf(browser, "KE-A")) == ["KE-A", "2", "2", "0", "0"] }, "\((try? browser.find("#live").text) ?? "")")
        #expect(try browser.find("#count-seen").text == "2" && browser.find("#count-remaining").text == "4")

        // Through the socket, as a handheld's batch would come: a copy of KE-A on KE-B, a code of nothing.
        #expect(try daemon.quay(["inventory", "scan", "--location", "KE-B", "STK.000006", "XYZ-9"]).status == 0)
        #expect(browser.waitUntil { (try? shelf(browser, "KE-B")) == ["KE-B", "2", "1", "1", "1"] }, "\((try? browser.find("#live").text) ?? "")")
        #expect(try browser.find("#count-unknown").text == "1")

        // The page's own form (a wedge scanner typing into it): a copy with no shelf on record is not misplaced.
        try browser.find("#location").type("KE-C")
        try browser.find("#codes").type("STK.000001")
        try browser.find("#inventory-scan button").click()
        #expect(browser.waitUntil { (try? shelf(browser, "KE-C")) == ["KE-C", "1", "1", "0", "0"] }, "\((try? browser.find("#live").text) ?? "")")
        try WebConsole.screenshot(browser, "inventory")

        // The same counts on the command line.
        let status = try daemon.quay(["inventory", "status", "--shelves", "--lang", "vi"])
        #expect(status.stdout.contains("Sai chỗ") && status.stdout.split(separator: "\n").contains { $0.hasPrefix("KE-B") && $0.contains("  1  ") }, "\(status.stdout)")
        let json = try daemon.quay(["inventory", "status", "--shelves", "--json"])
        #expect(json.stdout.contains(#""location":"KE-B","misplaced":1,"scans":2,"seen":1,"unknown":1"#), "\(json.stdout)")

        // Close and apply from the page.
        try browser.find("#close").click()
        #expect(browser.waitUntil { (try? browser.find("#state").text) == "đã kết thúc" }, "\((try? browser.source) ?? "")")
        #expect(try browser.find("#count-missing").text == "2", "STK.000002 and STK.000003 were not seen")
        try browser.find("#apply").click()
        #expect(browser.waitUntil { (try? browser.find("#state").text) == "đã áp dụng" }, "\((try? browser.source) ?? "")")
        #expect(try daemon.quay(["item", "show", "STK.000003", "--json"]).stdout.contains(#""status":"missing""#))
    }

    /// A shelf's row of the table: its name and counts, without the time of its last scan.
    private func shelf(_ browser: Browser, _ name: String) throws -> [String]? {
        for row in try browser.findAll("#shelves tbody tr") {
            let cells = try row.findAll("th, td").map { try $0.text }
            if cells.first == name { return Array(cells.prefix(5)) }
        }
        return nil
    }
}
