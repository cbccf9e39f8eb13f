import Foundation
import GRDB
import QuayCore

/// What a scan leads to, for `loggedScan`.
public enum ScanAction: Sendable {
    case checkout(Borrower, settings: CirculationSettings, desk: String?, noBlock: Day?)
    case checkin
}

extension QuayDatabase {
    /// A scan, the action it leads to and its outcome in one transaction (one commit, one
    /// fsync at FULL), for SIP2: see `deskTransaction`. Returns the scan's id and what the
    /// action gave or threw.
    public func loggedScan(
        desk: String, scanner: String, data: String, at now: Date, _ action: ScanAction,
        outcome: @escaping @Sendable (Result<LoanView, any Error>) -> (outcome: String, refusal: String?, message: String)
    ) async throws -> (scanID: Int64, result: Result<LoanView, any Error>) {
        let deskName = desk
        return try await deskTransaction(scan: LoggedScan(desk: desk, scanner: scanner, data: data, symbology: nil, at: now)) { desk in
            let result = Result { () throws -> LoanView in
                switch action {
                case .checkout(let borrower, let settings, let deskName, let noBlock):
                    return try desk.checkout(borrower, scanned: data, settings: settings, at: now, desk: deskName, noBlock: noBlock)
                case .checkin:
                    return try desk.checkin(scanned: data, at: now, desk: deskName)
                }
            }
            let said = outcome(result)
            try desk.recordOutcome(outcome: said.outcome, refusal: said.refusal, message: said.message)
            return (desk.scanID!, result)
        }
    }

    /// One desk step in one write transaction: the scan's log line first (when there is a
    /// scan), then whatever it leads to, each action in a savepoint of its own so that a
    /// refused one writes nothing, then its outcome — one commit, one fsync at FULL. Nothing is
    /// acted on without its log line: when the disk refuses (full, read-only, I/O), the whole
    /// transaction goes, log line and all, and this throws.
    public func deskTransaction<T: Sendable>(scan: LoggedScan?, _ body: @escaping @Sendable (DeskTransaction) throws -> T) async throws -> T {
        try await requestWrite { db in
            var scanID: Int64? = nil
            if let scan {
                try db.cachedStatement(sql: "INSERT INTO scan (at, desk, scanner, data, symbology) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [Timestamp.format(scan.at), scan.desk, scan.scanner, scan.data, scan.symbology])
                scanID = db.lastInsertedRowID
            }
            let transaction = DeskTransaction(db, scanID: scanID)
            let value = try body(transaction)
            if let disk = transaction.diskError { throw disk }
            return value
        }
    }

    /// The log, oldest first, from `since` (a timestamp) and for one desk when asked.
    public func scans(since: Date?, desk: String?, limit: Int) async throws -> [ScanRecord] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let since {
                conditions.append("at >= ?")
                arguments += [Timestamp.format(since)]
            }
            if let desk {
                conditions.append("desk = ?")
                arguments += [desk]
            }
            arguments += [limit]
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            // The latest `limit` lines, shown oldest first.
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM (SELECT * FROM scan \(filter) ORDER BY id DESC LIMIT ?) ORDER BY id", arguments: arguments)
            return rows.map { row in
                ScanRecord(
                    id: row["id"], at: row["at"], desk: row["desk"], scanner: row["scanner"], data: row["data"], symbology: row["symbology"],
                    outcome: row["outcome"], refusal: row["refusal"], message: row["message"])
            }
        }
    }
}

/// A scan as the log keeps it.
public struct LoggedScan: Sendable {
    public var desk: String
    public var scanner: String
    public var data: String
    public var symbology: String?
    public var at: Date

    public init(desk: String, scanner: String, data: String, symbology: String?, at: Date) {
        self.desk = desk
        self.scanner = scanner
        self.data = data
        self.symbology = symbology
        self.at = at
    }
}

/// The writer's connection during one `deskTransaction`, and only then: the desk's actions and
/// look-ups. Each action runs in a savepoint: refused, it is rolled back and its error thrown,
/// while the scan's log line stays.
public final class DeskTransaction {
    let db: Database
    /// The scan's line in the log; nil for a step that no scan started (a tick, a mode switch).
    public let scanID: Int64?
    /// An error of the disk met by an action: the whole transaction is rolled back for it.
    var diskError: (any Error)?

    init(_ db: Database, scanID: Int64?) {
        self.db = db
        self.scanID = scanID
    }

    private func action<T>(_ body: (Database) throws -> T) throws -> T {
        var value: T? = nil
        do {
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
        } catch {
            if StoreError.storage(error) != nil { diskError = diskError ?? error }
            throw error
        }
        return value!
    }

    public func checkout(
        _ borrower: Borrower, scanned: String, settings: CirculationSettings, at now: Date, desk: String?, noBlock: Day? = nil
    ) throws -> LoanView {
        try action {
            try QuayDatabase.checkout(
                $0, borrower, scanned: scanned, settings: settings, at: now, desk: desk, noBlock: noBlock, actor: desk.map { "desk:\($0)" } ?? "quayd")
        }
    }

    public func checkin(scanned: String, at now: Date, desk: String? = nil) throws -> LoanView {
        try action { try QuayDatabase.checkin($0, scanned: scanned, at: now, actor: desk.map { "desk:\($0)" } ?? "quayd") }
    }

    /// QUAY:UNDO: the desk session's last loan or return, reversed (and audited as the desk's).
    public func undoLoan(id: Int64, desk: String, at now: Date) throws -> LoanView {
        try action { try QuayDatabase.undoLoan($0, id: id, ChangeContext(actor: "desk:\(desk)", at: now)) }
    }

    public func undoReturn(id: Int64, desk: String, at now: Date) throws -> LoanView {
        try action { try QuayDatabase.undoReturn($0, id: id, ChangeContext(actor: "desk:\(desk)", at: now)) }
    }

    public func lendLesson(_ lesson: NewLesson, at now: Date) throws -> LessonView {
        try action { try QuayDatabase.lendLesson($0, lesson, at: now) }
    }

    public func returnLesson(id: Int64?, _ returned: LessonReturn, at now: Date) throws -> LessonView {
        try action { try QuayDatabase.returnLesson($0, id: id, returned, at: now) }
    }

    public func recordInventoryScans(_ scans: [InventoryScanInput], location: String, source: String, at now: Date) throws
        -> [InventoryScanView]
    {
        try action { try QuayDatabase.recordInventoryScans($0, scans, location: location, source: source, actor: "desk:\(source)", at: now) }
    }

    public func patron(card: String) throws -> PatronView? { try action { try QuayDatabase.patron($0, card: card) } }

    /// The borrower as the desk's session summary needs it: unknown, replaced (`card_replaced`),
    /// or the patron and why the card is refused (blocked with its reason, or left).
    public func borrowerForSession(card: String) throws -> (patron: PatronView, refusal: Bilingual?) {
        try action { db in
            let who = try QuayDatabase.borrower(db, .card(card))
            return (try QuayDatabase.patron(db, card: card)!, who.refusal)
        }
    }

    public func openLoanCounts(_ borrower: Borrower, at now: Date) throws -> (loans: Int, overdue: Int) {
        try action { try QuayDatabase.openLoanCounts($0, borrower, at: now) }
    }

    public func item(scanned: String) throws -> ItemView? { try action { try QuayDatabase.item($0, scanned: scanned) } }

    public func unit(scanned: String) throws -> EquipmentUnitView? {
        try action { try QuayDatabase.unitRow($0, scanned: scanned).map(QuayDatabase.unitView) }
    }

    /// What came of the scan (this transaction's, or an earlier one's): its last notice.
    public func recordOutcome(outcome: String, refusal: String?, message: String, scan: Int64? = nil) throws {
        guard let scanID = scan ?? scanID else { return }
        try db.cachedStatement(sql: "UPDATE scan SET outcome = ?, refusal = ?, message = ? WHERE id = ?")
            .execute(arguments: [outcome, refusal, message, scanID])
    }
}
