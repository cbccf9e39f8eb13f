import Foundation
import Testing

@testable import QuayWeb

/// The console's sessions and escaping, without a server.
@Suite struct WebSessionsTests {
    @Test func aSessionLivesWhileUsedAndEndsAfterItsIdleTime() {
        let sessions = WebSessions(idle: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let session = sessions.open(staff: "Lan", role: .desk, at: start)
        #expect(session.token.count >= 43 && session.csrf.count >= 43, "32 random bytes each")
        #expect(session.token != session.csrf)
        #expect(sessions.session(session.token, at: start.addingTimeInterval(50))?.staff == "Lan")
        // Each request touches it: 50 s after the last one it still lives.
        #expect(sessions.session(session.token, at: start.addingTimeInterval(100)) != nil)
        #expect(sessions.session(session.token, at: start.addingTimeInterval(161)) == nil, "idle past its time: logged out")
        #expect(sessions.session(session.token, at: start.addingTimeInterval(162)) == nil, "and forgotten")
        #expect(sessions.session(nil, at: start) == nil)
        #expect(sessions.session("not-a-token", at: start) == nil)
    }

    @Test func tokensDoNotRepeatAndAClosedSessionIsGone() {
        let sessions = WebSessions(idle: 600)
        let now = Date()
        let tokens = (0..<200).map { _ in sessions.open(at: now).token }
        #expect(Set(tokens).count == 200)
        #expect(tokens.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } }, "a cookie's characters")
        sessions.close(tokens[0])
        #expect(sessions.session(tokens[0], at: now) == nil)
        #expect(sessions.session(tokens[1], at: now) != nil)
    }

    @Test func everyValueIsEscapedForHTML() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'Kiều'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Kiều&#39;")
        let context = PageContext(language: .vi, staff: "<b>Lan</b>", role: .desk, csrf: "t\"oken", school: "Trường <Thử>")
        let page = Pages.login(context, name: "\"><img src=x onerror=alert(1)>", problem: "<i>sai</i>")
        #expect(!page.contains("<img src=x") && !page.contains("<i>sai</i>") && !page.contains("<b>Lan</b>") && !page.contains("<Thử>"))
        #expect(page.contains("value=\"t&quot;oken\""), "the CSRF field")
    }
}

/// A form or a query as the browser encodes it, decoded once for every page.
@Suite struct FormDecodingTests {
    @Test func spacesPercentsAndRepeatsAreDecodedAndNothingIsInvented() {
        let form = Form(encoded: "q=truy%E1%BB%87n+ki%E1%BB%81u&key=A&key=B&=orphan&bad=%zz&empty=")
        #expect(form["q"] == "truyện kiều")
        #expect(form.all("key") == ["A", "B"])
        // A pair without a name is dropped, not read as a name; a value that does not decode is kept as sent.
        #expect(form["orphan"] == nil && form["bad"] == "%zz")
        #expect(form["empty"] == "" && form.text("empty") == nil)
        // NFD from a browser arrives in NFC.
        #expect(Form(encoded: "name=Nguye%CC%82%CC%83n").pairs.first?.1.unicodeScalars.count == "Nguyễn".unicodeScalars.count)
    }
}
