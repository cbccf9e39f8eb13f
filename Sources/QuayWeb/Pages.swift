import Foundation
import QuayCore
import QuayProtocol

/// HTML made on the server: every value that came from a request or the database passes
/// through `escape` (SPEC §17: output escaped); the pages' own words come in both languages
/// and the one the staff member chose is shown.
enum HTML {
    static func escape(_ text: String) -> String {
        // Most values have nothing to escape: they are returned as they are.
        func special(_ byte: UInt8) -> Bool { byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: out += "&amp;".utf8
            case 0x3C: out += "&lt;".utf8
            case 0x3E: out += "&gt;".utf8
            case 0x22: out += "&quot;".utf8
            case 0x27: out += "&#39;".utf8
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What every page shares: the language, the staff member and the session's CSRF token.
struct PageContext: Sendable {
    var language: Language
    var staff: String?
    var role: StaffRole?
    var csrf: String
    var school: String

    func t(_ vi: String, _ en: String) -> String { language == .vi ? vi : en }

    /// A day as the language writes it: dd/mm/yyyy in Vietnamese (SPEC §12), yyyy-mm-dd in English.
    func day(_ iso: String) -> String {
        language == .vi ? Day(String(iso.prefix(10)))?.vietnamese ?? iso : String(iso.prefix(10))
    }

    /// A stored UTC timestamp as the day and time in Vietnam; "—" for none.
    func time(_ stamp: String?) -> String {
        guard let stamp else { return "—" }
        guard let local = Timestamp.vietnam(stamp) else { return stamp }
        return day(local.day.description) + " " + local.clock
    }

    /// A hidden CSRF field: every form posts it.
    var csrfField: String { "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf))\">" }
}

enum Pages {
    /// The page around `body`: the school, the staff member, the menu, the language switch.
    static func layout(_ context: PageContext, title: String, body: String, script: String? = nil) -> String {
        let menu: String
        if let staff = context.staff {
            menu = """
                <nav aria-label="\(context.t("Trình đơn", "Menu"))">
                <a href="/desk">\(context.t("Quầy", "Desk"))</a>
                <a href="/catalogue">\(context.t("Tra cứu", "Catalogue"))</a>
                <a href="/intake">\(context.t("Nhập sách", "Intake"))</a>
                <a href="/patrons">\(context.t("Bạn đọc", "Patrons"))</a>
                <a href="/equipment">\(context.t("Thiết bị", "Equipment"))</a>
                <a href="/inventory">\(context.t("Kiểm kê", "Inventory"))</a>
                <a href="/reports">\(context.t("Báo cáo", "Reports"))</a>
                <a href="/printers">\(context.t("Máy in", "Printers"))</a>
                <a href="/backups">\(context.t("Sao lưu", "Backups"))</a>
                <span class="who">\(HTML.escape(staff))</span>
                <form method="post" action="/logout" class="inline">\(context.csrfField)<button type="submit">\(context.t("Đăng xuất", "Log out"))</button></form>
                </nav>
                """
        } else {
            menu = ""
        }
        let other = context.language == .vi ? ("en", "English") : ("vi", "Tiếng Việt")
        return """
            <!DOCTYPE html>
            <html lang="\(context.language == .vi ? "vi" : "en")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf" content="\(HTML.escape(context.csrf))">
            <title>\(HTML.escape(title)) — Quầy</title>
            <link rel="stylesheet" href="/assets/app.css">
            </head>
            <body>
            <header><span class="school">\(HTML.escape(context.school))</span> \(menu)
            <a class="lang" href="?lang=\(other.0)" hreflang="\(other.0)">\(other.1)</a></header>
            <main>
            <h1>\(HTML.escape(title))</h1>
            \(body)
            </main>
            \(script.map { "<script src=\"/assets/\($0)\"></script>" } ?? "")
            </body>
            </html>
            """
    }

    static func login(_ context: PageContext, name: String = "", problem: String? = nil) -> String {
        let said = problem.map { "<p class=\"outcome error\" role=\"alert\" id=\"problem\">\(HTML.escape($0))</p>" } ?? ""
        return layout(
            context, title: context.t("Đăng nhập", "Log in"),
            body: """
                \(said)
                <form method="post" action="/login" class="card" id="login">
                \(context.csrfField)
                <label for="name">\(context.t("Tên", "Name"))</label>
                <input id="name" name="name" autocomplete="username" required autofocus value="\(HTML.escape(name))">
                <label for="password">\(context.t("Mật khẩu", "Password"))</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit">\(context.t("Đăng nhập", "Log in"))</button>
                </form>
                """)
    }

    /// A refusal as a page: what went wrong in the staff member's words, never a stack trace.
    static func problem(_ context: PageContext, title: String, message: String) -> String {
        layout(context, title: title, body: "<p class=\"outcome error\" role=\"alert\">\(HTML.escape(message))</p><p><a href=\"/\">\(context.t("Về trang đầu", "Home"))</a></p>")
    }

    /// The desk screen: the mode, the borrower, each scan's one outcome in large type (green
    /// or red, with a sound), live from the desk's events; a field a keyboard-wedge scanner
    /// types into; QUAY:UNDO as a button.
    static func desk(_ context: PageContext, desk: String, mode: String, modes: [String], borrower: String?) -> String {
        let modeButtons = modes.map { name in
            "<button type=\"submit\" name=\"mode\" value=\"\(HTML.escape(name))\"\(name == mode ? " aria-pressed=\"true\" class=\"on\"" : "")>\(HTML.escape(modeWords(name, context)))</button>"
        }.joined()
        return layout(
            context, title: context.t("Quầy \(desk)", "Desk \(desk)"),
            body: """
                <section id="desk" data-desk="\(HTML.escape(desk))">
                <form method="post" action="/desk/mode" class="modes" aria-label="\(context.t("Chế độ", "Mode"))">\(context.csrfField)
                <input type="hidden" name="desk" value="\(HTML.escape(desk))">\(modeButtons)</form>
                <div id="borrower" class="card" aria-live="polite">\(borrower.map(HTML.escape) ?? context.t("Chưa có bạn đọc: quét thẻ", "No borrower: scan a card"))</div>
                <p id="outcome" class="outcome" role="status" aria-live="assertive">\(context.t("Sẵn sàng", "Ready"))</p>
                <form method="post" action="/desk/scan" id="scan" class="scan">\(context.csrfField)
                <input type="hidden" name="desk" value="\(HTML.escape(desk))">
                <label for="code">\(context.t("Mã (quét hoặc gõ)", "Code (scan or type)"))</label>
                <input id="code" name="code" autocomplete="off" autofocus required>
                <button type="submit">\(context.t("Gửi", "Send"))</button>
                <button type="submit" name="code" value="QUAY:UNDO" formnovalidate id="undo">\(context.t("Hoàn tác", "Undo"))</button>
                </form>
                <ol id="log" class="log" aria-label="\(context.t("Các lượt quét", "Scans"))"></ol>
                </section>
                """, script: "desk.js")
    }

    static func modeWords(_ mode: String, _ context: PageContext) -> String {
        switch mode {
        case "checkout": context.t("Cho mượn", "Checkout")
        case "checkin": context.t("Nhận trả", "Checkin")
        case "lesson": context.t("Mượn theo tiết", "Lesson")
        case "inventory": context.t("Kiểm kê", "Inventory")
        case "intake": context.t("Nhập sách", "Intake")
        case "lookup": context.t("Tra cứu", "Lookup")
        default: mode
        }
    }

    /// The borrower's panel: name, class, loans (overdue marked), blocks.
    static func borrower(_ context: PageContext, patron: PatronView, loans: [LoanView], now: String) -> String {
        let overdue = loans.filter { $0.due < now }
        let status = patron.status == "active" ? "" : "<p class=\"outcome error\">\(HTML.escape(patron.statusReason ?? patron.status))</p>"
        let rows = loans.map { loan in
            "<li\(loan.due < now ? " class=\"overdue\"" : "")>\(HTML.escape(loan.accession)) — \(HTML.escape(loan.title)) (\(context.t("hạn", "due")) \(HTML.escape(context.day(loan.due))))</li>"
        }.joined()
        return """
            <p class="name">\(HTML.escape(patron.name))\(patron.className.map { " — " + HTML.escape($0) } ?? "")</p>
            <p>\(context.t("Đang mượn", "On loan")): <b id="loan-count">\(loans.count)</b>, \(context.t("quá hạn", "overdue")): <b>\(overdue.count)</b></p>
            \(status)<ul class="loans">\(rows)</ul>
            """
    }

    /// Intake: the form, and after it the new copies' spine labels as the printer will print them.
    static func intake(_ context: PageContext, registers: [RegisterView], done: IntakeResult? = nil, labels: [(String, String)] = [], problem: String? = nil) -> String {
        let options = registers.map { "<option value=\"\(HTML.escape($0.code))\">\(HTML.escape($0.code)) — \(HTML.escape($0.name))</option>" }.joined()
        func field(_ name: String, _ label: String, type: String = "text", required: Bool = false) -> String {
            "<label for=\"\(name)\">\(label)</label><input id=\"\(name)\" name=\"\(name)\" type=\"\(type)\"\(required ? " required" : "")>"
        }
        var result = ""
        if let problem { result += "<p class=\"outcome error\" role=\"alert\" id=\"problem\">\(HTML.escape(problem))</p>" }
        if let done {
            let pictures = labels.map { key, png in
                "<figure class=\"label\"><img src=\"data:image/png;base64,\(HTML.escape(png))\" alt=\"\(context.t("Nhãn gáy", "Spine label")) \(HTML.escape(key))\"><figcaption>\(HTML.escape(key))</figcaption></figure>"
            }.joined()
            let keys = done.accessionNumbers.map { "<input type=\"hidden\" name=\"key\" value=\"\(HTML.escape($0))\">" }.joined()
            result += """
                <section id="done" class="card"><p class="outcome ok">\(context.t("Đã vào sổ", "Registered")) \(HTML.escape(done.firstAccession)) – \(HTML.escape(done.lastAccession))</p>
                <div class="labels">\(pictures)</div>
                <form method="post" action="/intake/print">\(context.csrfField)\(keys)<button type="submit" id="print">\(context.t("In nhãn gáy", "Print spine labels"))</button></form>
                </section>
                """
        }
        return layout(
            context, title: context.t("Nhập sách", "Intake"),
            body: result + """
                <form method="post" action="/intake" class="card grid" id="intake">\(context.csrfField)
                <label for="register">\(context.t("Sổ đăng ký", "Register"))</label><select id="register" name="register">\(options)</select>
                \(field("copies", context.t("Số bản", "Copies"), type: "number", required: true))
                \(field("title", context.t("Nhan đề", "Title"), required: true))
                \(field("authors", context.t("Tác giả (cách nhau bởi ;)", "Authors (separated by ;)")))
                \(field("class_number", context.t("Ký hiệu phân loại", "Class number")))
                \(field("publisher", context.t("Nhà xuất bản", "Publisher")))
                \(field("year", context.t("Năm xuất bản", "Year"), type: "number"))
                \(field("price", context.t("Giá (đồng)", "Price (VND)"), type: "number"))
                <button type="submit">\(context.t("Vào sổ", "Register them"))</button>
                </form>
                """)
    }

    /// The reports, each with a download form (its format; the filters it takes); a report that
    /// draws charts also shows them on the page, as quayd draws them (`chart`: the report's name,
    /// its filters as given and the SVG in Base64; or the refusal).
    static func reports(_ context: PageContext, reports: [ReportInfo], chart: ReportChartShown? = nil) -> String {
        let rows = reports.map { report in
            let given = chart?.name == report.name ? chart?.filters ?? [:] : [:]
            let filters = report.filters.map { name in
                "<label>\(HTML.escape(filterWords(name, context))) <input name=\"filter.\(HTML.escape(name))\" size=\"10\" value=\"\(HTML.escape(given[name] ?? ""))\"></label>"
            }.joined(separator: " ")
            var shown = ""
            if let chart, chart.name == report.name {
                if let svg = chart.svg {
                    shown = "<figure class=\"chart\"><img id=\"chart\" src=\"data:image/svg+xml;base64,\(svg)\" alt=\"\(context.t("Biểu đồ", "Charts")): \(HTML.escape(report.title))\"></figure>"
                } else {
                    shown = "<p class=\"outcome error\" role=\"alert\" id=\"problem\">\(HTML.escape(chart.problem ?? ""))</p>"
                }
            }
            let chartButton = report.charts == true ? " <button type=\"submit\" formaction=\"/reports/chart\">\(context.t("Xem biểu đồ", "Show the charts"))</button>" : ""
            return """
                <li class="card\(shown.isEmpty ? "" : " wide")" id="report-\(HTML.escape(report.name))"><h2>\(HTML.escape(report.title))</h2><p>\(HTML.escape(report.description))</p>
                <form method="post" action="/reports/run">\(context.csrfField)<input type="hidden" name="name" value="\(HTML.escape(report.name))">
                \(filters) <select name="format" aria-label="\(context.t("Định dạng", "Format"))"><option value="xlsx">XLSX</option><option value="csv">CSV</option></select>
                <button type="submit">\(context.t("Tải về", "Download"))</button>\(chartButton)</form>\(shown)</li>
                """
        }.joined()
        return layout(context, title: context.t("Sổ sách và báo cáo", "Registers and reports"), body: "<ul class=\"reports\">\(rows)</ul>")
    }
}

extension Pages {
    /// A report filter's name in the staff member's words (the form posts the name itself).
    static func filterWords(_ name: String, _ context: PageContext) -> String {
        switch name {
        case "register": context.t("Sổ", "Register")
        case "from": context.t("Từ số", "From number")
        case "to": context.t("Đến số", "To number")
        case "since": context.t("Từ ngày", "Since")
        case "until": context.t("Đến ngày", "Until")
        case "class": context.t("Lớp", "Class")
        case "school_year": context.t("Năm học", "School year")
        case "overdue": context.t("Chỉ quá hạn (yes/no)", "Overdue only (yes/no)")
        case "patron": context.t("Thẻ bạn đọc", "Card")
        case "kind": context.t("Đối tượng", "Kind")
        case "session": context.t("Đợt kiểm kê", "Inventory session")
        case "disposal": context.t("Biên bản thanh lý", "Disposal")
        case "teacher": context.t("Giáo viên", "Teacher")
        case "term": context.t("Học kỳ", "Term")
        case "month": context.t("Tháng (yyyy-mm)", "Month (yyyy-mm)")
        case "months": context.t("Số tháng", "Months")
        default: name
        }
    }
}

/// A report's charts as the reports page shows them.
struct ReportChartShown: Sendable {
    var name: String
    var filters: [String: String]
    /// The SVG, Base64; nil when refused.
    var svg: String?
    var problem: String?
}
