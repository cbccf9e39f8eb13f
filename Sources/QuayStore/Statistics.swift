import Foundation
import GRDB
import QuayCore

/// Reading statistics (văn hoá đọc, SPEC §10) of a period: small aggregates, computed by
/// indexed queries over the period's loans only (`loan_loaned`), never the whole history.
public struct ReadingStatistics: Sendable {
    public struct Month: Sendable {
        public var month: String
        public var loans: Int64
        public var readers: Int64
    }

    public struct ClassLine: Sendable {
        public var className: String
        public var grade: Int?
        public var pupils: Int64
        public var readers: Int64
        public var loans: Int64
    }

    public struct KindLine: Sendable {
        public var kind: MaterialKind
        public var loans: Int64
    }

    public struct TitleLine: Sendable {
        public var title: String
        public var authors: String
        public var copies: Int64
        public var loans: Int64
        public var lastLoan: String?
    }

    public var months: [Month] = []
    public var classes: [ClassLine] = []
    public var kinds: [KindLine] = []
    public var mostBorrowed: [TitleLine] = []
    /// Titles not borrowed since `unusedSince`, by title, at most 1,000.
    public var unused: [TitleLine] = []
    public var unusedSince: String = ""
}

extension QuayDatabase {
    /// The statistics of loans made from `since` to `until` (days), pupils by class of `schoolYear`.
    public func readingStatistics(since: String, until: String, schoolYear: String, unusedSince: String) throws -> ReadingStatistics {
        let (from, to) = (since, until + "T23:59:59")
        return try pool.read { db in
            var statistics = ReadingStatistics()
            statistics.unusedSince = unusedSince
            statistics.months = try Row.fetchAll(
                db,
                sql: Self.monthsSQL,
                arguments: [from, to]
            ).map { ReadingStatistics.Month(month: $0["month"], loans: $0["loans"], readers: $0["readers"]) }
            statistics.classes = try Row.fetchAll(
                db,
                sql: Self.classesSQL,
                arguments: [from, to, schoolYear]
            ).map { ReadingStatistics.ClassLine(className: $0["name"], grade: $0["grade"], pupils: $0["pupils"], readers: $0["readers"], loans: $0["loans"]) }
            statistics.kinds = try Row.fetchAll(
                db,
                sql: Self.kindsSQL,
                arguments: [from, to]
            ).map { ReadingStatistics.KindLine(kind: MaterialKind(rawValue: $0["kind"]) ?? .other, loans: $0["loans"]) }
            statistics.mostBorrowed = try Row.fetchAll(
                db,
                sql: Self.mostBorrowedSQL,
                arguments: [from, to]
            ).map(Self.titleLine)
            statistics.unused = try Row.fetchAll(
                db,
                sql: Self.unusedSQL,
                arguments: [unusedSince]
            ).map(Self.titleLine)
            return statistics
        }
    }

    static let monthsSQL = """
        SELECT substr(l.loaned_at, 1, 7) AS month, COUNT(*) AS loans, COUNT(DISTINCT l.patron_id) AS readers
        FROM loan l WHERE l.loaned_at BETWEEN ? AND ? GROUP BY 1 ORDER BY 1
        """

    static let classesSQL = """
        SELECT c.name, c.grade, (SELECT COUNT(*) FROM patron p WHERE p.class_id = c.id AND p.kind = 'pupil') AS pupils,
            COALESCE(t.readers, 0) AS readers, COALESCE(t.loans, 0) AS loans
        FROM class c LEFT JOIN (
            SELECT p.class_id, COUNT(DISTINCT l.patron_id) AS readers, COUNT(*) AS loans
            FROM loan l JOIN patron p ON p.id = l.patron_id
            WHERE l.loaned_at BETWEEN ? AND ? AND p.kind = 'pupil' GROUP BY p.class_id
        ) t ON t.class_id = c.id
        WHERE c.school_year = ? ORDER BY c.grade, c.name
        """

    static let kindsSQL = """
        SELECT r.kind, COUNT(*) AS loans FROM loan l JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id
        WHERE l.loaned_at BETWEEN ? AND ? GROUP BY r.kind ORDER BY loans DESC
        """

    static let mostBorrowedSQL = """
        SELECT r.title, r.authors, (SELECT COUNT(*) FROM item c WHERE c.record_id = r.id) AS copies, t.loans, t.last_loan
        FROM (SELECT i.record_id, COUNT(*) AS loans, MAX(l.loaned_at) AS last_loan
              FROM loan l JOIN item i ON i.id = l.item_id WHERE l.loaned_at BETWEEN ? AND ? GROUP BY i.record_id) t
        JOIN record r ON r.id = t.record_id ORDER BY t.loans DESC, r.title LIMIT 50
        """

    /// Titles not borrowed since the day, by title: the titles lent since are found from that
    /// period's loans (`loan_loaned`), the rest are read by title; copies and the last loan are
    /// counted only for the thousand listed.
    static let unusedSQL = """
        SELECT t.title, t.authors,
            (SELECT COUNT(*) FROM item c WHERE c.record_id = t.id AND c.status NOT IN ('withdrawn', 'lost')) AS copies, 0 AS loans,
            (SELECT MAX(l.loaned_at) FROM item x JOIN loan l ON l.item_id = x.id WHERE x.record_id = t.id) AS last_loan
        FROM (
            SELECT r.id, r.title, r.authors FROM record r
            WHERE r.id NOT IN (SELECT i.record_id FROM loan l JOIN item i ON i.id = l.item_id WHERE l.loaned_at >= ?)
                AND EXISTS (SELECT 1 FROM item c WHERE c.record_id = r.id AND c.status NOT IN ('withdrawn', 'lost'))
            ORDER BY r.title LIMIT 1000
        ) t
        ORDER BY t.title
        """

    /// EXPLAIN QUERY PLAN of each statistics query, for the test that none reads the loan
    /// history without an index.
    public func statisticsQueryPlans() throws -> [String: [String]] {
        let queries: [String: (String, StatementArguments)] = [
            "months": (Self.monthsSQL, ["2026-09-01", "2027-05-31"]), "classes": (Self.classesSQL, ["2026-09-01", "2027-05-31", "2026-2027"]),
            "kinds": (Self.kindsSQL, ["2026-09-01", "2027-05-31"]), "most_borrowed": (Self.mostBorrowedSQL, ["2026-09-01", "2027-05-31"]),
            "unused": (Self.unusedSQL, ["2026-01-01"]),
        ]
        return try pool.read { db in
            try queries.mapValues { sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
        }
    }

    private static func titleLine(_ row: Row) -> ReadingStatistics.TitleLine {
        ReadingStatistics.TitleLine(title: row["title"], authors: row["authors"], copies: row["copies"], loans: row["loans"], lastLoan: row["last_loan"])
    }
}
