import CQuayShims
import Foundation
import QuayCodecs
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The staff web console (issue 20) in a real headless Chromium, through WebDriver, against a
/// real quayd: the login, the desk screen live from a scanner's FIFO, the CSRF check, the
/// slow-down after wrong passwords. `QUAY_UPDATE_DOCS=1` writes the screenshots of docs/web.md.
@Suite(.serialized) struct WebTests {
    @Test func aPageWithoutASessionIsTheLoginPageThenTheDeskShowsScansLive() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let (daemon, base, path) = (console.daemon, console.base, console.fifo)
        let browser = try Browser()
        defer { browser.close() }

        // No session: the login page, never data.
        try browser.open(base + "/desk")
        #expect(try browser.url.hasSuffix("/login"))
        #expect(try browser.find("h1").text == "Log in" && !(try browser.source.contains("Truyện Kiều")))
        // The switch to Vietnamese stays chosen.
        try browser.open(base + "/login?lang=vi")
        try browser.open(base + "/login")
        #expect(try browser.find("h1").text == "Đăng nhập")
        try WebConsole.screenshot(browser, "login")

        try console.loggedIn(browser)
        #expect(try browser.find("h1").text == "Quầy quay-1")
        // The event stream is open before the scans.
        #expect(browser.waitUntil { (try? browser.script("return document.readyState")) as? String == "complete" })
        usleep(500_000)

        let writer = open(path, O_WRONLY)
        #expect(writer >= 0)
        defer { close(writer) }
        let scans = try ["HS000001", "STK.000001", "STK.000002"].enumerated().map { index, code in
            try EvdevKeystrokes.records(for: code, at: EventTime(microseconds: 1_700_000_000_000_000 + Int64(index) * 1_000_000))
        }
        for scan in scans { #expect(scan.withUnsafeBytes { quay_write_all(writer, $0.baseAddress, $0.count) } == 0) }

        // The borrower, then both loans, live.
        #expect(browser.waitUntil { (try? browser.find("#borrower").text)?.contains("Nguyễn Thị Ánh") == true }, "\((try? browser.source) ?? "")")
        #expect(browser.waitUntil { (try? browser.findAll("#log li[data-outcome=lent]").count) == 2 }, "\((try? browser.source) ?? "")")
        #expect(browser.waitUntil { (try? browser.find("#loan-count").text) == "2" }, "the borrower's panel counts both loans")
        let outcome = try browser.find("#outcome")
        #expect(try outcome.text.contains("Đã cho mượn: Truyện Kiều"))
        #expect(try outcome.attribute("class")?.contains("ok") == true)
        // The log shows each scan's one outcome, no step before it.
        #expect(try !browser.source.contains("Cho mượn STK"))
        try WebConsole.screenshot(browser, "desk")

        // A refused scan, typed into the page as a wedge scanner would: red.
        try browser.find("#code").type("STK.000099" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#outcome").attribute("class"))??.contains("error") == true }, "\((try? browser.source) ?? "")")
        #expect(try browser.find("#outcome").text.contains("STK.000099"))
        #expect(try browser.findAll("#log li.error").count == 1)
        let log = try daemon.quay(["scans", "--desk", "quay-1", "--json"])
        #expect(log.stdout.contains("\"scanner\":\"keyboard\"") && log.stdout.contains("\"data\":\"STK.000099\""), "a typed scan is logged as a scan")
        try WebConsole.screenshot(browser, "desk-refused")

        // quayd stops while the page's event stream is open: the stream ends, quayd exits.
        let started = Date()
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 15) == 0, "quayd stops with a browser on the desk screen")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aFormWithoutItsCSRFTokenIsRefusedAndChangesNothing() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let daemon = console.daemon
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)
        // The session's cookie goes with it (same origin), but not the form's token.
        let status = try browser.script(
            """
            const x = new XMLHttpRequest();
            x.open('POST', '/desk/scan', false);
            x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
            x.send('code=HS000001&desk=quay-1');
            return x.status;
            """) as? Int
        #expect(status == 403)
        let scans = try daemon.quay(["scans", "--desk", "quay-1", "--json"])
        #expect(!scans.stdout.contains("HS000001"), "nothing scanned: \(scans.stdout)")
        // The cookie is HttpOnly and SameSite=Strict.
        let cookie = try browser.cookies().first { $0["name"] as? String == "quay_session" }
        #expect(cookie?["httpOnly"] as? Bool == true && cookie?["sameSite"] as? String == "Strict", "\(String(describing: cookie))")
    }

    @Test func fiveWrongPasswordsSlowTheNextTryDown() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let browser = try Browser()
        defer { browser.close() }
        var times: [Double] = []
        for _ in 0..<7 {
            let start = Date()
            try console.logIn(browser, password: "sai-mật-khẩu")
            #expect(browser.waitUntil { (try? browser.find("#problem").text) == "Sai tên hoặc mật khẩu" })
            times.append(Date().timeIntervalSince(start))
        }
        // The waits are floors, so a loaded machine only adds to them.
        #expect(times[5] >= 1.0 && times[6] >= 2.0, "the sixth try waits a second, the seventh two: \(times)")
        // The right password still logs in (after its wait), and clears the count.
        try console.logIn(browser)
        #expect(browser.waitUntil(timeout: 20) { try browser.url.hasSuffix("/desk") })
    }

    @Test func intakeShowsTheNewCopiesSpineLabelsAndARegisterDownloadsAsXLSX() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let (daemon, base) = (console.daemon, console.base)
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)

        try browser.open(base + "/intake")
        try browser.script("document.getElementById('register').value = 'STK'")
        try browser.find("#copies").type("3")
        try browser.find("#title").type("Dế Mèn phiêu lưu ký")
        try browser.find("#authors").type("Tô Hoài")
        try browser.find("#class_number").type("895.9223")
        try browser.find("#title").type(Key.enter)
        let done = try browser.waitFor(css: "#done")
        #expect(try done.text.contains("STK.000004") && done.text.contains("STK.000006"), "after the three copies of the setup")
        // Three spine labels, drawn by quayd, each a picture the browser could decode.
        let widths = try browser.script("return Array.from(document.querySelectorAll('.label img')).map(i => i.naturalWidth)") as? [Int]
        #expect(widths?.count == 3 && widths?.allSatisfy { $0 > 100 } == true, "\(String(describing: widths))")
        #expect(try browser.findAll(".label figcaption").map { try $0.text } == ["STK.000004", "STK.000005", "STK.000006"])
        #expect(try daemon.quay(["item", "show", "STK.000005"]).stdout.contains("Dế Mèn phiêu lưu ký"))
        try WebConsole.screenshot(browser, "intake")

        // The accession register, posted by the page's own form (its CSRF token), read back as bytes.
        try browser.open(base + "/reports")
        #expect(try browser.find("#report-so-ca-biet h2").text.isEmpty == false)
        try WebConsole.screenshot(browser, "reports")
        let encoded = try browser.script(
            """
            const form = document.querySelector('#report-so-ca-biet form');
            const x = new XMLHttpRequest();
            x.open('POST', '/reports/run', false);
            x.overrideMimeType('text/plain; charset=x-user-defined');
            x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
            x.send(new URLSearchParams(new FormData(form)).toString());
            if (x.status !== 200) { return 'status ' + x.status; }
            let bytes = '';
            for (let i = 0; i < x.responseText.length; i++) { bytes += String.fromCharCode(x.responseText.charCodeAt(i) & 0xff); }
            return [x.getResponseHeader('Content-Disposition'), btoa(bytes)];
            """) as? [String]
        #expect(encoded?.first?.contains("so-ca-biet.xlsx") == true, "\(String(describing: encoded?.first))")
        let xlsx = daemon.directory.appendingPathComponent("so-ca-biet.xlsx")
        try #require(Data(base64Encoded: encoded?.last ?? "")).write(to: xlsx)
        let read = try runProgram(
            "/usr/bin/python3",
            ["-c", "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\nprint('\\n'.join('|'.join(str(c) for c in r) for r in ws.iter_rows(values_only=True)))", xlsx.path])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.contains("STK.000006") && read.stdout.contains("Tô Hoài") && read.stdout.contains("Dế Mèn phiêu lưu ký"), "\(read.stdout)")

        // The reading statistics' charts on the page, drawn by quayd; a filter that does not parse is said.
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001", "STK.000004"]).status == 0)
        try browser.open(base + "/reports")
        try browser.find("#report-van-hoa-doc input[name='filter.since']").type("hôm qua")
        try browser.find("#report-van-hoa-doc button[formaction='/reports/chart']").click()
        #expect(browser.waitUntil { (try? browser.find("#report-van-hoa-doc #problem").text)?.contains("Bộ lọc không hợp lệ: since") == true }, "\((try? browser.source) ?? "")")
        try browser.find("#report-van-hoa-doc input[name='filter.since']").clear()
        try browser.find("#report-van-hoa-doc button[formaction='/reports/chart']").click()
        #expect(browser.waitUntil { (try? browser.script("const i = document.getElementById('chart'); return i && i.complete ? i.naturalWidth : 0") as? Int ?? 0) ?? 0 > 300 }, "\((try? browser.source.prefix(3000)) ?? "")")
        let svg = try browser.script("return atob(document.getElementById('chart').src.split(',')[1])") as? String
        #expect(svg?.contains("<svg") == true)
        try browser.script("document.getElementById('report-van-hoa-doc').scrollIntoView()")
        try WebConsole.screenshot(browser, "reports-chart")
    }
}
