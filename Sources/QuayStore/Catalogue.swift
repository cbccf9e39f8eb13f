import Foundation
import GRDB
import QuayCore

/// A new title as staff enter it at intake. Text is NFC; the ISBN already ISBN-13.
public struct NewRecord: Sendable {
    public var title: String
    public var authors: [String]
    public var publisher: String?
    public var year: Int?
    public var isbn: String?
    public var language: String?
    public var callNumber: CallNumber?
    public var subject: String?
    public var grade: Int?
    public var kind: MaterialKind
    public var price: Int64?
    public var notes: String?

    public init(
        title: String, authors: [String] = [], publisher: String? = nil, year: Int? = nil, isbn: String? = nil,
        language: String? = nil, callNumber: CallNumber? = nil, subject: String? = nil, grade: Int? = nil,
        kind: MaterialKind = .other, price: Int64? = nil, notes: String? = nil
    ) {
        self.title = title
        self.authors = authors
        self.publisher = publisher
        self.year = year
        self.isbn = isbn
        self.language = language
        self.callNumber = callNumber
        self.subject = subject
        self.grade = grade
        self.kind = kind
        self.price = price
        self.notes = notes
    }
}

/// One intake (SPEC §2 flow 2): a title, how many copies, into which register.
public struct Intake: Sendable {
    public var registerCode: String
    public var copies: Int
    public var record: NewRecord
    public var source: IntakeSource
    public var documentRef: String?
    /// `yyyy-mm-dd`.
    public var receivedOn: String
    public var location: String?
    public var note: String?

    public static let maxCopies = 100_000

    public init(
        registerCode: String, copies: Int, record: NewRecord, source: IntakeSource = .purchase,
        documentRef: String? = nil, receivedOn: String, location: String? = nil, note: String? = nil
    ) {
        self.registerCode = registerCode
        self.copies = copies
        self.record = record
        self.source = source
        self.documentRef = documentRef
        self.receivedOn = receivedOn
        self.location = location
        self.note = note
    }
}

extension QuayDatabase {
    /// Allocates `copies` consecutive accession numbers in the register, files the batch in
    /// the general register, creates the record and the items — one transaction (SPEC §6.1).
    /// Writes are serialised by the pool's single writer, and UNIQUE(register, number) holds
    /// even if they were not, so two intakes can never share or skip a number.
    public func intake(_ intake: Intake, at now: Date) async throws -> IntakeResult {
        guard (1...Intake.maxCopies).contains(intake.copies) else {
            throw StoreError(code: .invalidArgument, reason: "copies must be from 1 to \(Intake.maxCopies)")
        }
        if let price = intake.record.price, !Money.isValid(price) {
            throw StoreError(code: .invalidArgument, reason: "price must be from 0 to \(Money.maxAmount) đồng, not \(price)")
        }
        let createdAt = Timestamp.format(now)
        return try await pool.write { db in
            guard let register = try Self.register(db, code: intake.registerCode) else {
                throw StoreError(code: .unknownRegister, reason: intake.registerCode)
            }
            guard let range = register.allocation(intake.copies) else {
                throw StoreError(code: .invalidArgument, reason: "register \(register.code) has no numbers left")
            }
            let (first, last) = (range.lowerBound, range.upperBound)
            try db.execute(
                sql: "UPDATE register SET next_number = ? WHERE code = ?", arguments: [last + 1, register.code])
            let record = intake.record
            let callNumber = record.callNumber
            let recordID = try Self.insertRecord(db, record, createdAt: createdAt)
            // Both bounded above (Money.maxAmount, Intake.maxCopies): the product fits.
            let unitPrice = record.price ?? 0
            try db.execute(
                sql: """
                    INSERT INTO batch (register_code, received_on, source, document_ref, copies, unit_price, total_value,
                        first_number, last_number, note, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    register.code, intake.receivedOn, intake.source.rawValue, intake.documentRef, intake.copies,
                    unitPrice, unitPrice * Int64(intake.copies), first, last, intake.note, createdAt,
                ])
            let batchID = db.lastInsertedRowID
            let insertItem = try db.cachedStatement(
                sql: """
                    INSERT INTO item (register_code, number, barcode, record_id, batch_id, call_sort_key, location, price)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let listed = intake.copies <= IntakeResult.maxListed
            var numbers: [String] = []
            numbers.reserveCapacity(listed ? intake.copies : 0)
            for number in first...last {
                let accession = register.format(number)
                if listed { numbers.append(accession) }
                do {
                    try insertItem.execute(arguments: [
                        register.code, number, accession, recordID, batchID, callNumber?.sortKey, intake.location,
                        record.price,
                    ])
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    // A pre-printed barcode already carries this text.
                    throw StoreError(code: .duplicateBarcode, reason: accession)
                }
            }
            return IntakeResult(
                batchID: batchID, recordID: recordID, registerCode: register.code, firstNumber: first, lastNumber: last,
                accessionNumbers: numbers, firstAccession: register.format(first), lastAccession: register.format(last),
                callNumber: callNumber?.text)
        }
    }

    /// A new record and its search text.
    static func insertRecord(_ db: Database, _ record: NewRecord, createdAt: String) throws -> Int64 {
        let callNumber = record.callNumber
        try db.execute(
            sql: """
                INSERT INTO record (title, authors, publisher, year, isbn, language, class_number, author_mark,
                    call_number, call_sort_key, subject, grade, kind, price, notes, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.title, record.authors.joined(separator: "; "), record.publisher, record.year, record.isbn,
                record.language, callNumber?.classNumber, callNumber?.authorMark, callNumber?.text,
                callNumber?.sortKey, record.subject, record.grade, record.kind.rawValue, record.price, record.notes,
                createdAt,
            ])
        let recordID = db.lastInsertedRowID
        try db.execute(sql: "INSERT INTO record_search (rowid, folded) VALUES (?, ?)", arguments: [recordID, searchText(record)])
        return recordID
    }

    static func searchText(_ record: NewRecord) -> String {
        VietnameseText.fold(([record.title] + record.authors + [record.publisher, record.subject].compactMap { $0 })
            .joined(separator: " "))
    }

    static func register(_ db: Database, code: String) throws -> Register? {
        try Row.fetchOne(
            db, sql: "SELECT code, name, prefix, separator, width, next_number FROM register WHERE code = ?",
            arguments: [code.uppercased()]
        ).map(Self.register(from:))
    }

    static func register(from row: Row) -> Register {
        Register(
            code: row["code"], name: row["name"], prefix: row["prefix"], separator: row["separator"],
            width: row["width"], nextNumber: row["next_number"])
    }

    /// Every register with its next number and how many copies it has numbered.
    public func registers() async throws -> [(register: Register, items: Int64)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.code, r.name, r.prefix, r.separator, r.width, r.next_number,
                        (SELECT COUNT(*) FROM item i WHERE i.register_code = r.code) AS items
                    FROM register r ORDER BY r.code
                    """
            ).map { (Self.register(from: $0), $0["items"] as Int64) }
        }
    }
}
