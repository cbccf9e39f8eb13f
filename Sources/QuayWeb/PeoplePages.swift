import Foundation
import QuayCore
import QuayProtocol

/// The patrons' and classes' pages (issue 20): finding a patron, their loans, status and
/// history, the forms that correct, block, unblock or mark them as left; the classes of the
/// school year; a class list's import, previewed by a dry run before it is applied.
extension Pages {
    /// A labelled field of a form (`<label for>` and its input).
    static func field(_ id: String, _ label: String, value: String? = nil, type: String = "text", required: Bool = false, name: String? = nil) -> String {
        "<label for=\"\(id)\">\(label)</label><input id=\"\(id)\" name=\"\(name ?? id)\" type=\"\(type)\"\(value.map { " value=\"\(HTML.escape($0))\"" } ?? "")\(required ? " required" : "")>"
    }

    /// The kind of a patron as a select, `kind` chosen.
    static func kindSelect(_ context: PageContext, id: String, kind: String) -> String {
        let options = ["pupil", "teacher", "staff"].map { "<option value=\"\($0)\"\($0 == kind ? " selected" : "")>\(kindWords($0, context))</option>" }.joined()
        return "<label for=\"\(id)\">\(context.t("Đối tượng", "Kind"))</label><select id=\"\(id)\" name=\"kind\">\(options)</select>"
    }

    static func kindWords(_ kind: String, _ context: PageContext) -> String {
        switch kind {
        case "pupil": context.t("Học sinh", "Pupil")
        case "teacher": context.t("Giáo viên", "Teacher")
        case "staff": context.t("Nhân viên", "Staff")
        default: HTML.escape(kind)
        }
    }

    static func statusWords(_ status: String, _ context: PageContext) -> String {
        switch status {
        case "active": context.t("Đang hoạt động", "Active")
        case "blocked": context.t("Bị khoá", "Blocked")
        case "left": context.t("Đã rời trường", "Left")
        default: HTML.escape(status)
        }
    }

    /// A table with its header row and its rows (each already made), or `empty` when there are none.
    static func table(_ id: String, _ headers: [String], _ rows: [String], empty: String, extraClass: String = "") -> String {
        guard !rows.isEmpty else { return "<p id=\"\(id)\">\(empty)</p>" }
        let head = headers.map { "<th>\($0)</th>" }.joined()
        return "<table class=\"list\(extraClass)\" id=\"\(id)\"><thead><tr>\(head)</tr></thead><tbody>\(rows.joined())</tbody></table>"
    }

    static func patronRows(_ context: PageContext, _ patrons: [PatronView], id: String) -> String {
        let rows = patrons.map { patron in
            """
            <tr><td><a href="/patrons/\(pathComponent(patron.card))">\(HTML.escape(patron.card))</a></td><td>\(HTML.escape(patron.name))</td>\
            <td>\(HTML.escape(patron.className ?? ""))</td><td>\(kindWords(patron.kind, context))</td><td>\(statusWords(patron.status, context))</td></tr>
            """
        }
        return table(
            id, [context.t("Thẻ", "Card"), context.t("Họ tên", "Name"), context.t("Lớp", "Class"), context.t("Đối tượng", "Kind"), context.t("Trạng thái", "Status")],
            rows, empty: context.t("Không có bạn đọc nào", "No patrons"))
    }

    /// `/patrons`: the search, its results, and the form that adds a patron.
    static func patrons(_ context: PageContext, query: String, found: [PatronView]?, added: PatronAddArgs? = nil, problem: String? = nil) -> String {
        let results = found.map { patronRows(context, $0, id: "found") } ?? ""
        return layout(
            context, title: context.t("Bạn đọc", "Patrons"),
            body: """
                \(said(problem))
                <p class="links"><a href="/classes">\(context.t("Các lớp", "Classes"))</a> <a href="/patrons/import">\(context.t("Nhập danh sách lớp", "Import a class list"))</a></p>
                <form method="get" action="/patrons" class="scan" role="search">
                <label for="q">\(context.t("Tìm theo tên hoặc số thẻ", "Find by name or card"))</label>
                <input id="q" name="q" value="\(HTML.escape(query))" autofocus>
                <button type="submit">\(context.t("Tìm", "Find"))</button></form>
                \(results)
                <h2>\(context.t("Thêm bạn đọc", "Add a patron"))</h2>
                <form method="post" action="/patrons" class="card grid" id="add">\(context.csrfField)
                \(field("add-card", context.t("Số thẻ", "Card"), value: added?.card, required: true, name: "card"))
                \(field("add-name", context.t("Họ tên", "Name"), value: added?.name, required: true, name: "name"))
                \(field("add-class", context.t("Lớp", "Class"), value: added?.className, name: "class"))
                \(kindSelect(context, id: "add-kind", kind: added?.kind ?? "pupil"))
                <button type="submit">\(context.t("Thêm", "Add"))</button>
                </form>
                """)
    }

    /// `/patrons/CARD`: who they are, what they hold, their status and why, the forms that
    /// change it, and what the audit log says of them.
    static func patron(_ context: PageContext, patron: PatronView, loans: [LoanView], history: [AuditEntry], today: String, problem: String? = nil) -> String {
        let card = pathComponent(patron.card)
        let loanRows = loans.map { loan in
            "<tr\(loan.due < today ? " class=\"overdue\"" : "")><td>\(HTML.escape(loan.accession))</td><td>\(HTML.escape(loan.title))</td><td>\(HTML.escape(context.day(loan.due)))</td></tr>"
        }
        let loanTable = table(
            "loans", [context.t("Số ĐKCB", "Accession"), context.t("Nhan đề", "Title"), context.t("Hạn trả", "Due")], loanRows,
            empty: context.t("Không mượn gì", "Nothing on loan"), extraClass: " loans")
        let reason = patron.statusReason.map { ": " + HTML.escape($0) } ?? ""
        let statusForm: String
        if patron.status == "blocked" {
            statusForm = """
                <form method="post" action="/patrons/\(card)/unblock" class="card grid" id="unblock">\(context.csrfField)
                \(field("unblock-reason", context.t("Lý do mở khoá", "Why it is unblocked"), name: "reason"))
                <button type="submit">\(context.t("Mở khoá thẻ", "Unblock the card"))</button></form>
                """
        } else if patron.status == "active" {
            statusForm = """
                <form method="post" action="/patrons/\(card)/block" class="card grid" id="block">\(context.csrfField)
                \(field("block-reason", context.t("Lý do khoá", "Why it is blocked"), required: true, name: "reason"))
                <button type="submit">\(context.t("Khoá thẻ", "Block the card"))</button></form>
                """
        } else {
            statusForm = ""
        }
        let leaveForm = patron.status == "left" ? "" : """
            <form method="post" action="/patrons/\(card)/leave" class="card grid" id="leave">\(context.csrfField)
            \(field("leave-reason", context.t("Ghi chú (chuyển trường, ra trường…)", "Note (moved, graduated…)"), name: "reason"))
            <button type="submit">\(context.t("Đánh dấu đã rời trường", "Mark as left"))</button></form>
            """
        return layout(
            context, title: patron.name,
            body: """
                \(said(problem))
                <p class="links"><a href="/patrons">\(context.t("Bạn đọc", "Patrons"))</a>\(patron.className.map { " <a href=\"/classes/\(pathComponent($0))\">\(context.t("Lớp", "Class")) \(HTML.escape($0))</a>" } ?? "")</p>
                <div class="columns">
                <section class="card" id="patron">
                <dl class="grid">
                <dt>\(context.t("Số thẻ", "Card"))</dt><dd>\(HTML.escape(patron.card))</dd>
                <dt>\(context.t("Lớp", "Class"))</dt><dd>\(HTML.escape(patron.className ?? "—"))</dd>
                <dt>\(context.t("Đối tượng", "Kind"))</dt><dd>\(kindWords(patron.kind, context))</dd>
                <dt>\(context.t("Năm học", "School year"))</dt><dd>\(HTML.escape(patron.schoolYear ?? "—"))</dd>
                <dt>\(context.t("Trạng thái", "Status"))</dt><dd id="status" data-status="\(HTML.escape(patron.status))">\(statusWords(patron.status, context))\(reason)</dd>
                </dl>
                <h2>\(context.t("Đang mượn", "On loan")) (\(loans.count))</h2>
                \(loanTable)
                </section>
                <section>
                <h2>\(context.t("Sửa thông tin", "Correct"))</h2>
                <form method="post" action="/patrons/\(card)/update" class="card grid" id="update">\(context.csrfField)
                \(field("name", context.t("Họ tên", "Name"), value: patron.name, required: true))
                \(field("class", context.t("Lớp (để trống: không thuộc lớp nào)", "Class (blank: none)"), value: patron.className))
                \(kindSelect(context, id: "kind", kind: patron.kind))
                \(field("new_card", context.t("Thẻ mới (thẻ cũ sẽ bị từ chối)", "New card (the old one is refused from then on)")))
                <button type="submit">\(context.t("Lưu", "Save"))</button></form>
                \(statusForm)
                \(leaveForm)
                </section>
                </div>
                <h2>\(context.t("Lịch sử", "History"))</h2>
                \(historyList(context, history))
                """)
    }

    /// The audit log's lines: when, who, which op, each field before → after.
    static func historyList(_ context: PageContext, _ entries: [AuditEntry]) -> String {
        guard !entries.isEmpty else { return "<p id=\"history\">\(context.t("Chưa có thay đổi nào", "No changes yet"))</p>" }
        let items = entries.map { entry in
            let changes = entry.changes.keys.sorted().map { key in
                "\(HTML.escape(key)): \(HTML.escape(entry.changes[key]!.before.description)) → \(HTML.escape(entry.changes[key]!.after.description))"
            }.joined(separator: "; ")
            return "<li>\(HTML.escape(context.time(entry.at))) — \(HTML.escape(entry.actor)) — \(HTML.escape(entry.op)): \(changes)</li>"
        }.joined()
        return "<ul class=\"log\" id=\"history\">\(items)</ul>"
    }

    /// `/classes`: the school year's classes, each with its pupils' count and homeroom teacher.
    static func classes(_ context: PageContext, list: ClassesResult?, imported: Int? = nil, problem: String? = nil) -> String {
        let done = imported.map { "<p class=\"outcome ok\" role=\"status\" id=\"imported\">\(context.t("Đã nhập \($0) bạn đọc", "\($0) patrons imported"))</p>" } ?? ""
        let rows = (list?.classes ?? []).map { item in
            """
            <tr><td><a href="/classes/\(pathComponent(item.name))?year=\(pathComponent(item.schoolYear))">\(HTML.escape(item.name))</a></td>\
            <td>\(item.grade.map(String.init) ?? "")</td><td class="number">\(item.pupils)</td><td>\(HTML.escape(item.homeroomTeacher ?? ""))</td></tr>
            """
        }
        let classTable = table(
            "classes", [context.t("Lớp", "Class"), context.t("Khối", "Grade"), context.t("Sĩ số", "Pupils"), context.t("GV chủ nhiệm", "Homeroom teacher")], rows,
            empty: context.t("Chưa có lớp nào", "No classes yet"))
        return layout(
            context, title: context.t("Các lớp", "Classes") + (list.map { " " + $0.schoolYear } ?? ""),
            body: """
                \(said(problem))\(done)
                <p class="links"><a href="/patrons">\(context.t("Bạn đọc", "Patrons"))</a> <a href="/patrons/import">\(context.t("Nhập danh sách lớp", "Import a class list"))</a></p>
                \(classTable)
                """)
    }

    /// `/classes/NAME`: a class's pupils and its correction.
    static func classPage(_ context: PageContext, view: ClassView, problem: String? = nil) -> String {
        let path = "/classes/\(pathComponent(view.name))?year=\(pathComponent(view.schoolYear))"
        return layout(
            context, title: context.t("Lớp \(view.name) — năm học \(view.schoolYear)", "Class \(view.name) — school year \(view.schoolYear)"),
            body: """
                \(said(problem))
                <p class="links"><a href="/classes">\(context.t("Các lớp", "Classes"))</a></p>
                <div class="columns">
                <section>
                <p>\(context.t("GV chủ nhiệm", "Homeroom teacher")): <b id="homeroom">\(HTML.escape(view.homeroomTeacher ?? "—"))</b>, \
                \(context.t("sĩ số", "pupils")): <b id="pupils">\(view.patrons.count)</b></p>
                \(patronRows(context, view.patrons, id: "members"))
                </section>
                <section>
                <h2>\(context.t("Sửa lớp", "Correct the class"))</h2>
                <form method="post" action="\(path)" class="card grid" id="update">\(context.csrfField)
                \(field("new_name", context.t("Tên lớp", "Name"), value: view.name, required: true))
                \(field("teacher", context.t("GV chủ nhiệm (để trống: không có)", "Homeroom teacher (blank: none)"), value: view.homeroomTeacher))
                <button type="submit">\(context.t("Lưu", "Save"))</button></form>
                </section>
                </div>
                """)
    }

    /// `/patrons/import`: a class list's file, sent by the page's script as its bytes.
    static func patronImport(_ context: PageContext, problem: String? = nil) -> String {
        layout(
            context, title: context.t("Nhập danh sách lớp", "Import a class list"),
            body: """
                \(said(problem))
                <p>\(context.t(
                    "Tệp CSV hoặc XLSX có dòng tiêu đề: số thẻ (thẻ), họ tên, và nếu có: lớp, loại. Trước tiên Quầy chạy thử và cho xem sẽ thêm những ai; chưa ghi gì cho đến khi bấm Xác nhận.",
                    "A CSV or XLSX file with a header row: card, name, and optionally class and kind. Quầy first runs it as a dry run and shows whom it would add; nothing is written until you confirm."))</p>
                <form method="post" action="/patrons/import" class="card grid" id="upload">\(context.csrfField)
                <label for="file">\(context.t("Tệp danh sách", "The file"))</label>
                <input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
                <button type="submit">\(context.t("Chạy thử", "Dry run"))</button>
                </form>
                <p id="sending" role="status" aria-live="polite"></p>
                """, script: "upload.js")
    }

    /// A refused row's reason (`code: detail`) with the code in the staff member's words.
    static func rowReason(_ reason: String, _ context: PageContext) -> String {
        let parts = reason.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let code = ErrorCode(rawValue: String(parts[0])) else { return reason }
        return code.message(context.language) + ":" + parts[1]
    }

    /// The dry run's preview: whom the import would add, each refused row with its line and
    /// reason, and the button that imports the same upload.
    static func importPreview(_ context: PageContext, upload: Int64, result: ImportResult) -> String {
        let refused = result.rejected.map {
            "<li><b>\(context.t("Dòng", "Line")) \($0.line)</b>: \(HTML.escape(rowReason($0.reason, context)))</li>"
        }.joined()
        let refusedList = result.rejected.isEmpty ? "" : """
            <h2>\(context.t("Các dòng bị từ chối", "Refused rows")) (<span id="refused-count">\(result.rejected.count)</span>)</h2>
            <ul class="log refused" id="refused">\(refused)</ul>
            """
        let confirm = result.imported == 0 ? "" : """
            <form method="post" action="/patrons/import/\(upload)" id="confirm">\(context.csrfField)
            <button type="submit">\(context.t("Xác nhận: thêm \(result.imported) bạn đọc", "Confirm: add \(result.imported) patrons"))</button></form>
            """
        return layout(
            context, title: context.t("Xem trước khi nhập", "Preview of the import"),
            body: """
                <p class="outcome warning" role="status">\(context.t("Chạy thử: chưa ghi gì", "Dry run: nothing written yet"))</p>
                <p>\(context.t("Sẽ thêm", "To create")): <b id="create-count">\(result.imported)</b>, \
                \(context.t("bị từ chối", "refused")): <b>\(result.rejected.count)</b>. \
                \(context.t("Nhập danh sách chỉ thêm bạn đọc mới; một số thẻ đã có là dòng bị từ chối.", "An import only adds patrons; a card already in use is a refused row."))</p>
                \(patronRows(context, result.patrons, id: "create"))
                \(refusedList)
                \(confirm)
                <p><a href="/patrons/import">\(context.t("Chọn tệp khác", "Choose another file"))</a></p>
                """)
    }
}
