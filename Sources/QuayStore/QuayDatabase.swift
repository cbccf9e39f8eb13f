import Foundation
import GRDB
import QuayCore

/// How hard SQLite works to keep a commit through a power cut. FULL is the default
/// (SPEC §14: power cuts are common in schools); NORMAL is for benchmarks and the brave.
public enum Synchronous: String, Sendable, CaseIterable {
    case full = "FULL"
    case normal = "NORMAL"
}

/// Errors the store reports with a stable code.
public struct StoreError: Error, CustomStringConvertible {
    public var code: String
    public var reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    /// What SQLite says of the disk, as a code a client can act on: full, read-only, or an
    /// I/O failure; nil for any other error. A transaction that fails so has written nothing.
    public static func storage(_ error: any Error) -> StoreError? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return StoreError(code: "disk_full", reason: error.message ?? "database or disk is full")
        case .SQLITE_READONLY: return StoreError(code: "database_read_only", reason: error.message ?? "read-only")
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return StoreError(code: "storage_error", reason: error.message ?? "disk I/O error")
        default: return nil
        }
    }
}

/// The school's database: one SQLite file in WAL mode. Opening it applies the migrations
/// (`Schema`) before anything else may read or write. Every method is one intent in one
/// transaction.
public final class QuayDatabase: Sendable {
    public let path: String
    public let synchronous: Synchronous
    let pool: DatabasePool
    /// A connection of its own for WAL checkpoints, so they never run inside a commit on the
    /// request path and never wait for the writer (SPEC §14).
    let checkpointer: DatabaseQueue

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String, synchronous: Synchronous = .full) throws {
        self.path = path
        self.synchronous = synchronous
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        let pragma = "PRAGMA synchronous = \(synchronous.rawValue)"  // a fixed enum value, not input
        configuration.prepareDatabase { db in
            try db.execute(sql: pragma)
            // No checkpoint at commit time: `checkpoint()` does it from its own connection.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
            var checkpointConfiguration = Configuration()
            checkpointConfiguration.busyMode = .timeout(5)
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointConfiguration)
        } catch {
            // A read-only or full disk is named as such: the one who must fix it reads this.
            if let storage = StoreError.storage(error) { throw StoreError(code: storage.code, reason: "\(path): \(error)") }
            throw StoreError(code: "database_unavailable", reason: "\(path): \(error)")
        }
    }

    /// Records whose records these are (the config's school name), at start and on reload.
    public func recordSchool(_ name: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO school (id, name) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE name != excluded.name",
                arguments: [name])
        }
    }

    /// A read that proves the database answers; the watchdog calls it before each ping.
    public func checkAlive() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// What `quay status` shows of the database.
    public struct Summary: Sendable, Equatable {
        public var sizeBytes: Int64
        public var journalMode: String
        public var synchronous: String
        public var counts: [String: Int64]
        public var migrations: [String]
    }

    public func summary() async throws -> Summary {
        let (journalMode, synchronousLevel, counts, migrations) = try await pool.read { db in
            let journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?"
            let level = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            var counts: [String: Int64] = [:]
            for table in Schema.countedTables {
                // Table names come from our own schema list, never from input.
                counts[table] = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") ?? 0
            }
            let migrations = try Schema.migrator.appliedMigrations(db)
            return (journalMode, level, counts, migrations)
        }
        let synchronousName = ["OFF", "NORMAL", "FULL", "EXTRA"].indices.contains(synchronousLevel)
            ? ["OFF", "NORMAL", "FULL", "EXTRA"][synchronousLevel] : "?"
        return Summary(
            sizeBytes: fileBytes, journalMode: journalMode, synchronous: synchronousName, counts: counts,
            migrations: migrations)
    }

    /// A write transaction with the raw GRDB connection: for benchmark data sets only.
    public func rawWriteForBenchmarks(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        try await pool.write(body)
    }

    /// Copies committed pages from the WAL into the database without blocking writers or
    /// readers (a PASSIVE checkpoint); the daemon calls it in the background. Returns the WAL
    /// pages and the pages checkpointed.
    @discardableResult
    public func checkpoint() async throws -> (walPages: Int, checkpointed: Int) {
        try await checkpointer.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    /// Checkpoints the WAL and closes every connection; the file is consistent afterwards.
    public func close() throws {
        try checkpointer.close()
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
        try pool.close()
    }
}
