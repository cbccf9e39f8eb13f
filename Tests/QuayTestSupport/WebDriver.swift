import Foundation

#if canImport(Glibc)
import Glibc
#endif

// A small synchronous W3C WebDriver client, for the web console's end-to-end tests: a real
// headless Chromium (Debian's `chromium` and `chromium-driver`) driven through chromedriver.
//
// Every call here was first tried by hand, in the same order and with the same JSON, against
// ChromeDriver 156.0.8078.114 and Chromium 156.0.8078.114 (Debian 12, amd64, as root):
// POST /session, /timeouts, /url, /element, /elements, /element/{id}/element(s), /element/{id}/click,
// /clear, /value, /execute/sync, /window/rect, /back, DELETE /session/{id}, /cookie; GET /status,
// /url, /title, /source, /cookie, /screenshot, /element/{id}/text, /name, /attribute/{n},
// /property/{n}, /selected, /enabled, /displayed. What was seen on the way:
// - chromedriver --port=0 picks a free port and prints "started successfully on port N" on stdout,
//   so there is no race between choosing a port and binding it.
// - Without --allowed-ips it listens on 127.0.0.1 and ::1 only; with --allowed-ips=127.0.0.1 it
//   listens on every interface and filters by address, so that flag is left out on purpose.
// - It answers "Connection:close" (no space after the colon) but keeps the socket open: a reply
//   is read to its Content-Length, never to end of file. A Host other than 127.0.0.1 or
//   localhost is refused with 403. A POST without a JSON body is refused ("missing command
//   parameters"), so commands without parameters send `{}`.
// - With --headless=new and --window-size=1366,768 the page gets 1366×625: the window keeps room
//   for browser chrome. The window is grown by the difference so the viewport (and screenshots)
//   are exactly the size asked for.
// - --lang does not change navigator.languages in headless mode; the intl.accept_languages pref does.
// - chrome_crashpad_handler detaches into a session of its own, outside chromedriver's process
//   group; XDG_CONFIG_HOME in the browser's own directory puts its database there, so `close()`
//   finds it by that path. SIGTERM to the group after DELETE /session leaves nothing running
//   within ~0.3 s; the browser's processes, orphaned, stay zombies until PID 1 reaps them (about
//   2 s here), and `pgrep chrom` lists zombies too: a check for leftovers should skip state Z.
// - POST /session alone takes 0.8–1.5 s on this 2-core machine; `Browser.init` as a whole 1.7–2.1 s.
// This file itself was then compiled with swiftc beside ChildProcess.swift and a throwaway main
// that made each call above against a local page (Vietnamese typed, read back and screenshotted).
// - Vietnamese renders with fonts-dejavu-core for sans-serif, serif and bold text. DejaVu Sans Mono
//   lacks 58 Vietnamese letters (ả ấ ầ ẩ ẫ ắ ẳ ẵ ẻ ế ề ể ễ ỉ ỏ ố ồ ổ ỗ ở ủ ử ỷ and capitals): text
//   set in `monospace` shows those with misplaced marks.

/// A failed WebDriver command: the W3C error code ("no such element", "stale element
/// reference", "javascript error", "timeout", …) and chromedriver's message. The client's own
/// failures use "chromedriver" (it did not start or answer) and "transport" (the HTTP exchange).
public struct WebDriverError: Error, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The request, such as `POST /session/…/element`.
    public var command: String

    public static let noSuchElement = "no such element"
    public static let staleElementReference = "stale element reference"
    public static let javascriptError = "javascript error"
    public static let timeout = "timeout"

    public init(code: String, message: String, command: String) {
        self.code = code
        self.message = message
        self.command = command
    }

    public var description: String { "\(command): \(code): \(message)" }
}

/// Keys for `Element.type`, from the W3C WebDriver key table.
public enum Key {
    public static let enter = "\u{E007}"
    public static let tab = "\u{E004}"
    public static let backspace = "\u{E003}"
    public static let escape = "\u{E00C}"
}

/// A headless Chromium driven through its own chromedriver, with a fresh profile in a
/// temporary directory. Not thread-safe: one test drives one browser. `close()` (or deinit)
/// ends the session and every process it started.
public final class Browser {
    /// The default limit, in seconds, for starting, page loads, scripts and the waits.
    public let timeout: Double
    /// Holds the profile, chromedriver's log, and Chromium's config and cache (XDG) directories.
    public let directory: URL
    private let driver: ChildProcess
    private var http: DriverHTTP
    private var sessionPath = ""
    private var closed = false

    private static let chromedriver = "/usr/bin/chromedriver"
    // Chromium itself, not /usr/bin/chromium: that wrapper script adds the flags in /etc/chromium.d.
    private static let chromium = "/usr/lib/chromium/chromium"

    /// Starts chromedriver and a headless session whose viewport is `width`×`height` CSS pixels;
    /// pages see `acceptLanguages` as the browser's languages.
    public init(timeout: Double = 30, width: Int = 1366, height: Int = 768, acceptLanguages: String = "vi-VN,vi") throws {
        self.timeout = timeout
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-browser-\(UUID().uuidString.prefix(8))")
        let profile = directory.appendingPathComponent("profile")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("chromedriver.log").path
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
        do {
            driver = try ChildProcess(
                Self.chromedriver, ["--port=0"], environment: environment, stdout: log, stderr: log, newProcessGroup: true)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        http = DriverHTTP(port: 0, timeout: timeout + 30)
        do {
            try start(log: log, profile: profile.path, width: width, height: height, acceptLanguages: acceptLanguages)
        } catch {
            close()
            throw error
        }
    }

    private func start(log: String, profile: String, width: Int, height: Int, acceptLanguages: String) throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        let pattern = /started successfully on port (\d+)/
        while http.port == 0 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: pattern), let port = UInt16(match.1) {
                http.port = port
            } else if !driver.isRunning || ContinuousClock.now > deadline {
                throw WebDriverError(code: "chromedriver", message: "did not start: \(text)", command: Self.chromedriver)
            } else {
                usleep(10_000)
            }
        }
        while (try? command("GET", "/status") as? [String: Any])?["ready"] as? Bool != true {
            guard ContinuousClock.now < deadline else {
                throw WebDriverError(code: "chromedriver", message: "not ready within \(timeout) s", command: "GET /status")
            }
            usleep(20_000)
        }
        let arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
            "--user-data-dir=\(profile)", "--no-first-run", "--disable-background-networking", "--disable-sync",
            "--disable-component-update", "--disable-default-apps", "--no-default-browser-check",
        ]
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome", "pageLoadStrategy": "normal",
                    "goog:chromeOptions": [
                        "binary": Self.chromium, "args": arguments, "prefs": ["intl.accept_languages": acceptLanguages],
                    ] as [String: Any],
                ] as [String: Any]
            ]
        ]
        guard let reply = try command("POST", "/session", capabilities) as? [String: Any], let id = reply["sessionId"] as? String else {
            throw WebDriverError(code: "chromedriver", message: "no sessionId in the new session's reply", command: "POST /session")
        }
        sessionPath = "/session/\(id)"
        let milliseconds = Int(timeout * 1000)
        try session("POST", "/timeouts", ["implicit": 0, "pageLoad": milliseconds, "script": milliseconds])
        // The window includes room for browser chrome even when headless: grow it by the difference.
        let inner = (try script("return [window.innerWidth, window.innerHeight]") as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
        if inner.count == 2, inner != [width, height] {
            try session("POST", "/window/rect", ["width": 2 * width - inner[0], "height": 2 * height - inner[1]])
        }
    }

    // MARK: Pages

    public func open(_ url: String) throws {
        try session("POST", "/url", ["url": url])
    }

    /// The current page's address.
    public var url: String {
        get throws { try session("GET", "/url") as? String ?? "" }
    }

    public var title: String {
        get throws { try session("GET", "/title") as? String ?? "" }
    }

    /// The page's DOM serialized as HTML (as it is now, not as it was sent).
    public var source: String {
        get throws { try session("GET", "/source") as? String ?? "" }
    }

    public func back() throws {
        try session("POST", "/back")
    }

    /// The first element matching the CSS selector; throws "no such element" if none does.
    public func find(_ css: String) throws -> Element {
        try element(from: session("POST", "/element", ["using": "css selector", "value": css]), "POST /element \(css)")
    }

    /// Every element matching the CSS selector, in document order; none is not an error.
    public func findAll(_ css: String) throws -> [Element] {
        let value = try session("POST", "/elements", ["using": "css selector", "value": css])
        return try (value as? [Any] ?? []).map { try element(from: $0, "POST /elements \(css)") }
    }

    /// Runs `js` as a function body (it returns with `return`) with `args` as `arguments`;
    /// `args` and the result are JSONSerialization values, and an `Element` stands for its
    /// DOM node both ways. `undefined` and `null` are nil.
    @discardableResult
    public func script(_ js: String, _ args: [Any] = []) throws -> Any? {
        let value = try session("POST", "/execute/sync", ["script": js, "args": args.map(Self.wire)])
        return decode(value)
    }

    // MARK: The keyboard

    /// Presses `text`'s keys on whatever has the focus, as a person at the keyboard does (the
    /// W3C actions: each key down then up); `Key.tab` moves the focus, `Key.enter` activates.
    public func press(_ text: String) throws {
        var actions: [[String: Any]] = []
        for scalar in text.unicodeScalars {
            actions.append(["type": "keyDown", "value": String(scalar)])
            actions.append(["type": "keyUp", "value": String(scalar)])
        }
        try session("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        try session("DELETE", "/actions")
    }

    /// The element that has the focus now.
    public var focused: Element {
        get throws { try element(from: session("GET", "/element/active"), "GET /element/active") }
    }

    // MARK: Cookies and screenshots

    /// The page's cookies as W3C cookie objects: name, value, path, domain, httpOnly, secure, sameSite, expiry.
    public func cookies() throws -> [[String: Any]] {
        try session("GET", "/cookie") as? [[String: Any]] ?? []
    }

    public func deleteCookies() throws {
        try session("DELETE", "/cookie")
    }

    /// The viewport as PNG bytes.
    public func screenshot() throws -> Data {
        let command = "GET \(sessionPath)/screenshot"
        guard let base64 = try session("GET", "/screenshot") as? String, let png = Data(base64Encoded: base64) else {
            throw WebDriverError(code: "transport", message: "the screenshot is not Base64", command: command)
        }
        return png
    }

    // MARK: Waiting

    /// Polls `condition` every 50 ms until it is true (true) or `timeout` passes (false). A
    /// condition that throws, say on an element made stale by a navigation, counts as not yet.
    public func waitUntil(timeout: Double? = nil, _ condition: () throws -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(timeout ?? self.timeout)
        while true {
            if (try? condition()) == true { return true }
            if ContinuousClock.now > deadline { return false }
            usleep(50_000)
        }
    }

    /// The first element matching `css` once there is one; throws "timeout" if none comes.
    public func waitFor(css: String, timeout: Double? = nil) throws -> Element {
        var found: Element?
        _ = waitUntil(timeout: timeout) {
            found = try findAll(css).first
            return found != nil
        }
        guard let found else {
            throw WebDriverError(
                code: WebDriverError.timeout, message: "no element matched \(css) within \(timeout ?? self.timeout) s",
                command: "wait for \(css)")
        }
        return found
    }

    // MARK: Ending

    /// Ends the session, chromedriver, and every browser process; removes `directory`. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        if !sessionPath.isEmpty {
            var quick = http
            quick.timeout = 10
            _ = try? quick.exchange("DELETE", sessionPath, body: nil)
        }
        driver.signalGroup(SIGTERM)
        _ = driver.wait(timeout: 5)
        let deadline = ContinuousClock.now + .seconds(5)
        while !survivors().isEmpty && ContinuousClock.now < deadline { usleep(20_000) }
        for pid in survivors() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { close() }

    /// Live (not zombie) processes that are chromedriver's: in its process group, or naming
    /// `directory` on their command line (the browser's profile, crashpad's database).
    private func survivors() -> [pid_t] {
        let marker = Array(directory.path.utf8)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), pid != getpid(),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let paren = stat.lastIndex(of: ")")
            else { return nil }
            // After "comm)": state, ppid, pgrp.
            let fields = stat[stat.index(after: paren)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z" else { return nil }
            if pid_t(fields[2]) == driver.pid { return pid }
            guard let cmdline = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            return cmdline.range(of: Data(marker)) != nil ? pid : nil
        }
    }

    // MARK: The wire

    fileprivate static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// A command on this session; `body` nil sends `{}` for a POST (chromedriver wants a body).
    @discardableResult
    fileprivate func session(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any {
        try command(method, sessionPath + path, body)
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any {
        let name = "\(method) \(path)"
        var payload: Data?
        if method == "POST" {
            do {
                payload = try JSONSerialization.data(withJSONObject: body ?? [:])
            } catch {
                throw WebDriverError(code: "invalid argument", message: "not JSON: \(error)", command: name)
            }
        }
        let (status, data) = try http.exchange(method, path, body: payload)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let value = object["value"] else {
            throw WebDriverError(
                code: "transport", message: "HTTP \(status): \(String(decoding: data.prefix(500), as: UTF8.self))", command: name)
        }
        if status >= 400 {
            let error = value as? [String: Any] ?? [:]
            let message = (error["message"] as? String ?? "").components(separatedBy: "\n  (Session info:").first ?? ""
            throw WebDriverError(code: error["error"] as? String ?? "HTTP \(status)", message: message, command: name)
        }
        return value
    }

    fileprivate func element(from value: Any, _ command: String) throws -> Element {
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else {
            throw WebDriverError(code: "transport", message: "not an element reference: \(value)", command: command)
        }
        return Element(browser: self, id: id)
    }

    /// Elements become W3C element references, inside arrays and objects too.
    fileprivate static func wire(_ value: Any) -> Any {
        switch value {
        case let element as Element: [elementKey: element.id]
        case let array as [Any]: array.map(wire)
        case let object as [String: Any]: object.mapValues(wire)
        default: value
        }
    }

    /// The inverse of `wire`; a top-level null is nil.
    fileprivate func decode(_ value: Any) -> Any? {
        switch value {
        case is NSNull: return nil
        case let array as [Any]: return array.map { decode($0) ?? NSNull() }
        case let object as [String: Any]:
            if object.count == 1, let id = object[Self.elementKey] as? String { return Element(browser: self, id: id) }
            return object.mapValues { decode($0) ?? NSNull() }
        default: return value
        }
    }
}

/// A DOM element of the page it was found on; a navigation makes it stale.
public struct Element {
    public let browser: Browser
    /// chromedriver's reference to the node.
    public let id: String

    private var path: String { "/element/\(id)" }

    /// The rendered text, as the user sees it (CSS visibility and whitespace applied).
    public var text: String {
        get throws { try browser.session("GET", path + "/text") as? String ?? "" }
    }

    /// The tag name, lower case.
    public var tagName: String {
        get throws { try browser.session("GET", path + "/name") as? String ?? "" }
    }

    /// The HTML attribute as written (an input's `value` attribute is its initial value); nil if absent.
    public func attribute(_ name: String) throws -> String? {
        try browser.session("GET", path + "/attribute/\(name)") as? String
    }

    /// The DOM property (an input's `value` property is what it holds now); nil if undefined.
    public func property(_ name: String) throws -> Any? {
        browser.decode(try browser.session("GET", path + "/property/\(name)"))
    }

    public var isSelected: Bool {
        get throws { try browser.session("GET", path + "/selected") as? Bool ?? false }
    }

    public var isEnabled: Bool {
        get throws { try browser.session("GET", path + "/enabled") as? Bool ?? false }
    }

    /// chromedriver's visibility check (an extension W3C keeps for compatibility).
    public var isDisplayed: Bool {
        get throws { try browser.session("GET", path + "/displayed") as? Bool ?? false }
    }

    /// Focuses the element and types `text`, any Unicode (Vietnamese, astral); `Key.enter` and
    /// the other `Key`s press those keys, so `type("Truyện Kiều" + Key.enter)` submits a form.
    public func type(_ text: String) throws {
        try browser.session("POST", path + "/value", ["text": text])
    }

    public func click() throws {
        try browser.session("POST", path + "/click")
    }

    /// Empties an input or textarea.
    public func clear() throws {
        try browser.session("POST", path + "/clear")
    }

    /// Submits the form this element is or belongs to, as its submit button would (WebDriver
    /// has no submit command any more; requestSubmit runs validation and the submit event).
    public func submit() throws {
        try browser.script("const e = arguments[0]; (e instanceof HTMLFormElement ? e : e.form).requestSubmit();", [self])
    }

    /// The first descendant matching the CSS selector.
    public func find(_ css: String) throws -> Element {
        try browser.element(from: browser.session("POST", path + "/element", ["using": "css selector", "value": css]), "POST \(path)/element \(css)")
    }

    public func findAll(_ css: String) throws -> [Element] {
        let value = try browser.session("POST", path + "/elements", ["using": "css selector", "value": css])
        return try (value as? [Any] ?? []).map { try browser.element(from: $0, "POST \(path)/elements \(css)") }
    }
}

/// HTTP/1.1 to chromedriver over a loopback TCP socket, one connection a request. Not
/// URLSession: a synchronous call through it needs a semaphore and a result box shared with its
/// delegate queue, which Swift 6's strict concurrency checking makes awkward to state; this is
/// plain blocking syscalls on the caller's thread, with nothing to share.
struct DriverHTTP {
    var port: UInt16
    /// Seconds a send or a receive may block (SO_SNDTIMEO, SO_RCVTIMEO).
    var timeout: Double

    /// Sends one request and reads its reply to the reply's Content-Length.
    func exchange(_ method: String, _ path: String, body: Data?) throws -> (status: Int, body: Data) {
        let name = "\(method) \(path)"
        func failure(_ call: String) -> WebDriverError {
            WebDriverError(code: "transport", message: "\(call): \(String(cString: strerror(errno)))", command: name)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw failure("socket") }
        defer { Glibc.close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)  // 127.0.0.1
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw failure("connect to 127.0.0.1:\(port)") }

        // chromedriver refuses a Host other than 127.0.0.1 or localhost (DNS rebinding).
        var request = Data(
            ("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
                + "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body?.count ?? 0)\r\n"
                + "Connection: close\r\n\r\n").utf8)
        request.append(body ?? Data())
        try request.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var sent = 0
            while sent < bytes.count {
                let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure("send") }
                sent += n
            }
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        /// Reads more; false at end of file.
        func receive() throws -> Bool {
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    throw WebDriverError(code: "transport", message: "no answer within \(timeout) s", command: name)
                }
                guard n >= 0 else { throw failure("recv") }
                received.append(contentsOf: buffer[0..<n])
                return n > 0
            }
        }
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            guard try receive() else {
                throw WebDriverError(code: "transport", message: "the connection closed before a reply", command: name)
            }
            headEnd = received.range(of: separator)
        }
        let head = String(decoding: received[..<headEnd!.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw WebDriverError(code: "transport", message: "not an HTTP status line: \(head[0])", command: name)
        }
        // chromedriver writes "Content-Length:252"; the space after the colon is optional.
        var length: Int?
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
                length = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }
        let bodyStart = headEnd!.upperBound
        if let length {
            while received.count - bodyStart < length {
                guard try receive() else {
                    throw WebDriverError(code: "transport", message: "the reply ended before its Content-Length", command: name)
                }
            }
            return (status, received.subdata(in: bodyStart..<(bodyStart + length)))
        }
        while try receive() {}
        return (status, received.subdata(in: bodyStart..<received.count))
    }
}
