import Foundation
import GRDB
import QuayCore

/// A borrower to add: from `quay patron add` or a row of a class list.
public struct NewPatron: Sendable, Equatable {
    public var card: String
    public var name: String
    public var kind: PatronKind
    public var className: String?
    public var schoolYear: String

    public init(card: String, name: String, kind: PatronKind, className: String?, schoolYear: String) {
        self.card = card
        self.name = name
        self.kind = kind
        self.className = className
        self.schoolYear = schoolYear
    }
}

extension QuayDatabase {
    /// Adds a borrower; the class is created for the school year if it does not exist yet.
    public func addPatron(_ patron: NewPatron, at now: Date) async throws -> PatronView {
        try await pool.write { db in
            try Self.insertPatron(db, patron, createdAt: Timestamp.format(now))
            return try Self.patron(db, card: patron.card)!
        }
    }

    static func insertPatron(_ db: Database, _ patron: NewPatron, createdAt: String) throws {
        // A replaced card is never given to anyone else (SPEC §16).
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM retired_card WHERE card = ?)"), arguments: [patron.card]) == true {
            throw StoreError(code: .duplicateCard, reason: "\(patron.card) (a replaced card)")
        }
        var classID: Int64? = nil
        if let className = patron.className {
            classID = try Self.classID(db, name: className, year: patron.schoolYear, create: true)
        }
        do {
            try db.execute(
                sql: """
                    INSERT INTO patron (card, full_name, name_sort_key, kind, class_id, school_year, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    patron.card, patron.name, Data(VietnameseCollation.nameKey(patron.name)), patron.kind.rawValue,
                    classID, patron.schoolYear, createdAt,
                ])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError(code: .duplicateCard, reason: patron.card)
        }
        try db.execute(
            sql: "INSERT INTO patron_search (rowid, folded) VALUES (?, ?)",
            arguments: [db.lastInsertedRowID, VietnameseText.fold(patron.name + " " + patron.card)])
    }

    /// The id of a class, created (with the grade its name gives) when `create` is set.
    static func classID(_ db: Database, name: String, year: String, create: Bool) throws -> Int64? {
        let name = name.uppercased()
        if let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM class WHERE name = ? AND school_year = ?", arguments: [name, year])
        {
            return id
        }
        guard create else { return nil }
        try db.execute(
            sql: "INSERT INTO class (name, school_year, grade) VALUES (?, ?, ?)",
            arguments: [name, year, SchoolYear.grade(ofClass: name)])
        return db.lastInsertedRowID
    }

    static let patronColumns = """
        p.card, p.full_name, p.kind, c.name AS class_name, p.school_year, p.status, p.status_reason
        FROM patron p LEFT JOIN class c ON c.id = p.class_id
        """

    static func patronView(_ row: Row) -> PatronView {
        PatronView(
            card: row["card"], name: row["full_name"], kind: row["kind"], className: row["class_name"],
            schoolYear: row["school_year"], status: row["status"], statusReason: row["status_reason"])
    }

    static func patron(_ db: Database, card: String) throws -> PatronView? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(patronColumns) WHERE p.card = ?"), arguments: [card]).map(patronView)
    }

    /// On the caller's thread, like `item(scanned:)`: one indexed row.
    public func patron(card: String) async throws -> PatronView? {
        try readHere { db in try Self.patron(db, card: card) }
    }

    /// Sets (or, with nil, clears) a patron's PIN hash; `unknown_patron` when there is none.
    public func setPINHash(card: String, hash: String?) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE patron SET pin_hash = ? WHERE card = ?", arguments: [hash, card])
            guard db.changesCount == 1 else { throw StoreError(code: .unknownPatron, reason: card) }
        }
    }

    /// A patron and their PIN hash (nil when no PIN is set), or nil for an unknown card.
    public func patronWithPIN(card: String) async throws -> (patron: PatronView, pinHash: String?)? {
        try await pool.read { db in
            guard let patron = try Self.patron(db, card: card) else { return nil }
            let hash = try String.fetchOne(db, sql: "SELECT pin_hash FROM patron WHERE card = ?", arguments: [card])
            return (patron, hash)
        }
    }

    /// Blocks a patron's card (SIP2's Block Patron; a lost card reported at a kiosk): loans are
    /// then refused (`borrower_blocked`) until staff unblock it.
    public func blockPatron(card: String) async throws -> PatronView {
        try await pool.write { db in
            try db.execute(sql: "UPDATE patron SET status = 'blocked' WHERE card = ? AND status = 'active'", arguments: [card])
            guard let patron = try Self.patron(db, card: card) else { throw StoreError(code: .unknownPatron, reason: card) }
            return patron
        }
    }

    /// Borrowers whose name or card contains every word of `query` (diacritics and case
    /// ignored), in Vietnamese name order.
    public func findPatrons(_ query: String, limit: Int) async throws -> [PatronView] {
        guard let match = Self.ftsQuery(query) else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.patronColumns)
                    WHERE p.id IN (SELECT rowid FROM patron_search WHERE patron_search MATCH ?)
                    ORDER BY p.name_sort_key, p.card LIMIT ?
                    """,
                arguments: [match, limit]
            ).map(Self.patronView)
        }
    }

    /// Adds a class; refused when the school year already has one of that name.
    public func addClass(name: String, schoolYear: String, grade: Int?, homeroomTeacher: String?) async throws -> ClassView {
        try await pool.write { db in
            if try Self.classID(db, name: name, year: schoolYear, create: false) != nil {
                throw StoreError(code: .duplicateClass, reason: "\(name.uppercased()) \(schoolYear)")
            }
            try db.execute(
                sql: "INSERT INTO class (name, school_year, grade, homeroom_teacher) VALUES (?, ?, ?, ?)",
                arguments: [name.uppercased(), schoolYear, grade ?? SchoolYear.grade(ofClass: name), homeroomTeacher])
            return try Self.classView(db, name: name, year: schoolYear)!
        }
    }

    public func classView(name: String, schoolYear: String) async throws -> ClassView? {
        try await pool.read { db in try Self.classView(db, name: name, year: schoolYear) }
    }

    static func classView(_ db: Database, name: String, year: String) throws -> ClassView? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT id, name, school_year, grade, homeroom_teacher FROM class WHERE name = ? AND school_year = ?",
            arguments: [name.uppercased(), year])
        else { return nil }
        let patrons = try Row.fetchAll(
            db, sql: "SELECT \(patronColumns) WHERE p.class_id = ? ORDER BY p.name_sort_key, p.card",
            arguments: [row["id"] as Int64]
        ).map(patronView)
        return ClassView(
            name: row["name"], schoolYear: row["school_year"], grade: row["grade"], homeroomTeacher: row["homeroom_teacher"],
            patrons: patrons)
    }

    /// The classes of a school year with their pupils' count, by grade and name.
    public func classList(schoolYear: String) async throws -> [ClassSummary] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.name, c.school_year, c.grade, c.homeroom_teacher,
                           (SELECT count(*) FROM patron p WHERE p.class_id = c.id) AS pupils
                    FROM class c WHERE c.school_year = ? ORDER BY c.grade IS NULL, c.grade, length(c.name), c.name
                    """,
                arguments: [schoolYear]
            ).map { row in
                ClassSummary(
                    name: row["name"], schoolYear: row["school_year"], grade: row["grade"], homeroomTeacher: row["homeroom_teacher"],
                    pupils: row["pupils"])
            }
        }
    }

    /// Imports a class list: each row all or nothing (a savepoint each), good rows kept,
    /// every refused row reported with its line. One transaction for the whole file; a
    /// `dryRun` rolls it back, so it says what the import would do and writes nothing.
    public func importPatrons(_ rows: [(line: Int, patron: NewPatron)], dryRun: Bool = false, at now: Date) async throws -> (
        imported: [PatronView], rejected: [RejectedRow]
    ) {
        let createdAt = Timestamp.format(now)
        return try await pool.writeWithoutTransaction { db in
            var imported: [PatronView] = []
            var rejected: [RejectedRow] = []
            try db.inTransaction {
                for (line, patron) in rows {
                    do {
                        try db.inSavepoint {
                            try Self.insertPatron(db, patron, createdAt: createdAt)
                            return .commit
                        }
                        if let view = try Self.patron(db, card: patron.card) { imported.append(view) }
                    } catch let error as StoreError {
                        rejected.append(RejectedRow(line: line, reason: "\(error.code.rawValue): \(error.reason)"))
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        // A rule the checks above missed: the row is refused in our words, not SQLite's.
                        rejected.append(RejectedRow(line: line, reason: "invalid_argument: the row breaks a rule of the patron register"))
                    }
                }
                return dryRun ? .rollback : .commit
            }
            return (imported, rejected)
        }
    }
}
