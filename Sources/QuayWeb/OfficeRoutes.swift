import Foundation
import Hummingbird
import QuayCore
import QuayProtocol

/// The printers' and backups' routes: `printer.list` and `print.jobs` with `print.retry`,
/// `print.cancel` and `print.reprint`; `backup.list` and `backup.take` (admin: a desk account
/// reads the refusal).
extension WebServer {
    func officeRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/printers") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await printersPage(session, request)
        }
        for (path, op) in [("retry", Op.printRetry), ("cancel", .printCancel), ("reprint", .printReprint)] {
            router.post("/printers/jobs/:id/\(path)") { request, context in
                let id = context.parameters.get("id", as: Int64.self) ?? 0
                return try await posted(request) { session, _, request in
                    let reply: Reply<PrintJobsResult> = await call(op, PrintJobArgs(id: id), session: session, request)
                    guard reply.ok else { return await printersPage(session, request, problem: reply.error?.message) }
                    return Self.redirect("/printers")
                }
            }
        }
        router.get("/backups") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            return await backupsPage(session, request, check: Self.query(request, "check") == "1")
        }
        router.post("/backups") { request, _ in
            try await posted(request) { session, _, request in
                let reply: Reply<BackupEntryInfo> = await call(.backupTake, NoArguments?.none, session: session, request)
                guard reply.ok else { return await backupsPage(session, request, check: false, problem: reply.error?.message) }
                return Self.redirect("/backups")
            }
        }
    }

    func printersPage(_ session: WebSessions.Session, _ request: Request, problem: String? = nil) async -> Response {
        let printers: Reply<PrintersResult> = await call(.printerList, NoArguments?.none, session: session, request)
        let jobs: Reply<PrintJobsResult> = await call(.printJobs, PrintJobsArgs(state: "all", limit: 50), session: session, request)
        let said = problem ?? printers.error?.message ?? jobs.error?.message
        return html(
            Pages.printers(pageContext(request, session), printers: printers.result?.printers ?? [], jobs: jobs.result?.jobs ?? [], problem: said),
            status: said == nil ? .ok : .unprocessableContent, for: request)
    }

    func backupsPage(_ session: WebSessions.Session, _ request: Request, check: Bool, problem: String? = nil) async -> Response {
        let list: Reply<BackupListResult> = await call(.backupList, BackupListArgs(check: check ? true : nil), session: session, request)
        let said = problem ?? list.error?.message
        return html(
            Pages.backups(pageContext(request, session), list: list.result, checked: check, problem: said),
            status: said == nil ? .ok : .unprocessableContent, for: request)
    }
}
