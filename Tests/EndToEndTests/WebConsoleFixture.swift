import Foundation
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What every browser test of the console (issue 20) stands on: a quayd with the console on a
/// free port, one desk (`quay-1`, Vietnamese) with a keyboard-wedge scanner at a FIFO, three
/// copies of Truyện Kiều, a pupil (HS000001, 6A), and an admin account `Lan`. The fixture keeps
/// the daemon alive as long as it lives; the FIFO goes with it.
final class WebConsole {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/web")
    static let password = "mật-khẩu-dài"

    let fifo: String
    let daemon: DaemonHarness
    /// `http://127.0.0.1:PORT`.
    let base: String

    init(extraConfig: String = "") throws {
        fifo = FileManager.default.temporaryDirectory.appendingPathComponent("quay-web-\(UUID().uuidString.prefix(8))").path
        #expect(mkfifo(fifo, 0o600) == 0)
        daemon = try DaemonHarness(
            extraConfig: """
                [web]
                listen = "127.0.0.1:0"

                [[desk]]
                name = "quay-1"
                language = "vi"

                [[scanner]]
                name = "may-quet-1"
                desk = "quay-1"
                path = "\(fifo)"
                kind = "evdev"

                \(extraConfig)
                """)
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "3", "--title", "Truyện Kiều"]).status == 0)
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Nguyễn Thị Ánh", "--class", "6A"]).status == 0)
        let added = try daemon.quay(["staff", "add", "Lan", "--role", "admin"], stdin: Self.password + "\n")
        #expect(added.status == 0, "\(added.stdout)\(added.stderr)")
        let deadline = Date().addingTimeInterval(10)
        var port = 0
        while port == 0 && Date() < deadline {
            port = Int(daemon.log.components(separatedBy: "web.port=").dropFirst().first?.prefix { $0.isNumber } ?? "") ?? 0
            if port == 0 { usleep(50_000) }
        }
        #expect(port > 0, "the log says the console's port")
        base = "http://127.0.0.1:\(port)"
    }

    deinit { unlink(fifo) }

    /// The login in Vietnamese (the language switch's cookie: the daemon's own language is English).
    func logIn(_ browser: Browser, name: String = "Lan", password: String = WebConsole.password) throws {
        try browser.open(base + "/login?lang=vi")
        try browser.find("#name").type(name)
        try browser.find("#password").type(password + Key.enter)
    }

    /// Logged in and on the desk screen.
    func loggedIn(_ browser: Browser) throws {
        try logIn(browser)
        #expect(browser.waitUntil { try browser.url.hasSuffix("/desk") })
    }

    /// The page as the staff see it, into docs/web/NAME.png when `QUAY_UPDATE_DOCS=1`.
    static func screenshot(_ browser: Browser, _ name: String) throws {
        let png = try browser.screenshot()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        if ProcessInfo.processInfo.environment["QUAY_UPDATE_DOCS"] == "1" {
            try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
            try png.write(to: docs.appendingPathComponent("\(name).png"))
        }
    }
}
