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
        router.get("/assets/inventory.js") { _, _ in Self.asset(Assets.inventoryScript, type: "text/javascript; charset=utf-8") }
        router.get("/assets/upload.js") { _, _ in Self.asset(Assets.uploadScript, type: "text/javascript; charset=utf-8") }
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
            try await posted(request) { session, _, _ in
                sessions.close(session.token)
                return Self.redirect("/login")
            }
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
            let today = Day(now()).description
            return html(Pages.borrower(context, patron: found, loans: loans.result?.loans ?? [], now: today), for: request)
        }
        router.post("/desk/scan") { request, _ in
            try await posted(request) { session, form, request in
                let desk = form["desk"].flatMap { $0.isEmpty ? nil : $0 }
                let reply: Reply<DeskScanResult> = await call(.deskScan, DeskScanArgs(code: form["code"] ?? "", desk: desk), session: session, request)
                // The page's script reads the reply as a socket client would; a form posted
                // without it comes back to the desk.
                if request.headers[.accept]?.contains("application/json") == true {
                    let line = (try? WireFormat.encoder().encode(reply)) ?? Data()
                    return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: line)))
                }
                return Self.redirect(Self.deskPath(desk))
            }
        }
        router.post("/desk/mode") { request, _ in
            try await posted(request) { session, form, request in
                let desk = form["desk"].flatMap { $0.isEmpty ? nil : $0 }
                let _: Reply<DeskInfo> = await call(.deskMode, DeskModeArgs(mode: form["mode"] ?? "", desk: desk), session: session, request)
                return Self.redirect(Self.deskPath(desk))
            }
        }
        router.get("/intake") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            return html(Pages.intake(pageContext(request, session), registers: await registers(session, request)), for: request)
        }
        router.post("/intake") { request, _ in
            try await posted(request) { session, form, request in
                let context = pageContext(request, session)
                var args = IntakeArgs(register: form["register"] ?? "", copies: Int(form["copies"] ?? "") ?? 0, title: form["title"] ?? "")
                args.authors = form.text("authors")?.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                args.classNumber = form.text("class_number")
                args.publisher = form.text("publisher")
                args.year = form.text("year").flatMap { Int($0) }
                args.price = form.text("price").flatMap { Int64($0) }
                let reply: Reply<IntakeResult> = await call(.intake, args, session: session, request)
                let registers = await registers(session, request)
                guard let done = reply.result else {
                    return html(Pages.intake(context, registers: registers, problem: reply.error?.message), status: .unprocessableContent, for: request)
                }
                // The spine labels as the printer will print them (the first dozen of a large intake).
                let rendered: Reply<LabelRenderResult> = await call(
                    .labelRender, LabelRenderArgs(template: "spine", keys: Array(done.accessionNumbers.prefix(12))), session: session, request)
                let labels = (rendered.result?.labels ?? []).map { ($0.key ?? "", $0.png) }
                return html(Pages.intake(context, registers: registers, done: done, labels: labels, problem: rendered.error?.message), for: request)
            }
        }
        router.post("/intake/print") { request, _ in
            try await posted(request) { session, form, request in
                let context = pageContext(request, session)
                let reply: Reply<PrintJobsResult> = await call(.printSubmit, PrintSubmitArgs(template: "spine", keys: form.all("key")), session: session, request)
                let said = reply.result.map { context.t("Đã gửi \($0.jobs.count) lệnh in", "\($0.jobs.count) print jobs sent") } ?? reply.error?.message ?? ""
                return html(Pages.problem(context, title: context.t("In nhãn", "Printing labels"), message: said), status: reply.ok ? .ok : .unprocessableContent, for: request)
            }
        }
        router.get("/reports") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let context = pageContext(request, session)
            let reply: Reply<ReportListResult> = await call(.reportList, NoArguments?.none, session: session, request)
            return html(Pages.reports(context, reports: reply.result?.reports ?? []), for: request)
        }
        router.post("/reports/chart") { request, _ in
            try await posted(request) { session, form, request in
                let context = pageContext(request, session)
                let name = form["name"] ?? ""
                let filters = Self.reportFilters(form)
                let run: Reply<ReportRunResult> = await call(
                    .reportRun, ReportRunArgs(name: name, format: "svg", filters: filters.isEmpty ? nil : filters, language: context.language == .vi ? "vi" : "en"),
                    session: session, request)
                var shown = ReportChartShown(name: name, filters: filters, problem: run.error?.message)
                if let made = run.result {
                    var svg: [UInt8] = []
                    let reply = await readTransfer(made.report, session: session, request) { svg += $0 }
                    if let error = reply { shown.problem = error.message } else { shown.svg = Data(svg).base64EncodedString() }
                }
                let list: Reply<ReportListResult> = await call(.reportList, NoArguments?.none, session: session, request)
                return html(Pages.reports(context, reports: list.result?.reports ?? [], chart: shown), status: shown.svg == nil ? .unprocessableContent : .ok, for: request)
            }
        }
        router.post("/reports/run") { request, _ in
            try await posted(request) { session, form, request in
                let context = pageContext(request, session)
                let filters = Self.reportFilters(form)
                let name = form["name"] ?? ""
                let format = form["format"] == "csv" ? "csv" : "xlsx"
                let run: Reply<ReportRunResult> = await call(
                    .reportRun, ReportRunArgs(name: name, format: format, filters: filters.isEmpty ? nil : filters, language: context.language == .vi ? "vi" : "en"),
                    session: session, request)
                guard let made = run.result else {
                    return html(Pages.problem(context, title: context.t("Báo cáo", "Report"), message: run.error?.message ?? ""), status: .unprocessableContent, for: request)
                }
                // The file in the pieces quayd reads it in, as they come (report.read).
                let filename = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } + "." + format
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        .contentDisposition: "attachment; filename=\"\(filename)\"", .contentLength: String(made.sizeBytes), .cacheControl: "no-store",
                    ],
                    body: ResponseBody { writer in
                        _ = try await readTransfer(made.report, session: session, request) { try await writer.write(ByteBuffer(bytes: $0)) }
                        try await writer.finish(nil)
                    })
            }
        }
        router.get("/events") { request, _ in
            guard let viewer = member(request) else { return Self.redirect("/login") }
            // The desk's and the devices' by default; a page may ask for others it shows.
            let asked = (request.uri.queryParameters["topics"].map(String.init) ?? "").split(separator: ",").map(String.init)
            let topics = asked.filter { Self.eventTopics.contains($0) }
            let lines = backend.events(topics.isEmpty ? ["desk", "device"] : topics)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    // A first line at once, so the browser knows the stream is open.
                    try await writer.write(ByteBuffer(string: ": quay\n\n"))
                    // quayd stopping ends the stream (else the server would wait for it forever).
                    for await line in lines.cancelOnGracefulShutdown() {
                        // A session that ended (logged out, idle) gets no more events.
                        guard sessions.session(viewer.token, at: now()) != nil else { break }
                        try await writer.write(ByteBuffer(string: "data: " + String(decoding: line, as: UTF8.self) + "\n\n"))
                    }
                    try await writer.finish(nil)
                })
        }
        inventoryRoutes(router)
        catalogueRoutes(router)
        peopleRoutes(router)
        officeRoutes(router)
        return router
    }

    /// The event topics a page may follow.
    static let eventTopics: Set<String> = ["desk", "device", "inventory", "print", "printer", "backup"]

    // MARK: Sessions, forms and replies

    /// A post of a logged-in member with its session's CSRF token (the form's field, or the
    /// page script's `X-CSRF-Token` header): else the login page, or a refusal that does nothing.
    func posted(_ request: Request, _ body: (WebSessions.Session, Form, Request) async throws -> Response) async throws -> Response {
        var request = request
        guard let session = member(request) else { return Self.redirect("/login") }
        let form = try await Self.form(&request)
        guard form["csrf"] == session.csrf || request.headers[.init("X-CSRF-Token")!] == session.csrf else { return forbidden(request, session) }
        return try await body(session, form, request)
    }

    /// A report's file, piece by piece as quayd reads it out (`report.read`), to `piece`; the
    /// refusal that stopped it, if one did.
    func readTransfer(
        _ report: Int64, session: WebSessions.Session, _ request: Request, _ piece: ([UInt8]) async throws -> Void
    ) async rethrows -> ErrorBody? {
        var offset: Int64 = 0
        while true {
            let reply: Reply<FileChunk> = await call(.reportRead, ReportReadArgs(report: report, offset: offset), session: session, request)
            guard let chunk = reply.result, let bytes = Data(base64Encoded: chunk.data) else { return reply.error }
            try await piece(Array(bytes))
            offset += Int64(bytes.count)
            if chunk.done { return nil }
        }
    }

    /// A report form's filters: its `filter.NAME` fields that are not blank.
    static func reportFilters(_ form: Form) -> [String: String] {
        var filters: [String: String] = [:]
        for (key, value) in form.pairs where key.hasPrefix("filter.") && !value.trimmingCharacters(in: .whitespaces).isEmpty {
            filters[String(key.dropFirst(7))] = value.trimmingCharacters(in: .whitespaces)
        }
        return filters
    }

    func registers(_ session: WebSessions.Session, _ request: Request) async -> [RegisterView] {
        let reply: Reply<RegistersResult> = await call(.registerList, NoArguments?.none, session: session, request)
        return reply.result?.registers ?? []
    }

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

    /// The desk screen of `desk` (the only one when nil).
    static func deskPath(_ desk: String?) -> String {
        "/desk" + (desk.map { "?desk=" + Pages.pathComponent($0) } ?? "")
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A posted form (`application/x-www-form-urlencoded`, at most 64 KiB), its values in NFC.
    static func form(_ request: inout Request) async throws -> Form {
        Form(encoded: String(buffer: try await request.collectBody(upTo: maxForm)))
    }

    /// A value of the query (`?q=…` as a GET form sends it), trimmed; nil when absent or blank.
    static func query(_ request: Request, _ name: String) -> String? {
        Form(encoded: request.uri.query ?? "").text(name)
    }

    /// A path parameter, percent-decoded (the router leaves it as it came), in NFC.
    static func parameter(_ context: BasicRequestContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return VietnameseText.nfc(raw.removingPercentEncoding ?? raw)
    }

    func call<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, session: WebSessions.Session, _ request: Request
    ) async -> Reply<Result> {
        await call(op, args, role: session.role ?? .desk, actor: session.staff ?? "web", request)
    }

    /// An op through the backend, in the page's language.
    func call<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, role: StaffRole, actor: String, _ request: Request
    ) async -> Reply<Result> {
        await backend.call(op, args, role: role, actor: actor, language: pageLanguage(request))
    }
}

/// A posted form's fields, in order: a name may come more than once (`key`, a copy each).
struct Form: Sendable {
    var pairs: [(String, String)] = []

    init(pairs: [(String, String)] = []) { self.pairs = pairs }

    /// `a=1&b=x+y` as a browser encodes a form or a GET form's query (`+` for a space), in NFC.
    init(encoded: String) {
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { piece in
                let spaced = String(piece).replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let key = parts.first, !key.isEmpty else { continue }
            pairs.append((key, VietnameseText.nfc(parts.count > 1 ? parts[1] : "")))
        }
    }

    /// The first value of `name`.
    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
    /// A value that is there and not blank.
    func text(_ name: String) -> String? { self[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) } }
}
