import Foundation
import Hummingbird
import QuayCore
import QuayProtocol

/// The inventory page's routes: the page, its live part, and the forms of its ops.
extension WebServer {
    func inventoryRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/inventory") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            return html(Pages.inventory(pageContext(request, session), session: await inventorySession(session, request)), for: request)
        }
        router.get("/inventory/live") { request, _ in
            guard let session = member(request) else { return Self.redirect("/login") }
            return html(Pages.inventoryLive(pageContext(request, session), session: await inventorySession(session, request)), for: request)
        }
        router.post("/inventory/start") { request, _ in
            try await posted(request) { session, form, request in
                let scope = (form["scope"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
                let reply: Reply<InventorySessionView> = await call(.inventoryStart, InventoryStartArgs(scope: scope), session: session, request)
                return await inventoryDone(reply.error, session, request)
            }
        }
        router.post("/inventory/scan") { request, _ in
            try await posted(request) { session, form, request in
                let codes = (form["codes"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let reply: Reply<InventoryScanResult> = await call(
                    .inventoryScan, InventoryScanArgs(location: form["location"] ?? "", items: codes, source: "web"), session: session, request)
                return await inventoryDone(reply.error, session, request)
            }
        }
        router.post("/inventory/close") { request, _ in
            try await posted(request) { session, _, request in
                let reply: Reply<InventorySessionView> = await call(.inventoryClose, NoArguments?.none, session: session, request)
                return await inventoryDone(reply.error, session, request)
            }
        }
        router.post("/inventory/apply") { request, _ in
            try await posted(request) { session, _, request in
                let reply: Reply<InventoryApplyView> = await call(.inventoryApply, InventorySessionArgs(), session: session, request)
                return await inventoryDone(reply.error, session, request)
            }
        }
    }

    /// The latest session with its shelves; nil before the first.
    func inventorySession(_ session: WebSessions.Session, _ request: Request) async -> InventorySessionView? {
        let reply: Reply<InventorySessionView> = await call(.inventoryStatus, InventorySessionArgs(shelves: true), session: session, request)
        return reply.result
    }

    /// Back to the page after an op; a refusal is said on it and changed nothing.
    func inventoryDone(_ error: ErrorBody?, _ session: WebSessions.Session, _ request: Request) async -> Response {
        guard let error else { return Self.redirect("/inventory") }
        let page = Pages.inventory(pageContext(request, session), session: await inventorySession(session, request), problem: error.message)
        return html(page, status: .unprocessableContent, for: request)
    }
}
