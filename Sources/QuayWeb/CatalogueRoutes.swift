import Foundation
import Hummingbird
import QuayCore
import QuayProtocol

/// The catalogue and the equipment (issue 20): search, a record's and a copy's pages with their
/// corrections, states and history, equipment types and units, lesson loans. Every page is made
/// of op replies; every change is one op, posted with the session's CSRF token, then a redirect
/// to the page (303); a refused op redraws the page with its message (422) and changes nothing.
extension WebServer {
    func catalogueRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/catalogue") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let context = pageContext(request, session)
            let query = Self.query(request, "q") ?? ""
            guard !query.trimmingCharacters(in: .whitespaces).isEmpty else {
                return html(Pages.catalogue(context, query: query, records: nil, problem: nil), for: request)
            }
            let reply: Reply<RecordsResult> = await call(.recordFind, QueryArgs(query: query, limit: 200), session: session, request)
            return html(
                Pages.catalogue(context, query: query, records: reply.result?.records ?? [], problem: reply.error?.message),
                status: reply.ok ? .ok : .unprocessableContent, for: request)
        }

        router.get("/records/:id") { request, route in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await recordPage(request, session, route.parameters.get("id") ?? "")
        }
        router.post("/records/:id") { request, route in
            try await posted(request) { session, form, request in
                let id = route.parameters.get("id") ?? ""
                return await change(session, request, to: "/records/\(id)", refused: { await recordPage(request, session, id, problem: $0, entered: form) }) {
                    context in
                    guard let number = Int64(id) else { throw WebProblem(message: context.t("Không có đầu sách \(id)", "No record \(id)")) }
                    let changes = Changes(form, fields: ["title", "authors", "publisher", "year", "isbn", "class_number", "author_mark", "subject", "grade", "kind", "price", "notes"])
                    var args = RecordUpdateArgs(id: number)
                    args.title = changes["title"]
                    args.authors = changes["authors"].map { $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                    args.publisher = changes["publisher"]
                    args.year = try changes.number("year", context)
                    args.isbn = changes["isbn"]
                    args.classNumber = changes["class_number"]
                    args.authorMark = changes["author_mark"]
                    args.subject = changes["subject"]
                    args.grade = try changes.number("grade", context)
                    args.kind = changes["kind"]
                    args.price = try changes.number("price", context)
                    args.notes = changes["notes"]
                    args.clear = changes.clearing
                    return (.recordUpdate, args)
                }
            }
        }

        router.get("/copies/:key") { request, route in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await copyPage(request, session, Self.parameter(route, "key"))
        }
        router.post("/copies/:key") { request, route in
            try await posted(request) { session, form, request in
                let key = Self.parameter(route, "key")
                return await change(session, request, to: Self.copyPath(key), refused: { await copyPage(request, session, key, problem: $0, entered: form) }) {
                    context in
                    let changes = Changes(form, fields: ["location", "barcode", "price", "condition", "note"])
                    var args = ItemUpdateArgs(item: key)
                    args.location = changes["location"]
                    args.barcode = changes["barcode"]
                    args.price = try changes.number("price", context)
                    args.condition = changes["condition"]
                    args.note = changes["note"]
                    args.clear = changes.clearing
                    // A new barcode is still the same copy: its page is by accession number, which never changes.
                    return (.itemUpdate, args)
                }
            }
        }
        router.post("/copies/:key/state") { request, route in
            try await posted(request) { session, form, request in
                let key = Self.parameter(route, "key")
                return await change(session, request, to: Self.copyPath(key), refused: { await copyPage(request, session, key, problem: $0) }) { _ in
                    (.itemState, ItemStateArgs(item: key, state: form["state"] ?? "", note: form.text("note")))
                }
            }
        }
        router.post("/copies/:key/lost") { request, route in
            try await posted(request) { session, _, request in
                let key = Self.parameter(route, "key")
                return await change(session, request, to: Self.copyPath(key), refused: { await copyPage(request, session, key, problem: $0) }) { _ in
                    (.loanLost, ItemArgs(item: key))
                }
            }
        }

        router.get("/equipment") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let context = pageContext(request, session)
            let notice = Self.query(request, "lent").flatMap { Int64($0) }.map { context.t("Đã cho mượn: lượt số \($0).", "Lent: lesson loan \($0).") }
                ?? Self.query(request, "returned").flatMap { Int64($0) }.map { context.t("Đã nhận trả lượt số \($0).", "Lesson loan \($0) returned.") }
            return await equipmentPage(request, session, notice: notice)
        }
        router.get("/equipment/:code") { request, route in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await equipmentTypePage(request, session, Self.parameter(route, "code"))
        }
        router.post("/equipment/:code") { request, route in
            try await posted(request) { session, form, request in
                let code = Self.parameter(route, "code")
                return await change(
                    session, request, to: Self.equipmentPath(code), refused: { await equipmentTypePage(request, session, code, problem: $0, entered: form) }
                ) { context in
                    let changes = Changes(form, fields: ["name", "room", "value", "expires_on"])
                    var args = EquipmentUpdateArgs(code: code)
                    args.name = changes["name"]
                    args.room = changes["room"]
                    args.value = try changes.number("value", context)
                    args.expiresOn = changes["expires_on"]
                    args.clear = changes.clearing
                    return (.equipmentUpdate, args)
                }
            }
        }
        router.post("/units/:key") { request, route in
            try await posted(request) { session, form, request in
                let code = form["code"] ?? ""
                return await change(session, request, to: Self.equipmentPath(code), refused: { await equipmentTypePage(request, session, code, problem: $0) }) { _ in
                    let changes = Changes(form, fields: ["room", "condition"])
                    var args = UnitUpdateArgs(unit: Self.parameter(route, "key"))
                    args.room = changes["room"]
                    args.condition = changes["condition"]
                    args.clear = changes.clearing
                    return (.unitUpdate, args)
                }
            }
        }
        router.post("/lessons") { request, _ in
            try await posted(request) { session, form, request in
                let context = pageContext(request, session)
                var problem: String?
                var args = LessonLendArgs(teacher: form.text("teacher") ?? "", period: 0)
                do throws(WebProblem) {
                    guard let period = Int(form.text("period") ?? "") else {
                        throw WebProblem(message: context.t("Tiết phải là một số từ 1 đến 15", "The period must be a number from 1 to 15"))
                    }
                    args.period = period
                    args.className = form.text("class")
                    args.subject = form.text("subject")
                    args.date = form.text("date")
                    args.title = form.text("title")
                    args.units = Self.words(form["units"])
                    args.quantities = try Self.amounts(form["quantities"], context).map { Dictionary($0, uniquingKeysWith: +) }
                } catch {
                    problem = error.message
                }
                guard problem == nil else { return await equipmentPage(request, session, problem: problem, entered: form) }
                let reply: Reply<LessonView> = await call(.lessonLend, args, session: session, request)
                guard let lesson = reply.result else { return await equipmentPage(request, session, problem: reply.error?.message, entered: form) }
                return Self.redirect("/equipment?lent=\(lesson.id)")
            }
        }
        router.post("/lessons/return") { request, _ in
            try await posted(request) { session, form, request in
                let context = pageContext(request, session)
                let code = form.text("code")
                func refused(_ message: String?) async -> Response {
                    if let code { return await equipmentTypePage(request, session, code, problem: message) }
                    return await equipmentPage(request, session, problem: message, entered: form)
                }
                var args = LessonReturnArgs()
                do throws(WebProblem) {
                    if let text = form.text("lesson") {
                        guard let number = Int64(text) else { throw WebProblem(message: context.t("Số lượt mượn phải là một số", "The lesson loan number must be a number")) }
                        args.lesson = number
                    }
                    let condition = form.text("condition") ?? "good"
                    args.units = Self.words(form["return_units"]).map { $0.map { LessonReturnArgs.UnitCondition(item: $0, condition: condition) } }
                    var uses: [String: LessonReturnArgs.QuantityUse] = [:]
                    for (type, amount) in try Self.amounts(form["consumed"], context) ?? [] { uses[type, default: .init(code: type)].consumed = amount }
                    for (type, amount) in try Self.amounts(form["lost"], context) ?? [] { uses[type, default: .init(code: type)].lost = amount }
                    args.quantities = uses.isEmpty ? nil : uses.values.sorted { $0.code < $1.code }
                } catch {
                    return await refused(error.message)
                }
                let reply: Reply<LessonView> = await call(.lessonReturn, args, session: session, request)
                guard let lesson = reply.result else { return await refused(reply.error?.message) }
                return Self.redirect(code.map(Self.equipmentPath) ?? "/equipment?returned=\(lesson.id)")
            }
        }
    }

    // MARK: Pages from replies

    func recordPage(_ request: Request, _ session: WebSessions.Session, _ id: String, problem: String? = nil, entered: Form? = nil) async -> Response {
        let context = pageContext(request, session)
        guard let number = Int64(id) else { return notFound(request, context, context.t("Không có đầu sách \(id)", "No record \(id)")) }
        let reply: Reply<RecordView> = await call(.recordShow, IDArgs(id: number), session: session, request)
        guard let record = reply.result else { return notFound(request, context, reply.error?.message) }
        let history: Reply<HistoryResult> = await call(.history, HistoryArgs(key: "R\(number)"), session: session, request)
        return html(
            Pages.record(context, record, history: history.result, historyProblem: history.error?.message, problem: problem, saved: Self.saved(request), entered: entered),
            status: problem == nil ? .ok : .unprocessableContent, for: request)
    }

    func copyPage(_ request: Request, _ session: WebSessions.Session, _ key: String, problem: String? = nil, entered: Form? = nil) async -> Response {
        let context = pageContext(request, session)
        let reply: Reply<ItemView> = await call(.itemShow, BarcodeArgs(barcode: key), session: session, request)
        guard let item = reply.result else { return notFound(request, context, reply.error?.message) }
        var loan: LoanView?
        if item.status == .onLoan {
            let loans: Reply<LoansResult> = await call(.loanList, LoanListArgs(item: item.accession), session: session, request)
            loan = loans.result?.loans.first
        }
        let history: Reply<HistoryResult> = await call(.history, HistoryArgs(key: item.accession), session: session, request)
        return html(
            Pages.copy(context, item, loan: loan, history: history.result, historyProblem: history.error?.message, problem: problem, saved: Self.saved(request), entered: entered),
            status: problem == nil ? .ok : .unprocessableContent, for: request)
    }

    func equipmentPage(_ request: Request, _ session: WebSessions.Session, problem: String? = nil, notice: String? = nil, entered: Form? = nil) async -> Response {
        let context = pageContext(request, session)
        let query = Self.query(request, "q") ?? ""
        let found: Reply<EquipmentListResult> = await call(.equipmentFind, QueryArgs(query: query, limit: 200), session: session, request)
        let expiring: Reply<EquipmentListResult> = await call(.equipmentExpiring, ExpiringArgs(), session: session, request)
        let today = Day(now()).description
        let said = problem ?? found.error?.message ?? expiring.error?.message
        return html(
            Pages.equipment(
                context, query: query, found: found.result?.equipment ?? [], expiring: expiring.result?.equipment ?? [], today: today, problem: said, notice: notice,
                entered: entered),
            status: problem == nil ? .ok : .unprocessableContent, for: request)
    }

    func equipmentTypePage(_ request: Request, _ session: WebSessions.Session, _ code: String, problem: String? = nil, entered: Form? = nil) async -> Response {
        let context = pageContext(request, session)
        let reply: Reply<EquipmentView> = await call(.equipmentShow, CodeArgs(code: code), session: session, request)
        guard let type = reply.result else { return notFound(request, context, reply.error?.message) }
        let history: Reply<HistoryResult> = await call(.history, HistoryArgs(key: type.code), session: session, request)
        return html(
            Pages.equipmentType(context, type, history: history.result, historyProblem: history.error?.message, problem: problem, saved: Self.saved(request), entered: entered),
            status: problem == nil ? .ok : .unprocessableContent, for: request)
    }

    // MARK: Helpers

    /// One change: the op and its args made from the form (or a problem said before any op), the
    /// op called; after it the page again (`to`, saying it is saved), or, refused, `refused` with
    /// the op's message in the staff member's language.
    func change<Args: Encodable & Sendable>(
        _ session: WebSessions.Session, _ request: Request, to path: String, refused: (String) async -> Response,
        _ make: (PageContext) throws -> (Op, Args)
    ) async -> Response {
        let context = pageContext(request, session)
        let op: Op
        let args: Args
        // The closures throw only WebProblem (closures cannot say so yet: their thrown type is inferred as any Error).
        do {
            (op, args) = try make(context)
        } catch {
            guard let problem = error as? WebProblem else {
                logger.error("web: a form the console cannot read", metadata: ["error": "\(error)"])
                return await refused(context.t("Lỗi bên trong quayd", "An internal error in quayd"))
            }
            return await refused(problem.message)
        }
        let reply: Reply<JSONValue> = await call(op, args, session: session, request)
        guard reply.ok else { return await refused(reply.error?.message ?? context.t("Bị từ chối", "Refused")) }
        return Self.redirect(path + "?saved=1")
    }

    func notFound(_ request: Request, _ context: PageContext, _ message: String?) -> Response {
        html(Pages.problem(context, title: context.t("Không tìm thấy", "Not found"), message: message ?? ""), status: .notFound, for: request)
    }

    static func saved(_ request: Request) -> Bool { query(request, "saved") == "1" }

    static func copyPath(_ key: String) -> String { "/copies/" + Pages.pathComponent(key) }
    static func equipmentPath(_ code: String) -> String { "/equipment/" + Pages.pathComponent(code) }


    /// The words of a field (barcodes separated by spaces or commas); nil when there are none.
    static func words(_ text: String?) -> [String]? {
        let words = (text ?? "").split { $0 == " " || $0 == "," || $0 == ";" || $0.isNewline }.map(String.init)
        return words.isEmpty ? nil : words
    }

    /// `CODE=3 HCL=1` → [("CODE", 3), ("HCL", 1)]; nil when empty.
    static func amounts(_ text: String?, _ context: PageContext) throws(WebProblem) -> [(String, Int)]? {
        guard let words = words(text) else { return nil }
        var amounts: [(String, Int)] = []
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let amount = Int(parts[1]), amount >= 0 else {
                throw WebProblem(message: context.t("“\(word)”: hãy viết MÃ=số, ví dụ ONGNGHIEM=10", "“\(word)”: write CODE=amount, for example ONGNGHIEM=10"))
            }
            amounts.append((String(parts[0]).uppercased(), amount))
        }
        return amounts
    }
}
