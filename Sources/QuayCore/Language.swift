/// The language of a message: Vietnamese for the desk, English otherwise (SPEC §12).
public enum Language: String, Sendable, Codable, CaseIterable {
    case vi
    case en

    /// Parses `vi`, `en`, or a POSIX locale such as `vi_VN.UTF-8`; nil for anything else.
    public init?(tag: String) {
        let lowered = tag.lowercased()
        if lowered == "vi" || lowered.hasPrefix("vi_") || lowered.hasPrefix("vi-") || lowered.hasPrefix("vi.") {
            self = .vi
        } else if lowered == "en" || lowered.hasPrefix("en_") || lowered.hasPrefix("en-") || lowered.hasPrefix("en.")
            || lowered == "c" || lowered == "posix" || lowered.hasPrefix("c.")
        {
            self = .en
        } else {
            return nil
        }
    }

    /// The language a POSIX environment asks for: `LC_ALL`, then `LC_MESSAGES`, then `LANG`
    /// (the first one that is set wins, as in setlocale(3)); English when none says Vietnamese.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                return Language(tag: value) ?? .en
            }
        }
        return .en
    }
}

/// A text in both of the product's languages.
public struct Bilingual: Sendable, Equatable {
    public var vi: String
    public var en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    /// The two texts, each followed by the other's counterpart.
    public static func + (lhs: Bilingual, rhs: Bilingual) -> Bilingual {
        Bilingual(vi: lhs.vi + rhs.vi, en: lhs.en + rhs.en)
    }

    public func text(_ language: Language) -> String {
        switch language {
        case .vi: return vi
        case .en: return en
        }
    }
}
