import Foundation

/// A call number (ký hiệu xếp giá, SPEC §6.4): a class number (DDC or the school
/// classification), an optional author mark and an optional volume or copy. Its `sortKey`
/// orders the shelf with a plain string comparison; docs/call-numbers.md gives the rules.
public struct CallNumber: Sendable, Equatable {
    public enum Scheme: String, Sendable {
        /// Dewey: three digits, optionally a point and more digits (`895.92234`).
        case ddc
        /// The BBK-style school classification: digits and capitals, with qualifiers in
        /// parentheses (`53(075)`, `8(V)`, `V23`).
        case bbk
    }

    public var scheme: Scheme
    public var classNumber: String
    public var authorMark: String?
    /// Volume (`T.2`) or copy (`c.3`), normalised.
    public var volume: String?

    public init(scheme: Scheme, classNumber: String, authorMark: String? = nil, volume: String? = nil) {
        self.scheme = scheme
        self.classNumber = classNumber
        self.authorMark = authorMark
        self.volume = volume
    }

    /// The normalised text: `895.92234 NG-A T.2`.
    public var text: String {
        ([classNumber] + [authorMark, volume].compactMap { $0 }).joined(separator: " ")
    }

    /// The lines of a spine label: class number / author mark / volume or copy.
    public var spineLines: [String] {
        [classNumber] + [authorMark, volume].compactMap { $0 }
    }

    /// Why a text is not a call number.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "\(text): \(reason)" }
    }

    /// Parses `class [mark] [volume]`, e.g. `895.92234 NG-A`, `53(075) L-T T.2`.
    public static func parse(_ input: String) throws(ParseError) -> CallNumber {
        let text = VietnameseText.nfc(input)
        var tokens = mergingVolumeWords(text.split(whereSeparator: \.isWhitespace).map(String.init))[...]
        guard let first = tokens.popFirst() else { throw ParseError(text: input, reason: "empty call number") }
        let classNumber = first.uppercased()
        let scheme: Scheme
        if isDDC(classNumber) {
            scheme = .ddc
        } else if isBBK(classNumber) {
            scheme = .bbk
        } else {
            throw ParseError(text: input, reason: "'\(first)' is neither a DDC number (such as 895.922) nor a school classification (such as 53(075))")
        }
        var result = CallNumber(scheme: scheme, classNumber: classNumber)
        if let token = tokens.first, let volume = volume(token) {
            result.volume = volume
            tokens = tokens.dropFirst()
        } else if let mark = tokens.popFirst() {
            guard mark.contains(where: \.isLetter), mark.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "." || $0.isNumber }) else {
                throw ParseError(text: input, reason: "'\(mark)' is not an author mark")
            }
            result.authorMark = mark.uppercased()
            if let token = tokens.popFirst() {
                guard let volume = volume(token) else {
                    throw ParseError(text: input, reason: "'\(token)' is not a volume or copy (T.2, c.3)")
                }
                result.volume = volume
            }
        }
        if let extra = tokens.first {
            throw ParseError(text: input, reason: "unexpected '\(extra)'")
        }
        return result
    }

    /// `Tập 2` written as two words becomes one token, `Tập2`.
    static func mergingVolumeWords(_ tokens: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let word = VietnameseText.fold(token).filter(\.isLetter)
            if index + 1 < tokens.count, volumeWords.contains(word), token.allSatisfy({ $0.isLetter || $0 == "." }),
                tokens[index + 1].allSatisfy({ $0.isASCII && $0.isNumber })
            {
                result.append(token + tokens[index + 1])
                index += 2
            } else {
                result.append(token)
                index += 1
            }
        }
        return result
    }

    static let volumeWords: Set<String> = ["t", "tap", "v", "vol", "q", "quyen", "c", "ban"]

    static func isDDC(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].count == 3, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if parts.count == 2 {
            return !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
        }
        return true
    }

    static func isBBK(_ text: String) -> Bool {
        let characters = Array(text)
        guard let first = characters.first else { return false }
        func isLetter(_ character: Character) -> Bool { (character.isASCII && character.isUppercase) || character == "Đ" }
        func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
        // One leading capital at most before the first digit or qualifier: V23, Đ(V), 3K5H.
        if isLetter(first) {
            guard characters.count > 1, isDigit(characters[1]) || characters[1] == "(" else { return false }
        } else if !isDigit(first) {
            return false
        }
        var depth = 0
        for (index, character) in characters.enumerated() {
            switch character {
            case "(":
                depth += 1
                if depth > 1 || characters.last == "(" { return false }
                if index + 1 < characters.count, characters[index + 1] == ")" { return false }
            case ")":
                depth -= 1
                if depth < 0 { return false }
            case ".", "-", "=":
                // Only between digits or letters.
                guard index > 0, index + 1 < characters.count else { return false }
                let before = characters[index - 1]
                let after = characters[index + 1]
                guard isDigit(before) || isLetter(before), isDigit(after) || isLetter(after) else { return false }
            default:
                guard isLetter(character) || isDigit(character) else { return false }
            }
        }
        return depth == 0
    }

    /// `T.2`, `t2`, `Tập 2` → `T.2`; `V.3` → `V.3`; `c.1`, `C1` → `c.1`; nil otherwise.
    static func volume(_ token: String) -> String? {
        let folded = VietnameseText.fold(token)
        let letters = folded.prefix { $0.isLetter }
        let rest = folded.dropFirst(letters.count).drop { $0 == "." }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(rest) else { return nil }
        switch letters {
        case "t", "tap": return "T.\(number)"
        case "v", "vol": return "V.\(number)"
        case "q", "quyen": return "Q.\(number)"
        case "c", "ban": return "c.\(number)"
        default: return nil
        }
    }

    /// The shelf-order key. Class numbers: DDC before the school classification; DDC digits
    /// after the point compare as decimals (823 < 823.914 < 895); school classes compare
    /// digit by digit as a hierarchy (5 < 5(075) < 53 < 6), with parenthesised qualifiers
    /// before subdivisions and letters after digits. Then the author mark (folded), then the
    /// volume or copy number as a number (T.2 < T.10).
    public var sortKey: String {
        Self.classKey(scheme: scheme, classNumber) + " " + markKey + " " + volumeKey
    }

    /// The key of the class part alone; `CallNumber.rangeKeys` builds shelf ranges on it.
    static func classKey(scheme: Scheme, _ classNumber: String) -> String {
        switch scheme {
        case .ddc:
            return "1" + classNumber.filter { $0 != "." }
        case .bbk:
            var key = "2"
            for character in classNumber {
                switch character {
                case "(": key.append("%")
                case ")": key.append("&")
                case "-", "=": key.append("#")
                case ".": continue
                case "Đ": key.append("D")
                default: key.append(character)
                }
            }
            return key
        }
    }

    private var markKey: String {
        guard let authorMark else { return "" }
        return VietnameseText.fold(authorMark).uppercased().replacingOccurrences(of: "-", with: "!")
    }

    private var volumeKey: String {
        guard let volume, let number = Int(volume.drop { !$0.isNumber }) else { return "" }
        let digits = String(number)
        return String(volume.prefix(1)) + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Keys bounding a shelf range from the class of `from` to everything under the class
    /// of `to`, inclusive (`--from 800 --to 899` includes 899.1).
    public static func rangeKeys(from: CallNumber?, to: CallNumber?) -> (lower: String?, upper: String?) {
        (
            from.map { classKey(scheme: $0.scheme, $0.classNumber) },
            to.map { classKey(scheme: $0.scheme, $0.classNumber) + "\u{7F}" }
        )
    }
}

/// Default author marks (SPEC §6.4); staff can always override. Rules, with examples, in
/// docs/call-numbers.md.
public enum AuthorMark {
    /// Vietnamese family names; a name that starts with one is read the Vietnamese way.
    static let vietnameseFamilyNames: Set<String> = [
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho",
        "ngo", "duong", "ly", "dinh", "doan", "lam", "mai", "truong", "to", "ha", "luong", "dao", "cao",
        "chu", "trinh", "ta", "quach", "thai", "kieu", "luu", "tang", "khuc", "au", "trieu", "vuong", "la",
        "phung", "nghiem", "dam", "lai", "mac", "giang", "tong", "lac", "hua", "than", "doan", "kim", "be",
        "nong", "lo", "tieu", "van", "vi", "hau", "diep", "khong", "ong", "man", "an", "banh", "thach",
    ]

    /// Initial consonant clusters of Vietnamese, longest first.
    static let clusters = ["ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr"]

    /// The default mark for a main author: Vietnamese names give the family name's initial
    /// consonant (cluster) and the given name's initial (`Nguyễn Nhật Ánh` → `NG-A`); other
    /// names the first three letters of the surname (`J. K. Rowling`, `Rowling, J. K.` → `ROW`).
    public static func derive(from author: String) -> String? {
        let name = VietnameseText.nfc(author).trimmingCharacters(in: .whitespaces)
        if let comma = name.firstIndex(of: ",") {
            return foreign(surname: String(name[..<comma]))
        }
        let words = name.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first, let last = words.last else { return nil }
        let foldedFirst = VietnameseText.fold(first).filter(\.isLetter)
        let looksVietnamese = vietnameseFamilyNames.contains(foldedFirst) || hasVietnameseLetters(name)
        guard words.count >= 2, looksVietnamese else {
            return foreign(surname: last)
        }
        let cluster = clusters.first { foldedFirst.hasPrefix($0) } ?? String(foldedFirst.prefix(1))
        guard let given = VietnameseText.fold(last).first(where: \.isLetter) else { return nil }
        return cluster.uppercased() + "-" + String(given).uppercased()
    }

    /// Marks only Vietnamese uses (ă â ê ô ơ ư đ, hỏi, nặng); é or ü alone do not count.
    static func hasVietnameseLetters(_ name: String) -> Bool {
        let marks: Set<Unicode.Scalar> = ["\u{0306}", "\u{0302}", "\u{031B}", "\u{0309}", "\u{0323}"]
        return name.contains("đ") || name.contains("Đ")
            || name.decomposedStringWithCanonicalMapping.unicodeScalars.contains { marks.contains($0) }
    }

    private static func foreign(surname: String) -> String? {
        let letters = VietnameseText.fold(surname).filter(\.isLetter)
        guard !letters.isEmpty else { return nil }
        return String(letters.prefix(3)).uppercased()
    }
}
