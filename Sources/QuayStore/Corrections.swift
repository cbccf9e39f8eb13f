import Foundation
import GRDB
import QuayCore

/// A field of a correction: left as it is, set, or cleared.
public enum Edit<Value: Sendable>: Sendable {
    case keep
    case set(Value)
    case clear

    /// `value` when given, else `.clear` when the field is named in `clear`, else `.keep`.
    public init(_ value: Value?, clearing: Bool) {
        if let value { self = .set(value) } else { self = clearing ? .clear : .keep }
    }

    var isKept: Bool {
        if case .keep = self { return true }
        return false
    }

    func map<T>(_ transform: (Value) throws -> T) rethrows -> Edit<T> {
        switch self {
        case .keep: .keep
        case .set(let value): .set(try transform(value))
        case .clear: .clear
        }
    }

    /// The assignment of `column`, or nothing to do.
    func assignment(_ column: String) -> Assignment? where Value: DatabaseValueConvertible {
        switch self {
        case .keep: nil
        case .set(let value): Assignment(column, value)
        case .clear: Assignment(column, nil as String?)
        }
    }
}

/// A correction of a record (đầu sách): the call number follows its class number and author mark.
public struct RecordCorrection: Sendable {
    public var title = Edit<String>.keep
    public var authors = Edit<[String]>.keep
    public var publisher = Edit<String>.keep
    public var year = Edit<Int>.keep
    public var isbn = Edit<String>.keep
    public var classNumber = Edit<String>.keep
    public var authorMark = Edit<String>.keep
    public var subject = Edit<String>.keep
    public var grade = Edit<Int>.keep
    public var kind = Edit<MaterialKind>.keep
    public var price = Edit<Int64>.keep
    public var notes = Edit<String>.keep

    public init() {}
}

/// A correction of a copy. Its accession number never changes (SPEC §4); its barcode may.
public struct ItemCorrection: Sendable {
    public var location = Edit<String>.keep
    public var barcode = Edit<String>.keep
    public var price = Edit<Int64>.keep
    public var condition = Edit<String>.keep
    public var note = Edit<String>.keep

    public init() {}
}

/// A correction of a patron; a new card retires the old one.
public struct PatronCorrection: Sendable {
    public var name = Edit<String>.keep
    /// The class in the patron's school year (or `schoolYear` when given).
    public var className = Edit<String>.keep
    public var schoolYear: String?
    public var kind = Edit<PatronKind>.keep
    public var newCard = Edit<String>.keep

    public init() {}
}

public struct ClassCorrection: Sendable {
    public var name = Edit<String>.keep
    public var homeroomTeacher = Edit<String>.keep

    public init() {}
}

/// A correction of an equipment type (name, room, value, expiry date…) or of a unit (room, condition).
public struct EquipmentCorrection: Sendable {
    public var name = Edit<String>.keep
    public var subject = Edit<String>.keep
    public var grades = Edit<String>.keep
    public var unit = Edit<String>.keep
    public var room = Edit<String>.keep
    public var value = Edit<Int64>.keep
    public var expiresOn = Edit<String>.keep

    public init() {}
}

public struct UnitCorrection: Sendable {
    public var room = Edit<String>.keep
    public var condition = Edit<String>.keep

    public init() {}
}

extension QuayDatabase {
    /// Corrects a record: one transaction, one audit line; a class number that does not parse
    /// refuses the whole correction. The copies' shelf order follows a new call number.
    public func correctRecord(id: Int64, _ correction: RecordCorrection, _ context: ChangeContext) async throws -> ChangeResult {
        try await change { db in
            guard let current = try Row.fetchOne(
                db, sql: "SELECT title, authors, publisher, subject, class_number, author_mark FROM record WHERE id = ?", arguments: [id])
            else { throw StoreError(code: .notFound, reason: "record \(id)") }
            var assignments: [Assignment] = [
                correction.title.assignment("title"), correction.authors.map { $0.joined(separator: "; ") }.assignment("authors"),
                correction.publisher.assignment("publisher"), correction.year.assignment("year"), correction.isbn.assignment("isbn"),
                correction.subject.assignment("subject"), correction.grade.assignment("grade"),
                correction.kind.map(\.rawValue).assignment("kind"), correction.price.assignment("price"),
                correction.notes.assignment("notes"),
            ].compactMap { $0 }
            if case .clear = correction.authors { assignments.append(Assignment("authors", "")) }
            assignments.removeAll { $0.column == "authors" && $0.value == .null }
            var sortKey: String?? = nil
            if !correction.classNumber.isKept || !correction.authorMark.isKept {
                let classNumber: String?
                switch correction.classNumber {
                case .keep: classNumber = current["class_number"]
                case .set(let text): classNumber = text
                case .clear: classNumber = nil
                }
                var mark: String?
                switch correction.authorMark {
                case .keep: mark = current["author_mark"]
                case .set(let text): mark = text.uppercased()
                case .clear: mark = nil
                }
                var callNumber: CallNumber? = nil
                if let classNumber {
                    do {
                        callNumber = try CallNumber.parse(classNumber)
                    } catch let error as CallNumber.ParseError {
                        throw StoreError(code: .invalidCallNumber, reason: error.description)
                    }
                    if let mark { callNumber?.authorMark = mark }
                } else if mark != nil, !correction.authorMark.isKept {
                    throw StoreError(code: .invalidArgument, reason: "author_mark needs class_number")
                }
                assignments += [
                    Assignment("class_number", callNumber?.classNumber), Assignment("author_mark", callNumber?.authorMark),
                    Assignment("call_number", callNumber?.text),
                ]
                sortKey = .some(callNumber?.sortKey)
            }
            let result = try Self.audited(db, context, op: "record.update", target: "r\(id)") {
                let changes = try Self.update(db, table: "record", rowID: id, assignments)
                if let change = changes["kind"], case .text(let old) = change.before, case .text(let new) = change.after {
                    // Limits count open loans per material kind: the record's open loans move with it.
                    for open in try Row.fetchAll(
                        db, sql: "SELECT l.patron_id, l.class_id FROM loan l JOIN item i ON i.id = l.item_id WHERE i.record_id = ? AND l.returned_at IS NULL",
                        arguments: [id])
                    {
                        try Self.countOpenLoan(db, open, MaterialKind(rawValue: old) ?? .other, by: -1)
                        try Self.countOpenLoan(db, open, MaterialKind(rawValue: new) ?? .other, by: 1)
                    }
                }
                if let sortKey, changes["call_number"] != nil {
                    try db.execute(sql: "UPDATE record SET call_sort_key = ? WHERE id = ?", arguments: [sortKey, id])
                    try db.execute(sql: "UPDATE item SET call_sort_key = ? WHERE record_id = ?", arguments: [sortKey, id])
                }
                return changes
            }
            if !result.changes.isEmpty {
                let row = try Row.fetchOne(db, sql: "SELECT title, authors, publisher, subject FROM record WHERE id = ?", arguments: [id])!
                let authors = (row["authors"] as String).split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                try db.execute(
                    sql: "UPDATE record_search SET folded = ? WHERE rowid = ?",
                    arguments: [
                        Self.searchText(NewRecord(title: row["title"], authors: authors, publisher: row["publisher"], subject: row["subject"])), id,
                    ])
            }
            return result
        }
    }

    /// Corrects a copy (by barcode or accession number): location, barcode, price, condition, note.
    public func correctItem(scanned: String, _ correction: ItemCorrection, _ context: ChangeContext) async throws -> ChangeResult {
        try await change { db in
            let item = try Self.circulationItem(db, scanned: scanned)
            if case .set(let barcode) = correction.barcode,
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE barcode = ? AND id != ?) OR EXISTS (SELECT 1 FROM equipment_unit WHERE barcode = ?)",
                    arguments: [barcode, item.id, barcode]) == true
            {
                throw StoreError(code: .duplicateBarcode, reason: barcode)
            }
            if case .clear = correction.barcode { throw StoreError(code: .invalidArgument, reason: "a copy always has a barcode") }
            return try Self.audited(db, context, op: "item.update", target: "b\(item.id)") {
                try Self.update(
                    db, table: "item", rowID: item.id,
                    [
                        correction.location.assignment("location"), correction.barcode.assignment("barcode"),
                        correction.price.assignment("price"), correction.condition.assignment("condition"), correction.note.assignment("note"),
                    ].compactMap { $0 })
            }
        }
    }

    /// Corrects a patron: name (the sort key and search follow), class, kind, and a new card —
    /// the old card is kept as retired, refused at the desk from then on, never reissued.
    public func correctPatron(card: String, _ correction: PatronCorrection, _ context: ChangeContext) async throws -> ChangeResult {
        try await change { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, school_year FROM patron WHERE card = ?", arguments: [card]) else {
                throw StoreError(code: .unknownPatron, reason: card)
            }
            let id: Int64 = row["id"]
            var assignments: [Assignment] = []
            if case .set(let name) = correction.name {
                assignments += [Assignment("full_name", name), Assignment("name_sort_key", Data(VietnameseCollation.nameKey(name)))]
            }
            if case .clear = correction.name { throw StoreError(code: .invalidArgument, reason: "a patron always has a name") }
            if let kind = correction.kind.map(\.rawValue).assignment("kind") {
                guard kind.value != .null else { throw StoreError(code: .invalidArgument, reason: "a patron always has a kind") }
                assignments.append(kind)
            }
            let year = correction.schoolYear ?? row["school_year"] ?? SchoolYear.containing(context.at)
            switch correction.className {
            case .keep: break
            case .clear: assignments.append(Assignment("class_id", nil as Int64?))
            case .set(let name):
                guard let classID = try Self.classID(db, name: name, year: year, create: false) else {
                    throw StoreError(code: .unknownClass, reason: "\(name.uppercased()) \(year)")
                }
                assignments += [Assignment("class_id", classID), Assignment("school_year", year)]
            }
            if case .set(let newCard) = correction.newCard, newCard != card {
                if try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM patron WHERE card = ?) OR EXISTS (SELECT 1 FROM retired_card WHERE card = ?)",
                    arguments: [newCard, newCard]) == true
                {
                    throw StoreError(code: .duplicateCard, reason: newCard)
                }
                try db.execute(
                    sql: "INSERT INTO retired_card (card, patron_id, retired_at) VALUES (?, ?, ?)", arguments: [card, id, context.timestamp])
                assignments.append(Assignment("card", newCard))
            }
            let result = try Self.audited(db, context, op: "patron.update", target: "p\(id)") {
                var changes = try Self.update(
                    db, table: "patron", rowID: id, assignments, names: ["full_name": "name", "class_id": "class"])
                changes["name_sort_key"] = nil
                if let change = changes["class"] {
                    changes["class"] = AuditChange(
                        before: try Self.className(db, change.before), after: try Self.className(db, change.after))
                }
                return changes
            }
            let folded = try Row.fetchOne(db, sql: "SELECT full_name, card FROM patron WHERE id = ?", arguments: [id])!
            try db.execute(
                sql: "UPDATE patron_search SET folded = ? WHERE rowid = ?",
                arguments: [VietnameseText.fold((folded["full_name"] as String) + " " + (folded["card"] as String)), id])
            return result
        }
    }

    private static func className(_ db: Database, _ value: AuditValue) throws -> AuditValue {
        guard case .int(let id) = value, let row = try Row.fetchOne(db, sql: "SELECT name, school_year FROM class WHERE id = ?", arguments: [id])
        else { return value }
        return .text("\(row["name"] as String) \(row["school_year"] as String)")
    }

    /// Renames a class or sets its homeroom teacher.
    public func correctClass(name: String, schoolYear: String, _ correction: ClassCorrection, _ context: ChangeContext) async throws
        -> ChangeResult
    {
        try await change { db in
            guard let id = try Self.classID(db, name: name, year: schoolYear, create: false) else {
                throw StoreError(code: .unknownClass, reason: "\(name.uppercased()) \(schoolYear)")
            }
            var assignments: [Assignment] = []
            if case .set(let newName) = correction.name, newName.uppercased() != name.uppercased() {
                if try Self.classID(db, name: newName, year: schoolYear, create: false) != nil {
                    throw StoreError(code: .duplicateClass, reason: "\(newName.uppercased()) \(schoolYear)")
                }
                assignments += [Assignment("name", newName.uppercased()), Assignment("grade", SchoolYear.grade(ofClass: newName))]
            }
            if case .clear = correction.name { throw StoreError(code: .invalidArgument, reason: "a class always has a name") }
            if let teacher = correction.homeroomTeacher.assignment("homeroom_teacher") { assignments.append(teacher) }
            return try Self.audited(db, context, op: "class.update", target: "c\(id)") {
                try Self.update(db, table: "class", rowID: id, assignments)
            }
        }
    }

    /// Corrects an equipment type.
    public func correctEquipment(code: String, _ correction: EquipmentCorrection, _ context: ChangeContext) async throws -> ChangeResult {
        try await change { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM equipment_type WHERE code = ?)", arguments: [code]) == true else {
                throw StoreError(code: .unknownItem, reason: code)
            }
            if case .clear = correction.name { throw StoreError(code: .invalidArgument, reason: "equipment always has a name") }
            var assignments = [
                correction.subject.assignment("subject"), correction.grades.assignment("grades"), correction.unit.assignment("unit"),
                correction.room.assignment("room"), correction.value.assignment("value"), correction.expiresOn.assignment("expires_on"),
            ].compactMap { $0 }
            if case .set(let name) = correction.name {
                assignments += [Assignment("name", name), Assignment("name_folded", VietnameseText.fold(name + " " + code))]
            }
            if case .clear = correction.unit { throw StoreError(code: .invalidArgument, reason: "equipment always has a unit") }
            return try Self.audited(db, context, op: "equipment.update", target: "t\(code)") {
                var changes = try Self.update(db, table: "equipment_type", key: "code", rowID: code, assignments)
                changes["name_folded"] = nil
                return changes
            }
        }
    }

    /// Corrects a tagged unit: its room and condition.
    public func correctUnit(scanned: String, _ correction: UnitCorrection, _ context: ChangeContext) async throws -> ChangeResult {
        try await change { db in
            guard let unit = try Self.unitRow(db, scanned: scanned) else { throw StoreError(code: .unknownItem, reason: scanned) }
            if case .clear = correction.condition { throw StoreError(code: .invalidArgument, reason: "a unit always has a condition") }
            let id: Int64 = unit["id"]
            return try Self.audited(db, context, op: "unit.update", target: "e\(id)") {
                try Self.update(
                    db, table: "equipment_unit", rowID: id,
                    [correction.room.assignment("room"), correction.condition.assignment("condition")].compactMap { $0 })
            }
        }
    }
}
