/// One MARC 21 record as the catalogue import and export see it: the leader's 24 bytes and the
/// fields in the order the record holds them. Values are Unicode text in NFC whatever the record
/// was encoded in, so that a title read from a MARC-8 file and the same title typed at the desk
/// compare and index alike; the byte encodings are the reader's and the writers' business.
public struct MARCRecord: Hashable, Sendable {
    /// Leader/00–23 as bytes. The reader keeps them as the file had them, except Leader/09,
    /// which says "a" (UCS/Unicode) once a MARC-8 record has been decoded (MARC 21 character
    /// sets, Part 4: a record converted to Unicode says so). The writers fill in the positions
    /// that describe the bytes they write (lengths, base address, coding scheme, entry map).
    public var leader: [UInt8]
    public var fields: [MARCField]

    public init(leader: [UInt8], fields: [MARCField]) {
        self.leader = leader
        self.fields = fields
    }

    /// A record with `leader` given as text (24 ASCII characters); the default is a new
    /// language-material monograph whose lengths the writer fills in.
    public init(leader: String = "00000nam a2200000 a 4500", fields: [MARCField]) {
        self.init(leader: Array(leader.utf8), fields: fields)
    }

    /// The leader as text (its bytes are ASCII in any record the reader accepts).
    public var leaderText: String { String(decoding: leader, as: UTF8.self) }

    /// The first field with `tag`, or nil.
    public func field(_ tag: String) -> MARCField? { fields.first { $0.tag == tag } }

    /// Every field with `tag`, in record order (a repeatable field such as 650 or 852).
    public func fields(_ tag: String) -> [MARCField] { fields.filter { $0.tag == tag } }

    /// The first `code` subfield of the first `tag` field that has one: `subfield("245", "a")`
    /// is the title proper.
    public func subfield(_ tag: String, _ code: Character) -> String? {
        for field in fields where field.tag == tag {
            if let value = field.subfield(code) { return value }
        }
        return nil
    }
}

/// A variable field: a control field (tags 00X) holds one value; a data field holds two
/// indicators and a list of subfields, in order (order carries meaning in MARC, e.g. 245 $a $n $p).
public enum MARCField: Hashable, Sendable {
    case control(tag: String, value: String)
    case data(tag: String, ind1: Character, ind2: Character, subfields: [MARCSubfield])

    /// Tags 00X are control fields (MARC 21 Bibliographic, "Control fields 001–009").
    public static func isControlTag(_ tag: String) -> Bool { tag.hasPrefix("00") }

    public var tag: String {
        switch self {
        case .control(let tag, _), .data(let tag, _, _, _): tag
        }
    }

    /// A control field's value; nil for a data field.
    public var value: String? {
        if case .control(_, let value) = self { value } else { nil }
    }

    /// A data field's subfields; empty for a control field.
    public var subfields: [MARCSubfield] {
        if case .data(_, _, _, let subfields) = self { subfields } else { [] }
    }

    /// The first subfield `code`, or nil.
    public func subfield(_ code: Character) -> String? { subfields.first { $0.code == code }?.value }

    /// Every subfield `code`, in order.
    public func subfields(_ code: Character) -> [String] { subfields.filter { $0.code == code }.map(\.value) }
}

/// One subfield: its code (a lowercase letter or digit in MARC 21) and its value.
public struct MARCSubfield: Hashable, Sendable {
    public var code: Character
    public var value: String

    public init(_ code: Character, _ value: String) {
        self.code = code
        self.value = value
    }
}
