import Foundation

/// Which encoding a column or a file is in, by reading it in every encoding and counting how
/// many of its words come out as Vietnamese syllables. One string says little (many byte strings
/// are letters in two encodings); a column of names says a lot, and the same sample always gets
/// the same answer.
public enum EncodingDetector {
    /// What the sample says.
    public struct Verdict: Sendable, Equatable {
        public enum Confidence: String, Sendable, Equatable {
            /// No word had a byte beyond ASCII: UTF-8, as nothing argues against it.
            case noEvidence = "no-evidence"
            /// The best reading makes most words syllables and clearly more than the next.
            case confident
            /// Two readings do about equally well: ask, or take `encoding` knowing it is a toss-up.
            case ambiguous
            /// No reading makes most words syllables: mixed or damaged text, or no Vietnamese.
            case unknown
        }

        /// The best reading (UTF-8 when there is no evidence, and first in `LegacyEncoding`'s
        /// order among equal scores).
        public var encoding: LegacyEncoding
        /// The share of the words with non-ASCII bytes that read as syllables in `encoding`, 0–1.
        public var score: Double
        public var runnerUp: LegacyEncoding?
        public var runnerUpScore: Double
        /// The words with non-ASCII bytes (counted with repeats): what the scores are shares of.
        public var evidence: Int
        public var confidence: Confidence
    }

    /// A score below this is no reading of the sample.
    static let minimumScore = 0.6
    /// The best reading must beat the next by this much to be sure.
    static let minimumMargin = 0.2

    /// The encoding of `samples`: the cells of one column or the lines of one file, as bytes.
    public static func detect(_ samples: [[UInt8]]) -> Verdict {
        var words: [[UInt8]: Int] = [:]
        for sample in samples {
            let body = sample.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(sample.dropFirst(3)) : sample
            for word in body.split(whereSeparator: { isSeparator(UInt32($0)) }) where word.contains(where: isEvidence) {
                words[Array(word), default: 0] += 1
            }
        }
        return verdict(words) { $0.decoded($1) }
    }

    /// The encoding of `samples` that came as text in a legacy font (XLSX cells typed in .VnTime
    /// or VNI-Times: see `LegacyEncoding.decode(fontText:)`), or as Unicode text (`utf8`).
    public static func detect(fontTexts samples: [String]) -> Verdict {
        var words: [String: Int] = [:]
        for sample in samples {
            let scalars = sample.unicodeScalars
            for word in scalars.split(whereSeparator: { isSeparator($0.value) })
            where word.contains(where: { isEvidence($0.value) }) {
                words[String(String.UnicodeScalarView(word)), default: 0] += 1
            }
        }
        return verdict(words) { $0.decoded(fontText: $1) }
    }

    /// Whether `word` is one Vietnamese syllable in today's spelling: an initial consonant (or
    /// none), a vowel nucleus that exists, a final consonant it may take, and at most one tone
    /// mark, on a vowel of the nucleus where it may stand (both "hoà" and "hòa" are right; with
    /// a final, "hoàn"). Syllables ending in c, ch, p or t take only the acute or the dot below.
    /// Case: all small, all capitals, or a capital first. Digits, punctuation, letters Vietnamese
    /// does not use (f, j, w, z, ç…) and any other mark make it no syllable.
    public static func isValidSyllable(_ word: String) -> Bool {
        VietnameseSyllable.isValid(word)
    }

    // MARK: - Scoring

    /// ASCII white space, digits and punctuation part words; no encoding here uses those bytes
    /// for letters (VISCII and VPS use other C0 bytes, which stay inside words).
    private static func isSeparator(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0x40, 0x5B...0x60, 0x7B...0x7F: true
        default: false
        }
    }

    /// A word whose reading depends on the encoding: it has a byte beyond ASCII or a C0 byte.
    private static func isEvidence<T: BinaryInteger>(_ value: T) -> Bool {
        value >= 0x80 || value < 0x20
    }

    private static func verdict<Word: Hashable>(
        _ words: [Word: Int], decode: (LegacyEncoding, Word) -> (text: String, clean: Bool)
    ) -> Verdict {
        let evidence = words.values.reduce(0, +)
        guard evidence > 0 else {
            return Verdict(encoding: .utf8, score: 1, runnerUp: nil, runnerUpScore: 0, evidence: 0, confidence: .noEvidence)
        }
        let scored = LegacyEncoding.allCases.map { encoding in
            (encoding: encoding, score: score(words, in: encoding, decode: decode))
        }
        // Stable: among equal scores the order of `allCases` decides.
        let ranked = scored.enumerated().sorted { left, right in
            left.element.score != right.element.score ? left.element.score > right.element.score : left.offset < right.offset
        }.map(\.element)
        let best = ranked[0]
        let next = ranked[1]
        let confidence: Verdict.Confidence
        if best.score < minimumScore {
            confidence = .unknown
        } else if best.score - next.score < minimumMargin {
            confidence = .ambiguous
        } else {
            confidence = .confident
        }
        return Verdict(
            encoding: best.encoding, score: best.score, runnerUp: next.encoding, runnerUpScore: next.score, evidence: evidence,
            confidence: confidence)
    }

    /// The share of the words that read as syllables. A word with a byte that is no character
    /// of the encoding counts against it; punctuation at a word's ends (“ ” – from Windows-1252
    /// bytes) is dropped, and a word that is only punctuation in this reading does not count.
    private static func score<Word: Hashable>(
        _ words: [Word: Int], in encoding: LegacyEncoding, decode: (LegacyEncoding, Word) -> (text: String, clean: Bool)
    ) -> Double {
        var counted = 0
        var valid = 0
        for (word, count) in words {
            let reading = decode(encoding, word)
            let text = reading.clean ? VietnameseText.nfc(reading.text).trimmingCharacters(in: .punctuationCharacters) : "\u{FFFD}"
            guard !text.isEmpty else { continue }
            counted += count
            if VietnameseSyllable.isValid(text) { valid += count }
        }
        return counted == 0 ? 0 : Double(valid) / Double(counted)
    }
}

/// The parts of a Vietnamese syllable, for `EncodingDetector.isValidSyllable`.
enum VietnameseSyllable {
    /// Initial consonants, longest first (so "ngh" is tried before "ng" and "n"; every one that
    /// fits is tried, for "gi" + "a" and "g" + "ì").
    static let initials: [String] = [
        "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
        "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ]

    static let finals: [String] = ["ng", "nh", "ch", "c", "m", "n", "p", "t", ""]

    /// Each vowel nucleus: where its tone may stand (index in the nucleus) without a final
    /// consonant and with one; nil where it cannot be so (ă, â, iê… need a final; ai, ao… take none).
    static let nuclei: [String: (open: [Int]?, closed: [Int]?)] = [
        "a": ([0], [0]), "ă": (nil, [0]), "â": (nil, [0]), "e": ([0], [0]), "ê": ([0], [0]), "i": ([0], [0]),
        "o": ([0], [0]), "ô": ([0], [0]), "ơ": ([0], [0]), "u": ([0], [0]), "ư": ([0], [0]), "y": ([0], [0]),
        "ai": ([0], nil), "ao": ([0], nil), "au": ([0], nil), "ay": ([0], nil), "âu": ([0], nil), "ây": ([0], nil),
        "eo": ([0], nil), "êu": ([0], nil), "ia": ([0], nil), "iu": ([0], nil), "oi": ([0], nil), "ôi": ([0], nil),
        "ơi": ([0], nil), "ua": ([0], nil), "ui": ([0], nil), "ưa": ([0], nil), "ưi": ([0], nil), "ưu": ([0], nil),
        "iê": (nil, [1]), "yê": (nil, [1]), "iêu": ([1], nil), "yêu": ([1], nil),
        "oa": ([0, 1], [1]), "oă": (nil, [1]), "oe": ([0, 1], [1]), "oo": (nil, [0, 1]),
        "oai": ([1], nil), "oay": ([1], nil), "oao": ([1], nil), "oeo": ([1], nil),
        "uâ": (nil, [1]), "uây": ([1], nil), "uê": ([1], [1]), "uô": (nil, [1]), "uôi": ([1], nil), "uơ": ([1], nil),
        "uy": ([0, 1], [1]), "uya": ([1], nil), "uyê": (nil, [2]), "uyu": ([1], nil),
        "ươ": (nil, [1]), "ươi": ([1], nil), "ươu": ([1], nil),
    ]

    /// Nuclei that take ch and nh; the single vowels among them (and uê, uy) take no c or ng.
    static let palatalNuclei: Set<String> = ["a", "ê", "i", "y", "oa", "uê", "uy"]
    static let noVelarNuclei: Set<String> = ["ê", "i", "y", "uê", "uy"]

    static func isValid(_ word: String) -> Bool {
        guard let parsed = letters(of: word) else { return false }
        let plain = parsed.letters
        for initial in initials where plain.hasPrefix(initial) {
            let rest = plain.dropFirst(initial.count)
            for final in finals where rest.hasSuffix(final) && rest.count > final.count {
                let nucleus = String(rest.dropLast(final.count))
                guard let rule = nuclei[nucleus], let places = final.isEmpty ? rule.open : rule.closed,
                    spells(initial: initial, nucleus: nucleus, final: final)
                else { continue }
                let stop = ["c", "ch", "p", "t"].contains(final)
                if let tone = parsed.tone {
                    guard places.contains(tone.index - initial.count) else { continue }
                    if stop && tone.tone != .acute && tone.tone != .dot { continue }
                } else if stop {
                    continue
                }
                return true
            }
        }
        return false
    }

    /// The spelling rules: k, gh and ngh before i, e, ê (and k before y), c, g and ng before
    /// the other vowels; iê is yê with no initial (and after qu); ch and nh after a, ê, i, y, oa,
    /// uê, uy only, c and ng not after ê, i, y, uê, uy; oo only before c and ng. Real words
    /// keep them; the wrong reading of a legacy byte string breaks them often.
    static func spells(initial: String, nucleus: String, final: String) -> Bool {
        guard let first = nucleus.first else { return false }
        let front = "ieêy".contains(first)
        switch initial {
        case "k": if !front { return false }
        case "gh", "ngh": if !"ieê".contains(first) { return false }
        case "c", "ng": if front { return false }
        // g + i is gi + i, the one i written once: gì, gìn, giếng.
        case "g": if front && first != "i" { return false }
        default: break
        }
        if nucleus.hasPrefix("iê") && initial.isEmpty { return false }
        if nucleus.hasPrefix("yê") && !initial.isEmpty && initial != "qu" { return false }
        if (final == "ch" || final == "nh") && !palatalNuclei.contains(nucleus) { return false }
        if (final == "c" || final == "ng") && noVelarNuclei.contains(nucleus) { return false }
        if nucleus == "oo" && final != "c" && final != "ng" { return false }
        return true
    }

    /// The word's letters with their vowel marks but without the tone (small, NFC), and the
    /// tone with the index of the letter that carries it; nil where it is not made of Vietnamese
    /// letters and marks, has two tones, or mixes case other than "Xxx" and "XXX".
    static func letters(of word: String) -> (letters: String, tone: (tone: VietnameseTone, index: Int)?)? {
        var bases: [Unicode.Scalar] = []
        var vowelMarks: [Unicode.Scalar?] = []
        var capitals: [Bool] = []
        var tone: (tone: VietnameseTone, index: Int)?
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars {
            if let mark = VietnameseTone(mark: scalar) {
                guard tone == nil, !bases.isEmpty else { return nil }
                tone = (mark, bases.count - 1)
                continue
            }
            switch scalar.value {
            case 0x0302, 0x0306, 0x031B:
                guard let base = bases.last, vowelMarks[vowelMarks.count - 1] == nil else { return nil }
                let allowed: Set<Character> = scalar.value == 0x0302 ? ["a", "e", "o"] : scalar.value == 0x0306 ? ["a"] : ["o", "u"]
                guard allowed.contains(Character(String(base).lowercased())) else { return nil }
                vowelMarks[vowelMarks.count - 1] = scalar
            default:
                let small = String(scalar).lowercased()
                guard small.unicodeScalars.count == 1, let letter = small.first, "abcdđeghiklmnopqrstuvxy".contains(letter) else {
                    return nil
                }
                bases.append(small.unicodeScalars[small.unicodeScalars.startIndex])
                vowelMarks.append(nil)
                capitals.append(scalar.properties.isUppercase)
            }
        }
        guard !bases.isEmpty else { return nil }
        let rest = capitals.dropFirst()
        guard rest.allSatisfy({ !$0 }) || capitals.allSatisfy({ $0 }) else { return nil }
        var letters = String.UnicodeScalarView()
        for (base, mark) in zip(bases, vowelMarks) {
            letters.append(base)
            if let mark { letters.append(mark) }
        }
        return (VietnameseText.nfc(String(letters)), tone)
    }
}
