import QuayCodecs
import QuayDevices

/// One `[[printer]]` (docs/config.md): where it is, what it speaks, and how it is tuned.
public struct PrinterSettings: Sendable, Equatable {
    public var name: String
    public var language: PrinterLanguage
    public var address: PrinterAddress
    public var dpi = 203
    /// Templates printed here when a request names no printer.
    public var templates: [String] = []
    /// Calibration: where the label's top-left corner is on the printer, in millimetres
    /// (ZPL `^LH`; for ESC/POS a left margin).
    public var offsetXMM = 0.0
    public var offsetYMM = 0.0
    /// ZPL darkness, 0–30 (`~SD`); the printer's own setting when absent.
    public var darkness: Int?
    public var compression: ZPLCompression = .z64
    /// ESC/POS paper cut after each slip or label.
    public var cut: ESCPOSCut = .partial
    /// Ask the printer for its status before each job.
    public var queryStatus = true
    /// Connecting, writing and the status reply each wait this long at most.
    public var timeoutMilliseconds = 5000

    public init(name: String, language: PrinterLanguage, address: PrinterAddress) {
        self.name = name
        self.language = language
        self.address = address
    }

    var timeout: Duration { .milliseconds(timeoutMilliseconds) }
}

/// `[printing]`: how the queue waits out a printer that cannot print.
public struct PrintingSettings: Sendable, Equatable {
    /// The first wait after a failed attempt; it doubles up to `retryMax`.
    public var retryMinMilliseconds = 1000
    public var retryMaxMilliseconds = 30_000
}

extension ArrayTableReader {
    func printer() throws(ConfigError) -> PrinterSettings {
        try check([
            "name", "language", "address", "dpi", "templates", "offset_x_mm", "offset_y_mm", "darkness", "compression", "cut", "status",
            "timeout_ms",
        ])
        let languageName = try required("language")
        guard let language = PrinterLanguage(rawValue: languageName) else {
            throw fail("language", "language must be zpl or escpos, not \"\(languageName)\"")
        }
        let address: PrinterAddress
        switch PrinterAddress.parse(try required("address")) {
        case .success(let value): address = value
        case .failure(let error): throw fail("address", error.description)
        }
        var printer = PrinterSettings(name: try required("name"), language: language, address: address)
        if let dpi = try number("dpi", 100...600) {
            guard dpi == 203 || dpi == 300 else { throw fail("dpi", "dpi must be 203 or 300, not \(dpi)") }
            printer.dpi = dpi
        }
        if let value = table["templates"] {
            guard let array = value.array, let names = Optional(array.compactMap { $0.string }), names.count == array.count else {
                throw fail("templates", "printer.templates must be a list of template names, such as [\"spine\", \"barcode\"]")
            }
            printer.templates = names
        }
        printer.offsetXMM = try millimetres("offset_x_mm") ?? 0
        printer.offsetYMM = try millimetres("offset_y_mm") ?? 0
        printer.darkness = try number("darkness", 0...30)
        if let name = try text("compression") {
            guard let compression = ZPLCompression(rawValue: name) else {
                throw fail("compression", "compression must be z64, ascii or hex, not \"\(name)\"")
            }
            printer.compression = compression
        }
        if let name = try text("cut") {
            guard let cut = ESCPOSCut(rawValue: name) else { throw fail("cut", "cut must be partial, full or none, not \"\(name)\"") }
            printer.cut = cut
        }
        printer.queryStatus = try flag("status") ?? true
        printer.timeoutMilliseconds = try number("timeout_ms", 100...60_000) ?? printer.timeoutMilliseconds
        return printer
    }

    /// A length such as `1.5`, from 0 to 20 mm.
    func millimetres(_ key: String) throws(ConfigError) -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init), (0...20).contains(number) else {
            throw fail(key, "\(name).\(key) must be a number of millimetres from 0 to 20")
        }
        return number
    }
}
