import Foundation
import QuayCore

/// What a label is printed from, and so which `{fields}` its template may use.
public enum LabelDataKind: String, Sendable, CaseIterable {
    /// A copy of a book: spine and accession barcode labels.
    case item
    /// A unit of teaching equipment: asset tags.
    case equipment
    /// A pupil or teacher: library cards.
    case patron
    /// A borrower's loans: the receipt printed at the end of a session.
    case loanSlip = "loan_slip"
    /// A desk command (QUAY:MODE:CHECKIN, QUAY:UNDO…): the command sheet's labels.
    case command

    /// Fields every label may use.
    public static let commonFields = ["school", "school_short", "today"]

    public var fields: [String] {
        let own: [String]
        switch self {
        case .item:
            own = [
                "accession", "barcode", "register", "number", "title", "authors", "call_number", "call_line_1",
                "call_line_2", "call_line_3", "location",
            ]
        case .equipment: own = ["code", "barcode", "name", "type_code", "room", "condition"]
        case .patron: own = ["name", "card", "class", "school_year", "kind"]
        case .loanSlip: own = ["borrower", "card", "class", "date", "count"]
        case .command: own = ["code", "caption", "caption_en"]
        }
        return Self.commonFields + own
    }

    /// Fields of each entry of a repeated block (`[repeat]`), used as `{item.title}`.
    public var entryFields: [String] {
        self == .loanSlip ? ["title", "accession", "due"] : []
    }
}

/// The values a label is filled with: fields by name, and the entries a `[repeat]` block
/// walks (the loans on a slip).
public struct LabelData: Sendable, Equatable {
    public var fields: [String: String]
    public var entries: [[String: String]]

    public init(fields: [String: String] = [:], entries: [[String: String]] = []) {
        self.fields = fields
        self.entries = entries
    }
}

/// A label layout (SPEC §7.3): a size in millimetres and boxes holding text, barcodes and
/// rules, filled from `{field}` placeholders. Built-in templates and the files schools
/// write are read by the same parser, so both are held to the same checks; docs/labels.md
/// describes the format.
public struct LabelTemplate: Sendable {
    public enum Align: String, Sendable { case left, center, right }

    /// A box on the label, in millimetres from the top-left corner.
    public struct Box: Sendable, Equatable {
        public var x, y, width, height: Double

        func dots(_ resolution: Resolution, shiftedBy shift: Double = 0) -> DotRect {
            let left = resolution.dots(mm: x), top = resolution.dots(mm: y + shift)
            return DotRect(
                x: left, y: top, width: resolution.dots(mm: x + width) - left, height: resolution.dots(mm: y + shift + height) - top)
        }
    }

    public struct Text: Sendable {
        public var box: Box
        public var value: Template
        /// The size text starts at, and the smallest it may shrink to before long text is
        /// wrapped onto `lines` lines and, as a last resort, cut with "…".
        public var sizePoints: Double
        public var minSizePoints: Double
        public var bold: Bool
        public var align: Align
        public var lines: Int
    }

    public struct Barcode: Sendable {
        public var box: Box
        public var symbology: Symbology
        public var value: Template
    }

    public enum Element: Sendable {
        case text(Text)
        case barcode(Barcode)
        /// A filled rectangle: a rule under a heading, a frame edge.
        case rule(Box)

        var box: Box {
            switch self {
            case .text(let text): return text.box
            case .barcode(let barcode): return barcode.box
            case .rule(let box): return box
            }
        }
    }

    /// Elements drawn once per entry (a slip's loans), `pitch` millimetres apart, starting
    /// at `y`. The label grows by a pitch for each entry after the first, and elements below
    /// the block move down with it.
    public struct Repeat: Sendable {
        public var y: Double
        public var pitch: Double
        public var elements: [Element]
    }

    public var name: String
    public var description: String
    public var data: LabelDataKind
    public var width: Double
    public var height: Double
    public var elements: [Element]
    public var repeated: Repeat?

    /// Text with `{field}` placeholders, split once when the template is read.
    public struct Template: Sendable, Equatable {
        enum Part: Equatable {
            case literal(String)
            case field(String)
        }

        let parts: [Part]

        public var fields: [String] {
            parts.compactMap {
                if case .field(let name) = $0 { return name }
                return nil
            }
        }

        /// `nil` when the braces do not pair up.
        init?(_ text: String) {
            var parts: [Part] = []
            var rest = Substring(text)
            while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
                guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else { return nil }
                let name = rest[rest.index(after: open)..<close]
                guard !name.isEmpty, !name.contains("{") else { return nil }
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                parts.append(.field(String(name)))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { parts.append(.literal(String(rest))) }
            self.parts = parts
        }

        func fill(_ fields: [String: String], entry: [String: String] = [:]) -> String {
            var text = ""
            for part in parts {
                switch part {
                case .literal(let literal): text += literal
                case .field(let name):
                    text += name.hasPrefix("item.") ? entry[String(name.dropFirst(5)), default: ""] : fields[name, default: ""]
                }
            }
            return VietnameseText.nfc(text)
        }
    }
}

// MARK: - Reading the template format

extension LabelTemplate {
    /// Reads a template file. Every fault is a `template_invalid` naming the file, the line
    /// and what to change; nothing is half-read.
    public static func parse(_ text: String, file: String) throws(LabelError) -> LabelTemplate {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch {
            throw LabelError(.templateInvalid, "\(file):\(error.line): \(error.reason)")
        }
        var reader = TemplateReader(file: file, root: table)
        return try reader.read(table)
    }
}

private struct TemplateReader {
    let file: String
    /// The whole file, for the lines of faults.
    let root: TOMLTable
    var data = LabelDataKind.item

    static let topKeys = ["name", "description", "data", "width_mm", "height_mm", "text", "barcode", "rule", "repeat"]
    static let boxKeys = ["x_mm", "y_mm", "width_mm", "height_mm"]
    static let textKeys = boxKeys + ["value", "size_pt", "min_size_pt", "bold", "align", "lines"]
    static let barcodeKeys = boxKeys + ["symbology", "value"]

    /// Where a fault is: the array table (`text`, `repeat.barcode`), its index, the key.
    struct Place {
        var table: String?
        var index = 0
        /// A plain `[section]` such as `[repeat]`, when not in an array table.
        var section: String?

        func name(_ key: String) -> String {
            if let table { return "\(table)[\(index + 1)].\(key)" }
            return section.map { "\($0).\(key)" } ?? key
        }
    }

    func fail(_ place: Place, _ key: String, _ reason: String) -> LabelError {
        let line = place.table.map { root.line(arrayTable: $0, index: place.index, key: key) } ?? root.line(section: place.section, key: key)
        let location = line.map { "\(file):\($0)" } ?? file
        return LabelError(.templateInvalid, "\(location): \(place.name(key)): \(reason)")
    }

    mutating func read(_ table: TOMLTable) throws(LabelError) -> LabelTemplate {
        let top = Place()
        try checkKeys(table, Self.topKeys, top)
        let name = try string(table, "name", top) ?? ""
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw fail(top, "name", "a template needs a name of ASCII letters, digits, - and _")
        }
        let kind = try string(table, "data", top) ?? "item"
        guard let data = LabelDataKind(rawValue: kind) else {
            throw fail(top, "data", "data must be one of \(LabelDataKind.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(kind)\"")
        }
        self.data = data
        let width = try millimetres(table, "width_mm", top, range: 5...300)
        let height = try millimetres(table, "height_mm", top, range: 5...1000)
        let label = LabelTemplate.Box(x: 0, y: 0, width: width, height: height)
        let elements = try readElements(table, prefix: "", within: label, allowEntry: false)

        var repeated: LabelTemplate.Repeat? = nil
        if let value = table["repeat"] {
            guard let block = value.table else { throw fail(top, "repeat", "repeat must be a table ([repeat])") }
            guard !data.entryFields.isEmpty else { throw fail(top, "repeat", "only loan_slip templates have entries to repeat") }
            let place = Place(section: "repeat")
            try checkKeys(block, ["over", "y_mm", "pitch_mm", "text", "barcode", "rule"], place)
            guard block["over"]?.string == "items" else { throw fail(place, "over", "over must be \"items\"") }
            let y = try millimetres(block, "y_mm", place, range: 0...height)
            let pitch = try millimetres(block, "pitch_mm", place, range: 1...height)
            guard y + pitch <= height else { throw fail(place, "pitch_mm", "the repeated block ends below the label") }
            let entry = LabelTemplate.Box(x: 0, y: 0, width: width, height: pitch)
            let inner = try readElements(block, prefix: "repeat.", within: entry, allowEntry: true)
            repeated = LabelTemplate.Repeat(y: y, pitch: pitch, elements: inner)
            if elements.contains(where: { $0.box.y < y + pitch && $0.box.y + $0.box.height > y }) {
                throw fail(place, "y_mm", "an element overlaps the repeated block; move it above y_mm or below y_mm + pitch_mm")
            }
        }
        return LabelTemplate(
            name: name, description: try string(table, "description", top) ?? name, data: data, width: width, height: height,
            elements: elements, repeated: repeated)
    }

    func readElements(_ table: TOMLTable, prefix: String, within bounds: LabelTemplate.Box, allowEntry: Bool) throws(LabelError)
        -> [LabelTemplate.Element]
    {
        var elements: [LabelTemplate.Element] = []
        for kind in ["text", "barcode", "rule"] {
            guard let value = table[kind] else { continue }
            guard let array = value.array else {
                throw fail(Place(), kind, "\(prefix + kind) must be written as [[\(prefix + kind)]] tables")
            }
            for index in 0..<array.count {
                let place = Place(table: prefix + kind, index: index)
                guard let element = array[index].table else { throw fail(place, kind, "must be a table") }
                try checkKeys(element, kind == "text" ? Self.textKeys : kind == "barcode" ? Self.barcodeKeys : Self.boxKeys, place)
                let box = try readBox(element, place, within: bounds)
                switch kind {
                case "text":
                    let size = try number(element, "size_pt", place, range: 3...200) ?? 10
                    let minimum = try number(element, "min_size_pt", place, range: 3...200) ?? min(size, 6)
                    guard minimum <= size else { throw fail(place, "min_size_pt", "min_size_pt is larger than size_pt") }
                    let alignName = try string(element, "align", place) ?? "left"
                    guard let align = LabelTemplate.Align(rawValue: alignName) else {
                        throw fail(place, "align", "align must be left, center or right, not \"\(alignName)\"")
                    }
                    var bold = false
                    if let flag = element["bold"] {
                        guard let value = flag.bool else { throw fail(place, "bold", "bold must be true or false") }
                        bold = value
                    }
                    let lines = try number(element, "lines", place, range: 1...50).map(Int.init) ?? 1
                    elements.append(
                        .text(
                            LabelTemplate.Text(
                                box: box, value: try template(element, place, allowEntry: allowEntry), sizePoints: size,
                                minSizePoints: minimum, bold: bold, align: align, lines: lines)))
                case "barcode":
                    let name = try string(element, "symbology", place) ?? "code128"
                    guard let symbology = Symbology(rawValue: name) else {
                        throw fail(
                            place, "symbology",
                            "symbology must be one of \(Symbology.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name)\"")
                    }
                    let value = try template(element, place, allowEntry: allowEntry)
                    if value.fields.isEmpty {
                        // A fixed text can be checked now rather than at the printer.
                        do throws(LabelError) {
                            _ = try BarcodeModules(symbology, value.fill([:]))
                        } catch {
                            throw fail(place, "value", error.detail)
                        }
                    }
                    elements.append(.barcode(LabelTemplate.Barcode(box: box, symbology: symbology, value: value)))
                default:
                    elements.append(.rule(box))
                }
            }
        }
        return elements
    }

    func readBox(_ table: TOMLTable, _ place: Place, within bounds: LabelTemplate.Box) throws(LabelError) -> LabelTemplate.Box {
        let box = LabelTemplate.Box(
            x: try millimetres(table, "x_mm", place, range: -1000...1000), y: try millimetres(table, "y_mm", place, range: -1000...1000),
            width: try millimetres(table, "width_mm", place, range: 0.1...1000),
            height: try millimetres(table, "height_mm", place, range: 0.1...1000))
        // A hundredth of a millimetre of slack for decimal sums such as 0.1 + 0.2.
        let slack = 0.01
        guard box.x >= -slack, box.y >= -slack, box.x + box.width <= bounds.width + slack,
            box.y + box.height <= bounds.height + slack
        else {
            let area = place.table?.hasPrefix("repeat.") == true ? "an entry of the repeated block" : "the label"
            throw fail(
                place, "x_mm",
                "the box (\(format(box.x)), \(format(box.y)), \(format(box.width)) × \(format(box.height)) mm) lies outside \(area) (\(format(bounds.width)) × \(format(bounds.height)) mm)"
            )
        }
        return box
    }

    func template(_ table: TOMLTable, _ place: Place, allowEntry: Bool) throws(LabelError) -> LabelTemplate.Template {
        guard let text = try string(table, "value", place) else { throw fail(place, "value", "value is missing") }
        guard let template = LabelTemplate.Template(text) else {
            throw fail(place, "value", "unpaired { or } in \"\(text)\"; fields are written {name}")
        }
        for field in template.fields {
            if field.hasPrefix("item.") {
                let name = String(field.dropFirst(5))
                guard allowEntry, data.entryFields.contains(name) else {
                    let known = allowEntry ? data.entryFields.map { "item.\($0)" }.joined(separator: ", ") : "none outside [repeat]"
                    throw fail(place, "value", "unknown template field {\(field)}; entry fields: \(known)")
                }
            } else if !data.fields.contains(field) {
                throw fail(
                    place, "value", "unknown template field {\(field)}; fields of \(data.rawValue) labels: \(data.fields.joined(separator: ", "))")
            }
        }
        return template
    }

    func checkKeys(_ table: TOMLTable, _ keys: [String], _ place: Place) throws(LabelError) {
        for key in table.keys where !keys.contains(key) {
            throw fail(place, key, "unknown key '\(key)'; known: \(keys.joined(separator: ", "))")
        }
    }

    func string(_ table: TOMLTable, _ key: String, _ place: Place) throws(LabelError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw fail(place, key, "\(key) must be a string") }
        if let control = VietnameseText.firstControl(in: text) {
            throw fail(place, key, "\(key) must not contain control characters (\(VietnameseText.codePoint(control)))")
        }
        return VietnameseText.nfc(text)
    }

    func number(_ table: TOMLTable, _ key: String, _ place: Place, range: ClosedRange<Double>) throws(LabelError) -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init), range.contains(number) else {
            throw fail(place, key, "\(key) must be a number from \(format(range.lowerBound)) to \(format(range.upperBound))")
        }
        return number
    }

    func millimetres(_ table: TOMLTable, _ key: String, _ place: Place, range: ClosedRange<Double>) throws(LabelError) -> Double {
        guard let value = try number(table, key, place, range: range) else { throw fail(place, key, "\(key) is missing") }
        return value
    }

    func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
