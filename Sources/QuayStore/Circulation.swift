import Foundation
import GRDB
import QuayCore

/// The rules a checkout applies, from the config.
public struct CirculationSettings: Sendable, Equatable {
    public var policy: LoanPolicy
    public var calendar: SchoolCalendar

    public init(policy: LoanPolicy = .standard, calendar: SchoolCalendar = SchoolCalendar()) {
        self.policy = policy
        self.calendar = calendar
    }
}

extension QuayDatabase {
    /// The borrower as the checkout needs it.
    struct BorrowerRow {
        var key: String
        var patronID: Int64?
        var classID: Int64?
        var kind: BorrowerKind
        var active: Bool
        /// Why a card is refused: blocked (with its reason) or left.
        var refusal: Bilingual?
        var card: String?
        var name: String
        var className: String?
    }

    static func borrower(_ db: Database, _ borrower: Borrower) throws -> BorrowerRow {
        switch borrower {
        case .card(let card):
            let statement = try db.cachedStatement(
                sql: """
                    SELECT p.id, p.kind, p.status, p.status_reason, p.full_name, c.name AS class_name
                    FROM patron p LEFT JOIN class c ON c.id = p.class_id WHERE p.card = ?
                    """)
            guard let row = try Row.fetchOne(statement, arguments: [card]) else {
                if let holder = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT p.full_name FROM retired_card r JOIN patron p ON p.id = r.patron_id WHERE r.card = ?"),
                    arguments: [card])
                {
                    throw StoreError(code: .cardReplaced, reason: "\(card) (\(holder))")
                }
                throw StoreError(code: .unknownPatron, reason: card)
            }
            let id: Int64 = row["id"]
            let kind = PatronKind(rawValue: row["kind"]).map(BorrowerKind.init) ?? .pupil
            return BorrowerRow(
                key: "p\(id)", patronID: id, classID: nil, kind: kind, active: row["status"] == "active",
                refusal: Self.cardRefusal(status: row["status"], reason: row["status_reason"]), card: card,
                name: row["full_name"], className: row["class_name"])
        case .class(let name, let year):
            guard let id = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM class WHERE name = ? AND school_year = ?"),
                arguments: [name.uppercased(), year])
            else {
                throw StoreError(code: .unknownClass, reason: "\(name.uppercased()) \(year)")
            }
            return BorrowerRow(
                key: "c\(id)", patronID: nil, classID: id, kind: .class, active: true, refusal: nil, card: nil, name: name.uppercased(),
                className: name.uppercased())
        }
    }

    /// The copy as circulation needs it; by barcode, then by printed accession number.
    struct ItemRow {
        var id: Int64
        var status: ItemStatus
        var material: MaterialKind
        var title: String
        var barcode: String
        var accession: String
    }

    static let circulationColumns = """
        SELECT i.id, i.status, i.barcode, i.number, r.kind, r.title, g.prefix, g.separator, g.width
        FROM item i JOIN record r ON r.id = i.record_id JOIN register g ON g.code = i.register_code
        """

    static func circulationItem(_ db: Database, itemID: Int64) throws -> ItemRow {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: circulationColumns + " WHERE i.id = ?"), arguments: [itemID]) else {
            throw StoreError(code: .unknownItem, reason: "item \(itemID)")
        }
        return itemRow(row)
    }

    static func itemRow(_ row: Row) -> ItemRow {
        ItemRow(
            id: row["id"], status: row["status"], material: MaterialKind(rawValue: row["kind"]) ?? .other,
            title: row["title"], barcode: row["barcode"], accession: Self.accession(row))
    }

    static func circulationItem(_ db: Database, scanned: String) throws -> ItemRow {
        let columns = circulationColumns
        var row = try Row.fetchOne(db.cachedStatement(sql: columns + " WHERE i.barcode = ?"), arguments: [scanned])
        if row == nil, let accession = AccessionNumber(scanned) {
            row = try Row.fetchOne(
                db.cachedStatement(sql: columns + " WHERE g.prefix = ? AND i.number = ?"),
                arguments: [accession.prefix, accession.number])
        }
        guard let row else { throw StoreError(code: .unknownItem, reason: scanned) }
        return itemRow(row)
    }

    /// Lends a copy to a borrower, or renews it when the borrower already holds it — one
    /// transaction. A refusal throws before anything is written.
    ///
    /// `noBlock`: a loan a self-check kiosk already made while it was offline (SIP2's no-block
    /// checkout), with the due date it gave: it is recorded as it was made, past the borrower's
    /// limits and blocks, as long as the copy is not on loan already.
    public func checkout(
        _ borrower: Borrower, scanned: String, settings: CirculationSettings, at now: Date, desk: String? = nil,
        noBlock: Day? = nil, actor: String = "quayd", queued: (@Sendable () -> Void)? = nil
    ) async throws -> LoanView {
        try await requestWrite(queued: queued) { db in
            try Self.checkout(db, borrower, scanned: scanned, settings: settings, at: now, desk: desk, noBlock: noBlock, actor: actor)
        }
    }

    /// `checkout` inside a transaction the caller holds.
    static func checkout(
        _ db: Database, _ borrower: Borrower, scanned: String, settings: CirculationSettings, at now: Date, desk: String? = nil,
        noBlock: Day? = nil, actor: String = "quayd"
    ) throws -> LoanView {
        do {
            let who = try Self.borrower(db, borrower)
            let item = try Self.circulationItem(db, scanned: scanned)
            let rule = settings.policy.rule(for: who.kind, material: item.material)
            let nowText = Timestamp.format(now)
            let open = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, patron_id, class_id, renewals, loaned_at FROM loan WHERE item_id = ? AND returned_at IS NULL"),
                arguments: [item.id])
            var openLoan = CheckoutFacts.OpenLoan.none
            if let open {
                let same = (open["patron_id"] as Int64?) == who.patronID && (open["class_id"] as Int64?) == who.classID
                openLoan = same ? .sameBorrower(renewals: open["renewals"]) : .otherBorrower
            }
            var hasOverdue = false
            var held = 0
            if case .none = openLoan {
                if rule.blockWhenOverdue {
                    let column = who.patronID != nil ? "patron_id" : "class_id"
                    hasOverdue = try Bool.fetchOne(
                        db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM loan WHERE \(column) = ? AND returned_at IS NULL AND due_at < ?)"),
                        arguments: [who.patronID ?? who.classID, nowText]) ?? false
                }
                let materials = settings.policy.materialsSharingLimit(with: item.material, borrower: who.kind)
                let placeholders = Array(repeating: "?", count: materials.count).joined(separator: ", ")
                var arguments: StatementArguments = [who.key]
                arguments += StatementArguments(materials.map(\.rawValue))
                held = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COALESCE(SUM(count), 0) FROM open_loans WHERE borrower = ? AND material IN (\(placeholders))"),
                    arguments: arguments) ?? 0
            }
            let facts = CheckoutFacts(
                borrowerActive: who.active, borrowerHasOverdue: hasOverdue, itemStatus: item.status, openLoan: openLoan,
                openUnderLimit: held)
            let today = Day(now)
            var decision = CirculationRules.checkout(facts, rule: rule, today: today, calendar: settings.calendar)
            if let noBlock, case .none = openLoan, item.status == .available || item.status.comesBackWhenSeen {
                decision = .success(.lend(due: noBlock))
            }
            switch decision {
            case .failure(.borrowerBlocked):
                throw StoreError(.borrowerBlocked, reason: who.refusal?.en ?? item.accession, words: who.refusal)
            case .failure(.itemUnavailable):
                throw StoreError(
                    .itemUnavailable, reason: "\(item.accession): \(item.status.rawValue)",
                    words: Bilingual(vi: "\(item.accession): \(item.status.words.vi)", en: "\(item.accession): \(item.status.words.en)"))
            case .failure(let refusal):
                throw StoreError(refusal, reason: item.accession)
            case .success(.renew(let due)):
                let loanID: Int64 = open!["id"]
                try db.cachedStatement(sql: "UPDATE loan SET due_at = ?, renewals = renewals + 1 WHERE id = ?")
                    .execute(arguments: [Timestamp.format(due.endOfDay), loanID])
                return LoanView(
                    id: loanID, accession: item.accession, barcode: item.barcode, title: item.title, card: who.card,
                    borrower: who.name, className: who.className, kind: Self.loanKind(who, rule), loanedAt: open!["loaned_at"],
                    due: due.description, renewals: (open!["renewals"] as Int) + 1, returnedAt: nil, overdueDays: 0, renewed: true)
            case .success(.lend(let due)):
                let kind = Self.loanKind(who, rule)
                try db.cachedStatement(
                    sql: "INSERT INTO loan (item_id, patron_id, class_id, kind, loaned_at, due_at, desk) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ).execute(arguments: [item.id, who.patronID, who.classID, kind, nowText, Timestamp.format(due.endOfDay), desk])
                let loanID = db.lastInsertedRowID
                let found = try Self.foundAgain(db, item, actor: actor, at: now)
                try db.cachedStatement(sql: "UPDATE item SET status = 'on_loan' WHERE id = ?").execute(arguments: [item.id])
                try db.cachedStatement(
                    sql: """
                        INSERT INTO open_loans (borrower, material, count) VALUES (?, ?, 1)
                        ON CONFLICT (borrower, material) DO UPDATE SET count = count + 1
                        """
                ).execute(arguments: [who.key, item.material.rawValue])
                return LoanView(
                    id: loanID, accession: item.accession, barcode: item.barcode, title: item.title, card: who.card,
                    borrower: who.name, className: who.className, kind: kind, loanedAt: nowText, due: due.description,
                    renewals: 0, returnedAt: nil, overdueDays: 0, renewed: false, found: found)
            }
        }
    }

    /// The open loan of a copy: its due day and the borrower's card; nil when it is not on loan.
    public func openLoan(scanned: String) async throws -> (due: String, card: String?)? {
        try await pool.read { db in
            let item = try Self.circulationItem(db, scanned: scanned)
            guard let row = try Row.fetchOne(
                db, sql: "SELECT l.due_at, p.card FROM loan l LEFT JOIN patron p ON p.id = l.patron_id WHERE l.item_id = ? AND l.returned_at IS NULL",
                arguments: [item.id])
            else { return nil }
            return (row["due_at"], row["card"])
        }
    }

    static func loanKind(_ borrower: BorrowerRow, _ rule: LoanRule) -> LoanKind {
        if borrower.classID != nil { return .classLibrary }
        return rule.period == .endOfSchoolYear ? .schoolYear : .normal
    }

    /// Returns a copy: closes its open loan, makes it available, and says how many days late.
    /// A copy that is not on loan is refused (`not_on_loan`) and nothing changes.
    /// A missing or lost copy that is on no loan comes back to available (`found`, loan id 0).
    public func checkin(scanned: String, at now: Date, actor: String = "quayd", queued: (@Sendable () -> Void)? = nil) async throws -> LoanView {
        try await requestWrite(queued: queued) { db in try Self.checkin(db, scanned: scanned, at: now, actor: actor) }
    }

    /// `checkin` inside a transaction the caller holds.
    static func checkin(_ db: Database, scanned: String, at now: Date, actor: String = "quayd") throws -> LoanView {
        do {
            let item = try Self.circulationItem(db, scanned: scanned)
            guard let open = try Row.fetchOne(
                db.cachedStatement(sql: Self.loanWithBorrower + " WHERE l.item_id = ? AND l.returned_at IS NULL"), arguments: [item.id])
            else {
                if let found = try Self.foundAgain(db, item, actor: actor, at: now) {
                    try db.cachedStatement(sql: "UPDATE item SET status = 'available' WHERE id = ?").execute(arguments: [item.id])
                    return LoanView(
                        id: 0, accession: item.accession, barcode: item.barcode, title: item.title, card: nil, borrower: "", className: nil,
                        kind: .normal, loanedAt: "", due: "", renewals: 0, returnedAt: Timestamp.format(now), overdueDays: 0, renewed: false,
                        found: found)
                }
                if item.status != .available {
                    // Not on loan, and not on the shelf either: say what it is (damaged, withdrawn…).
                    throw StoreError(
                        code: .notOnLoan, reason: "\(item.accession): \(item.status.rawValue)",
                        words: Bilingual(vi: "\(item.accession): \(item.status.words.vi)", en: "\(item.accession): \(item.status.words.en)"))
                }
                throw StoreError(code: .notOnLoan, reason: item.accession)
            }
            // The clock may have stepped back (NTP after a power cut, a wrong BIOS clock): a
            // return is never recorded before its loan (the schema's CHECK says so too).
            let nowText = max(Timestamp.format(now), open["loaned_at"] as String)
            let loanID: Int64 = open["id"]
            try db.cachedStatement(sql: "UPDATE loan SET returned_at = ? WHERE id = ?").execute(arguments: [nowText, loanID])
            try db.cachedStatement(sql: "UPDATE item SET status = 'available' WHERE id = ?").execute(arguments: [item.id])
            try Self.countOpenLoan(db, open, item.material, by: -1)
            return LoanView(row: open, accession: item.accession, barcode: item.barcode, title: item.title, returnedAt: nowText, now: now)
        }
    }

    /// A loan with its borrower's card, name and class, for `LoanView(row:)`.
    static let loanWithBorrower = """
        SELECT l.id, l.item_id, l.patron_id, l.class_id, l.kind, l.loaned_at, l.due_at, l.renewals, l.returned_at,
            p.card, p.full_name, COALESCE(pc.name, c.name) AS class_name
        FROM loan l LEFT JOIN patron p ON p.id = l.patron_id LEFT JOIN class pc ON pc.id = p.class_id
        LEFT JOIN class c ON c.id = l.class_id
        """

    /// Keeps `open_loans` true when a loan of `row` (its `patron_id`, `class_id`) opens (+1) or ends (-1).
    static func countOpenLoan(_ db: Database, _ row: Row, _ material: MaterialKind, by change: Int) throws {
        let key = (row["patron_id"] as Int64?).map { "p\($0)" } ?? "c\(row["class_id"] as Int64)"
        try db.cachedStatement(
            sql: """
                INSERT INTO open_loans (borrower, material, count) VALUES (?, ?, MAX(?, 0))
                ON CONFLICT (borrower, material) DO UPDATE SET count = count + ?
                """
        ).execute(arguments: [key, material.rawValue, change, change])
    }

    /// Renews an open loan from today, where the policy allows.
    public func renew(scanned: String, settings: CirculationSettings, at now: Date) async throws -> LoanView {
        let borrower: Borrower = try await pool.read { db in
            let item = try Self.circulationItem(db, scanned: scanned)
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT p.card, c.name, c.school_year FROM loan l LEFT JOIN patron p ON p.id = l.patron_id
                    LEFT JOIN class c ON c.id = l.class_id WHERE l.item_id = ? AND l.returned_at IS NULL
                    """,
                arguments: [item.id])
            else {
                throw StoreError(code: .notOnLoan, reason: item.accession)
            }
            if let card: String = row["card"] { return .card(card) }
            return .class(name: row["name"], schoolYear: row["school_year"])
        }
        // Checkout of a copy the borrower holds is exactly a renewal; it re-reads everything
        // in its own transaction, so a return in between is seen.
        let loan = try await checkout(borrower, scanned: scanned, settings: settings, at: now)
        guard loan.renewed else {
            throw StoreError(code: .notOnLoan, reason: loan.accession)
        }
        return loan
    }

    /// Open loans of a patron, of a class (its own loans and its pupils'), of a copy (by barcode
    /// or accession number), or of everyone; only the overdue ones when asked. Ordered by class,
    /// then name the Vietnamese way, then due date — the overdue list by class that SPEC §10 asks for.
    public func loans(
        patronCard: String?, className: String?, schoolYear: String, overdueOnly: Bool, at now: Date, limit: Int, item: String? = nil
    ) async throws -> [LoanView] {
        try await pool.read { db in
            var conditions = ["l.returned_at IS NULL"]
            var arguments: StatementArguments = []
            let nowText = Timestamp.format(now)
            if overdueOnly {
                conditions.append("l.due_at < ?")
                arguments += [nowText]
            }
            if let patronCard {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM patron WHERE card = ?", arguments: [patronCard]) else {
                    throw StoreError(code: .unknownPatron, reason: patronCard)
                }
                conditions.append("l.patron_id = ?")
                arguments += [id]
            }
            if let className {
                guard let id = try Self.classID(db, name: className, year: schoolYear, create: false) else {
                    throw StoreError(code: .unknownClass, reason: "\(className.uppercased()) \(schoolYear)")
                }
                conditions.append("(l.class_id = ? OR l.patron_id IN (SELECT id FROM patron WHERE class_id = ?))")
                arguments += [id, id]
            }
            if let item {
                conditions.append("l.item_id = ?")
                arguments += [try Self.circulationItem(db, scanned: item).id]
            }
            arguments += [limit]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.id, l.kind, l.loaned_at, l.due_at, l.renewals, i.barcode, i.number, r.title, g.prefix, g.separator,
                        g.width, p.card, p.full_name, COALESCE(pc.name, c.name) AS class_name
                    FROM loan l JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id
                    JOIN register g ON g.code = i.register_code
                    LEFT JOIN patron p ON p.id = l.patron_id LEFT JOIN class pc ON pc.id = p.class_id
                    LEFT JOIN class c ON c.id = l.class_id
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY class_name IS NULL, class_name, p.name_sort_key, l.due_at, l.id
                    LIMIT ?
                    """,
                arguments: arguments)
            return rows.map { row in
                LoanView(row: row, accession: Self.accession(row), barcode: row["barcode"], title: row["title"], returnedAt: nil, now: now)
            }
        }
    }
}

extension QuayDatabase {
    /// How many loans a borrower holds and how many of them are overdue, for the desk's
    /// session summary: the maintained `open_loans` counts and one range seek on the open
    /// loans' due dates, so the cost does not grow with what the borrower holds.
    public func openLoanCounts(_ borrower: Borrower, at now: Date) async throws -> (loans: Int, overdue: Int) {
        try await pool.read { db in try Self.openLoanCounts(db, borrower, at: now) }
    }

    static func openLoanCounts(_ db: Database, _ borrower: Borrower, at now: Date) throws -> (loans: Int, overdue: Int) {
        let who = try Self.borrower(db, borrower)
        let loans = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COALESCE(SUM(count), 0) FROM open_loans WHERE borrower = ?"), arguments: [who.key]) ?? 0
        let column = who.patronID != nil ? "patron_id" : "class_id"
        let overdue = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM loan WHERE \(column) = ? AND returned_at IS NULL AND due_at < ?"),
            arguments: [who.patronID ?? who.classID, Timestamp.format(now)]) ?? 0
        return (loans, overdue)
    }
}

extension LoanView {
    /// A loan from a row of `loan` (`id`, `kind`, `loaned_at`, `due_at`, `renewals`) with its
    /// borrower's `card`, `full_name` and `class_name`; days late now, or at `returnedAt`.
    init(row: Row, accession: String, barcode: String, title: String, returnedAt: String?, now: Date) {
        let due = Day(Timestamp.parse(row["due_at"]) ?? now)
        self.init(
            id: row["id"], accession: accession, barcode: barcode, title: title, card: row["card"],
            borrower: row["full_name"] ?? row["class_name"] ?? "", className: row["class_name"], kind: row["kind"],
            loanedAt: row["loaned_at"], due: due.description, renewals: row["renewals"], returnedAt: returnedAt,
            overdueDays: CirculationRules.overdueDays(due: due, returned: Day(now)), renewed: false)
    }
}
