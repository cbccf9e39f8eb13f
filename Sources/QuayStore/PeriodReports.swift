import Foundation
import GRDB
import QuayCore

/// A loan in a borrower's history: lent, due, back (or how it ended).
public struct HistoryLine: Sendable {
    public var loanedAt: String
    public var accession: String
    public var title: String
    public var due: String
    public var returnedAt: String?
    /// `lost` or `undone` when the loan did not end with a return.
    public var endedAs: String?
}

/// Whose history a report is: the borrower a card (a retired one too) names.
public struct HistoryBorrower: Sendable {
    public var card: String
    public var name: String
    public var className: String?
    public var kind: String
}

/// A teacher's lesson periods with equipment in a period (the head teacher's evaluation).
public struct TeacherUseLine: Sendable {
    public var card: String
    public var name: String
    /// The subject most of the teacher's lessons were in; nil with no lesson.
    public var subject: String?
    public var periods: Int64
}

/// The copies of one material kind: how many, and what they are worth.
public struct StockCount: Sendable, Equatable {
    public var copies: Int64 = 0
    public var value: Int64 = 0
    public init(copies: Int64 = 0, value: Int64 = 0) {
        self.copies = copies
        self.value = value
    }
}

/// The periodic library report to the education office (SPEC §10): the stock at the start and
/// the end of the period, what came in and what went out, and who borrowed.
public struct PeriodicReport: Sendable {
    public struct Readers: Sendable, Equatable {
        /// Cards of this kind not marked as left.
        public var registered: Int64 = 0
        /// Of them, how many borrowed in the period.
        public var borrowers: Int64 = 0
        public var loans: Int64 = 0
        public init() {}
    }

    public var atStart: [MaterialKind: StockCount] = [:]
    public var received: [MaterialKind: StockCount] = [:]
    public var withdrawn: [MaterialKind: StockCount] = [:]
    public var atEnd: [MaterialKind: StockCount] = [:]
    /// By patron kind: `pupil`, `teacher`, `staff`.
    public var readers: [String: Readers] = [:]
    /// Loans to a whole class (class libraries, textbooks for the year).
    public var classLoans: Int64 = 0
}

extension QuayDatabase {
    /// The borrower a card names, the card they hold now or one they held before.
    public func historyBorrower(card: String) throws -> HistoryBorrower? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT p.card, p.full_name, c.name AS class_name, p.kind FROM patron p LEFT JOIN class c ON c.id = p.class_id
                    WHERE p.card = ?1 OR p.id = (SELECT patron_id FROM retired_card WHERE card = ?1)
                    """,
                arguments: [card]
            ).map { HistoryBorrower(card: $0["card"], name: $0["full_name"], className: $0["class_name"], kind: $0["kind"]) }
        }
    }

    /// Every loan of one borrower in date order, from the index `loan_patron`: a borrower's
    /// history is read without touching anyone else's loans.
    public func borrowerHistory(_ filter: ReportFilter, _ line: (HistoryLine) throws -> Void) throws {
        try readReport(Self.historyQuery(filter)) { row in
            try line(
                HistoryLine(
                    loanedAt: row["loaned_at"], accession: Self.accession(row), title: row["title"], due: row["due_at"], returnedAt: row["returned_at"],
                    endedAs: row["ended_as"]))
        }
    }

    static func historyQuery(_ filter: ReportFilter) -> (sql: String, arguments: StatementArguments) {
        let card = filter.teacherCard ?? ""
        let sql = """
            SELECT l.loaned_at, l.due_at, l.returned_at, l.ended_as, i.number, g.prefix, g.separator, g.width, r.title
            FROM loan l JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id JOIN register g ON g.code = i.register_code
            WHERE l.patron_id = (SELECT id FROM patron WHERE card = ?1 UNION ALL SELECT patron_id FROM retired_card WHERE card = ?1 LIMIT 1)
                AND l.loaned_at BETWEEN ?2 AND ?3 AND (l.ended_as IS NULL OR l.ended_as != 'undone')
            ORDER BY l.loaned_at, l.id
            """
        return (sql, [card, filter.since ?? "0000", (filter.until ?? "9999") + "T99"])
    }

    /// Each teacher not marked as left, in Vietnamese name order, with their lesson periods
    /// with equipment from `since` to `until` (days) — those with none too: they are the ones
    /// a head teacher asks about.
    public func teacherUse(since: String, until: String, _ line: (TeacherUseLine) throws -> Void) throws {
        try readReport(Self.teacherUseQuery(since: since, until: until)) { row in
            try line(TeacherUseLine(card: row["card"], name: row["full_name"], subject: row["subject"], periods: row["periods"]))
        }
    }

    static func teacherUseQuery(since: String, until: String) -> (sql: String, arguments: StatementArguments) {
        let sql = """
            SELECT p.card, p.full_name,
                (SELECT s.subject FROM lesson s WHERE s.teacher_id = p.id AND s.lesson_date BETWEEN ?1 AND ?2 AND s.subject IS NOT NULL
                 GROUP BY s.subject ORDER BY COUNT(*) DESC, s.subject LIMIT 1) AS subject,
                (SELECT COUNT(*) FROM lesson s WHERE s.teacher_id = p.id AND s.lesson_date BETWEEN ?1 AND ?2) AS periods
            FROM patron p WHERE p.kind = 'teacher' AND p.status != 'left'
            ORDER BY p.name_sort_key, p.id
            """
        return (sql, [since, until])
    }

    /// The periodic report of the days `since` to `until`. A copy is in the stock on a day when
    /// its intake was on or before it and no confirmed disposal had taken it by then; the stock
    /// counts are one pass over the copies, the loans the period's only (`loan_loaned`).
    public func periodicReport(since: String, until: String) throws -> PeriodicReport {
        try pool.read { db in
            var report = PeriodicReport()
            let dayBefore = (Day(since)?.adding(days: -1)).map(\.description) ?? since
            for row in try Row.fetchAll(db, sql: Self.stockSQL, arguments: [dayBefore, until, since]) {
                let kind = MaterialKind(rawValue: row["kind"]) ?? .other
                func count(_ copies: String, _ value: String) -> StockCount? {
                    let counted = StockCount(copies: row[copies], value: row[value])
                    return counted.copies == 0 ? nil : counted
                }
                report.atStart[kind] = count("start_copies", "start_value")
                report.atEnd[kind] = count("end_copies", "end_value")
                report.received[kind] = count("in_copies", "in_value")
                report.withdrawn[kind] = count("out_copies", "out_value")
            }
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM patron WHERE status != 'left' GROUP BY kind") {
                report.readers[row["kind"], default: .init()].registered = row["n"]
            }
            let (from, to) = (since, until + "T23:59:59")
            for row in try Row.fetchAll(db, sql: Self.periodLoansSQL, arguments: [from, to]) {
                guard let kind: String = row["kind"] else {
                    report.classLoans = row["loans"]
                    continue
                }
                report.readers[kind, default: .init()].loans = row["loans"]
                report.readers[kind, default: .init()].borrowers = row["borrowers"]
            }
            return report
        }
    }

    /// One pass over the copies: for each kind, the stock on the day before the period, on
    /// its last day, what was received in it and what a disposal took out in it (a copy no
    /// disposal took is out on 9999-12-31, so no comparison meets NULL).
    static let stockSQL = """
        SELECT r.kind,
            SUM(t.received_on <= ?1 AND t.out_on > ?1) AS start_copies,
            SUM(CASE WHEN t.received_on <= ?1 AND t.out_on > ?1 THEN t.price ELSE 0 END) AS start_value,
            SUM(t.received_on <= ?2 AND t.out_on > ?2) AS end_copies,
            SUM(CASE WHEN t.received_on <= ?2 AND t.out_on > ?2 THEN t.price ELSE 0 END) AS end_value,
            SUM(t.received_on BETWEEN ?3 AND ?2) AS in_copies,
            SUM(CASE WHEN t.received_on BETWEEN ?3 AND ?2 THEN t.price ELSE 0 END) AS in_value,
            SUM(t.out_on BETWEEN ?3 AND ?2) AS out_copies,
            SUM(CASE WHEN t.out_on BETWEEN ?3 AND ?2 THEN t.price ELSE 0 END) AS out_value
        FROM (
            SELECT i.record_id, b.received_on, COALESCE(i.price, r.price, 0) AS price,
                COALESCE((SELECT MIN(d.decided_on) FROM disposal_line dl JOIN disposal d ON d.id = dl.disposal_id
                 WHERE dl.item_id = i.id AND d.state = 'confirmed'), '9999-12-31') AS out_on
            FROM item i JOIN record r ON r.id = i.record_id JOIN batch b ON b.id = i.batch_id
        ) t JOIN record r ON r.id = t.record_id
        GROUP BY r.kind
        """

    /// The period's loans by the borrower's kind; a class loan's kind is NULL.
    static let periodLoansSQL = """
        SELECT p.kind, COUNT(*) AS loans, COUNT(DISTINCT l.patron_id) AS borrowers
        FROM loan l LEFT JOIN patron p ON p.id = l.patron_id
        WHERE l.loaned_at BETWEEN ? AND ? AND (l.ended_as IS NULL OR l.ended_as != 'undone')
        GROUP BY p.kind
        """

    /// EXPLAIN QUERY PLAN of the queries of the history, the teachers' use and the periodic
    /// report, and of the general register's three parts.
    public func periodQueryPlans() throws -> [String: [String]] {
        var filter = ReportFilter(schoolYear: "2026-2027")
        filter.teacherCard = "HS01"
        let queries: [String: (sql: String, arguments: StatementArguments)] = [
            "history": Self.historyQuery(filter), "teacher_use": Self.teacherUseQuery(since: "2026-09-01", until: "2027-01-15"),
            "stock": (Self.stockSQL, ["2026-08-31", "2026-09-30", "2026-09-01"]), "period_loans": (Self.periodLoansSQL, ["2026-09-01", "2026-09-30T23:59:59"]),
            "intake": (Self.batchesSQL(register: false), ["2026-09-01", "2027-05-31"]), "withdrawals": (Self.disposalsSQL, ["2026-09-01", "2027-05-31"]),
            "inventories": (Self.sessionsSQL, ["2026-09-01", "2027-05-31"]),
        ]
        return try pool.read { db in
            try queries.mapValues { query in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: query.arguments).map { $0["detail"] as String }
            }
        }
    }
}
