/// What the reader needs of `xl/styles.xml`: for each cell style (`cellXfs`, which a cell's
/// `s` indexes), its font's name and whether its number format shows a date.
struct XLSXStyles: Sendable {
    struct CellStyle: Sendable {
        let fontName: String?
        let isDate: Bool
    }

    let cellStyles: [CellStyle]

    static let none = XLSXStyles(cellStyles: [])

    init(cellStyles: [CellStyle]) { self.cellStyles = cellStyles }

    init(xml: [UInt8], part: String) throws(XLSXError) {
        var parser = XMLPullParser(xml)
        var path: [String] = []
        var customFormats: [Int: String] = [:]
        var fontNames: [String?] = []
        var formats: [(numFmtId: Int, fontId: Int)] = []
        while let event = try XLSXParts.next(&parser, part) {
            switch event {
            case .startElement(let tag):
                let name = tag.name.localName
                let parent = path.last
                path.append(name)
                switch (parent, name) {
                case ("numFmts", "numFmt"):
                    if let id = tag.value(of: "numFmtId").flatMap({ Int($0) }), let code = tag.value(of: "formatCode") {
                        customFormats[id] = code
                    }
                case ("fonts", "font"):
                    fontNames.append(nil)
                case ("font", "name") where path.count >= 3 && path[path.count - 3] == "fonts":
                    if !fontNames.isEmpty { fontNames[fontNames.count - 1] = tag.value(of: "val") }
                case ("cellXfs", "xf"):
                    formats.append(
                        (numFmtId: tag.value(of: "numFmtId").flatMap { Int($0) } ?? 0, fontId: tag.value(of: "fontId").flatMap { Int($0) } ?? 0))
                default: break
                }
            case .endElement:
                path.removeLast()
            case .text: break
            }
        }
        cellStyles = formats.map { format in
            let isDate = customFormats[format.numFmtId].map(Self.isDateFormat) ?? Self.builtInDateFormats.contains(format.numFmtId)
            let font = fontNames.indices.contains(format.fontId) ? fontNames[format.fontId] : nil
            return CellStyle(fontName: font, isDate: isDate)
        }
    }

    /// The built-in formats that show a date (ECMA-376 §18.8.30: 14–17 dates, 22 date and
    /// time, 27–36 and 50–58 the East Asian dates). 18–21 and 45–47 are times of day only.
    static let builtInDateFormats: Set<Int> = Set(14...17).union([22]).union(27...36).union(50...58)

    /// Whether a custom format code shows a date: after dropping quoted text, escaped and
    /// padding characters and `[…]` (colours, locales, conditions), its first section has a
    /// day or year, or a month without hours or seconds (`mm:ss` is minutes). Elapsed times
    /// (`[h]:mm`) count as hours.
    static func isDateFormat(_ code: String) -> Bool {
        var letters: [Character] = []
        var characters = code[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            switch character {
            case ";": characters = ""[...]  // only the first section
            case "\"":
                characters = characters.drop(while: { $0 != "\"" }).dropFirst()
            case "\\", "_", "*":
                characters = characters.dropFirst()
            case "[":
                let inside = characters.prefix(while: { $0 != "]" })
                characters = characters.dropFirst(inside.count + 1)
                if !inside.isEmpty && inside.allSatisfy({ "hHmMsS".contains($0) }) { letters.append("h") }
            default:
                letters.append(Character(character.lowercased()))
            }
        }
        if letters.contains("d") || letters.contains("y") { return true }
        return letters.contains("m") && !letters.contains("h") && !letters.contains("s")
    }
}
