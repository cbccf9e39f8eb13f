import Foundation
import Logging
import QuayCore
import QuayWeb
import QuayDevices
import QuayLabels
import QuayStore

/// Everything `quayd` reads from its TOML file (docs/config.md). Every field has a default,
/// so an empty file, or none, runs out of the box.
public struct DaemonConfig: Sendable, Equatable {
    public var schoolName = "Trường học"
    /// The grade that leaves at the school-year rollover; nil: the highest grade of the year's classes.
    public var lastGrade: Int?
    /// The name narrow labels print; by default the name without its leading "Trường".
    public var schoolShortName: String?
    public var language: Language = .vi
    public var databasePath = "/var/lib/quay/quay.sqlite"
    public var synchronous: Synchronous = .full
    /// Loans and returns that reach the writer together share one commit (docs/config.md).
    public var groupCommit = true
    public var socketPath = "/run/quay/quay.sock"
    /// Permissions of the socket file when quayd creates it (SPEC §8.4: 0660, group quay).
    public var socketMode: UInt16 = 0o660
    /// The group the socket file is given; left as it is when no such group exists.
    public var socketGroup = "quay"
    public var maxConnections = 256
    /// A client that sends nothing for this long is disconnected.
    public var idleTimeoutSeconds = 300
    /// Members may run the desk (loans, returns, printing, inventory scans).
    public var deskGroup = "quay"
    /// Members may do everything, as root may.
    public var adminGroup = "quay-admin"
    public var logLevel: Logger.Level = .info
    /// The loan policy and the school calendar (SPEC §4): the built-in matrix with the
    /// file's `[[policy]]` cells on top.
    public var circulation = CirculationSettings()
    public var labels = LabelSettings()
    /// The desks (`[[desk]]`); one named "main" when the file has none.
    public var desks = [DeskSettings(name: "main")]
    public var scanners: [ScannerSettings] = []
    /// What scans are (`[[pattern]]`); the built-in classifier when the file has none.
    public var classifier = BarcodeClassifier.standard
    /// The label and receipt printers (`[[printer]]`).
    public var printers: [PrinterSettings] = []
    public var printing = PrintingSettings()
    /// Automatic backups (`[backup]`); off until a directory is set.
    public var backup = BackupSettings()
    /// The lesson periods with equipment each teacher is expected to teach in a term
    /// (`[equipment_quota]`), for the summary of use per teacher.
    public var equipmentQuota = EquipmentQuota()
    /// The SIP2 listener (`[sip2]`, `[[sip2_account]]`); nil (off) without a `[sip2]` table.
    public var sip2: SIP2Settings?
    /// The staff web console (`[web]`); nil (off) without a `[web]` table.
    public var web: WebSettings?

    public init() {}

    public var school: SchoolNames { SchoolNames(name: schoolName, shortName: schoolShortName) }

    /// Settings that only take effect at start; a reload that changes them says so.
    func restartOnlyDifferences(from other: DaemonConfig) -> [String] {
        var keys: [String] = []
        if databasePath != other.databasePath { keys.append("database.path") }
        if synchronous != other.synchronous { keys.append("database.synchronous") }
        if groupCommit != other.groupCommit { keys.append("database.group_commit") }
        if socketPath != other.socketPath { keys.append("socket.path") }
        if socketMode != other.socketMode { keys.append("socket.mode") }
        if socketGroup != other.socketGroup { keys.append("socket.group") }
        if desks != other.desks { keys.append("desk") }
        if scanners != other.scanners { keys.append("scanner") }
        if classifier != other.classifier { keys.append("pattern") }
        if printers != other.printers { keys.append("printer") }
        if printing != other.printing { keys.append("printing") }
        if sip2 != other.sip2 { keys.append("sip2") }
        if web != other.web { keys.append("web") }
        return keys
    }
}

/// `[labels]`: the fonts labels are drawn with, the school's own templates, and the
/// resolution previews are made at.
public struct LabelSettings: Sendable, Equatable {
    public var fonts = FontFiles.default
    public var templatesDirectory: String?
    public var dpi = 203
    /// The built-ins and the directory's files, read when the config is.
    public var templates = LabelTemplates.builtIn
}

/// A config file that cannot be used: where and why.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based line, when the problem has one.
    public var line: Int?
    public var reason: String

    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}

/// Reads and checks the TOML file. Unknown sections and keys are errors, not silently
/// ignored, so a misspelt setting is caught when the file is loaded.
public enum ConfigLoader {
    /// `refusingEmpty`: a file of nothing but white space is an error rather than the defaults.
    public static func load(path: String, refusingEmpty: Bool = false) throws(ConfigError) -> DaemonConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: path, line: nil, reason: "cannot read the file (\(error.localizedDescription))")
        }
        if refusingEmpty && text.allSatisfy(\.isWhitespace) {
            throw ConfigError(
                path: path, line: nil,
                reason: "the file is empty; to run on the built-in defaults, write a comment in it (# defaults)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> DaemonConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch {
            throw ConfigError(path: path, line: error.line, reason: error.reason)
        }
        var reader = Reader(table: table, path: path)
        return try reader.read()
    }

    private struct Reader {
        let table: TOMLTable
        let path: String
        var config = DaemonConfig()

        init(table: TOMLTable, path: String) {
            self.table = table
            self.path = path
        }

        mutating func read() throws(ConfigError) -> DaemonConfig {
            let sections = ["school", "database", "socket", "access", "log", "calendar", "policy", "labels", "desk", "scanner", "pattern", "printer", "printing", "backup", "sip2", "sip2_account", "equipment_quota", "web"]
            for key in table.keys where !sections.contains(key) {
                throw fail(section: nil, key: key, "unknown section or key '\(key)'")
            }
            try section("school", ["name", "short_name", "language", "last_grade"]) { (key, value, reader) throws(ConfigError) in
                switch key {
                case "last_grade":
                    guard let grade = value.int, (1...12).contains(grade) else {
                        throw reader.fail(section: "school", key: key, "last_grade must be a grade from 1 to 12")
                    }
                    reader.config.lastGrade = grade
                case "name": reader.config.schoolName = VietnameseText.nfc(try reader.string(value, "school", key))
                case "short_name": reader.config.schoolShortName = VietnameseText.nfc(try reader.string(value, "school", key))
                default:
                    let tag = try reader.string(value, "school", key)
                    guard let language = Language(tag: tag) else {
                        throw reader.fail(section: "school", key: key, "language must be \"vi\" or \"en\", not \"\(tag)\"")
                    }
                    reader.config.language = language
                }
            }
            try section("database", ["path", "synchronous", "group_commit"]) { (key, value, reader) throws(ConfigError) in
                switch key {
                case "path": reader.config.databasePath = try reader.nonEmpty(value, "database", key)
                case "group_commit": reader.config.groupCommit = try reader.bool(value, "database", key)
                default:
                    let name = try reader.string(value, "database", key)
                    guard let level = Synchronous(rawValue: name.uppercased()) else {
                        throw reader.fail(section: "database", key: key, "synchronous must be \"full\" or \"normal\", not \"\(name)\"")
                    }
                    reader.config.synchronous = level
                }
            }
            try section("socket", ["path", "mode", "group", "max_connections", "idle_timeout_seconds"]) {
                (key, value, reader) throws(ConfigError) in
                switch key {
                case "path": reader.config.socketPath = try reader.nonEmpty(value, "socket", key)
                case "mode":
                    let text = try reader.string(value, "socket", key)
                    guard let mode = UInt16(text, radix: 8), mode <= 0o777 else {
                        throw reader.fail(section: "socket", key: key, "mode must be octal such as \"0660\", not \"\(text)\"")
                    }
                    reader.config.socketMode = mode
                case "group": reader.config.socketGroup = try reader.string(value, "socket", key)
                case "max_connections":
                    reader.config.maxConnections = try reader.integer(value, "socket", key, in: 1...4096)
                default:
                    reader.config.idleTimeoutSeconds = try reader.integer(value, "socket", key, in: 1...86_400)
                }
            }
            try section("access", ["desk_group", "admin_group"]) { (key, value, reader) throws(ConfigError) in
                let name = try reader.nonEmpty(value, "access", key)
                if key == "desk_group" { reader.config.deskGroup = name } else { reader.config.adminGroup = name }
            }
            try section("log", ["level"]) { (key, value, reader) throws(ConfigError) in
                let name = try reader.string(value, "log", key)
                guard let level = Logger.Level(rawValue: name) else {
                    let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                    throw reader.fail(section: "log", key: key, "level must be one of \(names), not \"\(name)\"")
                }
                reader.config.logLevel = level
            }
            try section("calendar", ["closed_weekdays", "closed", "school_year_end", "school_year_start", "second_term_start"]) { (key, value, reader) throws(ConfigError) in
                try reader.calendar(key, value)
            }
            try section("equipment_quota", ["periods", "subjects", "teachers"]) { (key, value, reader) throws(ConfigError) in
                if key == "periods" {
                    reader.config.equipmentQuota.periods = try reader.integer(value, "equipment_quota", key, in: 0...1000)
                    return
                }
                guard let table = value.table else {
                    throw reader.fail(section: "equipment_quota", key: key, "equipment_quota.\(key) must be a table of names and periods")
                }
                var quotas: [String: Int] = [:]
                for name in table.keys {
                    guard let periods = table[name]?.int, (0...1000).contains(periods) else {
                        throw reader.fail(section: "equipment_quota", key: key, "equipment_quota.\(key).\(name) must be a whole number of periods from 0 to 1000")
                    }
                    quotas[VietnameseText.nfc(name)] = periods
                }
                if key == "subjects" { reader.config.equipmentQuota.subjects = quotas } else { reader.config.equipmentQuota.teachers = quotas }
            }
            try section("labels", ["font", "bold_font", "fallback_fonts", "templates", "dpi"]) { (key, value, reader) throws(ConfigError) in
                switch key {
                case "font": reader.config.labels.fonts.regular = try reader.nonEmpty(value, "labels", key)
                case "bold_font": reader.config.labels.fonts.bold = try reader.nonEmpty(value, "labels", key)
                case "fallback_fonts": reader.config.labels.fonts.fallbacks = try reader.strings(value, "labels", key)
                case "templates": reader.config.labels.templatesDirectory = try reader.nonEmpty(value, "labels", key)
                default:
                    let dpi = try reader.integer(value, "labels", key, in: 100...600)
                    guard dpi == 203 || dpi == 300 else { throw reader.fail(section: "labels", key: key, "dpi must be 203 or 300, not \(dpi)") }
                    reader.config.labels.dpi = dpi
                }
            }
            if let directory = config.labels.templatesDirectory {
                do throws(LabelError) {
                    config.labels.templates = try LabelTemplates.load(directory: directory)
                } catch {
                    throw fail(section: "labels", key: "templates", error.detail)
                }
            }
            try section("printing", ["retry_min_ms", "retry_max_ms"]) { (key, value, reader) throws(ConfigError) in
                let milliseconds = try reader.integer(value, "printing", key, in: 100...3_600_000)
                if key == "retry_min_ms" { reader.config.printing.retryMinMilliseconds = milliseconds } else { reader.config.printing.retryMaxMilliseconds = milliseconds }
            }
            try section("backup", ["directory", "daily_at", "every", "keep"]) { (key, value, reader) throws(ConfigError) in
                switch key {
                case "directory": reader.config.backup.directory = try reader.nonEmpty(value, "backup", key)
                case "keep": reader.config.backup.keep = try reader.integer(value, "backup", key, in: 1...1000)
                case "daily_at":
                    let text = try reader.string(value, "backup", key)
                    guard let (hour, minute) = BackupSettings.time(text) else {
                        throw reader.fail(section: "backup", key: key, "daily_at must be a time of day such as \"17:30\", not \"\(text)\"")
                    }
                    reader.config.backup.schedule = .daily(hour: hour, minute: minute)
                default:
                    let text = try reader.string(value, "backup", key)
                    guard let seconds = BackupSettings.interval(text) else {
                        throw reader.fail(section: "backup", key: key, "every must be a count and a unit such as \"6h\", \"90m\" or \"1d\", not \"\(text)\"")
                    }
                    reader.config.backup.schedule = .every(seconds: seconds)
                }
            }
            if let section = table["backup"]?.table, section["daily_at"] != nil, section["every"] != nil {
                throw fail(section: "backup", key: "every", "give backup.daily_at or backup.every, not both")
            }
            if table["web"] != nil {
                var web = WebSettings()
                try section("web", ["listen", "idle_minutes"]) { (key, value, reader) throws(ConfigError) in
                    switch key {
                    case "listen":
                        web.listen = try reader.nonEmpty(value, "web", key)
                        guard web.address != nil else {
                            throw reader.fail(section: "web", key: key, "listen must be host:port such as \"127.0.0.1:8470\", not \"\(web.listen)\"")
                        }
                    default: web.idleMinutes = try reader.integer(value, "web", key, in: 1...1440)
                    }
                }
                config.web = web
            }
            if table["sip2"] != nil {
                var sip2 = SIP2Settings()
                try section("sip2", ["listen", "max_connections", "idle_timeout_seconds", "login_timeout_seconds", "status_before_login", "max_message_bytes"]) {
                    (key, value, reader) throws(ConfigError) in
                    switch key {
                    case "listen":
                        sip2.listen = try reader.nonEmpty(value, "sip2", key)
                        guard sip2.address != nil else {
                            throw reader.fail(section: "sip2", key: key, "listen must be host:port such as \"127.0.0.1:6001\", not \"\(sip2.listen)\"")
                        }
                    case "max_connections": sip2.maxConnections = try reader.integer(value, "sip2", key, in: 1...1024)
                    case "idle_timeout_seconds": sip2.idleTimeoutSeconds = try reader.integer(value, "sip2", key, in: 1...86_400)
                    case "login_timeout_seconds": sip2.loginTimeoutSeconds = try reader.integer(value, "sip2", key, in: 1...3600)
                    case "max_message_bytes": sip2.maxMessageBytes = try reader.integer(value, "sip2", key, in: 256...65_536)
                    default:
                        guard let flag = value.bool else { throw reader.fail(section: "sip2", key: key, "sip2.\(key) must be true or false") }
                        sip2.statusBeforeLogin = flag
                    }
                }
                sip2.accounts = try arrayTables("sip2_account") { reader throws(ConfigError) in try reader.sip2Account() }
                for (index, account) in sip2.accounts.enumerated() where sip2.accounts[..<index].contains(where: { $0.login == account.login }) {
                    throw ConfigError(
                        path: path, line: table.line(arrayTable: "sip2_account", index: index, key: "login"),
                        reason: "two SIP2 accounts log in as \"\(account.login)\"")
                }
                config.sip2 = sip2
            } else if table["sip2_account"] != nil {
                throw fail(section: nil, key: "sip2_account", "[[sip2_account]] needs a [sip2] table (the listener) beside it")
            }
            let printers = try arrayTables("printer") { reader throws(ConfigError) in try reader.printer() }
            for (index, printer) in printers.enumerated() {
                if printers[..<index].contains(where: { $0.name == printer.name }) {
                    throw ConfigError(path: path, line: table.line(arrayTable: "printer", index: index, key: "name"), reason: "two printers are named \"\(printer.name)\"")
                }
                for template in printer.templates where config.labels.templates.entries[template] == nil {
                    throw ConfigError(
                        path: path, line: table.line(arrayTable: "printer", index: index, key: "templates"),
                        reason: "no label template named \"\(template)\"")
                }
            }
            config.printers = printers
            let desks = try arrayTables("desk") { reader throws(ConfigError) in try reader.desk(printers: printers.map(\.name)) }
            if !desks.isEmpty {
                var seen = Set<String>()
                for (index, desk) in desks.enumerated() where !seen.insert(desk.name).inserted {
                    throw ConfigError(path: path, line: table.line(arrayTable: "desk", index: index, key: "name"), reason: "two desks are named \"\(desk.name)\"")
                }
                for (index, desk) in desks.enumerated() where config.labels.templates.entries[desk.loanSlip]?.template.data != .loanSlip {
                    throw ConfigError(
                        path: path, line: table.line(arrayTable: "desk", index: index, key: "loan_slip"),
                        reason: "\"\(desk.loanSlip)\" is not a loan slip template (slip58, slip80 or a school's own)")
                }
                config.desks = desks
            }
            let deskNames = config.desks.map(\.name)
            config.scanners = try arrayTables("scanner") { reader throws(ConfigError) in try reader.scanner(desks: deskNames) }
            let rules = try arrayTables("pattern") { reader throws(ConfigError) in try reader.pattern() }
            if !rules.isEmpty { config.classifier = BarcodeClassifier(rules: rules) }
            if let value = table["policy"] {
                guard let cells = value.array else {
                    throw fail(section: nil, key: "policy", "policy must be an array of tables ([[policy]])")
                }
                for (index, element) in cells.enumerated() {
                    guard let cell = element.table else {
                        throw fail(section: nil, key: "policy", "each policy must be a table ([[policy]])")
                    }
                    config.circulation.policy.cells.append(try policyCell(cell, index: index))
                }
            }
            return config
        }

        static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

        mutating func calendar(_ key: String, _ value: TOMLValue) throws(ConfigError) {
            switch key {
            case "closed_weekdays":
                var days: Set<Int> = []
                for name in try strings(value, "calendar", key) {
                    guard let index = Self.weekdays.firstIndex(of: name.lowercased()) else {
                        throw fail(section: "calendar", key: key, "'\(name)' is not a weekday (monday … sunday)")
                    }
                    days.insert(index + 1)
                }
                config.circulation.calendar.closedWeekdays = days
            case "closed":
                var ranges: [ClosedRange<Day>] = []
                for text in try strings(value, "calendar", key) {
                    let parts = text.components(separatedBy: "..")
                    guard parts.count <= 2, let first = Day(parts[0]), let last = Day(parts.last!), first <= last else {
                        throw fail(section: "calendar", key: key, "'\(text)' is not a day (2027-02-05) or a range (2027-02-01..2027-02-12)")
                    }
                    ranges.append(first...last)
                }
                config.circulation.calendar.closedDays = ranges
            default:
                let text = try string(value, "calendar", key)
                let parts = text.split(separator: "-")
                guard parts.count == 2, let month = Int(parts[0]), let day = Int(parts[1]), (1...12).contains(month),
                    (1...31).contains(day)
                else {
                    throw fail(section: "calendar", key: key, "\(key) must be month-day such as \"05-31\", not \"\(text)\"")
                }
                if key == "school_year_start" {
                    config.circulation.calendar.yearStartMonth = month
                    config.circulation.calendar.yearStartDay = day
                } else if key == "second_term_start" {
                    config.circulation.calendar.secondTermMonth = month
                    config.circulation.calendar.secondTermDay = day
                } else {
                    config.circulation.calendar.yearEndMonth = month
                    config.circulation.calendar.yearEndDay = day
                }
            }
        }

        /// Each `[[name]]` table read by `read`.
        func arrayTables<Value>(_ name: String, _ read: (ArrayTableReader) throws(ConfigError) -> Value) throws(ConfigError) -> [Value] {
            guard let value = table[name] else { return [] }
            guard let array = value.array else { throw fail(section: nil, key: name, "\(name) must be an array of tables ([[\(name)]])") }
            var result: [Value] = []
            for index in 0..<array.count {
                guard let element = array[index].table else { throw fail(section: nil, key: name, "each \(name) must be a table ([[\(name)]])") }
                result.append(try read(ArrayTableReader(name: name, table: element, index: index, path: path, root: table)))
            }
            return result
        }

        func strings(_ value: TOMLValue, _ section: String, _ key: String) throws(ConfigError) -> [String] {
            guard let array = value.array else { throw fail(section: section, key: key, "\(section).\(key) must be an array of strings") }
            var result: [String] = []
            for element in array {
                guard let text = element.string else { throw fail(section: section, key: key, "\(section).\(key) must be an array of strings") }
                result.append(text)
            }
            return result
        }

        func policyCell(_ cell: TOMLTable, index: Int) throws(ConfigError) -> LoanPolicy.Cell {
            let known = ["borrower", "material", "days", "period", "limit", "renewals", "loanable", "block_when_overdue"]
            func fail(_ key: String, _ reason: String) -> ConfigError {
                ConfigError(path: path, line: table.line(arrayTable: "policy", index: index, key: key), reason: reason)
            }
            for key in cell.keys where !known.contains(key) {
                throw fail(key, "unknown key '\(key)' in [[policy]]; known: \(known.joined(separator: ", "))")
            }
            func text(_ key: String) throws(ConfigError) -> String? {
                guard let value = cell[key] else { return nil }
                guard let text = value.string else { throw fail(key, "policy.\(key) must be a string") }
                return text
            }
            func number(_ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
                guard let value = cell[key] else { return nil }
                guard let number = value.int, range.contains(number) else {
                    throw fail(key, "policy.\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
            func flag(_ key: String) throws(ConfigError) -> Bool? {
                guard let value = cell[key] else { return nil }
                guard let flag = value.bool else { throw fail(key, "policy.\(key) must be true or false") }
                return flag
            }
            var borrower: BorrowerKind? = nil
            if let name = try text("borrower"), name != "*" {
                guard let kind = BorrowerKind(rawValue: name) else {
                    throw fail("borrower", "borrower must be pupil, teacher, staff, class or \"*\", not \"\(name)\"")
                }
                borrower = kind
            }
            var material: MaterialKind? = nil
            if let name = try text("material"), name != "*" {
                guard let kind = MaterialKind(rawValue: name) else {
                    let names = MaterialKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("material", "material must be one of \(names) or \"*\", not \"\(name)\"")
                }
                material = kind
            }
            // Unset fields take the value of the cell this one refines.
            let base = config.circulation.policy.rule(for: borrower ?? .pupil, material: material ?? .other)
            var rule = base
            if let days = try number("days", 1...3650) {
                rule.period = .days(days)
            }
            if let period = try text("period") {
                guard period == "school_year" else { throw fail("period", "period must be \"school_year\" (or give days)") }
                guard cell["days"] == nil else { throw fail("period", "give days or period, not both") }
                rule.period = .endOfSchoolYear
            }
            if let limit = try number("limit", 0...100_000) { rule.limit = limit }
            if let renewals = try number("renewals", 0...100) { rule.renewals = renewals }
            if let loanable = try flag("loanable") { rule.loanable = loanable }
            if let block = try flag("block_when_overdue") { rule.blockWhenOverdue = block }
            return LoanPolicy.Cell(borrower: borrower, material: material, rule: rule)
        }

        mutating func section(
            _ name: String, _ keys: [String],
            _ apply: (String, TOMLValue, inout Reader) throws(ConfigError) -> Void
        ) throws(ConfigError) {
            guard let value = table[name] else { return }
            guard let section = value.table else {
                throw fail(section: nil, key: name, "'\(name)' must be a table ([\(name)])")
            }
            for key in section.keys {
                guard keys.contains(key), let item = section[key] else {
                    throw fail(section: name, key: key, "unknown key '\(key)' in [\(name)]; known: \(keys.joined(separator: ", "))")
                }
                try apply(key, item, &self)
            }
        }

        func string(_ value: TOMLValue, _ section: String, _ key: String) throws(ConfigError) -> String {
            guard let text = value.string else {
                throw fail(section: section, key: key, "\(section).\(key) must be a string")
            }
            if let control = VietnameseText.firstControl(in: text) {
                throw fail(section: section, key: key, "\(section).\(key) must not contain control characters (\(VietnameseText.codePoint(control)))")
            }
            return text
        }

        func nonEmpty(_ value: TOMLValue, _ section: String, _ key: String) throws(ConfigError) -> String {
            let text = try string(value, section, key)
            guard !text.isEmpty else { throw fail(section: section, key: key, "\(section).\(key) must not be empty") }
            return text
        }

        func bool(_ value: TOMLValue, _ section: String, _ key: String) throws(ConfigError) -> Bool {
            guard let flag = value.bool else { throw fail(section: section, key: key, "\(section).\(key) must be true or false") }
            return flag
        }

        func integer(
            _ value: TOMLValue, _ section: String, _ key: String, in range: ClosedRange<Int>
        ) throws(ConfigError) -> Int {
            guard let number = value.int, range.contains(number) else {
                throw fail(
                    section: section, key: key,
                    "\(section).\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        func fail(section: String?, key: String, _ reason: String) -> ConfigError {
            ConfigError(path: path, line: table.line(section: section, key: key), reason: reason)
        }
    }
}

/// How many lesson periods with equipment a teacher is expected to teach in a term: the
/// teacher's own figure (by card), else their subject's, else the school's.
public struct EquipmentQuota: Sendable, Equatable {
    public var periods: Int?
    public var subjects: [String: Int] = [:]
    public var teachers: [String: Int] = [:]

    public init() {}

    public func periods(card: String, subject: String?) -> Int? {
        teachers[card] ?? subject.flatMap { subject in subjects.first { VietnameseText.fold($0.key) == VietnameseText.fold(subject) }?.value } ?? periods
    }
}
