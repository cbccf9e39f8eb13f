import Foundation
import QuayCore

/// The inventory in progress (SPEC §9): the session's counts and each shelf's, redrawn live as
/// scans arrive from the desks' scanners or the inventory's own scan form; its start, close and
/// apply (admin).
extension Pages {
    static func inventory(_ context: PageContext, session: InventorySessionView?, problem: String? = nil) -> String {
        var body = ""
        if let problem { body += "<p class=\"outcome error\" role=\"alert\" id=\"problem\">\(HTML.escape(problem))</p>" }
        body += "<div id=\"live\" aria-live=\"polite\">\(inventoryLive(context, session: session))</div>"
        if let session, session.state == "open" {
            body += """
                <form method="post" action="/inventory/scan" class="card grid" id="inventory-scan">\(context.csrfField)
                <label for="location">\(context.t("Kệ (vị trí)", "Shelf (location)"))</label><input id="location" name="location" required autocomplete="off">
                <label for="codes">\(context.t("Mã đã quét (mỗi dòng một mã)", "Codes scanned (one a line)"))</label><textarea id="codes" name="codes" rows="4" required></textarea>
                <button type="submit">\(context.t("Ghi nhận", "Record them"))</button>
                </form>
                <form method="post" action="/inventory/close" class="inline">\(context.csrfField)<button type="submit" id="close">\(context.t("Kết thúc kiểm kê và đối chiếu", "Close the inventory and reconcile it"))</button></form>
                """
        } else {
            if let session, session.state == "closed" {
                body += "<form method=\"post\" action=\"/inventory/apply\" class=\"card\">\(context.csrfField)<p>\(context.t("Áp dụng kết quả: bản không thấy thành thất lạc, bản thấy được cập nhật vị trí.", "Apply the result: copies not seen become missing, the ones seen get their location."))</p><button type=\"submit\" id=\"apply\">\(context.t("Áp dụng kết quả", "Apply the result"))</button></form>"
            }
            body += """
                <form method="post" action="/inventory/start" class="card grid" id="inventory-start">\(context.csrfField)
                <label for="scope">\(context.t("Phạm vi (để trống: toàn bộ)", "Scope (empty: everything)"))</label><input id="scope" name="scope" placeholder="location=KE-A* register=STK">
                <button type="submit" id="start">\(context.t("Bắt đầu đợt kiểm kê", "Start an inventory"))</button>
                </form>
                """
        }
        return layout(context, title: context.t("Kiểm kê", "Inventory"), body: body, script: session?.state == "open" ? "inventory.js" : nil)
    }

    /// The part the page's script redraws: the session's counts, then each shelf's.
    static func inventoryLive(_ context: PageContext, session: InventorySessionView?) -> String {
        guard let session else { return "<p class=\"card\">\(context.t("Chưa có đợt kiểm kê nào.", "No inventory yet."))</p>" }
        let state: String =
            switch session.state {
            case "open": context.t("đang kiểm kê", "open")
            case "closed": context.t("đã kết thúc", "closed")
            case "applied": context.t("đã áp dụng", "applied")
            default: HTML.escape(session.state)
            }
        var counts: [(String, String, String)] = [
            ("expected", context.t("Cần kiểm", "Expected"), String(session.expected)),
            ("seen", context.t("Đã thấy", "Seen"), String(session.seen)),
        ]
        if session.state == "open" { counts.append(("remaining", context.t("Còn lại", "Remaining"), String(max(0, session.expected - session.seen)))) }
        counts += [
            ("scans", context.t("Lượt quét", "Scans"), String(session.scans)),
            ("repeats", context.t("Quét lặp", "Repeats"), String(session.repeats)),
            ("outside", context.t("Ngoài phạm vi", "Outside scope"), String(session.outsideScope)),
            ("unknown", context.t("Mã lạ", "Unknown"), String(session.unknown)),
        ]
        if let totals = session.totals {
            counts += [
                ("found", InventoryCategory.found.name.text(context.language), String(totals.found)),
                ("misplaced", InventoryCategory.misplaced.name.text(context.language), String(totals.misplaced)),
                ("missing", InventoryCategory.missing.name.text(context.language), String(totals.missing)),
                ("on-loan", InventoryCategory.onLoan.name.text(context.language), String(totals.onLoan)),
            ]
        }
        let tiles = counts.map { id, label, value in "<div class=\"tile\"><span>\(label)</span><b id=\"count-\(id)\">\(value)</b></div>" }.joined()
        let scope = session.scope.isEmpty ? context.t("toàn bộ", "everything") : session.scope.joined(separator: " ")
        var html = """
            <p>\(context.t("Đợt", "Session")) \(session.id) — <b id="state">\(state)</b> · \(context.t("phạm vi", "scope")) \(HTML.escape(scope)) · \(context.t("bắt đầu", "opened")) \(HTML.escape(context.time(session.openedAt)))</p>
            <div class="tiles">\(tiles)</div>
            """
        let shelves = session.shelves ?? []
        if shelves.isEmpty {
            html += "<p>\(context.t("Chưa quét kệ nào.", "No shelf scanned yet."))</p>"
        } else {
            let rows = shelves.map { shelf in
                "<tr><th scope=\"row\">\(HTML.escape(shelf.location))</th><td>\(shelf.scans)</td><td>\(shelf.seen)</td><td\(shelf.misplaced > 0 ? " class=\"warn\"" : "")>\(shelf.misplaced)</td><td\(shelf.unknown > 0 ? " class=\"warn\"" : "")>\(shelf.unknown)</td><td>\(HTML.escape(context.time(shelf.lastAt)))</td></tr>"
            }.joined()
            html += """
                <table id="shelves" class="table"><caption>\(context.t("Theo kệ", "By shelf"))</caption>
                <thead><tr><th scope="col">\(context.t("Kệ", "Shelf"))</th><th scope="col">\(context.t("Lượt quét", "Scans"))</th><th scope="col">\(context.t("Đã thấy", "Seen"))</th><th scope="col">\(context.t("Sai chỗ", "Misplaced"))</th><th scope="col">\(context.t("Mã lạ", "Unknown"))</th><th scope="col">\(context.t("Lần cuối", "Last"))</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """
        }
        return html
    }
}
