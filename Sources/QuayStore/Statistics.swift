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
            // One pass over the loans of the period and of the least-used window, each with its
            // title: the loans by kind, the most borrowed and which titles were lent lately all
            // come from it, so the 200,000 loans of a year meet their copies once, not three times.
            let window = min(from, unusedSince)
            var byKind: [MaterialKind: Int64] = [:]
            var borrowed: [(id: Int64, loans: Int64, last: String?)] = []
            var recent: Set<Int64> = []
            let titles = try Row.fetchCursor(db, sql: Self.titlesSQL, arguments: [from, to, window, unusedSince])
            while let row = try titles.next() {
                let id: Int64 = row[0]
                let loans: Int64 = row[2]
                if loans > 0 {
                    byKind[MaterialKind(rawValue: row[1]) ?? .other, default: 0] += loans
                    borrowed.append((id, loans, row[3]))
                }
                if (row[4] as Int64) > 0 { recent.insert(id) }
            }
            statistics.kinds = byKind.map { ReadingStatistics.KindLine(kind: $0.key, loans: $0.value) }.sorted { ($0.loans, $1.kind.rawValue) > ($1.loans, $0.kind.rawValue) }
            // The most borrowed: the 200 with most loans, then by loans and title, the first 50.
            let top = borrowed.sorted { ($0.loans, $1.id) > ($1.loans, $0.id) }.prefix(200)
            var lines: [ReadingStatistics.TitleLine] = []
            for title in top {
                guard let row = try Row.fetchOne(db, sql: Self.titleSQL, arguments: [title.id]) else { continue }
                lines.append(ReadingStatistics.TitleLine(title: row["title"], authors: row["authors"], copies: row["copies"], loans: title.loans, lastLoan: title.last))
            }
            statistics.mostBorrowed = Array(lines.sorted { ($0.loans, $1.title) > ($1.loans, $0.title) }.prefix(50))
            // The least used: titles in title order not lent since the window began, with a copy still
            // on the shelf's books; the first thousand.
            let candidates = try Row.fetchCursor(db, sql: "SELECT id FROM record ORDER BY title, id")
            while statistics.unused.count < 1000, let row = try candidates.next() {
                let id: Int64 = row[0]
                guard !recent.contains(id), let line = try Row.fetchOne(db, sql: Self.unusedSQL, arguments: [id]), (line["copies"] as Int64) > 0 else { continue }
                statistics.unused.append(Self.titleLine(line))
            }
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

    /// Each title lent in the window (?3 to ?2): its kind, its loans in the period (?1 to ?2), the
    /// last of them, and whether it was lent since ?4 (the least-used window). The loans come from
    /// the covering index sorted by copy, so the copies are read in their own order: a year's
    /// loans over a million copies cost a third of what random look-ups do.
    static let titlesSQL = """
        SELECT i.record_id, r.kind, SUM(l.loaned_at >= ?1) AS loans, MAX(CASE WHEN l.loaned_at >= ?1 THEN l.loaned_at END) AS last_loan,
            MAX(l.loaned_at >= ?4) AS recent
        FROM (SELECT item_id, loaned_at FROM loan WHERE loaned_at BETWEEN ?3 AND ?2 ORDER BY item_id) l
        JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id
        GROUP BY i.record_id
        """

    static let titleSQL = "SELECT title, authors, (SELECT COUNT(*) FROM item c WHERE c.record_id = record.id) AS copies FROM record WHERE id = ?"

    /// A title not lent lately: its copies still in the collection, and its last loan ever.
    static let unusedSQL = """
        SELECT r.title, r.authors, (SELECT COUNT(*) FROM item c WHERE c.record_id = r.id AND c.status NOT IN ('withdrawn', 'lost')) AS copies,
            0 AS loans, (SELECT MAX(l.loaned_at) FROM item x JOIN loan l ON l.item_id = x.id WHERE x.record_id = r.id) AS last_loan
        FROM record r WHERE r.id = ?
        """

    /// EXPLAIN QUERY PLAN of each statistics query, for the test that none reads the loan
    /// history without an index.
    public func statisticsQueryPlans() throws -> [String: [String]] {
        let queries: [String: (String, StatementArguments)] = [
            "months": (Self.monthsSQL, ["2026-09-01", "2027-05-31"]), "classes": (Self.classesSQL, ["2026-09-01", "2027-05-31", "2026-2027"]),
            "titles": (Self.titlesSQL, ["2026-09-01", "2027-05-31", "2026-06-01", "2026-06-01"]), "title": (Self.titleSQL, [1]),
            "unused": (Self.unusedSQL, [1]),
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
