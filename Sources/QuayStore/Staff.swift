import Foundation
import GRDB
import QuayCore

/// The web console's staff accounts (SPEC §17). The store keeps the hash the daemon made
/// (libsodium); it never sees a password.
extension QuayDatabase {
    public struct StaffAccount: Sendable, Equatable {
        public var name: String
        public var role: String
        public var passwordHash: String
        public var createdAt: String
    }

    public func addStaff(name: String, role: String, passwordHash: String, at now: Date) async throws -> StaffAccount {
        let account = StaffAccount(name: name, role: role, passwordHash: passwordHash, createdAt: Timestamp.format(now))
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE name = ?", arguments: [name]) != true else {
                throw StoreError(code: .duplicateStaff, reason: name)
            }
            try db.execute(
                sql: "INSERT INTO staff (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.name, account.role, account.passwordHash, account.createdAt])
        }
        return account
    }

    public func staffAccounts() async throws -> [StaffAccount] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, password_hash, created_at FROM staff ORDER BY name").map(Self.staffAccount(from:))
        }
    }

    public func staffAccount(named name: String) async throws -> StaffAccount? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT name, role, password_hash, created_at FROM staff WHERE name = ?", arguments: [name]).map(Self.staffAccount(from:))
        }
    }

    /// Removes an account; false when there was none of that name.
    public func removeStaff(named name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM staff WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    private static func staffAccount(from row: Row) -> StaffAccount {
        StaffAccount(name: row["name"], role: row["role"], passwordHash: row["password_hash"], createdAt: row["created_at"])
    }
}
