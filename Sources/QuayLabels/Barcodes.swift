import CZint
import QuayCore

/// The barcodes a label can carry (SPEC §7.1). libzint encodes them; we only place the
/// modules it computes on whole printer dots.
public enum Symbology: String, Sendable, CaseIterable {
    case code128
    case code39
    /// Code 39 with its mod-43 check character appended (some library systems expect it).
    case code39Mod43 = "code39_mod43"
    case codabar
    case ean13
    case qr

    /// Light modules required on each side, in modules: ISO/IEC 15417 (Code 128), 16388
    /// (Code 39), the Codabar and EAN-13 specifications (11 left, 7 right), and 4 for QR.
    var quietZone: (leading: Int, trailing: Int) {
        switch self {
        case .code128, .code39, .code39Mod43, .codabar: return (10, 10)
        case .ean13: return (11, 7)
        case .qr: return (4, 4)
        }
    }

    var zintSymbology: Int32 {
        switch self {
        case .code128: return BARCODE_CODE128
        case .code39, .code39Mod43: return BARCODE_CODE39
        case .codabar: return BARCODE_CODABAR
        case .ean13: return BARCODE_EANX
        case .qr: return BARCODE_QRCODE
        }
    }

    var isMatrix: Bool { self == .qr }

    /// What a reader gives back for `text`, once the symbology's own additions are in:
    /// the mod-43 character of Code 39, the check digit of a 12-digit EAN-13.
    public func decodedText(_ text: String) -> String {
        switch self {
        case .code39Mod43: return text + String(Identifiers.code39CheckCharacter(text) ?? "?")
        case .ean13 where text.count == 12: return text + String(Identifiers.ean13CheckDigit(text) ?? 0)
        default: return text
        }
    }

    /// Refuses text the symbology cannot carry, with a reason a person can act on. zint
    /// would refuse most of these too, but with its own wording and sometimes by silently
    /// mapping characters (Latin-1 in Code 128), which a scanner then reads back wrongly.
    func validate(_ text: String) throws(LabelError) {
        func refuse(_ why: String) -> LabelError {
            LabelError(.barcodeUnencodable, "\(rawValue) cannot carry \"\(text)\": \(why)")
        }
        guard !text.isEmpty else { throw refuse("the text is empty") }
        switch self {
        case .code128:
            guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
                throw refuse("only printable ASCII (no diacritics)")
            }
            guard text.utf8.count <= 80 else { throw refuse("longer than 80 characters") }
        case .code39, .code39Mod43:
            guard text.allSatisfy({ Identifiers.code39Characters.contains($0) }) else {
                throw refuse("only 0–9, A–Z, space and - . $ / + %")
            }
            guard text.count <= 60 else { throw refuse("longer than 60 characters") }
        case .codabar:
            let body = Array(text)
            let startStop: Set<Character> = ["A", "B", "C", "D"]
            guard body.count >= 3, let first = body.first, let last = body.last, startStop.contains(first),
                startStop.contains(last)
            else { throw refuse("it must start and end with A, B, C or D") }
            guard body.dropFirst().dropLast().allSatisfy({ "0123456789-$:/.+".contains($0) }) else {
                throw refuse("between start and stop only 0–9 and - $ : / . +")
            }
        case .ean13:
            guard text.allSatisfy({ $0.isASCII && $0.isNumber }), text.count == 12 || text.count == 13 else {
                throw refuse("12 or 13 digits")
            }
            guard text.count == 12 || Identifiers.isValidEAN13(text) else { throw refuse("wrong check digit") }
        case .qr:
            guard text.utf8.count <= 1000 else { throw refuse("longer than 1000 bytes for a label") }
        }
    }
}

/// The modules of one symbol, as libzint computed them: `rows` × `columns`, true = dark.
public struct BarcodeModules: Sendable, Equatable {
    public let symbology: Symbology
    public let rows: Int
    public let columns: Int
    private let dark: [Bool]

    public subscript(row: Int, column: Int) -> Bool { dark[row * columns + column] }

    /// Encodes `text` through libzint. Text the symbology cannot carry is refused first.
    public init(_ symbology: Symbology, _ text: String) throws(LabelError) {
        try symbology.validate(text)
        guard let symbol = ZBarcode_Create() else { fatalError("libzint could not allocate a symbol") }
        defer { ZBarcode_Delete(symbol) }
        symbol.pointee.symbology = symbology.zintSymbology
        symbol.pointee.input_mode = UNICODE_MODE
        symbol.pointee.show_hrt = 0
        if symbology == .code39Mod43 { symbol.pointee.option_2 = 1 }
        let status = ZBarcode_Encode(symbol, text, Int32(text.utf8.count))
        guard status < ZINT_ERROR else {
            let message = withUnsafeBytes(of: &symbol.pointee.errtxt) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw LabelError(.barcodeUnencodable, "\(symbology.rawValue) cannot carry \"\(text)\": \(message)")
        }
        self.symbology = symbology
        let rows = Int(symbol.pointee.rows), columns = Int(symbol.pointee.width)
        var dark = [Bool](repeating: false, count: rows * columns)
        // zint keeps each row's modules as bits, least significant first, in `encoded_data`.
        withUnsafeBytes(of: &symbol.pointee.encoded_data) { data in
            let stride = data.count / 200
            for row in 0..<rows {
                for column in 0..<columns {
                    dark[row * columns + column] = data[row * stride + column >> 3] >> UInt8(column & 7) & 1 == 1
                }
            }
        }
        self.rows = rows
        self.columns = columns
        self.dark = dark
    }

    /// Where the symbol goes in `box`: the largest whole number of dots per module that fits
    /// the symbol and its quiet zones, centred. A linear symbol's bars take the box's height.
    func placement(in box: DotRect) throws(LabelError) -> (module: Int, origin: (x: Int, y: Int)) {
        let quiet = symbology.quietZone
        let across = columns + quiet.leading + quiet.trailing
        var module = box.width / across
        if symbology.isMatrix { module = min(module, box.height / (rows + quiet.leading + quiet.trailing)) }
        guard module >= 1 else {
            throw LabelError(
                .barcodeTooWide,
                "a \(symbology.rawValue) of \(columns) modules and its quiet zones need \(across) dots; the box has \(box.width)")
        }
        let x = box.x + quiet.leading * module + (box.width - across * module) / 2
        let y = symbology.isMatrix ? box.y + (box.height - rows * module) / 2 : box.y
        return (module, (x, y))
    }

    /// Draws the symbol into `box` on `raster`.
    func draw(in box: DotRect, on raster: inout Raster) throws(LabelError) {
        let (module, origin) = try placement(in: box)
        let barHeight = symbology.isMatrix ? module : box.height
        for row in 0..<rows {
            var column = 0
            while column < columns {
                guard self[row, column] else {
                    column += 1
                    continue
                }
                var run = 1
                while column + run < columns, self[row, column + run] { run += 1 }
                raster.fill(
                    DotRect(x: origin.x + column * module, y: origin.y + row * barHeight, width: run * module, height: barHeight))
                column += run
            }
        }
    }
}
