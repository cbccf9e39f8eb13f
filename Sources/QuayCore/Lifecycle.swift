/// The life of the collection (SPEC §16): what the audit log, disposals and the school-year
/// rollover show — values shared by the store, the protocol and the CLI.

/// One value of a field as the audit log keeps it: text, a whole number, or nothing.
public enum AuditValue: Sendable, Codable, Equatable, CustomStringConvertible {
    case null
    case int(Int64)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .int(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        }
    }

    /// As a table cell: `—` for nothing.
    public var description: String {
        switch self {
        case .null: "—"
        case .int(let number): String(number)
        case .text(let text): text
        }
    }
}

/// A field before and after a change; on the wire `[before, after]`.
public struct AuditChange: Sendable, Codable, Equatable {
    public var before: AuditValue
    public var after: AuditValue

    public init(before: AuditValue, after: AuditValue) {
        self.before = before
        self.after = after
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        before = try container.decode(AuditValue.self)
        after = try container.decode(AuditValue.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(before)
        try container.encode(after)
    }
}

/// One line of the audit log: who changed what, when, by which op, and each field's values.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var at: String
    /// The peer's user name (from SO_PEERCRED), or `desk:NAME` for a scan at a desk.
    public var actor: String
    public var op: String
    /// What changed: `b` copy, `r` record, `p` patron, `c` class, `t` equipment type, `e` unit,
    /// `d` disposal, `y` school year, then its id or code.
    public var target: String
    public var changes: [String: AuditChange]

    public init(id: Int64, at: String, actor: String, op: String, target: String, changes: [String: AuditChange]) {
        self.id = id
        self.at = at
        self.actor = actor
        self.op = op
        self.target = target
        self.changes = changes
    }
}

/// What a correction or a change of state changed (nothing, when every value was already so).
public struct ChangeResult: Sendable, Codable, Equatable {
    public var target: String
    /// The audit log's line, or nil when nothing changed.
    public var auditID: Int64?
    public var changes: [String: AuditChange]

    public init(target: String, auditID: Int64?, changes: [String: AuditChange]) {
        self.target = target
        self.auditID = auditID
        self.changes = changes
    }

    enum CodingKeys: String, CodingKey {
        case target
        case auditID = "audit_id"
        case changes
    }
}

/// Why copies and units leave the collection (SPEC §16), as the disposal records say them.
public enum DisposalReason: String, Sendable, Codable, CaseIterable {
    case worn, lost, outdated
    case oldCurriculum = "old_curriculum"
    case insects, surplus, expired

    public var words: Bilingual {
        switch self {
        case .worn: Bilingual(vi: "rách nát", en: "worn / torn")
        case .lost: Bilingual(vi: "mất", en: "lost")
        case .outdated: Bilingual(vi: "lạc hậu", en: "outdated")
        case .oldCurriculum: Bilingual(vi: "chương trình cũ", en: "old curriculum")
        case .insects: Bilingual(vi: "mối mọt", en: "insect damage")
        case .surplus: Bilingual(vi: "thừa", en: "surplus")
        case .expired: Bilingual(vi: "hết hạn sử dụng", en: "expired")
        }
    }

    /// By its code or its Vietnamese words (`rách nát`, `rach nat`).
    public init?(named name: String) {
        if let reason = DisposalReason(rawValue: name.replacingOccurrences(of: "-", with: "_")) {
            self = reason
            return
        }
        let folded = VietnameseText.fold(name)
        guard let reason = DisposalReason.allCases.first(where: { VietnameseText.fold($0.words.vi) == folded }) else { return nil }
        self = reason
    }
}

/// A disposal (thanh lý), a destruction of expired chemicals (tiêu hủy), or a transfer of
/// surplus equipment to another school (điều chuyển).
public enum DisposalKind: String, Sendable, Codable, CaseIterable {
    case disposal, destruction, transfer

    public var words: Bilingual {
        switch self {
        case .disposal: Bilingual(vi: "thanh lý", en: "disposal")
        case .destruction: Bilingual(vi: "tiêu hủy", en: "destruction")
        case .transfer: Bilingual(vi: "điều chuyển", en: "transfer")
        }
    }
}

/// Open (being filled and reviewed), confirmed (its copies withdrawn), or cancelled.
public enum DisposalState: String, Sendable, Codable, CaseIterable {
    case open, confirmed, cancelled

    public var words: Bilingual {
        switch self {
        case .open: Bilingual(vi: "đang lập", en: "open")
        case .confirmed: Bilingual(vi: "đã duyệt", en: "confirmed")
        case .cancelled: Bilingual(vi: "đã huỷ", en: "cancelled")
        }
    }
}

/// One line of a disposal: a copy, a unit, or a quantity of equipment.
public struct DisposalLine: Sendable, Codable, Equatable {
    public var line: Int
    /// The accession number (a copy's or a unit's), or the equipment code.
    public var accession: String
    public var barcode: String?
    public var title: String
    public var year: Int?
    public var quantity: Int?
    public var reason: DisposalReason
    public var value: Int64
    /// The copy's or unit's state now (`on_loan` blocks the confirmation).
    public var status: String?

    public init(
        line: Int, accession: String, barcode: String?, title: String, year: Int?, quantity: Int?, reason: DisposalReason, value: Int64,
        status: String?
    ) {
        self.line = line
        self.accession = accession
        self.barcode = barcode
        self.title = title
        self.year = year
        self.quantity = quantity
        self.reason = reason
        self.value = value
        self.status = status
    }
}

public struct DisposalView: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: DisposalKind
    public var decision: String
    public var decidedOn: String
    public var reason: DisposalReason
    public var receivingSchool: String?
    public var note: String?
    public var state: DisposalState
    public var createdAt: String
    public var confirmedAt: String?
    /// Lines, copies (and units) and total value.
    public var lineCount: Int
    public var totalValue: Int64
    /// Copies or units still on loan: the disposal cannot be confirmed while there are any.
    public var onLoan: Int
    /// The lines (only in `disposal.show`).
    public var lines: [DisposalLine]?

    public init(
        id: Int64, kind: DisposalKind, decision: String, decidedOn: String, reason: DisposalReason, receivingSchool: String?,
        note: String?, state: DisposalState, createdAt: String, confirmedAt: String?, lineCount: Int, totalValue: Int64, onLoan: Int,
        lines: [DisposalLine]?
    ) {
        self.id = id
        self.kind = kind
        self.decision = decision
        self.decidedOn = decidedOn
        self.reason = reason
        self.receivingSchool = receivingSchool
        self.note = note
        self.state = state
        self.createdAt = createdAt
        self.confirmedAt = confirmedAt
        self.lineCount = lineCount
        self.totalValue = totalValue
        self.onLoan = onLoan
        self.lines = lines
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, decision
        case decidedOn = "decided_on"
        case reason
        case receivingSchool = "receiving_school"
        case note, state
        case createdAt = "created_at"
        case confirmedAt = "confirmed_at"
        case lineCount = "line_count"
        case totalValue = "total_value"
        case onLoan = "on_loan"
        case lines
    }
}

/// A scanned or listed code a disposal would not take, and why.
public struct RefusedCode: Sendable, Codable, Equatable {
    public var code: String
    public var error: String
    public var reason: String

    public init(code: String, error: String, reason: String) {
        self.code = code
        self.error = error
        self.reason = reason
    }
}

/// The school-year rollover (SPEC §16): what it moves, who leaves, what is still out.
public struct RolloverPlan: Sendable, Codable, Equatable {
    public struct Move: Sendable, Codable, Equatable {
        public var from: String
        public var to: String
        public var pupils: Int

        public init(from: String, to: String, pupils: Int) {
            self.from = from
            self.to = to
            self.pupils = pupils
        }
    }

    /// A class whose pupils leave the school (the last grade, or mapped to nothing).
    public struct Leaving: Sendable, Codable, Equatable {
        public var className: String
        public var pupils: Int

        public init(className: String, pupils: Int) {
            self.className = className
            self.pupils = pupils
        }

        enum CodingKeys: String, CodingKey {
            case className = "class"
            case pupils
        }
    }

    /// A borrower (by class) and how many copies they still hold.
    public struct Holder: Sendable, Codable, Equatable {
        public var className: String
        public var card: String
        public var name: String
        public var loans: Int

        public init(className: String, card: String, name: String, loans: Int) {
            self.className = className
            self.card = card
            self.name = name
            self.loans = loans
        }

        enum CodingKeys: String, CodingKey {
            case className = "class"
            case card, name, loans
        }
    }

    public var fromYear: String
    public var toYear: String
    /// The new school year's first and last days (from `[calendar]`).
    public var starts: String
    public var ends: String
    public var lastGrade: Int
    public var moves: [Move]
    public var leaving: [Leaving]
    /// Classes the rule does not move (no grade in their name): kept as they are.
    public var unchanged: [String]
    /// Leavers who still hold copies, by class: kept as borrowers until those are settled.
    public var leaversWithLoans: [Holder]
    /// Pupils whose textbooks (lent for the school year) are due at its end, by class.
    public var textbookLoans: [Holder]
    public var applied: Bool

    public init(
        fromYear: String, toYear: String, starts: String, ends: String, lastGrade: Int, moves: [Move], leaving: [Leaving],
        unchanged: [String], leaversWithLoans: [Holder], textbookLoans: [Holder], applied: Bool
    ) {
        self.fromYear = fromYear
        self.toYear = toYear
        self.starts = starts
        self.ends = ends
        self.lastGrade = lastGrade
        self.moves = moves
        self.leaving = leaving
        self.unchanged = unchanged
        self.leaversWithLoans = leaversWithLoans
        self.textbookLoans = textbookLoans
        self.applied = applied
    }

    enum CodingKeys: String, CodingKey {
        case fromYear = "from_year"
        case toYear = "to_year"
        case starts, ends
        case lastGrade = "last_grade"
        case moves, leaving, unchanged
        case leaversWithLoans = "leavers_with_loans"
        case textbookLoans = "textbook_loans"
        case applied
    }
}

/// What a borrower owes for a copy they lost.
public struct ChargeView: Sendable, Codable, Equatable {
    public var accession: String
    public var title: String
    public var amount: Int64
    public var reason: String
    public var at: String
    public var settlement: String?

    public init(accession: String, title: String, amount: Int64, reason: String, at: String, settlement: String?) {
        self.accession = accession
        self.title = title
        self.amount = amount
        self.reason = reason
        self.at = at
        self.settlement = settlement
    }
}
