import Foundation
import GRDB
import QuayCore

/// A print job to write: what the printer gets, and what it was made from.
public struct NewPrintJob: Sendable, Equatable {
    public var printer: String
    public var template: String
    public var key: String?
    /// Who asked: `cli`, `intake`, `desk:NAME`.
    public var source: String
    public var payload: [UInt8]

    public init(printer: String, template: String, key: String?, source: String, payload: [UInt8]) {
        self.printer = printer
        self.template = template
        self.key = key
        self.source = source
        self.payload = payload
    }
}

/// Which jobs to list.
public enum PrintJobFilter: String, Sendable, CaseIterable {
    /// Queued, being sent, or failed: what still needs someone.
    case open
    case all
    case queued, sending, done, failed, cancelled
}

extension PrintJobInfo {
    init(row: Row) {
        self.init(
            id: row["id"], printer: row["printer"], template: row["template"], key: row["key"], source: row["source"], state: row["state"],
            attempts: row["attempts"], interrupted: row["interrupted"], lastError: row["last_error"], reprintOf: row["reprint_of"],
            bytes: row["bytes"], createdAt: row["created_at"], updatedAt: row["updated_at"], doneAt: row["done_at"])
    }

    static let columns =
        "id, printer, template, key, source, state, attempts, interrupted, last_error, reprint_of, length(payload) AS bytes, created_at, updated_at, done_at"
}

/// The print queue (SPEC §7.6): queued → sending → done, or failed with its reason, or
/// cancelled. Every change of state is one durable write, so a job is on disk before a byte
/// is sent and its state after a crash says what may have happened.
extension QuayDatabase {
    /// Writes the jobs, in order, in one transaction: all of them or none.
    public func enqueuePrintJobs(_ jobs: [NewPrintJob], at now: Date) async throws -> [PrintJobInfo] {
        try await pool.write { db in
            let stamp = Timestamp.format(now)
            var ids: [Int64] = []
            for job in jobs {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO print_job (printer, template, key, source, payload, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [job.printer, job.template, job.key, job.source, Data(job.payload), stamp, stamp])
                ids.append(db.lastInsertedRowID)
            }
            return try ids.map { try Self.printJob(db, $0)! }
        }
    }

    /// At start: jobs left `sending` by a stopped quayd go back to the queue, counted as
    /// interrupted (the printer may have printed them already). Returns how many.
    public func requeueInterruptedPrintJobs(at now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE print_job SET state = 'queued', interrupted = interrupted + 1, updated_at = ? WHERE state = 'sending'",
                arguments: [Timestamp.format(now)])
            return db.changesCount
        }
    }

    /// The oldest job waiting for `printer`, with its bytes.
    public func nextPrintJob(printer: String) async throws -> (job: PrintJobInfo, payload: [UInt8])? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(PrintJobInfo.columns), payload FROM print_job WHERE printer = ? AND state IN ('queued', 'sending') ORDER BY id LIMIT 1"),
                    arguments: [printer])
            else { return nil }
            let payload: Data = row["payload"]
            return (PrintJobInfo(row: row), [UInt8](payload))
        }
    }

    /// The job is about to be sent: `sending`, one more attempt. False when it was cancelled
    /// meanwhile, so nothing is sent.
    public func markPrintJobSending(id: Int64, at now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE print_job SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state IN ('queued', 'sending')",
                arguments: [Timestamp.format(now), id])
            return db.changesCount == 1
        }
    }

    public func markPrintJobDone(id: Int64, at now: Date) async throws {
        try await pool.write { db in
            let stamp = Timestamp.format(now)
            try db.execute(
                sql: "UPDATE print_job SET state = 'done', done_at = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
                arguments: [stamp, stamp, id])
        }
    }

    /// The printer could not take the job now: it waits in the queue with the reason.
    public func markPrintJobWaiting(id: Int64, reason: String, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE print_job SET state = 'queued', last_error = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'sending')",
                arguments: [reason, Timestamp.format(now), id])
        }
    }

    /// The job cannot be printed as it is (its printer is gone from the config…).
    public func markPrintJobFailed(id: Int64, reason: String, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE print_job SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'sending')",
                arguments: [reason, Timestamp.format(now), id])
        }
    }

    public func printJob(id: Int64) async throws -> PrintJobInfo? {
        try await pool.read { db in try Self.printJob(db, id) }
    }

    /// The latest `limit` jobs matching `filter`, newest first, for one printer when asked.
    public func printJobs(_ filter: PrintJobFilter, printer: String?, limit: Int) async throws -> [PrintJobInfo] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            switch filter {
            case .all: break
            case .open: conditions.append("state IN ('queued', 'sending', 'failed')")
            default:
                conditions.append("state = ?")
                arguments += [filter.rawValue]
            }
            if let printer {
                conditions.append("printer = ?")
                arguments += [printer]
            }
            arguments += [limit]
            let filterSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT \(PrintJobInfo.columns) FROM print_job \(filterSQL) ORDER BY id DESC LIMIT ?", arguments: arguments
            ).map(PrintJobInfo.init(row:))
        }
    }

    /// Jobs per state for each printer, for `quay printers`.
    public func printJobCounts() async throws -> [String: [String: Int]] {
        try await pool.read { db in
            var counts: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT printer, state, count(*) AS n FROM print_job WHERE state IN ('queued', 'sending', 'failed') GROUP BY printer, state")
            {
                counts[row["printer"], default: [:]][row["state"]] = row["n"]
            }
            return counts
        }
    }

    /// A failed or cancelled job goes back to the queue, as it was.
    public func retryPrintJob(id: Int64, at now: Date) async throws -> PrintJobInfo {
        try await pool.write { db in
            let job = try Self.existingPrintJob(db, id)
            guard [.failed, .cancelled, .queued].contains(job.state) else {
                throw StoreError(
                    code: .jobState, reason: "job \(id) is \(job.state.rawValue); " + (job.state == .done ? "reprint it instead" : "it is being sent"))
            }
            try db.execute(
                sql: "UPDATE print_job SET state = 'queued', updated_at = ? WHERE id = ?", arguments: [Timestamp.format(now), id])
            return try Self.printJob(db, id)!
        }
    }

    /// A job that has not been sent is taken off the queue.
    public func cancelPrintJob(id: Int64, at now: Date) async throws -> PrintJobInfo {
        try await pool.write { db in
            let job = try Self.existingPrintJob(db, id)
            guard [.queued, .failed].contains(job.state) else {
                throw StoreError(code: .jobState, reason: "job \(id) is \(job.state.rawValue) and cannot be cancelled")
            }
            try db.execute(
                sql: "UPDATE print_job SET state = 'cancelled', updated_at = ? WHERE id = ?", arguments: [Timestamp.format(now), id])
            return try Self.printJob(db, id)!
        }
    }

    /// A new job with the same bytes as `id` (a torn or smudged label printed again).
    public func reprintPrintJob(id: Int64, source: String, at now: Date) async throws -> PrintJobInfo {
        try await pool.write { db in
            _ = try Self.existingPrintJob(db, id)
            let stamp = Timestamp.format(now)
            try db.execute(
                sql: """
                    INSERT INTO print_job (printer, template, key, source, payload, reprint_of, created_at, updated_at)
                    SELECT printer, template, key, ?, payload, id, ?, ? FROM print_job WHERE id = ?
                    """,
                arguments: [source, stamp, stamp, id])
            return try Self.printJob(db, db.lastInsertedRowID)!
        }
    }

    private static func printJob(_ db: Database, _ id: Int64) throws -> PrintJobInfo? {
        try Row.fetchOne(db, sql: "SELECT \(PrintJobInfo.columns) FROM print_job WHERE id = ?", arguments: [id]).map(PrintJobInfo.init(row:))
    }

    private static func existingPrintJob(_ db: Database, _ id: Int64) throws -> PrintJobInfo {
        guard let job = try printJob(db, id) else { throw StoreError(code: .unknownJob, reason: "no print job \(id)") }
        return job
    }
}
