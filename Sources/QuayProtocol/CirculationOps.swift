import QuayCore

/// `loan.checkout`: lend one item to a patron (by card) or to a class; scanning an item the
/// borrower already holds renews it.
public struct CheckoutArgs: Sendable, Codable, Equatable {
    public var patron: String?
    public var className: String?
    public var schoolYear: String?
    public var item: String
    public var desk: String?

    public init(patron: String? = nil, className: String? = nil, schoolYear: String? = nil, item: String, desk: String? = nil) {
        self.patron = patron
        self.className = className
        self.schoolYear = schoolYear
        self.item = item
        self.desk = desk
    }

    enum CodingKeys: String, CodingKey {
        case patron
        case className = "class"
        case schoolYear = "school_year"
        case item, desk
    }
}

/// `loan.checkin` and `loan.renew`: one item.
public struct ItemArgs: Sendable, Codable, Equatable {
    public var item: String
    public init(item: String) { self.item = item }
}

/// `loan.list`: open loans of a patron, a class, a copy (`item`: its one open loan, if any),
/// or everyone; `overdue` for only the late ones.
public struct LoanListArgs: Sendable, Codable, Equatable {
    public var patron: String?
    public var item: String?
    public var className: String?
    public var schoolYear: String?
    public var overdue: Bool?
    public var limit: Int?

    public init(
        patron: String? = nil, className: String? = nil, schoolYear: String? = nil, overdue: Bool? = nil, limit: Int? = nil, item: String? = nil
    ) {
        self.patron = patron
        self.item = item
        self.className = className
        self.schoolYear = schoolYear
        self.overdue = overdue
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case patron, item
        case className = "class"
        case schoolYear = "school_year"
        case overdue, limit
    }
}

public struct LoansResult: Sendable, Codable, Equatable {
    public var loans: [LoanView]
    public init(loans: [LoanView]) { self.loans = loans }
}

/// `equipment.add`: a kind of equipment; `units` tagged units are numbered in `register` (TB).
public struct EquipmentAddArgs: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var subject: String?
    public var grades: String?
    public var unit: String?
    public var room: String?
    /// `unit` or `quantity`; default `unit` when units are given, else `quantity`.
    public var tracking: String?
    public var units: Int?
    public var quantity: Int?
    public var value: Int64?
    public var expiresOn: String?
    public var register: String?

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case code, name, subject, grades, unit, room, tracking, units, quantity, value
        case expiresOn = "expires_on"
        case register
    }
}

public struct CodeArgs: Sendable, Codable, Equatable {
    public var code: String
    public init(code: String) { self.code = code }
}

public struct EquipmentListResult: Sendable, Codable, Equatable {
    public var equipment: [EquipmentView]
    public init(equipment: [EquipmentView]) { self.equipment = equipment }
}

/// `lesson.lend`: units (barcodes) and quantities (code → amount) for a teacher's lesson.
public struct LessonLendArgs: Sendable, Codable, Equatable {
    public var teacher: String
    public var className: String?
    public var schoolYear: String?
    public var subject: String?
    public var date: String?
    public var period: Int
    public var title: String?
    public var units: [String]?
    public var quantities: [String: Int]?

    public init(teacher: String, period: Int) {
        self.teacher = teacher
        self.period = period
    }

    enum CodingKeys: String, CodingKey {
        case teacher
        case className = "class"
        case schoolYear = "school_year"
        case subject, date, period, title, units, quantities
    }
}

/// `lesson.return`: the lesson (or found from its first unit), each unit's condition
/// (`good`, `damaged`, `lost`; units not named come back good), each quantity consumed or lost.
public struct LessonReturnArgs: Sendable, Codable, Equatable {
    public struct UnitCondition: Sendable, Codable, Equatable {
        public var item: String
        public var condition: String
        public init(item: String, condition: String) {
            self.item = item
            self.condition = condition
        }
    }

    public struct QuantityUse: Sendable, Codable, Equatable {
        public var code: String
        public var consumed: Int?
        public var lost: Int?
        public init(code: String, consumed: Int? = nil, lost: Int? = nil) {
            self.code = code
            self.consumed = consumed
            self.lost = lost
        }
    }

    public var lesson: Int64?
    public var units: [UnitCondition]?
    public var quantities: [QuantityUse]?

    public init(lesson: Int64? = nil, units: [UnitCondition]? = nil, quantities: [QuantityUse]? = nil) {
        self.lesson = lesson
        self.units = units
        self.quantities = quantities
    }
}
