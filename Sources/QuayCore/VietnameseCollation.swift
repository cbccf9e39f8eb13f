/// Vietnamese sort order (SPEC §12), as byte keys that sort with a plain byte comparison, so
/// SQLite can index them.
///
/// Letters follow the Vietnamese alphabet, with the letters Vietnamese borrows for foreign
/// words in their Latin places:
/// `0–9 a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z`.
/// Within the same letters, tones order a word: none, huyền (à), hỏi (ả), ngã (ã), sắc (á),
/// nặng (ạ). Case does not matter.
public enum VietnameseCollation {
    static let alphabet: [String] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
        "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
        "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
    ]

    /// Byte for each letter; 0x01 ends a word, so a word sorts before its extensions.
    static let letterBytes: [String: UInt8] = {
        var table: [String: UInt8] = [:]
        for (index, letter) in alphabet.enumerated() { table[letter] = UInt8(index + 0x10) }
        return table
    }()

    /// Tone marks (combining, after NFD) in tone order.
    static let tones: [Unicode.Scalar: UInt8] = [
        "\u{0300}": 1,  // huyền
        "\u{0309}": 2,  // hỏi
        "\u{0303}": 3,  // ngã
        "\u{0301}": 4,  // sắc
        "\u{0323}": 5,  // nặng
    ]

    /// The key of one word: its letters, the word end, then its tone.
    public static func wordKey(_ word: String) -> [UInt8] {
        var letters: [UInt8] = []
        var tone: UInt8 = 0
        for character in word.lowercased() {
            var base = String.UnicodeScalarView()
            for scalar in String(character).decomposedStringWithCanonicalMapping.unicodeScalars {
                if let value = tones[scalar] {
                    tone = max(tone, value)
                } else {
                    base.append(scalar)
                }
            }
            let letter = String(base).precomposedStringWithCanonicalMapping
            if let byte = letterBytes[letter] {
                letters.append(byte)
            } else if letter.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
                // A letter outside the alphabet: after z, by code point.
                letters.append(0xF0)
                letters.append(contentsOf: Array(letter.utf8))
            }
            // Punctuation and spaces inside a word are ignored.
        }
        return letters + [0x01, tone + 0x02]
    }

    /// The key of a person's full name: the given name (the last word) first, then the
    /// family and middle names in their order. "Nguyễn Văn An" sorts by "An", then "Nguyễn",
    /// then "Văn".
    public static func nameKey(_ fullName: String) -> [UInt8] {
        let words = VietnameseText.nfc(fullName).split(whereSeparator: \.isWhitespace).map(String.init)
        guard let given = words.last else { return [] }
        var key = wordKey(given)
        for word in words.dropLast() { key += wordKey(word) }
        return key
    }

    /// Sorts people's names the Vietnamese way.
    public static func sortNames(_ names: [String]) -> [String] {
        names.map { (nameKey($0), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
    }
}
