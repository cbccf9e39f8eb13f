/// A configured shape of barcode (SPEC §5, §6.2), written as a template:
///
/// - `#` one ASCII digit, `@` one ASCII letter, `?` any one character,
/// - `*` any run of characters, possibly empty,
/// - `\` makes the next character literal (`\#`, `\*`),
/// - anything else stands for itself, case-sensitively.
///
/// So `HS######` is a pupil card (`HS000123`), `GV####` a teacher's, `LOP:*` a class card
/// whose class is what `*` matched, `KE-*` a shelf. The whole code must match (anchored).
/// A check digit can be asked for on top of the shape.
public struct BarcodePattern: Sendable, Equatable, CustomStringConvertible {
    /// Check digits verified after the shape matches (SPEC §6.3, `Identifiers`).
    public enum Check: String, Sendable, CaseIterable, Codable {
        case none
        /// 14-digit Codabar library barcode, mod 10.
        case libraryCodabar = "library_codabar"
        case ean13
        /// ISBN-10 or ISBN-13.
        case isbn
        /// Code 39 with its mod-43 check character last.
        case code39Mod43 = "code39_mod43"

        func passes(_ code: String) -> Bool {
            switch self {
            case .none: return true
            case .libraryCodabar: return Identifiers.isValidLibraryCodabar(code)
            case .ean13: return Identifiers.isValidEAN13(code)
            case .isbn: return Identifiers.normalizedISBN(code) != nil
            case .code39Mod43: return Identifiers.isValidCode39Mod43(code)
            }
        }
    }

    enum Token: Equatable, Sendable {
        case digit, letter, any, run
        case literal(Character)
    }

    public let template: String
    public let check: Check
    let tokens: [Token]

    /// Nil for an empty template or one ending in a lone `\`.
    public init?(_ template: String, check: Check = .none) {
        var tokens: [Token] = []
        var escaped = false
        for character in template {
            if escaped {
                tokens.append(.literal(character))
                escaped = false
                continue
            }
            switch character {
            case "#": tokens.append(.digit)
            case "@": tokens.append(.letter)
            case "?": tokens.append(.any)
            case "*": if tokens.last != .run { tokens.append(.run) }  // `**` is `*`
            case "\\": escaped = true
            default: tokens.append(.literal(character))
            }
        }
        guard !tokens.isEmpty, !escaped else { return nil }
        self.template = template
        self.check = check
        self.tokens = tokens
    }

    public var description: String { check == .none ? template : "\(template) (\(check.rawValue))" }

    /// What the first `*` matched when `code` has this shape (the whole code when the template
    /// has no `*`); nil when it does not. Check digits are not looked at here.
    public func match(_ code: String) -> Substring? {
        let characters = Array(code)
        let firstRun = tokens.firstIndex(of: .run)
        var capture: Range<Int>?
        // Failed (token, character) positions: with a few `*`s the search stays O(n·m).
        var failed = Set<Int>()
        func matches(_ token: Int, _ position: Int) -> Bool {
            if token == tokens.count { return position == characters.count }
            let key = token * (characters.count + 1) + position
            if failed.contains(key) { return false }
            var result = false
            if tokens[token] == .run {
                for end in position...characters.count where matches(token + 1, end) {
                    if token == firstRun { capture = position..<end }
                    result = true
                    break
                }
            } else if position < characters.count {
                let character = characters[position]
                let fits: Bool
                switch tokens[token] {
                case .digit: fits = character.isASCII && character.isNumber
                case .letter: fits = character.isASCII && character.isLetter
                case .any: fits = true
                case .literal(let expected): fits = character == expected
                case .run: fits = false
                }
                result = fits && matches(token + 1, position + 1)
            }
            if !result { failed.insert(key) }
            return result
        }
        guard matches(0, 0) else { return nil }
        guard let capture else { return code[...] }
        let start = code.index(code.startIndex, offsetBy: capture.lowerBound)
        return code[start..<code.index(start, offsetBy: capture.count)]
    }
}

/// What kind of thing a barcode names at the desk.
public enum BarcodeCategory: String, Sendable, CaseIterable, Codable {
    case patron
    case classCard = "class"
    case item
    case equipmentUnit = "equipment_unit"
    case location
}

/// A command barcode on the desk's command sheet, so staff never need the keyboard.
public enum DeskCommand: Sendable, Equatable {
    /// `QUAY:MODE:CHECKOUT`, `…:CHECKIN`, `…:LESSON`, `…:INVENTORY`, `…:INTAKE`, `…:LOOKUP`.
    case mode(DeskMode)
    /// `QUAY:END`: ends the borrower session or commits the lesson loan.
    case end
    /// `QUAY:UNDO`: reverses the last loan or return of the desk session (a wrong scan).
    case undo

    /// The barcode text of the command.
    public var barcode: String {
        switch self {
        case .mode(let mode): return "QUAY:MODE:" + mode.rawValue.uppercased()
        case .end: return "QUAY:END"
        case .undo: return "QUAY:UNDO"
        }
    }

    /// Every command, in the order the command sheet prints them.
    public static var all: [DeskCommand] { DeskMode.allCases.map(DeskCommand.mode) + [.end, .undo] }

    /// The caption under its barcode on the command sheet.
    public var caption: Bilingual {
        switch self {
        case .mode(let mode):
            Bilingual(vi: "Chế độ " + mode.name.vi, en: "Mode: " + mode.name.en)
        case .end:
            Bilingual(vi: "Kết thúc phiên", en: "End the session")
        case .undo:
            Bilingual(vi: "Hoàn tác lượt vừa quét", en: "Undo the last loan or return")
        }
    }
}

/// A scan, classified.
public enum ScannedCode: Sendable, Equatable {
    case command(DeskCommand)
    /// Starts with `QUAY:` but names no command: a misprinted or future sheet.
    case unknownCommand(String)
    /// A patron card; the kind when the matching rule says it.
    case patron(card: String, kind: PatronKind?)
    /// A class card, with the class name it carries.
    case classCard(name: String)
    case item(String)
    case equipmentUnit(String)
    case location(String)
    /// The code has a configured shape but its check digit is wrong: refused, never guessed.
    case badCheckDigit(String, BarcodeCategory)
    /// Matches no rule and the classifier has no fallback.
    case unrecognised(String)
}

/// Says what a scan is, by configured rules tried in order (the first whose shape matches
/// decides), after command barcodes (`QUAY:` …). What matches no rule is the fallback
/// category — an item by default, since items carry barcodes of every kind (accession
/// numbers, pre-printed labels, ISBNs).
public struct BarcodeClassifier: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var pattern: BarcodePattern
        public var category: BarcodeCategory
        /// For patron cards: the kind of patron the pattern's cards belong to.
        public var patronKind: PatronKind?

        public init(_ pattern: BarcodePattern, _ category: BarcodeCategory, patronKind: PatronKind? = nil) {
            self.pattern = pattern
            self.category = category
            self.patronKind = patronKind
        }
    }

    public static let commandPrefix = "QUAY:"

    public var rules: [Rule]
    public var fallback: BarcodeCategory?

    public init(rules: [Rule], fallback: BarcodeCategory? = .item) {
        self.rules = rules
        self.fallback = fallback
    }

    /// The built-in rules: pupils `HS######`, teachers `GV####`, classes `LOP:*`, shelves
    /// `KE-*`, equipment units `TB.######` (register TB's default format); the rest are items.
    public static let standard = BarcodeClassifier(rules: [
        Rule(BarcodePattern("HS######")!, .patron, patronKind: .pupil),
        Rule(BarcodePattern("GV####")!, .patron, patronKind: .teacher),
        Rule(BarcodePattern("LOP:*")!, .classCard),
        Rule(BarcodePattern("KE-*")!, .location),
        Rule(BarcodePattern("TB.######")!, .equipmentUnit),
    ])

    public func classify(_ code: String) -> ScannedCode {
        if code.hasPrefix(Self.commandPrefix) {
            return Self.command(code).map(ScannedCode.command) ?? .unknownCommand(code)
        }
        for rule in rules {
            guard let captured = rule.pattern.match(code) else { continue }
            guard rule.pattern.check.passes(code) else { return .badCheckDigit(code, rule.category) }
            return Self.code(code, captured: captured, category: rule.category, patronKind: rule.patronKind)
        }
        guard let fallback else { return .unrecognised(code) }
        return Self.code(code, captured: code[...], category: fallback, patronKind: nil)
    }

    static func code(_ code: String, captured: Substring, category: BarcodeCategory, patronKind: PatronKind?) -> ScannedCode {
        switch category {
        case .patron: return .patron(card: code, kind: patronKind)
        case .classCard: return captured.isEmpty ? .unrecognised(code) : .classCard(name: captured.uppercased())
        case .item: return .item(code)
        case .equipmentUnit: return .equipmentUnit(code)
        case .location: return .location(code)
        }
    }

    /// The command a `QUAY:` barcode names; nil for anything else.
    static func command(_ code: String) -> DeskCommand? {
        if code == DeskCommand.end.barcode { return .end }
        if code == DeskCommand.undo.barcode { return .undo }
        return DeskMode.allCases.first { DeskCommand.mode($0).barcode == code }.map(DeskCommand.mode)
    }
}
