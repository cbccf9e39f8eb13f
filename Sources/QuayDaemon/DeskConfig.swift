import Foundation
import QuayCodecs
import QuayCore
import QuayDevices

/// One `[[desk]]`: a name scanners point at, the mode it starts in, and its timings.
public struct DeskSettings: Sendable, Equatable {
    public var name: String
    public var mode: DeskMode = .checkout
    public var idleTimeoutSeconds = 90
    public var debounceMilliseconds = 800
    /// The language its live messages are said in; the school's when absent.
    public var language: Language?
    /// Where spine labels asked for at the desk (intake mode) print; the printer for the
    /// `spine` template when absent.
    public var labelPrinter: String?
    /// A receipt printer: when set, a loan slip prints as each checkout session ends.
    public var receiptPrinter: String?
    /// The slip's template.
    public var loanSlip = "slip58"

    public init(name: String) { self.name = name }
}

/// Reads `[[desk]]`, `[[scanner]]` and `[[pattern]]` (docs/config.md), each array table with
/// its own keys, every fault with its line.
struct ArrayTableReader {
    let name: String
    let table: TOMLTable
    let index: Int
    let path: String
    /// The whole file, for the lines of faults.
    let root: TOMLTable

    func fail(_ key: String, _ reason: String) -> ConfigError {
        ConfigError(path: path, line: root.line(arrayTable: name, index: index, key: key), reason: reason)
    }

    func check(_ known: [String]) throws(ConfigError) {
        for key in table.keys where !known.contains(key) {
            throw fail(key, "unknown key '\(key)' in [[\(name)]]; known: \(known.joined(separator: ", "))")
        }
    }

    func text(_ key: String) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw fail(key, "\(name).\(key) must be a string") }
        if let control = VietnameseText.firstControl(in: text) {
            throw fail(key, "\(name).\(key) must not contain control characters (\(VietnameseText.codePoint(control)))")
        }
        return text
    }

    func required(_ key: String) throws(ConfigError) -> String {
        guard let value = try text(key), !value.isEmpty else { throw fail(key, "\(name).\(key) is required") }
        return value
    }

    func number(_ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            throw fail(key, "\(name).\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func flag(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw fail(key, "\(name).\(key) must be true or false") }
        return flag
    }

    func desk(printers: [String]) throws(ConfigError) -> DeskSettings {
        try check(["name", "mode", "idle_timeout_seconds", "debounce_ms", "language", "label_printer", "receipt_printer", "loan_slip"])
        var desk = DeskSettings(name: try required("name"))
        if let mode = try text("mode") {
            guard let value = DeskMode(rawValue: mode) else {
                throw fail("mode", "mode must be one of \(DeskMode.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(mode)\"")
            }
            desk.mode = value
        }
        desk.idleTimeoutSeconds = try number("idle_timeout_seconds", 5...3600) ?? desk.idleTimeoutSeconds
        desk.debounceMilliseconds = try number("debounce_ms", 0...10_000) ?? desk.debounceMilliseconds
        if let tag = try text("language") {
            guard let language = Language(tag: tag) else { throw fail("language", "language must be \"vi\" or \"en\", not \"\(tag)\"") }
            desk.language = language
        }
        for key in ["label_printer", "receipt_printer"] {
            if let printer = try text(key), !printers.contains(printer) {
                throw fail(key, "no [[printer]] named \"\(printer)\"" + (printers.isEmpty ? "" : "; printers: \(printers.joined(separator: ", "))"))
            }
        }
        desk.labelPrinter = try text("label_printer")
        desk.receiptPrinter = try text("receipt_printer")
        desk.loanSlip = try text("loan_slip") ?? desk.loanSlip
        return desk
    }

    func scanner(desks: [String]) throws(ConfigError) -> ScannerSettings {
        try check(["name", "desk", "path", "usb", "kind", "aim", "prefix", "suffix", "max_length", "baud", "inter_key_timeout_ms", "descriptor"])
        let name = try required("name")
        let desk = try text("desk") ?? desks[0]
        guard desks.contains(desk) else {
            throw fail("desk", "no [[desk]] named \"\(desk)\"; desks: \(desks.joined(separator: ", "))")
        }
        let kindName = try text("kind") ?? "evdev"
        guard let kind = ScannerKind(rawValue: kindName) else {
            throw fail("kind", "kind must be one of \(ScannerKind.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(kindName)\"")
        }
        let options = ScanOptions(
            parsesAIMIdentifier: try flag("aim") ?? false, prefix: try text("prefix") ?? "", suffix: try text("suffix") ?? "",
            maxLength: try number("max_length", 1...4096) ?? 256)
        let baud = try number("baud", 1200...921_600) ?? 9600
        guard [9600, 19200, 38400, 57600, 115200].contains(baud) else {
            throw fail("baud", "baud must be 9600, 19200, 38400, 57600 or 115200")
        }
        let usb = try text("usb")
        if let usb, DeviceLocator.parse(usb) == nil {
            throw fail("usb", "usb must be vendor:product in hex, such as \"0c2e:0b61\" (lsusb shows them), not \"\(usb)\"")
        }
        let path = try text("path") ?? ""
        guard path.isEmpty != (usb == nil) else { throw fail(usb == nil ? "path" : "usb", "give the scanner's path or its usb ids, one of the two") }
        var descriptor: [UInt8]? = nil
        if let hex = try text("descriptor") {
            guard kind == .hidpos else { throw fail("descriptor", "descriptor is for kind = \"hidpos\" only") }
            guard let bytes = ScannerSettings.hexBytes(hex) else {
                throw fail("descriptor", "descriptor must be the report descriptor's bytes in hex, such as \"05 8C 09 02 A1 01 …\"")
            }
            do throws(HIDDescriptorError) {
                _ = try HIDPOSLayout(descriptor: bytes)
            } catch {
                throw fail("descriptor", "descriptor is not a HID-POS barcode scanner's (\(error.code.rawValue))")
            }
            descriptor = bytes
        }
        return ScannerSettings(
            name: name, desk: desk, path: path, kind: kind, options: options, baud: baud,
            interKeyTimeout: .milliseconds(try number("inter_key_timeout_ms", 5...2000) ?? 50), usb: usb, descriptor: descriptor)
    }

    func pattern() throws(ConfigError) -> BarcodeClassifier.Rule {
        try check(["category", "pattern", "check", "patron_kind"])
        let categoryName = try required("category")
        guard let category = BarcodeCategory(rawValue: categoryName) else {
            throw fail(
                "category", "category must be one of \(BarcodeCategory.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(categoryName)\"")
        }
        let checkName = try text("check") ?? "none"
        guard let check = BarcodePattern.Check(rawValue: checkName) else {
            throw fail("check", "check must be one of \(BarcodePattern.Check.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let template = try required("pattern")
        guard let pattern = BarcodePattern(template, check: check) else {
            throw fail("pattern", "\"\(template)\" is not a pattern: # digit, @ letter, ? any character, * any run, \\ escapes")
        }
        var kind: PatronKind? = nil
        if let kindName = try text("patron_kind") {
            guard let value = PatronKind(rawValue: kindName) else { throw fail("patron_kind", "patron_kind must be pupil, teacher or staff") }
            kind = value
        }
        return BarcodeClassifier.Rule(pattern, category, patronKind: kind)
    }
}
