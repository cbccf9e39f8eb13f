import Foundation
import GRDB
import QuayCore

/// A title as the catalogue export writes it (SPEC §10): what staff entered, as stored.
public struct ExportedRecord: Sendable, Equatable {
    public var id: Int64
    public var title: String
    /// The authors, the main one first (the store keeps them as one text, joined by "; ").
    public var authors: [String]
    public var publisher: String?
    public var year: Int?
    public var isbn: String?
    public var language: String?
    public var classNumber: String?
    public var authorMark: String?
    public var callNumber: String?
    public var subject: String?
    public var grade: Int?
    /// `MaterialKind`'s raw value, as stored.
    public var kind: String
    public var price: Int64?
    public var notes: String?
    /// The day the record was made (`yyyy-mm-dd`).
    public var createdOn: String
}

/// One copy as the catalogue export writes it, with its intake (the general register's line).
public struct ExportedCopy: Sendable, Equatable {
    public var id: Int64
    public var registerCode: String
    /// The accession number as printed (số ĐKCB): `STK.000123`.
    public var accession: String
    public var barcode: String
    /// The copy's own price; nil when it has none (the record's then stands).
    public var price: Int64?
    public var location: String?
    /// `ItemStatus`'s raw value.
    public var status: String
    public var note: String?
    public var batch: Int64
    public var receivedOn: String
    /// `IntakeSource`'s raw value.
    public var source: String
    public var document: String?
}

/// A line of the equipment export: a tagged unit (with its type), or a type tracked by
/// quantity — or a type tracked by unit that has no unit yet, so that no type is left out.
public struct ExportedEquipment: Sendable, Equatable {
    public var code: String
    public var name: String
    public var subject: String?
    public var grades: String?
    public var unit: String
    /// `unit` or `quantity`.
    public var tracking: String
    /// On hand, for a type tracked by quantity; nil on a unit's line.
    public var quantity: Int64?
    /// The unit's room, else the type's.
    public var room: String?
    public var value: Int64?
    public var expiresOn: String?
    /// The unit's asset number as printed (`TB.000001`), its barcode, condition and status; nil
    /// on a type's own line.
    public var assetNumber: String?
    public var barcode: String?
    public var condition: String?
    public var status: String?
}

extension QuayDatabase {
    /// Every copy with its title and intake, by title and then copy, from one read transaction:
    /// a cursor, never the catalogue in memory. A title's copies come one after the other, so a
    /// MARC writer holds one title at a time. Synchronous, like the reports: the daemon runs it
    /// on a thread of its own.
    public func exportCatalogue(_ body: (ExportedRecord, ExportedCopy) throws -> Void) throws {
        // Columns by position (the SELECT's order), as the accession register reads them.
        try readReport((Self.catalogueExportSQL, [])) { row in
            let authors: String = row[2]
            let createdAt: String = row[15]
            let record = ExportedRecord(
                id: row[0], title: row[1],
                authors: authors.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                publisher: row[3], year: row[4], isbn: row[5], language: row[6], classNumber: row[7], authorMark: row[8], callNumber: row[9],
                subject: row[10], grade: row[11], kind: row[12], price: row[13], notes: row[14], createdOn: String(createdAt.prefix(10)))
            let register = Register(code: row[17], name: "", prefix: row[18], separator: row[19], width: row[20], nextNumber: 0)
            let copy = ExportedCopy(
                id: row[16], registerCode: register.code, accession: register.format(row[21]), barcode: row[22], price: row[23], location: row[24],
                status: row[25], note: row[26], batch: row[27], receivedOn: row[28], source: row[29], document: row[30])
            try body(record, copy)
        }
    }

    /// By `item_record` (record_id, then rowid): the copies of a title together, no sort.
    static let catalogueExportSQL = """
        SELECT r.id, r.title, r.authors, r.publisher, r.year, r.isbn, r.language, r.class_number, r.author_mark, r.call_number,
            r.subject, r.grade, r.kind, r.price, r.notes, r.created_at,
            i.id, g.code, g.prefix, g.separator, g.width, i.number, i.barcode, i.price, i.location, i.status, i.note,
            b.id, b.received_on, b.source, b.document_ref
        FROM item i JOIN record r ON r.id = i.record_id JOIN batch b ON b.id = i.batch_id
        JOIN register g ON g.code = i.register_code
        ORDER BY i.record_id, i.id
        """

    /// Every borrower, in the order they were added (class lists come in as they were typed).
    public func exportPatrons(_ body: (PatronView) throws -> Void) throws {
        try readReport((Self.patronExportSQL, [])) { row in try body(Self.patronView(row)) }
    }

    static let patronExportSQL = "SELECT \(patronColumns) ORDER BY p.id"

    /// The equipment catalogue by code, each type tracked by unit followed by its units in
    /// number order (`equipment_unit_type`).
    public func exportEquipment(_ body: (ExportedEquipment) throws -> Void) throws {
        try readReport((Self.equipmentExportSQL, [])) { row in
            let number: Int64? = row[10]
            let register: Register? = number == nil ? nil : Register(code: "", name: "", prefix: row[11], separator: row[12], width: row[13], nextNumber: 0)
            let tracking: String = row[5]
            try body(
                ExportedEquipment(
                    code: row[0], name: row[1], subject: row[2], grades: row[3], unit: row[4], tracking: tracking,
                    quantity: tracking == "quantity" ? row[6] : nil, room: (row[17] as String?) ?? row[7], value: row[8], expiresOn: row[9],
                    assetNumber: number.flatMap { number in register?.format(number) }, barcode: row[14], condition: row[15], status: row[16]))
        }
    }

    static let equipmentExportSQL = """
        SELECT t.code, t.name, t.subject, t.grades, t.unit, t.tracking, t.quantity, t.room, t.value, t.expires_on,
            u.number, g.prefix, g.separator, g.width, u.barcode, u.condition, u.status, u.room
        FROM equipment_type t LEFT JOIN equipment_unit u ON u.type_code = t.code AND t.tracking = 'unit'
        LEFT JOIN register g ON g.code = u.register_code
        ORDER BY t.code, u.number, u.id
        """

    /// `EXPLAIN QUERY PLAN` of the exports' queries, for the test that they stream in an index's
    /// order (no temporary B-tree holding the whole catalogue for a sort).
    public func exportQueryPlans() throws -> [String: [String]] {
        let queries = ["catalogue": Self.catalogueExportSQL, "patrons": Self.patronExportSQL, "equipment": Self.equipmentExportSQL]
        return try pool.read { db in
            try queries.mapValues { sql in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String } }
        }
    }
}
