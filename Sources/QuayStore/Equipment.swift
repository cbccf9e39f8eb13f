import Foundation
import GRDB
import QuayCore

/// A kind of equipment to add to the catalogue.
public struct NewEquipment: Sendable, Equatable {
    public var code: String
    public var name: String
    public var subject: String?
    public var grades: String?
    public var unit: String
    public var room: String?
    public var tracking: String
    /// Tagged units to create now (tracking `unit`), numbered in `register`.
    public var units: Int
    /// On hand (tracking `quantity`).
    public var quantity: Int
    public var value: Int64?
    public var expiresOn: String?
    public var register: String

    public init(
        code: String, name: String, subject: String? = nil, grades: String? = nil, unit: String = "cái", room: String? = nil,
        tracking: String, units: Int = 0, quantity: Int = 0, value: Int64? = nil, expiresOn: String? = nil, register: String = "TB"
    ) {
        self.code = code
        self.name = name
        self.subject = subject
        self.grades = grades
        self.unit = unit
        self.room = room
        self.tracking = tracking
        self.units = units
        self.quantity = quantity
        self.value = value
        self.expiresOn = expiresOn
        self.register = register
    }
}

/// A lesson loan to record.
public struct NewLesson: Sendable {
    public var teacherCard: String
    public var className: String?
    public var schoolYear: String
    public var subject: String?
    public var date: String
    public var period: Int
    public var title: String?
    public var units: [String]
    public var quantities: [(code: String, quantity: Int)]

    public init(
        teacherCard: String, className: String?, schoolYear: String, subject: String?, date: String, period: Int, title: String?,
        units: [String], quantities: [(code: String, quantity: Int)]
    ) {
        self.teacherCard = teacherCard
        self.className = className
        self.schoolYear = schoolYear
        self.subject = subject
        self.date = date
        self.period = period
        self.title = title
        self.units = units
        self.quantities = quantities
    }

}

/// How a lesson's equipment came back.
public struct LessonReturn: Sendable {
    /// Units and their condition: `good`, `damaged` or `lost`.
    public var units: [(barcode: String, condition: String)]
    /// Consumed and lost amounts per equipment code; the rest of the lent quantity is returned.
    public var quantities: [(code: String, consumed: Int, lost: Int)]

    public init(units: [(barcode: String, condition: String)], quantities: [(code: String, consumed: Int, lost: Int)]) {
        self.units = units
        self.quantities = quantities
    }

}

extension QuayDatabase {
    /// Adds a kind of equipment and, for tagged equipment, its units with consecutive numbers
    /// in the register (TB) — one transaction, like a book intake.
    public func addEquipment(_ equipment: NewEquipment, at now: Date) async throws -> EquipmentView {
        if let value = equipment.value, !Money.isValid(value) {
            throw StoreError(code: .invalidArgument, reason: "value must be from 0 to \(Money.maxAmount) đồng, not \(value)")
        }
        return try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM equipment_type WHERE code = ?", arguments: [equipment.code]) == nil else {
                throw StoreError(code: .duplicateEquipment, reason: equipment.code)
            }
            try db.execute(
                sql: """
                    INSERT INTO equipment_type (code, name, name_folded, subject, grades, unit, room, tracking, quantity, value,
                        expires_on, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    equipment.code, equipment.name, VietnameseText.fold(equipment.name + " " + equipment.code), equipment.subject,
                    equipment.grades, equipment.unit, equipment.room, equipment.tracking, equipment.quantity, equipment.value,
                    equipment.expiresOn, Timestamp.format(now),
                ])
            if equipment.units > 0 {
                guard let register = try Self.register(db, code: equipment.register) else {
                    throw StoreError(code: .unknownRegister, reason: equipment.register)
                }
                guard let range = register.allocation(equipment.units) else {
                    throw StoreError(code: .invalidArgument, reason: "register \(register.code) has no numbers left")
                }
                let (first, last) = (range.lowerBound, range.upperBound)
                try db.execute(sql: "UPDATE register SET next_number = ? WHERE code = ?", arguments: [last + 1, register.code])
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO equipment_unit (type_code, register_code, number, barcode, room) VALUES (?, ?, ?, ?, ?)")
                for number in first...last {
                    do {
                        try insert.execute(arguments: [equipment.code, register.code, number, register.format(number), equipment.room])
                    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                        throw StoreError(code: .duplicateBarcode, reason: register.format(number))
                    }
                }
            }
            return try Self.equipment(db, code: equipment.code)!
        }
    }

    static let unitColumns = """
        u.id, u.barcode, u.number, u.type_code, u.condition, u.status, u.room, u.last_seen_at, t.name, g.prefix, g.separator, g.width
        FROM equipment_unit u JOIN equipment_type t ON t.code = u.type_code JOIN register g ON g.code = u.register_code
        """

    static func unitView(_ row: Row) -> EquipmentUnitView {
        EquipmentUnitView(
            accession: accession(row), barcode: row["barcode"], typeCode: row["type_code"], name: row["name"],
            condition: row["condition"], status: row["status"], room: row["room"], lastSeenAt: row["last_seen_at"])
    }

    static func equipment(_ db: Database, code: String) throws -> EquipmentView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM equipment_type WHERE code = ?", arguments: [code]) else { return nil }
        let units = try Row.fetchAll(db, sql: "SELECT \(unitColumns) WHERE u.type_code = ? ORDER BY u.number", arguments: [code])
            .map(unitView)
        return EquipmentView(
            code: row["code"], name: row["name"], subject: row["subject"], grades: row["grades"], unit: row["unit"], room: row["room"],
            tracking: row["tracking"], quantity: row["quantity"], value: row["value"], expiresOn: row["expires_on"],
            units: row["tracking"] == "unit" ? units : nil)
    }

    /// The unit a scan names: by its barcode, else by its accession number (`TB.000042`).
    static func unitRow(_ db: Database, scanned: String) throws -> Row? {
        if let row = try Row.fetchOne(db, sql: "SELECT \(unitColumns) WHERE u.barcode = ?", arguments: [scanned]) { return row }
        guard let accession = AccessionNumber(scanned) else { return nil }
        return try Row.fetchOne(
            db, sql: "SELECT \(unitColumns) WHERE g.prefix = ? AND u.number = ?", arguments: [accession.prefix, accession.number])
    }

    /// One tagged unit, for its asset tag.
    public func unit(scanned: String) async throws -> EquipmentUnitView? {
        try await pool.read { db in try Self.unitRow(db, scanned: scanned).map(Self.unitView) }
    }

    public func equipment(code: String) async throws -> EquipmentView? {
        try await pool.read { db in try Self.equipment(db, code: code) }
    }

    /// Equipment whose name or code contains every word (diacritics ignored); small table, scanned.
    public func findEquipment(_ query: String, limit: Int) async throws -> [EquipmentView] {
        let words = VietnameseText.searchWords(query)
        return try await pool.read { db in
            let conditions = words.isEmpty ? ["1"] : words.map { _ in "name_folded LIKE ? ESCAPE '\\'" }
            var arguments = StatementArguments(words.map { "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" })
            arguments += [limit]
            let codes = try String.fetchAll(
                db, sql: "SELECT code FROM equipment_type WHERE \(conditions.joined(separator: " AND ")) ORDER BY code LIMIT ?",
                arguments: arguments)
            return try codes.compactMap { try Self.equipment(db, code: $0) }
        }
    }

    /// Lends units and quantities to a teacher for one lesson period — one transaction; a unit
    /// already out, missing or withdrawn, or more of a quantity than is on hand, refuses all.
    public func lendLesson(_ lesson: NewLesson, at now: Date) async throws -> LessonView {
        try await pool.write { db in try Self.lendLesson(db, lesson, at: now) }
    }

    static func lendLesson(_ db: Database, _ lesson: NewLesson, at now: Date) throws -> LessonView {
        guard let teacher = try Row.fetchOne(db, sql: "SELECT id, kind, status FROM patron WHERE card = ?", arguments: [lesson.teacherCard])
        else { throw StoreError(code: .unknownPatron, reason: lesson.teacherCard) }
        guard teacher["status"] == "active" else { throw StoreError(code: .borrowerBlocked, reason: lesson.teacherCard) }
        guard teacher["kind"] != "pupil" else {
            throw StoreError(code: .invalidArgument, reason: "\(lesson.teacherCard) is a pupil; lesson loans are for teachers")
        }
        var classID: Int64? = nil
        if let className = lesson.className {
            guard let id = try Self.classID(db, name: className, year: lesson.schoolYear, create: false) else {
                throw StoreError(code: .unknownClass, reason: "\(className.uppercased()) \(lesson.schoolYear)")
            }
            classID = id
        }
        guard !lesson.units.isEmpty || !lesson.quantities.isEmpty else {
            throw StoreError(code: .invalidArgument, reason: "lend at least one unit or quantity")
        }
        try db.execute(
            sql: "INSERT INTO lesson (teacher_id, class_id, subject, lesson_date, period, title, loaned_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [teacher["id"] as Int64, classID, lesson.subject, lesson.date, lesson.period, lesson.title, Timestamp.format(now)])
        let lessonID = db.lastInsertedRowID
        let today = Day(now).description
        func refuseExpired(_ code: String) throws {
            if let expiry = try String.fetchOne(db, sql: "SELECT expires_on FROM equipment_type WHERE code = ?", arguments: [code]), expiry < today {
                throw StoreError(
                    code: .equipmentExpired, reason: "\(code): \(expiry)",
                    words: Bilingual(vi: "\(code): hết hạn ngày \(Day(expiry)?.vietnamese ?? expiry)", en: "\(code): expired on \(expiry)"))
            }
        }
        for scanned in lesson.units {
            guard let unit = try Self.unitRow(db, scanned: scanned) else { throw StoreError(code: .unknownItem, reason: scanned) }
            try refuseExpired(unit["type_code"])
            switch unit["status"] as String {
            case "available": break
            case "on_loan": throw StoreError(code: .itemOnLoan, reason: unit["barcode"])
            default: throw StoreError(code: .itemUnavailable, reason: unit["barcode"])
            }
            try db.execute(sql: "INSERT INTO lesson_unit (lesson_id, unit_id) VALUES (?, ?)", arguments: [lessonID, unit["id"] as Int64])
            try db.execute(sql: "UPDATE equipment_unit SET status = 'on_loan' WHERE id = ?", arguments: [unit["id"] as Int64])
        }
        for (code, quantity) in lesson.quantities {
            guard quantity > 0 else { throw StoreError(code: .invalidArgument, reason: "\(code)=\(quantity): a quantity must be positive") }
            try refuseExpired(code)
            guard let onHand = try Int.fetchOne(
                db, sql: "SELECT quantity FROM equipment_type WHERE code = ? AND tracking = 'quantity'", arguments: [code])
            else { throw StoreError(code: .unknownItem, reason: code) }
            guard onHand >= quantity else {
                throw StoreError(code: .limitReached, reason: "\(code): \(quantity) asked, \(onHand) on hand")
            }
            try db.execute(sql: "UPDATE equipment_type SET quantity = quantity - ? WHERE code = ?", arguments: [quantity, code])
            try db.execute(
                sql: "INSERT INTO lesson_quantity (lesson_id, type_code, quantity) VALUES (?, ?, ?)", arguments: [lessonID, code, quantity])
        }
        return try Self.lesson(db, id: lessonID)!
    }

    /// Takes a lesson's equipment back: each unit with its condition (a damaged unit needs
    /// repair, a lost one is missing), each quantity as returned, consumed or lost. Units not
    /// named come back good. One transaction.
    public func returnLesson(id: Int64?, _ returned: LessonReturn, at now: Date) async throws -> LessonView {
        try await pool.write { db in try Self.returnLesson(db, id: id, returned, at: now) }
    }

    static func returnLesson(_ db: Database, id: Int64?, _ returned: LessonReturn, at now: Date) throws -> LessonView {
        var lessonID = id
        if lessonID == nil, let first = returned.units.first {
            lessonID = try Int64.fetchOne(
                db,
                sql: "SELECT lu.lesson_id FROM lesson_unit lu JOIN equipment_unit u ON u.id = lu.unit_id WHERE u.barcode = ? AND lu.returned_at IS NULL",
                arguments: [first.barcode])
            if lessonID == nil { throw StoreError(code: .notOnLoan, reason: first.barcode) }
        }
        guard let lessonID, let open = try Row.fetchOne(db, sql: "SELECT returned_at FROM lesson WHERE id = ?", arguments: [lessonID]) else {
            throw StoreError(code: .notFound, reason: "lesson \(id.map(String.init) ?? "?")")
        }
        guard (open["returned_at"] as String?) == nil else { throw StoreError(code: .notOnLoan, reason: "lesson \(lessonID)") }
        let nowText = Timestamp.format(now)
        var conditions: [String: String] = [:]
        for (barcode, condition) in returned.units {
            guard ["good", "damaged", "lost"].contains(condition) else {
                throw StoreError(code: .invalidArgument, reason: "condition must be good, damaged or lost, not \(condition)")
            }
            conditions[barcode] = condition
        }
        let lent = try Row.fetchAll(
            db,
            sql: "SELECT u.id, u.barcode FROM lesson_unit lu JOIN equipment_unit u ON u.id = lu.unit_id WHERE lu.lesson_id = ? AND lu.returned_at IS NULL",
            arguments: [lessonID])
        let lentBarcodes = Set(lent.map { $0["barcode"] as String })
        if let stranger = conditions.keys.first(where: { !lentBarcodes.contains($0) }) {
            throw StoreError(code: .notOnLoan, reason: "\(stranger) is not lent in lesson \(lessonID)")
        }
        for unit in lent {
            let barcode: String = unit["barcode"]
            let condition = conditions[barcode] ?? "good"
            try db.execute(
                sql: "UPDATE lesson_unit SET returned_at = ?, return_condition = ? WHERE lesson_id = ? AND unit_id = ?",
                arguments: [nowText, condition, lessonID, unit["id"] as Int64])
            switch condition {
            case "damaged":
                try db.execute(sql: "UPDATE equipment_unit SET status = 'available', condition = 'needs_repair' WHERE id = ?", arguments: [unit["id"] as Int64])
            case "lost":
                try db.execute(sql: "UPDATE equipment_unit SET status = 'missing' WHERE id = ?", arguments: [unit["id"] as Int64])
            default:
                try db.execute(sql: "UPDATE equipment_unit SET status = 'available' WHERE id = ?", arguments: [unit["id"] as Int64])
            }
        }
        let amounts = Dictionary(returned.quantities.map { ($0.code, ($0.consumed, $0.lost)) }, uniquingKeysWith: { $1 })
        let quantities = try Row.fetchAll(db, sql: "SELECT type_code, quantity FROM lesson_quantity WHERE lesson_id = ?", arguments: [lessonID])
        if let stranger = amounts.keys.first(where: { code in !quantities.contains { $0["type_code"] == code } }) {
            throw StoreError(code: .notOnLoan, reason: "\(stranger) is not lent in lesson \(lessonID)")
        }
        for row in quantities {
            let code: String = row["type_code"]
            let quantity: Int = row["quantity"]
            let (consumed, lost) = amounts[code] ?? (0, 0)
            // Compared without adding, so that no amount a client sends can overflow.
            guard consumed >= 0, lost >= 0, consumed <= quantity, lost <= quantity - consumed else {
                throw StoreError(code: .invalidArgument, reason: "\(code): consumed and lost add up to more than the \(quantity) lent")
            }
            let back = quantity - consumed - lost
            try db.execute(
                sql: "UPDATE lesson_quantity SET returned = ?, consumed = ?, lost = ? WHERE lesson_id = ? AND type_code = ?",
                arguments: [back, consumed, lost, lessonID, code])
            try db.execute(sql: "UPDATE equipment_type SET quantity = quantity + ? WHERE code = ?", arguments: [back, code])
        }
        try db.execute(sql: "UPDATE lesson SET returned_at = ? WHERE id = ?", arguments: [nowText, lessonID])
        return try Self.lesson(db, id: lessonID)!
    }

    static func lesson(_ db: Database, id: Int64) throws -> LessonView? {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT l.*, p.card, p.full_name, c.name AS class_name FROM lesson l JOIN patron p ON p.id = l.teacher_id
                LEFT JOIN class c ON c.id = l.class_id WHERE l.id = ?
                """,
            arguments: [id])
        else { return nil }
        let units = try Row.fetchAll(
            db,
            sql: "SELECT \(unitColumns) JOIN lesson_unit lu ON lu.unit_id = u.id WHERE lu.lesson_id = ? ORDER BY u.number",
            arguments: [id])
        let conditions = try Row.fetchAll(db, sql: "SELECT unit_id, return_condition FROM lesson_unit WHERE lesson_id = ?", arguments: [id])
        let byUnit = Dictionary(conditions.map { ($0["unit_id"] as Int64, $0["return_condition"] as String?) }, uniquingKeysWith: { $1 })
        let quantities = try Row.fetchAll(
            db,
            sql: "SELECT q.*, t.name FROM lesson_quantity q JOIN equipment_type t ON t.code = q.type_code WHERE q.lesson_id = ? ORDER BY q.type_code",
            arguments: [id])
        return LessonView(
            id: id, teacherCard: row["card"], teacher: row["full_name"], className: row["class_name"], subject: row["subject"],
            date: row["lesson_date"], period: row["period"], title: row["title"], loanedAt: row["loaned_at"], returnedAt: row["returned_at"],
            units: units.map { LessonUnitView(unit: unitView($0), returnCondition: byUnit[$0["id"] as Int64] ?? nil) },
            quantities: quantities.map {
                LessonQuantityView(code: $0["type_code"], name: $0["name"], quantity: $0["quantity"], returned: $0["returned"], consumed: $0["consumed"], lost: $0["lost"])
            })
    }

    /// Equipment with an expiry date (chemicals) that has passed or passes within `days`,
    /// soonest first.
    public func expiringEquipment(withinDays days: Int, at now: Date) async throws -> [EquipmentView] {
        let limit = Day(now).adding(days: days).description
        return try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT code FROM equipment_type WHERE expires_on IS NOT NULL AND expires_on <= ? ORDER BY expires_on, code",
                arguments: [limit]
            ).compactMap { try Self.equipment(db, code: $0) }
        }
    }
}
