/// TOML 1.0 (https://toml.io/en/v1.0.0), read by our own code.
///
/// Why not a library: the config, label templates and template directories come from users,
/// and the C++ parser that TOMLKit wraps (toml++) asserts on inputs as small as `[=]`
/// (`parse_key(): Assertion … failed`, undefined behaviour in release builds), which
/// stopped the daemon (issue 13). Guarding its input completely would have meant checking
/// the whole grammar before it runs — a parser of its own. This one is pure Swift, bounded
/// (nesting depth, integer range) and fuzzed (`make fuzz`); every fault is a `TOMLError`
/// with its line and column, never a trap.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// An offset or local date-time, date or time, checked and kept as written.
    case dateTime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int? { if case .integer(let value) = self { Int(value) } else { nil } }
    /// A float only; integers are `int`.
    public var double: Double? { if case .float(let value) = self { value } else { nil } }
    public var bool: Bool? { if case .boolean(let value) = self { value } else { nil } }
    public var array: [TOMLValue]? { if case .array(let value) = self { value } else { nil } }
    public var table: TOMLTable? { if case .table(let value) = self { value } else { nil } }
}

/// A table: its keys in the order the file gives them, each with the line it is defined on.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    /// The line of the table's own `[header]`, or of the key that made it.
    public fileprivate(set) var line: Int?
    private var values: [String: TOMLValue] = [:]
    private var lines: [String: Int] = [:]

    public init() {}

    /// Parses a whole document.
    public init(string: String) throws(TOMLError) {
        var parser = TOMLParser(Array(string.utf8))
        self = try parser.document()
    }

    public subscript(key: String) -> TOMLValue? { values[key] }

    /// The line `key` is defined on (its `[header]` for a table).
    public func line(of key: String) -> Int? { lines[key] }

    public var isEmpty: Bool { keys.isEmpty }

    fileprivate mutating func append(_ key: String, _ value: TOMLValue, line: Int) {
        keys.append(key)
        values[key] = value
        lines[key] = line
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.keys == rhs.keys && lhs.values == rhs.values }

    /// The table at a dotted path of plain tables (`repeat`), nil for this one.
    private func table(at path: String?) -> TOMLTable? {
        guard let path else { return self }
        var table = self
        for segment in path.split(separator: ".") {
            guard let next = table[String(segment)]?.table else { return nil }
            table = next
        }
        return table
    }

    /// Where a fault in a value is: the line of `key` in `[section]` (the top level when nil),
    /// or of the section's header when the key is absent.
    public func line(section: String?, key: String) -> Int? {
        guard let table = table(at: section) else { return nil }
        return table.line(of: key) ?? table.line
    }

    /// The line of `key` in the `index`-th `[[path]]` table (`text`, `repeat.text`), or of its header.
    public func line(arrayTable path: String, index: Int, key: String) -> Int? {
        let parts = path.split(separator: ".")
        guard let name = parts.last, let parent = table(at: parts.count > 1 ? parts.dropLast().joined(separator: ".") : nil),
            let elements = parent[String(name)]?.array, elements.indices.contains(index), let element = elements[index].table
        else { return nil }
        return element.line(of: key) ?? element.line
    }
}

/// A syntax or structure fault: where, and what.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String

    public var description: String { "line \(line), column \(column): \(reason)" }
}

// MARK: - The parser

/// A table while the document is read; frozen into `TOMLTable` at the end.
private final class TableNode {
    enum Origin {
        /// Created by a header's path (`[a.b]` creates `a`); may still get its own header.
        case implicit
        /// Given its own `[header]` or `[[header]]`.
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`); only dotted keys may add to it.
        case dotted
    }
    enum Entry {
        case value(TOMLValue)
        case table(TableNode)
        case tables([TableNode])
    }
    var origin: Origin
    var line = 0
    var order: [String] = []
    var entries: [String: Entry] = [:]
    var lines: [String: Int] = [:]

    init(_ origin: Origin, line: Int) {
        self.origin = origin
        self.line = line
    }

    func set(_ key: String, _ entry: Entry, line: Int) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
        if lines[key] == nil { lines[key] = line }
    }

    func frozen() -> TOMLTable {
        var table = TOMLTable()
        table.line = line > 0 ? line : nil
        for key in order {
            let value: TOMLValue
            switch entries[key]! {
            case .value(let leaf): value = leaf
            case .table(let node): value = .table(node.frozen())
            case .tables(let nodes): value = .array(nodes.map { .table($0.frozen()) })
            }
            table.append(key, value, line: lines[key] ?? 0)
        }
        return table
    }
}

private struct TOMLParser {
    /// Arrays and inline tables nested deeper than this are refused, so that no input can
    /// exhaust the stack.
    static let maximumDepth = 64

    let bytes: [UInt8]
    var index = 0
    /// The offsets at which lines start, for line numbers.
    let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        lineStarts = starts
        // A byte-order mark is not part of the document.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    // MARK: Positions and faults

    func line(at offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    func fail(_ reason: String, at offset: Int? = nil) -> TOMLError {
        let offset = min(offset ?? index, bytes.count)
        let line = line(at: offset)
        let start = lineStarts[line - 1]
        // Columns count characters, not bytes.
        let column = bytes[start..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return TOMLError(line: line, column: column, reason: reason)
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    func peek(_ ahead: Int) -> UInt8? { index + ahead < bytes.count ? bytes[index + ahead] : nil }

    func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the file" }
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return "the end of the line" }
        if byte < 0x20 || byte == 0x7F { return "control character U+\(String(byte, radix: 16, uppercase: true).leftPadded(to: 4))" }
        if byte >= 0x80 {
            var end = index + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
        }
        return "'\(Character(Unicode.Scalar(byte)))'"
    }

    // MARK: Whitespace, comments, newlines

    mutating func skipSpaces() {
        while let byte = current, byte == 0x20 || byte == 0x09 { index += 1 }
    }

    /// A newline (LF or CRLF) at the current position, consumed.
    mutating func newline() throws(TOMLError) -> Bool {
        if current == UInt8(ascii: "\n") {
            index += 1
            return true
        }
        if current == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw fail("a carriage return must be followed by a line feed") }
            index += 2
            return true
        }
        return false
    }

    mutating func comment() throws(TOMLError) {
        guard current == UInt8(ascii: "#") else { return }
        index += 1
        while let byte = current, byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { break }
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { throw fail("\(describe(byte)) is not allowed in a comment") }
            index += 1
        }
    }

    /// After a key/value pair or a header: spaces, a comment, then the end of the line.
    mutating func endOfLine(_ after: String) throws(TOMLError) {
        skipSpaces()
        try comment()
        if atEnd { return }
        guard try newline() else { throw fail("expected the end of the line after \(after), found \(describe(current))") }
    }

    /// Spaces, newlines and comments, as inside an array.
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            try comment()
            if !(try newline()) { return }
        }
    }

    // MARK: The document

    mutating func document() throws(TOMLError) -> TOMLTable {
        let root = TableNode(.header, line: 0)
        var table = root
        while true {
            try skipBlank()
            guard let byte = current else { break }
            if byte == UInt8(ascii: "[") {
                table = try header(root)
                try endOfLine("a table header")
            } else {
                try keyValue(into: table)
                try endOfLine("a value")
            }
        }
        return root.frozen()
    }

    /// `[a.b]` or `[[a.b]]`: the table that the following pairs go into.
    mutating func header(_ root: TableNode) throws(TOMLError) -> TableNode {
        let start = index
        let line = line(at: start)
        index += 1
        let isArray = current == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipSpaces()
        let path = try key()
        skipSpaces()
        guard current == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header, found \(describe(current))") }
        index += 1
        if isArray {
            guard current == UInt8(ascii: "]") else { throw fail("expected ']]' to close the array-of-tables header") }
            index += 1
        }
        var node = root
        for (position, segment) in path.dropLast().enumerated() {
            let name = path[0...position].joined(separator: ".")
            switch node.entries[segment] {
            case nil:
                let child = TableNode(.implicit, line: line)
                node.set(segment, .table(child), line: line)
                node = child
            case .table(let child): node = child
            case .tables(let children): node = children[children.count - 1]
            case .value: throw fail("'\(name)' is already a value, not a table", at: start)
            }
        }
        let last = path[path.count - 1]
        let name = path.joined(separator: ".")
        if isArray {
            let child = TableNode(.header, line: line)
            switch node.entries[last] {
            case nil: node.set(last, .tables([child]), line: line)
            case .tables(let children): node.set(last, .tables(children + [child]), line: line)
            case .table, .value: throw fail("'\(name)' is already defined and is not an array of tables", at: start)
            }
            return child
        }
        switch node.entries[last] {
        case nil:
            let child = TableNode(.header, line: line)
            node.set(last, .table(child), line: line)
            return child
        case .table(let child) where child.origin == .implicit:
            child.origin = .header
            child.line = line
            node.lines[last] = line
            return child
        default: throw fail("the table '\(name)' is defined twice", at: start)
        }
    }

    /// `a.b = value` into `table`, creating the tables of a dotted key.
    mutating func keyValue(into table: TableNode, depth: Int = 0) throws(TOMLError) {
        let start = index
        let line = line(at: start)
        let path = try key()
        skipSpaces()
        guard current == UInt8(ascii: "=") else { throw fail("expected '=' after the key, found \(describe(current))") }
        index += 1
        skipSpaces()
        let value = try value(depth: depth)
        var node = table
        for (position, segment) in path.dropLast().enumerated() {
            switch node.entries[segment] {
            case nil:
                let child = TableNode(.dotted, line: line)
                node.set(segment, .table(child), line: line)
                node = child
            case .table(let child) where child.origin == .dotted: node = child
            default:
                throw fail("'\(path[0...position].joined(separator: "."))' is already defined; a dotted key cannot add to it", at: start)
            }
        }
        let last = path[path.count - 1]
        guard node.entries[last] == nil else { throw fail("the key '\(path.joined(separator: "."))' is defined twice", at: start) }
        node.set(last, .value(value), line: line)
    }

    /// A key: bare, quoted or dotted, as its segments.
    mutating func key() throws(TOMLError) -> [String] {
        var segments: [String] = []
        while true {
            guard let byte = current else { throw fail("expected a key, found the end of the file") }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if peek(1) == byte, peek(2) == byte { throw fail("a key cannot be a multi-line string") }
                segments.append(try string())
            } else if Self.isBare(byte) {
                let start = index
                while let next = current, Self.isBare(next) { index += 1 }
                segments.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                throw fail("expected a key (letters, digits, - and _, or a quoted string), found \(describe(byte))")
            }
            skipSpaces()
            guard current == UInt8(ascii: ".") else { return segments }
            index += 1
            skipSpaces()
        }
    }

    static func isBare(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
    }

    // MARK: Values

    mutating func value(depth: Int) throws(TOMLError) -> TOMLValue {
        guard let byte = current else { throw fail("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "{"): return try inlineTable(depth: depth + 1)
        default: return try scalar()
        }
    }

    mutating func array(depth: Int) throws(TOMLError) -> TOMLValue {
        guard depth <= Self.maximumDepth else { throw fail("arrays and inline tables nest deeper than \(Self.maximumDepth)") }
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlank()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            elements.append(try value(depth: depth))
            try skipBlank()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw fail("expected ',' or ']' in the array, found \(describe(current))")
            }
        }
    }

    mutating func inlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
        guard depth <= Self.maximumDepth else { throw fail("arrays and inline tables nest deeper than \(Self.maximumDepth)") }
        let table = TableNode(.header, line: line(at: index))
        index += 1
        skipSpaces()
        if current == UInt8(ascii: "}") {
            index += 1
            return .table(table.frozen())
        }
        while true {
            skipSpaces()
            if current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r") {
                throw fail("an inline table must fit on one line; use a [table] for more")
            }
            try keyValue(into: table, depth: depth)
            skipSpaces()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current == UInt8(ascii: "}") {
                index += 1
                return .table(table.frozen())
            } else {
                throw fail("expected ',' or '}' in the inline table (which must fit on one line), found \(describe(current))")
            }
        }
    }

    // MARK: Strings

    /// A basic, literal or multi-line string at the current position.
    mutating func string() throws(TOMLError) -> String {
        let quote = bytes[index]
        let literal = quote == UInt8(ascii: "'")
        let multiline = peek(1) == quote && peek(2) == quote
        let start = index
        index += multiline ? 3 : 1
        if multiline {
            // A newline right after the opening delimiter is trimmed.
            _ = try newline()
        }
        var content: [UInt8] = []
        while true {
            guard let byte = current else {
                throw fail("the string that starts here is not closed", at: start)
            }
            if byte == quote {
                if !multiline {
                    index += 1
                    break
                }
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    guard run <= 5 else { throw fail("too many quotes at the end of a multi-line string") }
                    content.append(contentsOf: repeatElement(quote, count: run - 3))
                    index += run
                    break
                }
                content.append(contentsOf: repeatElement(quote, count: run))
                index += run
                continue
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                guard multiline else { throw fail("a string must end on the line it starts on (or use \"\"\" for several lines)", at: start) }
                _ = try newline()
                content.append(UInt8(ascii: "\n"))
                continue
            }
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw fail("\(describe(byte)) is not allowed in a string; write it as an escape such as \\u0001")
            }
            if byte == UInt8(ascii: "\\") && !literal {
                try escape(into: &content, multiline: multiline)
                continue
            }
            content.append(byte)
            index += 1
        }
        return String(decoding: content, as: UTF8.self)
    }

    mutating func escape(into content: inout [UInt8], multiline: Bool) throws(TOMLError) {
        let start = index
        index += 1
        guard let byte = current else { throw fail("the string ends inside an escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "\""): content.append(0x22)
        case UInt8(ascii: "\\"): content.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                bytes[index..<index + count].allSatisfy({ Self.isHex($0) }),
                let scalar = Unicode.Scalar(code)
            else {
                throw fail("\\\(Character(Unicode.Scalar(byte))) must be followed by \(count) hex digits of a Unicode scalar value", at: start)
            }
            index += count
            content.append(contentsOf: Array(String(Character(scalar)).utf8))
        case 0x20, 0x09, 0x0A, 0x0D:
            // A line-ending backslash: the newline and the white space after it are dropped.
            guard multiline else { throw fail("a backslash must start an escape such as \\n or \\u00E9", at: start) }
            index -= 1
            skipSpaces()
            guard try newline() else { throw fail("only a line-ending backslash may be followed by spaces", at: start) }
            while true {
                skipSpaces()
                if !(try newline()) { break }
            }
        default:
            index -= 1
            throw fail("unknown escape \\\(describe(byte).trimmingQuotes)", at: start)
        }
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: Numbers, booleans, dates

    /// A bare value: a boolean, a number or a date-time.
    mutating func scalar() throws(TOMLError) -> TOMLValue {
        let start = index
        while let byte = current, !Self.endsScalar(byte) { index += 1 }
        // A date and a time separated by one space.
        if index - start == 10, current == 0x20, let a = peek(1), let b = peek(2), Self.isDigit(a), Self.isDigit(b), peek(3) == UInt8(ascii: ":"),
            bytes[start + 4] == UInt8(ascii: "-")
        {
            index += 1
            while let byte = current, !Self.endsScalar(byte) { index += 1 }
        }
        let token = Array(bytes[start..<index])
        guard !token.isEmpty else { throw fail("expected a value, found \(describe(current))") }
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if token.contains(UInt8(ascii: ":")) || (token.count >= 10 && token[4] == UInt8(ascii: "-") && token[0...3].allSatisfy(Self.isDigit)) {
            guard Self.isDateTime(token) else { throw fail("'\(text)' is not a date or time (1979-05-27, 07:32:00, 1979-05-27T07:32:00Z)", at: start) }
            return .dateTime(text)
        }
        return try number(token, text: text, at: start)
    }

    static func endsScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"): true
        default: false
        }
    }

    func number(_ token: [UInt8], text: String, at start: Int) throws(TOMLError) -> TOMLValue {
        let notANumber = fail("'\(text)' is not a value (a string needs quotes: \"\(text)\")", at: start)
        var body = token[...]
        var negative = false
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        // 0x, 0o, 0b: unsigned integers in another base.
        if body.count > 2, body.first == UInt8(ascii: "0"), token.first != UInt8(ascii: "+"), token.first != UInt8(ascii: "-") {
            let radix: Int? =
                switch body[body.startIndex + 1] {
                case UInt8(ascii: "x"): 16
                case UInt8(ascii: "o"): 8
                case UInt8(ascii: "b"): 2
                default: nil
                }
            if let radix {
                let digits = body.dropFirst(2)
                let valid: (UInt8) -> Bool =
                    switch radix {
                    case 16: Self.isHex
                    case 8: { $0 >= 0x30 && $0 <= 0x37 }
                    default: { $0 == 0x30 || $0 == 0x31 }
                    }
                guard let plain = Self.digits(digits, valid: valid) else { throw notANumber }
                guard let value = Int64(plain, radix: radix) else { throw fail("'\(text)' does not fit in a 64-bit integer", at: start) }
                return .integer(value)
            }
        }
        // Decimal: an integer part, then a fraction and/or an exponent for a float.
        let exponentAt = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = body[..<(exponentAt ?? body.endIndex)]
        let dotAt = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerPart = mantissa[..<(dotAt ?? mantissa.endIndex)]
        guard let integerDigits = Self.digits(integerPart, valid: Self.isDigit) else { throw notANumber }
        guard integerDigits == "0" || !integerDigits.hasPrefix("0") else { throw fail("'\(text)' has a leading zero", at: start) }
        var plain = (negative ? "-" : "") + integerDigits
        if let dotAt {
            guard let fraction = Self.digits(mantissa[(dotAt + 1)...], valid: Self.isDigit) else { throw notANumber }
            plain += "." + fraction
        }
        if let exponentAt {
            var exponent = body[(exponentAt + 1)...]
            var sign = ""
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                sign = first == UInt8(ascii: "-") ? "-" : ""
                exponent = exponent.dropFirst()
            }
            guard let digits = Self.digits(exponent, valid: Self.isDigit) else { throw notANumber }
            plain += "e" + sign + digits
        }
        if dotAt == nil && exponentAt == nil {
            guard let value = Int64(plain) else { throw fail("'\(text)' does not fit in a 64-bit integer", at: start) }
            return .integer(value)
        }
        guard let value = Double(plain), value.isFinite else { throw fail("'\(text)' is not a finite float", at: start) }
        return .float(value)
    }

    /// Digits with single underscores between them, without the underscores; nil if malformed.
    static func digits(_ slice: ArraySlice<UInt8>, valid: (UInt8) -> Bool) -> String? {
        guard let first = slice.first, let last = slice.last, first != UInt8(ascii: "_"), last != UInt8(ascii: "_") else { return nil }
        var result: [UInt8] = []
        var previousUnderscore = false
        for byte in slice {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return nil }
                previousUnderscore = true
                continue
            }
            guard valid(byte) else { return nil }
            previousUnderscore = false
            result.append(byte)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// RFC 3339 as TOML takes it: a date, a time, or both (with an optional offset).
    static func isDateTime(_ token: [UInt8]) -> Bool {
        var rest = token[...]
        func number(_ count: Int) -> Int? {
            guard rest.count >= count, rest.prefix(count).allSatisfy(isDigit) else { return nil }
            let value = rest.prefix(count).reduce(0) { $0 * 10 + Int($1 - 0x30) }
            rest = rest.dropFirst(count)
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard rest.first == byte else { return false }
            rest = rest.dropFirst()
            return true
        }
        func time() -> Bool {
            guard let hour = number(2), hour < 24, take(UInt8(ascii: ":")), let minute = number(2), minute < 60, take(UInt8(ascii: ":")),
                let second = number(2), second <= 60
            else { return false }
            if take(UInt8(ascii: ".")) {
                let fraction = rest.prefix(while: isDigit).count
                guard fraction > 0 else { return false }
                rest = rest.dropFirst(fraction)
            }
            return true
        }
        if token.count >= 3, token[2] == UInt8(ascii: ":") { return time() && rest.isEmpty }
        guard let year = number(4), take(UInt8(ascii: "-")), let month = number(2), (1...12).contains(month), take(UInt8(ascii: "-")),
            let day = number(2)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        if rest.isEmpty { return true }
        guard take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || take(0x20), time() else { return false }
        if rest.isEmpty || take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return rest.isEmpty }
        guard take(UInt8(ascii: "+")) || take(UInt8(ascii: "-")), let hours = number(2), hours < 24, take(UInt8(ascii: ":")),
            let minutes = number(2), minutes < 60
        else { return false }
        return rest.isEmpty
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
    fileprivate var trimmingQuotes: String { count >= 2 && hasPrefix("'") && hasSuffix("'") ? String(dropFirst().dropLast()) : self }
}
