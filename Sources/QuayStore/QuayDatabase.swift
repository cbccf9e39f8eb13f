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
    /// The codes, spelled as the protocol's `ErrorCode`s, where their meanings are documented;
    /// the daemon maps each one to its `ErrorCode` in one exhaustive switch.
    public enum Code: String, Sendable, CaseIterable {
        case invalidArgument = "invalid_argument", notFound = "not_found"
        case unknownRegister = "unknown_register", unknownItem = "unknown_item", unknownPatron = "unknown_patron"
        case unknownClass = "unknown_class", unknownJob = "unknown_job"
        case duplicateBarcode = "duplicate_barcode", duplicateCard = "duplicate_card", duplicateClass = "duplicate_class"
        case duplicateEquipment = "duplicate_equipment", duplicateStaff = "duplicate_staff"
        case borrowerBlocked = "borrower_blocked", borrowerHasOverdue = "borrower_has_overdue", notLoanable = "not_loanable"
        case itemUnavailable = "item_unavailable", itemOnLoan = "item_on_loan", limitReached = "limit_reached"
        case renewalLimit = "renewal_limit", notOnLoan = "not_on_loan"
        case jobState = "job_state"
        case inventoryNotOpen = "inventory_not_open", inventoryAlreadyOpen = "inventory_already_open"
        case inventoryNotClosed = "inventory_not_closed", inventoryAlreadyApplied = "inventory_already_applied"
        case invalidScope = "invalid_scope", outsideScope = "outside_scope"
        case invalidCallNumber = "invalid_call_number", cardReplaced = "card_replaced"
        case disposalState = "disposal_state", disposalHasLoans = "disposal_has_loans", rolloverDone = "rollover_done"
        case equipmentExpired = "equipment_expired", nothingToUndo = "nothing_to_undo"
        case diskFull = "disk_full", databaseReadOnly = "database_read_only", storageFailed = "storage_error"
        /// The database cannot be opened at all (quayd does not start); never a reply's code.
        case databaseUnavailable = "database_unavailable"
        /// A file given to `--restore` is no backup of this school's database; never a reply's code.
        case invalidBackup = "invalid_backup"
    }

    public var code: Code
    public var reason: String
    /// The reason in both languages, for what staff read (a blocked card's reason, a copy's state).
    public var words: Bilingual?

    public init(code: Code, reason: String, words: Bilingual? = nil) {
        self.code = code
        self.reason = reason
        self.words = words
    }

    /// A refusal of the circulation policy (QuayCore), as the store reports it.
    public init(_ refusal: CirculationRefusal, reason: String, words: Bilingual? = nil) {
        let code: Code
        switch refusal {
        case .borrowerBlocked: code = .borrowerBlocked
        case .borrowerHasOverdue: code = .borrowerHasOverdue
        case .notLoanable: code = .notLoanable
        case .itemUnavailable: code = .itemUnavailable
        case .itemOnLoan: code = .itemOnLoan
        case .limitReached: code = .limitReached
        case .renewalLimit: code = .renewalLimit
        case .notOnLoan: code = .notOnLoan
        }
        self.init(code: code, reason: reason, words: words)
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    /// What SQLite says of the disk, as a code a client can act on: full, read-only, or an
    /// I/O failure; nil for any other error. A transaction that fails so has written nothing.
    public static func storage(_ error: any Error) -> StoreError? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return StoreError(code: .diskFull, reason: error.message ?? "database or disk is full")
        case .SQLITE_READONLY: return StoreError(code: .databaseReadOnly, reason: error.message ?? "read-only")
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return StoreError(code: .storageFailed, reason: error.message ?? "disk I/O error")
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
    /// The database: a `DatabasePool` on a file for the daemon, any `DatabaseWriter` (an
    /// in-memory `DatabaseQueue`) for tests of the store.
    let pool: any DatabaseWriter
    /// A connection of its own for WAL checkpoints, so they never run inside a commit on the
    /// request path and never wait for the writer (SPEC §14); nil in memory.
    let checkpointer: DatabaseQueue?
    /// Group commit for the request path's writes, when it is on.
    let committer: GroupCommitter?
    public var groupCommit: Bool { committer != nil }

    /// Opens (creating if needed) the database at `path` and migrates it. With `groupCommit`,
    /// loans, returns, renewals and desk scans that reach the writer together share a commit.
    public init(path: String, synchronous: Synchronous = .full, groupCommit: Bool = false) throws {
        self.path = path
        self.synchronous = synchronous
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let configuration = Self.configuration(synchronous)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
            var checkpointConfiguration = Configuration()
            checkpointConfiguration.busyMode = .timeout(5)
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointConfiguration)
            committer = groupCommit ? GroupCommitter(writer: pool) : nil
        } catch {
            // A read-only or full disk is named as such: the one who must fix it reads this.
            if let storage = StoreError.storage(error) { throw StoreError(code: storage.code, reason: "\(path): \(error)") }
            throw StoreError(code: .databaseUnavailable, reason: "\(path): \(error)")
        }
    }

    /// The same database in memory, for tests of the store: the schema, the foreign keys, the
    /// transactions and group commit as on a file; no WAL, no checkpoints, no backups.
    public static func inMemory(groupCommit: Bool = false) throws -> QuayDatabase { try QuayDatabase(memory: groupCommit) }

    private init(memory groupCommit: Bool) throws {
        path = ":memory:"
        synchronous = .full
        let queue = try DatabaseQueue(configuration: Self.configuration(.full))
        try Schema.migrator.migrate(queue)
        pool = queue
        checkpointer = nil
        committer = groupCommit ? GroupCommitter(writer: queue) : nil
    }

    /// Every connection's set-up: foreign keys, the busy timeout, `synchronous`, and no
    /// checkpoint at commit time (`checkpoint()` does it from its own connection).
    static func configuration(_ synchronous: Synchronous) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        let pragma = "PRAGMA synchronous = \(synchronous.rawValue)"  // a fixed enum value, not input
        configuration.prepareDatabase { db in
            try db.execute(sql: pragma)
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        return configuration
    }

    /// GRDB's synchronous read, on the caller's thread: an idle reader runs it right here, with
    /// no hop to the reader's queue and back. For point look-ups only (one indexed row), never
    /// for a scan of many rows, which would hold the caller's thread (an event loop) that long.
    /// No explicit transaction around it: each SELECT is its own consistent snapshot in SQLite's
    /// autocommit mode, which is all a look-up of one row needs, and it saves a BEGIN and a COMMIT.
    func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(body)
    }

    /// A write of the request path: in the next group commit when it is on, else a
    /// transaction of its own. Either way it has returned only once committed.
    /// `queued` hears when the write waits in the group commit's queue (never without group
    /// commit): a connection then hands the writer its next pipelined request, so that the
    /// order of the writes stays the order of the requests.
    func requestWrite<T: Sendable>(queued: (@Sendable () -> Void)? = nil, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let committer { return try await committer.write(queued: queued, body) }
        return try await pool.write(body)
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
        guard let checkpointer else { return (0, 0) }
        return try await checkpointer.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    /// Checkpoints the WAL and closes every connection; the file is consistent afterwards.
    public func close() throws {
        guard let checkpointer else { return try pool.close() }
        try checkpointer.close()
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
        try pool.close()
    }
}
