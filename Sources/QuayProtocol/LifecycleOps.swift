import QuayCore

// The life of the collection (SPEC §16): corrections, states, disposals, the rollover.
// Every correction names what to change; a field given is set, a field named in `clear` is
// emptied, anything else stays as it is.

/// `record.update`.
public struct RecordUpdateArgs: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String?
    public var authors: [String]?
    public var publisher: String?
    public var year: Int?
    public var isbn: String?
    public var classNumber: String?
    public var authorMark: String?
    public var subject: String?
    public var grade: Int?
    public var kind: String?
    public var price: Int64?
    public var notes: String?
    public var clear: [String]?

    public init(id: Int64) { self.id = id }

    enum CodingKeys: String, CodingKey {
        case id, title, authors, publisher, year, isbn
        case classNumber = "class_number"
        case authorMark = "author_mark"
        case subject, grade, kind, price, notes, clear
    }
}

/// `item.update`: a copy by barcode or accession number.
public struct ItemUpdateArgs: Sendable, Codable, Equatable {
    public var item: String
    public var location: String?
    public var barcode: String?
    public var price: Int64?
    public var condition: String?
    public var note: String?
    public var clear: [String]?

    public init(item: String) { self.item = item }
}

/// `patron.update`: `new_card` replaces the card (the old one is refused from then on).
public struct PatronUpdateArgs: Sendable, Codable, Equatable {
    public var card: String
    public var name: String?
    public var className: String?
    public var schoolYear: String?
    public var kind: String?
    public var newCard: String?
    public var clear: [String]?

    public init(card: String) { self.card = card }

    enum CodingKeys: String, CodingKey {
        case card, name
        case className = "class"
        case schoolYear = "school_year"
        case kind
        case newCard = "new_card"
        case clear
    }
}

/// `class.update`.
public struct ClassUpdateArgs: Sendable, Codable, Equatable {
    public var name: String
    public var schoolYear: String?
    public var newName: String?
    public var teacher: String?
    public var clear: [String]?

    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey {
        case name
        case schoolYear = "school_year"
        case newName = "new_name"
        case teacher, clear
    }
}

/// `equipment.update`: an equipment type by its code.
public struct EquipmentUpdateArgs: Sendable, Codable, Equatable {
    public var code: String
    public var name: String?
    public var subject: String?
    public var grades: String?
    public var unit: String?
    public var room: String?
    public var value: Int64?
    public var expiresOn: String?
    public var clear: [String]?

    public init(code: String) { self.code = code }

    enum CodingKeys: String, CodingKey {
        case code, name, subject, grades, unit, room, value
        case expiresOn = "expires_on"
        case clear
    }
}

/// `unit.update`: a tagged unit by barcode or accession number.
public struct UnitUpdateArgs: Sendable, Codable, Equatable {
    public var unit: String
    public var room: String?
    public var condition: String?
    public var clear: [String]?

    public init(unit: String) { self.unit = unit }
}

/// `item.state`: `damaged`, `repair` or `available`.
public struct ItemStateArgs: Sendable, Codable, Equatable {
    public var item: String
    public var state: String
    public var note: String?

    public init(item: String, state: String, note: String? = nil) {
        self.item = item
        self.state = state
        self.note = note
    }
}

/// The reply to `loan.lost`: the loan as it ended, and the replacement price noted.
public struct LostResult: Sendable, Codable, Equatable {
    public var loan: LoanView
    public var charge: Int64

    public init(loan: LoanView, charge: Int64) {
        self.loan = loan
        self.charge = charge
    }
}

/// `patron.block`, `patron.unblock`, `patron.leave`.
public struct PatronStatusArgs: Sendable, Codable, Equatable {
    public var card: String
    public var reason: String?

    public init(card: String, reason: String? = nil) {
        self.card = card
        self.reason = reason
    }
}

/// `history`: what the audit log says of a copy, unit, card, record, equipment code, class or disposal.
public struct HistoryArgs: Sendable, Codable, Equatable {
    public var key: String
    public var limit: Int?

    public init(key: String, limit: Int? = nil) {
        self.key = key
        self.limit = limit
    }
}

public struct HistoryResult: Sendable, Codable, Equatable {
    public var target: String
    public var label: String
    public var entries: [AuditEntry]

    public init(target: String, label: String, entries: [AuditEntry]) {
        self.target = target
        self.label = label
        self.entries = entries
    }
}

/// `disposal.open`.
public struct DisposalOpenArgs: Sendable, Codable, Equatable {
    /// `disposal` (default), `destruction` (expired chemicals) or `transfer`.
    public var kind: String?
    public var decision: String
    public var date: String?
    public var reason: String?
    /// The receiving school, for a transfer.
    public var school: String?
    public var note: String?

    public init(decision: String) { self.decision = decision }
}

/// `disposal.add`: copies or units by code, an applied inventory's disposal list, the expired
/// chemicals, quantities by equipment code — with a reason for these lines.
public struct DisposalAddArgs: Sendable, Codable, Equatable {
    public var id: Int64
    public var items: [String]?
    public var inventory: Int64?
    public var expired: Bool?
    public var quantities: [String: Int]?
    public var reason: String?

    public init(id: Int64) { self.id = id }
}

public struct DisposalAddResult: Sendable, Codable, Equatable {
    public var disposal: DisposalView
    public var added: Int
    public var refused: [RefusedCode]

    public init(disposal: DisposalView, added: Int, refused: [RefusedCode]) {
        self.disposal = disposal
        self.added = added
        self.refused = refused
    }
}

/// `disposal.remove`.
public struct DisposalRemoveArgs: Sendable, Codable, Equatable {
    public var id: Int64
    public var items: [String]

    public init(id: Int64, items: [String]) {
        self.id = id
        self.items = items
    }
}

public struct DisposalRemoveResult: Sendable, Codable, Equatable {
    public var disposal: DisposalView
    public var removed: Int

    public init(disposal: DisposalView, removed: Int) {
        self.disposal = disposal
        self.removed = removed
    }
}

public struct DisposalListArgs: Sendable, Codable, Equatable {
    public var limit: Int?
    public init(limit: Int? = nil) { self.limit = limit }
}

public struct DisposalListResult: Sendable, Codable, Equatable {
    public var disposals: [DisposalView]
    public init(disposals: [DisposalView]) { self.disposals = disposals }
}

/// `year.rollover`: the plan, or with `apply` the plan carried out.
public struct RolloverArgs: Sendable, Codable, Equatable {
    /// The new school year (`2027-2028`); the one after the current one by default.
    public var to: String?
    public var apply: Bool?
    /// The grade that leaves (9 for a lower secondary school); from `[school_year]` by default.
    public var lastGrade: Int?
    /// The school's own moves, class → class of the new year ("" to leave).
    public var map: [String: String]?

    public init(to: String? = nil, apply: Bool? = nil, lastGrade: Int? = nil, map: [String: String]? = nil) {
        self.to = to
        self.apply = apply
        self.lastGrade = lastGrade
        self.map = map
    }

    enum CodingKeys: String, CodingKey {
        case to, apply
        case lastGrade = "last_grade"
        case map
    }
}

/// `equipment.expiring`.
public struct ExpiringArgs: Sendable, Codable, Equatable {
    public var withinDays: Int?

    public init(withinDays: Int? = nil) { self.withinDays = withinDays }

    enum CodingKeys: String, CodingKey {
        case withinDays = "within_days"
    }
}
