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

/// `loan.list`: open loans of a patron, a class, or everyone; `overdue` for only the late ones.
public struct LoanListArgs: Sendable, Codable, Equatable {
    public var patron: String?
    public var className: String?
    public var schoolYear: String?
    public var overdue: Bool?
    public var limit: Int?

    public init(patron: String? = nil, className: String? = nil, schoolYear: String? = nil, overdue: Bool? = nil, limit: Int? = nil) {
        self.patron = patron
        self.className = className
        self.schoolYear = schoolYear
        self.overdue = overdue
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case patron
        case className = "class"
        case schoolYear = "school_year"
        case overdue, limit
    }
}

public struct LoansResult: Sendable, Codable, Equatable {
    public var loans: [LoanView]
    public init(loans: [LoanView]) { self.loans = loans }
}
