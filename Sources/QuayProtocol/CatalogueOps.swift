import QuayCore

/// `intake`: a new title and its copies (SPEC §2 flow 2).
public struct IntakeArgs: Sendable, Codable, Equatable {
    public var register: String
    public var copies: Int
    public var title: String
    public var authors: [String]?
    public var isbn: String?
    public var classNumber: String?
    public var authorMark: String?
    public var publisher: String?
    public var year: Int?
    public var price: Int64?
    public var source: String?
    public var doc: String?
    public var location: String?
    public var receivedOn: String?
    public var kind: String?
    public var grade: Int?
    public var subject: String?
    public var note: String?
    /// Queue a spine label and a barcode label for every new copy.
    public var print: Bool?
    /// The printer for both; by default each template's printer.
    public var printer: String?

    public init(register: String, copies: Int, title: String) {
        self.register = register
        self.copies = copies
        self.title = title
    }

    enum CodingKeys: String, CodingKey {
        case register, copies, title, authors, isbn
        case classNumber = "class_number"
        case authorMark = "author_mark"
        case publisher, year, price, source, doc, location
        case receivedOn = "received_on"
        case kind, grade, subject, note, print, printer
    }
}

public struct IDArgs: Sendable, Codable, Equatable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

public struct QueryArgs: Sendable, Codable, Equatable {
    public var query: String
    public var limit: Int?
    public init(query: String, limit: Int? = nil) {
        self.query = query
        self.limit = limit
    }
}

public struct BarcodeArgs: Sendable, Codable, Equatable {
    public var barcode: String
    public init(barcode: String) { self.barcode = barcode }
}

public struct ShelfListArgs: Sendable, Codable, Equatable {
    public var from: String?
    public var to: String?
    public var limit: Int?
    public init(from: String? = nil, to: String? = nil, limit: Int? = nil) {
        self.from = from
        self.to = to
        self.limit = limit
    }
}

public struct PatronAddArgs: Sendable, Codable, Equatable {
    public var card: String
    public var name: String
    public var kind: String?
    public var className: String?
    public var schoolYear: String?

    public init(card: String, name: String, kind: String? = nil, className: String? = nil, schoolYear: String? = nil) {
        self.card = card
        self.name = name
        self.kind = kind
        self.className = className
        self.schoolYear = schoolYear
    }

    enum CodingKeys: String, CodingKey {
        case card, name, kind
        case className = "class"
        case schoolYear = "school_year"
    }
}

public struct CardArgs: Sendable, Codable, Equatable {
    public var card: String
    public init(card: String) { self.card = card }
}

/// `patron.import`: the CSV text itself (the CLI reads the file), a header row with
/// `card,name[,kind][,class]` in any order.
/// Or an uploaded file (`upload`, from `upload.begin`): CSV or XLSX in any encoding a catalogue
/// may be in (`encoding` forces one). With `dry_run` nothing is written and an upload is kept,
/// so that the same upload can then be imported.
public struct PatronImportArgs: Sendable, Codable, Equatable {
    public var csv: String?
    public var upload: Int64?
    public var format: String?
    public var encoding: String?
    public var schoolYear: String?
    public var dryRun: Bool?

    public init(
        csv: String? = nil, upload: Int64? = nil, format: String? = nil, encoding: String? = nil, schoolYear: String? = nil, dryRun: Bool? = nil
    ) {
        self.csv = csv
        self.upload = upload
        self.format = format
        self.encoding = encoding
        self.schoolYear = schoolYear
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case csv, upload, format, encoding
        case schoolYear = "school_year"
        case dryRun = "dry_run"
    }
}

public struct ClassArgs: Sendable, Codable, Equatable {
    public var name: String
    public var schoolYear: String?
    public var grade: Int?
    public var teacher: String?

    public init(name: String, schoolYear: String? = nil, grade: Int? = nil, teacher: String? = nil) {
        self.name = name
        self.schoolYear = schoolYear
        self.grade = grade
        self.teacher = teacher
    }

    enum CodingKeys: String, CodingKey {
        case name
        case schoolYear = "school_year"
        case grade, teacher
    }
}

public struct RecordsResult: Sendable, Codable, Equatable {
    public var records: [RecordView]
    public init(records: [RecordView]) { self.records = records }
}

public struct ItemsResult: Sendable, Codable, Equatable {
    public var items: [ItemView]
    public init(items: [ItemView]) { self.items = items }
}

public struct PatronsResult: Sendable, Codable, Equatable {
    public var patrons: [PatronView]
    public init(patrons: [PatronView]) { self.patrons = patrons }
}

public struct RegistersResult: Sendable, Codable, Equatable {
    public var registers: [RegisterView]
    public init(registers: [RegisterView]) { self.registers = registers }
}

/// What `patron.import` did, or with `dry_run` would do: the patrons created (in the file's
/// order) and every refused row.
public struct ImportResult: Sendable, Codable, Equatable {
    public var imported: Int
    public var rejected: [RejectedRow]
    public var dryRun: Bool
    public var patrons: [PatronView]

    public init(imported: Int, rejected: [RejectedRow], dryRun: Bool = false, patrons: [PatronView] = []) {
        self.imported = imported
        self.rejected = rejected
        self.dryRun = dryRun
        self.patrons = patrons
    }

    enum CodingKeys: String, CodingKey {
        case imported, rejected
        case dryRun = "dry_run"
        case patrons
    }
}

/// `class.list`: the classes of a school year (the current one by default).
public struct ClassListArgs: Sendable, Codable, Equatable {
    public var schoolYear: String?

    public init(schoolYear: String? = nil) { self.schoolYear = schoolYear }

    enum CodingKeys: String, CodingKey { case schoolYear = "school_year" }
}

public struct ClassesResult: Sendable, Codable, Equatable {
    public var schoolYear: String
    public var classes: [ClassSummary]

    public init(schoolYear: String, classes: [ClassSummary]) {
        self.schoolYear = schoolYear
        self.classes = classes
    }

    enum CodingKeys: String, CodingKey {
        case schoolYear = "school_year"
        case classes
    }
}
