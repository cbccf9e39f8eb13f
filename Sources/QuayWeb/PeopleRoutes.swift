import Foundation
import Hummingbird
import QuayCore
import QuayProtocol

/// The patrons' and classes' routes: each page is made from the replies of ordinary ops
/// (`patron.*`, `class.*`, `loan.list`, `history`, `upload.*`), each post goes through
/// `posted()` (or, for a file's bytes, `postedFile()`) and redirects after it; a refusal is the
/// page again with the op's message, status 422, and nothing changed.
extension WebServer {
    /// The largest class list the import page takes.
    static let maxUpload = 16 * 1024 * 1024

    func peopleRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/patrons") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let context = pageContext(request, session)
            let query = Self.query(request, "q") ?? ""
            guard !query.isEmpty else { return html(Pages.patrons(context, query: "", found: nil), for: request) }
            let reply: Reply<PatronsResult> = await call(.patronFind, QueryArgs(query: query), session: session, request)
            return html(
                Pages.patrons(context, query: query, found: reply.result?.patrons ?? [], problem: reply.error?.message),
                status: reply.ok ? .ok : .unprocessableContent, for: request)
        }
        router.post("/patrons") { request, _ in
            try await posted(request) { session, form, request in
                let args = PatronAddArgs(card: form.text("card") ?? "", name: form.text("name") ?? "", kind: form.text("kind"), className: form.text("class"))
                let reply: Reply<PatronView> = await call(.patronAdd, args, session: session, request)
                guard let added = reply.result else {
                    return html(
                        Pages.patrons(pageContext(request, session), query: "", found: nil, added: args, problem: reply.error?.message),
                        status: .unprocessableContent, for: request)
                }
                return Self.redirect("/patrons/" + Pages.pathComponent(added.card))
            }
        }
        router.get("/patrons/import") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            return html(Pages.patronImport(pageContext(request, session)), for: request)
        }
        // The file's bytes, as the page's script sends them: into an upload, then to its preview.
        router.post("/patrons/import") { request, _ in
            try await postedFile(request) { session, bytes, request in
                let context = pageContext(request, session)
                let begun: Reply<UploadBeginResult> = await call(.uploadBegin, UploadBeginArgs(sizeBytes: Int64(bytes.count)), session: session, request)
                guard let upload = begun.result else {
                    return html(Pages.patronImport(context, problem: begun.error?.message), status: .unprocessableContent, for: request)
                }
                var offset = 0
                while offset < bytes.count {
                    let piece = bytes[offset..<min(bytes.count, offset + upload.maxChunk)]
                    let wrote: Reply<UploadWriteResult> = await call(
                        .uploadWrite, UploadWriteArgs(upload: upload.upload, offset: Int64(offset), data: Data(piece).base64EncodedString()), session: session,
                        request)
                    guard wrote.ok else {
                        return html(Pages.patronImport(context, problem: wrote.error?.message), status: .unprocessableContent, for: request)
                    }
                    offset += piece.count
                }
                return Self.redirect("/patrons/import/\(upload.upload)")
            }
        }
        // The preview: a dry run of the upload (it writes nothing, and keeps the upload).
        router.get("/patrons/import/:upload") { request, context in
            guard let session = member(request) else { return Self.redirect("/login") }
            let page = pageContext(request, session)
            let upload = context.parameters.get("upload", as: Int64.self) ?? 0
            let reply: Reply<ImportResult> = await call(.patronImport, PatronImportArgs(upload: upload, dryRun: true), session: session, request)
            guard let result = reply.result else {
                return html(Pages.patronImport(page, problem: reply.error?.message), status: .unprocessableContent, for: request)
            }
            return html(Pages.importPreview(page, upload: upload, result: result), for: request)
        }
        router.post("/patrons/import/:upload") { request, context in
            let upload = context.parameters.get("upload", as: Int64.self) ?? 0
            return try await posted(request) { session, _, request in
                let reply: Reply<ImportResult> = await call(.patronImport, PatronImportArgs(upload: upload), session: session, request)
                guard let result = reply.result else {
                    return html(Pages.patronImport(pageContext(request, session), problem: reply.error?.message), status: .unprocessableContent, for: request)
                }
                return Self.redirect("/classes?imported=\(result.imported)")
            }
        }
        router.get("/patrons/:card") { request, context in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await patronPage(session, request, card: Self.parameter(context, "card"))
        }
        router.post("/patrons/:card/update") { request, context in
            let card = Self.parameter(context, "card")
            return try await posted(request) { session, form, request in
                var args = PatronUpdateArgs(card: card)
                args.name = form.text("name")
                args.className = form.text("class")
                args.clear = args.className == nil ? ["class"] : nil
                args.kind = form.text("kind")
                args.newCard = form.text("new_card")
                return await patronChange(.patronUpdate, args, session, request, card: card, then: args.newCard ?? card)
            }
        }
        for (path, op) in [("block", Op.patronBlock), ("unblock", .patronUnblock), ("leave", .patronLeave)] {
            router.post("/patrons/:card/\(path)") { request, context in
                let card = Self.parameter(context, "card")
                return try await posted(request) { session, form, request in
                    await patronChange(op, PatronStatusArgs(card: card, reason: form.text("reason")), session, request, card: card, then: card)
                }
            }
        }
        router.get("/classes") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            let reply: Reply<ClassesResult> = await call(.classList, ClassListArgs(schoolYear: Self.query(request, "year")), session: session, request)
            return html(
                Pages.classes(pageContext(request, session), list: reply.result, imported: Self.query(request, "imported").flatMap { Int($0) }, problem: reply.error?.message),
                status: reply.ok ? .ok : .unprocessableContent, for: request)
        }
        router.get("/classes/:name") { request, context in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await classPage(session, request, name: Self.parameter(context, "name"), year: Self.query(request, "year"))
        }
        router.post("/classes/:name") { request, context in
            let name = Self.parameter(context, "name")
            let year = Self.query(request, "year")
            return try await posted(request) { session, form, request in
                var args = ClassUpdateArgs(name: name)
                args.schoolYear = year
                args.newName = form.text("new_name").flatMap { $0.uppercased() == name.uppercased() ? nil : $0 }
                args.teacher = form.text("teacher")
                args.clear = args.teacher == nil ? ["teacher"] : nil
                let reply: Reply<JSONValue> = await call(.classUpdate, args, session: session, request)
                guard reply.ok else { return await classPage(session, request, name: name, year: year, problem: reply.error?.message) }
                return Self.redirect("/classes/" + Pages.pathComponent((args.newName ?? name).uppercased()) + (year.map { "?year=" + Pages.pathComponent($0) } ?? ""))
            }
        }
    }

    /// A change of a patron: on success back to their page (`then`, a new card's), else their
    /// page with the refusal.
    func patronChange<Args: Encodable & Sendable>(
        _ op: Op, _ args: Args, _ session: WebSessions.Session, _ request: Request, card: String, then: String
    ) async -> Response {
        // Only whether it was done matters here: the page is read again.
        let reply: Reply<JSONValue> = await call(op, args, session: session, request)
        guard reply.ok else { return await patronPage(session, request, card: card, problem: reply.error?.message) }
        return Self.redirect("/patrons/" + Pages.pathComponent(then))
    }

    func patronPage(_ session: WebSessions.Session, _ request: Request, card: String, problem: String? = nil) async -> Response {
        let context = pageContext(request, session)
        let shown: Reply<PatronView> = await call(.patronShow, CardArgs(card: card), session: session, request)
        guard let patron = shown.result else {
            return html(Pages.problem(context, title: context.t("Bạn đọc", "Patron"), message: shown.error?.message ?? card), status: .unprocessableContent, for: request)
        }
        let loans: Reply<LoansResult> = await call(.loanList, LoanListArgs(patron: card), session: session, request)
        let history: Reply<HistoryResult> = await call(.history, HistoryArgs(key: card, limit: 50), session: session, request)
        let today = Day(now()).description
        return html(
            Pages.patron(context, patron: patron, loans: loans.result?.loans ?? [], history: history.result?.entries ?? [], today: today, problem: problem),
            status: problem == nil ? .ok : .unprocessableContent, for: request)
    }

    func classPage(_ session: WebSessions.Session, _ request: Request, name: String, year: String?, problem: String? = nil) async -> Response {
        let context = pageContext(request, session)
        let shown: Reply<ClassView> = await call(.classShow, ClassArgs(name: name, schoolYear: year), session: session, request)
        guard let view = shown.result else {
            return html(Pages.problem(context, title: context.t("Lớp", "Class"), message: shown.error?.message ?? name), status: .unprocessableContent, for: request)
        }
        return html(Pages.classPage(context, view: view, problem: problem), status: problem == nil ? .ok : .unprocessableContent, for: request)
    }

    /// A post of a file's bytes by a page's script: a logged-in member with the session's CSRF
    /// token in `X-CSRF-Token` (a raw body has no field for it), the body read up to `maxUpload`
    /// (a form's 64 KiB would not hold a class list).
    func postedFile(_ request: Request, _ body: (WebSessions.Session, [UInt8], Request) async throws -> Response) async throws -> Response {
        var request = request
        guard let session = member(request) else { return Self.redirect("/login") }
        guard request.headers[.init("X-CSRF-Token")!] == session.csrf else { return forbidden(request, session) }
        let bytes: ByteBuffer
        do {
            bytes = try await request.collectBody(upTo: Self.maxUpload)
        } catch {
            let context = pageContext(request, session)
            let words = context.t("Tệp lớn quá: tối đa \(Self.maxUpload / 1_048_576) MiB", "The file is too large: at most \(Self.maxUpload / 1_048_576) MiB")
            return html(Pages.problem(context, title: context.t("Gửi tệp", "Sending a file"), message: words), status: .contentTooLarge, for: request)
        }
        return try await body(session, Array(buffer: bytes), request)
    }

}
