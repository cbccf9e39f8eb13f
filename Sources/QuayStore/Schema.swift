import GRDB

/// The schema as named, append-only migrations (STYLE §6). A migration, once released, is
/// never edited: changes come as new migrations after it.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registers") { db in
            // A register (sổ) is a numbering sequence; numbers are never reused (SPEC §4),
            // so next_number only grows.
            try db.execute(
                sql: """
                    CREATE TABLE register (
                        code TEXT PRIMARY KEY NOT NULL CHECK (length(code) BETWEEN 1 AND 16),
                        name TEXT NOT NULL,
                        prefix TEXT NOT NULL,
                        separator TEXT NOT NULL DEFAULT '.' CHECK (length(separator) <= 1),
                        width INTEGER NOT NULL DEFAULT 6 CHECK (width BETWEEN 1 AND 12),
                        next_number INTEGER NOT NULL DEFAULT 1 CHECK (next_number >= 1)
                    ) STRICT
                    """)
            let defaults: [(String, String)] = [
                ("SGK", "Sách giáo khoa"),
                ("SNV", "Sách nghiệp vụ"),
                ("STK", "Sách tham khảo"),
                ("TN", "Sách thiếu nhi"),
                ("TB", "Thiết bị dạy học"),
            ]
            for (code, name) in defaults {
                try db.execute(
                    sql: "INSERT INTO register (code, name, prefix) VALUES (?, ?, ?)",
                    arguments: [code, name, code])
            }
        }
        return migrator
    }

    /// Tables whose row counts `quay status` shows.
    static let countedTables = ["register"]
}
