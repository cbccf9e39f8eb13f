/// Writes MARCXML (the MARC 21 XML schema, namespace http://www.loc.gov/MARC21/slim) as text,
/// for systems that import XML rather than ISO 2709, and for exports people open to read. No
/// XML library: the shipped binary is static, and the format is five elements.
///
/// Text is escaped for XML 1.0: & < > always, " in attributes, CR as a reference (a parser
/// would turn a literal CR into LF) and tab and LF in attributes (a parser would turn them into
/// spaces). The C0 controls XML 1.0 forbids even as references cannot be written: such a value
/// is an error, not silently changed. Values are written in NFC, like the ISO 2709 writer's.
public enum MARCXMLWriter {
    public static let namespace = "http://www.loc.gov/MARC21/slim"

    /// The start of a document holding a `<collection>`; records follow, then `collectionEnd`.
    /// Written in three parts so that an export streams a catalogue record by record.
    public static let collectionStart = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"\(namespace)\">\n"
    public static let collectionEnd = "</collection>\n"

    /// A whole document of `records`.
    public static func collection(_ records: some Sequence<MARCRecord>) throws(MARCWriteError) -> String {
        var text = collectionStart
        for record in records { text += try self.record(record) }
        return text + collectionEnd
    }

    /// One `<record>` element, indented for its place in a collection. The leader is the
    /// record's with Leader/09 "a": the text is Unicode whatever the record came from.
    public static func record(_ record: MARCRecord) throws(MARCWriteError) -> String {
        var text = try recordStart(leader: record.leader)
        for field in record.fields { text += try self.field(field) }
        return text + recordEnd
    }

    /// The start of a `<record>` and its leader (Leader/09 "a"); its fields follow, then
    /// `recordEnd`. A record written field by field is never held whole: an export writes a
    /// title's thousands of holdings fields one at a time.
    public static func recordStart(leader: [UInt8]) throws(MARCWriteError) -> String {
        try MARCWriter.checkLeader(leader)
        var leader = leader
        leader[9] = UInt8(ascii: "a")
        return "  <record>\n    <leader>\(escaped(String(decoding: leader, as: UTF8.self), attribute: false))</leader>\n"
    }

    public static let recordEnd = "  </record>\n"

    /// One `<controlfield>` or `<datafield>` element, indented for its place in a record.
    public static func field(_ field: MARCField) throws(MARCWriteError) -> String {
        try MARCWriter.check(field)
        switch field {
        case .control(let tag, let value):
            return "    <controlfield tag=\"\(tag)\">\(try content(value, tag: tag))</controlfield>\n"
        case .data(let tag, let ind1, let ind2, let subfields):
            var text = "    <datafield tag=\"\(tag)\" ind1=\"\(escaped(String(ind1), attribute: true))\" ind2=\"\(escaped(String(ind2), attribute: true))\">\n"
            for subfield in subfields {
                let code = escaped(String(subfield.code), attribute: true)
                text += "      <subfield code=\"\(code)\">\(try content(subfield.value, tag: tag))</subfield>\n"
            }
            return text + "    </datafield>\n"
        }
    }

    /// A value as element content: NFC, checked and escaped.
    static func content(_ value: String, tag: String) throws(MARCWriteError) -> String {
        let text = MARCWriter.normalized(value)
        if let scalar = text.unicodeScalars.first(where: { !isXMLCharacter($0) }) {
            throw .characterNotAllowed(tag: tag, scalar)
        }
        return escaped(text, attribute: false)
    }

    /// XML 1.0's Char production (Swift strings hold no surrogates).
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x00..<0x20, 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    static func escaped(_ text: String, attribute: Bool) -> String {
        guard text.unicodeScalars.contains(where: { "&<>\"\r\t\n".unicodeScalars.contains($0) }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            case "\"" where attribute: out += "&quot;"
            case "\t" where attribute: out += "&#9;"
            case "\n" where attribute: out += "&#10;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
