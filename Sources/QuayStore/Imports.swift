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
    /// Creates the records and copies of an import in one transaction (SPEC §10): a copy keeps
    /// its number as it is on the spine; each register's next number moves past the highest
    /// imported; a number or barcode already in the database for something else is a problem of
    /// its row. With problems (`earlier` ones from reading the file included) nothing is written
    /// unless `skipBadRows`, and then exactly those rows are left out. `dryRun` rolls back.
    public func importCatalogue(
        _ records: [ImportedRecord], earlier: [ImportProblem], dryRun: Bool, skipBadRows: Bool, receivedOn today: String, at now: Date
    ) async throws -> ImportOutcome {
        try await importTransaction(dryRun: dryRun, skipBadRows: skipBadRows) { db, goOn in
            try Self.importCatalogue(db, records, earlier: earlier, skipBadRows: goOn, receivedOn: today, at: now)
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

    private struct NewCopy {
        var record: Int
        var copy: ImportedCopy
        var register: Register
        var number: Int64
    }

    private static func importCatalogue(
        _ db: Database, _ records: [ImportedRecord], earlier: [ImportProblem], skipBadRows: Bool, receivedOn today: String, at now: Date
    ) throws -> ImportOutcome {
        var outcome = ImportOutcome()
        outcome.created = ["records": 0, "copies": 0]
        var problems = earlier
        let registers = try Row.fetchAll(db, sql: "SELECT code, name, prefix, separator, width, next_number FROM register").map(register(from:))
        func register(forPrefix prefix: String) -> Register? {
            registers.first { $0.prefix.uppercased() == prefix.uppercased() } ?? registers.first { $0.code == prefix.uppercased() }
        }
        func problem(_ line: Int, _ vi: String, _ en: String) {
            problems.append(ImportProblem(line: line, reason: Bilingual(vi: vi, en: en)))
        }
        var numbered: [NewCopy] = []
        var unnumbered: [NewCopy] = []
        var taken: [String: Int] = [:]  // "CODE#number" and barcodes seen in the file, with their line
        var existingRecord: [Int: Int64] = [:]
        for (index, record) in records.enumerated() {
            if let id = try Self.matchingRecord(db, record) { existingRecord[index] = id }
            for copy in record.copies {
                guard let accession = copy.accession else {
                    let code = copy.registerCode ?? record.kind.flatMap(Self.defaultRegisterCode(for:))
                    guard let code, let register = registers.first(where: { $0.code == code.uppercased() }) else {
                        problem(copy.line, "không có sổ đăng ký \(copy.registerCode ?? "") để đánh số", "no register \(copy.registerCode ?? "") to number it in")
                        continue
                    }
                    // A title row without numbers is imported once: its record there means it was.
                    if existingRecord[index] != nil {
                        outcome.unchanged += copy.count
                        continue
                    }
                    unnumbered.append(NewCopy(record: index, copy: copy, register: register, number: 0))
                    continue
                }
                guard let register = register(forPrefix: accession.prefix) else {
                    problem(copy.line, "không có sổ đăng ký mang tiền tố \(accession.prefix)", "no register has the prefix \(accession.prefix)")
                    continue
                }
                let text = register.format(accession.number)
                if let line = taken["\(register.code)#\(accession.number)"] {
                    problem(copy.line, "số ĐKCB \(text) đã có ở dòng \(line)", "the accession number \(text) is on line \(line) too")
                    continue
                }
                taken["\(register.code)#\(accession.number)"] = copy.line
                if let existing = try Row.fetchOne(
                    db, sql: "SELECT r.title FROM item i JOIN record r ON r.id = i.record_id WHERE i.register_code = ? AND i.number = ?",
                    arguments: [register.code, accession.number])
                {
                    let title: String = existing["title"]
                    if VietnameseText.fold(title) == VietnameseText.fold(record.title) {
                        outcome.unchanged += 1
                    } else {
                        problem(copy.line, "số ĐKCB \(text) đã là của “\(title)”", "the accession number \(text) is already “\(title)”")
                    }
                    continue
                }
                numbered.append(NewCopy(record: index, copy: copy, register: register, number: accession.number))
            }
        }
        // Barcodes: the given one, else the accession number's text (as intake prints it); a copy
        // numbered on import brings only the one it was given.
        var accepted: [NewCopy] = []
        var waiting: [NewCopy] = []
        for new in numbered + unnumbered {
            guard new.number > 0 || new.copy.barcode != nil else {
                waiting.append(new)
                continue
            }
            let barcode = new.copy.barcode ?? new.register.format(new.number)
            if let line = taken[barcode] {
                problem(new.copy.line, "mã vạch \(barcode) đã có ở dòng \(line)", "the barcode \(barcode) is on line \(line) too")
                continue
            }
            taken[barcode] = new.copy.line
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM item WHERE barcode = ? UNION ALL SELECT 1 FROM equipment_unit WHERE barcode = ?", arguments: [barcode, barcode]) == true {
                problem(new.copy.line, "mã vạch \(barcode) đã có trong cơ sở dữ liệu", "the barcode \(barcode) is already in the database")
                continue
            }
            if new.number > 0 { accepted.append(new) } else { waiting.append(new) }
        }
        // Unnumbered copies take numbers after the highest of their register, imported ones included.
        var next: [String: Int64] = Dictionary(uniqueKeysWithValues: registers.map { ($0.code, $0.nextNumber) })
        for new in accepted { next[new.register.code] = max(next[new.register.code] ?? 1, new.number + 1) }
        for new in waiting {
            for _ in 0..<new.copy.count {
                var copy = new
                copy.number = next[new.register.code] ?? 1
                next[new.register.code] = copy.number + 1
                copy.copy.count = 1
                accepted.append(copy)
            }
        }
        outcome.problems = problems.sorted { $0.line < $1.line }
        outcome.skippedLines = Array(Set(problems.map(\.line))).sorted()
        guard problems.isEmpty || skipBadRows else { return outcome }
        // The records, then the intakes (one per contiguous run of numbers of one register, day,
        // source and document: the general register's line needs a range), then the copies.
        var recordIDs: [Int: Int64] = existingRecord
        let createdAt = Timestamp.format(now)
        for index in Set(accepted.map(\.record)).sorted() where recordIDs[index] == nil {
            recordIDs[index] = try insertRecord(db, records[index], createdAt: createdAt)
            outcome.created["records", default: 0] += 1
        }
        let ordered = accepted.sorted {
            ($0.register.code, $0.copy.receivedOn ?? today, $0.number) < ($1.register.code, $1.copy.receivedOn ?? today, $1.number)
        }
        var run: [NewCopy] = []
        func flush() throws {
            guard let first = run.first, let last = run.last else { return }
            let total = run.reduce(Int64(0)) { $0 + ($1.copy.price ?? records[$1.record].price ?? 0) }
            let note = first.copy.generalRegister.map { "Số vào sổ tổng quát cũ: \($0)" }
            try db.execute(
                sql: """
                    INSERT INTO batch (register_code, received_on, source, document_ref, copies, unit_price, total_value, first_number, last_number, note, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    first.register.code, first.copy.receivedOn ?? today, (first.copy.source ?? .purchase).rawValue, first.copy.document, run.count,
                    total / Int64(run.count), total, first.number, last.number, note, createdAt,
                ])
            let batch = db.lastInsertedRowID
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO item (register_code, number, barcode, record_id, batch_id, call_sort_key, location, price, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for new in run {
                let record = records[new.record]
                try insert.execute(arguments: [
                    new.register.code, new.number, new.copy.barcode ?? new.register.format(new.number), recordIDs[new.record], batch,
                    record.callNumber?.sortKey, new.copy.location, new.copy.price ?? record.price, (new.copy.status ?? .available).rawValue,
                ])
            }
            outcome.created["copies", default: 0] += run.count
            run = []
        }
        for new in ordered {
            if let last = run.last,
                last.register.code != new.register.code || last.number + 1 != new.number || last.copy.receivedOn != new.copy.receivedOn
                    || last.copy.source != new.copy.source || last.copy.document != new.copy.document
                    || last.copy.generalRegister != new.copy.generalRegister
            {
                try flush()
            }
            run.append(new)
        }
        try flush()
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

    /// A record already in the database for this title: the same ISBN, or the same title,
    /// authors, publisher and year.
    static func matchingRecord(_ db: Database, _ record: ImportedRecord) throws -> Int64? {
        if let isbn = record.isbn {
            return try Int64.fetchOne(db, sql: "SELECT id FROM record WHERE isbn = ? ORDER BY id LIMIT 1", arguments: [isbn])
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, title, authors, publisher, year FROM record WHERE title = ?", arguments: [record.title]) {
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
