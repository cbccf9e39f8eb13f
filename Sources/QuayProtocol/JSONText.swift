import QuayCore

/// Looks into a request's or a reply's JSON text byte by byte, without decoding it: the
/// control characters its strings carry, and the request's `id` when the rest cannot be
/// decoded. Both sides use it: quayd refuses control characters at the door (issue 13),
/// and quay shows any that are stored as visible pictures instead of sending them to the
/// terminal.
public enum JSONText {
    /// The fields whose text may hold line breaks and tabs: a CSV file, a template's source,
    /// a note. Every other text is one line.
    public static let multilineKeys: Set<String> = ["csv", "template", "note"]

    /// A control character found in a string: the field it is in (nil for a key or at the
    /// top), and the character.
    public struct ControlCharacter: Sendable, Equatable, CustomStringConvertible {
        public var field: String?
        public var scalar: UInt32

        public init(field: String?, scalar: UInt32) {
            self.field = field
            self.scalar = scalar
        }

        public var description: String {
            let code = Unicode.Scalar(scalar).map(VietnameseText.codePoint) ?? "U+\(String(scalar, radix: 16, uppercase: true))"
            return field.map { "\(code) in \"\($0)\"" } ?? code
        }
    }

    /// The first control character in a string of the JSON text that its field does not
    /// allow, or nil. The text is assumed to be one JSON value; anything else is left to the
    /// decoder to refuse.
    public static func firstControl(in bytes: [UInt8], multilineKeys: Set<String> = multilineKeys) -> ControlCharacter? {
        // Most requests have no escape and no DEL or C1 byte at all: one pass says so.
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0x7F || $0 == 0xC2 }) else { return nil }
        struct Container {
            var isObject: Bool
            /// The field this container is the value of (for an array: whose elements these are).
            var field: String?
            /// In an object: the key whose value comes next.
            var key: String?
            var expectingKey: Bool
        }
        var stack: [Container] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let field = stack.last.map { $0.isObject ? $0.key : $0.field } ?? nil
                stack.append(Container(isObject: byte == UInt8(ascii: "{"), field: field, key: nil, expectingKey: byte == UInt8(ascii: "{")))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                index += 1
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].isObject { stack[last].expectingKey = true }
                index += 1
            case UInt8(ascii: ":"):
                if let last = stack.indices.last { stack[last].expectingKey = false }
                index += 1
            case UInt8(ascii: "\""):
                let isKey = stack.last?.expectingKey == true
                var scalars: [UInt32] = []
                let end = walkString(bytes, from: index) { scalars.append($0) }
                if isKey {
                    let key = String(decoding: bytes[(index + 1)..<max(index + 1, end - 1)], as: UTF8.self)
                    stack[stack.count - 1].key = key
                    if let control = scalars.first(where: { VietnameseText.isRefusedControl($0) }) {
                        return ControlCharacter(field: nil, scalar: control)
                    }
                } else {
                    let field = stack.last.map { $0.isObject ? $0.key : $0.field } ?? nil
                    let multiline = field.map(multilineKeys.contains) ?? false
                    if let control = scalars.first(where: { VietnameseText.isRefusedControl($0, multiline: multiline) }) {
                        return ControlCharacter(field: field, scalar: control)
                    }
                }
                index = end
            default:
                index += 1
            }
        }
        return nil
    }

    /// The JSON text with every control character in its strings but line feed and tab shown
    /// as a picture (U+2400 ␀ … U+241F ␟, U+2421 ␡; C1 as U+FFFD), so that text stored
    /// before controls were refused can never move a terminal's cursor or change its colours.
    public static func picturingControls(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0x7F || $0 == 0xC2 }) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                output.append(bytes[index])
                index += 1
                continue
            }
            // Copy the string, each escape or byte as it is unless it is a control.
            output.append(bytes[index])
            var position = index + 1
            while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                let start = position
                var scalar: UInt32? = nil
                if bytes[position] == UInt8(ascii: "\\") {
                    position = escape(bytes, at: position) { scalar = $0 }
                } else if bytes[position] == 0x7F {
                    scalar = 0x7F
                    position += 1
                } else if bytes[position] == 0xC2, position + 1 < bytes.count, (0x80...0x9F).contains(bytes[position + 1]) {
                    scalar = UInt32(bytes[position + 1])
                    position += 2
                } else {
                    position += 1
                }
                if let scalar, VietnameseText.isRefusedControl(scalar), scalar != 0x0A, scalar != 0x09 {
                    let picture: UInt32 = scalar < 0x20 ? 0x2400 + scalar : scalar == 0x7F ? 0x2421 : 0xFFFD
                    output.append(contentsOf: Array(String(Character(Unicode.Scalar(picture)!)).utf8))
                } else {
                    output.append(contentsOf: bytes[start..<min(position, bytes.count)])
                }
            }
            if position < bytes.count { output.append(bytes[position]) }
            index = position + 1
        }
        return output
    }

    /// The top-level `"id"` when it is a string or a 64-bit integer, read without decoding
    /// the rest, so that a request refused for something elsewhere in it (nesting too deep,
    /// a broken value) is still answered with its id.
    public static func topLevelID(in bytes: [UInt8]) -> JSONValue? {
        var depth = 0
        var expectingKey = false
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = bytes[index] == UInt8(ascii: "{") && depth == 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
                index += 1
            case UInt8(ascii: "\""):
                let end = walkString(bytes, from: index) { _ in }
                if expectingKey && depth == 1 && bytes[(index + 1)..<max(index + 1, end - 1)].elementsEqual("id".utf8) {
                    return idValue(bytes, after: end)
                }
                expectingKey = false
                index = end
            default:
                index += 1
            }
        }
        return nil
    }

    private static func idValue(_ bytes: [UInt8], after keyEnd: Int) -> JSONValue? {
        var index = keyEnd
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpace()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            let end = walkString(bytes, from: index) { _ in }
            guard end <= bytes.count, bytes[end - 1] == UInt8(ascii: "\""), end - index >= 2 else { return nil }
            var text = ""
            var valid = true
            _ = walkString(bytes, from: index) { scalar in
                if let value = Unicode.Scalar(scalar) { text.unicodeScalars.append(value) } else { valid = false }
            }
            return valid ? .string(text) : nil
        }
        let start = index
        while index < bytes.count, bytes[index] == UInt8(ascii: "-") || (bytes[index] >= 0x30 && bytes[index] <= 0x39) { index += 1 }
        // A fraction or an exponent is no id we echo.
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { return nil }
        guard let number = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
        return .int(number)
    }

    /// Walks a string starting at its opening quote, handing each scalar to `visit`; returns
    /// the index after the closing quote (or the end of the text).
    @discardableResult
    static func walkString(_ bytes: [UInt8], from start: Int, _ visit: (UInt32) -> Void) -> Int {
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return index + 1 }
            if byte == UInt8(ascii: "\\") {
                index = escape(bytes, at: index, visit)
                continue
            }
            // UTF-8 decoded just enough for the scalars we look for.
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            var scalar = UInt32(byte)
            if length > 1, index + length <= bytes.count {
                scalar = UInt32(byte) & (0xFF >> (length + 1))
                for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F) }
            }
            visit(scalar)
            index += length
        }
        // A multi-byte sequence cut off by the end of the text must not carry us past it.
        return min(index, bytes.count)
    }

    /// Reads one escape at `index` (its backslash); returns the index after it.
    static func escape(_ bytes: [UInt8], at index: Int, _ visit: (UInt32) -> Void) -> Int {
        guard index + 1 < bytes.count else { return bytes.count }
        switch bytes[index + 1] {
        case UInt8(ascii: "b"): visit(0x08)
        case UInt8(ascii: "f"): visit(0x0C)
        case UInt8(ascii: "n"): visit(0x0A)
        case UInt8(ascii: "r"): visit(0x0D)
        case UInt8(ascii: "t"): visit(0x09)
        case UInt8(ascii: "u"):
            guard index + 6 <= bytes.count, let code = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16)
            else { return min(index + 2, bytes.count) }
            // A surrogate pair is one scalar; a lone surrogate is left to the decoder to refuse.
            if (0xD800...0xDBFF).contains(code), index + 12 <= bytes.count, bytes[index + 6] == UInt8(ascii: "\\"),
                bytes[index + 7] == UInt8(ascii: "u"),
                let low = UInt32(String(decoding: bytes[(index + 8)..<(index + 12)], as: UTF8.self), radix: 16),
                (0xDC00...0xDFFF).contains(low)
            {
                visit(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                return index + 12
            }
            visit(code)
            return index + 6
        default: visit(UInt32(bytes[index + 1]))
        }
        return index + 2
    }
}
