import Dispatch
import Foundation
import GRDB

extension QuayDatabase {
    /// A consistent copy of the whole database at `destination`, through SQLite's backup API
    /// from one read snapshot while loans go on, turned into one self-contained file (rollback
    /// journal, not WAL) and checked with `integrity_check`. Returns the copy's size.
    ///
    /// The copy runs on a thread of its own: it reads every page, and the request threads must
    /// not wait for it.
    public func backup(to destination: String) async throws -> Int64 {
        let pool = self.pool
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do {
                    try? FileManager.default.removeItem(atPath: destination)
                    let copy = try DatabaseQueue(path: destination)
                    try pool.backup(to: copy)
                    try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
                    let check = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                    try copy.close()
                    guard check == ["ok"] else {
                        try? FileManager.default.removeItem(atPath: destination)
                        throw StoreError(code: "storage_error", reason: "the copy failed integrity_check: \(check.prefix(3))")
                    }
                    let size = (try FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
                    continuation.resume(returning: size)
                } catch {
                    try? FileManager.default.removeItem(atPath: destination)
                    continuation.resume(throwing: StoreError.storage(error) ?? error)
                }
            }
        }
    }
}

/// What `quayd --restore` put back, and where the database it replaced was kept.
public struct RestoreReport: Sendable, Equatable {
    /// The file the replaced database was saved to; nil when there was none.
    public var kept: String?
    public var migrations: [String]
    /// Rows of the restored database: items, records, patrons, open loans.
    public var counts: [String: Int]
}

extension QuayDatabase {
    /// Checks that `file` is a whole Quầy database that this quayd can open: it opens, passes
    /// `integrity_check`, carries Quầy's migrations and none this quayd does not know.
    /// Refusals are `invalid_backup` with the reason.
    public static func checkBackup(_ file: String) throws -> (migrations: [String], counts: [String: Int]) {
        func refuse(_ reason: String) -> StoreError { StoreError(code: "invalid_backup", reason: "\(file): \(reason)") }
        guard FileManager.default.isReadableFile(atPath: file) else { throw refuse("cannot read the file") }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: file, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard check == ["ok"] else { throw refuse("it fails integrity_check (\(check.prefix(2).joined(separator: "; ")))") }
                guard try db.tableExists("grdb_migrations") else { throw refuse("it is not a Quầy database") }
                let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                let known = Schema.migrator.migrations
                guard migrations.first == known.first else { throw refuse("it is not a Quầy database") }
                let unknown = migrations.filter { !known.contains($0) }
                guard unknown.isEmpty else { throw refuse("it was made by a newer quayd (\(unknown.joined(separator: ", ")))") }
                var counts: [String: Int] = [:]
                for (name, sql) in [
                    ("item", "SELECT count(*) FROM item"), ("record", "SELECT count(*) FROM record"), ("patron", "SELECT count(*) FROM patron"),
                    ("open_loan", "SELECT count(*) FROM loan WHERE returned_at IS NULL"),
                ] {
                    counts[name] = try Int.fetchOne(db, sql: sql) ?? 0
                }
                return (migrations, counts)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw refuse("it is not a database SQLite can open (\(error))")
        }
    }

    /// Puts `file` back as the database at `databasePath`, with no quayd running on it (the
    /// caller holds its lock). The database it replaces is first copied whole, its WAL
    /// included, to `DATABASE.before-restore-TIME`; then the backup is copied beside the
    /// database, synced, and renamed over it, so that a power cut leaves either database whole.
    public static func restore(_ file: String, over databasePath: String, at now: Date) throws -> RestoreReport {
        let (migrations, counts) = try checkBackup(file)
        let manager = FileManager.default
        var kept: String? = nil
        if manager.fileExists(atPath: databasePath) {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            let keep = databasePath + ".before-restore-" + formatter.string(from: now)
            let old = try DatabaseQueue(path: databasePath)
            let copy = try DatabaseQueue(path: keep)
            try old.backup(to: copy)
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try old.close()
            kept = keep
        }
        let staging = databasePath + ".restore-tmp"
        try? manager.removeItem(atPath: staging)
        try manager.copyItem(atPath: file, toPath: staging)
        if let handle = FileHandle(forUpdatingAtPath: staging) {
            try handle.synchronize()
            try handle.close()
        }
        // The replaced database's WAL must not be replayed into the restored one.
        for suffix in ["-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: databasePath + suffix) }
        guard rename(staging, databasePath) == 0 else {
            throw StoreError(code: "storage_error", reason: "cannot put \(staging) in place: \(String(cString: strerror(errno)))")
        }
        return RestoreReport(kept: kept, migrations: migrations, counts: counts)
    }
}
