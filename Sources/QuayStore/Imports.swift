import Foundation
import GRDB
import QuayCore

/// What an import did, or would do (a dry run does the same work and rolls it back, so it
/// finds the same conflicts with the database).
public struct ImportOutcome: Sendable, Equatable {
    /// Counts by what was created: `records` and `copies`, or `types` and `units`.
    public var created: [String: Int] = [:]
    /// What was in the database already (the same number and title, the same code): a file
    /// imported twice adds nothing for it.
    public var unchanged = 0
    /// Conflicts with the database or within the file (a number or barcode twice).
    public var problems: [ImportProblem] = []
    /// The lines skipped for their problems (with `skipBadRows`).
    public var skippedLines: [Int] = []
    /// Each register the import numbered in, and its next number after it.
    public var registers: [String: Int64] = [:]
    public var applied = false

    public init() {}
}

extension QuayDatabase {
    /// Creates the records and copies of an import in one transaction (SPEC §10), reading them
    /// from `next` a title at a time, so that a file of any size takes the same memory: each
    /// copy is checked as it comes and waits in a temporary table until the end. A copy keeps
    /// its number as it is on the spine; each register's next number moves past the highest
    /// imported; a number or barcode already in the database for something else, or twice in
    /// the file, is a problem of its row. With problems (those `next` reads from the file
    /// included) nothing is written unless `skipBadRows`, and then exactly those rows are left
    /// out. `dryRun` rolls back.
    public func importCatalogue(
        _ next: @escaping @Sendable () throws -> ImportPiece?, dryRun: Bool, skipBadRows: Bool, receivedOn today: String, at now: Date
    ) async throws -> ImportOutcome {
        try await importTransaction(dryRun: dryRun, skipBadRows: skipBadRows) { db, goOn in
            try Self.importCatalogue(db, next, skipBadRows: goOn, receivedOn: today, at: now)
        }
    }

    /// An import's one transaction: `body` goes on past problems when bad rows are skipped or it
    /// is a dry run (to say what the good rows would create); it commits only a real import
    /// without problems, or one that skips them.
    func importTransaction(
        dryRun: Bool, skipBadRows: Bool, _ body: @escaping @Sendable (Database, Bool) throws -> ImportOutcome
    ) async throws -> ImportOutcome {
        try await pool.writeWithoutTransaction { db in
            var outcome = ImportOutcome()
            try db.inTransaction {
                outcome = try body(db, skipBadRows || dryRun)
                outcome.applied = !dryRun && (outcome.problems.isEmpty || skipBadRows)
                return outcome.applied ? .commit : .rollback
            }
            return outcome
        }
    }

    private static func importCatalogue(
        _ db: Database, _ next: () throws -> ImportPiece?, skipBadRows: Bool, receivedOn today: String, at now: Date
    ) throws -> ImportOutcome {
        var outcome = ImportOutcome()
        outcome.created = ["records": 0, "copies": 0]
        var problems: [ImportProblem] = []
        let registers = try Row.fetchAll(db, sql: "SELECT code, name, prefix, separator, width, next_number FROM register").map(register(from:))
        func register(forPrefix prefix: String) -> Register? {
            registers.first { $0.prefix.uppercased() == prefix.uppercased() } ?? registers.first { $0.code == prefix.uppercased() }
        }
        func problem(_ line: Int, _ vi: String, _ en: String) {
            problems.append(ImportProblem(line: line, reason: Bilingual(vi: vi, en: en)))
        }
        // The copies accepted so far, with the line each came from: the file's own duplicates
        // are found here, and the intakes are made from here at the end. A copy still to be
        // numbered has no number (and `count` copies) until then.
        try db.execute(
            sql: """
                CREATE TEMP TABLE import_copy (
                    line INTEGER NOT NULL, record_id INTEGER NOT NULL, register_code TEXT NOT NULL, number INTEGER, count INTEGER NOT NULL,
                    barcode TEXT, received_on TEXT NOT NULL, source TEXT NOT NULL, document_ref TEXT, general_register TEXT,
                    location TEXT, price INTEGER, status TEXT NOT NULL, call_sort_key TEXT);
                CREATE INDEX temp.import_copy_number ON import_copy (register_code, number);
                CREATE INDEX temp.import_copy_barcode ON import_copy (barcode);
                """)
        defer { try? db.execute(sql: "DROP TABLE temp.import_copy") }
        let stage = try db.makeStatement(
            sql: """
                INSERT INTO import_copy (line, record_id, register_code, number, count, barcode, received_on, source, document_ref,
                    general_register, location, price, status, call_sort_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let numberLine = try db.makeStatement(sql: "SELECT line FROM import_copy WHERE register_code = ? AND number = ?")
        let barcodeLine = try db.makeStatement(sql: "SELECT line FROM import_copy WHERE barcode = ?")
        let numberTitle = try db.makeStatement(
            sql: "SELECT r.title FROM item i JOIN record r ON r.id = i.record_id WHERE i.register_code = ? AND i.number = ?")
        let barcodeTaken = try db.makeStatement(sql: "SELECT 1 FROM item WHERE barcode = ? UNION ALL SELECT 1 FROM equipment_unit WHERE barcode = ?")
        // A record this import made is not one "there already": the file's own rows of one
        // title are joined by whoever reads the file.
        let lastRecordBefore = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM record") ?? 0
        let createdAt = Timestamp.format(now)
        while let piece = try next() {
            let record: ImportedRecord
            switch piece {
            case .problem(let found):
                problems.append(found)
                continue
            case .record(let read): record = read
            }
            let existing = try Self.matchingRecord(db, record, madeBefore: lastRecordBefore)
            var accepted: [(copy: ImportedCopy, register: Register, number: Int64?, barcode: String?)] = []
            for copy in record.copies {
                guard let accession = copy.accession else {
                    let code = copy.registerCode ?? record.kind.flatMap(Self.defaultRegisterCode(for:))
                    guard let code, let register = registers.first(where: { $0.code == code.uppercased() }) else {
                        problem(copy.line, "không có sổ đăng ký \(copy.registerCode ?? "") để đánh số", "no register \(copy.registerCode ?? "") to number it in")
                        continue
                    }
                    // A title row without numbers is imported once: its record there means it was.
                    if existing != nil {
                        outcome.unchanged += copy.count
                        continue
                    }
                    accepted.append((copy, register, nil, copy.barcode))
                    continue
                }
                guard let register = register(forPrefix: accession.prefix) else {
                    problem(copy.line, "không có sổ đăng ký mang tiền tố \(accession.prefix)", "no register has the prefix \(accession.prefix)")
                    continue
                }
                let text = register.format(accession.number)
                if let line = try Int.fetchOne(numberLine, arguments: [register.code, accession.number]) {
                    problem(copy.line, "số ĐKCB \(text) đã có ở dòng \(line)", "the accession number \(text) is on line \(line) too")
                    continue
                }
                if let title = try String.fetchOne(numberTitle, arguments: [register.code, accession.number]) {
                    if VietnameseText.fold(title) == VietnameseText.fold(record.title) {
                        outcome.unchanged += 1
                    } else {
                        problem(copy.line, "số ĐKCB \(text) đã là của “\(title)”", "the accession number \(text) is already “\(title)”")
                    }
                    continue
                }
                // The barcode: the given one, else the accession number's text (as intake prints it).
                accepted.append((copy, register, accession.number, copy.barcode ?? text))
            }
            var recordID = existing
            for (copy, register, number, barcode) in accepted {
                if let barcode {
                    if let line = try Int.fetchOne(barcodeLine, arguments: [barcode]) {
                        problem(copy.line, "mã vạch \(barcode) đã có ở dòng \(line)", "the barcode \(barcode) is on line \(line) too")
                        continue
                    }
                    if try Bool.fetchOne(barcodeTaken, arguments: [barcode, barcode]) == true {
                        problem(copy.line, "mã vạch \(barcode) đã có trong cơ sở dữ liệu", "the barcode \(barcode) is already in the database")
                        continue
                    }
                }
                if recordID == nil {
                    recordID = try insertRecord(db, record, createdAt: createdAt)
                    outcome.created["records", default: 0] += 1
                }
                try stage.execute(arguments: [
                    copy.line, recordID, register.code, number, number == nil ? copy.count : 1, barcode, copy.receivedOn ?? today,
                    (copy.source ?? .purchase).rawValue, copy.document, copy.generalRegister, copy.location, copy.price ?? record.price,
                    (copy.status ?? .available).rawValue, record.callNumber?.sortKey,
                ])
            }
        }
        outcome.problems = problems.sorted { $0.line < $1.line }
        outcome.skippedLines = Array(Set(problems.map(\.line))).sorted()
        guard problems.isEmpty || skipBadRows else {
            outcome.created = ["records": 0, "copies": 0]
            return outcome
        }
        // Copies without a number take numbers after the highest of their register, imported
        // ones included, in the order of the file; such a copy brings only the barcode it was given.
        var next: [String: Int64] = Dictionary(uniqueKeysWithValues: registers.map { ($0.code, $0.nextNumber) })
        for row in try Row.fetchAll(db, sql: "SELECT register_code, MAX(number) AS highest FROM import_copy WHERE number IS NOT NULL GROUP BY register_code") {
            let code: String = row["register_code"]
            next[code] = max(next[code] ?? 1, (row["highest"] as Int64) + 1)
        }
        let waiting = try Row.fetchAll(db, sql: "SELECT rowid, register_code, count, barcode FROM import_copy WHERE number IS NULL ORDER BY rowid")
        let number = try db.makeStatement(sql: "UPDATE import_copy SET number = ?, count = 1, barcode = ? WHERE rowid = ?")
        let another = try db.makeStatement(
            sql: """
                INSERT INTO import_copy (line, record_id, register_code, number, count, barcode, received_on, source, document_ref,
                    general_register, location, price, status, call_sort_key)
                SELECT line, record_id, register_code, ?, 1, ?, received_on, source, document_ref, general_register, location, price, status,
                    call_sort_key FROM import_copy WHERE rowid = ?
                """)
        for row in waiting {
            let code: String = row["register_code"]
            guard let register = registers.first(where: { $0.code == code }) else { continue }
            for copy in 0..<(row["count"] as Int) {
                let assigned = next[code] ?? 1
                next[code] = assigned + 1
                let barcode = copy == 0 ? (row["barcode"] as String?) ?? register.format(assigned) : register.format(assigned)
                try (copy == 0 ? number : another).execute(arguments: [assigned, barcode, row["rowid"]])
            }
        }
        // The intakes: one per run of consecutive numbers of one register, day, source, document
        // and old general-register number (the general register's line needs a range); then
        // their copies, in number order.
        let runs = try Row.fetchAll(
            db,
            sql: """
                SELECT register_code, received_on, source, document_ref, general_register, MIN(number) AS first, MAX(number) AS last,
                    COUNT(*) AS copies, COALESCE(SUM(price), 0) AS total
                FROM (SELECT *, number - ROW_NUMBER() OVER (
                        PARTITION BY register_code, received_on, source, document_ref, general_register ORDER BY number) AS run
                    FROM import_copy)
                GROUP BY register_code, received_on, source, document_ref, general_register, run
                ORDER BY register_code, received_on, first
                """)
        let batch = try db.makeStatement(
            sql: """
                INSERT INTO batch (register_code, received_on, source, document_ref, copies, unit_price, total_value, first_number, last_number, note, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let items = try db.makeStatement(
            sql: """
                INSERT INTO item (register_code, number, barcode, record_id, batch_id, call_sort_key, location, price, status)
                SELECT register_code, number, barcode, record_id, ?, call_sort_key, location, price, status
                FROM import_copy WHERE register_code = ? AND number BETWEEN ? AND ? ORDER BY number
                """)
        for run in runs {
            let copies: Int64 = run["copies"]
            let total: Int64 = run["total"]
            let note = (run["general_register"] as String?).map { "Số vào sổ tổng quát cũ: \($0)" }
            try batch.execute(arguments: [
                run["register_code"], run["received_on"], run["source"], run["document_ref"], copies, total / copies, total, run["first"], run["last"],
                note, createdAt,
            ])
            try items.execute(arguments: [db.lastInsertedRowID, run["register_code"], run["first"], run["last"]])
            outcome.created["copies", default: 0] += Int(copies)
        }
        for (code, number) in next where registers.contains(where: { $0.code == code && $0.nextNumber < number }) {
            try db.execute(sql: "UPDATE register SET next_number = ? WHERE code = ? AND next_number < ?", arguments: [number, code, number])
            outcome.registers[code] = number
        }
        return outcome
    }

    /// The register a title row of this kind is numbered in when the file names none.
    public static func defaultRegisterCode(for kind: MaterialKind) -> String? {
        switch kind {
        case .textbook: "SGK"
        case .professional: "SNV"
        case .reference: "STK"
        case .children: "TN"
        default: nil
        }
    }

    /// A record already in the database for this title, up to `madeBefore` (not one the import
    /// itself made): the same ISBN, or the same title, authors, publisher and year.
    static func matchingRecord(_ db: Database, _ record: ImportedRecord, madeBefore last: Int64) throws -> Int64? {
        if let isbn = record.isbn {
            return try Int64.fetchOne(
                db, sql: "SELECT id FROM record WHERE isbn = ? AND id <= ? ORDER BY id LIMIT 1", arguments: [isbn, last])
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT id, title, authors, publisher, year FROM record WHERE title = ? AND id <= ?", arguments: [record.title, last])
        {
            var found = ImportedRecord(title: row["title"])
            found.authors = ImportValues.authors(row["authors"])
            found.publisher = row["publisher"]
            found.year = row["year"]
            if found.key == record.key { return row["id"] }
        }
        return nil
    }

    static func insertRecord(_ db: Database, _ record: ImportedRecord, createdAt: String) throws -> Int64 {
        try insertRecord(
            db,
            NewRecord(
                title: record.title, authors: record.authors, publisher: record.publisher, year: record.year, isbn: record.isbn,
                language: record.language, callNumber: record.callNumber, subject: record.subject, grade: record.grade, kind: record.kind ?? .other,
                price: record.price, notes: record.notes), createdAt: createdAt)
    }
}
