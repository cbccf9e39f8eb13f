import Foundation
import QuayCodecs
import QuayCore
import QuayProtocol
import QuayStore

/// A file to import, read into rows of cells: a spreadsheet's header and rows (each cell
/// decoded to NFC, per column from the encoding it was found in), or MARC records.
struct ImportTable {
    var header: [String]
    var rows: [(line: Int, cells: [String])]
    var columns: [ImportColumnView]
}

extension Dispatcher {
    /// A file to import is at most this big, and a spreadsheet at most this many rows.
    static let maxUploadBytes: Int64 = 64 * 1024 * 1024
    static let maxImportRows = 200_000

    func uploadBegin(_ args: UploadBeginArgs) throws -> UploadBeginResult {
        guard (1...Self.maxUploadBytes).contains(args.sizeBytes) else {
            throw Refusal(code: .invalidArgument, detail: "a file to import is 1 byte to \(Self.maxUploadBytes / 1_048_576) MiB, not \(args.sizeBytes) bytes")
        }
        let (number, path) = state.reserveTransfer("upload")
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            state.forgetTransfer(number)
            throw Refusal(code: .internalError, detail: "cannot make the upload file beside the database")
        }
        return UploadBeginResult(upload: number, maxChunk: FileChunk.maxChunk)
    }

    func uploadWrite(_ args: UploadWriteArgs) throws -> UploadWriteResult {
        guard let path = state.transferFile(args.upload), let handle = FileHandle(forWritingAtPath: path) else {
            throw Refusal(code: .notFound, detail: "upload \(args.upload) (made by upload.begin, removed once imported)")
        }
        defer { try? handle.close() }
        let size = Int64(try handle.seekToEnd())
        guard args.offset == size else { throw Refusal(code: .invalidArgument, detail: "offset must be \(size), the bytes received so far") }
        guard let data = Data(base64Encoded: args.data), data.count <= FileChunk.maxChunk else {
            throw Refusal(code: .invalidArgument, detail: "data must be Base64 of at most \(FileChunk.maxChunk) bytes")
        }
        guard size + Int64(data.count) <= Self.maxUploadBytes else {
            state.forgetTransfer(args.upload)
            throw Refusal(code: .invalidArgument, detail: "a file to import is at most \(Self.maxUploadBytes / 1_048_576) MiB")
        }
        try handle.write(contentsOf: data)
        return UploadWriteResult(received: size + Int64(data.count))
    }

    /// An upload's file, opened and then removed (unless `keep`: a dry run that the same upload
    /// may follow): an import reads its file once, from the open file (bytes at a time where
    /// the format allows).
    func takeUpload(_ number: Int64, keep: Bool = false) throws -> FileHandle {
        guard let path = state.transferFile(number), let file = FileHandle(forReadingAtPath: path) else {
            throw Refusal(code: .notFound, detail: "upload \(number) (made by upload.begin, removed once imported)")
        }
        if !keep { state.forgetTransfer(number) }
        return file
    }

    /// An upload's bytes, whole (a spreadsheet, a MARCXML file), and its format.
    func uploadBytes(_ number: Int64, format asked: String?, keep: Bool = false) throws -> (bytes: [UInt8], format: String) {
        let file = try takeUpload(number, keep: keep)
        defer { try? file.close() }
        let bytes = [UInt8](try file.readToEnd() ?? Data())
        return (bytes, try importFormat(asked, bytes))
    }

    func importCatalogue(_ args: ImportArgs) async throws -> ImportReport {
        let file = try takeUpload(args.upload)
        defer { try? file.close() }
        let head = [UInt8](try file.read(upToCount: 2048) ?? Data())
        let format = try importFormat(args.format, head)
        let forced = try forcedEncoding(args.encoding)
        var columns: [ImportColumnView] = []
        let pieces: ImportPieces
        switch format {
        case "marc":
            let size = Int64(try file.seekToEnd())
            try file.seek(toOffset: 0)
            pieces = Self.marcPieces(file, size: size)
        case "marcxml":
            pieces = Self.marcXMLPieces(head + [UInt8](try file.readToEnd() ?? Data()))
        default:
            let table = try spreadsheet(head + [UInt8](try file.readToEnd() ?? Data()), format: format, forced: forced)
            let mapping: [Int: ImportField]
            do {
                mapping = try CataloguePlanner.mapping(header: table.header, overrides: args.map ?? [:])
            } catch {
                throw Refusal(code: .invalidImportFile, detail: error.reason)
            }
            columns = table.columns.enumerated().map { index, column in
                var column = column
                column.field = mapping[index]?.rawValue
                return column
            }
            let planner = CataloguePlanner(mapping: mapping, defaultRegister: text(args.register)?.uppercased())
            let (records, problems) = planner.plan(table.rows)
            pieces = ImportPieces(problems.map(ImportPiece.problem) + records.map(ImportPiece.record), rows: table.rows.count)
        }
        let progress = state.importProgress
        let upload = args.upload
        pieces.report = { done, total in progress.withLockedValue { $0[upload] = ImportProgressResult(done: done, total: total) } }
        defer { progress.withLockedValue { $0[upload] = nil } }
        let outcome = try await state.database.importCatalogue(
            { try pieces.next() }, dryRun: args.dryRun == true, skipBadRows: args.skipBadRows == true,
            receivedOn: Self.dayFormatter.string(from: now()), at: now())
        return importReport(outcome, what: "catalogue", format: format, rows: pieces.rows, columns: columns, args: args)
    }

    func importProgress(_ args: ImportProgressArgs) throws -> ImportProgressResult {
        guard let progress = state.importProgress.withLockedValue({ $0[args.upload] }) else {
            throw Refusal(code: .notFound, detail: "no catalogue import of upload \(args.upload) is running")
        }
        return progress
    }

    func importEquipment(_ args: ImportArgs) async throws -> ImportReport {
        let (bytes, format) = try uploadBytes(args.upload, format: args.format)
        guard format == "csv" || format == "xlsx" else { throw Refusal(code: .invalidImportFile, detail: "an equipment list is CSV or XLSX, not \(format)") }
        let table = try spreadsheet(bytes, format: format, forced: try forcedEncoding(args.encoding))
        let mapping: [Int: EquipmentField]
        do {
            mapping = try EquipmentPlanner.mapping(header: table.header, overrides: args.map ?? [:])
        } catch {
            throw Refusal(code: .invalidImportFile, detail: error.reason)
        }
        let columns = table.columns.enumerated().map { index, column in
            var column = column
            column.field = mapping[index]?.rawValue
            return column
        }
        let (kinds, problems) = EquipmentPlanner(mapping: mapping).plan(table.rows)
        let outcome = try await state.database.importEquipment(
            kinds, earlier: problems, dryRun: args.dryRun == true, skipBadRows: args.skipBadRows == true, at: now())
        return importReport(outcome, what: "equipment", format: format, rows: table.rows.count, columns: columns, args: args)
    }

    /// An import's reply, and its log line.
    func importReport(_ outcome: ImportOutcome, what: String, format: String, rows: Int, columns: [ImportColumnView], args: ImportArgs) -> ImportReport {
        let language = requestLanguage ?? state.config.language
        logger.info(
            "import", metadata: ["import.what": "\(what)", "import.format": "\(format)", "import.rows": "\(rows)", "import.applied": "\(outcome.applied)",
                "import.created": "\(outcome.created)", "import.problems": "\(outcome.problems.count)"])
        return ImportReport(
            format: format, rows: rows, dryRun: args.dryRun == true, applied: outcome.applied, created: outcome.created, unchanged: outcome.unchanged,
            columns: columns, problems: outcome.problems.map { ImportProblemView(line: $0.line, column: $0.column, reason: $0.reason.text(language)) },
            skippedLines: args.skipBadRows == true && !outcome.problems.isEmpty ? outcome.skippedLines : [], registers: outcome.registers)
    }

    /// The encoding a request forces on every column, if any.
    func forcedEncoding(_ name: String?) throws -> LegacyEncoding? {
        guard let name = text(name) else { return nil }
        guard let encoding = LegacyEncoding(name: name) else {
            throw Refusal(code: .invalidArgument, detail: "encoding must be one of \(LegacyEncoding.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        return encoding
    }

    /// A CSV or XLSX file's header and rows, decoded.
    func spreadsheet(_ bytes: [UInt8], format: String, forced: LegacyEncoding?) throws -> ImportTable {
        format == "xlsx" ? try xlsxTable(bytes, forced: forced) : try csvTable(bytes, forced: forced)
    }

    /// The format asked for, else the one the bytes are: a ZIP is XLSX, ISO 2709 starts with
    /// five digits of length, XML with a MARC record is MARCXML; anything else is CSV.
    func importFormat(_ asked: String?, _ bytes: [UInt8]) throws -> String {
        if let asked = text(asked)?.lowercased() {
            guard ["csv", "xlsx", "marc", "marcxml"].contains(asked) else {
                throw Refusal(code: .invalidArgument, detail: "format must be csv, xlsx, marc or marcxml, not \(asked)")
            }
            return asked
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "xlsx" }
        if bytes.count >= 24, bytes.prefix(5).allSatisfy({ (0x30...0x39).contains($0) }), bytes.contains(0x1E) { return "marc" }
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self)
        if head.contains("<?xml") || head.contains("<collection") || head.contains("<record"), head.contains("MARC21") || head.contains("<record") {
            return "marcxml"
        }
        return "csv"
    }

    /// A CSV file's cells. Its separator is the one of `,` `;` and tab its first line has most
    /// of; its bytes are split on those ASCII delimiters first (read as Latin-1, one character
    /// a byte), so that each column's own bytes can then be found to be UTF-8 or a legacy
    /// encoding and decoded (SPEC §12).
    func csvTable(_ bytes: [UInt8], forced: LegacyEncoding?) throws -> ImportTable {
        var body = bytes
        var encoding = forced
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            body.removeFirst(3)
            encoding = encoding ?? .utf8
        }
        let latin1 = String(decoding: body.map { UInt16($0) }, as: UTF16.self)
        let firstLine = latin1.prefix { $0 != "\n" && $0 != "\r\n" }
        let separator = [",", ";", "\t"].max { a, b in firstLine.filter { String($0) == a }.count < firstLine.filter { String($0) == b }.count }!
        let rows: [CSV.Row]
        do {
            rows = try CSV.parse(latin1, separator: Character(separator))
        } catch {
            throw Refusal(code: .invalidImportFile, detail: "line \(error.line): \(error.reason)")
        }
        guard rows.count <= Self.maxImportRows + 1 else { throw Refusal(code: .invalidImportFile, detail: "more than \(Self.maxImportRows) rows") }
        guard !rows.isEmpty else { throw Refusal(code: .invalidImportFile, detail: "the file is empty") }
        func raw(_ field: String) -> [UInt8] { field.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
        let width = rows.map(\.fields.count).max() ?? 0
        let cells = rows.map { row in (0..<width).map { $0 < row.fields.count ? raw(row.fields[$0]) : [] } }
        var table = Self.decodedTable(header: cells[0], rows: Array(zip(rows.dropFirst().map(\.line), cells.dropFirst())), forced: encoding)
        // A spreadsheet-safe CSV (ours, RFC 4180 writers that guard formulas) puts a ' before a
        // text that begins with = + - @, a tab, a CR or a ': one such ' is not the value.
        for row in table.rows.indices {
            for column in table.rows[row].cells.indices {
                let cell = table.rows[row].cells[column]
                if cell.hasPrefix("'"), let next = cell.dropFirst().first, "=+-@\t\r'".contains(next) {
                    table.rows[row].cells[column] = String(cell.dropFirst())
                }
            }
        }
        return table
    }

    /// Cells of legacy bytes decoded column by column: each column's encoding found from all
    /// its cells (valid-syllable scoring), the file's found from every cell standing in for a
    /// column with too little evidence of its own.
    static func decodedTable(header: [[UInt8]], rows: [(Int, [[UInt8]])], forced: LegacyEncoding?) -> ImportTable {
        let everything = ([header] + rows.map(\.1)).flatMap { $0 }.filter { !$0.isEmpty }
        let file = EncodingDetector.detect(everything)
        func choose(_ verdict: EncodingDetector.Verdict) -> (LegacyEncoding, String) {
            if let forced { return (forced, "forced") }
            if verdict.confidence == .confident || verdict.confidence == .noEvidence && file.confidence != .confident { return (verdict.encoding, verdict.confidence.rawValue) }
            return (file.encoding, file.confidence == .confident ? "file" : file.confidence.rawValue)
        }
        let headerEncoding = choose(EncodingDetector.detect(header.filter { !$0.isEmpty })).0
        let names = header.map { headerEncoding.decode($0) }
        var columns: [ImportColumnView] = []
        var decoded = rows.map { (line: $0.0, cells: [String](repeating: "", count: header.count)) }
        for column in header.indices {
            let cells = rows.map { column < $0.1.count ? $0.1[column] : [] }
            let (encoding, confidence) = choose(EncodingDetector.detect(cells.filter { !$0.isEmpty }))
            for (index, cell) in cells.enumerated() { decoded[index].cells[column] = encoding.decode(cell) }
            let samples = cells.enumerated().filter { !$0.element.isEmpty && $0.element.contains { $0 >= 0x80 } }.prefix(3).map { index, cell in
                [LegacyEncoding.windows1252Text(cell), decoded[index].cells[column]]
            }
            columns.append(
                ImportColumnView(
                    column: CataloguePlanner.columnName(column), header: names[column], field: nil, encoding: encoding.rawValue, confidence: confidence,
                    samples: Array(samples)))
        }
        return ImportTable(header: names, rows: decoded, columns: columns)
    }

    /// The first visible sheet of a workbook. A cell typed in a legacy Vietnamese font holds
    /// the legacy bytes as Unicode characters: it is converted by its font (`.VnTime` and the
    /// other `.Vn…` fonts are TCVN3, a `.Vn…H` font the capitals; `VNI-…` fonts are VNI), rich
    /// text run by run; other text columns are checked for double-encoded UTF-8.
    func xlsxTable(_ bytes: [UInt8], forced: LegacyEncoding?) throws -> ImportTable {
        let rows: [XLSXRow]
        do {
            let workbook = try XLSXWorkbook(bytes: bytes)
            guard let sheet = workbook.sheets.first(where: { !$0.isHidden }) ?? workbook.sheets.first else {
                throw Refusal(code: .invalidImportFile, detail: "the workbook has no sheet")
            }
            rows = try workbook.readRows(in: sheet)
        } catch let error as XLSXError {
            throw Refusal(code: .invalidImportFile, detail: "\(error)")
        }
        guard rows.count <= Self.maxImportRows + 1 else { throw Refusal(code: .invalidImportFile, detail: "more than \(Self.maxImportRows) rows") }
        guard let headerRow = rows.first(where: { $0.cells.contains { if case .empty = $0.value { false } else { true } } }) else {
            throw Refusal(code: .invalidImportFile, detail: "the sheet is empty")
        }
        let width = (rows.flatMap { $0.cells.map(\.column) }.max() ?? 0)
        func legacy(_ font: String?) -> (LegacyEncoding, Bool)? {
            guard let font = font?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
            if font.hasPrefix(".vn") { return (.tcvn3, font.hasSuffix("h")) }
            if font.hasPrefix("vni-") || font.hasPrefix("vni ") { return (.vni, false) }
            return nil
        }
        // Each cell's text with the encoding its font says, before any column-wide choice.
        func text(_ cell: XLSXCell) -> (String, LegacyEncoding?) {
            switch cell.value {
            case .empty, .error: return ("", nil)
            case .bool(let value): return (value ? "true" : "false", nil)
            case .number(let value): return (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value), nil)
            case .date(let date): return (String(format: "%04d-%02d-%02d", date.year, date.month, date.day), nil)
            case .text(let value):
                if let forced { return (forced == .utf8 ? value : forced.decode(fontText: value), forced) }
                if let runs = cell.runs, runs.contains(where: { legacy($0.fontName) != nil }) {
                    let joined = runs.map { run in legacy(run.fontName).map { $0.0.decode(fontText: run.text, capitals: $0.1) } ?? run.text }.joined()
                    return (joined, legacy(runs.first { legacy($0.fontName) != nil }?.fontName)?.0)
                }
                if let (encoding, capitals) = legacy(cell.fontName) { return (encoding.decode(fontText: value, capitals: capitals), encoding) }
                return (value, nil)
            }
        }
        var header: [String] = Array(repeating: "", count: width)
        for cell in headerRow.cells where cell.column >= 1 && cell.column <= width { header[cell.column - 1] = VietnameseText.nfc(text(cell).0) }
        var table: [(line: Int, cells: [String])] = []
        var fonts: [[LegacyEncoding?]] = []
        var raw: [[String]] = []
        for row in rows where row.index > headerRow.index {
            var cells = Array(repeating: "", count: width)
            var encodings = [LegacyEncoding?](repeating: nil, count: width)
            var originals = Array(repeating: "", count: width)
            for cell in row.cells where cell.column >= 1 && cell.column <= width {
                (cells[cell.column - 1], encodings[cell.column - 1]) = text(cell)
                if case .text(let value) = cell.value { originals[cell.column - 1] = value }
            }
            table.append((row.index, cells))
            fonts.append(encodings)
            raw.append(originals)
        }
        var columns: [ImportColumnView] = []
        for column in 0..<width {
            let byFont = fonts.compactMap { $0[column] }
            var encoding = forced ?? byFont.first ?? .utf8
            var confidence = forced != nil ? "forced" : byFont.isEmpty ? "no-evidence" : "font"
            if forced == nil {
                // Text typed in a Unicode font may still be double-encoded UTF-8 ("Tiáº¿ng").
                let plain = table.indices.filter { fonts[$0][column] == nil }.map { table[$0].cells[column] }.filter { !$0.isEmpty }
                let verdict = EncodingDetector.detect(fontTexts: plain)
                if verdict.confidence == .confident, verdict.encoding != .utf8 {
                    for index in table.indices where fonts[index][column] == nil {
                        table[index].cells[column] = verdict.encoding.decode(fontText: table[index].cells[column])
                    }
                    encoding = verdict.encoding
                    confidence = verdict.confidence.rawValue
                } else if byFont.isEmpty {
                    confidence = verdict.confidence.rawValue
                }
            }
            let samples = table.indices.filter { raw[$0][column] != table[$0].cells[column] && !raw[$0][column].isEmpty }.prefix(3).map {
                [raw[$0][column], table[$0].cells[column]]
            }
            columns.append(
                ImportColumnView(
                    column: CataloguePlanner.columnName(column), header: header[column], field: nil, encoding: encoding.rawValue, confidence: confidence,
                    samples: Array(samples)))
        }
        return ImportTable(header: header, rows: table, columns: columns)
    }

    /// An ISO 2709 file read a piece at a time from its open file (a MiB at a time through
    /// `MARCReader`), so that its size does not set quayd's memory; each record a catalogue
    /// record (`catalogueRecord`), a broken one a problem with its ordinal and byte offset.
    static func marcPieces(_ file: FileHandle, size: Int64) -> ImportPieces {
        var reader = MARCReader()
        var ended = false
        var read: Int64 = 0
        return ImportPieces(total: size, done: { read }, marc: {
            while true {
                if let next = reader.next() {
                    return next.mapError { error in
                        ImportProblem(
                            line: error.ordinal,
                            reason: Bilingual(
                                vi: "bản ghi \(error.ordinal) hỏng ở byte \(error.offset): \(error.problem)",
                                en: "record \(error.ordinal) is broken at byte \(error.offset): \(error.problem)"))
                    }
                }
                if ended { return nil }
                let chunk = try file.read(upToCount: 1 << 20) ?? Data()
                read += Int64(chunk.count)
                if chunk.isEmpty {
                    reader.finish()
                    ended = true
                } else {
                    reader.append(chunk)
                }
            }
        })
    }

    /// A MARCXML file's records (read whole: the XML reader takes the file's bytes).
    static func marcXMLPieces(_ bytes: [UInt8]) -> ImportPieces {
        let read = MARCXMLReader.records(bytes)
        var results: [Result<MARCRecord, ImportProblem>] = read.records.map { .success($0) }
        results += read.errors.map { .failure(ImportProblem(line: $0.ordinal, reason: Bilingual(vi: "bản ghi MARCXML hỏng: \($0)", en: "a broken MARCXML record: \($0)"))) }
        var iterator = results.makeIterator()
        var taken: Int64 = 0
        return ImportPieces(
            total: Int64(results.count), done: { taken },
            marc: {
                defer { taken += 1 }
                return iterator.next()
            })
    }

    static func catalogueRecord(_ marc: MARCRecord, line: Int) -> Result<ImportedRecord, ImportProblem> {
        func clean(_ text: String?) -> String? {
            // ISBD punctuation at the end of a subfield (" /", " :", " ;", ",", ".") is not the value.
            guard var value = text?.trimmingCharacters(in: .whitespaces) else { return nil }
            while let last = value.last, "/:;,=".contains(last) { value = String(value.dropLast()).trimmingCharacters(in: .whitespaces) }
            if value.hasSuffix("."), !value.hasSuffix("..."), value.count > 1, !(value.dropLast().last?.isUppercase ?? false) { value = String(value.dropLast()) }
            return value.isEmpty ? nil : value
        }
        guard let title245 = marc.field("245") else {
            return .failure(ImportProblem(line: line, column: "245", reason: Bilingual(vi: "bản ghi không có nhan đề (245)", en: "the record has no title (245)")))
        }
        let parts = ["a", "b", "n", "p"].compactMap { code in clean(title245.subfield(Character(code))) }
        guard !parts.isEmpty else {
            return .failure(ImportProblem(line: line, column: "245", reason: Bilingual(vi: "245 không có $a", en: "245 has no $a")))
        }
        var record = ImportedRecord(title: parts.joined(separator: ": "))
        record.authors = (marc.fields("100") + marc.fields("110") + marc.fields("700") + marc.fields("710")).compactMap { clean($0.subfield("a")) }
        let publication = marc.field("264") ?? marc.field("260")
        record.publisher = clean(publication?.subfield("b"))
        if let year = publication?.subfield("c")?.filter(\.isNumber).prefix(4), let number = Int(year), (1000...9999).contains(number) { record.year = number }
        if let isbn = marc.fields("020").compactMap({ $0.subfield("a") }).lazy.compactMap({ Identifiers.normalizedISBN(String($0.prefix { !$0.isWhitespace && $0 != "(" })) }).first {
            record.isbn = isbn
        }
        if let price = marc.fields("020").compactMap({ $0.subfield("c") }).first { record.price = ImportValues.price(price) }
        record.language = marc.field("041")?.subfield("a")
        if let grade = marc.field("521")?.subfield("a").map({ $0.filter(\.isNumber) }).flatMap({ Int($0) }), (1...12).contains(grade) { record.grade = grade }
        record.subject = (marc.fields("650") + marc.fields("653")).compactMap { clean($0.subfield("a")) }.first
        record.notes = marc.fields("500").compactMap { clean($0.subfield("a")) }.first
        if let edition = clean(marc.field("250")?.subfield("a")) { record.notes = [record.notes, edition].compactMap { $0 }.joined(separator: "; ") }
        // The copies' call number as the library shelved them (952 $o, class and mark) first.
        if let shelved = marc.fields("952").lazy.compactMap({ clean($0.subfield("o")) }).first, let callNumber = try? CallNumber.parse(shelved),
            callNumber.authorMark != nil
        {
            record.callNumber = callNumber
        }
        let classNumber = clean(marc.field("082")?.subfield("a")) ?? clean(marc.field("090")?.subfield("a")) ?? clean(marc.field("852")?.subfield("h"))
        if record.callNumber == nil, let classNumber, var callNumber = try? CallNumber.parse(classNumber) {
            if let mark = clean(marc.field("090")?.subfield("b")) { callNumber.authorMark = mark.uppercased() } else if let author = record.authors.first {
                callNumber.authorMark = AuthorMark.derive(from: author)
            }
            record.callNumber = callNumber
        }
        for item in marc.fields("952") {
            var copy = ImportedCopy(line: line)
            let barcode = item.subfield("p")
            if let accession = item.subfield("i").flatMap(AccessionNumber.init) ?? barcode.flatMap(AccessionNumber.init) {
                copy.accession = accession
            }
            copy.barcode = barcode
            copy.registerCode = item.subfield("8")?.uppercased()
            copy.receivedOn = item.subfield("d").flatMap(ImportValues.day)
            copy.price = (item.subfield("g") ?? item.subfield("v")).flatMap(ImportValues.price)
            copy.location = item.subfield("c") ?? item.subfield("a")
            copy.source = item.subfield("e").flatMap(ImportValues.source)
            if let kind = item.subfield("y").flatMap(ImportValues.kind), record.kind == nil { record.kind = kind }
            if item.subfield("0").map({ $0 != "0" && !$0.isEmpty }) == true {
                copy.status = .withdrawn
            } else if item.subfield("1").map({ $0 != "0" && !$0.isEmpty }) == true {
                copy.status = .lost
            } else if item.subfield("4").map({ $0 != "0" && !$0.isEmpty }) == true {
                copy.status = .damaged
            } else if item.subfield("7").map({ $0 != "0" && !$0.isEmpty }) == true {
                copy.status = .missing
            }
            guard copy.accession != nil || copy.registerCode != nil || record.kind.flatMap(QuayDatabase.defaultRegisterCode(for:)) != nil else {
                return .failure(
                    ImportProblem(line: line, column: "952", reason: Bilingual(vi: "bản sách không có số ĐKCB ($i / $p) hay sổ ($8)", en: "a copy without an accession number ($i / $p) or register ($8)")))
            }
            record.copies.append(copy)
        }
        if record.copies.isEmpty {
            return .failure(ImportProblem(line: line, column: "952", reason: Bilingual(vi: "bản ghi không có bản sách nào (952)", en: "the record has no copies (952)")))
        }
        return .success(record)
    }
}

/// What an import reads from its file, a piece at a time, as the store asks for it (inside the
/// import's one write transaction, on one thread at a time: hence unchecked), and how far it is.
final class ImportPieces: @unchecked Sendable {
    private let produce: () throws -> ImportPiece?
    private let read: () -> Int
    /// Of what the file is (bytes, titles), how much has been read.
    private let total: Int64
    private let done: () -> Int64
    /// Told how far the import is, after each piece.
    var report: ((_ done: Int64, _ total: Int64) -> Void)?

    /// Pieces already planned (a spreadsheet's records and problems).
    init(_ pieces: [ImportPiece], rows: Int) {
        var iterator = pieces.enumerated().makeIterator()
        var done: Int64 = 0
        produce = {
            guard let (index, piece) = iterator.next() else { return nil }
            done = Int64(index + 1)
            return piece
        }
        self.done = { done }
        total = Int64(pieces.count)
        read = { rows }
    }

    /// The rows (or records) read so far.
    var rows: Int { read() }

    /// MARC records as they are read, each made a catalogue record. A title with more copies
    /// than one ISO 2709 record holds comes as consecutive records with the same fields (and
    /// 001): they are joined, so one record waits until the next says whether it goes on.
    init(total: Int64, done: @escaping () -> Int64, marc next: @escaping () throws -> Result<MARCRecord, ImportProblem>?) {
        var pending: (key: String, record: ImportedRecord)?
        var count = 0
        produce = {
            while let read = try next() {
                count += 1
                guard count <= Dispatcher.maxImportRows else {
                    throw Refusal(code: .invalidImportFile, detail: "more than \(Dispatcher.maxImportRows) records")
                }
                let marc: MARCRecord
                switch read {
                case .failure(let problem): return .problem(problem)
                case .success(let record): marc = record
                }
                switch Dispatcher.catalogueRecord(marc, line: count) {
                case .failure(let problem): return .problem(problem)
                case .success(let imported):
                    let key = (marc.field("001")?.value).map { "001:" + $0 + "|" + imported.key } ?? imported.key
                    if pending?.key == key {
                        pending?.record.copies += imported.copies
                        continue
                    }
                    defer { pending = (key, imported) }
                    if let previous = pending { return .record(previous.record) }
                }
            }
            guard count > 0 else { throw Refusal(code: .invalidImportFile, detail: "no MARC record in the file") }
            defer { pending = nil }
            return pending.map { .record($0.record) }
        }
        self.total = total
        self.done = done
        read = { count }
    }

    func next() throws -> ImportPiece? {
        let piece = try produce()
        report?(done(), total)
        return piece
    }
}
