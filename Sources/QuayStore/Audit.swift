import Foundation
import GRDB
import QuayCore

/// Who made a change and when: the audit log's first two columns.
public struct ChangeContext: Sendable {
    /// The peer's user name (SO_PEERCRED), or `desk:NAME`.
    public var actor: String
    public var at: Date

    public init(actor: String, at: Date) {
        self.actor = actor
        self.at = at
    }

    var timestamp: String { Timestamp.format(at) }
}

/// A column to set: its name (from our code, never from input) and its new value.
public struct Assignment: Sendable {
    public var column: String
    public var value: DatabaseValue

    public init(_ column: String, _ value: (any DatabaseValueConvertible)?) {
        self.column = column
        self.value = value?.databaseValue ?? .null
    }
}

extension QuayDatabase {
    /// Appends one line to the audit log; nil (and nothing written) when nothing changed.
    @discardableResult
    static func audit(_ db: Database, _ context: ChangeContext, op: String, target: String, changes: [String: AuditChange]) throws -> Int64? {
        guard !changes.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(changes), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO audit (at, actor, op, target, changes) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [context.timestamp, context.actor, op, target, json])
        return db.lastInsertedRowID
    }

    static func auditValue(_ value: DatabaseValue) -> AuditValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .int(number)
        case .double(let number): .text(String(number))
        case .string(let text): .text(text)
        case .blob(let data): .text("\(data.count) bytes")
        }
    }

    /// Sets `assignments` on the row `rowID` of `table` and returns each field that changed
    /// (before, after), named by `names` (column → the field's name; the column by default).
    /// Table and column names come from our code, never from input.
    static func update(
        _ db: Database, table: String, key: String = "id", rowID: DatabaseValueConvertible, _ assignments: [Assignment],
        names: [String: String] = [:]
    ) throws -> [String: AuditChange] {
        guard !assignments.isEmpty else { return [:] }
        let columns = assignments.map(\.column)
        guard let before = try Row.fetchOne(
            db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE \(key) = ?", arguments: [rowID])
        else { throw StoreError(code: .notFound, reason: "\(table) \(rowID)") }
        var changes: [String: AuditChange] = [:]
        var changed: [Assignment] = []
        for assignment in assignments {
            let old: DatabaseValue = before[assignment.column]
            guard old != assignment.value else { continue }
            changed.append(assignment)
            changes[names[assignment.column] ?? assignment.column] = AuditChange(before: auditValue(old), after: auditValue(assignment.value))
        }
        guard !changed.isEmpty else { return [:] }
        var arguments = StatementArguments(changed.map(\.value))
        arguments += [rowID]
        try db.execute(
            sql: "UPDATE \(table) SET \(changed.map { "\($0.column) = ?" }.joined(separator: ", ")) WHERE \(key) = ?", arguments: arguments)
        return changes
    }

    /// A change of one row, audited: `body` returns the fields it changed; one line in the
    /// audit log when any did. The caller holds the transaction.
    static func audited(
        _ db: Database, _ context: ChangeContext, op: String, target: String, _ body: () throws -> [String: AuditChange]
    ) throws -> ChangeResult {
        let changes = try body()
        let id = try audit(db, context, op: op, target: target, changes: changes)
        return ChangeResult(target: target, auditID: id, changes: changes)
    }

    /// A write of one intent, with its audit line, in one transaction.
    func change<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_CHECK {
            // A value the schema refuses (a grade of 13, a negative price): our words, not SQLite's.
            throw StoreError(code: .invalidArgument, reason: "a value breaks a rule of the register (\(error.message ?? "check"))")
        }
    }

    // MARK: History

    /// Everything the audit log says of what `key` names: a copy or unit (barcode or accession
    /// number), a card (today's or a retired one), a record (`R12` or `record:12`), an equipment
    /// code, a class (`6A@2026-2027`) or a disposal (`D3`): the newest `limit` lines, oldest first.
    public func history(key: String, limit: Int) async throws -> (target: String, label: String, entries: [AuditEntry]) {
        try await pool.read { db in
            let (target, label) = try Self.target(db, key: key)
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM (SELECT id, at, actor, op, target, changes FROM audit WHERE target = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                arguments: [target, limit])
            let decoder = JSONDecoder()
            let entries = try rows.map { row in
                AuditEntry(
                    id: row["id"], at: row["at"], actor: row["actor"], op: row["op"], target: row["target"],
                    changes: try decoder.decode([String: AuditChange].self, from: Data((row["changes"] as String).utf8)))
            }
            return (target, label, entries)
        }
    }

    /// The audit log's target for a key, and what to call it.
    static func target(_ db: Database, key: String) throws -> (String, String) {
        if let item = try Self.item(db, scanned: key),
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM item WHERE register_code = ? AND number = ?", arguments: [item.register, item.number])
        {
            return ("b\(id)", "\(item.accession) — \(item.title)")
        }
        if let unit = try Self.unitRow(db, scanned: key) {
            return ("e\(unit["id"] as Int64)", "\(Self.accession(unit)) — \(unit["name"] as String)")
        }
        if let row = try Row.fetchOne(db, sql: "SELECT id, card, full_name FROM patron WHERE card = ?", arguments: [key])
            ?? Row.fetchOne(
                db, sql: "SELECT p.id, p.card, p.full_name FROM retired_card r JOIN patron p ON p.id = r.patron_id WHERE r.card = ?",
                arguments: [key])
        {
            return ("p\(row["id"] as Int64)", "\(row["card"] as String) — \(row["full_name"] as String)")
        }
        if let row = try Row.fetchOne(db, sql: "SELECT code, name FROM equipment_type WHERE code = ?", arguments: [key]) {
            return ("t\(row["code"] as String)", "\(row["code"] as String) — \(row["name"] as String)")
        }
        let upper = key.uppercased()
        for prefix in ["RECORD:", "R"] where upper.hasPrefix(prefix) {
            if let id = Int64(upper.dropFirst(prefix.count)),
                let title = try String.fetchOne(db, sql: "SELECT title FROM record WHERE id = ?", arguments: [id])
            {
                return ("r\(id)", title)
            }
        }
        if upper.hasPrefix("D"), let id = Int64(upper.dropFirst()),
            let decision = try String.fetchOne(db, sql: "SELECT decision_ref FROM disposal WHERE id = ?", arguments: [id])
        {
            return ("d\(id)", decision)
        }
        let parts = upper.split(separator: "@", maxSplits: 1).map(String.init)
        if parts.count == 2, let id = try Self.classID(db, name: parts[0], year: parts[1], create: false) {
            return ("c\(id)", "\(parts[0]) \(parts[1])")
        }
        throw StoreError(code: .notFound, reason: key)
    }
}
