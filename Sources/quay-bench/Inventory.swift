import Foundation
import GRDBSQLite
import QuayCore
import QuayStore

/// SPEC §14: reconciling 50,000 scans against 1,000,000 copies in ≤ 2 s. The data set's copies
/// are put on shelves of 100 (`KE-0000` …), each given its own shelf-order key, and one in a
/// hundred marked lent, straight in SQL;
/// a session over everything gets `scans` scans through the store — every twentieth copy at
/// its shelf, with some seen on the wrong shelf, some swapped out of shelf order, some scanned
/// twice, and some unknown barcodes. Measured, best of `runs`:
///   - the floor: the same rows read through the SQLite C API (every in-scope copy's id, loan
///     state, location and sort key, and the session's scans), touching every column;
///   - the pure reconciliation, on those rows already in memory;
///   - load + reconcile through the store (`reconcileOpenInventory`: what close computes);
/// and once, since each ends the session: close (load, reconcile and write the report's lines)
/// and apply (mark the missing, record what was seen, write the disposal list).
struct InventoryFigures {
    var scanMicrosPerScan: Double
    var floor: Double
    var pure: Double
    var loadAndReconcile: Double
    var close: Double
    var apply: Double
    var totals: InventoryTotals
    var lines: Int
}

func inventoryBenchmarks(path: String, items: Int, scans: Int, runs: Int = 3) async throws -> InventoryFigures {
    do {
        let database = try QuayDatabase(path: path, synchronous: .normal)
        try await database.rawWriteForBenchmarks { db in
            try db.execute(sql: "UPDATE item SET location = printf('KE-%04d', (id - 1) / 100)")
            try db.execute(sql: "UPDATE item SET status = 'on_loan' WHERE id % 100 = 37 AND status = 'available'")
            // Each copy its own place in shelf order (the data set's titles have 1,000 copies alike).
            try db.execute(sql: "UPDATE item SET call_sort_key = call_sort_key || printf(' c%07d', id)")
        }
        _ = try await database.checkpoint()
        try database.close()
    }
    let database = try QuayDatabase(path: path, synchronous: .full)
    _ = try await database.startInventory(scope: InventoryScope(), at: Date())
    // The walk: every twentieth copy; one in 250 seen a shelf further on, one in 200 swapped
    // with the next, one in 100 scanned twice, one in 500 an unknown barcode.
    var walk: [(location: String, code: String)] = []
    walk.reserveCapacity(scans)
    var number = 1
    while walk.count < scans {
        let shelf = (number - 1) / 100
        let index = walk.count
        if index % 500 == 499 {
            walk.append((String(format: "KE-%04d", shelf), "KHONG-CO-\(index)"))
        } else if index % 100 == 98, let last = walk.last {
            walk.append(last)
        } else {
            walk.append((String(format: "KE-%04d", index % 250 == 3 ? shelf + 1 : shelf), barcode(number)))
            number += 20
            if number > items { number = 2 }
        }
        if index % 200 == 150, walk.count >= 2, walk[walk.count - 2].location == walk[walk.count - 1].location {
            walk.swapAt(walk.count - 2, walk.count - 1)
        }
    }
    var scanTime: UInt64 = 0
    var position = 0
    while position < walk.count {
        // Consecutive scans at one location go in one request, at most 5,000, as the CLI sends them.
        var end = position
        while end < walk.count, walk[end].location == walk[position].location, end - position < 5000 { end += 1 }
        let codes = walk[position..<end].map { InventoryScanInput($0.code) }
        let begin = now()
        _ = try await database.recordInventoryScans(codes, location: walk[position].location, source: "bench", at: Date())
        scanTime += now() - begin
        position = end
    }
    _ = try await database.checkpoint()

    // The rows, read through the C API: the floor, and the pure reconciliation's input.
    let raw = RawSQLite(path: path, synchronous: "FULL")
    var floor = Double.infinity
    var expected: [(id: Int64, onLoan: Bool, location: String?, sortKey: String?)] = []
    var sightings: [InventorySighting] = []
    for run in 0..<runs {
        var touched = 0
        let begin = now()
        raw.forEachRow("SELECT seq, barcode, location, item_id, unit_id, condition, at FROM inventory_scan WHERE session_id = 1 ORDER BY seq") {
            touched &+= Int(sqlite3_column_int64($0, 0)) &+ Int(sqlite3_column_bytes($0, 1)) &+ Int(sqlite3_column_bytes($0, 2))
            touched &+= Int(sqlite3_column_int64($0, 3)) &+ Int(sqlite3_column_bytes($0, 6))
        }
        raw.forEachRow("SELECT id, status = 'on_loan', location, call_sort_key FROM item WHERE status <> 'withdrawn' ORDER BY id") {
            touched &+= Int(sqlite3_column_int64($0, 0)) &+ Int(sqlite3_column_int64($0, 1))
            touched &+= Int(sqlite3_column_bytes($0, 2)) &+ Int(sqlite3_column_bytes($0, 3))
        }
        floor = min(floor, Double(now() - begin) / 1e9)
        precondition(touched != 42)
        if run == 0 {
            func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
                sqlite3_column_text(statement, column).map { String(cString: $0) }
            }
            raw.forEachRow("SELECT id, status = 'on_loan', location, call_sort_key FROM item WHERE status <> 'withdrawn' ORDER BY id") {
                expected.append((sqlite3_column_int64($0, 0), sqlite3_column_int64($0, 1) != 0, text($0, 2), text($0, 3)))
            }
            raw.forEachRow("SELECT seq, barcode, location, item_id FROM inventory_scan WHERE session_id = 1 ORDER BY seq") {
                let item = sqlite3_column_type($0, 3) == SQLITE_NULL ? nil : InventoryTarget(.book, sqlite3_column_int64($0, 3))
                sightings.append(InventorySighting(seq: sqlite3_column_int64($0, 0), barcode: text($0, 1)!, location: text($0, 2)!, target: item))
            }
        }
    }

    var pure = Double.infinity
    var pureTotals = InventoryTotals()
    for _ in 0..<runs {
        let begin = now()
        var reconciler = InventoryReconciler(sightings: sightings)
        for row in expected {
            reconciler.expect(InventoryTarget(.book, row.id), onLoan: row.onLoan) { (row.location, row.sortKey) }
        }
        let result = reconciler.finish()
        pure = min(pure, Double(now() - begin) / 1e9)
        pureTotals = result.totals
    }

    var loadAndReconcile = Double.infinity
    for _ in 0..<runs {
        let begin = now()
        let result = try await database.reconcileOpenInventory()
        loadAndReconcile = min(loadAndReconcile, Double(now() - begin) / 1e9)
        precondition(result.totals == pureTotals, "the store and the pure reconciliation disagree")
    }

    var begin = now()
    let closed = try await database.closeInventory(at: Date())
    let close = Double(now() - begin) / 1e9
    begin = now()
    _ = try await database.applyInventory(session: closed.id, at: Date())
    let apply = Double(now() - begin) / 1e9
    let totals = closed.totals ?? InventoryTotals()
    try database.close()
    return InventoryFigures(
        scanMicrosPerScan: Double(scanTime) / 1000 / Double(walk.count), floor: floor, pure: pure, loadAndReconcile: loadAndReconcile,
        close: close, apply: apply, totals: totals,
        lines: totals.found + totals.misplaced + totals.missing + totals.onLoan + totals.outsideScope + totals.unknown)
}

func reportInventoryBenchmarks(path: String, items: Int, scans: Int) async throws {
    print("")
    print("inventory: \(scans) scans against \(items) copies (s)")
    let figures = try await inventoryBenchmarks(path: path, items: items, scans: scans)
    let t = figures.totals
    print(String(format: "scans recorded through the store: %.1f µs a scan (FULL, batches per shelf)", figures.scanMicrosPerScan))
    print("totals: found \(t.found), misplaced \(t.misplaced), missing \(t.missing), on loan \(t.onLoan), unknown \(t.unknown), seen twice \(t.seenTwice)")
    print(String(format: "floor: raw SQLite read of the scope and the scans   %6.3f", figures.floor))
    print(String(format: "pure reconciliation (rows in memory)                %6.3f   %.2f× the floor", figures.pure, figures.pure / figures.floor))
    print(String(format: "load + reconcile (store)                            %6.3f   %.2f× the floor; target ≤ 2 s: %@",
        figures.loadAndReconcile, figures.loadAndReconcile / figures.floor, verdict(figures.loadAndReconcile <= 2)))
    print(String(format: "close: load, reconcile, write %d lines (FULL)     %6.3f", figures.lines, figures.close))
    print(String(format: "apply: mark %d missing, %d seen, disposal list    %6.3f", t.missing, t.found + t.misplaced, figures.apply))
}
