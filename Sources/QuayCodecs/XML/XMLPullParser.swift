/// A small pull parser for UTF-8 XML, written for the parts of an XLSX workbook and, later,
/// MARCXML: the shipped binary is static and links no XML library, and these inputs come from
/// whoever made the spreadsheet, so the parser does as little as it can safely do.
///
/// It reads a whole document held in memory and hands out one event at a time: no tree is
/// built, so memory stays the document's bytes plus the open elements. It checks
/// well-formedness (one root, matching end tags, quoted and unique attributes, valid UTF-8,
/// no control characters) and says where a document breaks with a byte offset.
///
/// Entities: only the five predefined ones and character references are decoded. A DOCTYPE
/// without an internal subset is skipped; one with an internal subset (`[ … ]`, where entities
/// are declared) is refused, so no entity is ever expanded — no billion laughs, no external
/// entity fetched. Comments and processing instructions are skipped; CDATA is text. Line ends
/// are normalised to `\n` and attribute values' white space to spaces, as XML 1.0 says.
///
/// Namespaces: names are kept as written (`marc:record`), `XMLName.localName` drops the prefix,
/// and `namespaceURI(forPrefix:)` resolves a prefix in the current element's scope.
public struct XMLPullParser: Sendable {
    /// The default limit on nesting: far more than any workbook or MARC record needs.
    public static let defaultMaxDepth = 256

    public let maxDepth: Int
    private let bytes: [UInt8]
    private var position = 0
    private var checked = false
    private var open: [XMLName] = []
    private var pendingEnd: XMLName? = nil
    private var sawRoot = false
    /// Namespace declarations in scope: (prefix, URI, depth of the element that made them).
    private var bindings: [(prefix: String, uri: String, depth: Int)] = []
    private var text: [UInt8] = []

    /// The byte offset where the last event returned by `next()` began.
    public private(set) var eventOffset = 0

    /// Over an array, shared (a sheet's XML may be a quarter of a GiB: it is never copied).
    public init(_ bytes: [UInt8], maxDepth: Int = XMLPullParser.defaultMaxDepth) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Over any bytes (`Data`, a slice), copied into an array once.
    public init(_ bytes: some Collection<UInt8>, maxDepth: Int = XMLPullParser.defaultMaxDepth) {
        self.init(Array(bytes), maxDepth: maxDepth)
    }

    /// How many elements are open (after a start event, its own element counts).
    public var depth: Int { open.count }

    /// The URI bound to `prefix` (nil: the default namespace) where the parser stands: after a
    /// start event, the declarations of that element included. `xml` is always bound.
    public func namespaceURI(forPrefix prefix: String?) -> String? {
        let key = prefix ?? ""
        if key == "xml" { return "http://www.w3.org/XML/1998/namespace" }
        guard let binding = bindings.last(where: { $0.prefix == key }) else { return nil }
        return binding.uri.isEmpty ? nil : binding.uri  // xmlns="" undeclares the default
    }

    /// The next event, or nil at the end of a well-formed document.
    public mutating func next() throws(XMLError) -> XMLEvent? {
        if !checked {
            try checkEncoding()
            checked = true
        }
        if let name = pendingEnd {
            pendingEnd = nil
            closeElement()
            return .endElement(name)
        }
        while position < bytes.count {
            eventOffset = position
            if bytes[position] != UInt8(ascii: "<") || hasPrefix("<![CDATA[") {
                let start = position
                try readText()
                if open.isEmpty {
                    guard text.allSatisfy(Self.isSpace) else { throw XMLError(.textOutsideRootElement, at: start) }
                    continue
                }
                return .text(String(decoding: text, as: UTF8.self))
            }
            if hasPrefix("<?") {
                try skipProcessingInstruction()
            } else if hasPrefix("<!--") {
                try skipComment()
            } else if hasPrefix("<!DOCTYPE") {
                try skipDoctype()
            } else if hasPrefix("</") {
                return .endElement(try readEndTag())
            } else if hasPrefix("<!") {
                throw XMLError(.malformedMarkup("<! that is no comment, CDATA section or DOCTYPE"), at: position)
            } else {
                return .startElement(try readStartTag())
            }
        }
        if let innermost = open.last { throw XMLError(.unclosedElement(innermost.qualified), at: bytes.count) }
        guard sawRoot else { throw XMLError(.noRootElement, at: bytes.count) }
        return nil
    }

    // MARK: - Encoding

    /// The whole document is checked once, first: UTF-8 (a BOM is skipped; a UTF-16 one is
    /// refused) with no C0 control character but tab, line feed and carriage return.
    private mutating func checkEncoding() throws(XMLError) {
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            throw XMLError(.unsupportedEncoding("UTF-16"), at: 0)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if let bad = UTF8Check.firstInvalidOffset(in: bytes, from: position) {
            let byte = bytes[bad]
            throw XMLError(byte < 0x20 ? .invalidCharacter(byte) : .invalidUTF8, at: bad)
        }
    }

    // MARK: - Markup

    private func hasPrefix(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for index in 0..<count where bytes[position + index] != pointer[index] { return false }
        return true
    }

    /// Moves past `terminator`, searching from the current position; throws if the document ends first.
    private mutating func skip(past terminator: StaticString, inside what: String) throws(XMLError) {
        let start = position
        while position < bytes.count {
            if hasPrefix(terminator) {
                position += terminator.utf8CodeUnitCount
                return
            }
            position += 1
        }
        throw XMLError(.unexpectedEnd(inside: what), at: start)
    }

    private mutating func skipProcessingInstruction() throws(XMLError) {
        let start = position
        position += 2
        let target = try readName()
        if target.lowercased() == "xml" {
            // The XML declaration, only first in the document; its encoding must be UTF-8.
            guard start == 0 || (start == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF])) else {
                throw XMLError(.misplacedXMLDeclaration, at: start)
            }
            let bodyStart = position
            try skip(past: "?>", inside: "the XML declaration")
            let body = String(decoding: bytes[bodyStart..<(position - 2)], as: UTF8.self)
            if let encoding = Self.pseudoAttribute("encoding", in: body) {
                let name = encoding.lowercased()
                guard name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii" else {
                    throw XMLError(.unsupportedEncoding(encoding), at: start)
                }
            }
            return
        }
        try skip(past: "?>", inside: "a processing instruction")
    }

    /// `encoding="…"` (or with single quotes) in an XML declaration's text.
    private static func pseudoAttribute(_ name: String, in body: String) -> String? {
        guard let range = body.range(of: name) else { return nil }
        var rest = body[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        guard let end = rest.firstIndex(of: quote) else { return nil }
        return String(rest[..<end])
    }

    private mutating func skipComment() throws(XMLError) {
        let start = position
        position += 4
        while position < bytes.count {
            if hasPrefix("--") {
                guard hasPrefix("-->") else { throw XMLError(.malformedMarkup("-- inside a comment"), at: position) }
                position += 3
                return
            }
            position += 1
        }
        throw XMLError(.unexpectedEnd(inside: "a comment"), at: start)
    }

    /// Skips `<!DOCTYPE name SYSTEM "…">`; refuses an internal subset, where entities are declared.
    private mutating func skipDoctype() throws(XMLError) {
        let start = position
        guard !sawRoot else { throw XMLError(.misplacedDoctype, at: start) }
        position += 9
        var quote: UInt8? = nil
        while position < bytes.count {
            let byte = bytes[position]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                throw XMLError(.doctypeWithInternalSubset, at: position)
            } else if byte == UInt8(ascii: ">") {
                position += 1
                return
            }
            position += 1
        }
        throw XMLError(.unexpectedEnd(inside: "the DOCTYPE"), at: start)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
            || byte >= 0x80
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private mutating func skipSpaces() -> Bool {
        let start = position
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        return position > start
    }

    private mutating func readName() throws(XMLError) -> String {
        let start = position
        guard position < bytes.count, Self.isNameStart(bytes[position]) else {
            throw position < bytes.count ? XMLError(.invalidName, at: start) : XMLError(.unexpectedEnd(inside: "a name"), at: start)
        }
        while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func readStartTag() throws(XMLError) -> XMLTag {
        let start = position
        if open.isEmpty && sawRoot { throw XMLError(.secondRootElement, at: start) }
        guard open.count < maxDepth else { throw XMLError(.tooDeep(maxDepth), at: start) }
        position += 1
        let name = XMLName(try readName())
        var attributes: [XMLAttribute] = []
        var selfClosing = false
        while true {
            let spaced = skipSpaces()
            guard position < bytes.count else { throw XMLError(.unexpectedEnd(inside: "the tag <\(name.qualified)>"), at: start) }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                break
            }
            if hasPrefix("/>") {
                position += 2
                selfClosing = true
                break
            }
            guard spaced else { throw XMLError(.malformedMarkup("no space before an attribute in <\(name.qualified)>"), at: position) }
            let attributeStart = position
            let attributeName = XMLName(try readName())
            _ = skipSpaces()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
                throw XMLError(.malformedAttribute(attributeName.qualified), at: attributeStart)
            }
            position += 1
            _ = skipSpaces()
            let value = try readAttributeValue(attributeName.qualified, from: attributeStart)
            if attributes.contains(where: { $0.name == attributeName }) {
                throw XMLError(.duplicateAttribute(attributeName.qualified), at: attributeStart)
            }
            attributes.append(XMLAttribute(name: attributeName, value: value))
        }
        sawRoot = true
        open.append(name)
        for attribute in attributes {
            if attribute.name.qualified == "xmlns" {
                bindings.append((prefix: "", uri: attribute.value, depth: open.count))
            } else if attribute.name.prefix == "xmlns" {
                bindings.append((prefix: attribute.name.localName, uri: attribute.value, depth: open.count))
            }
        }
        if selfClosing { pendingEnd = name }
        return XMLTag(name: name, attributes: attributes)
    }

    private mutating func readAttributeValue(_ name: String, from attributeStart: Int) throws(XMLError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw XMLError(.malformedAttribute(name), at: attributeStart)
        }
        let quote = bytes[position]
        position += 1
        text.removeAll(keepingCapacity: true)
        while true {
            guard position < bytes.count else { throw XMLError(.unexpectedEnd(inside: "the value of \(name)"), at: attributeStart) }
            let byte = bytes[position]
            if byte == quote {
                position += 1
                return String(decoding: text, as: UTF8.self)
            }
            switch byte {
            case UInt8(ascii: "<"):
                throw XMLError(.malformedAttribute(name), at: position)
            case UInt8(ascii: "&"):
                try readReference()
            case 0x0D:
                // CR LF, or a lone CR, is one line end, and a line end in a value is a space.
                position += position + 1 < bytes.count && bytes[position + 1] == 0x0A ? 2 : 1
                text.append(0x20)
            case 0x09, 0x0A:
                position += 1
                text.append(0x20)
            default:
                position += 1
                text.append(byte)
            }
        }
    }

    private mutating func readEndTag() throws(XMLError) -> XMLName {
        let start = position
        position += 2
        let name = XMLName(try readName())
        _ = skipSpaces()
        guard position < bytes.count else { throw XMLError(.unexpectedEnd(inside: "the end tag </\(name.qualified)>"), at: start) }
        guard bytes[position] == UInt8(ascii: ">") else { throw XMLError(.malformedMarkup("</\(name.qualified) not closed by >"), at: position) }
        position += 1
        guard let innermost = open.last else { throw XMLError(.unexpectedEndTag(name.qualified), at: start) }
        guard innermost == name else { throw XMLError(.mismatchedEndTag(expected: innermost.qualified, found: name.qualified), at: start) }
        closeElement()
        return name
    }

    private mutating func closeElement() {
        let depth = open.count
        open.removeLast()
        while let last = bindings.last, last.depth >= depth { bindings.removeLast() }
    }

    // MARK: - Text

    /// Character data and CDATA sections up to the next tag, decoded into `text`; comments and
    /// processing instructions between them are skipped, so one text event is the whole run.
    private mutating func readText() throws(XMLError) {
        text.removeAll(keepingCapacity: true)
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "<"):
                if hasPrefix("<![CDATA[") {
                    guard !open.isEmpty else { throw XMLError(.textOutsideRootElement, at: position) }
                    try readCDATA()
                } else if hasPrefix("<!--") {
                    try skipComment()
                } else if hasPrefix("<?") {
                    try skipProcessingInstruction()
                } else {
                    return
                }
            case UInt8(ascii: "&"):
                try readReference()
            case 0x0D:
                position += position + 1 < bytes.count && bytes[position + 1] == 0x0A ? 2 : 1
                text.append(0x0A)
            case UInt8(ascii: "]") where hasPrefix("]]>"):
                throw XMLError(.malformedMarkup("]]> in text"), at: position)
            default:
                position += 1
                text.append(byte)
            }
        }
    }

    private mutating func readCDATA() throws(XMLError) {
        let start = position
        position += 9
        while position < bytes.count {
            if hasPrefix("]]>") {
                position += 3
                return
            }
            let byte = bytes[position]
            if byte == 0x0D {
                position += position + 1 < bytes.count && bytes[position + 1] == 0x0A ? 2 : 1
                text.append(0x0A)
            } else {
                position += 1
                text.append(byte)
            }
        }
        throw XMLError(.unexpectedEnd(inside: "a CDATA section"), at: start)
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#NNN;` `&#xHH;`, appended to `text` as UTF-8.
    private mutating func readReference() throws(XMLError) {
        let start = position
        var end = position + 1
        while end < bytes.count, end - start <= 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { throw XMLError(.malformedReference, at: start) }
        let body = bytes[(start + 1)..<end]
        position = end + 1
        switch String(decoding: body, as: UTF8.self) {
        case "amp": text.append(UInt8(ascii: "&"))
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "quot": text.append(UInt8(ascii: "\""))
        case "apos": text.append(UInt8(ascii: "'"))
        case let name where !name.hasPrefix("#"):
            throw XMLError(name.isEmpty ? .malformedReference : .undefinedEntity(name), at: start)
        default:
            var digits = body.dropFirst()
            var radix: UInt32 = 10
            if digits.first == UInt8(ascii: "x") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 8 else { throw XMLError(.malformedReference, at: start) }
            var value: UInt32 = 0
            for digit in digits {
                guard let number = Self.digitValue(digit), number < radix else { throw XMLError(.malformedReference, at: start) }
                value = value * radix + number
            }
            // XML 1.0's Char: tab, LF, CR, and the rest of Unicode but surrogates, U+FFFE and U+FFFF.
            let allowed =
                value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
                || (0x10000...0x10FFFF).contains(value)
            guard allowed, let scalar = Unicode.Scalar(value) else { throw XMLError(.invalidCharacterReference(value), at: start) }
            text.append(contentsOf: String(Character(scalar)).utf8)
        }
    }

    private static func digitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }
}

/// One step through a document.
public enum XMLEvent: Equatable, Sendable {
    /// A start tag; an empty-element tag `<a/>` gives a start and then an end event.
    case startElement(XMLTag)
    case endElement(XMLName)
    /// Character data with references decoded, CDATA included: one event for the whole run
    /// between two tags (white space included, as written).
    case text(String)
}

/// A name as written, `prefix:local` or `local`.
public struct XMLName: Hashable, Sendable, CustomStringConvertible {
    public let qualified: String

    public init(_ qualified: String) { self.qualified = qualified }

    /// The part before the colon, or nil.
    public var prefix: String? {
        guard let colon = qualified.firstIndex(of: ":") else { return nil }
        return String(qualified[..<colon])
    }

    /// The name without its prefix: `record` for both `marc:record` and `record`.
    public var localName: String {
        guard let colon = qualified.firstIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }

    public var description: String { qualified }
}

public struct XMLAttribute: Equatable, Sendable {
    public let name: XMLName
    public let value: String

    public init(name: XMLName, value: String) {
        self.name = name
        self.value = value
    }
}

/// A start tag's name and attributes (namespace declarations included, as written).
public struct XMLTag: Equatable, Sendable {
    public let name: XMLName
    public let attributes: [XMLAttribute]

    public init(name: XMLName, attributes: [XMLAttribute]) {
        self.name = name
        self.attributes = attributes
    }

    /// The value of the attribute with this qualified name (`r:id`), or nil.
    public subscript(qualified: String) -> String? {
        attributes.first(where: { $0.name.qualified == qualified })?.value
    }

    /// The value of the first attribute with this local name and no prefix, or nil.
    public func value(of localName: String) -> String? {
        attributes.first(where: { $0.name.qualified == localName })?.value
    }
}

/// Why a document is refused, and the byte offset where the parser saw it.
public struct XMLError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case invalidUTF8
        /// A C0 control byte (other than tab, LF, CR) in the document.
        case invalidCharacter(UInt8)
        case unsupportedEncoding(String)
        case unexpectedEnd(inside: String)
        case unclosedElement(String)
        case mismatchedEndTag(expected: String, found: String)
        case unexpectedEndTag(String)
        case invalidName
        case malformedMarkup(String)
        case malformedAttribute(String)
        case duplicateAttribute(String)
        case undefinedEntity(String)
        case malformedReference
        case invalidCharacterReference(UInt32)
        case doctypeWithInternalSubset
        case misplacedDoctype
        case misplacedXMLDeclaration
        case textOutsideRootElement
        case secondRootElement
        case noRootElement
        case tooDeep(Int)
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what =
            switch reason {
            case .invalidUTF8: "bytes that are not UTF-8"
            case .invalidCharacter(let byte): "the control character 0x\(String(byte, radix: 16, uppercase: true)), not allowed in XML"
            case .unsupportedEncoding(let name): "the encoding \(name) (only UTF-8 is read)"
            case .unexpectedEnd(let inside): "the end of the document inside \(inside)"
            case .unclosedElement(let name): "the end of the document with <\(name)> still open"
            case .mismatchedEndTag(let expected, let found): "</\(found)> where </\(expected)> was expected"
            case .unexpectedEndTag(let name): "</\(name)> with no element open"
            case .invalidName: "a character that cannot start a name"
            case .malformedMarkup(let what): what
            case .malformedAttribute(let name): "a malformed attribute \(name) (wanted name=\"value\")"
            case .duplicateAttribute(let name): "the attribute \(name) twice in one tag"
            case .undefinedEntity(let name): "the undefined entity &\(name);"
            case .malformedReference: "a malformed entity or character reference"
            case .invalidCharacterReference(let value): "a reference to U+\(String(value, radix: 16, uppercase: true)), not an XML character"
            case .doctypeWithInternalSubset: "a DOCTYPE with an internal subset (entity declarations are refused)"
            case .misplacedDoctype: "a DOCTYPE after the root element began"
            case .misplacedXMLDeclaration: "an XML declaration that is not at the start"
            case .textOutsideRootElement: "text outside the root element"
            case .secondRootElement: "a second root element"
            case .noRootElement: "no root element"
            case .tooDeep(let limit): "elements nested deeper than \(limit)"
            }
        return "XML: \(what) at byte \(offset)"
    }
}

/// UTF-8 validation with the offset of the first bad byte, which `String(validating:)` does not give.
enum UTF8Check {
    /// The offset of the first byte that is not well-formed UTF-8 (overlong forms, surrogates
    /// and values past U+10FFFF are not), or a C0 control other than tab, LF, CR; nil if none.
    static func firstInvalidOffset(in bytes: [UInt8], from start: Int = 0) -> Int? {
        var index = start
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead < 0x20 && lead != 0x09 && lead != 0x0A && lead != 0x0D { return index }
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return index }
            for offset in 2..<max(length, 2) where bytes[index + offset] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }
}
