import Foundation
import GRDB
import QuayCore

/// What staff set a copy to by hand (SPEC §16): damaged on the shelf, away for repair, or
/// back to available (repaired, or found). Lost goes through its loan (`markLost`), withdrawn
/// through a disposal, missing through an inventory.
public enum ItemStateChange: String, Sendable, CaseIterable {
    case damaged, repair, available
}

extension QuayDatabase {
    /// Why the desk refuses a card, in both languages; nil for an active one.
    static func cardRefusal(status: String, reason: String?) -> Bilingual? {
        switch status {
        case "blocked":
            return reason.map { Bilingual(vi: $0, en: $0) }
        case "left":
            let why = reason.map { " (\($0))" } ?? ""
            return Bilingual(vi: "bạn đọc đã ra trường / chuyển đi" + why, en: "the patron has left the school" + why)
        default:
            return nil
        }
    }

    /// A missing or lost copy scanned at the desk or in an inventory: found again. Settles what
    /// its last borrower owed for it (`found`) and writes the audit line; returns what it was,
    /// or nil when it was not missing or lost. The caller sets its new status.
    static func foundAgain(_ db: Database, _ item: ItemRow, actor: String, at now: Date) throws -> ItemStatus? {
        guard item.status.comesBackWhenSeen else { return nil }
        let at = Timestamp.format(now)
        try db.execute(
            sql: "UPDATE charge SET settled_at = ?, settlement = 'found' WHERE item_id = ? AND settled_at IS NULL", arguments: [at, item.id])
        try audit(
            db, ChangeContext(actor: actor, at: now), op: "item.found", target: "b\(item.id)",
            changes: ["status": AuditChange(before: .text(item.status.rawValue), after: .text(ItemStatus.available.rawValue))])
        try db.execute(sql: "UPDATE item SET last_seen_at = ? WHERE id = ?", arguments: [at, item.id])
        return item.status
    }

    /// Sets a copy damaged (on the shelf or away for repair) or available again. A copy on
    /// loan, lost or withdrawn is refused: its loan or its disposal says what it is.
    public func setItemState(scanned: String, _ change: ItemStateChange, note: String?, _ context: ChangeContext) async throws -> ChangeResult {
        try await self.change { db in
            let item = try Self.circulationItem(db, scanned: scanned)
            switch item.status {
            case .onLoan, .withdrawn:
                throw StoreError(
                    code: .itemUnavailable, reason: "\(item.accession): \(item.status.rawValue)",
                    words: Bilingual(vi: "\(item.accession): \(item.status.words.vi)", en: "\(item.accession): \(item.status.words.en)"))
            case .available, .missing, .damaged, .lost:
                break
            }
            let status: ItemStatus = change == .available ? .available : .damaged
            var assignments = [Assignment("status", status.rawValue), Assignment("in_repair", change == .repair ? 1 : 0)]
            if let note { assignments.append(Assignment("note", note)) }
            return try Self.audited(db, context, op: "item.state", target: "b\(item.id)") {
                if item.status == .lost {
                    try db.execute(
                        sql: "UPDATE charge SET settled_at = ?, settlement = 'found' WHERE item_id = ? AND settled_at IS NULL",
                        arguments: [context.timestamp, item.id])
                }
                return try Self.update(db, table: "item", rowID: item.id, assignments)
            }
        }
    }

    /// A copy lost by its borrower: the loan ends as lost, the replacement price (the copy's,
    /// else its record's) is noted on the borrower's record, and the copy leaves circulation.
    public func markLost(scanned: String, _ context: ChangeContext) async throws -> (loan: LoanView, charge: Int64) {
        try await change { db in
            let item = try Self.circulationItem(db, scanned: scanned)
            guard let open = try Row.fetchOne(
                db, sql: Self.loanWithBorrower + " WHERE l.item_id = ? AND l.returned_at IS NULL", arguments: [item.id])
            else { throw StoreError(code: .notOnLoan, reason: item.accession) }
            let at = max(context.timestamp, open["loaned_at"] as String)
            let loanID: Int64 = open["id"]
            let price = try Int64.fetchOne(
                db, sql: "SELECT COALESCE(i.price, r.price, 0) FROM item i JOIN record r ON r.id = i.record_id WHERE i.id = ?",
                arguments: [item.id]) ?? 0
            try db.execute(sql: "UPDATE loan SET returned_at = ?, ended_as = 'lost' WHERE id = ?", arguments: [at, loanID])
            try db.execute(sql: "UPDATE item SET status = 'lost' WHERE id = ?", arguments: [item.id])
            try Self.countOpenLoan(db, open, item.material, by: -1)
            try db.execute(
                sql: "INSERT INTO charge (patron_id, class_id, item_id, loan_id, amount, reason, at) VALUES (?, ?, ?, ?, ?, 'lost', ?)",
                arguments: [open["patron_id"] as Int64?, open["class_id"] as Int64?, item.id, loanID, price, at])
            let borrower = (open["card"] as String?) ?? (open["class_name"] as String?) ?? ""
            try Self.audit(
                db, context, op: "loan.lost", target: "b\(item.id)",
                changes: [
                    "status": AuditChange(before: .text("on_loan"), after: .text("lost")),
                    "borrower": AuditChange(before: .text(borrower), after: .null),
                    "charge": AuditChange(before: .null, after: .int(price)),
                ])
            if let patronID: Int64 = open["patron_id"] {
                try Self.audit(
                    db, context, op: "loan.lost", target: "p\(patronID)",
                    changes: ["charge": AuditChange(before: .null, after: .text("\(item.accession) \(price)"))])
            }
            return (LoanView(row: open, accession: item.accession, barcode: item.barcode, title: item.title, returnedAt: at, now: context.at), price)
        }
    }

    /// What a patron owes, newest first.
    static func charges(_ db: Database, patronID: Int64) throws -> [ChargeView] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT ch.amount, ch.reason, ch.at, ch.settlement, i.number, r.title, g.prefix, g.separator, g.width
                FROM charge ch JOIN item i ON i.id = ch.item_id JOIN record r ON r.id = i.record_id JOIN register g ON g.code = i.register_code
                WHERE ch.patron_id = ? ORDER BY ch.id DESC
                """,
            arguments: [patronID]
        ).map { row in
            ChargeView(
                accession: Self.accession(row), title: row["title"], amount: row["amount"], reason: row["reason"], at: row["at"],
                settlement: row["settlement"])
        }
    }

    /// A patron with what they owe, for `patron.show`.
    public func patronDetail(card: String) async throws -> PatronView? {
        try await pool.read { db in
            guard var patron = try Self.patron(db, card: card),
                let id = try Int64.fetchOne(db, sql: "SELECT id FROM patron WHERE card = ?", arguments: [card])
            else { return nil }
            let charges = try Self.charges(db, patronID: id)
            patron.charges = charges.isEmpty ? nil : charges
            return patron
        }
    }

    /// Blocks a card (with its reason), unblocks it, or marks its holder as left the school.
    /// A left patron keeps the loans they hold until they are returned or settled.
    public func setPatronStatus(card: String, status: String, reason: String?, _ context: ChangeContext) async throws -> (PatronView, ChangeResult)
    {
        try await change { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM patron WHERE card = ?", arguments: [card]) else {
                throw StoreError(code: .unknownPatron, reason: card)
            }
            let op = ["blocked": "patron.block", "active": "patron.unblock", "left": "patron.leave"][status] ?? "patron.status"
            let result = try Self.audited(db, context, op: op, target: "p\(id)") {
                try Self.update(
                    db, table: "patron", rowID: id,
                    [
                        Assignment("status", status), Assignment("status_reason", status == "active" ? nil : reason),
                        Assignment("status_since", status == "active" ? nil : Day(context.at).description),
                    ], names: ["status_reason": "reason", "status_since": "since"])
            }
            return (try Self.patron(db, card: card)!, result)
        }
    }

    // MARK: Undo (QUAY:UNDO at a desk)

    /// Undoes a loan made at a desk a moment ago (a wrong scan): the loan ends as undone, the
    /// copy is as it was. Refused when the loan has since been returned or renewed.
    public func undoLoan(id: Int64, _ context: ChangeContext) async throws -> LoanView {
        try await change { db in try Self.undoLoan(db, id: id, context) }
    }

    static func undoLoan(_ db: Database, id: Int64, _ context: ChangeContext) throws -> LoanView {
        do {
            guard let open = try Row.fetchOne(
                db, sql: Self.loanWithBorrower + " WHERE l.id = ? AND l.returned_at IS NULL AND l.renewals = 0", arguments: [id])
            else { throw StoreError(code: .nothingToUndo, reason: "loan \(id)") }
            let itemID: Int64 = open["item_id"]
            let item = try Self.circulationItem(db, itemID: itemID)
            let at = max(context.timestamp, open["loaned_at"] as String)
            try db.execute(sql: "UPDATE loan SET returned_at = ?, ended_as = 'undone' WHERE id = ?", arguments: [at, id])
            try db.execute(sql: "UPDATE item SET status = 'available' WHERE id = ?", arguments: [itemID])
            try Self.countOpenLoan(db, open, item.material, by: -1)
            try Self.audit(
                db, context, op: "loan.undo", target: "b\(itemID)",
                changes: [
                    "status": AuditChange(before: .text("on_loan"), after: .text("available")),
                    "borrower": AuditChange(before: .text((open["card"] as String?) ?? (open["class_name"] as String?) ?? ""), after: .null),
                ])
            return LoanView(row: open, accession: item.accession, barcode: item.barcode, title: item.title, returnedAt: at, now: context.at)
        }
    }

    /// Undoes a return made at a desk a moment ago: the loan is open again, as it was.
    /// Refused when the copy has been lent since.
    public func undoReturn(id: Int64, _ context: ChangeContext) async throws -> LoanView {
        try await change { db in try Self.undoReturn(db, id: id, context) }
    }

    static func undoReturn(_ db: Database, id: Int64, _ context: ChangeContext) throws -> LoanView {
        do {
            guard let row = try Row.fetchOne(
                db, sql: Self.loanWithBorrower + " WHERE l.id = ? AND l.returned_at IS NOT NULL AND l.ended_as IS NULL", arguments: [id])
            else { throw StoreError(code: .nothingToUndo, reason: "loan \(id)") }
            let itemID: Int64 = row["item_id"]
            let item = try Self.circulationItem(db, itemID: itemID)
            guard item.status == .available,
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM loan WHERE item_id = ? AND id > ?)", arguments: [itemID, id]) == false
            else { throw StoreError(code: .nothingToUndo, reason: "\(item.accession) changed since") }
            try db.execute(sql: "UPDATE loan SET returned_at = NULL WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE item SET status = 'on_loan' WHERE id = ?", arguments: [itemID])
            try Self.countOpenLoan(db, row, item.material, by: 1)
            try Self.audit(
                db, context, op: "loan.undo_return", target: "b\(itemID)",
                changes: [
                    "status": AuditChange(before: .text("available"), after: .text("on_loan")),
                    "borrower": AuditChange(before: .null, after: .text((row["card"] as String?) ?? (row["class_name"] as String?) ?? "")),
                ])
            return LoanView(row: row, accession: item.accession, barcode: item.barcode, title: item.title, returnedAt: nil, now: context.at)
        }
    }
}
