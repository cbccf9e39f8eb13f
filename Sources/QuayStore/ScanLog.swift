import Foundation
import GRDB
import QuayCore

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
