import CXlsxWriter
import Foundation
import GRDBSQLite
import QuayStore

#if canImport(Glibc)
import Glibc
#endif

/// SPEC §10 / issue 17: the individual accession register of the whole data set to XLSX and to
/// CSV through quayd and `quay report` (the file written by quay from the pieces quayd sends),
/// against a floor measured in the same run — the same query through the SQLite C API writing the
/// same cells through libxlsxwriter directly (constant-memory mode), and through a plain
/// buffered CSV writer; quayd's peak resident memory (VmHWM) after the reports.
func reportReportBenchmarks(bin: String, directory: String, path: String, items: Int) throws {
    let floorXLSX = try median(3) { try floorXLSXRegister(path: path, out: "\(directory)/floor.xlsx") }
    let floorCSV = try median(3) { try floorCSVRegister(path: path, out: "\(directory)/floor.csv") }
    let daemon = try startDaemon(bin: bin, directory: directory)
    defer {
        daemon.terminate()
        daemon.waitUntilExit()
    }
    func quayReport(_ out: String) throws -> Double {
        let start = now()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(bin)/quay")
        process.arguments = ["report", "so-ca-biet", "--out", out, "--socket", "\(directory)/quay.sock"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "quay report failed")
        return Double(now() - start) / 1e9
    }
    let quayXLSX = try median(3) { try quayReport("\(directory)/so-ca-biet.xlsx") }
    let quayCSV = try median(3) { try quayReport("\(directory)/so-ca-biet.csv") }
    let peak = (try? String(contentsOfFile: "/proc/\(daemon.processIdentifier)/status", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        .flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") } ?? -1
    let bytes = { (file: String) in Double(QuayDatabase.fileBytes(of: file)) / 1_048_576 }
    print("reports: the individual accession register of \(items) copies (median of 3, s)")
    print(String(format: "  floor: C API → libxlsxwriter directly      %6.1f s  (%.0f MiB)", floorXLSX, bytes("\(directory)/floor.xlsx")))
    print(String(format: "  quay report so-ca-biet --out .xlsx          %6.1f s  %.2f× the floor (target ≤ 1.5: %@)", quayXLSX, quayXLSX / floorXLSX,
        verdict(quayXLSX <= 1.5 * floorXLSX)))
    print(String(format: "  floor: C API → buffered CSV writer         %6.1f s  (%.0f MiB)", floorCSV, bytes("\(directory)/floor.csv")))
    print(String(format: "  quay report so-ca-biet --out .csv           %6.1f s  %.2f× the floor (target ≤ 1.5: %@)", quayCSV, quayCSV / floorCSV,
        verdict(quayCSV <= 1.5 * floorCSV)))
    print(String(format: "  quayd peak resident (VmHWM) after the six reports: %.0f MiB (target ≤ 64: %@)", Double(peak) / 1024,
        verdict(peak >= 0 && peak <= 64 * 1024)))
}

private func median(_ runs: Int, _ body: () throws -> Double) throws -> Double {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(try body()) }
    return samples.sorted()[runs / 2]
}

/// The register's rows through the C API: the store's own SQL, the same cells.
private func forEachRegisterRow(path: String, _ body: (OpaquePointer) -> Void) {
    var db: OpaquePointer?
    precondition(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    precondition(sqlite3_prepare_v2(db, QuayDatabase.accessionRegisterSQL, -1, &statement, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    defer { sqlite3_finalize(statement) }
    while sqlite3_step(statement) == SQLITE_ROW { body(statement!) }
}

private func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
    guard let pointer = sqlite3_column_text(statement, column) else { return nil }
    return String(cString: pointer)
}

/// `STK.000123` from the row's number, prefix, separator and width.
private func accession(_ statement: OpaquePointer) -> String {
    let number = String(sqlite3_column_int64(statement, 1))
    let width = Int(sqlite3_column_int64(statement, 4))
    return (text(statement, 2) ?? "") + (text(statement, 3) ?? "") + String(repeating: "0", count: max(0, width - number.count)) + number
}

private func floorXLSXRegister(path: String, out: String) throws -> Double {
    let start = now()
    var options = lxw_workbook_options()
    options.constant_memory = UInt8(LXW_TRUE.rawValue)
    let directory = (out as NSString).deletingLastPathComponent
    let workbook: UnsafeMutablePointer<lxw_workbook> = directory.withCString { tmp in
        options.tmpdir = UnsafeMutablePointer(mutating: tmp)
        return workbook_new_opt(out, &options)!
    }
    let sheet = workbook_add_worksheet(workbook, "Sổ cá biệt")!
    let date = workbook_add_format(workbook)!
    format_set_num_format(date, "dd/mm/yyyy")
    let money = workbook_add_format(workbook)!
    format_set_num_format(money, "#,##0")
    for (index, heading) in ["STT", "Ngày vào sổ", "Số ĐKCB", "Tác giả – Nhan đề", "Nơi XB – Nhà XB", "Năm XB", "Giá tiền (đ)",
        "Môn loại / Ký hiệu phân loại", "Số vào sổ tổng quát", "Ngày và số biên bản xuất", "Ghi chú"].enumerated()
    {
        worksheet_write_string(sheet, 0, lxw_col_t(index), heading, nil)
    }
    var row: UInt32 = 1
    forEachRegisterRow(path: path) { statement in
        worksheet_write_number(sheet, row, 0, Double(row), nil)
        let day = text(statement, 0) ?? "2000-01-01"
        let parts = day.split(separator: "-").compactMap { Int32($0) }
        var value = lxw_datetime(year: parts[0], month: parts[1], day: parts[2], hour: 0, min: 0, sec: 0)
        worksheet_write_datetime(sheet, row, 1, &value, date)
        worksheet_write_string(sheet, row, 2, accession(statement), nil)
        let authors = text(statement, 5) ?? ""
        let title = text(statement, 6) ?? ""
        worksheet_write_string(sheet, row, 3, authors.isEmpty ? title : authors + " – " + title, nil)
        if let publisher = text(statement, 7) { worksheet_write_string(sheet, row, 4, publisher, nil) }
        if sqlite3_column_type(statement, 8) != SQLITE_NULL { worksheet_write_number(sheet, row, 5, Double(sqlite3_column_int64(statement, 8)), nil) }
        if sqlite3_column_type(statement, 9) != SQLITE_NULL { worksheet_write_number(sheet, row, 6, Double(sqlite3_column_int64(statement, 9)), money) }
        if let call = text(statement, 10) { worksheet_write_string(sheet, row, 7, call, nil) }
        worksheet_write_number(sheet, row, 8, Double(sqlite3_column_int64(statement, 11)), nil)
        row += 1
    }
    precondition(workbook_close(workbook) == LXW_NO_ERROR)
    return Double(now() - start) / 1e9
}

private func floorCSVRegister(path: String, out: String) throws -> Double {
    let start = now()
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    let handle = FileHandle(forWritingAtPath: out)!
    var buffer: [UInt8] = [0xEF, 0xBB, 0xBF]
    buffer.reserveCapacity(1 << 16)
    var row = 0
    forEachRegisterRow(path: path) { statement in
        row += 1
        let authors = text(statement, 5) ?? ""
        let title = text(statement, 6) ?? ""
        let day = (text(statement, 0) ?? "").split(separator: "-")
        let fields = [
            String(row), day.count == 3 ? "\(day[2])/\(day[1])/\(day[0])" : "", accession(statement), authors.isEmpty ? title : authors + " – " + title,
            text(statement, 7) ?? "", text(statement, 8) ?? "", text(statement, 9) ?? "", text(statement, 10) ?? "", text(statement, 11) ?? "", "", "",
        ]
        buffer += Array(fields.joined(separator: ",").utf8)
        buffer += [13, 10]
        if buffer.count >= 1 << 16 {
            handle.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }
    handle.write(Data(buffer))
    try handle.synchronize()
    try handle.close()
    return Double(now() - start) / 1e9
}

/// SPEC §10 / issue 17: the reading statistics (`van-hoa-doc`) of a school year of `loans` loans
/// by `pupils` pupils in classes of 40, over the data set's copies, through quayd and `quay
/// report` (median of 3); the target is at most a second. The loans go in straight through SQL
/// (set-up, not measured), spread over the year's 270 days.
func reportStatisticsBenchmark(bin: String, directory: String, path: String, items: Int, loans: Int, pupils: Int) async throws {
    let database = try QuayDatabase(path: path, synchronous: .normal)
    try await database.rawWriteForBenchmarks { db in
        try db.execute(
            sql: """
                WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < ? - 1)
                INSERT INTO class (name, school_year, grade) SELECT printf('%dA%d', 6 + x % 4, x / 4 + 1), '2026-2027', 6 + x % 4 FROM n
                """,
            arguments: [(pupils + 39) / 40])
        try db.execute(
            sql: """
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
                INSERT INTO patron (card, full_name, name_sort_key, kind, class_id, school_year, created_at)
                SELECT printf('TK%07d', x), 'Học sinh ' || x, CAST(printf('%08d', x) AS BLOB), 'pupil',
                    (SELECT MIN(id) FROM class WHERE school_year = '2026-2027' AND name GLOB '[6-9]A[0-9]*') + (x - 1) / 40, '2026-2027',
                    '2026-09-01T00:00:00Z'
                FROM n
                """,
            arguments: [pupils])
        try db.execute(
            sql: """
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
                INSERT INTO loan (item_id, patron_id, kind, loaned_at, due_at, returned_at)
                SELECT (x * 7919) % ? + 1, (SELECT MIN(id) FROM patron WHERE card LIKE 'TK%') + (x * 104729) % ?, 'normal',
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-09-05', '+' || (x % 268) || ' days'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-09-05', '+' || (x % 268 + 14) || ' days'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-09-05', '+' || (x % 268 + 10) || ' days')
                FROM n
                """,
            arguments: [loans, items, pupils])
    }
    _ = try await database.checkpoint()
    try database.close()
    let daemon = try startDaemon(bin: bin, directory: directory)
    defer {
        daemon.terminate()
        daemon.waitUntilExit()
    }
    let seconds = try median(3) {
        let start = now()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(bin)/quay")
        process.arguments = [
            "report", "van-hoa-doc", "--year", "2026-2027", "--since", "2026-09-05", "--until", "2027-05-31", "--out", "\(directory)/van-hoa-doc.xlsx",
            "--socket", "\(directory)/quay.sock",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "quay report van-hoa-doc failed")
        return Double(now() - start) / 1e9
    }
    print("reports: the reading statistics of a school year of \(loans) loans by \(pupils) pupils, \(items) copies (median of 3)")
    print(String(format: "  quay report van-hoa-doc --out .xlsx          %6.2f s  (target ≤ 1 s: %@)", seconds, verdict(seconds <= 1)))
}
