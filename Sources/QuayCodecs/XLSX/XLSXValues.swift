/// One sheet of a workbook, in the order of the workbook's tabs.
public struct XLSXSheet: Sendable, Equatable {
    /// The tab's name, as typed.
    public let name: String
    /// Its position among the tabs, from 0.
    public let index: Int
    /// `state="hidden"` or `"veryHidden"`: a school may hide a sheet of working-out.
    public let isHidden: Bool
    /// The archive entry of its XML (`xl/worksheets/sheet1.xml`).
    public let part: String
}

/// One `<row>` of a sheet: its number (from 1, as Excel shows it; rows with nothing stored
/// are absent, so numbers may skip) and the cells it stores, in column order.
public struct XLSXRow: Sendable, Equatable {
    public let index: Int
    public let cells: [XLSXCell]

    public init(index: Int, cells: [XLSXCell]) {
        self.index = index
        self.cells = cells
    }

    /// The cell in `column` (1 = A), if the row stores one.
    public subscript(column column: Int) -> XLSXCell? {
        cells.first(where: { $0.column == column })
    }
}

/// One `<c>` of a row.
public struct XLSXCell: Sendable, Equatable {
    /// From 1: A = 1, Z = 26, AA = 27 (`XLSXColumn.index(of:)`).
    public let column: Int
    public let value: XLSXValue
    /// The font of the cell's style (`s` → `cellXfs` → `fontId` → `<font><name>`), nil if the
    /// workbook has no styles. A legacy Vietnamese font here (`.VnTime`, `.VnTimeH`: TCVN3;
    /// `VNI-Times`: VNI) says the text holds that encoding's bytes as if they were Latin-1,
    /// which the importer converts by the font; the reader gives the text as stored.
    public let fontName: String?
    /// For rich text (runs with their own fonts), each run with the font it is shown in: its
    /// own `rFont`, else the cell's `fontName`. Nil for plain text and every other value. The
    /// runs' texts joined are the `.text` value.
    public let runs: [XLSXRun]?

    public init(column: Int, value: XLSXValue, fontName: String? = nil, runs: [XLSXRun]? = nil) {
        self.column = column
        self.value = value
        self.fontName = fontName
        self.runs = runs
    }
}

/// A run of rich text and its font name.
public struct XLSXRun: Sendable, Equatable {
    public let text: String
    public let fontName: String?

    public init(text: String, fontName: String?) {
        self.text = text
        self.fontName = fontName
    }
}

/// A cell's value, by its type in the sheet (`t`) and, for numbers, its number format.
public enum XLSXValue: Sendable, Equatable {
    /// A cell stored with no value (only a style), or a formula with no cached result.
    case empty
    /// Shared, inline or formula-result text, as stored (not normalised: NFC or not, legacy
    /// font bytes or not, is the importer's to decide). `_xHHHH_` escapes are decoded.
    case text(String)
    case number(Double)
    case bool(Bool)
    /// A number whose format shows a date (`dd/mm/yyyy`, built-in formats 14–17, 22…), turned
    /// into a date by the workbook's date system; also a `t="d"` ISO 8601 cell. A number in
    /// a time-only format (`h:mm`) stays a `.number`, the fraction of a day.
    case date(XLSXDate)
    /// An error value as Excel writes it: `#N/A`, `#DIV/0!`, `#REF!`…
    case error(String)
}

/// A calendar date, with the time of day when the cell had one.
public struct XLSXDate: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int
    /// Seconds since midnight, 0 for a plain date.
    public let secondsIntoDay: Int

    public init(year: Int, month: Int, day: Int, secondsIntoDay: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.secondsIntoDay = secondsIntoDay
    }

    /// `2024-09-05`, or `2024-09-05T13:30:00` with a time.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(year)-\(two(month))-\(two(day))"
        guard secondsIntoDay > 0 else { return date }
        return "\(date)T\(two(secondsIntoDay / 3600)):\(two(secondsIntoDay / 60 % 60)):\(two(secondsIntoDay % 60))"
    }
}

/// How a workbook counts its date serials (`<workbookPr date1904="1"/>`).
public enum XLSXDateSystem: Sendable, Equatable {
    /// Windows Excel's: serial 1 is 1900-01-01, and serial 60 is 1900-02-29, a day that never
    /// was (Lotus 1-2-3's leap-year bug, which Excel keeps), so from serial 61 on a serial is
    /// days since 1899-12-30.
    case date1900
    /// Old Mac Excel's: serial 0 is 1904-01-01.
    case date1904

    /// The date of a serial, the fraction being the time of day (rounded to the second).
    /// Nil below the first day (serial 1, or 0 in 1904), after 9999-12-31, and for serial 60
    /// of the 1900 system, which names no real day.
    public func date(fromSerial serial: Double) -> XLSXDate? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds == 86_400 {
            days += 1
            seconds = 0
        }
        let epoch: Int
        switch self {
        case .date1900:
            guard days >= 1, days != 60 else { return nil }
            epoch = days < 60 ? XLSXDate.daysFromCivil(1899, 12, 31) : XLSXDate.daysFromCivil(1899, 12, 30)
        case .date1904:
            epoch = XLSXDate.daysFromCivil(1904, 1, 1)
        }
        let (year, month, day) = XLSXDate.civil(fromDays: epoch + days)
        guard year <= 9999 else { return nil }
        return XLSXDate(year: year, month: month, day: day, secondsIntoDay: seconds)
    }
}

// The same two functions as QuayCore's `Day` (Circulation.swift): QuayCodecs may not import
// QuayCore (docs/architecture.md), and the importer turns an XLSXDate into a Day by its fields.
extension XLSXDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Column letters and numbers: A = 1 … Z = 26, AA = 27 … XFD = 16,384 (Excel's last column).
public enum XLSXColumn {
    public static let maximum = 16_384

    /// The column of `letters` (upper or lower case), nil if they are not letters or name a
    /// column past XFD.
    public static func index(of letters: some StringProtocol) -> Int? {
        guard !letters.isEmpty, letters.utf8.count <= 3 else { return nil }
        var value = 0
        for byte in letters.utf8 {
            switch byte {
            case 0x41...0x5A: value = value * 26 + Int(byte - 0x40)
            case 0x61...0x7A: value = value * 26 + Int(byte - 0x60)
            default: return nil
            }
        }
        return value <= maximum ? value : nil
    }

    /// The letters of a column from 1 to 16,384.
    public static func letters(of index: Int) -> String {
        precondition(index >= 1 && index <= maximum, "column \(index) is outside A…XFD")
        var value = index
        var letters: [UInt8] = []
        while value > 0 {
            value -= 1
            letters.insert(UInt8(0x41 + value % 26), at: 0)
            value /= 26
        }
        return String(decoding: letters, as: UTF8.self)
    }
}
