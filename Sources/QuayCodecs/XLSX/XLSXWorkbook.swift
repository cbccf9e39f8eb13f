/// An XLSX workbook (ECMA-376 SpreadsheetML) read from its bytes, for importing a school's
/// catalogue and patron lists.
///
/// Why a reader of our own: Debian 12 packages no C library that reads XLSX (libxlsxwriter,
/// which writes the reports, only writes), and the shipped binary is static and kept small,
/// so no ZIP or XML package is added either. The reader uses zlib (already linked for the
/// labels) for inflating and CRC-32, and `XMLPullParser` for the parts; it builds no tree.
///
/// Opening reads the archive's directory, `xl/workbook.xml` (sheet names, the 1904 date
/// system) and its relationships, the shared strings (rich-text runs with their font names)
/// and the styles (each cell style's font and whether its number format is a date), and
/// checks every size against `XLSXLimits` — a zip bomb is refused here, before anything of
/// it is inflated, or while inflating if its header lies. Rows are then read sheet by sheet:
/// `rows(in:)` inflates one sheet's XML and hands out its rows one at a time, so memory is
/// one sheet's XML and the shared strings.
public struct XLSXWorkbook: Sendable {
    /// The tabs, in order.
    public let sheets: [XLSXSheet]
    public let dateSystem: XLSXDateSystem
    public let limits: XLSXLimits
    private let archive: ZIPArchive
    private let sharedStrings: [XLSXSharedString]
    private let styles: XLSXStyles

    /// The relationship namespaces, transitional and strict, that `r:id` is in.
    private static let relationshipNamespaces: Set<String> = [
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    ]

    /// Reads a workbook from the bytes of an `.xlsx` file. A caller reading a file should
    /// check its size against `limits.maxFileSize` before reading it into memory.
    public init(bytes: [UInt8], limits: XLSXLimits = XLSXLimits()) throws(XLSXError) {
        guard bytes.count <= limits.maxFileSize else { throw .limitExceeded(.fileSize, limit: limits.maxFileSize, part: nil) }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { throw .compoundFile }
        let archive = try ZIPArchive(bytes: bytes)
        var declaredTotal = 0

        // The package's relationships say where the workbook is; nearly always xl/workbook.xml.
        var workbookPart = "xl/workbook.xml"
        if let rootRels = archive.entry("_rels/.rels") {
            declaredTotal += rootRels.uncompressedSize
            let relationships = try XLSXParts.relationships(
                archive.contents(of: rootRels, limits: limits), part: rootRels.name, source: "")
            if let office = relationships.first(where: { $0.type.hasSuffix("/officeDocument") }), archive.entry(office.target) != nil {
                workbookPart = office.target
            }
        }
        guard let workbookEntry = archive.entry(workbookPart) else { throw .missingPart(workbookPart) }
        declaredTotal += workbookEntry.uncompressedSize
        let listed = try Self.readWorkbook(archive.contents(of: workbookEntry, limits: limits), part: workbookEntry.name)
        dateSystem = listed.dateSystem

        let relsPart = XLSXParts.relationshipsPart(of: workbookEntry.name)
        var relationships: [XLSXParts.Relationship] = []
        if let relsEntry = archive.entry(relsPart) {
            declaredTotal += relsEntry.uncompressedSize
            relationships = try XLSXParts.relationships(
                archive.contents(of: relsEntry, limits: limits), part: relsEntry.name, source: workbookEntry.name)
        } else if !listed.sheets.isEmpty {
            throw .missingPart(relsPart)
        }

        var sheets: [XLSXSheet] = []
        var sheetEntries: [ZIPArchive.Entry] = []
        for (index, listedSheet) in listed.sheets.enumerated() {
            guard let relationship = relationships.first(where: { $0.id == listedSheet.relationshipID }) else {
                throw .missingPart("\(relsPart) relationship \(listedSheet.relationshipID) of the sheet \(listedSheet.name)")
            }
            guard let entry = archive.entry(relationship.target) else { throw .missingPart(relationship.target) }
            try ZIPArchive.checkDeclared(entry, limits: limits)
            sheetEntries.append(entry)
            sheets.append(XLSXSheet(name: listedSheet.name, index: index, isHidden: listedSheet.hidden, part: entry.name))
        }
        self.sheets = sheets

        func part(_ type: String, _ fallback: String) -> ZIPArchive.Entry? {
            archive.entry(relationships.first(where: { $0.type.hasSuffix(type) })?.target ?? fallback)
        }
        let stringsEntry = part("/sharedStrings", "xl/sharedStrings.xml")
        let stylesEntry = part("/styles", "xl/styles.xml")
        for entry in [stringsEntry, stylesEntry].compactMap({ $0 }) + sheetEntries {
            declaredTotal += entry.uncompressedSize
        }
        guard declaredTotal <= limits.maxTotalUncompressedSize else {
            throw .limitExceeded(.totalUncompressedSize, limit: limits.maxTotalUncompressedSize, part: nil)
        }

        if let stringsEntry {
            sharedStrings = try Self.readSharedStrings(archive.contents(of: stringsEntry, limits: limits), part: stringsEntry.name, limits: limits)
        } else {
            sharedStrings = []
        }
        if let stylesEntry {
            styles = try XLSXStyles(xml: archive.contents(of: stylesEntry, limits: limits), part: stylesEntry.name)
        } else {
            styles = .none
        }
        self.archive = archive
        self.limits = limits
    }

    /// The first sheet with this name.
    public func sheet(named name: String) -> XLSXSheet? {
        sheets.first(where: { $0.name == name })
    }

    /// Inflates `sheet`'s XML and returns a reader of its rows, in order.
    public func rows(in sheet: XLSXSheet) throws(XLSXError) -> XLSXRowReader {
        guard let entry = archive.entry(sheet.part) else { throw .missingPart(sheet.part) }
        let xml = try archive.contents(of: entry, limits: limits)
        return XLSXRowReader(
            part: entry.name, xml: xml, sharedStrings: sharedStrings, styles: styles, dateSystem: dateSystem, limits: limits)
    }

    /// Every row of `sheet`, read at once.
    public func readRows(in sheet: XLSXSheet) throws(XLSXError) -> [XLSXRow] {
        var reader = try rows(in: sheet)
        var rows: [XLSXRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    private struct ListedSheet {
        let name: String
        let relationshipID: String
        let hidden: Bool
    }

    /// `<sheets><sheet name=… r:id=… state=…/>` and `<workbookPr date1904=…/>`.
    private static func readWorkbook(_ xml: [UInt8], part: String) throws(XLSXError) -> (sheets: [ListedSheet], dateSystem: XLSXDateSystem) {
        var parser = XMLPullParser(xml)
        var sheets: [ListedSheet] = []
        var dateSystem = XLSXDateSystem.date1900
        while let event = try XLSXParts.next(&parser, part) {
            guard case .startElement(let tag) = event else { continue }
            switch tag.name.localName {
            case "workbookPr":
                if let flag = tag.value(of: "date1904"), flag == "1" || flag == "true" { dateSystem = .date1904 }
            case "sheet":
                // r:id, by its namespace whatever the prefix; any prefixed `id` if none is bound.
                let prefixed = tag.attributes.filter { $0.name.prefix != nil && $0.name.localName == "id" }
                let id =
                    prefixed.first(where: { relationshipNamespaces.contains(parser.namespaceURI(forPrefix: $0.name.prefix) ?? "") })
                    ?? prefixed.first
                guard let name = tag.value(of: "name"), let id else {
                    throw .malformed(part: part, reason: "a <sheet> without its name or r:id at byte \(parser.eventOffset)")
                }
                let state = tag.value(of: "state")
                sheets.append(ListedSheet(name: name, relationshipID: id.value, hidden: state == "hidden" || state == "veryHidden"))
            default: break
            }
        }
        return (sheets, dateSystem)
    }

    /// `<sst><si>…</si>…</sst>`, each item plain `<t>` text or rich-text runs.
    private static func readSharedStrings(_ xml: [UInt8], part: String, limits: XLSXLimits) throws(XLSXError) -> [XLSXSharedString] {
        var parser = XMLPullParser(xml)
        var strings: [XLSXSharedString] = []
        while let event = try XLSXParts.next(&parser, part) {
            guard case .startElement(let tag) = event, tag.name.localName == "si", parser.depth == 2 else { continue }
            guard strings.count < limits.maxSharedStrings else {
                throw .limitExceeded(.sharedStrings, limit: limits.maxSharedStrings, part: part)
            }
            strings.append(try XLSXParts.stringItem(&parser, part))
        }
        return strings
    }
}
