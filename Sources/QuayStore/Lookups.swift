import Foundation
import GRDB
import QuayCore

extension QuayDatabase {
    static let itemColumns = """
        i.register_code, i.number, i.barcode, i.status, i.location, i.record_id, i.batch_id, i.last_seen_at, i.in_repair, i.price, i.condition, i.note,
        r.title, r.authors, r.call_number, b.received_on, b.source, g.prefix, g.separator, g.width
        """

    static let itemJoins = """
        FROM item i JOIN record r ON r.id = i.record_id JOIN batch b ON b.id = i.batch_id
        JOIN register g ON g.code = i.register_code
        """

    /// The printed accession number of a row that selected `number` and its register's
    /// `prefix`, `separator` and `width`.
    static func accession(_ row: Row) -> String {
        Register(code: "", name: "", prefix: row["prefix"], separator: row["separator"], width: row["width"], nextNumber: 0)
            .format(row["number"])
    }

    static func itemView(_ row: Row) -> ItemView {
        ItemView(
            accession: accession(row), barcode: row["barcode"], register: row["register_code"], number: row["number"],
            status: row["status"], location: row["location"], recordID: row["record_id"], title: row["title"],
            authors: row["authors"], callNumber: row["call_number"], batchID: row["batch_id"],
            receivedOn: row["received_on"], source: row["source"], lastSeenAt: row["last_seen_at"],
            inRepair: row["in_repair"] == 1 ? true : nil, price: row["price"], condition: row["condition"], note: row["note"])
    }

    /// A copy by its barcode, or by its accession number as printed (`STK.000123`, `STK-123`).
    /// A point look-up reads on the caller's thread (GRDB's synchronous read runs on an idle
    /// reader right here): one indexed row costs less than the two thread hops of an async read.
    public func item(scanned text: String) async throws -> ItemView? {
        try readHere { db in try Self.item(db, scanned: text) }
    }

    static func item(_ db: Database, scanned text: String) throws -> ItemView? {
        // Cached statements: a look-up at the desk is one indexed row, not a parse of the join.
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.itemColumns) \(Self.itemJoins) WHERE i.barcode = ?"), arguments: [text])
        {
            return Self.itemView(row)
        }
        guard let accession = AccessionNumber(text) else { return nil }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.itemColumns) \(Self.itemJoins) WHERE g.prefix = ? AND i.number = ?"),
            arguments: [accession.prefix, accession.number]
        ).map(Self.itemView)
    }

    static func recordView(_ row: Row, items: [ItemView]?) -> RecordView {
        RecordView(
            id: row["id"], title: row["title"], authors: row["authors"], publisher: row["publisher"], year: row["year"],
            isbn: row["isbn"], callNumber: row["call_number"], kind: row["kind"], grade: row["grade"],
            price: row["price"], copies: row["copies"], items: items, classNumber: row["class_number"], authorMark: row["author_mark"],
            subject: row["subject"], notes: row["notes"])
    }

    static let recordColumns = """
        r.id, r.title, r.authors, r.publisher, r.year, r.isbn, r.call_number, r.kind, r.grade, r.price,
        r.class_number, r.author_mark, r.subject, r.notes,
        (SELECT COUNT(*) FROM item c WHERE c.record_id = r.id) AS copies
        """

    /// A title with every copy.
    public func record(id: Int64) async throws -> RecordView? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.recordColumns) FROM record r WHERE r.id = ?", arguments: [id])
            else { return nil }
            let items = try Row.fetchAll(
                db, sql: "SELECT \(Self.itemColumns) \(Self.itemJoins) WHERE i.record_id = ? ORDER BY i.register_code, i.number",
                arguments: [id]
            ).map(Self.itemView)
            return Self.recordView(row, items: items)
        }
    }

    /// Titles whose title, authors, publisher or subject contain every word of `query`,
    /// ignoring diacritics and case (SPEC §12). Words match as prefixes: `nguy` finds Nguyễn.
    public func findRecords(_ query: String, limit: Int) async throws -> [RecordView] {
        guard let match = Self.ftsQuery(query) else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.recordColumns) FROM record r
                    WHERE r.id IN (SELECT rowid FROM record_search WHERE record_search MATCH ?)
                    ORDER BY r.title, r.id LIMIT ?
                    """,
                arguments: [match, limit]
            ).map { Self.recordView($0, items: nil) }
        }
    }

    /// An FTS5 query from free text: each folded word quoted (so nothing in it is FTS syntax)
    /// and matched as a prefix; nil when there is no word.
    static func ftsQuery(_ text: String) -> String? {
        let words = VietnameseText.searchWords(text)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"*" }.joined(separator: " ")
    }

    /// Copies in shelf order between two sort keys (inclusive), at most `limit`.
    public func shelfList(lower: String?, upper: String?, limit: Int) async throws -> [ItemView] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.itemColumns) \(Self.itemJoins)
                    WHERE i.call_sort_key IS NOT NULL AND i.call_sort_key >= ? AND i.call_sort_key <= ?
                    ORDER BY i.call_sort_key, i.register_code, i.number LIMIT ?
                    """,
                arguments: [lower ?? "", upper ?? "\u{10FFFF}", limit]
            ).map(Self.itemView)
        }
    }
}
