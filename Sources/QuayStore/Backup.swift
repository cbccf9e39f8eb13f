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
                        throw StoreError(code: .storageFailed, reason: "the copy failed integrity_check: \(check.prefix(3))")
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
    /// The school the backup was recorded for; nil for a backup made before quayd recorded it.
    public var school: String?
}

extension QuayDatabase {
    /// Checks that `file` is a whole Quầy database that this quayd can open: it opens, passes
    /// `integrity_check`, carries Quầy's migrations and none this quayd does not know.
    /// Refusals are `invalid_backup` with the reason.
    public static func checkBackup(_ file: String) throws -> (migrations: [String], counts: [String: Int], school: String?) {
        func refuse(_ reason: String) -> StoreError { StoreError(code: .invalidBackup, reason: "\(file): \(reason)") }
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
                let school = try db.tableExists("school") ? String.fetchOne(db, sql: "SELECT name FROM school WHERE id = 1") : nil
                return (migrations, counts, school)
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
    ///
    /// `school`: the school this quayd serves; a backup recorded for another school is refused
    /// (`invalid_backup`) unless `anySchool` — a USB stick from the wrong desk must not replace a
    /// school's records.
    public static func restore(_ file: String, over databasePath: String, at now: Date, school: String, anySchool: Bool = false) throws
        -> RestoreReport
    {
        let (migrations, counts, backupSchool) = try checkBackup(file)
        if let backupSchool, backupSchool != school, !anySchool {
            throw StoreError(
                code: .invalidBackup,
                reason: "\(file): it is the backup of «\(backupSchool)», and this quayd is «\(school)»'s ([school] name); to put it back anyway: --any-school")
        }
        let manager = FileManager.default
        var kept: String? = nil
        if manager.fileExists(atPath: databasePath) {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            var keep = databasePath + ".before-restore-" + formatter.string(from: now)
            var attempt = 1
            while manager.fileExists(atPath: keep) {  // two restores in one second keep both
                attempt += 1
                keep = databasePath + ".before-restore-" + formatter.string(from: now) + "-\(attempt)"
            }
            do {
                let old = try DatabaseQueue(path: databasePath)
                let copy = try DatabaseQueue(path: keep)
                try old.backup(to: copy)
                try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
                try copy.close()
                try old.close()
            } catch {
                // A database too damaged for SQLite to open (its schema pages hit) is kept as the
                // bytes it is — with its WAL — for whoever wants to rescue rows from it.
                try? manager.removeItem(atPath: keep)
                try manager.copyItem(atPath: databasePath, toPath: keep)
                if manager.fileExists(atPath: databasePath + "-wal") {
                    try? manager.removeItem(atPath: keep + "-wal")
                    try manager.copyItem(atPath: databasePath + "-wal", toPath: keep + "-wal")
                }
            }
            kept = keep
        }
        let staging = databasePath + ".restore-tmp"
        try? manager.removeItem(atPath: staging)
        try manager.copyItem(atPath: file, toPath: staging)
        // Restored by root for a quayd that runs as its own user: the file gets the owner and
        // mode of the database it replaces (or of the directory it goes into).
        var owner = stat()
        let directory = (databasePath as NSString).deletingLastPathComponent
        if stat(databasePath, &owner) == 0 || stat(directory.isEmpty ? "." : directory, &owner) == 0 {
            _ = chown(staging, owner.st_uid, owner.st_gid)
            _ = chmod(staging, (owner.st_mode & 0o777) & 0o660)
        }
        if let handle = FileHandle(forUpdatingAtPath: staging) {
            try handle.synchronize()
            try handle.close()
        }
        // The replaced database's WAL must not be replayed into the restored one.
        for suffix in ["-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: databasePath + suffix) }
        guard rename(staging, databasePath) == 0 else {
            throw StoreError(code: .storageFailed, reason: "cannot put \(staging) in place: \(String(cString: strerror(errno)))")
        }
        return RestoreReport(kept: kept, migrations: migrations, counts: counts, school: backupSchool)
    }
}

/// A directory of automatic backups (`[backup] directory`): files `quay-YYYYMMDD-HHMMSS.sqlite`
/// (local time), each given its name only after it was copied, synced and passed
/// `integrity_check`, so that a file with that name is a whole, checked backup and a power cut
/// or a SIGKILL during a backup leaves at most a hidden `.tmp` file beside the earlier ones.
public struct BackupDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// One backup in the directory.
    public struct Entry: Sendable, Equatable {
        public var file: String
        public var takenAt: Date
        public var sizeBytes: Int64
    }

    static let prefix = "quay-"
    static let suffix = ".sqlite"

    static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter
    }

    /// The backups, newest first. Files of any other name are not ours and are left alone.
    public func list() -> [Entry] {
        let formatter = Self.formatter()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var entries: [Entry] = []
        for name in names where name.hasPrefix(Self.prefix) && name.hasSuffix(Self.suffix) {
            let stamp = String(name.dropFirst(Self.prefix.count).dropLast(Self.suffix.count).prefix(15))
            guard let takenAt = formatter.date(from: stamp) else { continue }
            let file = path + "/" + name
            let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
            entries.append(Entry(file: file, takenAt: takenAt, sizeBytes: size))
        }
        return entries.sorted { ($0.takenAt, $0.file) > ($1.takenAt, $1.file) }
    }

    /// Removes what a backup cut short (a power cut, a SIGKILL) left behind. Only called by the
    /// quayd holding the database's lock, so no other backup is being written.
    public func removeIncomplete() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.hasPrefix("." + Self.prefix) && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(atPath: path + "/" + name)
        }
    }

    /// Takes a backup of `database` now: copied into a hidden temporary file, checked, synced,
    /// renamed to its name and the directory synced. On any failure the temporary file is
    /// removed and the earlier backups are as they were.
    public func take(from database: QuayDatabase, at now: Date) async throws -> Entry {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var name = Self.prefix + Self.formatter().string(from: now)
        var attempt = 1
        while FileManager.default.fileExists(atPath: path + "/" + name + Self.suffix) {
            attempt += 1
            name = Self.prefix + Self.formatter().string(from: now) + "-\(attempt)"
        }
        let final = path + "/" + name + Self.suffix
        let temporary = path + "/." + name + Self.suffix + ".tmp"
        let size = try await database.backup(to: temporary)
        do {
            // Pupils' names and loans: for the daemon's user and group only.
            chmod(temporary, 0o640)
            try Self.sync(temporary)
            guard rename(temporary, final) == 0 else {
                throw StoreError(code: .storageFailed, reason: "cannot rename \(temporary): \(String(cString: strerror(errno)))")
            }
            try Self.sync(path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError.storage(error) ?? error
        }
        return Entry(file: final, takenAt: now, sizeBytes: size)
    }

    /// Removes the oldest backups beyond `keep`; returns the files removed.
    @discardableResult
    public func rotate(keep: Int) -> [String] {
        let removed = list().dropFirst(max(keep, 1)).map(\.file)
        for file in removed { try? FileManager.default.removeItem(atPath: file) }
        if !removed.isEmpty { try? Self.sync(path) }
        return removed
    }

    /// fsync of a file or a directory.
    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StoreError(code: .storageFailed, reason: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError(code: .storageFailed, reason: "fsync \(path): \(String(cString: strerror(errno)))") }
    }
}

extension QuayDatabase {
    /// `PRAGMA quick_check` of the database file at `path` through a read-only connection,
    /// before anything opens it for writing (a read-only connection never checkpoints, so a
    /// damaged file is left exactly as it is): nil when it is sound, or does not exist, or
    /// cannot be read for another reason (the normal open says that one); else what is wrong (its
    /// first lines). It reads every page: 2.19 ms per MiB here (BENCHMARKS.md).
    public static func quickCheck(path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let lines = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            return lines == ["ok"] ? nil : lines.prefix(3).joined(separator: "; ")
        } catch {
            return isDamage("\(error)") ? "\(error)" : nil
        }
    }

    /// Whether an error opening a database says that the file is damaged (SQLITE_CORRUPT,
    /// SQLITE_NOTADB), as opposed to missing, locked or on a full disk.
    public static func isDamage(_ reason: String) -> Bool {
        ["malformed", "not a database", "SQLite error 11", "SQLite error 26", "corrupt"].contains { reason.contains($0) }
    }

    /// The size of the database file and its WAL, in bytes.
    public var fileBytes: Int64 { Self.fileBytes(of: path) }

    public static func fileBytes(of path: String) -> Int64 {
        ["", "-wal"].reduce(0) { total, suffix in
            total + (((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
