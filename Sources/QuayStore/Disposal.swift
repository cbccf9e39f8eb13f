import Foundation
import GRDB
import QuayCore

/// A disposal to open: its decision (số quyết định), date and default reason.
public struct NewDisposal: Sendable {
    public var kind: DisposalKind
    public var decision: String
    /// `yyyy-mm-dd`.
    public var decidedOn: String
    public var reason: DisposalReason
    /// The school that receives a transfer (điều chuyển); nil for any other kind.
    public var receivingSchool: String?
    public var note: String?

    public init(kind: DisposalKind, decision: String, decidedOn: String, reason: DisposalReason, receivingSchool: String?, note: String?) {
        self.kind = kind
        self.decision = decision
        self.decidedOn = decidedOn
        self.reason = reason
        self.receivingSchool = receivingSchool
        self.note = note
    }
}

/// What to add to a disposal: scanned or listed codes (copies or units), an applied
/// inventory's disposal list, every expired chemical, or quantities of equipment.
public struct DisposalAddition: Sendable {
    public var codes: [String] = []
    public var inventorySession: Int64?
    public var expired = false
    public var quantities: [(code: String, quantity: Int)] = []
    /// The lines' reason; the disposal's own when nil.
    public var reason: DisposalReason?

    public init(
        codes: [String] = [], inventorySession: Int64? = nil, expired: Bool = false, quantities: [(code: String, quantity: Int)] = [],
        reason: DisposalReason? = nil
    ) {
        self.codes = codes
        self.inventorySession = inventorySession
        self.expired = expired
        self.quantities = quantities
        self.reason = reason
    }
}

extension QuayDatabase {
    public func openDisposal(_ disposal: NewDisposal, _ context: ChangeContext) async throws -> DisposalView {
        try await change { db in
            try db.execute(
                sql: """
                    INSERT INTO disposal (kind, decision_ref, decided_on, reason, receiving_school, note, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    disposal.kind.rawValue, disposal.decision, disposal.decidedOn, disposal.reason.rawValue, disposal.receivingSchool,
                    disposal.note, context.timestamp,
                ])
            let id = db.lastInsertedRowID
            try Self.audit(
                db, context, op: "disposal.open", target: "d\(id)",
                changes: [
                    "decision": AuditChange(before: .null, after: .text(disposal.decision)),
                    "kind": AuditChange(before: .null, after: .text(disposal.kind.rawValue)),
                ])
            return try Self.disposal(db, id: id, lines: false)
        }
    }

    /// Adds lines to an open disposal — one transaction; each code that cannot be added (unknown,
    /// withdrawn, already in a disposal) is said and the others are added. A copy on loan may be
    /// added: the confirmation waits until its loan is settled.
    public func addToDisposal(id: Int64, _ addition: DisposalAddition, _ context: ChangeContext) async throws -> (
        disposal: DisposalView, added: Int, refused: [RefusedCode]
    ) {
        try await change { db in
            let header = try Self.openDisposalRow(db, id: id)
            let reason = addition.reason ?? DisposalReason(rawValue: header["reason"]) ?? .worn
            var line = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(line), 0) FROM disposal_line WHERE disposal_id = ?", arguments: [id]) ?? 0
            var added = 0
            var refused: [RefusedCode] = []
            let insert = try db.cachedStatement(
                sql: "INSERT INTO disposal_line (disposal_id, line, item_id, unit_id, type_code, quantity, reason, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            func refuse(_ code: String, _ error: StoreError.Code, _ why: String) {
                refused.append(RefusedCode(code: code, error: error.rawValue, reason: why))
            }
            func addItem(_ itemID: Int64, code: String) throws {
                let row = try Row.fetchOne(
                    db, sql: "SELECT i.status, COALESCE(i.price, r.price, 0) AS value FROM item i JOIN record r ON r.id = i.record_id WHERE i.id = ?",
                    arguments: [itemID])!
                if row["status"] == ItemStatus.withdrawn.rawValue { return refuse(code, .itemUnavailable, "withdrawn") }
                if let other = try Int64.fetchOne(
                    db,
                    sql: "SELECT d.id FROM disposal_line l JOIN disposal d ON d.id = l.disposal_id WHERE l.item_id = ? AND d.state != 'cancelled'",
                    arguments: [itemID])
                {
                    return refuse(code, .disposalState, "already in disposal \(other)")
                }
                line += 1
                try insert.execute(arguments: [id, line, itemID, nil, nil, nil, reason.rawValue, row["value"] as Int64])
                added += 1
            }
            func addUnit(_ unitID: Int64, code: String) throws {
                let row = try Row.fetchOne(
                    db, sql: "SELECT u.status, COALESCE(t.value, 0) AS value FROM equipment_unit u JOIN equipment_type t ON t.code = u.type_code WHERE u.id = ?",
                    arguments: [unitID])!
                if row["status"] == "withdrawn" { return refuse(code, .itemUnavailable, "withdrawn") }
                if let other = try Int64.fetchOne(
                    db,
                    sql: "SELECT d.id FROM disposal_line l JOIN disposal d ON d.id = l.disposal_id WHERE l.unit_id = ? AND d.state != 'cancelled'",
                    arguments: [unitID])
                {
                    return refuse(code, .disposalState, "already in disposal \(other)")
                }
                line += 1
                try insert.execute(arguments: [id, line, nil, unitID, nil, nil, reason.rawValue, row["value"] as Int64])
                added += 1
            }
            func addQuantity(_ code: String, _ quantity: Int, reason lineReason: DisposalReason) throws {
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT quantity, COALESCE(value, 0) AS value FROM equipment_type WHERE code = ? AND tracking = 'quantity'",
                    arguments: [code])
                else { return refuse(code, .unknownItem, "no equipment tracked by quantity has this code") }
                let listed = try Int.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(quantity), 0) FROM disposal_line WHERE disposal_id = ? AND type_code = ?", arguments: [id, code]) ?? 0
                guard quantity > 0, listed + quantity <= row["quantity"] as Int else {
                    return refuse(code, .limitReached, "\(quantity) asked, \((row["quantity"] as Int) - listed) on hand")
                }
                line += 1
                try insert.execute(arguments: [id, line, nil, nil, code, quantity, lineReason.rawValue, (row["value"] as Int64) * Int64(quantity)])
                added += 1
            }
            for code in addition.codes {
                if let item = try? Self.circulationItem(db, scanned: code) {
                    try addItem(item.id, code: code)
                } else if let unit = try Self.unitRow(db, scanned: code) {
                    try addUnit(unit["id"], code: code)
                } else {
                    refuse(code, .unknownItem, "no copy or unit has this code")
                }
            }
            if let session = addition.inventorySession {
                guard let state = try String.fetchOne(db, sql: "SELECT state FROM inventory_session WHERE id = ?", arguments: [session]) else {
                    throw StoreError(code: .notFound, reason: "inventory \(session)")
                }
                guard state == "applied" else { throw StoreError(code: .inventoryNotClosed, reason: "inventory \(session) is not applied yet") }
                for row in try Row.fetchAll(
                    db, sql: "SELECT item_id, unit_id, barcode FROM inventory_line WHERE session_id = ? AND category = 'disposal' ORDER BY line",
                    arguments: [session])
                {
                    if let itemID: Int64 = row["item_id"] { try addItem(itemID, code: row["barcode"] ?? "item \(itemID)") }
                    if let unitID: Int64 = row["unit_id"] { try addUnit(unitID, code: row["barcode"] ?? "unit \(unitID)") }
                }
            }
            if addition.expired {
                let today = Day(context.at).description
                for row in try Row.fetchAll(
                    db, sql: "SELECT code, tracking, quantity FROM equipment_type WHERE expires_on IS NOT NULL AND expires_on < ? ORDER BY code",
                    arguments: [today])
                {
                    let code: String = row["code"]
                    if row["tracking"] == "quantity" {
                        let listed = try Int.fetchOne(
                            db, sql: "SELECT COALESCE(SUM(quantity), 0) FROM disposal_line WHERE disposal_id = ? AND type_code = ?",
                            arguments: [id, code]) ?? 0
                        let left = (row["quantity"] as Int) - listed
                        if left > 0 { try addQuantity(code, left, reason: addition.reason ?? .expired) }
                    } else {
                        for unit in try Int64.fetchAll(
                            db, sql: "SELECT id FROM equipment_unit WHERE type_code = ? AND status != 'withdrawn' ORDER BY number", arguments: [code])
                        where try Bool.fetchOne(
                            db,
                            sql: "SELECT EXISTS (SELECT 1 FROM disposal_line l JOIN disposal d ON d.id = l.disposal_id WHERE l.unit_id = ? AND d.state != 'cancelled')",
                            arguments: [unit]) == false
                        {
                            try addUnit(unit, code: code)
                        }
                    }
                }
            }
            for (code, quantity) in addition.quantities { try addQuantity(code, quantity, reason: reason) }
            if added > 0 {
                try Self.audit(db, context, op: "disposal.add", target: "d\(id)", changes: ["lines": AuditChange(before: .int(Int64(line - added)), after: .int(Int64(line)))])
            }
            return (try Self.disposal(db, id: id, lines: false), added, refused)
        }
    }

    /// Takes copies or units off an open disposal (scanned in by mistake).
    public func removeFromDisposal(id: Int64, codes: [String], _ context: ChangeContext) async throws -> (disposal: DisposalView, removed: Int) {
        try await change { db in
            _ = try Self.openDisposalRow(db, id: id)
            var removed = 0
            for code in codes {
                if let item = try? Self.circulationItem(db, scanned: code) {
                    try db.execute(sql: "DELETE FROM disposal_line WHERE disposal_id = ? AND item_id = ?", arguments: [id, item.id])
                    removed += db.changesCount
                } else if let unit = try Self.unitRow(db, scanned: code) {
                    try db.execute(sql: "DELETE FROM disposal_line WHERE disposal_id = ? AND unit_id = ?", arguments: [id, unit["id"] as Int64])
                    removed += db.changesCount
                } else {
                    try db.execute(sql: "DELETE FROM disposal_line WHERE disposal_id = ? AND type_code = ?", arguments: [id, code.uppercased()])
                    removed += db.changesCount
                }
            }
            if removed > 0 {
                try Self.audit(db, context, op: "disposal.remove", target: "d\(id)", changes: ["removed": AuditChange(before: .null, after: .int(Int64(removed)))])
            }
            return (try Self.disposal(db, id: id, lines: false), removed)
        }
    }

    /// Confirms a disposal — one transaction: every copy and unit becomes withdrawn (keeping its
    /// accession number, which no register ever issues again), quantities leave the stock.
    /// Refused while any copy or unit of it is on loan.
    public func confirmDisposal(id: Int64, _ context: ChangeContext) async throws -> DisposalView {
        try await change { db in
            _ = try Self.openDisposalRow(db, id: id)
            let view = try Self.disposal(db, id: id, lines: true)
            guard view.lineCount > 0 else { throw StoreError(code: .invalidArgument, reason: "disposal \(id) has no lines") }
            let onLoan = (view.lines ?? []).filter { $0.status == ItemStatus.onLoan.rawValue }.map(\.accession)
            guard onLoan.isEmpty else {
                throw StoreError(
                    code: .disposalHasLoans, reason: onLoan.prefix(20).joined(separator: ", ") + (onLoan.count > 20 ? " …" : ""))
            }
            // Each copy's and unit's own history says where it went.
            let decision = AuditValue.text("\(view.kind.rawValue) \(view.decision)")
            try db.execute(
                sql: """
                    INSERT INTO audit (at, actor, op, target, changes)
                    SELECT ?, ?, 'disposal.confirm', CASE WHEN l.item_id IS NOT NULL THEN 'b' || l.item_id ELSE 'e' || l.unit_id END,
                        json_object('status', json_array(COALESCE(i.status, u.status), 'withdrawn'), 'disposal', json_array(NULL, ?),
                            'reason', json_array(NULL, l.reason))
                    FROM disposal_line l LEFT JOIN item i ON i.id = l.item_id LEFT JOIN equipment_unit u ON u.id = l.unit_id
                    WHERE l.disposal_id = ? AND l.type_code IS NULL ORDER BY l.line
                    """,
                arguments: [context.timestamp, context.actor, decision.description, id])
            try db.execute(
                sql: "UPDATE item SET status = 'withdrawn', in_repair = 0 WHERE id IN (SELECT item_id FROM disposal_line WHERE disposal_id = ? AND item_id IS NOT NULL)",
                arguments: [id])
            let copies = db.changesCount
            try db.execute(
                sql: "UPDATE equipment_unit SET status = 'withdrawn' WHERE id IN (SELECT unit_id FROM disposal_line WHERE disposal_id = ? AND unit_id IS NOT NULL)",
                arguments: [id])
            let units = db.changesCount
            for row in try Row.fetchAll(
                db, sql: "SELECT type_code, SUM(quantity) AS quantity FROM disposal_line WHERE disposal_id = ? AND type_code IS NOT NULL GROUP BY type_code",
                arguments: [id])
            {
                try db.execute(
                    sql: "UPDATE equipment_type SET quantity = quantity - ? WHERE code = ? AND quantity >= ?",
                    arguments: [row["quantity"] as Int, row["type_code"] as String, row["quantity"] as Int])
                guard db.changesCount == 1 else {
                    throw StoreError(code: .limitReached, reason: "\(row["type_code"] as String): fewer on hand than the disposal lists")
                }
            }
            try db.execute(sql: "UPDATE disposal SET state = 'confirmed', confirmed_at = ? WHERE id = ?", arguments: [context.timestamp, id])
            try Self.audit(
                db, context, op: "disposal.confirm", target: "d\(id)",
                changes: [
                    "state": AuditChange(before: .text("open"), after: .text("confirmed")),
                    "copies": AuditChange(before: .null, after: .int(Int64(copies))),
                    "units": AuditChange(before: .null, after: .int(Int64(units))),
                ])
            return try Self.disposal(db, id: id, lines: false)
        }
    }

    /// Cancels an open disposal: its lines stay on record, nothing is withdrawn.
    public func cancelDisposal(id: Int64, _ context: ChangeContext) async throws -> DisposalView {
        try await change { db in
            _ = try Self.openDisposalRow(db, id: id)
            try db.execute(sql: "UPDATE disposal SET state = 'cancelled' WHERE id = ?", arguments: [id])
            try Self.audit(db, context, op: "disposal.cancel", target: "d\(id)", changes: ["state": AuditChange(before: .text("open"), after: .text("cancelled"))])
            return try Self.disposal(db, id: id, lines: false)
        }
    }

    public func disposal(id: Int64) async throws -> DisposalView {
        try await pool.read { db in try Self.disposal(db, id: id, lines: true) }
    }

    /// For a report's own thread: synchronous.
    public func disposalForReport(id: Int64) throws -> DisposalView {
        try pool.read { db in try Self.disposal(db, id: id, lines: true) }
    }

    public func disposals(limit: Int) async throws -> [DisposalView] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM disposal ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                try Self.disposal(db, id: $0, lines: false)
            }
        }
    }

    static func openDisposalRow(_ db: Database, id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM disposal WHERE id = ?", arguments: [id]) else {
            throw StoreError(code: .notFound, reason: "disposal \(id)")
        }
        guard row["state"] == DisposalState.open.rawValue else {
            throw StoreError(code: .disposalState, reason: "disposal \(id) is \(row["state"] as String)")
        }
        return row
    }

    static func disposal(_ db: Database, id: Int64, lines withLines: Bool) throws -> DisposalView {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM disposal WHERE id = ?", arguments: [id]) else {
            throw StoreError(code: .notFound, reason: "disposal \(id)")
        }
        let totals = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS lines, COALESCE(SUM(l.value), 0) AS value,
                    COALESCE(SUM(i.status = 'on_loan' OR u.status = 'on_loan'), 0) AS on_loan
                FROM disposal_line l LEFT JOIN item i ON i.id = l.item_id LEFT JOIN equipment_unit u ON u.id = l.unit_id
                WHERE l.disposal_id = ?
                """,
            arguments: [id])!
        var lines: [DisposalLine]? = nil
        if withLines {
            lines = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.line, l.reason, l.value, l.quantity, l.type_code,
                        i.barcode AS item_barcode, i.number AS item_number, i.status AS item_status, r.title, r.year,
                        g.prefix, g.separator, g.width,
                        u.barcode AS unit_barcode, u.number AS unit_number, u.status AS unit_status, ug.prefix AS unit_prefix,
                        ug.separator AS unit_separator, ug.width AS unit_width, COALESCE(ut.name, qt.name) AS equipment_name
                    FROM disposal_line l
                    LEFT JOIN item i ON i.id = l.item_id LEFT JOIN record r ON r.id = i.record_id LEFT JOIN register g ON g.code = i.register_code
                    LEFT JOIN equipment_unit u ON u.id = l.unit_id LEFT JOIN register ug ON ug.code = u.register_code
                    LEFT JOIN equipment_type ut ON ut.code = u.type_code LEFT JOIN equipment_type qt ON qt.code = l.type_code
                    WHERE l.disposal_id = ? ORDER BY l.line
                    """,
                arguments: [id]
            ).map { row in
                let reason = DisposalReason(rawValue: row["reason"]) ?? .worn
                if let number: Int64 = row["item_number"] {
                    let accession = Register(code: "", name: "", prefix: row["prefix"], separator: row["separator"], width: row["width"], nextNumber: 0)
                        .format(number)
                    return DisposalLine(
                        line: row["line"], accession: accession, barcode: row["item_barcode"], title: row["title"], year: row["year"], quantity: nil,
                        reason: reason, value: row["value"], status: row["item_status"])
                }
                if let number: Int64 = row["unit_number"] {
                    let accession = Register(
                        code: "", name: "", prefix: row["unit_prefix"], separator: row["unit_separator"], width: row["unit_width"], nextNumber: 0
                    ).format(number)
                    return DisposalLine(
                        line: row["line"], accession: accession, barcode: row["unit_barcode"], title: row["equipment_name"] ?? "", year: nil,
                        quantity: nil, reason: reason, value: row["value"], status: row["unit_status"])
                }
                return DisposalLine(
                    line: row["line"], accession: row["type_code"] ?? "", barcode: nil, title: row["equipment_name"] ?? "", year: nil,
                    quantity: row["quantity"], reason: reason, value: row["value"], status: nil)
            }
        }
        return DisposalView(
            id: id, kind: DisposalKind(rawValue: row["kind"]) ?? .disposal, decision: row["decision_ref"], decidedOn: row["decided_on"],
            reason: DisposalReason(rawValue: row["reason"]) ?? .worn, receivingSchool: row["receiving_school"], note: row["note"],
            state: DisposalState(rawValue: row["state"]) ?? .open, createdAt: row["created_at"], confirmedAt: row["confirmed_at"],
            lineCount: totals["lines"], totalValue: totals["value"], onLoan: totals["on_loan"], lines: lines)
    }
}
