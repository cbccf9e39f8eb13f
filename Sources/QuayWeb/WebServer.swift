import Foundation
import Hummingbird
import Logging
import QuayCore
import QuayProtocol
import ServiceLifecycle

/// Where the console listens, and how long a session lives without a request (`[web]`).
public struct WebSettings: Sendable, Equatable {
    /// `host:port`: loopback unless an admin names a LAN address; port 0 takes any free port
    /// (the log says which), for tests.
    public var listen = "127.0.0.1:8470"
    public var idleMinutes = 30

    public init() {}

    /// The host and port of `listen`.
    public var address: (host: String, port: Int)? {
        ListenAddress.parse(listen)
    }
}

/// The console (SPEC §17), on Hummingbird: pages made on the server from the replies of
/// ordinary ops (`WebBackend`), a little JavaScript for the live parts, every asset served from
/// here. Without a live session a request gets the login page, never data; every form carries
/// its session's CSRF token, and a post without it is refused; a failure is said in the staff
/// member's words, never as a trace.
public struct WebServer: Sendable {
    let backend: WebBackend
    let settings: WebSettings
    let sessions: WebSessions
    let school: String
    let language: Language
    let logger: Logger
    let now: @Sendable () -> Date

    static let sessionCookie = "quay_session"
    static let languageCookie = "quay_lang"
    static let maxForm = 64 * 1024

    public init(backend: WebBackend, settings: WebSettings, school: String, language: Language, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.backend = backend
        self.settings = settings
        self.sessions = WebSessions(idle: TimeInterval(settings.idleMinutes * 60))
        self.school = school
        self.language = language
        self.logger = logger
        self.now = now
    }

    /// The server as a service of quayd's group; `bound` is told the port it listens on.
    public func application(bound: @escaping @Sendable (Int) -> Void = { _ in }) -> some Service {
        Application(
            router: router(),
            configuration: .init(address: .hostname(settings.address?.host ?? "127.0.0.1", port: settings.address?.port ?? 8470), serverName: nil),
            onServerRunning: { channel in bound(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/assets/app.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/assets/desk.js") { _, _ in Self.asset(Assets.deskScript, type: "text/javascript; charset=utf-8") }
        router.get("/") { request, _ in
            let session = sessions.session(request.cookies[Self.sessionCookie]?.value, at: now())
            return Self.redirect(session?.staff == nil ? "/login" : "/desk")
        }
        router.get("/login") { request, _ in
            let (session, fresh) = visitor(request)
            var response = html(Pages.login(pageContext(request, session)), for: request)
            if fresh { setCookie(&response, session) }
            return response
        }
        router.post("/login") { request, _ in
            var request = request
            let (session, fresh) = visitor(request)
            let form = try await Self.form(&request)
            guard form["csrf"] == session.csrf else { return forbidden(request, session) }
            let name = VietnameseText.nfc(form["name"] ?? "")
            let reply: Reply<StaffView> = await call(.staffLogin, StaffLoginArgs(name: name, password: form["password"] ?? ""), role: .desk, actor: "web", request)
            guard let staff = reply.result, reply.ok else {
                var response = html(Pages.login(pageContext(request, session), name: name, problem: reply.error?.message), status: .unauthorized, for: request)
                if fresh { setCookie(&response, session) }
                return response
            }
            // A new session for the logged-in member: the visitor's token is worth nothing now.
            sessions.close(session.token)
            let logged = sessions.open(staff: staff.name, role: StaffRole(rawValue: staff.role) ?? .desk, at: now())
            logger.info("web login", metadata: ["staff": "\(staff.name)"])
            var response = Self.redirect("/desk")
            setCookie(&response, logged)
            return response
        }
        router.post("/logout") { request, _ in
            var request = request
            guard let session = member(request) else { return Self.redirect("/login") }
            guard try await Self.form(&request)["csrf"] == session.csrf else { return forbidden(request, session) }
            sessions.close(session.token)
            return Self.redirect("/login")
        }
        router.get("/desk") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let context = pageContext(request, session)
            let reply: Reply<ScannersResult> = await call(.scannerList, NoArguments?.none, session: session, request)
            guard let desks = reply.result?.desks, !desks.isEmpty else {
                return html(Pages.problem(context, title: context.t("Quầy", "Desk"), message: reply.error?.message ?? context.t("Không có quầy nào", "No desk")), for: request)
            }
            let wanted = request.uri.queryParameters["desk"].map(String.init)
            let desk = desks.first { $0.name == wanted } ?? desks[0]
            return html(Pages.desk(context, desk: desk.name, mode: desk.mode, modes: DeskMode.allCases.map(\.rawValue), borrower: desk.borrower), for: request)
        }
        router.get("/desk/borrower") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let context = pageContext(request, session)
            let card = String(request.uri.queryParameters["card"] ?? "")
            let patron: Reply<PatronView> = await call(.patronShow, CardArgs(card: card), session: session, request)
            guard let found = patron.result else { return html(HTML.escape(patron.error?.message ?? card), for: request) }
            let loans: Reply<LoansResult> = await call(.loanList, LoanListArgs(patron: card), session: session, request)
            let today = ISO8601DateFormatter().string(from: now())
            return html(Pages.borrower(context, patron: found, loans: loans.result?.loans ?? [], now: today), for: request)
        }
        router.post("/desk/scan") { request, _ in
            var request = request
            guard let session = member(request) else { return Self.redirect("/login") }
            let form = try await Self.form(&request)
            guard form["csrf"] == session.csrf || request.headers[.init("X-CSRF-Token")!] == session.csrf else { return forbidden(request, session) }
            let desk = form["desk"].flatMap { $0.isEmpty ? nil : $0 }
            let line = await backend.call(
                requestLine(.deskScan, DeskScanArgs(code: form["code"] ?? "", desk: desk), request), role: session.role ?? .desk, actor: session.staff ?? "web")
            // The page's script reads the reply; a form posted without it comes back to the desk.
            if request.headers[.accept]?.contains("application/json") == true {
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: line)))
            }
            return Self.redirect("/desk" + (desk.map { "?desk=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "") } ?? ""))
        }
        router.post("/desk/mode") { request, _ in
            var request = request
            guard let session = member(request) else { return Self.redirect("/login") }
            let form = try await Self.form(&request)
            guard form["csrf"] == session.csrf else { return forbidden(request, session) }
            let desk = form["desk"].flatMap { $0.isEmpty ? nil : $0 }
            let _: Reply<DeskInfo> = await call(.deskMode, DeskModeArgs(mode: form["mode"] ?? "", desk: desk), session: session, request)
            return Self.redirect("/desk" + (desk.map { "?desk=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "") } ?? ""))
        }
        router.get("/events") { request, _ in
            guard member(request) != nil else { return Self.redirect("/login") }
            let lines = backend.events(["desk", "device"])
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    // A first line at once, so the browser knows the stream is open.
                    try await writer.write(ByteBuffer(string: ": quay\n\n"))
                    for await line in lines {
                        try await writer.write(ByteBuffer(string: "data: " + String(decoding: line, as: UTF8.self) + "\n\n"))
                    }
                    try await writer.finish(nil)
                })
        }
        return router
    }

    // MARK: Sessions, forms and replies

    /// The logged-in member's live session, or nil (the caller sends the login page).
    func member(_ request: Request) -> WebSessions.Session? {
        guard let session = sessions.session(request.cookies[Self.sessionCookie]?.value, at: now()), session.staff != nil else { return nil }
        return session
    }

    /// The visitor's session, logged in or not; a new one (to be set as a cookie) when there is none.
    func visitor(_ request: Request) -> (WebSessions.Session, fresh: Bool) {
        if let session = sessions.session(request.cookies[Self.sessionCookie]?.value, at: now()) { return (session, false) }
        return (sessions.open(at: now()), true)
    }

    func setCookie(_ response: inout Response, _ session: WebSessions.Session) {
        response.setCookie(Cookie(name: Self.sessionCookie, value: session.token, path: "/", httpOnly: true, sameSite: .strict))
    }

    func pageLanguage(_ request: Request) -> Language {
        let asked = request.uri.queryParameters["lang"].map(String.init) ?? request.cookies[Self.languageCookie]?.value
        return asked.flatMap(Language.init(tag:)) ?? language
    }

    func pageContext(_ request: Request, _ session: WebSessions.Session) -> PageContext {
        PageContext(language: pageLanguage(request), staff: session.staff, role: session.role, csrf: session.csrf, school: school)
    }

    /// A page; a language chosen by the switch (`?lang=`) stays chosen, in a cookie.
    func html(_ text: String, status: HTTPResponse.Status = .ok, for request: Request) -> Response {
        var response = Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        if let asked = request.uri.queryParameters["lang"].flatMap({ Language(tag: String($0)) }) {
            response.setCookie(Cookie(name: Self.languageCookie, value: asked == .vi ? "vi" : "en", path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }

    func forbidden(_ request: Request, _ session: WebSessions.Session) -> Response {
        let context = pageContext(request, session)
        logger.notice("web form refused: no CSRF token of the session")
        return html(
            Pages.problem(context, title: context.t("Bị từ chối", "Refused"), message: context.t("Biểu mẫu hết hạn hoặc không hợp lệ: hãy tải lại trang", "The form has expired or is not valid: reload the page")),
            status: .forbidden, for: request)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A posted form (`application/x-www-form-urlencoded`, at most 64 KiB), its values in NFC.
    static func form(_ request: inout Request) async throws -> [String: String] {
        let body = try await request.collectBody(upTo: maxForm)
        var values: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let key = parts.first, !key.isEmpty else { continue }
            values[key] = VietnameseText.nfc(parts.count > 1 ? parts[1] : "")
        }
        return values
    }

    /// A request line for `op` in the page's language.
    func requestLine<Args: Encodable & Sendable>(_ op: Op, _ args: Args?, _ request: Request) -> [UInt8] {
        let line = WebRequest(op: op.rawValue, args: args, lang: pageLanguage(request) == .vi ? "vi" : "en")
        return (try? Array(WireFormat.encoder().encode(line))) ?? []
    }

    func call<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, session: WebSessions.Session, _ request: Request
    ) async -> Reply<Result> {
        await call(op, args, role: session.role ?? .desk, actor: session.staff ?? "web", request)
    }

    /// An op through the backend, its reply decoded (an undecodable one is an internal error, said plainly).
    func call<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, role: StaffRole, actor: String, _ request: Request
    ) async -> Reply<Result> {
        let line = await backend.call(requestLine(op, args, request), role: role, actor: actor)
        if let reply = try? WireFormat.decoder().decode(Reply<Result>.self, from: Data(line)) { return reply }
        logger.error("web: a reply the console cannot read", metadata: ["op": "\(op.rawValue)"])
        return Reply(id: .int(1), error: ErrorBody(code: "internal", message: Bilingual(vi: "Lỗi bên trong quayd", en: "An internal error in quayd").text(pageLanguage(request))))
    }
}

/// One request line as the socket takes it.
struct WebRequest<Args: Encodable & Sendable>: Encodable, Sendable {
    var v = 1
    var id = 1
    var op: String
    var args: Args?
    var lang: String
}
