import Foundation

/// Money in đồng (VND), whole numbers.
public enum Money {
    /// The largest price or value one copy, unit or equipment type may carry: a thousand
    /// billion đồng, far above any real one, so that a total over a whole intake
    /// (`Intake.maxCopies` copies) stays far inside 64 bits and no sum can overflow.
    public static let maxAmount: Int64 = 1_000_000_000_000

    /// Whether `amount` is a price we take: from 0 to `maxAmount`.
    public static func isValid(_ amount: Int64) -> Bool { (0...maxAmount).contains(amount) }

    /// `85.000 đ`: thousands separated by dots, as Vietnamese prices are written.
    public static func text(_ amount: Int64) -> String {
        var digits = String(amount.magnitude)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(Substring(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return (amount < 0 ? "-" : "") + groups.joined(separator: ".") + " đ"
    }
}

/// A register (sổ): a numbering sequence with its display format (SPEC §4, §6.1).
public struct Register: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var prefix: String
    public var separator: String
    public var width: Int
    public var nextNumber: Int64

    public init(code: String, name: String, prefix: String, separator: String, width: Int, nextNumber: Int64) {
        self.code = code
        self.name = name
        self.prefix = prefix
        self.separator = separator
        self.width = width
        self.nextNumber = nextNumber
    }

    /// The next `count` numbers, or nil when the register cannot hold them (a 64-bit number
    /// would overflow; only a corrupt or hostile database comes near).
    public func allocation(_ count: Int) -> ClosedRange<Int64>? {
        guard count > 0 else { return nil }
        let (end, overflow) = nextNumber.addingReportingOverflow(Int64(count))
        return overflow ? nil : nextNumber...(end - 1)
    }

    /// The accession number as printed: `STK.000123`.
    public func format(_ number: Int64) -> String {
        if number >= 0 { return DecimalDigits.text(UInt64(number), width: width, after: prefix + separator) }
        let digits = String(number)
        return prefix + separator + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// An accession number read back from its printed form: `STK.000123`, `STK-123`, `stk123`.
public struct AccessionNumber: Sendable, Equatable {
    public var prefix: String
    public var number: Int64

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let letters = trimmed.prefix { $0.isLetter }
        let rest = trimmed.dropFirst(letters.count).drop { $0 == "." || $0 == "-" || $0 == "/" || $0 == " " }
        guard !letters.isEmpty, !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(rest),
            number >= 1
        else { return nil }
        prefix = String(letters)
        self.number = number
    }
}

/// Kinds of material (loại tài liệu, SPEC §4), and the kind each default register holds.
public enum MaterialKind: String, Sendable, CaseIterable, Codable {
    case textbook, professional, reference, children, periodical, equipment, other

    public static func defaultKind(forRegister code: String) -> MaterialKind {
        switch code.uppercased() {
        case "SGK": return .textbook
        case "SNV": return .professional
        case "STK": return .reference
        case "TN": return .children
        case "TB": return .equipment
        default: return .other
        }
    }
}

/// Where an intake's copies came from.
public enum IntakeSource: String, Sendable, CaseIterable, Codable {
    case purchase, donation, transfer
}

/// Patron kinds (SPEC §4).
public enum PatronKind: String, Sendable, CaseIterable, Codable {
    case pupil, teacher, staff

    /// Accepts the English names and the Vietnamese ones staff write in class lists.
    public init?(text: String) {
        switch VietnameseText.fold(text) {
        case "pupil", "student", "hoc sinh", "hs": self = .pupil
        case "teacher", "giao vien", "gv": self = .teacher
        case "staff", "nhan vien", "can bo", "nv": self = .staff
        default: return nil
        }
    }
}

/// The school year a date falls in: September to August, written `2026-2027`.
public enum SchoolYear {
    public static func containing(_ date: Date, calendar: Calendar = .vietnam) -> String {
        let components = calendar.dateComponents([.year, .month], from: date)
        let year = components.year ?? 2000
        let start = (components.month ?? 1) >= 9 ? year : year - 1
        return "\(start)-\(start + 1)"
    }

    /// True for `2026-2027` (consecutive years).
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }), let first = Int(parts[0]), let second = Int(parts[1])
        else { return false }
        return second == first + 1
    }

    /// The grade of a class name: `6A` → 6, `10A1` → 10; nil when it does not start with 1–12.
    public static func grade(ofClass name: String) -> Int? {
        guard let grade = Int(name.prefix { $0.isASCII && $0.isNumber }), (1...12).contains(grade) else { return nil }
        return grade
    }
}

extension Calendar {
    /// Gregorian in Vietnam's time zone (UTC+7), where the desk is.
    public static let vietnam: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
        return calendar
    }()
}
