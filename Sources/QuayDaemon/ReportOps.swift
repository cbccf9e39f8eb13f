import Foundation
import QuayCore
import QuayProtocol
import QuayReports
import QuayStore

/// One report (SPEC §10): its name on the command line, its title, who asks for it, the
/// filters it takes, and how its sheets are written from the store's streamed rows.
struct ReportDefinition: Sendable {
    let name: String
    let title: Bilingual
    let purpose: Bilingual
    let filters: [String]
    /// It draws charts (`svg` and `png` make a picture of them).
    var charts = false
    let write: @Sendable (ReportContext) throws -> Void
}

/// What a report is written with: the store, the filter, the writer, the language, a row count.
final class ReportContext: @unchecked Sendable {
    let database: QuayDatabase
    let filter: ReportFilter
    let writer: any ReportWriter
    let language: Language
    let now: Date
    /// The school calendar (terms, the school year's dates) and the equipment quotas.
    let calendar: SchoolCalendar
    let quota: EquipmentQuota
    var rows = 0

    init(
        database: QuayDatabase, filter: ReportFilter, writer: any ReportWriter, language: Language, now: Date, calendar: SchoolCalendar = SchoolCalendar(),
        quota: EquipmentQuota = EquipmentQuota()
    ) {
        self.database = database
        self.filter = filter
        self.writer = writer
        self.language = language
        self.now = now
        self.calendar = calendar
        self.quota = quota
    }

    /// The days a report of a period covers, and the period in words: `since`/`until` as
    /// given, else a month, else a term of the school year, else the whole school year.
    func period() -> (since: String, until: String, words: Bilingual) {
        let year = filter.schoolYear
        var (since, until): (Day?, Day?) = (nil, nil)
        var words = Bilingual(vi: "NĂM HỌC \(year)", en: "SCHOOL YEAR \(year)")
        if let month = filter.month, let first = Day(month + "-01") {
            since = first
            until = Day(year: first.month == 12 ? first.year + 1 : first.year, month: first.month % 12 + 1, day: 1).adding(days: -1)
            let shown = String(format: "%02d/%d", first.month, first.year)
            words = Bilingual(vi: "THÁNG \(shown)", en: "MONTH \(shown)")
        } else if let term = filter.term, let dates = calendar.dates(ofTerm: term, schoolYear: year) {
            (since, until) = (dates.starts, dates.ends)
            words = Bilingual(vi: "HỌC KỲ \(term == 1 ? "I" : "II") NĂM HỌC \(year)", en: "TERM \(term), SCHOOL YEAR \(year)")
        } else if let dates = calendar.dates(ofSchoolYear: year) {
            (since, until) = (dates.starts, dates.ends)
        }
        if filter.since != nil || filter.until != nil {
            since = filter.since.flatMap(Day.init) ?? since
            until = filter.until.flatMap(Day.init) ?? until
            let shown = "\(since?.vietnamese ?? "…") – \(until?.vietnamese ?? "…")"
            words = Bilingual(vi: shown, en: shown)
        }
        return (since?.description ?? "0000-00-00", until?.description ?? "9999-12-31", words)
    }

    func begin(_ sheet: ReportSheet) throws { try writer.begin(sheet) }

    func row(_ cells: [ReportCell]) throws {
        try writer.row(cells)
        rows += 1
    }

    func words(_ words: Bilingual) -> String { words.text(language) }
}

extension Dispatcher {
    func reportList() -> ReportListResult {
        let language = requestLanguage ?? state.config.language
        return ReportListResult(
            reports: Self.reports.map { ReportInfo(name: $0.name, title: $0.title.text(language), description: $0.purpose.text(language), filters: $0.filters, charts: $0.charts ? true : nil) })
    }

    /// Makes the report into a file beside the database, on a thread of its own (a register of a
    /// million copies takes seconds); the client reads it with `report.read`. A refusal or a
    /// failure leaves no file behind.
    func reportRun(_ args: ReportRunArgs) async throws -> ReportRunResult {
        guard let definition = Self.reports.first(where: { $0.name == args.name }) else {
            throw Refusal(code: .unknownReport, detail: "\(args.name); reports: \(Self.reports.map(\.name).joined(separator: ", "))")
        }
        guard let format = ReportFormat(rawValue: args.format.lowercased()) else {
            throw Refusal(code: .invalidArgument, detail: "format must be xlsx, csv, svg or png (the charts) or page (the first printed page), not \(args.format)")
        }
        var asked = try reportFilter(args.filters ?? [:], allowed: definition.filters)
        let config = state.config
        let language = try fileLanguage(args.language)
        asked.language = language
        let filter = asked
        let (number, path) = state.reserveTransfer("report")
        let database = state.database
        let now = now()
        let temporary = (path as NSString).deletingLastPathComponent
        do {
            let rows: Int = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result {
                        let writer = try format.writer(
                            path: path, school: config.schoolName, title: definition.title.text(language), language: language,
                            temporaryDirectory: temporary.isEmpty ? "." : temporary)
                        let context = ReportContext(
                            database: database, filter: filter, writer: writer, language: language, now: now, calendar: config.circulation.calendar,
                            quota: config.equipmentQuota)
                        try definition.write(context)
                        try writer.finish()
                        return context.rows
                    })
                }
            }
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            logger.info("report made", metadata: ["report.name": "\(definition.name)", "report.rows": "\(rows)", "report.bytes": "\(size)"])
            return ReportRunResult(report: number, format: format.rawValue, sizeBytes: size, rows: rows)
        } catch let error as ReportError {
            state.forgetTransfer(number)
            switch error.kind {
            case .failure: throw Refusal(code: .internalError, detail: error.detail)
            case .missingFilter: throw Refusal(code: .invalidFilter, detail: error.detail)
            case .notInReport: throw Refusal(code: .invalidArgument, detail: "\(definition.name): \(error.detail)")
            }
        } catch {
            state.forgetTransfer(number)
            throw error
        }
    }

    /// The language of a file quayd makes (a report, an export): Vietnamese, the registers'
    /// language, unless the request asks for `en` — whatever the request's own `lang` is.
    func fileLanguage(_ tag: String?) throws -> Language {
        guard let tag = text(tag) else { return .vi }
        guard let language = Language(tag: tag) else { throw Refusal(code: .invalidArgument, detail: "language must be vi or en, not \(tag)") }
        return language
    }

    func reportRead(_ args: ReportReadArgs) throws -> FileChunk {
        try readTransfer(args.report, offset: args.offset, missing: "report \(args.report) (made by report.run, removed once read to its end)")
    }

    /// The filters of a request, checked against the ones the report takes.
    func reportFilter(_ given: [String: String], allowed: [String]) throws -> ReportFilter {
        if let wrong = given.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Refusal(
                code: .invalidFilter, detail: "\(wrong): this report takes \(allowed.isEmpty ? "no filter" : allowed.joined(separator: ", "))")
        }
        var filter = ReportFilter(schoolYear: try schoolYear(given["school_year"]))
        func day(_ key: String) throws -> String? {
            guard let value = text(given[key]) else { return nil }
            do { return try validDate(value) } catch { throw Refusal(code: .invalidFilter, detail: "\(key) must be a date: yyyy-mm-dd or dd/mm/yyyy") }
        }
        func number(_ key: String) throws -> Int64? {
            guard let value = text(given[key]) else { return nil }
            if let number = Int64(value), number >= 1 { return number }
            if let accession = AccessionNumber(value) {
                if filter.register == nil { filter.register = accession.prefix }
                return accession.number
            }
            throw Refusal(code: .invalidFilter, detail: "\(key) must be an accession number (STK.000120) or a number")
        }
        filter.register = text(given["register"])?.uppercased()
        filter.fromNumber = try number("from")
        filter.toNumber = try number("to")
        filter.since = try day("since")
        filter.until = try day("until")
        filter.className = text(given["class"])
        filter.teacherCard = text(given["teacher"]) ?? text(given["patron"])
        if let overdue = text(given["overdue"]) {
            guard let value = ["true": true, "yes": true, "1": true, "false": false, "no": false, "0": false][overdue.lowercased()] else {
                throw Refusal(code: .invalidFilter, detail: "overdue must be true or false")
            }
            filter.overdueOnly = value
        }
        if let disposal = text(given["disposal"]) {
            guard let id = Int64(disposal.uppercased().hasPrefix("D") ? String(disposal.dropFirst()) : disposal) else {
                throw Refusal(code: .invalidFilter, detail: "disposal must be a disposal's number")
            }
            filter.disposal = id
        }
        if let session = text(given["session"]) {
            guard let id = Int64(session) else { throw Refusal(code: .invalidFilter, detail: "session must be an inventory session's number") }
            filter.session = id
        }
        if let term = text(given["term"]) {
            guard let value = Int(term.uppercased() == "I" ? "1" : term.uppercased() == "II" ? "2" : term), (1...2).contains(value) else {
                throw Refusal(code: .invalidFilter, detail: "term must be 1 or 2")
            }
            filter.term = value
        }
        if let month = text(given["month"]) {
            let parts = month.contains("/") ? month.split(separator: "/").reversed().map(String.init) : month.split(separator: "-").map(String.init)
            guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]), (1...12).contains(number), (2000...2100).contains(year) else {
                throw Refusal(code: .invalidFilter, detail: "month must be yyyy-mm or mm/yyyy, not \(month)")
            }
            filter.month = String(format: "%04d-%02d", year, number)
        }
        if let kind = text(given["kind"]) {
            let kinds = ["pupil": "pupil", "hs": "pupil", "học sinh": "pupil", "teacher": "teacher", "gv": "teacher", "giáo viên": "teacher", "staff": "staff"]
            guard let value = kinds[kind.lowercased()] else { throw Refusal(code: .invalidFilter, detail: "kind must be pupil, teacher or staff") }
            filter.borrowerKind = value
        }
        if let months = text(given["months"]) {
            guard let value = Int(months), (1...120).contains(value) else { throw Refusal(code: .invalidFilter, detail: "months must be from 1 to 120") }
            filter.months = value
        }
        if let since = filter.since, let until = filter.until, since > until {
            throw Refusal(code: .invalidFilter, detail: "since (\(since)) is after until (\(until))")
        }
        if let from = filter.fromNumber, let to = filter.toNumber, from > to {
            throw Refusal(code: .invalidFilter, detail: "from is after to")
        }
        return filter
    }
}

extension Dispatcher {
    /// The reports, in the order `report.list` gives them.
    static let reports: [ReportDefinition] = [
        ReportDefinition(
            name: "so-ca-biet", title: Bilingual(vi: "Sổ đăng ký cá biệt", en: "Individual accession register"),
            purpose: Bilingual(
                vi: "Một dòng mỗi bản sách, đánh số liên tục; sổ thư viện phải lưu và ký.",
                en: "One line per copy, numbered continuously: the register a library keeps and signs."),
            filters: ["register", "from", "to", "since", "until"], write: writeAccessionRegister),
        ReportDefinition(
            name: "so-tong-quat", title: Bilingual(vi: "Sổ đăng ký tổng quát", en: "General register"),
            purpose: Bilingual(
                vi: "Phần I — nhập (mỗi đợt nhập), Phần II — xuất (mỗi biên bản thanh lý đã duyệt), Phần III — kiểm kê.",
                en: "Part I — intake (each batch), Part II — withdrawals (each confirmed disposal), Part III — inventories."),
            filters: ["register", "since", "until"], write: writeGeneralRegister),
        ReportDefinition(
            name: "so-sgk", title: Bilingual(vi: "Sổ đăng ký sách giáo khoa", en: "Textbook register"),
            purpose: Bilingual(
                vi: "Mỗi đầu sách giáo khoa theo khối, mỗi đợt nhập với dải số ĐKCB, số bản còn (C) và mất (M) sau kiểm kê.",
                en: "Each textbook title by grade, each intake with its range of accession numbers, present (C) and missing (M) copies."),
            filters: ["since", "until"], write: writeTextbooks),
        ReportDefinition(
            name: "muon-tra", title: Bilingual(vi: "Danh sách đang mượn", en: "Open loans"),
            purpose: Bilingual(
                vi: "Sách đang mượn (hoặc quá hạn: overdue=true) theo lớp, học sinh theo thứ tự tên; của một lớp hoặc một bạn đọc.",
                en: "Copies on loan (or overdue: overdue=true) by class, pupils in name order; of one class or one borrower."),
            filters: ["class", "school_year", "overdue", "patron", "kind"], write: writeLoans),
        ReportDefinition(
            name: "lich-su-muon", title: Bilingual(vi: "Lịch sử mượn của bạn đọc", en: "A borrower's loan history"),
            purpose: Bilingual(
                vi: "Mọi lần mượn của một bạn đọc (patron=SỐ THẺ, cả thẻ cũ): ngày mượn, sách, hạn trả, ngày trả, trả muộn hay mất.",
                en: "Every loan of one borrower (patron=CARD, an old card too): lent, copy, due, returned, late or lost."),
            filters: ["patron", "since", "until"], write: writeHistory),
        ReportDefinition(
            name: "kiem-ke", title: Bilingual(vi: "Kết quả kiểm kê", en: "Inventory result"),
            purpose: Bilingual(
                vi: "Biên bản kiểm kê một đợt: tổng hợp, rồi từng phần — thấy đúng chỗ, sai chỗ, thiếu, đang mượn, ngoài phạm vi, mã lạ, đề nghị thanh lý.",
                en: "One inventory's report: the totals, then each part — found, misplaced, missing, on loan, outside scope, unknown, to dispose of."),
            filters: ["session"], write: writeInventory),
        ReportDefinition(
            name: "thanh-ly", title: Bilingual(vi: "Biên bản thanh lý", en: "Disposal list"),
            purpose: Bilingual(
                vi: "Danh sách kèm biên bản thanh lý: số ĐKCB, nhan đề, năm xuất bản, giá bìa, lý do.",
                en: "The list attached to a disposal decision: accession, title, year, cover price, reason."),
            filters: ["disposal"], write: writeDisposal),
        ReportDefinition(
            name: "danh-muc-thiet-bi", title: Bilingual(vi: "Sổ danh mục thiết bị dạy học", en: "Equipment catalogue"),
            purpose: Bilingual(
                vi: "Mã, tên, môn, khối, đơn vị, số lượng, phòng, tình trạng, giá trị, hạn sử dụng.",
                en: "Code, name, subject, grades, unit, quantity, room, condition, value, expiry."),
            filters: [], write: writeEquipment),
        ReportDefinition(
            name: "su-dung-thiet-bi", title: Bilingual(vi: "Sổ theo dõi sử dụng thiết bị dạy học", en: "Equipment-usage log"),
            purpose: Bilingual(
                vi: "Theo giáo viên: ngày, tiết, lớp, bài dạy, thiết bị đã mượn và tình trạng khi trả.",
                en: "By teacher: date, period, class, lesson, the equipment lent and how it came back."),
            filters: ["teacher", "since", "until"], write: writeUsage),
        ReportDefinition(
            name: "dinh-muc-thiet-bi", title: Bilingual(vi: "Tổng hợp sử dụng thiết bị theo giáo viên", en: "Equipment use per teacher"),
            purpose: Bilingual(
                vi: "Số tiết có sử dụng thiết bị của mỗi giáo viên trong học kỳ (term=1|2) hoặc năm học, so với định mức [equipment_quota]; ai chưa đạt.",
                en: "Each teacher's lesson periods with equipment in a term (term=1|2) or the school year, against the [equipment_quota]; who is under it."),
            filters: ["school_year", "term", "since", "until"], charts: true, write: writeTeacherUse),
        ReportDefinition(
            name: "van-hoa-doc", title: Bilingual(vi: "Thống kê văn hoá đọc", en: "Reading statistics"),
            purpose: Bilingual(
                vi: "Lượt mượn theo tháng, theo lớp, theo loại tài liệu; tỉ lệ học sinh có mượn sách; sách mượn nhiều nhất; sách lâu không ai mượn. Có biểu đồ.",
                en: "Loans by month, class and kind; the share of pupils who borrowed; the most borrowed titles; titles not borrowed in N months. With charts."),
            filters: ["since", "until", "school_year", "months"], charts: true, write: writeStatistics),
        ReportDefinition(
            name: "bao-cao-dinh-ky", title: Bilingual(vi: "Báo cáo định kỳ hoạt động thư viện", en: "Periodic library report"),
            purpose: Bilingual(
                vi: "Gửi phòng giáo dục theo tháng (month=2026-10), học kỳ (term=1|2) hoặc năm học: sách mới nhập theo loại và giá trị, xuất, vốn tài liệu cuối kỳ, bạn đọc và lượt mượn của giáo viên và học sinh.",
                en: "For the education office by month (month=2026-10), term (term=1|2) or school year: new stock by kind and value, withdrawals, the stock at the end, readers and loans of teachers and pupils."),
            filters: ["school_year", "term", "month", "since", "until"], write: writePeriodic),
    ]

    static let kinds: [(MaterialKind, Bilingual)] = [
        (.textbook, Bilingual(vi: "SGK", en: "Textbooks")), (.professional, Bilingual(vi: "SNV", en: "Professional")),
        (.reference, Bilingual(vi: "STK", en: "Reference")), (.children, Bilingual(vi: "Thiếu nhi", en: "Children's")),
        (.periodical, Bilingual(vi: "Báo, tạp chí", en: "Periodicals")), (.other, Bilingual(vi: "Khác", en: "Other")),
    ]

    static func writeAccessionRegister(_ report: ReportContext) throws {
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Sổ cá biệt", en: "Accessions"), title: Bilingual(vi: "SỔ ĐĂNG KÝ CÁ BIỆT", en: "INDIVIDUAL ACCESSION REGISTER"),
                columns: [
                    ReportColumn("STT", "No.", .integer), ReportColumn("Ngày vào sổ", "Entered", .date), ReportColumn("Số ĐKCB", "Accession"),
                    ReportColumn("Tác giả – Nhan đề", "Author – Title"), ReportColumn("Nơi XB – Nhà XB", "Publisher"),
                    ReportColumn("Năm XB", "Year", .integer), ReportColumn("Giá tiền (đ)", "Price (VND)", .money),
                    ReportColumn("Môn loại / Ký hiệu phân loại", "Class number"), ReportColumn("Số vào sổ tổng quát", "General register", .integer),
                    ReportColumn("Ngày và số biên bản xuất", "Withdrawn (date, decision)"), ReportColumn("Ghi chú", "Notes"),
                ]))
        var count: Int64 = 0
        try report.database.accessionRegister(report.filter) { (line: AccessionLine) in
            count += 1
            var withdrawn: String? = nil
            if let on = line.withdrawnOn, let day = Day(on) { withdrawn = day.vietnamese + " — " + (line.withdrawal ?? "") }
            let cells: [ReportCell] = [
                .integer(count), .day(line.receivedOn), .text(line.accession), .text(line.authorsAndTitle), .text(or: line.publisher),
                .integer(or: line.year.map { Int64($0) }), .money(or: line.price), .text(or: line.callNumber), .integer(line.batch), .text(or: withdrawn), .text(or: line.note),
            ]
            try report.row(cells)
        }
    }

    static func writeGeneralRegister(_ report: ReportContext) throws {
        let kindColumns = kinds.map { ReportColumn($0.1.vi, $0.1.en, .integer) }
        let intake = ReportSheet(
            name: Bilingual(vi: "Phần I — nhập", en: "Part I — intake"),
            title: Bilingual(vi: "SỔ ĐĂNG KÝ TỔNG QUÁT — PHẦN I: NHẬP", en: "GENERAL REGISTER — PART I: INTAKE"),
            columns: [
                ReportColumn("Số vào sổ", "Line", .integer), ReportColumn("Ngày vào sổ", "Entered", .date), ReportColumn("Nguồn", "Source"),
                ReportColumn("Số chứng từ", "Document"), ReportColumn("Số ĐKCB", "Accessions"),
            ] + kindColumns + [ReportColumn("Tổng số bản", "Copies", .integer), ReportColumn("Tổng giá trị (đ)", "Value (VND)", .money)])
        let withdrawals = ReportSheet(
            name: Bilingual(vi: "Phần II — xuất", en: "Part II — withdrawals"),
            title: Bilingual(vi: "SỔ ĐĂNG KÝ TỔNG QUÁT — PHẦN II: XUẤT", en: "GENERAL REGISTER — PART II: WITHDRAWALS"),
            columns: [
                ReportColumn("STT", "No.", .integer), ReportColumn("Ngày", "Date", .date), ReportColumn("Số quyết định", "Decision"),
                ReportColumn("Hình thức", "Kind"),
            ] + kindColumns + [
                ReportColumn("Thiết bị", "Equipment", .integer), ReportColumn("Giá trị (đ)", "Value (VND)", .money), ReportColumn("Lý do", "Reasons"),
            ])
        let inventories = ReportSheet(
            name: Bilingual(vi: "Phần III — kiểm kê", en: "Part III — inventories"),
            title: Bilingual(vi: "SỔ ĐĂNG KÝ TỔNG QUÁT — PHẦN III: KIỂM KÊ", en: "GENERAL REGISTER — PART III: INVENTORIES"),
            columns: [
                ReportColumn("Đợt", "Session", .integer), ReportColumn("Ngày", "Date", .date), ReportColumn("Phạm vi", "Scope"),
                ReportColumn("Phải có", "Expected", .integer), ReportColumn("Có mặt", "Present", .integer), ReportColumn("Đang mượn", "On loan", .integer),
                ReportColumn("Thiếu", "Missing", .integer), ReportColumn("Còn lại", "Remaining", .integer),
            ], landscape: false)
        // Each part is its own sheet, and sheets are written one after the other; a general
        // register has a line per intake, disposal and inventory — hundreds, never millions — so
        // the parts are gathered from one read, then written.
        var intakeRows: [[ReportCell]] = []
        var withdrawalRows: [[ReportCell]] = []
        var inventoryRows: [[ReportCell]] = []
        try report.database.generalRegister(
            report.filter,
            intake: { line in
                let sourceWords: [String: Bilingual] = [
                    "purchase": Bilingual(vi: "mua", en: "purchase"), "donation": Bilingual(vi: "tặng", en: "donation"),
                    "transfer": Bilingual(vi: "điều chuyển đến", en: "transfer in"),
                ]
                intakeRows.append(
                    [
                        .integer(line.batch), .day(line.receivedOn), .text(sourceWords[line.source].map(report.words) ?? line.source), .text(or: line.document),
                        .text("\(line.first) – \(line.last)"),
                    ] + kinds.map { $0.0 == line.kind ? .integer(line.copies) : .empty } + [.integer(line.copies), .money(or: line.value)])
            },
            withdrawal: { line in
                withdrawalRows.append(
                    [.integer(Int64(withdrawalRows.count + 1)), .day(line.decidedOn), .text(line.decision), .text(report.words(line.kind.words))]
                        + kinds.map { line.copiesByKind[$0.0].map(ReportCell.integer) ?? .empty }
                        + [.integer(line.units), .money(or: line.value), .text(line.reasons.map { report.words($0.words) }.joined(separator: ", "))])
            },
            inventory: { line in
                inventoryRows.append([
                    .integer(line.session), .day(line.appliedOn), .text(line.scope.isEmpty ? report.words(Bilingual(vi: "toàn bộ", en: "everything")) : line.scope),
                    .integer(line.expected), .integer(line.present), .integer(line.onLoan), .integer(line.missing), .integer(line.present + line.onLoan),
                ])
            })
        for (sheet, rows) in [(intake, intakeRows), (withdrawals, withdrawalRows), (inventories, inventoryRows)] {
            try report.begin(sheet)
            for row in rows { try report.row(row) }
        }
    }

    static func writeLoans(_ report: ReportContext) throws {
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Đang mượn", en: "Open loans"),
                title: report.filter.overdueOnly
                    ? Bilingual(vi: "DANH SÁCH QUÁ HẠN TRẢ", en: "OVERDUE LOANS") : Bilingual(vi: "DANH SÁCH ĐANG MƯỢN", en: "OPEN LOANS"),
                columns: [
                    ReportColumn("Lớp", "Class"), ReportColumn("Số thẻ", "Card"), ReportColumn("Họ tên", "Name"), ReportColumn("Số ĐKCB", "Accession"),
                    ReportColumn("Nhan đề", "Title"), ReportColumn("Ngày mượn", "Lent", .date), ReportColumn("Hạn trả", "Due", .date),
                    ReportColumn("Quá hạn (ngày)", "Days overdue", .integer),
                ]))
        let today = Day(report.now)
        try report.database.loanReport(report.filter, at: report.now) { line in
            let due: Day? = Timestamp.parse(line.due).map { Day($0) }
            let late = due.map { CirculationRules.overdueDays(due: $0, returned: today) } ?? 0
            try report.row([
                .text(or: line.className), .text(or: line.card), .text(line.borrower), .text(line.accession), .text(or: line.title), .day(line.loanedAt),
                due.map(ReportCell.date) ?? .empty, late > 0 ? .integer(Int64(late)) : .empty,
            ])
        }
    }

    static func writeDisposal(_ report: ReportContext) throws {
        guard let id = report.filter.disposal else { throw ReportError("give the disposal: disposal=N", .missingFilter) }
        let disposal = try report.database.disposalForReport(id: id)
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Thanh lý \(id)", en: "Disposal \(id)"),
                title: Bilingual(
                    vi: "DANH SÁCH \(report.words(disposal.kind.words).uppercased()) — \(disposal.decision)",
                    en: "\(disposal.kind.rawValue.uppercased()) LIST — \(disposal.decision)"),
                columns: [
                    ReportColumn("STT", "No.", .integer), ReportColumn("Số ĐKCB", "Accession"), ReportColumn("Nhan đề / Tên thiết bị", "Title"),
                    ReportColumn("Năm XB", "Year", .integer), ReportColumn("Số lượng", "Quantity", .integer), ReportColumn("Giá bìa (đ)", "Value (VND)", .money),
                    ReportColumn("Lý do", "Reason"),
                ], landscape: false))
        for line in disposal.lines ?? [] {
            try report.row([
                .integer(Int64(line.line)), .text(line.accession), .text(or: line.title), .integer(or: line.year.map { Int64($0) }),
                .integer(Int64(line.quantity ?? 1)), .money(or: line.value), .text(report.words(line.reason.words)),
            ])
        }
    }

    static func writeEquipment(_ report: ReportContext) throws {
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Danh mục thiết bị", en: "Equipment"),
                title: Bilingual(vi: "SỔ DANH MỤC THIẾT BỊ DẠY HỌC", en: "TEACHING EQUIPMENT CATALOGUE"),
                columns: [
                    ReportColumn("Mã", "Code"), ReportColumn("Tên thiết bị", "Name"), ReportColumn("Môn", "Subject"), ReportColumn("Khối", "Grades"),
                    ReportColumn("Đơn vị", "Unit"), ReportColumn("Số lượng", "Quantity", .integer), ReportColumn("Phòng", "Room"),
                    ReportColumn("Tốt", "Good", .integer), ReportColumn("Cần sửa", "Needs repair", .integer), ReportColumn("Hỏng", "Broken", .integer),
                    ReportColumn("Đơn giá (đ)", "Value (VND)", .money), ReportColumn("Hạn sử dụng", "Expires", .date),
                ]))
        try report.database.equipmentCatalogue { line in
            try report.row([
                .text(line.code), .text(line.name), .text(or: line.subject), .text(or: line.grades), .text(line.unit), .integer(line.quantity), .text(or: line.room),
                .integer(line.good), .integer(line.needsRepair), .integer(line.broken), .money(or: line.value), .day(line.expiresOn),
            ])
        }
    }

    static func writeUsage(_ report: ReportContext) throws {
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Sử dụng thiết bị", en: "Equipment use"),
                title: Bilingual(vi: "SỔ THEO DÕI SỬ DỤNG THIẾT BỊ DẠY HỌC", en: "EQUIPMENT-USAGE LOG"),
                columns: [
                    ReportColumn("Giáo viên", "Teacher"), ReportColumn("Ngày", "Date", .date), ReportColumn("Tiết", "Period", .integer),
                    ReportColumn("Lớp", "Class"), ReportColumn("Môn", "Subject"), ReportColumn("Bài dạy", "Lesson"),
                    ReportColumn("Thiết bị, số lượng", "Equipment and quantities"), ReportColumn("Đã trả", "Returned"),
                ]))
        try report.database.equipmentUsage(report.filter) { line in
            try report.row([
                .text(line.teacher), .day(line.date), .integer(Int64(line.period)), .text(or: line.className), .text(or: line.subject), .text(or: line.title),
                .text(line.equipment), .text(report.words(line.returned ? Bilingual(vi: "đã trả", en: "yes") : Bilingual(vi: "đang mượn", en: "not yet"))),
            ])
        }
    }

    static func writeStatistics(_ report: ReportContext) throws {
        let filter = report.filter
        let today = Day(report.now)
        let yearStart = Int(filter.schoolYear.prefix(4)).map { Day(year: $0, month: 9, day: 1).description } ?? today.description
        let until = filter.until ?? today.description
        let since = filter.since ?? yearStart
        let months = filter.months ?? 12
        let unusedSince = (Day(until) ?? today).adding(days: -30 * months).description
        let statistics = try report.database.readingStatistics(since: since, until: until, schoolYear: filter.schoolYear, unusedSince: unusedSince)
        let period = "\(Day(since)?.vietnamese ?? since) – \(Day(until)?.vietnamese ?? until)"
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Theo tháng", en: "By month"), title: Bilingual(vi: "LƯỢT MƯỢN THEO THÁNG, \(period)", en: "LOANS BY MONTH, \(period)"),
                columns: [ReportColumn("Tháng", "Month"), ReportColumn("Lượt mượn", "Loans", .integer), ReportColumn("Số bạn đọc", "Readers", .integer)],
                landscape: false))
        for month in statistics.months {
            let parts = month.month.split(separator: "-")
            try report.row([.text(parts.count == 2 ? "\(parts[1])/\(parts[0])" : month.month), .integer(month.loans), .integer(month.readers)])
        }
        try report.writer.chart(ReportChart(.column, title: report.words(Bilingual(vi: "Lượt mượn theo tháng", en: "Loans by month")), categories: 0, values: [1]))
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Theo lớp", en: "By class"), title: Bilingual(vi: "HỌC SINH MƯỢN SÁCH THEO LỚP, \(period)", en: "PUPILS WHO BORROWED, BY CLASS, \(period)"),
                columns: [
                    ReportColumn("Lớp", "Class"), ReportColumn("Sĩ số", "Pupils", .integer), ReportColumn("Số HS có mượn", "Pupils who borrowed", .integer),
                    ReportColumn("Tỉ lệ (%)", "Share (%)", .integer), ReportColumn("Lượt mượn", "Loans", .integer),
                ], landscape: false))
        for line in statistics.classes {
            let share = line.pupils > 0 ? (line.readers * 100 + line.pupils / 2) / line.pupils : 0
            try report.row([.text(line.className), .integer(line.pupils), .integer(line.readers), .integer(share), .integer(line.loans)])
        }
        try report.writer.chart(
            ReportChart(.column, title: report.words(Bilingual(vi: "Tỉ lệ học sinh có mượn sách (%)", en: "Pupils who borrowed (%)")), categories: 0, values: [3]))
        // By grade: the year's classes added up (a school has tens of classes).
        var grades: [(grade: Int?, pupils: Int64, readers: Int64, loans: Int64)] = []
        for line in statistics.classes {
            if let last = grades.indices.last, grades[last].grade == line.grade {
                grades[last].pupils += line.pupils
                grades[last].readers += line.readers
                grades[last].loans += line.loans
            } else {
                grades.append((line.grade, line.pupils, line.readers, line.loans))
            }
        }
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Theo khối", en: "By grade"), title: Bilingual(vi: "HỌC SINH MƯỢN SÁCH THEO KHỐI, \(period)", en: "PUPILS WHO BORROWED, BY GRADE, \(period)"),
                columns: [
                    ReportColumn("Khối", "Grade"), ReportColumn("Số học sinh", "Pupils", .integer), ReportColumn("Số HS có mượn", "Pupils who borrowed", .integer),
                    ReportColumn("Tỉ lệ (%)", "Share (%)", .integer), ReportColumn("Lượt mượn", "Loans", .integer),
                ], landscape: false))
        for line in grades {
            let share = line.pupils > 0 ? (line.readers * 100 + line.pupils / 2) / line.pupils : 0
            try report.row([
                .text(line.grade.map { report.words(Bilingual(vi: "Khối \($0)", en: "Grade \($0)")) } ?? "—"), .integer(line.pupils), .integer(line.readers),
                .integer(share), .integer(line.loans),
            ])
        }
        try report.writer.chart(ReportChart(.column, title: report.words(Bilingual(vi: "Lượt mượn theo khối", en: "Loans by grade")), categories: 0, values: [4]))
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Theo loại", en: "By kind"), title: Bilingual(vi: "LƯỢT MƯỢN THEO LOẠI TÀI LIỆU, \(period)", en: "LOANS BY KIND, \(period)"),
                columns: [ReportColumn("Loại tài liệu", "Kind"), ReportColumn("Lượt mượn", "Loans", .integer)], landscape: false))
        for line in statistics.kinds {
            try report.row([.text(report.words(kinds.first { $0.0 == line.kind }?.1 ?? Bilingual(vi: line.kind.rawValue, en: line.kind.rawValue))), .integer(line.loans)])
        }
        try report.writer.chart(ReportChart(.pie, title: report.words(Bilingual(vi: "Theo loại tài liệu", en: "By kind")), categories: 0, values: [1]))
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Mượn nhiều nhất", en: "Most borrowed"), title: Bilingual(vi: "SÁCH ĐƯỢC MƯỢN NHIỀU NHẤT, \(period)", en: "MOST BORROWED TITLES, \(period)"),
                columns: [
                    ReportColumn("Nhan đề", "Title"), ReportColumn("Tác giả", "Authors"), ReportColumn("Số bản", "Copies", .integer),
                    ReportColumn("Lượt mượn", "Loans", .integer), ReportColumn("Lần mượn cuối", "Last lent", .date),
                ]))
        for line in statistics.mostBorrowed {
            try report.row([.text(line.title), .text(line.authors), .integer(line.copies), .integer(line.loans), .day(line.lastLoan)])
        }
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Ít được mượn", en: "Least used"),
                title: Bilingual(vi: "SÁCH KHÔNG AI MƯỢN TRONG \(months) THÁNG", en: "TITLES NOT BORROWED IN \(months) MONTHS"),
                columns: [
                    ReportColumn("Nhan đề", "Title"), ReportColumn("Tác giả", "Authors"), ReportColumn("Số bản", "Copies", .integer),
                    ReportColumn("Lần mượn cuối", "Last lent", .date),
                ]))
        for line in statistics.unused {
            try report.row([.text(line.title), .text(line.authors), .integer(line.copies), .day(line.lastLoan)])
        }
    }

    static func writeTextbooks(_ report: ReportContext) throws {
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Sổ SGK", en: "Textbooks"), title: Bilingual(vi: "SỔ ĐĂNG KÝ SÁCH GIÁO KHOA", en: "TEXTBOOK REGISTER"),
                columns: [
                    ReportColumn("STT", "No.", .integer), ReportColumn("Tên sách", "Title"), ReportColumn("Khối", "Grade", .integer),
                    ReportColumn("Ngày vào sổ", "Entered", .date), ReportColumn("Số vào sổ tổng quát", "General register", .integer),
                    ReportColumn("Số ĐKCB (từ – đến)", "Accessions"), ReportColumn("Số bản", "Copies", .integer),
                    ReportColumn("Còn (C)", "Present", .integer), ReportColumn("Mất (M)", "Missing", .integer),
                    ReportColumn("Đã thanh lý", "Withdrawn", .integer), ReportColumn("Đơn giá (đ)", "Price (VND)", .money),
                ]))
        var count: Int64 = 0
        try report.database.textbookRegister(report.filter) { (line: TextbookLine) in
            count += 1
            let cells: [ReportCell] = [
                .integer(count), .text(line.title), .integer(or: line.grade.map { Int64($0) }), .day(line.receivedOn), .integer(line.batch),
                .text(line.first == line.last ? line.first : line.first + " – " + line.last), .integer(line.copies), .integer(line.present),
                .integer(line.missing), .integer(line.withdrawn), .money(or: line.price),
            ]
            try report.row(cells)
        }
    }

    static let inventoryParts: [(InventoryCategory, Bilingual)] = [
        (.found, Bilingual(vi: "Thấy đúng chỗ", en: "Found")), (.misplaced, Bilingual(vi: "Sai chỗ", en: "Misplaced")),
        (.missing, Bilingual(vi: "Thiếu", en: "Missing")), (.onLoan, Bilingual(vi: "Đang mượn", en: "On loan")),
        (.outsideScope, Bilingual(vi: "Ngoài phạm vi", en: "Outside scope")), (.unknown, Bilingual(vi: "Mã lạ", en: "Unknown")),
        (.counted, Bilingual(vi: "Đếm số lượng", en: "Counted")), (.disposal, Bilingual(vi: "Đề nghị thanh lý", en: "To dispose of")),
    ]

    static func writeInventory(_ report: ReportContext) throws {
        let first = try report.database.inventoryLinesForReport(session: report.filter.session, category: .found, after: 0, limit: 1).session
        let scope = first.scope.isEmpty ? report.words(Bilingual(vi: "toàn bộ", en: "everything")) : first.scope.joined(separator: " ")
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Tổng hợp", en: "Totals"),
                title: Bilingual(vi: "KẾT QUẢ KIỂM KÊ ĐỢT \(first.id) — \(scope)", en: "INVENTORY \(first.id) — \(scope)"),
                columns: [ReportColumn("Phần", "Part"), ReportColumn("Số dòng", "Lines", .integer)], landscape: false))
        // Each part is paged through (5,000 lines a page): the report never holds a part in memory.
        var counts: [(Bilingual, Int64)] = []
        for (category, words) in inventoryParts {
            var lines: Int64 = 0
            var after: Int64 = 0
            while true {
                let page = try report.database.inventoryLinesForReport(session: first.id, category: category, after: after, limit: 5000).lines
                lines += Int64(page.count)
                guard let last = page.last else { break }
                after = last.line
            }
            counts.append((words, lines))
        }
        for (words, lines) in counts { try report.row([.text(report.words(words)), .integer(lines)]) }
        for ((category, words), (_, lines)) in zip(inventoryParts, counts) where lines > 0 {
            try report.begin(
                ReportSheet(
                    name: words, title: Bilingual(vi: "KIỂM KÊ ĐỢT \(first.id) — \(words.vi.uppercased())", en: "INVENTORY \(first.id) — \(words.en.uppercased())"),
                    columns: [
                        ReportColumn("STT", "Line", .integer), ReportColumn("Số ĐKCB", "Accession"), ReportColumn("Nhan đề / Tên", "Title"),
                        ReportColumn("Ký hiệu xếp giá", "Call number"), ReportColumn("Vị trí ghi nhận", "Recorded at"), ReportColumn("Thấy tại", "Seen at"),
                        ReportColumn("Tình trạng", "Status"), ReportColumn("Số lượng (sổ / đếm)", "Quantity (records / counted)"),
                    ]))
            var after: Int64 = 0
            while true {
                let page = try report.database.inventoryLinesForReport(session: first.id, category: category, after: after, limit: 5000).lines
                for line in page {
                    let quantity = line.expectedQuantity.map { "\($0) / \(line.countedQuantity ?? 0)" }
                    let status = line.status.map { ItemStatus(rawValue: $0)?.words.text(report.language) ?? $0 }
                    try report.row([
                        .integer(line.line), .text(or: line.accession ?? (line.barcode.isEmpty ? nil : line.barcode)), .text(or: line.title),
                        .text(or: line.callNumber), .text(or: line.recordedLocation), .text(or: line.location), .text(or: status), .text(or: quantity),
                    ])
                }
                guard let last = page.last else { break }
                after = last.line
            }
        }
    }

    static func writeHistory(_ report: ReportContext) throws {
        guard let card = report.filter.teacherCard else { throw ReportError("give the borrower: patron=CARD", .missingFilter) }
        guard let borrower = try report.database.historyBorrower(card: card) else { throw ReportError("no borrower has the card \(card)", .missingFilter) }
        let who = [borrower.card, borrower.className].compactMap { $0 }.joined(separator: ", ")
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Lịch sử mượn", en: "History"),
                title: Bilingual(vi: "LỊCH SỬ MƯỢN — \(borrower.name) (\(who))", en: "LOAN HISTORY — \(borrower.name) (\(who))"),
                columns: [
                    ReportColumn("STT", "No.", .integer), ReportColumn("Ngày mượn", "Lent", .date), ReportColumn("Số ĐKCB", "Accession"),
                    ReportColumn("Nhan đề", "Title"), ReportColumn("Hạn trả", "Due", .date), ReportColumn("Ngày trả", "Returned", .date),
                    ReportColumn("Ghi chú", "Notes"),
                ]))
        let today = Day(report.now)
        var count: Int64 = 0
        try report.database.borrowerHistory(report.filter) { line in
            count += 1
            let due: Day? = Timestamp.parse(line.due).map { Day($0) }
            let back: Day? = line.returnedAt.flatMap(Timestamp.parse).map { Day($0) }
            let late = due.map { CirculationRules.overdueDays(due: $0, returned: back ?? today) } ?? 0
            let note: Bilingual? =
                if line.endedAs == "lost" { Bilingual(vi: "báo mất", en: "lost") }
                else if back == nil { late > 0 ? Bilingual(vi: "đang mượn, quá hạn \(late) ngày", en: "on loan, \(late) days overdue") : Bilingual(vi: "đang mượn", en: "on loan") }
                else if late > 0 { Bilingual(vi: "trả muộn \(late) ngày", en: "\(late) days late") }
                else { nil }
            try report.row([
                .integer(count), .day(line.loanedAt), .text(line.accession), .text(line.title), due.map(ReportCell.date) ?? .empty,
                back.map(ReportCell.date) ?? .empty, .text(or: note.map(report.words)),
            ])
        }
    }

    static func writeTeacherUse(_ report: ReportContext) throws {
        let period = report.period()
        // The quota is per term; a report of the whole year (no term, no dates) counts two.
        let terms = report.filter.term == nil && report.filter.since == nil && report.filter.until == nil ? 2 : 1
        let columns = [
            ReportColumn("STT", "No.", .integer), ReportColumn("Giáo viên", "Teacher"), ReportColumn("Số thẻ", "Card"), ReportColumn("Môn", "Subject"),
            ReportColumn("Số tiết có sử dụng TBDH", "Periods with equipment", .integer), ReportColumn("Định mức (tiết)", "Quota (periods)", .integer),
            ReportColumn("Tỉ lệ (%)", "Share (%)", .integer), ReportColumn("Đánh giá", "Evaluation"),
        ]
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Theo giáo viên", en: "By teacher"),
                title: Bilingual(vi: "TỔNG HỢP SỬ DỤNG THIẾT BỊ DẠY HỌC — \(period.words.vi)", en: "EQUIPMENT USE PER TEACHER — \(period.words.en)"),
                columns: columns))
        // A school has tens of teachers: those under the quota are kept for their own sheet.
        var under: [[ReportCell]] = []
        var count: Int64 = 0
        try report.database.teacherUse(since: period.since, until: period.until) { line in
            count += 1
            let quota = report.quota.periods(card: line.card, subject: line.subject).map { Int64($0 * terms) }
            let share = quota.map { $0 > 0 ? (line.periods * 100 + $0 / 2) / $0 : 100 }
            let evaluation: Bilingual? = quota.map { line.periods >= $0 ? Bilingual(vi: "Đạt", en: "Met") : Bilingual(vi: "Chưa đạt", en: "Under the quota") }
            let cells: [ReportCell] = [
                .integer(count), .text(line.name), .text(line.card), .text(or: line.subject), .integer(line.periods), .integer(or: quota), .integer(or: share),
                .text(or: evaluation.map(report.words)),
            ]
            try report.row(cells)
            if let quota, line.periods < quota { under.append(cells) }
        }
        try report.writer.chart(
            ReportChart(.bar, title: report.words(Bilingual(vi: "Số tiết có sử dụng thiết bị", en: "Periods with equipment")), categories: 1, values: [4, 5]))
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Chưa đạt định mức", en: "Under the quota"),
                title: Bilingual(vi: "GIÁO VIÊN CHƯA ĐẠT ĐỊNH MỨC — \(period.words.vi)", en: "TEACHERS UNDER THE QUOTA — \(period.words.en)"),
                columns: columns))
        for cells in under { try report.row(cells) }
    }

    static func writePeriodic(_ report: ReportContext) throws {
        let period = report.period()
        let figures = try report.database.periodicReport(since: period.since, until: period.until)
        let dates = "\(Day(period.since)?.vietnamese ?? period.since) – \(Day(period.until)?.vietnamese ?? period.until)"
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Vốn tài liệu", en: "Stock"),
                title: Bilingual(vi: "BÁO CÁO THƯ VIỆN — \(period.words.vi) (\(dates)) — VỐN TÀI LIỆU", en: "LIBRARY REPORT — \(period.words.en) (\(dates)) — STOCK"),
                columns: [
                    ReportColumn("Loại tài liệu", "Kind"), ReportColumn("Đầu kỳ (bản)", "At the start (copies)", .integer),
                    ReportColumn("Nhập trong kỳ (bản)", "Received (copies)", .integer), ReportColumn("Giá trị nhập (đ)", "Value received (VND)", .money),
                    ReportColumn("Xuất trong kỳ (bản)", "Withdrawn (copies)", .integer), ReportColumn("Cuối kỳ (bản)", "At the end (copies)", .integer),
                    ReportColumn("Giá trị cuối kỳ (đ)", "Value at the end (VND)", .money),
                ]))
        var total = [StockCount](repeating: StockCount(), count: 4)
        for (kind, words) in kinds {
            let counts = [figures.atStart[kind], figures.received[kind], figures.withdrawn[kind], figures.atEnd[kind]].map { $0 ?? StockCount() }
            guard counts.contains(where: { $0.copies > 0 }) else { continue }
            for index in 0..<4 {
                total[index].copies += counts[index].copies
                total[index].value += counts[index].value
            }
            try report.row([
                .text(report.words(words)), .integer(counts[0].copies), .integer(counts[1].copies), .money(counts[1].value), .integer(counts[2].copies),
                .integer(counts[3].copies), .money(counts[3].value),
            ])
        }
        try report.row([
            .text(report.words(Bilingual(vi: "Tổng cộng", en: "Total"))), .integer(total[0].copies), .integer(total[1].copies), .money(total[1].value),
            .integer(total[2].copies), .integer(total[3].copies), .money(total[3].value),
        ])
        try report.begin(
            ReportSheet(
                name: Bilingual(vi: "Bạn đọc", en: "Readers"),
                title: Bilingual(vi: "BÁO CÁO THƯ VIỆN — \(period.words.vi) (\(dates)) — BẠN ĐỌC", en: "LIBRARY REPORT — \(period.words.en) (\(dates)) — READERS"),
                columns: [
                    ReportColumn("Bạn đọc", "Readers"), ReportColumn("Số thẻ", "Cards", .integer), ReportColumn("Số người có mượn", "Who borrowed", .integer),
                    ReportColumn("Tỉ lệ (%)", "Share (%)", .integer), ReportColumn("Lượt mượn", "Loans", .integer),
                ], landscape: false))
        var sum = PeriodicReport.Readers()
        for (kind, words) in [
            ("pupil", Bilingual(vi: "Học sinh", en: "Pupils")), ("teacher", Bilingual(vi: "Giáo viên", en: "Teachers")),
            ("staff", Bilingual(vi: "Cán bộ, nhân viên", en: "Staff")),
        ] {
            let line = figures.readers[kind] ?? PeriodicReport.Readers()
            sum.registered += line.registered
            sum.borrowers += line.borrowers
            sum.loans += line.loans
            try report.row([
                .text(report.words(words)), .integer(line.registered), .integer(line.borrowers),
                line.registered > 0 ? .integer((line.borrowers * 100 + line.registered / 2) / line.registered) : .empty, .integer(line.loans),
            ])
        }
        try report.row([.text(report.words(Bilingual(vi: "Mượn theo lớp", en: "Class loans"))), .empty, .empty, .empty, .integer(figures.classLoans)])
        try report.row([
            .text(report.words(Bilingual(vi: "Tổng cộng", en: "Total"))), .integer(sum.registered), .integer(sum.borrowers),
            sum.registered > 0 ? .integer((sum.borrowers * 100 + sum.registered / 2) / sum.registered) : .empty, .integer(sum.loans + figures.classLoans),
        ])
    }
}
