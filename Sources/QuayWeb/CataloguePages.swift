import Foundation
import QuayCore
import QuayProtocol

/// A field of a correction form: the value it has now (drawn into the field, and kept in a
/// hidden `was.NAME` so that only the fields the staff member changed are sent), and how it is
/// typed in. `name` is the op's own argument name.
struct EditField: Sendable {
    var name: String
    var label: String
    var value: String?
    var type = "text"
    /// A choice instead of free text: (value, words).
    var choices: [(String, String)]? = nil

    /// Labelled as the history names the field, unless `label` says more.
    init(_ name: String, _ context: PageContext, value: String?, label: String? = nil, type: String = "text", choices: [(String, String)]? = nil) {
        self.name = name
        self.label = label ?? Pages.fieldWords(name, context)
        self.value = value
        self.type = type
        self.choices = choices
    }
}

/// What a correction form changed: the fields whose posted value differs from the one the page
/// was drawn with, set, or cleared when emptied.
struct Changes: Sendable {
    var values: [String: String] = [:]
    var clear: [String] = []

    init(_ form: Form, fields: [String]) {
        for name in fields {
            let now = form.text(name) ?? ""
            guard now != (form.text("was." + name) ?? "") else { continue }
            if now.isEmpty { clear.append(name) } else { values[name] = now }
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The clear list as the ops take it: absent when empty.
    var clearing: [String]? { clear.isEmpty ? nil : clear }

    /// A whole number typed in (a price may be written `85.000`); a problem in words otherwise.
    func number<Number: FixedWidthInteger>(_ name: String, _ context: PageContext) throws(WebProblem) -> Number? {
        let label = Pages.fieldWords(name, context)
        guard let text = values[name] else { return nil }
        let digits = text.filter { $0 != "." && $0 != " " && $0 != "đ" }
        guard let number = Number(digits) else {
            throw WebProblem(message: context.t("\(label): “\(text)” không phải là một số", "\(label): “\(text)” is not a number"))
        }
        return number
    }
}

/// A refusal said by the console itself, before any op: a number that is not one.
struct WebProblem: Error, Sendable {
    var message: String
}

extension PageContext {
    func money(_ amount: Int64?) -> String { amount.map(Money.text) ?? "—" }

    func status(_ status: String) -> String { ItemStatus(rawValue: status)?.words.text(language) ?? status }

    /// A unit's condition (`good`, `needs_repair`, `broken`) in words; anything else as it is.
    func condition(_ condition: String) -> String {
        Pages.unitConditions(self).first { $0.0 == condition }?.1 ?? condition
    }
}

extension Pages {
    static func unitConditions(_ context: PageContext) -> [(String, String)] {
        [("good", context.t("tốt", "good")), ("needs_repair", context.t("cần sửa", "needs repair")), ("broken", context.t("hỏng", "broken"))]
    }

    static func materialKinds(_ context: PageContext) -> [(String, String)] {
        MaterialKind.allCases.map { kind in
            let words: String =
                switch kind {
                case .textbook: context.t("sách giáo khoa", "textbook")
                case .professional: context.t("sách nghiệp vụ", "professional")
                case .reference: context.t("sách tham khảo", "reference")
                case .children: context.t("truyện thiếu nhi", "children's")
                case .periodical: context.t("báo, tạp chí", "periodical")
                case .equipment: context.t("thiết bị", "equipment")
                case .other: context.t("khác", "other")
                }
            return (kind.rawValue, words)
        }
    }

    /// The audit log's field names as staff say them.
    static func fieldWords(_ name: String, _ context: PageContext) -> String {
        switch name {
        case "title": context.t("Nhan đề", "Title")
        case "authors": context.t("Tác giả", "Authors")
        case "publisher": context.t("Nhà xuất bản", "Publisher")
        case "year": context.t("Năm xuất bản", "Year")
        case "isbn": "ISBN"
        case "class_number": context.t("Ký hiệu phân loại", "Class number")
        case "author_mark": context.t("Ký hiệu tác giả", "Author mark")
        case "call_number": context.t("Ký hiệu xếp giá", "Call number")
        case "subject": context.t("Môn loại", "Subject")
        case "grade": context.t("Khối", "Grade")
        case "kind": context.t("Loại tài liệu", "Kind")
        case "price": context.t("Giá", "Price")
        case "notes", "note": context.t("Ghi chú", "Note")
        case "location": context.t("Vị trí", "Location")
        case "barcode": context.t("Mã vạch", "Barcode")
        case "condition": context.t("Tình trạng vật lý", "Condition")
        case "status": context.t("Trạng thái", "State")
        case "in_repair": context.t("Đang sửa", "In repair")
        case "room": context.t("Phòng", "Room")
        case "value": context.t("Giá trị", "Value")
        case "expires_on": context.t("Hạn sử dụng", "Expiry date")
        case "name": context.t("Tên", "Name")
        default: name
        }
    }

    // MARK: Pieces

    static func said(_ problem: String?, notice: String? = nil) -> String {
        (problem.map { "<p class=\"outcome error\" role=\"alert\" id=\"problem\">\(HTML.escape($0))</p>" } ?? "")
            + (notice.map { "<p class=\"outcome ok\" role=\"status\" id=\"notice\">\(HTML.escape($0))</p>" } ?? "")
    }

    /// Label–value pairs; a value nil or empty is left out.
    static func facts(_ rows: [(String, String?)], id: String) -> String {
        let items = rows.compactMap { label, value in
            value.flatMap { $0.isEmpty ? nil : "<dt>\(HTML.escape(label))</dt><dd>\($0)</dd>" }
        }.joined()
        return "<dl class=\"facts card\" id=\"\(id)\">\(items)</dl>"
    }

    /// A table: its header cells and its rows of cells (already HTML); `empty` when there are none.
    static func table(_ id: String, _ headers: [String], _ rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\" id=\"\(id)\">\(HTML.escape(empty))</p>" }
        let head = headers.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined()
        return "<table id=\"\(id)\"><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    static func link(_ path: String, _ text: String) -> String { "<a href=\"\(HTML.escape(path))\">\(HTML.escape(text))</a>" }

    /// One field of a form, labelled; the value typed before a refusal is kept.
    static func input(_ field: EditField, prefix: String = "", entered: Form?, was: Bool) -> String {
        let id = prefix + field.name.replacingOccurrences(of: "_", with: "-")
        let value = entered?[field.name] ?? field.value ?? ""
        let control: String
        if let choices = field.choices {
            let options = choices.map { choice, words in
                "<option value=\"\(HTML.escape(choice))\"\(choice == value ? " selected" : "")>\(HTML.escape(words))</option>"
            }.joined()
            control = "<select id=\"\(id)\" name=\"\(field.name)\">\(options)</select>"
        } else {
            control = "<input id=\"\(id)\" name=\"\(field.name)\" type=\"\(field.type)\" value=\"\(HTML.escape(value))\">"
        }
        let hidden = was ? "<input type=\"hidden\" name=\"was.\(field.name)\" value=\"\(HTML.escape(field.value ?? ""))\">" : ""
        return "<label for=\"\(id)\">\(HTML.escape(field.label))</label>\(control)\(hidden)"
    }

    /// A correction form: each field drawn with its value now; only what is changed is sent.
    static func correction(_ context: PageContext, id: String, action: String, title: String, fields: [EditField], entered: Form?, extra: String = "")
        -> String
    {
        """
        <form method="post" action="\(HTML.escape(action))" class="card grid" id="\(id)" aria-labelledby="\(id)-title">\(context.csrfField)\(extra)
        <h2 id="\(id)-title">\(HTML.escape(title))</h2>
        \(fields.map { input($0, entered: entered, was: true) }.joined(separator: "\n"))
        <button type="submit">\(context.t("Lưu thay đổi", "Save changes"))</button>
        </form>
        """
    }

    /// The audit log of one thing, newest first: who, when, the op, each field before → after.
    static func history(_ context: PageContext, _ history: HistoryResult?, problem: String?) -> String {
        let entries = (history?.entries ?? []).reversed().map { entry in
            let changes = entry.changes.sorted { $0.key < $1.key }.map { name, change in
                "<li><span class=\"field\">\(HTML.escape(fieldWords(name, context)))</span>: <del>\(HTML.escape(value(name, change.before, context)))</del> → <ins>\(HTML.escape(value(name, change.after, context)))</ins></li>"
            }.joined()
            return [
                "<time datetime=\"\(HTML.escape(entry.at))\">\(HTML.escape(context.time(entry.at)))</time>", HTML.escape(entry.actor),
                "<code>\(HTML.escape(entry.op))</code>", "<ul class=\"changes\">\(changes)</ul>",
            ]
        }
        let log = table(
            "history-log", [context.t("Lúc", "When"), context.t("Ai", "Who"), context.t("Thao tác", "Op"), context.t("Thay đổi", "Changes")],
            Array(entries), empty: problem ?? context.t("Chưa có thay đổi nào.", "No changes yet."))
        return "<section id=\"history\"><h2>\(context.t("Lịch sử thay đổi", "History"))</h2>\(log)</section>"
    }

    static func value(_ field: String, _ value: AuditValue, _ context: PageContext) -> String {
        guard case .text(let text) = value else { return value.description }
        switch field {
        case "status": return context.status(text)
        case "condition": return context.condition(text)
        default: return text
        }
    }

    // MARK: Catalogue

    /// Catalogue search: the form, then the titles found, each linking to its record.
    static func catalogue(_ context: PageContext, query: String, records: [RecordView]?, problem: String?) -> String {
        let found: String
        if let records {
            let rows = records.map { record in
                [
                    link("/records/\(record.id)", record.title), HTML.escape(record.authors), record.year.map(String.init) ?? "",
                    HTML.escape(record.callNumber ?? ""), String(record.copies),
                ]
            }
            found = "<p id=\"summary\">\(context.t("Tìm thấy \(records.count) đầu sách", "\(records.count) titles found"))</p>"
                + table(
                    "records", [context.t("Nhan đề", "Title"), context.t("Tác giả", "Authors"), context.t("Năm", "Year"), context.t("Ký hiệu xếp giá", "Call number"), context.t("Số bản", "Copies")],
                    rows, empty: context.t("Không tìm thấy đầu sách nào cho “\(query)”.", "No title matches “\(query)”."))
        } else {
            found = "<p class=\"empty\" id=\"records\">\(context.t("Gõ vài chữ của nhan đề, tác giả, nhà xuất bản hoặc môn loại (không cần dấu).", "Type some words of a title, an author, a publisher or a subject (diacritics not needed)."))</p>"
        }
        return layout(
            context, title: context.t("Tra cứu sách", "Catalogue"),
            body: """
                \(said(problem))
                <form method="get" action="/catalogue" class="search" role="search" id="search">
                <label for="q">\(context.t("Tìm", "Search"))</label>
                <input id="q" name="q" type="search" value="\(HTML.escape(query))" autofocus>
                <button type="submit">\(context.t("Tìm", "Search"))</button>
                </form>
                \(found)
                """)
    }

    /// A title: its fields and copies, the correction form, the history.
    static func record(_ context: PageContext, _ record: RecordView, history: HistoryResult?, historyProblem: String?, problem: String?, saved: Bool, entered: Form?) -> String {
        let facts = facts(
            [
                (context.t("Tác giả", "Authors"), HTML.escape(record.authors)), (context.t("Nhà xuất bản", "Publisher"), record.publisher.map(HTML.escape)),
                (context.t("Năm xuất bản", "Year"), record.year.map(String.init)), ("ISBN", record.isbn.map(HTML.escape)),
                (context.t("Ký hiệu xếp giá", "Call number"), record.callNumber.map(HTML.escape)), (context.t("Môn loại", "Subject"), record.subject.map(HTML.escape)),
                (context.t("Khối", "Grade"), record.grade.map(String.init)),
                (context.t("Loại tài liệu", "Kind"), HTML.escape(materialKinds(context).first { $0.0 == record.kind }?.1 ?? record.kind)),
                (context.t("Giá", "Price"), record.price.map { HTML.escape(Money.text($0)) }), (context.t("Ghi chú", "Notes"), record.notes.map(HTML.escape)),
                (context.t("Số bản", "Copies"), String(record.copies)),
            ], id: "fields")
        let copies = (record.items ?? []).map { item in
            [link("/copies/" + pathComponent(item.accession), item.accession), HTML.escape(item.barcode), HTML.escape(item.location ?? ""), HTML.escape(itemState(item, context))]
        }
        let fields = [
            EditField("title", context, value: record.title),
            EditField("authors", context, value: record.authors, label: context.t("Tác giả (cách nhau bởi ;)", "Authors (separated by ;)")),
            EditField("publisher", context, value: record.publisher),
            EditField("year", context, value: record.year.map(String.init), type: "number"),
            EditField("isbn", context, value: record.isbn),
            EditField("class_number", context, value: record.classNumber),
            EditField("author_mark", context, value: record.authorMark),
            EditField("subject", context, value: record.subject),
            EditField("grade", context, value: record.grade.map(String.init), label: context.t("Khối (1–12)", "Grade (1–12)"), type: "number"),
            EditField("kind", context, value: record.kind, choices: materialKinds(context)),
            EditField("price", context, value: record.price.map(String.init), label: context.t("Giá (đồng)", "Price (VND)")),
            EditField("notes", context, value: record.notes),
        ]
        return layout(
            context, title: record.title,
            body: """
                \(said(problem, notice: saved ? context.t("Đã lưu thay đổi.", "Changes saved.") : nil))
                <div class="columns"><div>\(facts)
                <section><h2>\(context.t("Các bản sách", "Copies"))</h2>
                \(table("copies", [context.t("Số ĐKCB", "Accession number"), context.t("Mã vạch", "Barcode"), context.t("Vị trí", "Location"), context.t("Trạng thái", "State")], copies, empty: context.t("Chưa có bản nào.", "No copies.")))
                </section>
                \(Self.history(context, history, problem: historyProblem))</div>
                \(correction(context, id: "correct", action: "/records/\(record.id)", title: context.t("Sửa thông tin đầu sách", "Correct the record"), fields: fields, entered: entered))</div>
                """)
    }

    static func itemState(_ item: ItemView, _ context: PageContext) -> String {
        item.status.words.text(context.language) + (item.inRepair == true ? context.t(" (đang sửa)", " (in repair)") : "")
    }

    /// A key in a path (a barcode, a card, a class name): everything but ASCII letters, digits
    /// and `-._~` percent-encoded, so it is safe in an attribute and a `Location` header alike.
    static func pathComponent(_ key: String) -> String {
        key.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A copy: its fields, its loan, its state change, the correction form, the history.
    static func copy(
        _ context: PageContext, _ item: ItemView, loan: LoanView?, history: HistoryResult?, historyProblem: String?, problem: String?, saved: Bool,
        entered: Form?
    ) -> String {
        let key = pathComponent(item.accession)
        let facts = facts(
            [
                (context.t("Đầu sách", "Title"), link("/records/\(item.recordID)", item.title)), (context.t("Tác giả", "Authors"), HTML.escape(item.authors)),
                (context.t("Mã vạch", "Barcode"), HTML.escape(item.barcode)), (context.t("Ký hiệu xếp giá", "Call number"), item.callNumber.map(HTML.escape)),
                (context.t("Trạng thái", "State"), "<b id=\"state\">\(HTML.escape(itemState(item, context)))</b>"),
                (context.t("Vị trí", "Location"), item.location.map(HTML.escape)), (context.t("Giá", "Price"), item.price.map { HTML.escape(Money.text($0)) }),
                (context.t("Tình trạng vật lý", "Condition"), item.condition.map(HTML.escape)), (context.t("Ghi chú", "Note"), item.note.map(HTML.escape)),
                (context.t("Ngày nhập", "Received"), HTML.escape(context.day(item.receivedOn))),
                (context.t("Kiểm kê thấy lần cuối", "Last seen by an inventory"), item.lastSeenAt.map { HTML.escape(context.time($0)) }),
            ], id: "fields")
        let loaned = loan.map { loan in
            """
            <section class="card" id="loan"><h2>\(context.t("Đang cho mượn", "On loan"))</h2>
            <p>\(HTML.escape(loan.borrower))\(loan.card.map { " (" + HTML.escape($0) + ")" } ?? "")\(loan.className.map { " — " + HTML.escape($0) } ?? ""),
            \(context.t("từ", "since")) \(HTML.escape(context.day(loan.loanedAt))), \(context.t("hạn", "due")) \(HTML.escape(context.day(loan.due)))\(loan.overdueDays > 0 ? ", <b class=\"overdue\">" + context.t("quá hạn \(loan.overdueDays) ngày", "\(loan.overdueDays) days overdue") + "</b>" : "")</p>
            <form method="post" action="/copies/\(HTML.escape(key))/lost">\(context.csrfField)<button type="submit" id="lost">\(context.t("Bạn đọc làm mất", "Lost by its borrower"))</button></form>
            </section>
            """
        } ?? ""
        // The states item.state takes from here; on loan, only its borrower's loss; withdrawn only by a disposal.
        var changes: [(String, String)] = []
        if item.status != .onLoan && item.status != .withdrawn {
            if item.status != .damaged || item.inRepair == true { changes.append(("damaged", context.t("Hỏng (vẫn trên giá)", "Damaged (still on the shelf)"))) }
            if item.inRepair != true { changes.append(("repair", context.t("Đem đi sửa", "Away for repair"))) }
            if item.status != .available { changes.append(("available", context.t("Sẵn sàng lại", "Available again"))) }
        }
        let stateForm =
            changes.isEmpty
            ? ""
            : """
            <form method="post" action="/copies/\(HTML.escape(key))/state" class="card" id="state-change" aria-labelledby="state-title">\(context.csrfField)
            <h2 id="state-title">\(context.t("Đổi trạng thái", "Change its state"))</h2>
            <label for="state-note">\(context.t("Ghi chú", "Note"))</label> <input id="state-note" name="note">
            \(changes.map { "<button type=\"submit\" name=\"state\" value=\"\($0.0)\" id=\"state-\($0.0)\">\(HTML.escape($0.1))</button>" }.joined(separator: " "))
            <p class="hint">\(context.t("Thanh lý chỉ qua biên bản thanh lý.", "Withdrawal is only through a disposal."))</p>
            </form>
            """
        let fields = [
            EditField("location", context, value: item.location),
            EditField("barcode", context, value: item.barcode, label: context.t("Mã vạch (dán lại nhãn)", "Barcode (relabelled)")),
            EditField("price", context, value: item.price.map(String.init), label: context.t("Giá (đồng)", "Price (VND)")),
            EditField("condition", context, value: item.condition),
            EditField("note", context, value: item.note),
        ]
        return layout(
            context, title: context.t("Bản \(item.accession)", "Copy \(item.accession)"),
            body: """
                \(said(problem, notice: saved ? context.t("Đã lưu thay đổi.", "Changes saved.") : nil))
                <div class="columns">\(facts)<div>\(loaned)\(stateForm)</div></div>
                \(correction(context, id: "correct", action: "/copies/\(key)", title: context.t("Sửa thông tin bản sách", "Correct the copy"), fields: fields, entered: entered))
                \(Self.history(context, history, problem: historyProblem))
                """)
    }

    // MARK: Equipment

    static func count(_ equipment: EquipmentView) -> String {
        equipment.tracking == "unit" ? "\(equipment.units?.count ?? 0) \(equipment.unit)" : "\(equipment.quantity) \(equipment.unit)"
    }

    /// The equipment: the search and what it found, the chemicals near or past their expiry,
    /// a lesson's loan and its return.
    static func equipment(
        _ context: PageContext, query: String, found: [EquipmentView], expiring: [EquipmentView], today: String, problem: String?, notice: String?,
        entered: Form?
    ) -> String {
        let rows = found.map { type in
            [link("/equipment/" + pathComponent(type.code), type.code), HTML.escape(type.name), HTML.escape(type.subject ?? ""), HTML.escape(type.room ?? ""), HTML.escape(count(type))]
        }
        let expiringRows = expiring.map { type in
            let date = type.expiresOn ?? ""
            return [
                link("/equipment/" + pathComponent(type.code), type.code), HTML.escape(type.name), HTML.escape(count(type)),
                "<span\(date < today ? " class=\"overdue\"" : "")>\(HTML.escape(context.day(date)))\(date < today ? context.t(" (đã hết hạn)", " (expired)") : "")</span>",
            ]
        }
        func field(_ name: String, _ label: String, type: String = "text", required: Bool = false) -> String {
            let value = entered?[name] ?? ""
            return "<label for=\"lesson-\(name)\">\(HTML.escape(label))</label><input id=\"lesson-\(name)\" name=\"\(name)\" type=\"\(type)\" value=\"\(HTML.escape(value))\"\(required ? " required" : "")>"
        }
        let conditions = [("good", context.t("tốt", "good")), ("damaged", context.t("hỏng", "damaged")), ("lost", context.t("mất", "lost"))]
        return layout(
            context, title: context.t("Thiết bị dạy học", "Teaching equipment"),
            body: """
                \(said(problem, notice: notice))
                <form method="get" action="/equipment" class="search" role="search" id="search">
                <label for="q">\(context.t("Tìm thiết bị", "Search equipment"))</label>
                <input id="q" name="q" type="search" value="\(HTML.escape(query))">
                <button type="submit">\(context.t("Tìm", "Search"))</button>
                </form>
                \(table("equipment", [context.t("Mã", "Code"), context.t("Tên", "Name"), context.t("Môn", "Subject"), context.t("Phòng", "Room"), context.t("Số lượng", "Count")], rows, empty: query.isEmpty ? context.t("Chưa có thiết bị nào.", "No equipment yet.") : context.t("Không tìm thấy thiết bị nào cho “\(query)”.", "No equipment matches “\(query)”.")))
                <div class="columns">
                <form method="post" action="/lessons" class="card grid" id="lend" aria-labelledby="lend-title">\(context.csrfField)
                <h2 id="lend-title">\(context.t("Cho mượn theo tiết", "Lend for a lesson"))</h2>
                \(field("teacher", context.t("Thẻ giáo viên", "Teacher's card"), required: true))
                \(field("class", context.t("Lớp", "Class")))
                \(field("subject", context.t("Môn", "Subject")))
                \(field("date", context.t("Ngày (mặc định hôm nay)", "Day (today by default)"), type: "date"))
                \(field("period", context.t("Tiết (1–15)", "Period (1–15)"), type: "number", required: true))
                \(field("title", context.t("Tên bài dạy", "Lesson")))
                \(field("units", context.t("Mã thiết bị (cách nhau bởi dấu cách)", "Units' barcodes (separated by spaces)")))
                \(field("quantities", context.t("Số lượng (MÃ=số, cách nhau bởi dấu cách)", "Quantities (CODE=amount, separated by spaces)")))
                <button type="submit">\(context.t("Cho mượn", "Lend"))</button>
                </form>
                <form method="post" action="/lessons/return" class="card grid" id="return" aria-labelledby="return-title">\(context.csrfField)
                <h2 id="return-title">\(context.t("Nhận trả sau tiết học", "Return after the lesson"))</h2>
                \(field("lesson", context.t("Số lượt mượn", "Lesson loan number"), type: "number"))
                \(field("return_units", context.t("Hoặc mã thiết bị (cách nhau bởi dấu cách)", "Or units' barcodes (separated by spaces)")))
                <label for="lesson-condition">\(context.t("Các thiết bị đó trả về", "Those units come back"))</label>
                <select id="lesson-condition" name="condition">\(conditions.map { "<option value=\"\($0.0)\">\(HTML.escape($0.1))</option>" }.joined())</select>
                \(field("consumed", context.t("Đã dùng hết (MÃ=số)", "Consumed (CODE=amount)")))
                \(field("lost", context.t("Bị mất (MÃ=số)", "Lost (CODE=amount)")))
                <button type="submit">\(context.t("Nhận trả", "Return"))</button>
                <p class="hint">\(context.t("Thiết bị không ghi tên trả về tốt.", "Units not named come back good."))</p>
                </form>
                </div>
                <section><h2>\(context.t("Hoá chất sắp hết hạn hoặc đã hết hạn (30 ngày)", "Chemicals expiring within 30 days or expired"))</h2>
                \(table("expiring", [context.t("Mã", "Code"), context.t("Tên", "Name"), context.t("Số lượng", "Count"), context.t("Hạn sử dụng", "Expiry date")], expiringRows, empty: context.t("Không có hoá chất nào sắp hết hạn.", "No chemical expires soon.")))
                </section>
                """)
    }

    /// An equipment type: its fields and correction, its units (each with its own correction, and
    /// its lesson's return while lent), the history.
    static func equipmentType(
        _ context: PageContext, _ type: EquipmentView, history: HistoryResult?, historyProblem: String?, problem: String?, saved: Bool, entered: Form?
    ) -> String {
        let code = pathComponent(type.code)
        let facts = facts(
            [
                (context.t("Mã", "Code"), HTML.escape(type.code)), (context.t("Môn", "Subject"), type.subject.map(HTML.escape)),
                (context.t("Khối", "Grades"), type.grades.map(HTML.escape)), (context.t("Phòng", "Room"), type.room.map(HTML.escape)),
                (context.t("Số lượng", "Count"), HTML.escape(count(type))), (context.t("Giá trị", "Value"), type.value.map { HTML.escape(Money.text($0)) }),
                (context.t("Hạn sử dụng", "Expiry date"), type.expiresOn.map { HTML.escape(context.day($0)) }),
            ], id: "fields")
        let fields = [
            EditField("name", context, value: type.name),
            EditField("room", context, value: type.room),
            EditField("value", context, value: type.value.map(String.init), label: context.t("Giá trị (đồng)", "Value (VND)")),
            EditField("expires_on", context, value: type.expiresOn, type: "date"),
        ]
        let units = (type.units ?? []).enumerated().map { index, unit in
            let prefix = "u\(index)-"
            let key = pathComponent(unit.barcode)
            let edit = [
                EditField("room", context, value: unit.room),
                EditField("condition", context, value: unit.condition, label: context.t("Tình trạng", "Condition"), choices: unitConditions(context)),
            ]
            let back = "<input type=\"hidden\" name=\"code\" value=\"\(HTML.escape(type.code))\">"
            let returning =
                unit.status == ItemStatus.onLoan.rawValue
                ? "<form method=\"post\" action=\"/lessons/return\" class=\"inline\">\(context.csrfField)\(back)<input type=\"hidden\" name=\"return_units\" value=\"\(HTML.escape(unit.barcode))\"><button type=\"submit\" id=\"\(prefix)return\">\(context.t("Nhận trả lượt mượn", "Return its lesson"))</button></form>"
                : ""
            return [
                HTML.escape(unit.accession), HTML.escape(unit.barcode), "<span class=\"state\">\(HTML.escape(context.status(unit.status)))</span>",
                HTML.escape(context.condition(unit.condition)), HTML.escape(unit.room ?? ""),
                "<form method=\"post\" action=\"/units/\(HTML.escape(key))\" class=\"row-edit\">\(context.csrfField)\(back)"
                    + edit.map { input($0, prefix: prefix, entered: nil, was: true) }.joined()
                    + "<button type=\"submit\" id=\"\(prefix)save\">\(context.t("Lưu", "Save"))</button></form>\(returning)",
            ]
        }
        let unitsTable =
            type.tracking == "unit"
            ? "<section><h2>\(context.t("Các đơn vị", "Units"))</h2>"
                + table(
                    "units", [context.t("Số ĐKCB", "Accession number"), context.t("Mã vạch", "Barcode"), context.t("Trạng thái", "State"), context.t("Tình trạng", "Condition"), context.t("Phòng", "Room"), context.t("Sửa", "Correct")],
                    units, empty: context.t("Chưa có đơn vị nào.", "No units.")) + "</section>"
            : ""
        return layout(
            context, title: type.name,
            body: """
                \(said(problem, notice: saved ? context.t("Đã lưu thay đổi.", "Changes saved.") : nil))
                <p><a href="/equipment">\(context.t("← Thiết bị", "← Equipment"))</a></p>
                <div class="columns">\(facts)
                \(correction(context, id: "correct", action: "/equipment/\(code)", title: context.t("Sửa thông tin thiết bị", "Correct the equipment"), fields: fields, entered: entered))</div>
                \(unitsTable)
                \(Self.history(context, history, problem: historyProblem))
                """)
    }
}
