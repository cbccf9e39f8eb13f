import Foundation

/// MARCXML (`http://www.loc.gov/MARC21/slim`) read into records, on `XMLPullParser`: each
/// `record` (with or without a prefix, in a `collection` or alone) with its `leader`,
/// `controlfield`s and `datafield`s. A malformed record is a `MARCError` with its ordinal and
/// the byte offset; the XML itself must be well formed (the parser stops at its first fault).
public enum MARCXMLReader {
    public static func records(_ bytes: [UInt8]) -> (records: [MARCRecord], errors: [MARCError]) {
        var parser = XMLPullParser(bytes)
        var records: [MARCRecord] = []
        var errors: [MARCError] = []
        var ordinal = 0
        var leader = ""
        var fields: [MARCField] = []
        var subfields: [MARCSubfield] = []
        var text = ""
        var field: (tag: String, ind1: Character, ind2: Character)?
        var code: Character?
        var control: String?
        var recordStart = 0
        var broken: MARCError.Problem?
        do {
            while let event = try parser.next() {
                switch event {
                case .startElement(let tag):
                    text = ""
                    switch tag.name.localName {
                    case "record":
                        ordinal += 1
                        recordStart = parser.eventOffset
                        (leader, fields, broken) = ("", [], nil)
                    case "controlfield":
                        control = tag.value(of: "tag")
                    case "datafield":
                        let tagName = tag.value(of: "tag") ?? ""
                        let ind1 = tag.value(of: "ind1")?.first ?? " "
                        let ind2 = tag.value(of: "ind2")?.first ?? " "
                        if tagName.count != 3 { broken = .dataFieldMalformed(tag: tagName, reason: "a datafield's tag must be three characters") }
                        field = (tagName, ind1, ind2)
                        subfields = []
                    case "subfield":
                        code = tag.value(of: "code")?.first
                        if code == nil { broken = .dataFieldMalformed(tag: field?.tag ?? "", reason: "a subfield without its code") }
                    default: break
                    }
                case .text(let value):
                    text += value
                case .endElement(let name):
                    switch name.localName {
                    case "leader": leader = text
                    case "controlfield":
                        if let tag = control { fields.append(.control(tag: tag, value: MARCWriter.normalized(text))) }
                        control = nil
                    case "subfield":
                        if let code { subfields.append(MARCSubfield(code, MARCWriter.normalized(text))) }
                        code = nil
                    case "datafield":
                        if let open = field { fields.append(.data(tag: open.tag, ind1: open.ind1, ind2: open.ind2, subfields: subfields)) }
                        field = nil
                    case "record":
                        if let broken {
                            errors.append(MARCError(ordinal: ordinal, offset: recordStart, problem: broken))
                        } else {
                            let padded = Array((leader.count == 24 ? leader : String((leader + String(repeating: " ", count: 24)).prefix(24))).utf8)
                            records.append(MARCRecord(leader: padded.count == 24 ? padded : Array(repeating: 0x20, count: 24), fields: fields))
                        }
                    default: break
                    }
                    text = ""
                }
            }
        } catch {
            errors.append(MARCError(ordinal: ordinal + 1, offset: error.offset, problem: .dataFieldMalformed(tag: "", reason: "\(error)")))
        }
        return (records, errors)
    }
}
