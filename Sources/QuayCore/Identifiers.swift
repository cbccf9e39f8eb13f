/// Check digits of the identifiers on books and cards (SPEC §6.3, §7.1).
public enum Identifiers {
    /// Digits of `text` with hyphens and spaces removed, or nil if anything else is there
    /// (an `X` is allowed only as an ISBN-10's last character).
    static func compact(_ text: String) -> String {
        text.filter { $0 != "-" && $0 != " " }
    }

    /// Validates an ISBN-10 or ISBN-13 and returns it as ISBN-13 (SPEC §6.3); nil when the
    /// length, the characters or the check digit are wrong.
    public static func normalizedISBN(_ text: String) -> String? {
        let isbn = compact(text).uppercased()
        if isbn.count == 13 {
            guard isbn.hasPrefix("978") || isbn.hasPrefix("979"), isValidEAN13(isbn) else { return nil }
            return isbn
        }
        guard isbn.count == 10 else { return nil }
        var sum = 0
        for (index, character) in isbn.enumerated() {
            let value: Int
            if let digit = character.wholeNumberValue, character.isASCII {
                value = digit
            } else if character == "X" && index == 9 {
                value = 10
            } else {
                return nil
            }
            sum += value * (10 - index)
        }
        guard sum % 11 == 0 else { return nil }
        let body = "978" + isbn.prefix(9)
        return body + String(ean13CheckDigit(body)!)
    }

    /// The EAN-13 check digit of 12 digits.
    public static func ean13CheckDigit(_ digits: String) -> Int? {
        let values = digits.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard values.count == 12, digits.count == 12 else { return nil }
        let sum = values.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return (10 - sum % 10) % 10
    }

    public static func isValidEAN13(_ code: String) -> Bool {
        guard code.count == 13, let last = code.last?.wholeNumberValue, let check = ean13CheckDigit(String(code.prefix(12)))
        else { return false }
        return last == check
    }

    /// The mod-10 check digit of a 14-digit Codabar library barcode (type digit,
    /// institution, serial, check): odd positions doubled (less 9 above 9), all summed.
    public static func libraryCodabarCheckDigit(_ first13: String) -> Int? {
        let values = first13.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard values.count == 13, first13.count == 13 else { return nil }
        var sum = 0
        for (index, value) in values.enumerated() {
            if index % 2 == 0 {
                let doubled = value * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += value
            }
        }
        return (10 - sum % 10) % 10
    }

    public static func isValidLibraryCodabar(_ code: String) -> Bool {
        guard code.count == 14, let last = code.last?.wholeNumberValue,
            let check = libraryCodabarCheckDigit(String(code.prefix(13)))
        else { return false }
        return last == check
    }

    /// Code 39's 43 characters, in the order of their check values.
    public static let code39Characters = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%")

    /// The mod-43 check character of a Code 39 text; nil if a character cannot be in Code 39.
    public static func code39CheckCharacter(_ text: String) -> Character? {
        var sum = 0
        for character in text {
            guard let value = code39Characters.firstIndex(of: character) else { return nil }
            sum += value
        }
        return code39Characters[sum % 43]
    }

    /// True when the last character of `code` is the mod-43 check of the rest.
    public static func isValidCode39Mod43(_ code: String) -> Bool {
        guard let last = code.last, code.count >= 2 else { return false }
        return code39CheckCharacter(String(code.dropLast())) == last
    }
}

/// A listener's `host:port` (`[sip2] listen`, `[web] listen`): an IPv6 host in brackets; port
/// 0 takes any free port.
public enum ListenAddress {
    public static func parse(_ listen: String) -> (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
