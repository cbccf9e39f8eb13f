import Foundation

/// What a column of a school's spreadsheet holds (SPEC §10): the names staff give it, in
/// Vietnamese or English, with the common spellings, matched without diacritics or case.
public enum ImportField: String, CaseIterable, Sendable, Codable {
    case accession, barcode, title, authors, publisher, year, isbn
    case classNumber = "class_number", authorMark = "author_mark"
    case subject, grade, kind, language, price
    case receivedOn = "received_on", generalRegister = "general_register"
    case source, document, location, status, notes, copies, register

    /// Header names, folded (`VietnameseText.fold`).
    public var aliases: [String] {
        switch self {
        case .accession: ["so dkcb", "dkcb", "so dang ky ca biet", "so ca biet", "ma dkcb", "accession", "accession number", "so dk ca biet"]
        case .barcode: ["ma vach", "barcode", "ma so"]
        case .title: ["nhan de", "ten sach", "title", "ten tai lieu", "nhan de chinh", "ten an pham"]
        case .authors: ["tac gia", "author", "authors", "tac gia chinh"]
        case .publisher: ["nha xuat ban", "nxb", "publisher", "noi xb - nha xb", "noi xb – nha xb"]
        case .year: ["nam xb", "nam xuat ban", "year", "nam"]
        case .isbn: ["isbn"]
        case .classNumber: ["ky hieu phan loai", "mon loai", "class number", "ddc", "phan loai", "kyhieu phan loai", "mon loai / ky hieu phan loai"]
        case .authorMark: ["ky hieu tac gia", "author mark"]
        case .subject: ["mon hoc", "chu de", "subject", "mon"]
        case .grade: ["khoi", "grade", "khoi lop"]
        case .kind: ["loai", "loai tai lieu", "kind", "type", "item type"]
        case .language: ["ngon ngu", "language"]
        case .price: ["gia", "gia tien", "gia bia", "don gia", "price", "gia tien (d)", "gia (d)"]
        case .receivedOn: ["ngay vao so", "ngay nhap", "received on", "date acquired", "ngay"]
        case .generalRegister: ["so vao so tong quat", "so tong quat", "general register", "so vao so"]
        case .source: ["nguon", "source", "nguon nhap"]
        case .document: ["so chung tu", "chung tu", "document"]
        case .location: ["vi tri", "kho", "location", "ke", "noi luu"]
        case .status: ["tinh trang", "status", "trang thai"]
        case .notes: ["ghi chu", "notes", "note"]
        case .copies: ["so ban", "so luong", "copies", "quantity", "sl"]
        case .register: ["so dang ky", "register", "ma so dang ky"]
        }
    }

    /// The field a header names, by alias.
    public static func named(_ header: String) -> ImportField? {
        let folded = VietnameseText.fold(header).trimmingCharacters(in: .whitespaces)
        return allCases.first { $0.rawValue == folded || $0.aliases.contains(folded) }
    }
}

/// A problem with a row: the line (the spreadsheet's row, the CSV's line, the MARC record's
/// ordinal), the column when one is at fault, and why, in both languages.
public struct ImportProblem: Error, Sendable, Equatable {
    public var line: Int
    public var column: String?
    public var reason: Bilingual

    public init(line: Int, column: String? = nil, reason: Bilingual) {
        self.line = line
        self.column = column
        self.reason = reason
    }
}

/// A copy as a school's file gives it: its number on the spine, or how many to number.
public struct ImportedCopy: Sendable, Equatable {
    public var line: Int
    /// The number on the spine (prefix and number), or nil: numbered from the register.
    public var accession: AccessionNumber?
    /// A register given without a number (a `register` column, or `--register`).
    public var registerCode: String?
    public var barcode: String?
    public var price: Int64?
    /// `yyyy-mm-dd`.
    public var receivedOn: String?
    public var generalRegister: String?
    public var source: IntakeSource?
    public var document: String?
    public var location: String?
    public var status: ItemStatus?
    /// Copies to number when the row is per title (`copies` column) and carries no number.
    public var count: Int = 1

    public init(line: Int) { self.line = line }
}

/// A title with its copies, from one row or several rows of the same title.
public struct ImportedRecord: Sendable, Equatable {
    public var title: String
    public var authors: [String] = []
    public var publisher: String?
    public var year: Int?
    public var isbn: String?
    public var language: String?
    public var callNumber: CallNumber?
    public var subject: String?
    public var grade: Int?
    public var kind: MaterialKind?
    public var price: Int64?
    public var notes: String?
    public var copies: [ImportedCopy] = []

    public init(title: String) { self.title = title }

    /// Rows of the same title become one record: the same ISBN, or the same title, authors,
    /// publisher and year (compared without diacritics or case).
    public var key: String {
        if let isbn { return "isbn:" + isbn }
        return [title, authors.joined(separator: ";"), publisher ?? "", year.map(String.init) ?? ""].map(VietnameseText.fold).joined(separator: "|")
    }
}

/// What an import reads from its file, a piece at a time: a title with its copies, or a
/// problem of the file (a bad row, a broken record).
public enum ImportPiece: Sendable, Equatable {
    case record(ImportedRecord)
    case problem(ImportProblem)
}

/// Reading the values of a school's files: prices, dates, kinds, statuses, as staff type them.
public enum ImportValues {
    /// "85000", "85.000", "85,000 đ", "85000đ", "85.000 VNĐ" → 85000; nil for anything else.
    public static func price(_ text: String) -> Int64? {
        var digits = ""
        var rest = VietnameseText.fold(text).replacingOccurrences(of: " ", with: "")
        for suffix in ["vnd", "dong", "d"] where rest.hasSuffix(suffix) {
            rest.removeLast(suffix.count)
            break
        }
        for character in rest {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if character == "." || character == "," {
                continue
            } else {
                return nil
            }
        }
        guard let value = Int64(digits), Money.isValid(value) else { return nil }
        return value
    }

    /// `yyyy-mm-dd`, `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy` → `yyyy-mm-dd`.
    public static func day(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = Day(String(trimmed.prefix(10))), trimmed.count == 10 || trimmed.dropFirst(10).first == "T" || trimmed.dropFirst(10).first == " " {
            return day.description
        }
        let parts = trimmed.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), (1900...2100).contains(y),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        return Day(String(format: "%04d-%02d-%02d", y, m, d))?.description
    }

    /// A material kind by its name, its register's code or its Vietnamese words.
    public static func kind(_ text: String) -> MaterialKind? {
        let folded = VietnameseText.fold(text)
        if let kind = MaterialKind(rawValue: folded) { return kind }
        let words: [(MaterialKind, [String])] = [
            (.textbook, ["sgk", "sach giao khoa", "giao khoa"]), (.professional, ["snv", "sach nghiep vu", "nghiep vu"]),
            (.reference, ["stk", "sach tham khao", "tham khao"]), (.children, ["tn", "thieu nhi", "sach thieu nhi"]),
            (.periodical, ["bao", "tap chi", "bao, tap chi", "bao tap chi"]), (.other, ["khac"]),
        ]
        return words.first { $0.1.contains(folded) }?.0
    }

    public static func source(_ text: String) -> IntakeSource? {
        let folded = VietnameseText.fold(text)
        if let source = IntakeSource(rawValue: folded) { return source }
        return ["mua": .purchase, "tang": .donation, "bieu tang": .donation, "dieu chuyen": .transfer, "dieu chuyen den": .transfer][folded]
    }

    /// A copy's state as an export or a spreadsheet says it; a copy on loan elsewhere comes in
    /// as available (the loan is not imported).
    public static func status(_ text: String) -> ItemStatus? {
        let folded = VietnameseText.fold(text)
        if folded == "on_loan" || folded == "dang muon" { return .available }
        if let status = ItemStatus(rawValue: folded) { return status }
        let words: [String: ItemStatus] = [
            "tot": .available, "con": .available, "co": .available, "binh thuong": .available, "san sang": .available,
            "mat": .lost, "thieu": .missing, "hong": .damaged, "rach": .damaged, "rach nat": .damaged, "da thanh ly": .withdrawn,
            "thanh ly": .withdrawn,
        ]
        return words[folded]
    }

    /// Authors as one cell: separated by ";" (or a line break); a comma is part of a name
    /// ("Nguyễn, Văn A" in some exports) and is kept.
    public static func authors(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Turns the rows of a spreadsheet (header mapped to fields, cells already decoded to NFC)
/// into records with copies and the problems of each bad row. Pure: the store then checks the
/// numbers against the database and creates them in one transaction.
public struct CataloguePlanner: Sendable {
    public var mapping: [Int: ImportField]
    public var defaultRegister: String?

    public init(mapping: [Int: ImportField], defaultRegister: String? = nil) {
        self.mapping = mapping
        self.defaultRegister = defaultRegister
    }

    /// The mapping of a header row: each column by its name, `overrides` (header → field name)
    /// first; unknown columns are left out (and said by the caller).
    public static func mapping(header: [String], overrides: [String: String] = [:]) throws(ImportMappingError) -> [Int: ImportField] {
        var mapping: [Int: ImportField] = [:]
        let folded = overrides.reduce(into: [String: String]()) { $0[VietnameseText.fold($1.key)] = $1.value }
        for (index, name) in header.enumerated() {
            if let fieldName = folded[VietnameseText.fold(name)] {
                guard let field = ImportField(rawValue: fieldName) ?? ImportField.named(fieldName) else {
                    throw ImportMappingError(reason: "--map \(name)=\(fieldName): no such field; fields: \(ImportField.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mapping[index] = field
            } else if let field = ImportField.named(name), !mapping.values.contains(field) {
                mapping[index] = field
            }
        }
        guard mapping.values.contains(.title) else {
            throw ImportMappingError(reason: "no column is the title (Nhan đề / Tên sách / Title); name it, or give --map \"COLUMN=title\"")
        }
        return mapping
    }

    /// The rows as records (rows of the same title merged, in the order of their first row)
    /// and the problems of the rows that are refused.
    public func plan(_ rows: [(line: Int, cells: [String])]) -> (records: [ImportedRecord], problems: [ImportProblem]) {
        var records: [ImportedRecord] = []
        var index: [String: Int] = [:]
        var problems: [ImportProblem] = []
        for row in rows where row.cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            switch parse(row) {
            case .failure(let problem): problems.append(problem)
            case .success(let record):
                if let at = index[record.key] {
                    records[at].copies += record.copies
                } else {
                    index[record.key] = records.count
                    records.append(record)
                }
            }
        }
        return (records, problems)
    }

    func parse(_ row: (line: Int, cells: [String])) -> Result<ImportedRecord, ImportProblem> {
        var values: [ImportField: String] = [:]
        for (column, field) in mapping where column < row.cells.count {
            let value = VietnameseText.nfc(row.cells[column].trimmingCharacters(in: .whitespacesAndNewlines))
            if !value.isEmpty { values[field] = value }
        }
        func fail(_ field: ImportField, _ vi: String, _ en: String) -> Result<ImportedRecord, ImportProblem> {
            .failure(ImportProblem(line: row.line, column: mapping.first { $0.value == field }.map { Self.columnName($0.key) }, reason: Bilingual(vi: vi, en: en)))
        }
        guard let title = values[.title] else { return fail(.title, "thiếu nhan đề", "no title") }
        if let control = VietnameseText.firstControl(in: values.values.joined(separator: " ")) {
            return .failure(
                ImportProblem(line: row.line, reason: Bilingual(vi: "có ký tự điều khiển \(VietnameseText.codePoint(control))", en: "a control character \(VietnameseText.codePoint(control))")))
        }
        var record = ImportedRecord(title: title)
        var copy = ImportedCopy(line: row.line)
        record.authors = values[.authors].map { ImportValues.authors($0) } ?? []
        record.publisher = values[.publisher]
        record.language = values[.language]
        record.subject = values[.subject]
        record.notes = values[.notes]
        if let year = values[.year] {
            guard let number = Int(year.prefix(4)), (1000...9999).contains(number) else { return fail(.year, "năm xuất bản \(year) không đọc được", "the year \(year) is not a year") }
            record.year = number
        }
        if let isbn = values[.isbn] {
            guard let normalized = Identifiers.normalizedISBN(isbn) else { return fail(.isbn, "ISBN \(isbn) sai", "the ISBN \(isbn) is not valid") }
            record.isbn = normalized
        }
        if let grade = values[.grade] {
            guard let number = Int(grade.filter(\.isNumber)), (1...12).contains(number) else { return fail(.grade, "khối \(grade) không đọc được", "the grade \(grade) is not 1–12") }
            record.grade = number
        }
        if let kind = values[.kind] {
            guard let parsed = ImportValues.kind(kind) else { return fail(.kind, "loại tài liệu \(kind) không biết", "the kind \(kind) is not known") }
            record.kind = parsed
        }
        if let price = values[.price] {
            guard let value = ImportValues.price(price) else { return fail(.price, "giá \(price) không đọc được", "the price \(price) is not an amount") }
            record.price = value
            copy.price = value
        }
        if let classNumber = values[.classNumber] {
            do {
                var callNumber = try CallNumber.parse(classNumber)
                if let mark = values[.authorMark] {
                    callNumber.authorMark = mark.uppercased()
                } else if callNumber.authorMark == nil, let author = record.authors.first {
                    callNumber.authorMark = AuthorMark.derive(from: author)
                }
                record.callNumber = callNumber
            } catch {
                return fail(.classNumber, "ký hiệu phân loại \(classNumber) sai: \(error.description)", "the class number \(classNumber): \(error.description)")
            }
        }
        if let accession = values[.accession] {
            if let parsed = AccessionNumber(accession) {
                copy.accession = parsed
            } else if let number = Int64(accession), number >= 1, let register = values[.register] ?? defaultRegister {
                copy.accession = AccessionNumber(prefix: register.uppercased(), number: number)
            } else {
                return fail(.accession, "số ĐKCB \(accession) không đọc được (như STK.000123)", "the accession number \(accession) is not one (such as STK.000123)")
            }
        }
        copy.registerCode = values[.register]?.uppercased() ?? defaultRegister
        copy.barcode = values[.barcode]
        if let barcode = copy.barcode, barcode.count > 64 || barcode.contains(where: \.isWhitespace) {
            return fail(.barcode, "mã vạch \(barcode) sai", "the barcode \(barcode) is not one")
        }
        if let day = values[.receivedOn] {
            guard let parsed = ImportValues.day(day) else { return fail(.receivedOn, "ngày vào sổ \(day) không đọc được (dd/mm/yyyy)", "the day \(day) is not a date (dd/mm/yyyy)") }
            copy.receivedOn = parsed
        }
        copy.generalRegister = values[.generalRegister]
        if let source = values[.source] {
            guard let parsed = ImportValues.source(source) else { return fail(.source, "nguồn \(source) không biết (mua, tặng, điều chuyển)", "the source \(source) is not purchase, donation or transfer") }
            copy.source = parsed
        }
        copy.document = values[.document]
        copy.location = values[.location]
        if let status = values[.status] {
            guard let parsed = ImportValues.status(status) else { return fail(.status, "tình trạng \(status) không biết", "the status \(status) is not known") }
            copy.status = parsed
        }
        if let copies = values[.copies] {
            guard let count = Int(copies), (1...10_000).contains(count) else { return fail(.copies, "số bản \(copies) không đọc được", "the copies \(copies) is not 1–10,000") }
            guard copy.accession == nil || count == 1 else {
                return fail(.copies, "một dòng có số ĐKCB là một bản, không phải \(count)", "a row with an accession number is one copy, not \(count)")
            }
            copy.count = count
        }
        guard copy.accession != nil || copy.registerCode != nil || record.kind != nil else {
            return fail(.accession, "thiếu số ĐKCB (hoặc cột sổ đăng ký, loại, hay --register)", "no accession number (nor a register column, a kind or --register)")
        }
        record.copies = [copy]
        return .success(record)
    }

    /// A spreadsheet's column letter for a column index (0 → A, 26 → AA).
    public static func columnName(_ index: Int) -> String {
        var name = ""
        var number = index + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }
}

public struct ImportMappingError: Error, Sendable, Equatable {
    public var reason: String
}

extension AccessionNumber {
    public init(prefix: String, number: Int64) {
        self.prefix = prefix
        self.number = number
    }
}
