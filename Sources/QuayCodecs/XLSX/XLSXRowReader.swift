/// The rows of one sheet, read one at a time from its XML (`<sheetData><row r=…><c r=… t=… s=…>`).
/// Rows and cells must come in order, as every writer puts them; a row or cell reference out
/// of order, or outside Excel's grid (1,048,576 rows by XFD), is refused. After the last row
/// the rest of the sheet is read too, so a sheet damaged past its data is not taken as whole.
public struct XLSXRowReader: Sendable {
    public static let maximumRow = 1_048_576

    private let part: String
    private var parser: XMLPullParser
    private let sharedStrings: [XLSXSharedString]
    private let styles: XLSXStyles
    private let dateSystem: XLSXDateSystem
    private let limits: XLSXLimits
    private var rowCount = 0
    private var cellCount = 0
    private var lastRow = 0
    private var finished = false

    init(
        part: String, xml: [UInt8], sharedStrings: [XLSXSharedString], styles: XLSXStyles, dateSystem: XLSXDateSystem,
        limits: XLSXLimits
    ) {
        self.part = part
        self.parser = XMLPullParser(xml)
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.dateSystem = dateSystem
        self.limits = limits
    }

    /// The next row that the sheet stores, or nil after the last.
    public mutating func next() throws(XLSXError) -> XLSXRow? {
        guard !finished else { return nil }
        while let event = try XLSXParts.next(&parser, part) {
            // worksheet › sheetData › row
            guard case .startElement(let tag) = event, parser.depth == 3, tag.name.localName == "row" else { continue }
            return try readRow(tag)
        }
        finished = true
        return nil
    }

    private func malformed(_ reason: String) -> XLSXError {
        .malformed(part: part, reason: "\(reason) at byte \(parser.eventOffset)")
    }

    private mutating func readRow(_ tag: XMLTag) throws(XLSXError) -> XLSXRow {
        let index: Int
        if let number = tag.value(of: "r") {
            guard let value = Int(number), value > lastRow, value <= Self.maximumRow else {
                throw malformed("the row number \(number) (after row \(lastRow))")
            }
            index = value
        } else {
            index = lastRow + 1
            guard index <= Self.maximumRow else { throw malformed("a row past \(Self.maximumRow)") }
        }
        lastRow = index
        rowCount += 1
        guard rowCount <= limits.maxRows else { throw .limitExceeded(.rows, limit: limits.maxRows, part: part) }
        let depth = parser.depth
        var cells: [XLSXCell] = []
        while let event = try XLSXParts.next(&parser, part) {
            switch event {
            case .startElement(let child) where child.name.localName == "c" && parser.depth == depth + 1:
                cells.append(try readCell(child, row: index, after: cells.last?.column ?? 0))
            case .startElement:
                try XLSXParts.skipElement(&parser, part)
            case .endElement where parser.depth < depth:
                return XLSXRow(index: index, cells: cells)
            default: break
            }
        }
        return XLSXRow(index: index, cells: cells)
    }

    private mutating func readCell(_ tag: XMLTag, row: Int, after previous: Int) throws(XLSXError) -> XLSXCell {
        let column: Int
        if let reference = tag.value(of: "r") {
            let letters = reference.prefix(while: { $0.isASCII && $0.isLetter })
            guard let value = XLSXColumn.index(of: letters), Int(reference.dropFirst(letters.count)) == row else {
                throw malformed("the cell reference \(reference) in row \(row)")
            }
            column = value
        } else {
            column = previous + 1
        }
        guard column > previous, column <= XLSXColumn.maximum else { throw malformed("a cell out of order in row \(row)") }
        cellCount += 1
        guard cellCount <= limits.maxCells else { throw .limitExceeded(.cells, limit: limits.maxCells, part: part) }

        // No `s` is style 0, the workbook's default (its font is the sheet's normal font).
        var style: XLSXStyles.CellStyle? = styles.cellStyles.first
        if let number = tag.value(of: "s") {
            guard let index = Int(number), index >= 0 else { throw malformed("the style index \(number)") }
            if !styles.cellStyles.isEmpty {
                guard index < styles.cellStyles.count else { throw malformed("the style index \(number), past the styles") }
                style = styles.cellStyles[index]
            }
        }

        let type = tag.value(of: "t") ?? "n"
        let depth = parser.depth
        var stored: String? = nil
        var inline: XLSXSharedString? = nil
        var inValue = false
        while let event = try XLSXParts.next(&parser, part) {
            if parser.depth < depth { break }  // the cell's end
            switch event {
            case .startElement(let child) where parser.depth == depth + 1 && child.name.localName == "v":
                inValue = true
                stored = stored ?? ""
            case .startElement(let child) where parser.depth == depth + 1 && child.name.localName == "is":
                inline = try XLSXParts.stringItem(&parser, part)
            case .startElement:
                try XLSXParts.skipElement(&parser, part)  // <f>, <extLst>
            case .text(let text) where inValue:
                stored! += text
            case .endElement:
                inValue = false
            case .text:
                break
            }
        }

        let fontName = style?.fontName
        func cell(_ value: XLSXValue, _ runs: [XLSXRun]? = nil) -> XLSXCell {
            XLSXCell(column: column, value: value, fontName: fontName, runs: runs?.map { XLSXRun(text: $0.text, fontName: $0.fontName ?? fontName) })
        }
        if type == "inlineStr" {
            guard let inline else { return cell(.empty) }
            return cell(.text(inline.text), inline.runs)
        }
        guard let stored, !stored.isEmpty else { return cell(.empty) }
        switch type {
        case "s":
            guard let index = Int(stored.trimmingSpaces), sharedStrings.indices.contains(index) else {
                throw malformed("the shared string \(stored), past the \(sharedStrings.count) strings")
            }
            return cell(.text(sharedStrings[index].text), sharedStrings[index].runs)
        case "str":
            return cell(.text(XLSXParts.decodeEscapes(stored)))
        case "b":
            switch stored.trimmingSpaces {
            case "1", "true": return cell(.bool(true))
            case "0", "false": return cell(.bool(false))
            default: throw malformed("the boolean \(stored)")
            }
        case "e":
            return cell(.error(stored))
        case "d":
            guard let value = Self.isoDate(stored.trimmingSpaces) else { throw malformed("the ISO 8601 date \(stored)") }
            return cell(value)
        case "n":
            guard let number = Double(stored.trimmingSpaces), number.isFinite else { throw malformed("the number \(stored)") }
            if style?.isDate == true, let date = dateSystem.date(fromSerial: number) { return cell(.date(date)) }
            return cell(.number(number))
        default:
            throw malformed("the cell type t=\"\(type)\"")
        }
    }

    /// `2024-09-05`, `2024-09-05T13:30:00` (fraction and zone ignored), or a time alone
    /// `13:30:00`, which is a fraction of a day like a time in a number cell.
    static func isoDate(_ text: String) -> XLSXValue? {
        func number(_ part: Substring) -> Int? { part.allSatisfy(\.isASCII) ? Int(part) : nil }
        func seconds(_ time: Substring) -> Int? {
            let fields = time.prefix(8).split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 2, fields.count <= 3, let hour = number(fields[0]), let minute = number(fields[1]),
                hour < 24, minute < 60
            else { return nil }
            let second = fields.count == 3 ? number(fields[2]) : 0
            guard let second, second < 60 else { return nil }
            return hour * 3600 + minute * 60 + second
        }
        let halves = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        if date.count == 1, halves.count == 1, let time = seconds(halves[0]) { return .number(Double(time) / 86_400) }
        guard date.count == 3, date[0].count == 4, let year = number(date[0]), let month = number(date[1]), let day = number(date[2]),
            (1...12).contains(month), day >= 1,
            day <= XLSXDate.daysFromCivil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) - XLSXDate.daysFromCivil(year, month, 1)
        else { return nil }
        var time = 0
        if halves.count == 2 {
            guard let value = seconds(halves[1]) else { return nil }
            time = value
        }
        return .date(XLSXDate(year: year, month: month, day: day, secondsIntoDay: time))
    }
}

extension StringProtocol {
    /// Without leading and trailing ASCII white space (Foundation's trimming, without Foundation).
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first, let last, isSpace(first) || isSpace(last) else { return String(self) }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
