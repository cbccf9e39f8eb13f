import Foundation
import GRDB
import QuayCore

/// What a scan leads to, for `loggedScan`.
public enum ScanAction: Sendable {
    case checkout(Borrower, settings: CirculationSettings, desk: String?, noBlock: Day?)
    case checkin
}

extension QuayDatabase {
    /// Appends a scan before anything is done with it; with `synchronous=FULL` it is on disk
    /// when this returns, so a scan is never lost even if acting on it fails or the power goes.
    public func appendScan(desk: String, scanner: String, data: String, symbology: String?, at now: Date) async throws -> Int64 {
        try await pool.write { db in
            try db.cachedStatement(sql: "INSERT INTO scan (at, desk, scanner, data, symbology) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [Timestamp.format(now), desk, scanner, data, symbology])
            return db.lastInsertedRowID
        }
    }

    /// Records what came of a scan: the first outcome that finishes it (a loan, a refusal).
    public func recordScanOutcome(id: Int64, outcome: String, refusal: String?, message: String) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE scan SET outcome = ?, refusal = ?, message = ? WHERE id = ?")
                .execute(arguments: [outcome, refusal, message, id])
        }
    }

    /// A scan, the action it leads to and its outcome in one transaction (one commit, one
    /// fsync at FULL): the scan row first, the action inside a savepoint of its own so that a
    /// refused action writes nothing but the scan and its outcome, then the outcome. Returns
    /// the scan's id and what the action gave or threw.
    public func loggedScan(
        desk: String, scanner: String, data: String, at now: Date, _ action: ScanAction,
        outcome: @escaping @Sendable (Result<LoanView, any Error>) -> (outcome: String, refusal: String?, message: String)
    ) async throws -> (scanID: Int64, result: Result<LoanView, any Error>) {
        try await pool.write { db in
            try db.cachedStatement(sql: "INSERT INTO scan (at, desk, scanner, data, symbology) VALUES (?, ?, ?, ?, NULL)")
                .execute(arguments: [Timestamp.format(now), desk, scanner, data])
            let scanID = db.lastInsertedRowID
            let result: Result<LoanView, any Error>
            try db.execute(sql: "SAVEPOINT scan_action")
            do {
                switch action {
                case .checkout(let borrower, let settings, let desk, let noBlock):
                    result = .success(try Self.checkout(db, borrower, scanned: data, settings: settings, at: now, desk: desk, noBlock: noBlock))
                case .checkin:
                    result = .success(try Self.checkin(db, scanned: data, at: now))
                }
            } catch {
                if StoreError.storage(error) != nil { throw error }  // the disk: the whole transaction goes
                result = .failure(error)
            }
            if case .failure = result { try db.execute(sql: "ROLLBACK TO scan_action") }
            try db.execute(sql: "RELEASE scan_action")
            let said = outcome(result)
            try db.cachedStatement(sql: "UPDATE scan SET outcome = ?, refusal = ?, message = ? WHERE id = ?")
                .execute(arguments: [said.outcome, said.refusal, said.message, scanID])
            return (scanID, result)
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
