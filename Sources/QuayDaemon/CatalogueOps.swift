import Foundation
import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore

/// The catalogue's ops (SPEC §4, §6): intake, look-ups, patrons and classes.
extension Dispatcher {
    static let defaultLimit = 100
    static let maxLimit = 10_000

    func limit(_ requested: Int?) throws -> Int {
        let value = requested ?? Self.defaultLimit
        guard (1...Self.maxLimit).contains(value) else {
            throw Refusal(code: .invalidArgument, detail: "limit must be from 1 to \(Self.maxLimit)")
        }
        return value
    }

    /// Trimmed text, nil when empty.
    func text(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    func required(_ value: String?, _ name: String) throws -> String {
        guard let value = text(value) else { throw Refusal(code: .invalidArgument, detail: "\(name) must not be empty") }
        return value
    }

    func intake(_ args: IntakeArgs) async throws -> IntakeResult {
        guard (1...Intake.maxCopies).contains(args.copies) else {
            throw Refusal(code: .invalidArgument, detail: "copies must be from 1 to \(Intake.maxCopies), not \(args.copies)")
        }
        // Labels are printed from the listed numbers, so at most as many as a reply lists.
        if args.print == true, args.copies > Self.maxLabelsPerRequest {
            throw Refusal(code: .invalidArgument, detail: "labels are printed for at most \(Self.maxLabelsPerRequest) copies at a time")
        }
        let title = try required(args.title, "title")
        var isbn: String? = nil
        if let given = text(args.isbn) {
            guard let normalized = Identifiers.normalizedISBN(given) else { throw Refusal(code: .invalidISBN, detail: given) }
            isbn = normalized
        }
        let authors = (args.authors ?? []).compactMap(text)
        var callNumber: CallNumber? = nil
        if let classNumber = text(args.classNumber) {
            do {
                callNumber = try CallNumber.parse(classNumber)
            } catch {
                throw Refusal(code: .invalidCallNumber, detail: error.description)
            }
            if let mark = text(args.authorMark) {
                callNumber?.authorMark = mark.uppercased()
            } else if callNumber?.authorMark == nil, let author = authors.first {
                callNumber?.authorMark = AuthorMark.derive(from: author)
            }
        } else if text(args.authorMark) != nil {
            throw Refusal(code: .invalidArgument, detail: "author_mark needs class_number")
        }
        let source: IntakeSource
        if let name = text(args.source) {
            guard let parsed = IntakeSource(rawValue: name) else {
                throw Refusal(code: .invalidArgument, detail: "source must be purchase, donation or transfer, not \(name)")
            }
            source = parsed
        } else {
            source = .purchase
        }
        let kind: MaterialKind
        if let name = text(args.kind) {
            guard let parsed = MaterialKind(rawValue: name) else {
                let names = MaterialKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw Refusal(code: .invalidArgument, detail: "kind must be one of \(names)")
            }
            kind = parsed
        } else {
            kind = MaterialKind.defaultKind(forRegister: args.register)
        }
        if let grade = args.grade, !(1...12).contains(grade) {
            throw Refusal(code: .invalidArgument, detail: "grade must be from 1 to 12")
        }
        if let year = args.year, !(1000...9999).contains(year) {
            throw Refusal(code: .invalidArgument, detail: "year must have four digits")
        }
        let today = now()
        let receivedOn = try text(args.receivedOn).map(validDate) ?? Self.dayFormatter.string(from: today)
        let record = NewRecord(
            title: title, authors: authors, publisher: text(args.publisher), year: args.year, isbn: isbn,
            language: nil, callNumber: callNumber, subject: text(args.subject), grade: args.grade, kind: kind,
            price: args.price, notes: nil)
        // The printers are chosen before anything is filed, so a wrong name refuses the intake.
        let config = state.config
        let printers = try args.print == true
            ? (spine: state.printer(for: "spine", named: text(args.printer), config), barcode: state.printer(for: "barcode", named: text(args.printer), config))
            : nil
        var result = try await state.database.intake(
            Intake(
                registerCode: try required(args.register, "register"), copies: args.copies, record: record,
                source: source, documentRef: text(args.doc), receivedOn: receivedOn, location: text(args.location),
                note: text(args.note)),
            at: today)
        if let printers {
            // The copies are filed; a label that cannot be made is said, not a reason to undo them.
            do {
                result.printJobs = try await printLabels(result.accessionNumbers, spine: printers.spine, barcode: printers.barcode, config)
            } catch let refusal as Refusal {
                result.printError = refusal.code.message(config.language) + (refusal.detail.map { ": " + $0 } ?? "")
            } catch let error as LabelError {
                result.printError = ((ErrorCode(rawValue: error.code.rawValue)?.message(config.language)).map { $0 + ": " } ?? "") + error.detail
            }
        }
        return result
    }

    /// A spine label and a barcode label per copy, in shelf order: spine 1, barcode 1, spine 2…
    private func printLabels(_ copies: [String], spine: PrinterSettings, barcode: PrinterSettings, _ config: DaemonConfig) async throws -> [Int64] {
        let templates = try ["spine", "barcode"].map { try config.labels.templates.entry(named: $0).template }
        var labels: [LabelToPrint] = []
        for copy in copies {
            for (template, printer) in zip(templates, [spine, barcode]) {
                labels.append(
                    LabelToPrint(template: template, key: copy, data: try await state.labelData(template, key: copy, config: config, at: now()), printer: printer))
            }
        }
        return try await state.queueLabels(labels, source: "intake", at: now()).map(\.id)
    }

    static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.calendar = .vietnam
        formatter.timeZone = Calendar.vietnam.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }()

    /// `yyyy-mm-dd`, or `dd/mm/yyyy` as Vietnamese staff write dates.
    func validDate(_ text: String) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = Calendar.vietnam.timeZone
        for format in ["yyyy-MM-dd", "dd/MM/yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Self.dayFormatter.string(from: date) }
        }
        throw Refusal(code: .invalidArgument, detail: "date must be yyyy-mm-dd or dd/mm/yyyy, not \(text)")
    }

    func recordShow(_ args: IDArgs) async throws -> RecordView {
        guard let record = try await state.database.record(id: args.id) else {
            throw Refusal(code: .notFound, detail: "record \(args.id)")
        }
        return record
    }

    func recordFind(_ args: QueryArgs) async throws -> RecordsResult {
        RecordsResult(records: try await state.database.findRecords(args.query, limit: limit(args.limit)))
    }

    func itemShow(_ args: BarcodeArgs) async throws -> ItemView {
        let barcode = try required(args.barcode, "barcode")
        guard let item = try await state.database.item(scanned: barcode) else {
            throw Refusal(code: .notFound, detail: barcode)
        }
        return item
    }

    func shelfList(_ args: ShelfListArgs) async throws -> ItemsResult {
        func parse(_ text: String?) throws -> CallNumber? {
            guard let text = self.text(text) else { return nil }
            do { return try CallNumber.parse(text) } catch { throw Refusal(code: .invalidCallNumber, detail: error.description) }
        }
        let (lower, upper) = CallNumber.rangeKeys(from: try parse(args.from), to: try parse(args.to))
        return ItemsResult(items: try await state.database.shelfList(lower: lower, upper: upper, limit: limit(args.limit ?? 1000)))
    }

    func registerList() async throws -> RegistersResult {
        RegistersResult(
            registers: try await state.database.registers().map { register, items in
                RegisterView(
                    code: register.code, name: register.name, format: register.format(0).replacingOccurrences(of: "0", with: "9"),
                    nextNumber: register.nextNumber, next: register.format(register.nextNumber), items: items)
            })
    }

    func schoolYear(_ given: String?) throws -> String {
        guard let year = text(given) else { return SchoolYear.containing(now()) }
        guard SchoolYear.isValid(year) else {
            throw Refusal(code: .invalidArgument, detail: "school year must look like 2026-2027, not \(year)")
        }
        return year
    }

    /// A patron from its fields, checked; `Refusal` for a bad field.
    func newPatron(card: String?, name: String?, kind: String?, className: String?, schoolYear year: String) throws -> NewPatron {
        let card = try required(card, "card")
        guard !card.contains(where: \.isWhitespace), card.count <= 64 else {
            throw Refusal(code: .invalidArgument, detail: "card must be one word of at most 64 characters")
        }
        var patronKind = PatronKind.pupil
        if let kind = text(kind) {
            guard let parsed = PatronKind(text: kind) else {
                throw Refusal(code: .invalidArgument, detail: "kind must be pupil, teacher or staff, not \(kind)")
            }
            patronKind = parsed
        }
        let className = text(className)
        if let className, className.count > 16 || className.contains(where: \.isWhitespace) {
            throw Refusal(code: .invalidArgument, detail: "class must be one word such as 6A, not \(className)")
        }
        return NewPatron(card: card, name: try required(name, "name"), kind: patronKind, className: className, schoolYear: year)
    }

    func patronAdd(_ args: PatronAddArgs) async throws -> PatronView {
        let patron = try newPatron(
            card: args.card, name: args.name, kind: args.kind, className: args.className,
            schoolYear: try schoolYear(args.schoolYear))
        return try await state.database.addPatron(patron, at: now())
    }

    func patronShow(_ args: CardArgs) async throws -> PatronView {
        guard let patron = try await state.database.patronDetail(card: try required(args.card, "card")) else {
            throw Refusal(code: .notFound, detail: args.card)
        }
        return patron
    }

    func patronFind(_ args: QueryArgs) async throws -> PatronsResult {
        PatronsResult(patrons: try await state.database.findPatrons(args.query, limit: limit(args.limit)))
    }

    /// Imports a class list: the header names the columns (`card`/`thẻ`, `name`/`họ tên`,
    /// `kind`/`loại`, `class`/`lớp`); every bad row is reported with its line and reason,
    /// and the good rows are imported — or, with `dry_run`, the import's transaction is rolled
    /// back and an upload kept for the import to follow.
    func patronImport(_ args: PatronImportArgs) async throws -> ImportResult {
        let year = try schoolYear(args.schoolYear)
        let dryRun = args.dryRun == true
        let header: [String]
        let body: [(line: Int, cells: [String])]
        if let upload = args.upload {
            // A class list as a file: CSV or XLSX, in any of the encodings a catalogue may be in.
            let (bytes, format) = try uploadBytes(upload, format: args.format, keep: dryRun)
            guard format == "csv" || format == "xlsx" else { throw Refusal(code: .invalidImportFile, detail: "a class list is CSV or XLSX, not \(format)") }
            let table = try spreadsheet(bytes, format: format, forced: try forcedEncoding(args.encoding))
            (header, body) = (table.header, table.rows)
        } else {
            let rows: [CSV.Row]
            do {
                rows = try CSV.parse(args.csv ?? "")
            } catch {
                throw Refusal(code: .invalidCSV, detail: "line \(error.line): \(error.reason)")
            }
            guard let first = rows.first else { throw Refusal(code: .invalidCSV, detail: "the file is empty") }
            header = first.fields
            body = rows.dropFirst().map { ($0.line, $0.fields) }
        }
        let names = header.map { VietnameseText.fold($0) }
        func column(_ aliases: [String]) -> Int? { names.firstIndex { aliases.contains($0) } }
        guard let cardColumn = column(["card", "the", "so the", "ma the"]),
            let nameColumn = column(["name", "ho ten", "ho va ten", "full name"])
        else {
            throw Refusal(code: .invalidCSV, detail: "line 1: the header must name the columns card and name")
        }
        let kindColumn = column(["kind", "loai", "doi tuong"])
        let classColumn = column(["class", "lop"])
        let classifier = state.config.classifier
        var good: [(line: Int, patron: NewPatron)] = []
        var rejected: [RejectedRow] = []
        for row in body where row.cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            func field(_ index: Int?) -> String? { index.flatMap { $0 < row.cells.count ? row.cells[$0] : nil } }
            guard args.upload != nil || row.cells.count == header.count else {
                rejected.append(RejectedRow(line: row.line, reason: "invalid_argument: \(row.cells.count) fields, the header has \(header.count)"))
                continue
            }
            do {
                let patron = try newPatron(
                    card: field(cardColumn), name: field(nameColumn), kind: field(kindColumn), className: field(classColumn), schoolYear: year)
                // A card the desk would not read as a card is refused (the [[pattern]]s of the config).
                guard case .patron = classifier.classify(patron.card) else {
                    throw Refusal(code: .invalidArgument, detail: "\(patron.card) is not a card the desk reads (the card patterns, docs/config.md [[pattern]])")
                }
                good.append((row.line, patron))
            } catch let refusal as Refusal {
                rejected.append(RejectedRow(line: row.line, reason: "\(refusal.code.rawValue): \(refusal.detail ?? "")"))
            }
        }
        let (imported, refused) = try await state.database.importPatrons(good, dryRun: dryRun, at: now())
        return ImportResult(
            imported: imported.count, rejected: (rejected + refused).sorted { $0.line < $1.line }, dryRun: dryRun, patrons: imported)
    }

    func classAdd(_ args: ClassArgs) async throws -> ClassView {
        let name = try required(args.name, "name")
        guard name.count <= 16, !name.contains(where: \.isWhitespace) else {
            throw Refusal(code: .invalidArgument, detail: "class must be one word such as 6A")
        }
        if let grade = args.grade, !(1...12).contains(grade) {
            throw Refusal(code: .invalidArgument, detail: "grade must be from 1 to 12")
        }
        return try await state.database.addClass(
            name: name, schoolYear: try schoolYear(args.schoolYear), grade: args.grade, homeroomTeacher: text(args.teacher))
    }

    func classList(_ args: ClassListArgs) async throws -> ClassesResult {
        let year = try schoolYear(args.schoolYear)
        return ClassesResult(schoolYear: year, classes: try await state.database.classList(schoolYear: year))
    }

    func classShow(_ args: ClassArgs) async throws -> ClassView {
        let year = try schoolYear(args.schoolYear)
        guard let view = try await state.database.classView(name: try required(args.name, "name"), schoolYear: year) else {
            throw Refusal(code: .notFound, detail: "\(args.name) \(year)")
        }
        return view
    }
}
