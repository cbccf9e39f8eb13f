import Foundation
import GRDB
import QuayCore

/// What a report is narrowed to; each report reads the fields it takes (SPEC §10).
public struct ReportFilter: Sendable, Equatable {
    public var register: String?
    /// Accession numbers, inclusive.
    public var fromNumber: Int64?
    public var toNumber: Int64?
    /// Days, `yyyy-mm-dd`, inclusive.
    public var since: String?
    public var until: String?
    public var className: String?
    public var schoolYear: String
    public var teacherCard: String?
    public var overdueOnly = false
    public var disposal: Int64?
    /// The language of the words a query puts in its cells (the usage log's "consumed", "lost").
    public var language: Language = .vi
    /// An inventory session (the latest when nil).
    public var session: Int64?
    /// Titles not borrowed in this many months are the least used.
    public var months: Int?
    /// A term of the school year (1 or 2), a calendar month (`yyyy-mm`).
    public var term: Int?
    public var month: String?
    /// Only borrowers of this kind: `pupil`, `teacher`, `staff`.
    public var borrowerKind: String?

    public init(schoolYear: String) { self.schoolYear = schoolYear }
}

/// One line of the individual accession register (sổ đăng ký cá biệt).
public struct AccessionLine: Sendable {
    public var receivedOn: String
    public var accession: String
    public var authorsAndTitle: String
    public var publisher: String?
    public var year: Int?
    public var price: Int64?
    public var callNumber: String?
    /// The general register's line (số vào sổ tổng quát): the intake's batch.
    public var batch: Int64
    /// The disposal that withdrew it: its date and decision (ngày và số biên bản xuất).
    public var withdrawnOn: String?
    public var withdrawal: String?
    public var note: String?
}

/// A line of the general register's Phần I — nhập: one intake.
public struct IntakeLine: Sendable {
    public var batch: Int64
    public var receivedOn: String
    public var source: String
    public var document: String?
    public var kind: MaterialKind
    public var copies: Int64
    public var value: Int64
    public var register: String
    public var first: String
    public var last: String
}

/// A line of Phần II — xuất: one confirmed disposal.
public struct WithdrawalLine: Sendable {
    public var disposal: Int64
    public var kind: DisposalKind
    public var decision: String
    public var decidedOn: String
    public var copiesByKind: [MaterialKind: Int64]
    public var units: Int64
    public var value: Int64
    public var reasons: [DisposalReason]
}

/// A line of Phần III — kiểm kê: one applied inventory.
public struct InventoryTotalsLine: Sendable {
    public var session: Int64
    public var appliedOn: String
    public var scope: String
    public var expected: Int64
    public var present: Int64
    public var missing: Int64
    public var onLoan: Int64
}

/// An open loan as the loans report lists it.
public struct LoanLine: Sendable {
    public var className: String?
    public var card: String?
    public var borrower: String
    public var kind: String
    public var accession: String
    public var title: String
    public var loanedAt: String
    public var due: String
}

/// A line of the equipment catalogue (sổ danh mục thiết bị).
public struct EquipmentLine: Sendable {
    public var code: String
    public var name: String
    public var subject: String?
    public var grades: String?
    public var unit: String
    public var quantity: Int64
    public var room: String?
    public var good: Int64
    public var needsRepair: Int64
    public var broken: Int64
    public var value: Int64?
    public var expiresOn: String?
}

/// A lesson of the equipment-usage log (sổ theo dõi sử dụng thiết bị dạy học).
public struct LessonLine: Sendable {
    public var teacher: String
    public var date: String
    public var period: Int
    public var className: String?
    public var subject: String?
    public var title: String?
    public var equipment: String
    public var returned: Bool
}

extension QuayDatabase {
    /// The individual accession register in register and number order — the order of its
    /// UNIQUE(register_code, number) index, so the rows stream without a sort.
    public func accessionRegister(_ filter: ReportFilter, _ line: (AccessionLine) throws -> Void) throws {
        // Columns by position (the SELECT's order): a million rows, each read by name, cost a
        // dictionary of names per row.
        try readReport(Self.accessionQuery(filter)) { row in
            let authors: String = row[5]
            let title: String = row[6]
            let withdrawal = (row[14] as String?)?.split(separator: "\t", maxSplits: 1).map(String.init)
            let status: String = row[13]
            var note: String? = row[12]
            if withdrawal == nil, status != ItemStatus.available.rawValue, status != ItemStatus.onLoan.rawValue {
                let words = ItemStatus(rawValue: status)?.words.vi ?? status
                note = note.map { "\(words); \($0)" } ?? words
            }
            let accession = Register(code: "", name: "", prefix: row[2], separator: row[3], width: row[4], nextNumber: 0).format(row[1])
            try line(
                AccessionLine(
                    receivedOn: row[0], accession: accession, authorsAndTitle: authors.isEmpty ? title : authors + " – " + title,
                    publisher: row[7], year: row[8], price: row[9], callNumber: row[10], batch: row[11],
                    withdrawnOn: withdrawal?.first, withdrawal: withdrawal?.last, note: note))
        }
    }

    /// The register's query without filters, for the benchmark's floor (the same SQL through the C API).
    public static var accessionRegisterSQL: String { accessionQuery(ReportFilter(schoolYear: "")).sql }

    static func accessionQuery(_ filter: ReportFilter) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let register = filter.register {
            conditions.append("i.register_code = ?")
            arguments += [register.uppercased()]
        }
        if let from = filter.fromNumber {
            conditions.append("i.number >= ?")
            arguments += [from]
        }
        if let to = filter.toNumber {
            conditions.append("i.number <= ?")
            arguments += [to]
        }
        if let since = filter.since {
            conditions.append("b.received_on >= ?")
            arguments += [since]
        }
        if let until = filter.until {
            conditions.append("b.received_on <= ?")
            arguments += [until]
        }
        let sql = """
            SELECT b.received_on, i.number, g.prefix, g.separator, g.width, r.authors, r.title, r.publisher, r.year,
                COALESCE(i.price, r.price) AS price, r.call_number, i.batch_id, i.note, i.status,
                (SELECT d.decided_on || char(9) || d.decision_ref FROM disposal_line dl JOIN disposal d ON d.id = dl.disposal_id
                 WHERE dl.item_id = i.id AND d.state = 'confirmed' LIMIT 1) AS withdrawal
            FROM item i JOIN record r ON r.id = i.record_id JOIN batch b ON b.id = i.batch_id
            JOIN register g ON g.code = i.register_code
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY i.register_code, i.number
            """
        return (sql, arguments)
    }

    /// The general register: its three parts, each in its own order.
    public func generalRegister(
        _ filter: ReportFilter, intake: (IntakeLine) throws -> Void, withdrawal: (WithdrawalLine) throws -> Void,
        inventory: (InventoryTotalsLine) throws -> Void
    ) throws {
        let (since, until) = (filter.since ?? "0000-00-00", filter.until ?? "9999-99-99")
        try pool.read { db in
            var arguments: StatementArguments = [since, until]
            if let register = filter.register { arguments += [register.uppercased()] }
            let batches = try Row.fetchCursor(db, sql: Self.batchesSQL(register: filter.register != nil), arguments: arguments)
            while let row = try batches.next() {
                let register = Register(code: "", name: "", prefix: row["prefix"], separator: row["separator"], width: row["width"], nextNumber: 0)
                try intake(
                    IntakeLine(
                        batch: row["id"], receivedOn: row["received_on"], source: row["source"], document: row["document_ref"],
                        kind: MaterialKind(rawValue: row["kind"] ?? "") ?? .other, copies: row["copies"], value: row["total_value"],
                        register: row["register_code"], first: register.format(row["first_number"]), last: register.format(row["last_number"])))
            }
            let disposals = try Row.fetchCursor(db, sql: Self.disposalsSQL, arguments: [since, until])
            while let row = try disposals.next() {
                let id: Int64 = row["id"]
                var byKind: [MaterialKind: Int64] = [:]
                for kind in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT r.kind, COUNT(*) AS copies FROM disposal_line l JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id
                        WHERE l.disposal_id = ? GROUP BY r.kind
                        """,
                    arguments: [id])
                {
                    byKind[MaterialKind(rawValue: kind["kind"]) ?? .other] = kind["copies"]
                }
                let totals = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(SUM(value), 0) AS value, COALESCE(SUM(unit_id IS NOT NULL) + SUM(COALESCE(quantity, 0)), 0) AS units,
                            group_concat(DISTINCT reason) AS reasons
                        FROM disposal_line WHERE disposal_id = ?
                        """,
                    arguments: [id])!
                let reasons = ((totals["reasons"] as String?) ?? "").split(separator: ",").compactMap { DisposalReason(rawValue: String($0)) }
                try withdrawal(
                    WithdrawalLine(
                        disposal: id, kind: DisposalKind(rawValue: row["kind"]) ?? .disposal, decision: row["decision_ref"],
                        decidedOn: row["decided_on"], copiesByKind: byKind, units: totals["units"], value: totals["value"], reasons: reasons))
            }
            let sessions = try Row.fetchCursor(db, sql: Self.sessionsSQL, arguments: [since, until])
            while let row = try sessions.next() {
                try inventory(
                    InventoryTotalsLine(
                        session: row["id"], appliedOn: row["applied_on"], scope: row["scope"], expected: row["expected"],
                        present: (row["found"] as Int64? ?? 0) + (row["misplaced"] as Int64? ?? 0), missing: row["missing"] ?? 0,
                        onLoan: row["on_loan"] ?? 0))
            }
        }
    }

    /// Phần I: the intakes of the period, of one register when `register`.
    static func batchesSQL(register: Bool) -> String {
        """
        SELECT b.id, b.received_on, b.source, b.document_ref, b.copies, b.total_value, b.register_code, b.first_number,
            b.last_number, g.prefix, g.separator, g.width,
            (SELECT r.kind FROM item i JOIN record r ON r.id = i.record_id WHERE i.batch_id = b.id LIMIT 1) AS kind
        FROM batch b JOIN register g ON g.code = b.register_code
        WHERE b.received_on BETWEEN ? AND ? \(register ? "AND b.register_code = ?" : "") ORDER BY b.id
        """
    }

    /// Phần II: the disposals confirmed in the period.
    static let disposalsSQL =
        "SELECT id, kind, decision_ref, decided_on FROM disposal WHERE state = 'confirmed' AND decided_on BETWEEN ? AND ? ORDER BY decided_on, id"

    /// Phần III: the inventories applied in the period.
    static let sessionsSQL = """
        SELECT id, substr(applied_at, 1, 10) AS applied_on, scope, expected, found, misplaced, missing, on_loan
        FROM inventory_session WHERE state = 'applied' AND substr(applied_at, 1, 10) BETWEEN ? AND ? ORDER BY id
        """

    /// Open loans (or only the overdue ones) by class, pupils in Vietnamese name order, then due
    /// date; of one class, or one borrower's.
    public func loanReport(_ filter: ReportFilter, at now: Date, _ line: (LoanLine) throws -> Void) throws {
        try readReport(Self.loanQuery(filter, at: now)) { row in
            try line(
                LoanLine(
                    className: row["class_name"], card: row["card"], borrower: row["borrower"], kind: row["kind"], accession: Self.accession(row),
                    title: row["title"], loanedAt: row["loaned_at"], due: row["due_at"]))
        }
    }

    static func loanQuery(_ filter: ReportFilter, at now: Date) -> (sql: String, arguments: StatementArguments) {
        var conditions = ["l.returned_at IS NULL"]
        var arguments: StatementArguments = []
        if filter.overdueOnly {
            conditions.append("l.due_at < ?")
            arguments += [Timestamp.format(now)]
        }
        if let className = filter.className {
            conditions.append(
                "(l.class_id IN (SELECT id FROM class WHERE name = ? AND school_year = ?) OR p.class_id IN (SELECT id FROM class WHERE name = ? AND school_year = ?))")
            arguments += [className.uppercased(), filter.schoolYear, className.uppercased(), filter.schoolYear]
        }
        if let card = filter.teacherCard {
            conditions.append("p.card = ?")
            arguments += [card]
        }
        if let kind = filter.borrowerKind {
            conditions.append("p.kind = ?")
            arguments += [kind]
        }
        let sql = """
            SELECT COALESCE(pc.name, c.name) AS class_name, p.card, COALESCE(p.full_name, c.name) AS borrower, l.kind, i.number, g.prefix,
                g.separator, g.width, r.title, l.loaned_at, l.due_at
            FROM loan l JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id
            JOIN register g ON g.code = i.register_code
            LEFT JOIN patron p ON p.id = l.patron_id LEFT JOIN class pc ON pc.id = p.class_id LEFT JOIN class c ON c.id = l.class_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY class_name IS NULL, class_name, p.name_sort_key, l.due_at, l.id
            """
        return (sql, arguments)
    }

    /// The equipment catalogue by code, with the units by condition.
    public func equipmentCatalogue(_ line: (EquipmentLine) throws -> Void) throws {
        try readReport(Self.equipmentQuery) { row in
            let byUnit = row["tracking"] == "unit"
            try line(
                EquipmentLine(
                    code: row["code"], name: row["name"], subject: row["subject"], grades: row["grades"], unit: row["unit"],
                    quantity: byUnit ? row["units"] : row["quantity"], room: row["room"], good: byUnit ? row["good"] : row["quantity"],
                    needsRepair: row["needs_repair"], broken: row["broken"], value: row["value"], expiresOn: row["expires_on"]))
        }
    }

    static let equipmentQuery: (sql: String, arguments: StatementArguments) = (
        """
            SELECT t.code, t.name, t.subject, t.grades, t.unit, t.room, t.value, t.expires_on, t.tracking, t.quantity,
                COALESCE(SUM(u.status != 'withdrawn'), 0) AS units,
                COALESCE(SUM(u.status != 'withdrawn' AND u.condition = 'good'), 0) AS good,
                COALESCE(SUM(u.status != 'withdrawn' AND u.condition = 'needs_repair'), 0) AS needs_repair,
                COALESCE(SUM(u.status != 'withdrawn' AND u.condition = 'broken'), 0) AS broken
            FROM equipment_type t LEFT JOIN equipment_unit u ON u.type_code = t.code
            GROUP BY t.code ORDER BY t.code
            """, []
    )

    /// The equipment-usage log: lessons by teacher (Vietnamese name order) and date, with what
    /// was lent and how it came back.
    public func equipmentUsage(_ filter: ReportFilter, _ line: (LessonLine) throws -> Void) throws {
        try readReport(Self.usageQuery(filter)) { row in
            let equipment = [row["units"] as String?, row["quantities"] as String?].compactMap { $0 }.joined(separator: "; ")
            try line(
                LessonLine(
                    teacher: row["full_name"], date: row["lesson_date"], period: row["period"], className: row["class_name"], subject: row["subject"],
                    title: row["title"], equipment: equipment, returned: (row["returned_at"] as String?) != nil))
        }
    }

    static func usageQuery(_ filter: ReportFilter) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = ["s.lesson_date BETWEEN ? AND ?"]
        // The words the cells carry, in the report's language, bound in the order their `?`
        // come in the text: a unit lost, a unit damaged, then a quantity consumed and lost.
        let words = [
            Bilingual(vi: "mất", en: "lost"), Bilingual(vi: "cần sửa", en: "needs repair"), Bilingual(vi: " dùng hết, ", en: " consumed, "),
            Bilingual(vi: " mất", en: " lost"),
        ].map { $0.text(filter.language) }
        var arguments = StatementArguments(words)
        arguments += [filter.since ?? "0000-00-00", filter.until ?? "9999-99-99"]
        if let card = filter.teacherCard {
            conditions.append("p.card = ?")
            arguments += [card]
        }
        let sql = """
            SELECT s.id, p.full_name, s.lesson_date, s.period, c.name AS class_name, s.subject, s.title, s.returned_at,
                (SELECT group_concat(t.name || ' ' || g.prefix || g.separator || printf('%0' || g.width || 'd', u.number)
                    || CASE WHEN lu.return_condition IS NULL OR lu.return_condition = 'good' THEN ''
                        ELSE ' (' || CASE lu.return_condition WHEN 'lost' THEN ? ELSE ? END || ')' END, '; ')
                 FROM lesson_unit lu JOIN equipment_unit u ON u.id = lu.unit_id JOIN equipment_type t ON t.code = u.type_code
                 JOIN register g ON g.code = u.register_code WHERE lu.lesson_id = s.id) AS units,
                (SELECT group_concat(t.name || ' ×' || q.quantity || CASE WHEN COALESCE(q.consumed, 0) + COALESCE(q.lost, 0) > 0
                    THEN ' (' || COALESCE(q.consumed, 0) || ? || COALESCE(q.lost, 0) || ? || ')'
                    ELSE '' END, '; ')
                 FROM lesson_quantity q JOIN equipment_type t ON t.code = q.type_code WHERE q.lesson_id = s.id) AS quantities
            FROM lesson s JOIN patron p ON p.id = s.teacher_id LEFT JOIN class c ON c.id = s.class_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY p.name_sort_key, p.id, s.lesson_date, s.period, s.id
            """
        return (sql, arguments)
    }

    /// A report's rows, streamed from one read transaction: no report holds its rows in memory.
    /// Synchronous: the daemon runs reports on a thread of their own, never on an event loop.
    func readReport(_ query: (sql: String, arguments: StatementArguments), _ body: (Row) throws -> Void) throws {
        let (sql, arguments) = query
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() { try body(row) }
        }
    }

    /// `EXPLAIN QUERY PLAN` of every report's query, for the test that no report scans the loan
    /// history or the collection without an index.
    public func reportQueryPlans(_ filter: ReportFilter, at now: Date) throws -> [String: [String]] {
        let queries: [String: (sql: String, arguments: StatementArguments)] = [
            "accessions": Self.accessionQuery(filter), "loans": Self.loanQuery(filter, at: now), "equipment": Self.equipmentQuery,
            "usage": Self.usageQuery(filter), "textbooks": Self.textbookQuery(filter),
        ]
        return try pool.read { db in
            try queries.mapValues { query in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: query.arguments).map { $0["detail"] as String }
            }
        }
    }
}

/// A line of the textbook register (sổ đăng ký sách giáo khoa): one intake of one title.
public struct TextbookLine: Sendable {
    public var title: String
    public var grade: Int?
    public var receivedOn: String
    public var batch: Int64
    public var first: String
    public var last: String
    public var copies: Int64
    /// On the shelf or lent (có), missing or lost (mất), withdrawn by a disposal.
    public var present: Int64
    public var missing: Int64
    public var withdrawn: Int64
    public var price: Int64?
}

extension QuayDatabase {
    /// The textbook register: each textbook title by grade, each of its intakes with the range of
    /// its copies, and how many are present (C) and missing (M) now — after the last applied
    /// inventory and every loss and disposal since.
    public func textbookRegister(_ filter: ReportFilter, _ line: (TextbookLine) throws -> Void) throws {
        try readReport(Self.textbookQuery(filter)) { row in
            let register = Register(code: "", name: "", prefix: row[6], separator: row[7], width: row[8], nextNumber: 0)
            try line(
                TextbookLine(
                    title: row[0], grade: row[1], receivedOn: row[2], batch: row[3], first: register.format(row[4]), last: register.format(row[5]),
                    copies: row[9], present: row[10], missing: row[11], withdrawn: row[12], price: row[13]))
        }
    }

    static func textbookQuery(_ filter: ReportFilter) -> (sql: String, arguments: StatementArguments) {
        var conditions = ["r.kind = 'textbook'"]
        var arguments: StatementArguments = []
        if let since = filter.since {
            conditions.append("b.received_on >= ?")
            arguments += [since]
        }
        if let until = filter.until {
            conditions.append("b.received_on <= ?")
            arguments += [until]
        }
        let sql = """
            SELECT r.title, r.grade, b.received_on, b.id, MIN(i.number), MAX(i.number), g.prefix, g.separator, g.width, COUNT(*),
                SUM(i.status IN ('available', 'on_loan', 'damaged')), SUM(i.status IN ('missing', 'lost')), SUM(i.status = 'withdrawn'),
                MAX(COALESCE(i.price, r.price))
            FROM record r CROSS JOIN item i ON i.record_id = r.id JOIN batch b ON b.id = i.batch_id JOIN register g ON g.code = i.register_code
            WHERE \(conditions.joined(separator: " AND "))
            GROUP BY r.id, b.id ORDER BY r.grade IS NULL, r.grade, r.title, r.id, b.id
            """
        return (sql, arguments)
    }
}
