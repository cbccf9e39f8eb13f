import Foundation

/// Who borrows: a patron of a kind, or a whole class (tủ sách lớp).
public enum BorrowerKind: String, Sendable, CaseIterable, Codable {
    case pupil, teacher, staff
    case `class`

    public init(_ patron: PatronKind) {
        switch patron {
        case .pupil: self = .pupil
        case .teacher: self = .teacher
        case .staff: self = .staff
        }
    }
}

/// How long a loan runs.
public enum LoanPeriod: Sendable, Equatable {
    case days(Int)
    /// Due on the school year's last day (textbooks lent for the year).
    case endOfSchoolYear
}

/// One cell of the loan-policy matrix (quy định mượn, SPEC §4).
public struct LoanRule: Sendable, Equatable {
    public var loanable: Bool
    public var period: LoanPeriod
    /// Open loans the borrower may hold under this rule.
    public var limit: Int
    public var renewals: Int
    /// Refuse new loans while the borrower holds an overdue item.
    public var blockWhenOverdue: Bool

    public init(loanable: Bool = true, period: LoanPeriod, limit: Int, renewals: Int, blockWhenOverdue: Bool) {
        self.loanable = loanable
        self.period = period
        self.limit = limit
        self.renewals = renewals
        self.blockWhenOverdue = blockWhenOverdue
    }
}

/// The policy matrix: borrower kind × material kind → rule. A cell names a borrower kind and a
/// material kind, either of which may be nil for "any"; the most specific cell wins (both
/// named, then borrower only, then material only, then neither), and among equals the later.
public struct LoanPolicy: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var borrower: BorrowerKind?
        public var material: MaterialKind?
        public var rule: LoanRule

        public init(borrower: BorrowerKind?, material: MaterialKind?, rule: LoanRule) {
            self.borrower = borrower
            self.material = material
            self.rule = rule
        }

        var specificity: Int { (borrower == nil ? 0 : 2) + (material == nil ? 0 : 1) }
    }

    public var cells: [Cell]

    public init(cells: [Cell]) { self.cells = cells }

    /// The built-in policy: pupils 14 days and 5 books, textbooks for the school year;
    /// teachers and staff 30 days; classes hold their corner library for the year; equipment
    /// goes out by lesson loans, not by checkout.
    public static let standard = LoanPolicy(cells: [
        Cell(borrower: nil, material: nil, rule: LoanRule(period: .days(14), limit: 5, renewals: 1, blockWhenOverdue: true)),
        Cell(borrower: nil, material: .periodical, rule: LoanRule(period: .days(7), limit: 3, renewals: 0, blockWhenOverdue: true)),
        Cell(borrower: nil, material: .equipment, rule: LoanRule(loanable: false, period: .days(1), limit: 0, renewals: 0, blockWhenOverdue: true)),
        Cell(borrower: .pupil, material: .textbook, rule: LoanRule(period: .endOfSchoolYear, limit: 20, renewals: 0, blockWhenOverdue: false)),
        Cell(borrower: .teacher, material: nil, rule: LoanRule(period: .days(30), limit: 20, renewals: 2, blockWhenOverdue: false)),
        Cell(borrower: .teacher, material: .textbook, rule: LoanRule(period: .endOfSchoolYear, limit: 50, renewals: 0, blockWhenOverdue: false)),
        Cell(borrower: .teacher, material: .professional, rule: LoanRule(period: .endOfSchoolYear, limit: 50, renewals: 0, blockWhenOverdue: false)),
        Cell(borrower: .staff, material: nil, rule: LoanRule(period: .days(30), limit: 10, renewals: 2, blockWhenOverdue: false)),
        Cell(borrower: .class, material: nil, rule: LoanRule(period: .endOfSchoolYear, limit: 5000, renewals: 0, blockWhenOverdue: false)),
    ])

    /// The cell that governs `borrower` borrowing `material`.
    public func cell(for borrower: BorrowerKind, material: MaterialKind) -> Cell {
        var best: Cell? = nil
        for cell in cells where (cell.borrower == nil || cell.borrower == borrower) && (cell.material == nil || cell.material == material) {
            if best == nil || cell.specificity >= best!.specificity { best = cell }
        }
        return best ?? Cell(borrower: nil, material: nil, rule: LoanRule(period: .days(14), limit: 5, renewals: 1, blockWhenOverdue: true))
    }

    public func rule(for borrower: BorrowerKind, material: MaterialKind) -> LoanRule {
        cell(for: borrower, material: material).rule
    }

    /// The material kinds whose loans count against the same limit as `material` for this
    /// borrower: those governed by the same cell.
    public func materialsSharingLimit(with material: MaterialKind, borrower: BorrowerKind) -> [MaterialKind] {
        let governing = cell(for: borrower, material: material)
        return MaterialKind.allCases.filter { cell(for: borrower, material: $0) == governing }
    }
}

/// A calendar day in Vietnam's time zone (UTC+7 all year, no daylight saving), computed with
/// integer arithmetic: checkout computes due dates on every scan, and Foundation's Calendar
/// costs microseconds a call.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Vietnam's offset from UTC.
    public static let utcOffset = 7 * 3600

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2027-02-05`; nil for anything else, including days that do not exist (2027-02-30).
    public init?(_ text: String) {
        // `yyyy-mm-dd` exactly, the form the store keeps, is read from its bytes: a register
        // reads a day on each of a million lines. Anything else is split as before.
        if let (year, month, day) = Day.isoFields(text) {
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            self.init(year: year, month: month, day: day)
            guard Day(daysSinceEpoch: daysSinceEpoch) == self else { return nil }
            return
        }
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard Day(daysSinceEpoch: daysSinceEpoch) == self else { return nil }
    }

    /// Year, month and day of a text of exactly ten bytes `dddd-dd-dd`, else nil.
    static func isoFields(_ text: String) -> (Int, Int, Int)? {
        var text = text
        return text.withUTF8 { bytes -> (Int, Int, Int)? in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return (year, month, day)
        }
    }

    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + Day.utcOffset
        self.init(daysSinceEpoch: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// The day `days` after 1970-01-01 (Howard Hinnant's civil-from-days).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Days since 1970-01-01 (days-from-civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Midnight at the start of the day, in Vietnam.
    public var date: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch * 86_400 - Day.utcOffset))
    }

    /// The last second of the day: a loan due on a day may come back until it ends.
    public var endOfDay: Date { date.addingTimeInterval(86_399) }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + days) }

    /// 1 = Sunday … 7 = Saturday (1970-01-01 was a Thursday).
    public var weekday: Int { ((daysSinceEpoch + 4) % 7 + 7) % 7 + 1 }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        DecimalDigits.joined(year, 4, month, 2, day, 2, by: UInt8(ascii: "-"))
            ?? Day.pad(year, 4) + "-" + Day.pad(month, 2) + "-" + Day.pad(day, 2)
    }

    /// The day as Vietnamese text writes it: `dd/mm/yyyy` (SPEC §12).
    public var vietnamese: String {
        DecimalDigits.joined(day, 2, month, 2, year, 4, by: UInt8(ascii: "/"))
            ?? Day.pad(day, 2) + "/" + Day.pad(month, 2) + "/" + Day.pad(year, 4)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        if value >= 0 { return DecimalDigits.text(UInt64(value), width: width) }
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int { other.daysSinceEpoch - daysSinceEpoch }
}

/// Timestamps as the store keeps them: UTC, `2026-11-21T09:00:00Z`, sortable as text.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = seconds - days * 86_400
        return Day(daysSinceEpoch: days).description + "T" + Day.pad(rest / 3600, 2) + ":" + Day.pad(rest % 3600 / 60, 2) + ":"
            + Day.pad(rest % 60, 2) + "Z"
    }

    /// A stored timestamp's day and `HH:MM` in Vietnam (SPEC §12); nil when it does not parse.
    public static func vietnam(_ text: String) -> (day: Day, clock: String)? {
        guard let date = parse(text) else { return nil }
        let local = Int(date.timeIntervalSince1970) + Day.utcOffset
        let minutes = local % 86_400 / 60
        return (Day(daysSinceEpoch: local / 86_400), Day.pad(minutes / 60, 2) + ":" + Day.pad(minutes % 60, 2))
    }

    public static func parse(_ text: String) -> Date? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 20, utf8[10] == UInt8(ascii: "T"), utf8[19] == UInt8(ascii: "Z"),
            let day = Day(String(decoding: utf8[0..<10], as: UTF8.self)),
            let hours = Int(String(decoding: utf8[11..<13], as: UTF8.self)),
            let minutes = Int(String(decoding: utf8[14..<16], as: UTF8.self)),
            let seconds = Int(String(decoding: utf8[17..<19], as: UTF8.self))
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + hours * 3600 + minutes * 60 + seconds))
    }
}

/// The school calendar: days the library is closed (Sundays, holidays, Tết) and the day the
/// school year's loans fall due. A due date that lands on a closed day moves to the next open
/// day.
public struct SchoolCalendar: Sendable, Equatable {
    public var closedWeekdays: Set<Int>
    public var closedDays: [ClosedRange<Day>]
    /// Month and day the school year's loans are due (default 31 May).
    public var yearEndMonth: Int
    public var yearEndDay: Int
    /// Month and day a new school year starts (default 5 September, the national opening day).
    public var yearStartMonth = 9
    public var yearStartDay = 5

    public init(closedWeekdays: Set<Int> = [1], closedDays: [ClosedRange<Day>] = [], yearEndMonth: Int = 5, yearEndDay: Int = 31) {
        self.closedWeekdays = closedWeekdays
        self.closedDays = closedDays
        self.yearEndMonth = yearEndMonth
        self.yearEndDay = yearEndDay
    }

    /// The first day of the second term (học kỳ II), month and day of the year's second calendar year.
    public var secondTermMonth = 1
    public var secondTermDay = 15

    /// The first and last days of a term (1 or 2) of the school year `2027-2028`.
    public func dates(ofTerm term: Int, schoolYear year: String) -> (starts: Day, ends: Day)? {
        guard let whole = dates(ofSchoolYear: year), let first = Int(year.prefix(4)) else { return nil }
        let second = Day(year: first + 1, month: secondTermMonth, day: secondTermDay)
        switch term {
        case 1: return (whole.starts, second.adding(days: -1))
        case 2: return (second, whole.ends)
        default: return nil
        }
    }

    /// The first and last days of the school year `2027-2028`.
    public func dates(ofSchoolYear year: String) -> (starts: Day, ends: Day)? {
        guard SchoolYear.isValid(year), let first = Int(year.prefix(4)) else { return nil }
        return (Day(year: first, month: yearStartMonth, day: yearStartDay), Day(year: first + 1, month: yearEndMonth, day: yearEndDay))
    }

    public func isOpen(_ day: Day) -> Bool {
        !closedWeekdays.contains(day.weekday) && !closedDays.contains { $0.contains(day) }
    }

    /// `day` itself when open, else the first open day after it (at most a year on).
    public func nextOpenDay(from day: Day) -> Day {
        var candidate = day
        for _ in 0..<366 where !isOpen(candidate) { candidate = candidate.adding(days: 1) }
        return candidate
    }

    /// The end of the school year that `day` falls in (September to August).
    public func schoolYearEnd(after day: Day) -> Day {
        let startYear = day.month >= 9 ? day.year : day.year - 1
        var end = Day(year: startYear + 1, month: yearEndMonth, day: yearEndDay)
        if end < day { end = Day(year: startYear + 1, month: 8, day: 31) }  // lent after the year's end: due by August
        return end
    }

    /// The due day of a loan made on `day`.
    public func dueDay(loanedOn day: Day, period: LoanPeriod) -> Day {
        switch period {
        case .days(let count): return nextOpenDay(from: day.adding(days: count))
        case .endOfSchoolYear: return nextOpenDay(from: schoolYearEnd(after: day))
        }
    }
}

/// Why a checkout, renewal or return is refused; each has its own protocol error code.
public enum CirculationRefusal: String, Sendable, Error {
    case borrowerBlocked = "borrower_blocked"
    case borrowerHasOverdue = "borrower_has_overdue"
    case notLoanable = "not_loanable"
    case itemUnavailable = "item_unavailable"
    case itemOnLoan = "item_on_loan"
    case limitReached = "limit_reached"
    case renewalLimit = "renewal_limit"
    case notOnLoan = "not_on_loan"
}

/// What the store knows when a borrower scans an item.
public struct CheckoutFacts: Sendable, Equatable {
    public enum OpenLoan: Sendable, Equatable {
        case none
        case sameBorrower(renewals: Int)
        case otherBorrower
    }

    public var borrowerActive: Bool
    public var borrowerHasOverdue: Bool
    public var itemStatus: ItemStatus
    public var openLoan: OpenLoan
    /// Open loans the borrower holds that count against this rule's limit.
    public var openUnderLimit: Int

    public init(borrowerActive: Bool, borrowerHasOverdue: Bool, itemStatus: ItemStatus, openLoan: OpenLoan, openUnderLimit: Int) {
        self.borrowerActive = borrowerActive
        self.borrowerHasOverdue = borrowerHasOverdue
        self.itemStatus = itemStatus
        self.openLoan = openLoan
        self.openUnderLimit = openUnderLimit
    }
}

/// What a checkout scan does.
public enum CheckoutDecision: Sendable, Equatable {
    case lend(due: Day)
    case renew(due: Day)
}

/// The circulation rules (SPEC §5), pure: facts in, a decision or a refusal out.
public enum CirculationRules {
    public static func checkout(
        _ facts: CheckoutFacts, rule: LoanRule, today: Day, calendar: SchoolCalendar
    ) -> Result<CheckoutDecision, CirculationRefusal> {
        guard facts.borrowerActive else { return .failure(.borrowerBlocked) }
        switch facts.openLoan {
        case .otherBorrower:
            return .failure(.itemOnLoan)
        case .sameBorrower(let renewals):
            // Scanning a book the borrower already holds renews it, where the policy allows.
            guard renewals < rule.renewals else { return .failure(.renewalLimit) }
            return .success(.renew(due: calendar.dueDay(loanedOn: today, period: rule.period)))
        case .none:
            break
        }
        guard rule.loanable else { return .failure(.notLoanable) }
        // A missing or lost copy in someone's hands at the desk is found again, and lent.
        guard facts.itemStatus == .available || facts.itemStatus.comesBackWhenSeen else { return .failure(.itemUnavailable) }
        if rule.blockWhenOverdue && facts.borrowerHasOverdue { return .failure(.borrowerHasOverdue) }
        guard facts.openUnderLimit < rule.limit else { return .failure(.limitReached) }
        return .success(.lend(due: calendar.dueDay(loanedOn: today, period: rule.period)))
    }

    /// Days a return is late (0 when on time).
    public static func overdueDays(due: Day, returned: Day) -> Int {
        max(0, due.days(until: returned))
    }
}
