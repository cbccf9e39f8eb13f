import GRDBSQLite

/// The floor for store benchmarks: the same SQL through the SQLite C API, statements
/// prepared once, no Swift layers in between.
final class RawSQLite {
    enum Value {
        case int(Int64)
        case text(String)
        case null
    }

    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, synchronous: String) {
        precondition(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
        exec("PRAGMA busy_timeout = 5000; PRAGMA synchronous = \(synchronous); PRAGMA wal_autocheckpoint = 0; PRAGMA foreign_keys = ON")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(db)
    }

    func exec(_ sql: String) {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        precondition(rc == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    }

    /// Runs a prepared statement to completion; returns the first row's integer columns.
    @discardableResult
    func run(_ sql: String, _ values: [Value]) -> [Int64]? {
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            precondition(sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
            statement = prepared!
            statements[sql] = statement
        }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .int(let number): sqlite3_bind_int64(statement, position, number)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, transient)
            case .null: sqlite3_bind_null(statement, position)
            }
        }
        var first: [Int64]? = nil
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW {
                if first == nil {
                    first = (0..<sqlite3_column_count(statement)).map { sqlite3_column_int64(statement, $0) }
                }
            } else {
                precondition(rc == SQLITE_DONE, String(cString: sqlite3_errmsg(db)))
                break
            }
        }
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        return first
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(db) }

    /// Steps `sql` to the end, handing each row's statement to `body`; returns the row count.
    @discardableResult
    func forEachRow(_ sql: String, _ body: (OpaquePointer) -> Void = { _ in }) -> Int {
        var statement: OpaquePointer?
        precondition(sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
        defer { sqlite3_finalize(statement) }
        var rows = 0
        while sqlite3_step(statement) == SQLITE_ROW {
            body(statement!)
            rows += 1
        }
        return rows
    }

    /// The checkout a pupil's scan makes, statement for statement as `QuayDatabase.checkout`.
    func checkout(card: String, barcode: String, now: String, due: String) {
        exec("BEGIN IMMEDIATE")
        let patron = run(
            "SELECT p.id, p.kind, p.status, p.full_name, c.name AS class_name FROM patron p LEFT JOIN class c ON c.id = p.class_id WHERE p.card = ?",
            [.text(card)])!
        let item = run(
            "SELECT i.id, i.status, i.barcode, i.number, r.kind, r.title, g.prefix, g.separator, g.width FROM item i JOIN record r ON r.id = i.record_id JOIN register g ON g.code = i.register_code WHERE i.barcode = ?",
            [.text(barcode)])!
        run("SELECT id, patron_id, class_id, renewals, loaned_at FROM loan WHERE item_id = ? AND returned_at IS NULL", [.int(item[0])])
        run("SELECT EXISTS (SELECT 1 FROM loan WHERE patron_id = ? AND returned_at IS NULL AND due_at < ?)", [.int(patron[0]), .text(now)])
        let key = "p\(patron[0])"
        run(
            "SELECT COALESCE(SUM(count), 0) FROM open_loans WHERE borrower = ? AND material IN (?, ?, ?, ?)",
            [.text(key), .text("professional"), .text("reference"), .text("children"), .text("other")])
        run(
            "INSERT INTO loan (item_id, patron_id, class_id, kind, loaned_at, due_at, desk) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.int(item[0]), .int(patron[0]), .null, .text("normal"), .text(now), .text(due), .null])
        run("UPDATE item SET status = 'on_loan' WHERE id = ?", [.int(item[0])])
        run(
            "INSERT INTO open_loans (borrower, material, count) VALUES (?, ?, 1) ON CONFLICT (borrower, material) DO UPDATE SET count = count + 1",
            [.text(key), .text("reference")])
        exec("COMMIT")
    }

    /// The return, statement for statement as `QuayDatabase.checkin`.
    func checkin(barcode: String, now: String) {
        exec("BEGIN IMMEDIATE")
        let item = run(
            "SELECT i.id, i.status, i.barcode, i.number, r.kind, r.title, g.prefix, g.separator, g.width FROM item i JOIN record r ON r.id = i.record_id JOIN register g ON g.code = i.register_code WHERE i.barcode = ?",
            [.text(barcode)])!
        let loan = run(
            "SELECT l.id, l.patron_id, l.class_id, l.kind, l.loaned_at, l.due_at, l.renewals, p.card, p.full_name, COALESCE(pc.name, c.name) AS class_name FROM loan l LEFT JOIN patron p ON p.id = l.patron_id LEFT JOIN class pc ON pc.id = p.class_id LEFT JOIN class c ON c.id = l.class_id WHERE l.item_id = ? AND l.returned_at IS NULL",
            [.int(item[0])])!
        run("UPDATE loan SET returned_at = ? WHERE id = ?", [.text(now), .int(loan[0])])
        run("UPDATE item SET status = 'available' WHERE id = ?", [.int(item[0])])
        run("UPDATE open_loans SET count = count - 1 WHERE borrower = ? AND material = ?", [.text("p\(loan[1])"), .text("reference")])
        exec("COMMIT")
    }
}
