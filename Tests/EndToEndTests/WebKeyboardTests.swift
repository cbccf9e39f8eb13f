import Foundation
import QuayTestSupport
import Testing

/// The console by keyboard alone (issue 20): a log-in, a loan and its undo, the way to another
/// page with Tab and Enter only, as a person without a mouse works; and on every page each
/// control has a name a screen reader says and can take the focus.
@Suite(.serialized) struct WebKeyboardTests {
    /// The pages of the menu (those that are there: a 404 is skipped).
    static let pages = ["/desk", "/catalogue", "/intake", "/patrons", "/equipment", "/inventory", "/reports", "/printers", "/backups"]

    @Test func aWholeLoanIsDoneWithTheKeyboardAlone() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let browser = try Browser()
        defer { browser.close() }

        // The login: the name field has the focus; Tab to the password; Enter logs in.
        try browser.open(console.base + "/login?lang=vi")
        #expect(try browser.focused.attribute("id") == "name")
        try browser.press("Lan" + Key.tab + WebConsole.password + Key.enter)
        #expect(browser.waitUntil { try browser.url.hasSuffix("/desk") })
        #expect(browser.waitUntil { (try? browser.script("return document.readyState")) as? String == "complete" })
        usleep(500_000)

        // The desk: the scan field has the focus, and keeps it after each scan.
        #expect(try browser.focused.attribute("id") == "code")
        try browser.press("HS000001" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#borrower").text)?.contains("Nguyễn Thị Ánh") == true })
        try browser.press("STK.000001" + Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#loan-count").text) == "1" }, "\((try? browser.find("#log").text) ?? "")")
        #expect(try browser.focused.attribute("id") == "code")
        // Tab to Send, Tab to Undo, Enter: the loan is reversed.
        try browser.press(Key.tab + Key.tab)
        #expect(try browser.focused.attribute("id") == "undo")
        try browser.press(Key.enter)
        #expect(browser.waitUntil { (try? browser.find("#loan-count").text) == "0" }, "\((try? browser.find("#log").text) ?? "")")
        let loans = try console.daemon.quay(["loans", "--patron", "HS000001", "--json"])
        #expect(!loans.stdout.contains("STK.000001"), "\(loans.stdout)")

        // To the inventory page with Tab and Enter only, from the top of the page.
        try browser.script("document.activeElement.blur(); window.scrollTo(0, 0)")
        var reached = false
        for _ in 0..<30 {
            try browser.press(Key.tab)
            if try browser.focused.attribute("href") == "/inventory" {
                reached = true
                break
            }
        }
        #expect(reached, "Tab reaches the menu's inventory link")
        try browser.press(Key.enter)
        #expect(browser.waitUntil { try browser.url.hasSuffix("/inventory") })
        // The focus is visible where it is (an outline of 3 px).
        try browser.press(Key.tab)
        let outline = try browser.script("return getComputedStyle(document.activeElement).outlineWidth") as? String
        #expect(outline == "3px", "\(String(describing: outline))")
    }

    @Test func everyControlOnEveryPageHasANameAndTakesTheFocus() throws {
        let console = try WebConsole()
        defer { withExtendedLifetime(console) {} }
        let browser = try Browser()
        defer { browser.close() }
        try console.loggedIn(browser)
        var checked = 0
        for page in Self.pages {
            try browser.open(console.base + page)
            // A page not built (404) has no h1 of ours.
            guard try !browser.findAll("main h1").isEmpty else { continue }
            checked += 1
            let faults = try browser.script(
                """
                const faults = [];
                for (const e of document.querySelectorAll('input, select, textarea, button, a[href]')) {
                  if (e.type === 'hidden' || e.offsetParent === null) { continue; }
                  const named = (e.labels && e.labels.length > 0) || e.getAttribute('aria-label') || e.getAttribute('title')
                    || (e.tagName === 'BUTTON' || e.tagName === 'A') && e.textContent.trim() !== '';
                  if (!named) { faults.push('no name: ' + e.outerHTML.slice(0, 120)); }
                  if (e.tabIndex < 0 || e.disabled) { faults.push('not focusable: ' + e.outerHTML.slice(0, 120)); }
                }
                for (const e of document.querySelectorAll('[onclick], div[tabindex], span[tabindex]')) {
                  faults.push('a mouse-only control: ' + e.outerHTML.slice(0, 120));
                }
                return faults;
                """) as? [String] ?? ["the script failed"]
            #expect(faults.isEmpty, "\(page): \(faults)")
        }
        #expect(checked >= 4, "the desk, intake, inventory and reports pages at least")
    }
}
