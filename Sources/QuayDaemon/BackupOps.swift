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
            state.forgetBackup(number)
            throw error
        }
    }

    func backupRead(_ args: BackupReadArgs) throws -> BackupChunk {
        guard let path = state.backupFile(args.backup), let handle = FileHandle(forReadingAtPath: path) else {
            throw Refusal(code: .notFound, detail: "backup \(args.backup) (made by backup.create, removed once read to its end)")
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard args.offset >= 0, UInt64(args.offset) <= size else {
            throw Refusal(code: .invalidArgument, detail: "offset must be from 0 to \(size)")
        }
        try handle.seek(toOffset: UInt64(args.offset))
        let data = try handle.read(upToCount: BackupChunk.maxChunk) ?? Data()
        let done = UInt64(args.offset) + UInt64(data.count) >= size
        if done { state.forgetBackup(args.backup) }
        return BackupChunk(offset: args.offset, data: data.base64EncodedString(), done: done)
    }
}

extension DaemonState {
    /// The file of a new copy, beside the database (the same disk, and a directory quayd may write).
    func reserveBackup() -> (Int64, String) {
        backups.withLockedValue { state in
            let number = state.next
            state.next += 1
            let path = database.path + ".backup-\(getpid())-\(number).tmp"
            state.files[number] = path
            return (number, path)
        }
    }

    func backupFile(_ number: Int64) -> String? { backups.withLockedValue { $0.files[number] } }

    /// Forgets a copy and removes its file.
    func forgetBackup(_ number: Int64) {
        if let path = backups.withLockedValue({ $0.files.removeValue(forKey: number) }) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Removes copies a client never finished reading before the daemon last stopped. Only
    /// called with the database's lock held, so no other quayd is making one.
    static func removeStaleBackups(of databasePath: String) {
        let directory = (databasePath as NSString).deletingLastPathComponent
        let prefix = (databasePath as NSString).lastPathComponent + ".backup-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(atPath: (directory.isEmpty ? "." : directory) + "/" + name)
        }
    }
}
