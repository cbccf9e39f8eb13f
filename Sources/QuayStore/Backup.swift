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
