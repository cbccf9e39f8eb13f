import Foundation
import GRDB
import QuayCore

/// What one scan of the open session said, for the desk's message.
public struct InventoryScanInput: Sendable, Equatable {
    public var barcode: String
    public var condition: EquipmentCondition?

    public init(_ barcode: String, condition: EquipmentCondition? = nil) {
        self.barcode = barcode
        self.condition = condition
    }
}

/// The annual inventory (SPEC §9): sessions, scans, the reconciliation at close and its
/// application. The pure rules are `InventoryReconciler` and `InventoryScope` in QuayCore.
extension QuayDatabase {
    static func sessionView(_ row: Row) -> InventorySessionView {
        var totals: InventoryTotals? = nil
        if let found = row["found"] as Int? {
            var value = InventoryTotals()
            value.found = found
            value.misplaced = row["misplaced"]
            value.missing = row["missing"]
            value.onLoan = row["on_loan"]
            value.outsideScope = row["outside_scope"]
            value.unknown = row["unknown"]
            value.seenTwice = row["seen_twice"]
            value.counted = row["counted"]
            totals = value
        }
        let scope: String = row["scope"]
        return InventorySessionView(
            id: row["id"], scope: scope.split(separator: " ").map(String.init), state: row["state"], openedAt: row["opened_at"],
            closedAt: row["closed_at"], appliedAt: row["applied_at"], expected: row["expected"], scans: row["scans"], seen: row["seen"],
            repeats: row["repeats"], outsideScope: row["outside_scope"], unknown: row["unknown"], counted: row["counted"], totals: totals,
            disposal: row["disposal"])
    }

    static func openSession(_ db: Database) throws -> Row {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM inventory_session WHERE state = 'open'")) else {
            throw StoreError(code: .inventoryNotOpen, reason: "")
        }
        return row
    }

    /// The scope a session was opened with; its terms were checked then.
    static func scope(of session: Row) throws -> InventoryScope {
        let text: String = session["scope"]
        do {
            return try InventoryScope.parse(text.isEmpty ? [] : text.split(separator: " ").map(String.init))
        } catch {
            throw StoreError(code: .invalidScope, reason: error.description)
        }
    }

    /// The WHERE clause selecting a scope's copies (`item`) or units (`equipment_unit`), every
    /// value bound. Status `withdrawn` is never expected.
    static func scopeFilter(_ scope: InventoryScope, _ kind: InventoryKind) -> (sql: String, arguments: StatementArguments) {
        var conditions = ["status <> 'withdrawn'"]
        var arguments: StatementArguments = []
        let locationColumn = kind == .book ? "location" : "room"
        if !scope.locations.isEmpty {
            var alternatives: [String] = []
            for pattern in scope.locations {
                if pattern.hasSuffix("*") {
                    let prefix = String(pattern.dropLast())
                    // substr counts code points, as unicodeScalars does; both sides are NFC.
                    alternatives.append("substr(\(locationColumn), 1, ?) = ?")
                    arguments += [prefix.unicodeScalars.count, prefix]
                } else {
                    alternatives.append("\(locationColumn) = ?")
                    arguments += [pattern]
                }
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if !scope.registers.isEmpty {
            conditions.append("register_code IN (" + scope.registers.map { _ in "?" }.joined(separator: ", ") + ")")
            for register in scope.registers { arguments += [register] }
        }
        if let call = scope.call, kind == .book {
            conditions.append("call_sort_key >= ? AND call_sort_key <= ?")
            arguments += [call.lower, call.upper]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    /// Opens a session over `scope`; refused while another is open.
    public func startInventory(scope: InventoryScope, at now: Date) async throws -> InventorySessionView {
        try await pool.write { db in
            if let open = try Int64.fetchOne(db, sql: "SELECT id FROM inventory_session WHERE state = 'open'") {
                throw StoreError(code: .inventoryAlreadyOpen, reason: "session \(open)")
            }
            var expected = 0
            if scope.includesBooks {
                let (filter, arguments) = Self.scopeFilter(scope, .book)
                expected += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item WHERE \(filter)", arguments: arguments) ?? 0
            }
            if scope.includesEquipment {
                let (filter, arguments) = Self.scopeFilter(scope, .equipment)
                expected += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM equipment_unit WHERE \(filter)", arguments: arguments) ?? 0
            }
            try db.execute(
                sql: "INSERT INTO inventory_session (scope, opened_at, expected) VALUES (?, ?, ?)",
                arguments: [scope.text, Timestamp.format(now), expected])
            return Self.sessionView(try Self.openSession(db))
        }
    }

    /// Records scans taken at `location` in the open session, in order, in one transaction.
    /// Each barcode is resolved now (a copy, else a unit; by barcode, else accession number),
    /// so the live counts know at once what is new, repeated, outside the scope or unknown.
    /// A condition is for units only: given for anything else, nothing is written.
    /// `actor` is who the audit log names for a copy found again (the peer, or the desk).
    public func recordInventoryScans(
        _ scans: [InventoryScanInput], location: String, source: String, actor: String = "quayd", at now: Date
    ) async throws -> [InventoryScanView] {
        try await pool.write { db in try Self.recordInventoryScans(db, scans, location: location, source: source, actor: actor, at: now) }
    }

    static func recordInventoryScans(
        _ db: Database, _ scans: [InventoryScanInput], location: String, source: String, actor: String = "quayd", at now: Date
    ) throws -> [InventoryScanView] {
        let location = VietnameseText.nfc(location.trimmingCharacters(in: .whitespaces))
        guard (1...64).contains(location.count) else {
            throw StoreError(code: .invalidArgument, reason: "location must have 1 to 64 characters")
        }
        let session = try Self.openSession(db)
        let sessionID: Int64 = session["id"]
        let scope = try Self.scope(of: session)
        var seq: Int64 = session["scans"]
        var counts = (seen: 0, repeats: 0, outside: 0, unknown: 0)
        let nowText = Timestamp.format(now)
        let insertScan = try db.cachedStatement(
            sql: """
                INSERT INTO inventory_scan (session_id, seq, barcode, location, item_id, unit_id, condition, at, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let markSeen = try db.cachedStatement(sql: "INSERT OR IGNORE INTO inventory_seen (session_id, target) VALUES (?, ?)")
        var views: [InventoryScanView] = []
        views.reserveCapacity(scans.count)
        for scan in scans {
            let barcode = VietnameseText.nfc(scan.barcode.trimmingCharacters(in: .whitespaces))
            guard (1...256).contains(barcode.utf8.count) else {
                throw StoreError(code: .invalidArgument, reason: "a barcode must have 1 to 256 bytes")
            }
            let resolved = try Self.inventoryTarget(db, scanned: barcode)
            if scan.condition != nil, resolved?.target.kind != .equipment {
                throw StoreError(code: .invalidArgument, reason: "\(barcode): a condition is for equipment units")
            }
            seq += 1
            try insertScan.execute(arguments: [
                sessionID, seq, barcode, location,
                resolved?.target.kind == .book ? resolved?.target.id : nil,
                resolved?.target.kind == .equipment ? resolved?.target.id : nil,
                scan.condition?.rawValue, nowText, source,
            ])
            let key: String
            if let target = resolved?.target {
                key = (target.kind == .book ? "b" : "e") + String(target.id)
            } else {
                key = "?" + barcode
            }
            try markSeen.execute(arguments: [sessionID, key])
            let first = db.changesCount == 1
            var view = InventoryScanView(
                outcome: .unknown, barcode: barcode, location: location, kind: resolved?.target.kind, accession: resolved?.accession,
                title: resolved?.title)
            if let resolved {
                let inScope = scope.contains(
                    kind: resolved.target.kind, register: resolved.register, location: resolved.location, sortKey: resolved.sortKey,
                    status: resolved.status)
                if !inScope {
                    view.outcome = .outsideScope
                    if first { counts.outside += 1 } else { counts.repeats += 1 }
                } else if first {
                    view.outcome = .recorded
                    counts.seen += 1
                    if resolved.target.kind == .book, ItemStatus(rawValue: resolved.status)?.comesBackWhenSeen == true {
                        // Seen on the shelf: found again, from this scan on.
                        let item = try Self.circulationItem(db, itemID: resolved.target.id)
                        view.found = try Self.foundAgain(db, item, actor: actor, at: now)
                        try db.execute(sql: "UPDATE item SET status = 'available' WHERE id = ?", arguments: [item.id])
                    }
                } else {
                    view.outcome = .repeat
                    counts.repeats += 1
                }
            } else if first {
                counts.unknown += 1
            } else {
                counts.repeats += 1
            }
            views.append(view)
        }
        try db.execute(
            sql: """
                UPDATE inventory_session SET scans = ?, seen = seen + ?, repeats = repeats + ?, outside_scope = outside_scope + ?,
                    unknown = unknown + ? WHERE id = ?
                """,
            arguments: [seq, counts.seen, counts.repeats, counts.outside, counts.unknown, sessionID])
        return views
    }

    struct ResolvedTarget {
        var target: InventoryTarget
        var register: String
        var location: String?
        var sortKey: String?
        var status: String
        var accession: String
        var title: String
    }

    /// A copy by barcode or accession number, else a unit likewise; nil when neither.
    static func inventoryTarget(_ db: Database, scanned: String) throws -> ResolvedTarget? {
        let itemColumns = """
            SELECT i.id, i.register_code, i.location, i.call_sort_key, i.status, i.number, r.title, g.prefix, g.separator, g.width
            FROM item i JOIN record r ON r.id = i.record_id JOIN register g ON g.code = i.register_code
            """
        var row = try Row.fetchOne(db.cachedStatement(sql: itemColumns + " WHERE i.barcode = ?"), arguments: [scanned])
        let accession = AccessionNumber(scanned)
        if row == nil, let accession {
            row = try Row.fetchOne(
                db.cachedStatement(sql: itemColumns + " WHERE g.prefix = ? AND i.number = ?"),
                arguments: [accession.prefix, accession.number])
        }
        if let row {
            return ResolvedTarget(
                target: InventoryTarget(.book, row["id"]), register: row["register_code"], location: row["location"],
                sortKey: row["call_sort_key"], status: row["status"], accession: Self.accession(row), title: row["title"])
        }
        let unitColumns = """
            SELECT u.id, u.register_code, u.room, u.status, u.number, t.name, g.prefix, g.separator, g.width
            FROM equipment_unit u JOIN equipment_type t ON t.code = u.type_code JOIN register g ON g.code = u.register_code
            """
        var unit = try Row.fetchOne(db.cachedStatement(sql: unitColumns + " WHERE u.barcode = ?"), arguments: [scanned])
        if unit == nil, let accession {
            unit = try Row.fetchOne(
                db.cachedStatement(sql: unitColumns + " WHERE g.prefix = ? AND u.number = ?"),
                arguments: [accession.prefix, accession.number])
        }
        guard let unit else { return nil }
        return ResolvedTarget(
            target: InventoryTarget(.equipment, unit["id"]), register: unit["register_code"], location: unit["room"], sortKey: nil,
            status: unit["status"], accession: Self.accession(unit), title: unit["name"])
    }

    /// Counts a consumable (equipment tracked by quantity) at a location in the open session;
    /// a recount of the same kind at the same location replaces the earlier count. Returns the
    /// kind's total counted so far against the quantity on record.
    public func recordInventoryCount(code: String, quantity: Int, location: String, source: String, at now: Date) async throws
        -> InventoryLineView
    {
        let location = VietnameseText.nfc(location.trimmingCharacters(in: .whitespaces))
        guard (1...64).contains(location.count) else {
            throw StoreError(code: .invalidArgument, reason: "location must have 1 to 64 characters")
        }
        guard quantity >= 0, quantity <= 10_000_000 else {
            throw StoreError(code: .invalidArgument, reason: "a quantity counted is from 0 to 10000000")
        }
        return try await pool.write { db in
            let session = try Self.openSession(db)
            let sessionID: Int64 = session["id"]
            let scope = try Self.scope(of: session)
            guard
                let type = try Row.fetchOne(
                    db, sql: "SELECT code, name, tracking, quantity FROM equipment_type WHERE code = ?", arguments: [code])
            else { throw StoreError(code: .unknownItem, reason: code) }
            guard type["tracking"] == "quantity" else {
                throw StoreError(code: .invalidArgument, reason: "\(code) is tracked per unit: scan its units instead")
            }
            guard scope.includesEquipment, scope.contains(location: location) else {
                throw StoreError(code: .outsideScope, reason: "\(code) at \(location); the session covers \(scope.text)")
            }
            try db.execute(
                sql: """
                    INSERT INTO inventory_count (session_id, type_code, location, quantity, at, source) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (session_id, type_code, location) DO UPDATE SET quantity = excluded.quantity, at = excluded.at,
                        source = excluded.source
                    """,
                arguments: [sessionID, code, location, quantity, Timestamp.format(now), source])
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT SUM(quantity) FROM inventory_count WHERE session_id = ? AND type_code = ?",
                    arguments: [sessionID, code]) ?? 0
            try db.execute(
                sql:
                    "UPDATE inventory_session SET counted = (SELECT COUNT(DISTINCT type_code) FROM inventory_count WHERE session_id = ?) WHERE id = ?",
                arguments: [sessionID, sessionID])
            return InventoryLineView(
                line: 0, category: .counted, kind: .equipment, barcode: code, title: type["name"], location: location,
                expectedQuantity: type["quantity"], countedQuantity: total)
        }
    }

    /// A session by id, else the latest one; with `shelves`, each shelf's counts so far.
    public func inventorySession(id: Int64?, shelves: Bool = false) async throws -> InventorySessionView {
        try await pool.read { db in
            var view = Self.sessionView(try Self.sessionRow(db, id: id))
            if shelves { view.shelves = try Self.shelves(db, session: view.id) }
            return view
        }
    }

    /// Each location scanned at in the session, in order of its code, with its counts: one pass
    /// over the session's scans (its primary key's range), each copy's or unit's home by its
    /// primary key. A shelf counts what was scanned on it: a copy scanned on two shelves counts
    /// on both, outside the scope too, and is misplaced on a shelf that is not its recorded one
    /// (the close's reconciliation takes a copy where it was first seen).
    static func shelves(_ db: Database, session: Int64) throws -> [InventoryShelfView] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.location, COUNT(*), COUNT(DISTINCT coalesce('b' || s.item_id, 'e' || s.unit_id)),
                       COUNT(DISTINCT CASE WHEN coalesce(i.location, u.room) <> s.location THEN coalesce('b' || s.item_id, 'e' || s.unit_id) END),
                       COUNT(DISTINCT CASE WHEN s.item_id IS NULL AND s.unit_id IS NULL THEN s.barcode END), MAX(s.at)
                FROM inventory_scan s LEFT JOIN item i ON i.id = s.item_id LEFT JOIN equipment_unit u ON u.id = s.unit_id
                WHERE s.session_id = ? GROUP BY s.location ORDER BY s.location
                """,
            arguments: [session])
        return rows.map { row in
            InventoryShelfView(location: row[0], scans: row[1], seen: row[2], misplaced: row[3], unknown: row[4], lastAt: row[5])
        }
    }

    static func sessionRow(_ db: Database, id: Int64?) throws -> Row {
        if let id {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inventory_session WHERE id = ?", arguments: [id]) else {
                throw StoreError(code: .notFound, reason: "inventory session \(id)")
            }
            return row
        }
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inventory_session ORDER BY id DESC LIMIT 1") else {
            throw StoreError(code: .inventoryNotOpen, reason: "no inventory session yet")
        }
        return row
    }

    /// The open session's sightings, in order.
    static func sightings(_ db: Database, session: Int64) throws -> [(sighting: InventorySighting, at: String)] {
        var result: [(InventorySighting, String)] = []
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT seq, barcode, location, item_id, unit_id, condition, at FROM inventory_scan WHERE session_id = ? ORDER BY seq",
            arguments: [session])
        while let row = try cursor.next() {
            var target: InventoryTarget? = nil
            if let id = row[3] as Int64? {
                target = InventoryTarget(.book, id)
            } else if let id = row[4] as Int64? {
                target = InventoryTarget(.equipment, id)
            }
            let condition = (row[5] as String?).flatMap(EquipmentCondition.init(rawValue:))
            result.append(
                (InventorySighting(seq: row[0], barcode: row[1], location: row[2], target: target, condition: condition), row[6]))
        }
        return result
    }

    /// Feeds the copies and units in scope to the reconciler with one query each, in id order.
    /// Only id and loan state are read for every row; location and sort key only for those
    /// seen (columns are read lazily from the cursor's current row).
    static func expect(_ db: Database, scope: InventoryScope, into reconciler: inout InventoryReconciler) throws {
        if scope.includesBooks {
            let (filter, arguments) = scopeFilter(scope, .book)
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, status = 'on_loan', location, call_sort_key FROM item WHERE \(filter) ORDER BY id",
                arguments: arguments)
            while let row = try cursor.next() {
                reconciler.expect(InventoryTarget(.book, row[0]), onLoan: row[1]) { (row[2], row[3]) }
            }
        }
        if scope.includesEquipment {
            let (filter, arguments) = scopeFilter(scope, .equipment)
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, status = 'on_loan', room FROM equipment_unit WHERE \(filter) ORDER BY id", arguments: arguments)
            while let row = try cursor.next() {
                reconciler.expect(InventoryTarget(.equipment, row[0]), onLoan: row[1]) { (row[2], nil) }
            }
        }
    }

    /// The reconciliation of the open session as it stands, without closing it: for
    /// benchmarks and previews. Loads the scans and the scope's copies and units.
    public func reconcileOpenInventory() async throws -> InventoryReconciliation {
        try await pool.read { db in
            let session = try Self.openSession(db)
            var reconciler = InventoryReconciler(sightings: try Self.sightings(db, session: session["id"]).map(\.sighting))
            try Self.expect(db, scope: try Self.scope(of: session), into: &reconciler)
            return reconciler.finish()
        }
    }

    /// Closes the open session: no more scans; the reconciliation is computed and written as
    /// the report's lines, with the totals — one transaction.
    public func closeInventory(at now: Date) async throws -> InventorySessionView {
        try await pool.write { db in
            let session = try Self.openSession(db)
            let sessionID: Int64 = session["id"]
            let scope = try Self.scope(of: session)
            let sightings = try Self.sightings(db, session: sessionID)
            var reconciler = InventoryReconciler(sightings: sightings.map(\.sighting))
            try Self.expect(db, scope: scope, into: &reconciler)
            let result = reconciler.finish()
            var seenAt: [Int64: String] = [:]
            seenAt.reserveCapacity(result.sighted.count)
            for (sighting, at) in sightings { seenAt[sighting.seq] = at }

            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO inventory_line (session_id, category, line, item_id, unit_id, type_code, barcode, recorded_location, location,
                        seen_at, times, note, condition, expected_quantity, counted_quantity)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var line: Int64 = 0
            // Found and misplaced first, then what was not seen, then what was not expected.
            for category in [InventoryCategory.found, .misplaced, .outsideScope, .unknown] {
                for sighted in result.sighted where sighted.category == category {
                    line += 1
                    insert.setUncheckedArguments([
                        sessionID, category.rawValue, line,
                        sighted.target?.kind == .book ? sighted.target?.id : nil,
                        sighted.target?.kind == .equipment ? sighted.target?.id : nil, nil,
                        sighted.barcode, sighted.recordedLocation, sighted.location, seenAt[sighted.seq], sighted.times,
                        sighted.note?.rawValue, sighted.condition?.rawValue, nil, nil,
                    ])
                    try insert.execute()
                }
            }
            // Unseen copies can be most of the collection at a first inventory: a statement of
            // their five columns only, arguments set without the checks (all of our own making).
            let insertUnseen = try db.cachedStatement(
                sql: "INSERT INTO inventory_line (session_id, category, line, item_id, unit_id) VALUES (?, ?, ?, ?, ?)")
            for (category, targets) in [(InventoryCategory.missing, result.missing), (.onLoan, result.onLoan)] {
                let name = category.rawValue
                for target in targets {
                    line += 1
                    let book = target.kind == .book
                    insertUnseen.setUncheckedArguments([sessionID, name, line, book ? target.id : nil, book ? nil : target.id])
                    try insertUnseen.execute()
                }
            }
            let counts = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.type_code, SUM(c.quantity) AS counted, t.quantity, group_concat(c.location, ', ') AS locations
                    FROM inventory_count c JOIN equipment_type t ON t.code = c.type_code
                    WHERE c.session_id = ? GROUP BY c.type_code ORDER BY c.type_code
                    """,
                arguments: [sessionID])
            for count in counts {
                line += 1
                try insert.execute(arguments: [
                    sessionID, "counted", line, nil, nil, count["type_code"] as String, count["type_code"] as String, nil,
                    count["locations"] as String?, nil, nil, nil, nil, count["quantity"] as Int, count["counted"] as Int,
                ])
            }
            let totals = result.totals
            try db.execute(
                sql: """
                    UPDATE inventory_session SET state = 'closed', closed_at = ?, found = ?, misplaced = ?, missing = ?, on_loan = ?,
                        outside_scope = ?, unknown = ?, seen_twice = ?, counted = ? WHERE id = ?
                    """,
                arguments: [
                    Timestamp.format(now), totals.found, totals.misplaced, totals.missing, totals.onLoan, totals.outsideScope,
                    totals.unknown,
                    totals.seenTwice, counts.count, sessionID,
                ])
            return Self.sessionView(try Self.sessionRow(db, id: sessionID))
        }
    }

    /// A page of a closed session's report: lines of one category after line `after`.
    /// `disposal` lines exist once the session is applied.
    public func inventoryLines(session id: Int64?, category: InventoryCategory, after: Int64, limit: Int) async throws
        -> (session: InventorySessionView, lines: [InventoryLineView])
    {
        try await pool.read { db in try Self.inventoryLines(db, session: id, category: category, after: after, limit: limit) }
    }

    /// The same, synchronous, for a report's own thread (which pages through every category).
    public func inventoryLinesForReport(session id: Int64?, category: InventoryCategory, after: Int64, limit: Int) throws
        -> (session: InventorySessionView, lines: [InventoryLineView])
    {
        try pool.read { db in try Self.inventoryLines(db, session: id, category: category, after: after, limit: limit) }
    }

    static func inventoryLines(_ db: Database, session id: Int64?, category: InventoryCategory, after: Int64, limit: Int) throws
        -> (session: InventorySessionView, lines: [InventoryLineView])
    {
        do {
            let session = try Self.sessionRow(db, id: id)
            guard session["state"] != "open" else {
                throw StoreError(
                    code: .inventoryNotClosed, reason: "session \(session["id"] as Int64) is open; its counts are in status")
            }
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT l.*, i.barcode AS item_barcode, i.number AS item_number, i.status AS item_status, r.title, r.call_number,
                            u.barcode AS unit_barcode, u.number AS unit_number, u.status AS unit_status, t.name AS type_name,
                            g.prefix, g.separator, g.width
                        FROM inventory_line l
                        LEFT JOIN item i ON i.id = l.item_id
                        LEFT JOIN record r ON r.id = i.record_id
                        LEFT JOIN equipment_unit u ON u.id = l.unit_id
                        LEFT JOIN equipment_type t ON t.code = coalesce(u.type_code, l.type_code)
                        LEFT JOIN register g ON g.code = coalesce(i.register_code, u.register_code)
                        WHERE l.session_id = ? AND l.category = ? AND l.line > ?
                        ORDER BY l.line LIMIT ?
                        """),
                arguments: [session["id"] as Int64, category.rawValue, after, limit])
            let lines = rows.map { row -> InventoryLineView in
                var kind: InventoryKind? = nil
                var accession: String? = nil
                var title: String? = row["title"]
                var status: String? = nil
                var barcode: String? = row["barcode"]
                if let number = row["item_number"] as Int64? {
                    kind = .book
                    accession = Register(
                        code: "", name: "", prefix: row["prefix"], separator: row["separator"], width: row["width"], nextNumber: 0
                    ).format(number)
                    status = row["item_status"]
                    barcode = barcode ?? row["item_barcode"]
                } else if let number = row["unit_number"] as Int64? {
                    kind = .equipment
                    accession = Register(
                        code: "", name: "", prefix: row["prefix"], separator: row["separator"], width: row["width"], nextNumber: 0
                    ).format(number)
                    status = row["unit_status"]
                    title = row["type_name"]
                    barcode = barcode ?? row["unit_barcode"]
                } else if row["type_code"] as String? != nil {
                    kind = .equipment
                    title = row["type_name"]
                }
                return InventoryLineView(
                    line: row["line"], category: InventoryCategory(rawValue: row["category"]) ?? .unknown, kind: kind,
                    barcode: barcode ?? "",
                    accession: accession, title: title, callNumber: row["call_number"], recordedLocation: row["recorded_location"],
                    location: row["location"], times: row["times"], note: (row["note"] as String?).flatMap(InventoryNote.init(rawValue:)),
                    condition: (row["condition"] as String?).flatMap(EquipmentCondition.init(rawValue:)), status: status,
                    expectedQuantity: row["expected_quantity"], countedQuantity: row["counted_quantity"])
            }
            return (Self.sessionView(session), lines)
        }
    }

    /// Applies a closed session's result — one transaction: missing copies and units become
    /// `missing` (unless lent or withdrawn since the close); those seen get their last-seen
    /// time and the location or room they were seen at (a missing one becomes available
    /// again); units take the condition said; consumables counted take the count as their
    /// quantity on hand; and the disposal list is written (missing, and broken units).
    /// Nothing outside the session's lines is touched. Applying twice is refused.
    public func applyInventory(session id: Int64?, at now: Date) async throws -> InventoryApplyView {
        try await pool.write { db in
            let session: Row
            if let id {
                session = try Self.sessionRow(db, id: id)
            } else if let closed = try Row.fetchOne(
                db, sql: "SELECT * FROM inventory_session WHERE state <> 'open' ORDER BY id DESC LIMIT 1")
            {
                session = closed
            } else {
                session = try Self.sessionRow(db, id: nil)
            }
            let sessionID: Int64 = session["id"]
            switch session["state"] as String {
            case "open": throw StoreError(code: .inventoryNotClosed, reason: "session \(sessionID): close it first")
            case "applied": throw StoreError(code: .inventoryAlreadyApplied, reason: "session \(sessionID)")
            default: break
            }
            let arguments: StatementArguments = [sessionID]
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
            let seenLines = "l.session_id = ? AND l.category IN ('found', 'misplaced')"
            let moved = try count("SELECT COUNT(*) FROM inventory_line l WHERE \(seenLines) AND l.location IS NOT l.recorded_location")
            let conditions = try count(
                "SELECT COUNT(*) FROM inventory_line l JOIN equipment_unit u ON u.id = l.unit_id WHERE \(seenLines) AND l.condition <> u.condition"
            )
            // Each copy's history says what the inventory did to it (SPEC §16), written before the change.
            let appliedAt = Timestamp.format(now)
            let missingLines = "SELECT item_id FROM inventory_line WHERE session_id = ? AND category = 'missing' AND item_id IS NOT NULL"
            // A copy away for repair is known to be away: not missing.
            let becomingMissing = "status IN ('available', 'damaged') AND in_repair = 0 AND id IN (\(missingLines))"
            try db.execute(
                sql: """
                    INSERT INTO audit (at, actor, op, target, changes)
                    SELECT ?, 'inventory', 'inventory.apply', 'b' || id, json_object('status', json_array(status, 'missing'))
                    FROM item WHERE \(becomingMissing)
                    """,
                arguments: [appliedAt, sessionID])
            try db.execute(
                sql: """
                    INSERT INTO audit (at, actor, op, target, changes)
                    SELECT ?, 'inventory', 'inventory.apply', 'b' || i.id, json_object('status', json_array(i.status, 'available'))
                    FROM item i JOIN inventory_line l ON l.item_id = i.id
                    WHERE l.session_id = ? AND l.category IN ('found', 'misplaced') AND i.status IN ('missing', 'lost')
                    """,
                arguments: [appliedAt, sessionID])
            try db.execute(
                sql: """
                    UPDATE charge SET settled_at = ?, settlement = 'found' WHERE settled_at IS NULL AND item_id IN
                        (SELECT i.id FROM item i JOIN inventory_line l ON l.item_id = i.id
                         WHERE l.session_id = ? AND l.category IN ('found', 'misplaced') AND i.status = 'lost')
                    """,
                arguments: [appliedAt, sessionID])
            try db.execute(sql: "UPDATE item SET status = 'missing' WHERE \(becomingMissing)", arguments: arguments)
            var markedMissing = db.changesCount
            try db.execute(
                sql: """
                    UPDATE equipment_unit SET status = 'missing' WHERE status = 'available' AND id IN
                        (SELECT unit_id FROM inventory_line WHERE session_id = ? AND category = 'missing' AND unit_id IS NOT NULL)
                    """,
                arguments: arguments)
            markedMissing += db.changesCount
            try db.execute(
                sql: """
                    UPDATE item SET last_seen_at = l.seen_at, location = l.location,
                        status = CASE item.status WHEN 'missing' THEN 'available' WHEN 'lost' THEN 'available' ELSE item.status END
                    FROM inventory_line l WHERE \(seenLines) AND l.item_id = item.id
                    """,
                arguments: arguments)
            var seen = db.changesCount
            try db.execute(
                sql: """
                    UPDATE equipment_unit SET last_seen_at = l.seen_at, room = l.location, condition = coalesce(l.condition, equipment_unit.condition),
                        status = CASE equipment_unit.status WHEN 'missing' THEN 'available' ELSE equipment_unit.status END
                    FROM inventory_line l WHERE \(seenLines) AND l.unit_id = equipment_unit.id
                    """,
                arguments: arguments)
            seen += db.changesCount
            try db.execute(
                sql: """
                    UPDATE equipment_type SET quantity = l.counted_quantity
                    FROM inventory_line l WHERE l.session_id = ? AND l.category = 'counted' AND l.type_code = equipment_type.code
                    """,
                arguments: arguments)
            let quantities = db.changesCount
            // The disposal list (thanh lý): what is missing now, and units found broken.
            try db.execute(
                sql: """
                    INSERT INTO inventory_line (session_id, category, line, item_id, unit_id, barcode, recorded_location, location, seen_at,
                        times, note, condition)
                    SELECT l.session_id, 'disposal', l.line, l.item_id, l.unit_id, l.barcode, l.recorded_location, l.location, l.seen_at,
                        l.times, l.note, l.condition
                    FROM inventory_line l
                    LEFT JOIN item i ON i.id = l.item_id LEFT JOIN equipment_unit u ON u.id = l.unit_id
                    WHERE l.session_id = ? AND (
                        (l.category = 'missing' AND coalesce(i.status, u.status) = 'missing')
                        OR (l.category IN ('found', 'misplaced') AND l.condition = 'broken'))
                    ORDER BY l.line
                    """,
                arguments: arguments)
            let disposal = db.changesCount
            try db.execute(
                sql: "UPDATE inventory_session SET state = 'applied', applied_at = ?, disposal = ? WHERE id = ?",
                arguments: [Timestamp.format(now), disposal, sessionID])
            return InventoryApplyView(
                session: Self.sessionView(try Self.sessionRow(db, id: sessionID)), markedMissing: markedMissing, seen: seen, moved: moved,
                conditions: conditions, quantities: quantities, disposal: disposal)
        }
    }
}
