import Dispatch
import Foundation
import QuayProtocol
import QuayStore

/// `backup.create` and `backup.read` (SPEC §11): the daemon makes a consistent, checked copy
/// beside the database and hands it out in pieces, so that `quay backup FILE` writes it with the
/// user's own permissions wherever the user may write (under systemd quayd cannot write into a
/// home directory). The copy is removed once its last piece has been read, or at the next start.
extension Dispatcher {
    func backupCreate() async throws -> BackupCreateResult {
        let (number, path) = state.reserveBackup()
        do {
            let size = try await state.database.backup(to: path)
            logger.info("backup made", metadata: ["backup.number": "\(number)", "backup.bytes": "\(size)"])
            return BackupCreateResult(backup: number, sizeBytes: size, integrity: "ok")
        } catch {
            state.forgetTransfer(number)
            throw error
        }
    }

    func backupRead(_ args: BackupReadArgs) throws -> FileChunk {
        try readTransfer(args.backup, offset: args.offset, missing: "backup \(args.backup) (made by backup.create, removed once read to its end)")
    }

    /// A piece of a file made for the client (a backup copy, a report), at `offset`; the file is
    /// removed once its last piece has been read.
    func readTransfer(_ number: Int64, offset: Int64, missing: String) throws -> FileChunk {
        guard let path = state.transferFile(number), let handle = FileHandle(forReadingAtPath: path) else {
            throw Refusal(code: .notFound, detail: missing)
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard offset >= 0, UInt64(offset) <= size else {
            throw Refusal(code: .invalidArgument, detail: "offset must be from 0 to \(size)")
        }
        try handle.seek(toOffset: UInt64(offset))
        let data = try handle.read(upToCount: FileChunk.maxChunk) ?? Data()
        let done = UInt64(offset) + UInt64(data.count) >= size
        if done { state.forgetTransfer(number) }
        return FileChunk(offset: offset, data: data.base64EncodedString(), done: done)
    }
}

extension Dispatcher {
    /// `backup.list`: the automatic backups, newest first, and how they stand; with `check`,
    /// each file checked again (on a thread of its own: it reads every page).
    func backupList(_ args: BackupListArgs) async throws -> BackupListResult {
        let backupState = state.backupState(now: now())
        guard let path = backupState.directory else { return BackupListResult(state: backupState, backups: []) }
        let entries = BackupDirectory(path: path).list()
        var checks: [String?] = Array(repeating: nil, count: entries.count)
        if args.check == true {
            checks = await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .utility).async {
                    continuation.resume(returning: entries.map { entry in
                        do {
                            _ = try QuayDatabase.checkBackup(entry.file)
                            return "ok"
                        } catch {
                            return (error as? StoreError)?.reason ?? "\(error)"
                        }
                    })
                }
            }
        }
        // A backup rotated away while the others were checked is no longer one to list (nor damaged).
        return BackupListResult(
            state: backupState,
            backups: zip(entries, checks).filter { FileManager.default.fileExists(atPath: $0.0.file) }.map { entry, check in
                BackupEntryInfo(file: entry.file, takenAt: entry.takenAt, sizeBytes: entry.sizeBytes, verified: true, check: check)
            })
    }
}

extension Dispatcher {
    /// `backup.take`: an automatic backup now, into `[backup] directory` as the schedule would
    /// take it (the web console's "back up now").
    func backupTake() async throws -> BackupEntryInfo {
        let settings = state.config.backup
        guard let path = settings.directory else {
            throw Refusal(code: .invalidArgument, detail: "no [backup] directory is set (docs/config.md)")
        }
        let entry = try await state.takeAutomaticBackup(BackupDirectory(path: path), keep: settings.keep, at: now(), logger: logger)
        return BackupEntryInfo(file: entry.file, takenAt: entry.takenAt, sizeBytes: entry.sizeBytes, verified: true, check: nil)
    }
}

extension DaemonState {
    /// The file of a new copy, beside the database (the same disk, and a directory quayd may write).
    func reserveBackup() -> (Int64, String) { reserveTransfer("backup") }

    /// A file made for a client to read (`backup`, `report`, `export`), beside the database, numbered.
    func reserveTransfer(_ kind: String) -> (Int64, String) {
        transfers.withLockedValue { state in
            let number = state.next
            state.next += 1
            let path = database.path + ".\(kind)-\(getpid())-\(number).tmp"
            state.files[number] = path
            return (number, path)
        }
    }

    func transferFile(_ number: Int64) -> String? { transfers.withLockedValue { $0.files[number] } }

    /// Forgets a transfer file (a copy, a report) and removes it.
    func forgetTransfer(_ number: Int64) {
        if let path = transfers.withLockedValue({ $0.files.removeValue(forKey: number) }) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Removes copies, reports and exports a client never finished reading before the daemon last stopped. Only
    /// called with the database's lock held, so no other quayd is making one.
    static func removeStaleTransfers(of databasePath: String) {
        let directory = (databasePath as NSString).deletingLastPathComponent
        let prefixes = ["backup-", "report-", "upload-", "export-"].map { (databasePath as NSString).lastPathComponent + "." + $0 }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        for name in names where prefixes.contains(where: name.hasPrefix) && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(atPath: (directory.isEmpty ? "." : directory) + "/" + name)
        }
    }
}
