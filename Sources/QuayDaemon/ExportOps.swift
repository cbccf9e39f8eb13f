import Foundation
import QuayCodecs
import QuayCore
import QuayProtocol
import QuayReports
import QuayStore

/// What `export.run` writes (SPEC §10: a school moves to another system, or Quầy's import reads
/// it back). docs/import-export.md lists every column and MARC field; the importer reads exactly
/// these names, so a change here is a change there.
enum ExportKind: String, CaseIterable, Sendable {
    case catalogue, patrons, equipment
}

/// The formats: CSV and XLSX for each, MARC 21 (ISO 2709 in UTF-8) and MARCXML for the catalogue.
enum ExportFormat: String, CaseIterable, Sendable {
    case marc, marcxml, csv, xlsx

    var isMARC: Bool { self == .marc || self == .marcxml }
}

extension Dispatcher {
    /// Makes the export into a file beside the database, on a thread of its own, as `report.run`
    /// makes a report; the client reads it with `report.read` (the transfer numbers are shared).
    /// A refusal or a failure leaves no file behind.
    ///
    /// It streams: the store hands over one row at a time from a cursor in one read transaction
    /// (a consistent picture while the desk goes on), CSV is buffered 64 KiB at a time, XLSX goes
    /// through libxlsxwriter's constant-memory mode, and MARC holds one title at most — one
    /// ISO 2709 record (99,999 bytes) or, in MARCXML, one field. A million copies export in the
    /// memory of one.
    func exportRun(_ args: ExportRunArgs) async throws -> ReportRunResult {
        guard let what = ExportKind(rawValue: args.what.lowercased()) else {
            throw Refusal(code: .invalidArgument, detail: "what must be catalogue, patrons or equipment, not \(args.what)")
        }
        guard let format = ExportFormat(rawValue: args.format.lowercased()) else {
            throw Refusal(code: .invalidArgument, detail: "format must be marc, marcxml, csv or xlsx, not \(args.format)")
        }
        guard what == .catalogue || !format.isMARC else {
            throw Refusal(code: .invalidArgument, detail: "\(what.rawValue) are exported as csv or xlsx; marc and marcxml are for the catalogue")
        }
        let language = try fileLanguage(args.language)
        let (number, path) = state.reserveTransfer("export")
        let database = state.database
        let school = state.config.schoolName
        let temporary = (path as NSString).deletingLastPathComponent
        do {
            let rows: Int = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result {
                        if format.isMARC {
                            let writer = try CatalogueMARCWriter(path: path, xml: format == .marcxml)
                            try database.exportCatalogue { record, copy in try writer.add(record, copy) }
                            try writer.finish()
                            return writer.records
                        }
                        let sheet = Self.exportSheet(what)
                        let writer = try (format == .csv ? ReportFormat.csv : .xlsx).writer(
                            path: path, school: school, title: sheet.title.text(language), language: language,
                            temporaryDirectory: temporary.isEmpty ? "." : temporary, layout: .table)
                        try writer.begin(sheet)
                        var rows = 0
                        switch what {
                        case .catalogue: try database.exportCatalogue { record, copy in try writer.row(Self.cells(record, copy)) ; rows += 1 }
                        case .patrons: try database.exportPatrons { patron in try writer.row(Self.cells(patron)) ; rows += 1 }
                        case .equipment: try database.exportEquipment { line in try writer.row(Self.cells(line)) ; rows += 1 }
                        }
                        try writer.finish()
                        return rows
                    })
                }
            }
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            logger.info(
                "export made", metadata: ["export.what": "\(what.rawValue)", "export.format": "\(format.rawValue)", "export.rows": "\(rows)", "export.bytes": "\(size)"])
            return ReportRunResult(report: number, format: format.rawValue, sizeBytes: size, rows: rows)
        } catch let error as ReportError {
            state.forgetTransfer(number)
            throw Refusal(code: .internalError, detail: error.detail)
        } catch {
            state.forgetTransfer(number)
            throw error
        }
    }

    // The contract with the importer (docs/import-export.md): these headers, in this order.
    static func exportSheet(_ what: ExportKind) -> ReportSheet {
        switch what {
        case .catalogue: catalogueSheet
        case .patrons: patronSheet
        case .equipment: equipmentSheet
        }
    }

    static let catalogueSheet = ReportSheet(
            name: Bilingual(vi: "Danh mục", en: "Catalogue"), title: Bilingual(vi: "DANH MỤC SÁCH", en: "CATALOGUE"),
            columns: [
                ReportColumn("Số ĐKCB", "Accession"), ReportColumn("Mã vạch", "Barcode"), ReportColumn("Nhan đề", "Title"),
                ReportColumn("Tác giả", "Authors"), ReportColumn("Nhà xuất bản", "Publisher"), ReportColumn("Năm XB", "Year", .integer),
                ReportColumn("ISBN", "ISBN"), ReportColumn("Ký hiệu phân loại", "Class number"), ReportColumn("Ký hiệu tác giả", "Author mark"),
                ReportColumn("Môn học", "Subject"), ReportColumn("Khối", "Grade", .integer), ReportColumn("Loại", "Kind"),
                ReportColumn("Ngôn ngữ", "Language"), ReportColumn("Giá", "Price", .money), ReportColumn("Ngày vào sổ", "Received on", .date),
                ReportColumn("Số vào sổ tổng quát", "General register", .integer), ReportColumn("Nguồn", "Source"),
                ReportColumn("Số chứng từ", "Document"), ReportColumn("Vị trí", "Location"), ReportColumn("Tình trạng", "Status"),
                ReportColumn("Ghi chú", "Notes"),
            ])

    static let patronSheet = ReportSheet(
            name: Bilingual(vi: "Bạn đọc", en: "Patrons"), title: Bilingual(vi: "DANH SÁCH BẠN ĐỌC", en: "PATRONS"),
            columns: [
                ReportColumn("Số thẻ", "Card"), ReportColumn("Họ tên", "Name"), ReportColumn("Loại", "Kind"), ReportColumn("Lớp", "Class"),
                ReportColumn("Năm học", "School year"), ReportColumn("Tình trạng", "Status"),
            ], landscape: false)

    static let equipmentSheet = ReportSheet(
            name: Bilingual(vi: "Thiết bị", en: "Equipment"), title: Bilingual(vi: "DANH MỤC THIẾT BỊ", en: "EQUIPMENT"),
            columns: [
                ReportColumn("Mã", "Code"), ReportColumn("Tên thiết bị", "Name"), ReportColumn("Môn", "Subject"), ReportColumn("Khối", "Grades"),
                ReportColumn("Đơn vị", "Unit"), ReportColumn("Theo dõi", "Tracking"), ReportColumn("Số lượng", "Quantity", .integer),
                ReportColumn("Phòng", "Room"), ReportColumn("Đơn giá", "Value", .money), ReportColumn("Hạn sử dụng", "Expires", .date),
                ReportColumn("Số tài sản", "Asset number"), ReportColumn("Mã vạch", "Barcode"), ReportColumn("Tình trạng", "Condition"),
                ReportColumn("Trạng thái", "Status"),
            ])

    static func cells(_ record: ExportedRecord, _ copy: ExportedCopy) -> [ReportCell] {
        [
            .text(copy.accession), .text(copy.barcode), .text(record.title), .text(or: record.authors.isEmpty ? nil : record.authors.joined(separator: "; ")),
            .text(or: record.publisher), .integer(or: record.year.map { Int64($0) }), .text(or: record.isbn), .text(or: record.classNumber),
            .text(or: record.authorMark), .text(or: record.subject), .integer(or: record.grade.map { Int64($0) }), .text(record.kind),
            .text(or: record.language), .money(or: copy.price ?? record.price), .day(copy.receivedOn), .integer(copy.batch), .text(copy.source),
            .text(or: copy.document), .text(or: copy.location), .text(copy.status), .text(or: record.notes),
        ]
    }

    static func cells(_ patron: PatronView) -> [ReportCell] {
        [.text(patron.card), .text(patron.name), .text(patron.kind), .text(or: patron.className), .text(or: patron.schoolYear), .text(patron.status)]
    }

    static func cells(_ line: ExportedEquipment) -> [ReportCell] {
        [
            .text(line.code), .text(line.name), .text(or: line.subject), .text(or: line.grades), .text(line.unit), .text(line.tracking),
            .integer(or: line.quantity), .text(or: line.room), .money(or: line.value), .day(line.expiresOn), .text(or: line.assetNumber),
            .text(or: line.barcode), .text(or: line.condition), .text(or: line.status),
        ]
    }
}

/// A catalogue record as MARC 21 bibliographic fields, and a copy as Koha's holdings field 952,
/// so that Koha (and any system that reads Koha's exports) takes the copies in with the titles.
/// Pure: the store's lines in, fields out.
enum CatalogueMARC {
    /// Leader/05 "n" new, /06 "a" language material, /07 "m" monograph, /09 "a" UTF-8, /17 "7"
    /// minimal level (a school's own cataloguing), /18 "u" descriptive form unknown. The writers
    /// fill in the lengths and the base address.
    static let leader = "00000nam a22000007u 4500"

    /// The longest value one subfield of a note gets: ISO 2709 counts a field's length in four
    /// digits (9,999 bytes), so a longer note goes in several 500 fields.
    static let noteChunk = 9_000

    static func bibliographicFields(_ record: ExportedRecord) -> [MARCField] {
        var fields: [MARCField] = [.control(tag: "001", value: "quay-\(record.id)"), .control(tag: "008", value: fixedData(record))]
        /// A data field with the subfields that have a value; none when none has.
        func data(_ tag: String, _ indicators: String, _ subfields: [(Character, String?)]) {
            let present = subfields.compactMap { code, value in value.map { MARCSubfield(code, $0) } }
            let (ind1, ind2) = (indicators.first ?? " ", indicators.last ?? " ")
            if !present.isEmpty { fields.append(.data(tag: tag, ind1: ind1, ind2: ind2, subfields: present)) }
        }
        data("020", "  ", [("a", record.isbn), ("c", record.price.map { "\($0)đ" })])
        data("041", "  ", [("a", record.language)])
        data("082", "04", [("a", record.classNumber)])
        if record.classNumber != nil { data("090", "  ", [("a", record.classNumber), ("b", record.authorMark)]) }
        data("100", "1 ", [("a", record.authors.first)])
        data("245", record.authors.isEmpty ? "00" : "10", [("a", record.title)])
        data("260", "  ", [("b", record.publisher), ("c", record.year.map(String.init))])
        for chunk in chunks(record.notes ?? "", of: noteChunk) { data("500", "  ", [("a", chunk)]) }
        data("521", "  ", [("a", record.grade.map { "Khối \($0)" })])
        data("650", " 4", [("a", record.subject)])
        for author in record.authors.dropFirst() { data("700", "1 ", [("a", author)]) }
        return fields
    }

    /// 008 for books: the day the record was made, the year of publication (or dates unknown),
    /// Vietnam ("vm"), the language when it is a MARC code of three letters; "|" (not coded)
    /// where the school's catalogue says nothing.
    static func fixedData(_ record: ExportedRecord) -> String {
        let day = record.createdOn.replacingOccurrences(of: "-", with: "")
        let entered = day.count == 8 && day.allSatisfy(\.isASCII) ? String(day.suffix(6)) : "||||||"
        let dates = record.year.map { "s" + String(format: "%04d", $0) + "    " } ?? "nuuuuuuuu"
        let language = record.language.flatMap { code in
            code.count == 3 && code.allSatisfy({ $0.isASCII && $0.isLowercase }) ? code : nil
        } ?? "|||"
        return entered + dates + "vm " + String(repeating: "|", count: 14) + " ||" + language + " d"
    }

    /// Koha's 952 (LOCATION AND ITEM INFORMATION), as Koha's MARC 21 default framework maps it to
    /// its items table (installer/data/mysql/en/marcflavour/marc21/mandatory/marc21_framework_DEFAULT.yml,
    /// Koha-Community/Koha): $8 collection code (items.ccode) — the register; $i inventory
    /// number (items.stocknumber) — the accession number; $p barcode; $o full call number
    /// (items.itemcallnumber); $c shelving location (items.location); $d date acquired
    /// (items.dateaccessioned); $e source of acquisition (items.booksellerid); $g cost, normal
    /// purchase price (items.price); $y Koha item type (items.itype) — the material kind; $0
    /// withdrawn, $1 lost, $4 damaged, $7 not for loan (items.withdrawn, itemlost, damaged,
    /// notforloan; "1" each); $x non-public note (items.itemnotes_nonpublic). A copy missing after
    /// an inventory is "not for loan" ($7 1) — Koha's own LOST value 4 ("Missing in Inventory",
    /// en/optional/auth_val.sql) would say it better, but the importer reads $1 as lost.
    static func holdings(_ copy: ExportedCopy, of record: ExportedRecord) -> MARCField {
        let status = ItemStatus(rawValue: copy.status)
        let flags: [(Character, ItemStatus)] = [("0", .withdrawn), ("1", .lost), ("4", .damaged), ("7", .missing)]
        var subfields: [(Character, String?)] = [
            ("8", copy.registerCode), ("i", copy.accession), ("p", copy.barcode), ("o", record.callNumber), ("c", copy.location),
            ("d", copy.receivedOn), ("e", copy.source), ("g", (copy.price ?? record.price).map(String.init)), ("y", record.kind),
        ]
        subfields += flags.map { code, flag in (code, status == flag ? "1" : nil) }
        subfields.append(("x", copy.note))
        return .data(tag: "952", ind1: " ", ind2: " ", subfields: subfields.compactMap { code, value in value.map { MARCSubfield(code, $0) } })
    }

    /// `text` in pieces of at most `bytes` UTF-8 bytes, cut between characters; none for "".
    static func chunks(_ text: String, of bytes: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        var length = 0
        for character in text {
            let size = character.utf8.count
            if length + size > bytes {
                pieces.append(current)
                current = ""
                length = 0
            }
            current.append(character)
            length += size
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}

/// Writes the catalogue as MARC into a file, one title at a time, as the store streams its
/// copies (by title, then copy): a title's fields when it begins, a 952 per copy, the record
/// when the next title begins. In ISO 2709 a record may hold 99,999 bytes; a title with more
/// copies than fit (some 700) is written as several records with the same 001, each with the
/// title's fields and the next of its copies. MARCXML has no such limit: the record is written
/// field by field and never held.
final class CatalogueMARCWriter {
    private let handle: FileHandle
    private let xml: Bool
    private var buffer: [UInt8] = []
    private var current: ExportedRecord?
    /// ISO 2709: the title's fields, the copies' fields not yet written, and the record's length with them.
    private var bibliographic: [MARCField] = []
    private var holdings: [MARCField] = []
    private var length = 0
    /// Records written (a title written in several ISO 2709 records counts each).
    private(set) var records = 0

    init(path: String, xml: Bool) throws(ReportError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ReportError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.xml = xml
        buffer.reserveCapacity(1 << 17)
        if xml { buffer += Array(MARCXMLWriter.collectionStart.utf8) }
    }

    func add(_ record: ExportedRecord, _ copy: ExportedCopy) throws {
        if current?.id != record.id {
            try endRecord()
            try beginRecord(record)
        }
        let field = CatalogueMARC.holdings(copy, of: record)
        try written(record) {
            if xml {
                buffer += Array(try MARCXMLWriter.field(field).utf8)
            } else {
                let size = MARCWriter.encodedLength(of: field)
                if !holdings.isEmpty && length + size > MARCWriter.maxRecordLength { try writeISO() }
                holdings.append(field)
                length += size
            }
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    func finish() throws {
        try endRecord()
        if xml { buffer += Array(MARCXMLWriter.collectionEnd.utf8) }
        try flush()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ReportError("cannot write the export: \(error.localizedDescription)")
        }
    }

    private func beginRecord(_ record: ExportedRecord) throws {
        current = record
        let fields = CatalogueMARC.bibliographicFields(record)
        try written(record) {
            if xml {
                buffer += Array(try MARCXMLWriter.recordStart(leader: Array(CatalogueMARC.leader.utf8)).utf8)
                for field in fields { buffer += Array(try MARCXMLWriter.field(field).utf8) }
            } else {
                bibliographic = fields
                holdings = []
                length = 24 + 1 + 1 + fields.reduce(0) { $0 + MARCWriter.encodedLength(of: $1) }
            }
        }
    }

    private func endRecord() throws {
        guard let record = current else { return }
        current = nil
        if xml {
            buffer += Array(MARCXMLWriter.recordEnd.utf8)
            records += 1
        } else {
            try written(record) { try writeISO() }
        }
    }

    /// The title's fields and the copies gathered so far as one record; the next record of the
    /// same title starts again from its fields.
    private func writeISO() throws {
        buffer += try MARCWriter.iso2709(MARCRecord(leader: CatalogueMARC.leader, fields: bibliographic + holdings))
        records += 1
        holdings = []
        length = 24 + 1 + 1 + bibliographic.reduce(0) { $0 + MARCWriter.encodedLength(of: $1) }
    }

    /// A field MARC cannot carry (a character, a length) fails the export, naming the title.
    private func written(_ record: ExportedRecord, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as MARCWriteError {
            throw ReportError("record \(record.id) (\(record.title)): \(error.description)")
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ReportError("cannot write the export: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
