/// What the catalogue shows of its rows: values shared by the store, the protocol and the CLI.

/// A copy, as `quay item show` and lists show it.
public struct ItemView: Sendable, Codable, Equatable {
    public var accession: String
    public var barcode: String
    public var register: String
    public var number: Int64
    public var status: ItemStatus
    public var location: String?
    public var recordID: Int64
    public var title: String
    public var authors: String
    public var callNumber: String?
    public var batchID: Int64
    public var receivedOn: String
    public var source: String
    /// When an inventory last saw it on the shelf.
    public var lastSeenAt: String?
    /// A damaged copy away for repair (absent otherwise).
    public var inRepair: Bool?
    public var price: Int64?
    public var condition: String?
    public var note: String?

    public init(
        accession: String, barcode: String, register: String, number: Int64, status: ItemStatus, location: String?,
        recordID: Int64, title: String, authors: String, callNumber: String?, batchID: Int64, receivedOn: String,
        source: String, lastSeenAt: String? = nil, inRepair: Bool? = nil, price: Int64? = nil, condition: String? = nil,
        note: String? = nil
    ) {
        self.inRepair = inRepair
        self.price = price
        self.condition = condition
        self.note = note
        self.accession = accession
        self.barcode = barcode
        self.register = register
        self.number = number
        self.status = status
        self.location = location
        self.recordID = recordID
        self.title = title
        self.authors = authors
        self.callNumber = callNumber
        self.batchID = batchID
        self.receivedOn = receivedOn
        self.source = source
        self.lastSeenAt = lastSeenAt
    }

    enum CodingKeys: String, CodingKey {
        case accession, barcode, register, number, status, location
        case recordID = "record_id"
        case title, authors
        case callNumber = "call_number"
        case batchID = "batch_id"
        case receivedOn = "received_on"
        case source
        case lastSeenAt = "last_seen_at"
        case inRepair = "in_repair"
        case price, condition, note
    }
}

/// A title with its copies.
public struct RecordView: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String
    public var authors: String
    public var publisher: String?
    public var year: Int?
    public var isbn: String?
    public var callNumber: String?
    public var kind: String
    public var grade: Int?
    public var price: Int64?
    public var copies: Int
    /// The copies, in register order (only in `record.show`).
    public var items: [ItemView]?
    /// The two halves of the call number, as `record.update` takes them.
    public var classNumber: String?
    public var authorMark: String?
    public var subject: String?
    public var notes: String?

    public init(
        id: Int64, title: String, authors: String, publisher: String?, year: Int?, isbn: String?, callNumber: String?,
        kind: String, grade: Int?, price: Int64?, copies: Int, items: [ItemView]?, classNumber: String? = nil,
        authorMark: String? = nil, subject: String? = nil, notes: String? = nil
    ) {
        self.classNumber = classNumber
        self.authorMark = authorMark
        self.subject = subject
        self.notes = notes
        self.id = id
        self.title = title
        self.authors = authors
        self.publisher = publisher
        self.year = year
        self.isbn = isbn
        self.callNumber = callNumber
        self.kind = kind
        self.grade = grade
        self.price = price
        self.copies = copies
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case id, title, authors, publisher, year, isbn
        case callNumber = "call_number"
        case kind, grade, price, copies, items
        case classNumber = "class_number"
        case authorMark = "author_mark"
        case subject, notes
    }
}

/// A borrower.
public struct PatronView: Sendable, Codable, Equatable {
    public var card: String
    public var name: String
    public var kind: String
    public var className: String?
    public var schoolYear: String?
    public var status: String
    /// Why the card is blocked, or when its holder left (absent for an active card).
    public var statusReason: String?
    /// What the borrower owes for copies they lost (only in `patron.show`, when there is any).
    public var charges: [ChargeView]?

    public init(
        card: String, name: String, kind: String, className: String?, schoolYear: String?, status: String, statusReason: String? = nil,
        charges: [ChargeView]? = nil
    ) {
        self.card = card
        self.name = name
        self.kind = kind
        self.className = className
        self.schoolYear = schoolYear
        self.status = status
        self.statusReason = statusReason
        self.charges = charges
    }

    enum CodingKeys: String, CodingKey {
        case card, name, kind
        case className = "class"
        case schoolYear = "school_year"
        case status
        case statusReason = "status_reason"
        case charges
    }
}

/// A class with its pupils in Vietnamese name order.
public struct ClassView: Sendable, Codable, Equatable {
    public var name: String
    public var schoolYear: String
    public var grade: Int?
    public var homeroomTeacher: String?
    public var patrons: [PatronView]

    public init(name: String, schoolYear: String, grade: Int?, homeroomTeacher: String?, patrons: [PatronView]) {
        self.name = name
        self.schoolYear = schoolYear
        self.grade = grade
        self.homeroomTeacher = homeroomTeacher
        self.patrons = patrons
    }

    enum CodingKeys: String, CodingKey {
        case name
        case schoolYear = "school_year"
        case grade
        case homeroomTeacher = "homeroom_teacher"
        case patrons
    }
}

/// A class in a list of classes: its homeroom teacher and how many pupils it has.
public struct ClassSummary: Sendable, Codable, Equatable {
    public var name: String
    public var schoolYear: String
    public var grade: Int?
    public var homeroomTeacher: String?
    public var pupils: Int

    public init(name: String, schoolYear: String, grade: Int?, homeroomTeacher: String?, pupils: Int) {
        self.name = name
        self.schoolYear = schoolYear
        self.grade = grade
        self.homeroomTeacher = homeroomTeacher
        self.pupils = pupils
    }

    enum CodingKeys: String, CodingKey {
        case name
        case schoolYear = "school_year"
        case grade
        case homeroomTeacher = "homeroom_teacher"
        case pupils
    }
}

/// A register and where its numbering stands.
public struct RegisterView: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var format: String
    public var nextNumber: Int64
    public var next: String
    public var items: Int64

    public init(code: String, name: String, format: String, nextNumber: Int64, next: String, items: Int64) {
        self.code = code
        self.name = name
        self.format = format
        self.nextNumber = nextNumber
        self.next = next
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case code, name, format
        case nextNumber = "next_number"
        case next, items
    }
}

/// One row of a patron import that was not taken, and why.
public struct RejectedRow: Sendable, Codable, Equatable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// What an intake allocated.
public struct IntakeResult: Sendable, Codable, Equatable {
    public var batchID: Int64
    public var recordID: Int64
    public var registerCode: String
    public var firstNumber: Int64
    public var lastNumber: Int64
    /// The printed accession numbers, which are also the copies' barcodes: every one for an
    /// intake of up to `maxListed` copies, none for a larger one (its reply would pass the
    /// 1 MiB frame limit; `firstAccession`…`lastAccession` says it all).
    public var accessionNumbers: [String]
    public var firstAccession: String
    public var lastAccession: String

    /// The most copies whose numbers a reply lists one by one.
    public static let maxListed = 1000
    public var callNumber: String?
    /// With `print`: the queued label jobs, spine and barcode for each copy in turn.
    public var printJobs: [Int64]?
    /// With `print`, when the copies were filed but their labels could not be queued: why.
    public var printError: String?

    public init(
        batchID: Int64, recordID: Int64, registerCode: String, firstNumber: Int64, lastNumber: Int64,
        accessionNumbers: [String], firstAccession: String, lastAccession: String, callNumber: String?
    ) {
        self.batchID = batchID
        self.recordID = recordID
        self.registerCode = registerCode
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
        self.accessionNumbers = accessionNumbers
        self.firstAccession = firstAccession
        self.lastAccession = lastAccession
        self.callNumber = callNumber
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id"
        case recordID = "record_id"
        case registerCode = "register"
        case firstNumber = "first_number"
        case lastNumber = "last_number"
        case accessionNumbers = "accession_numbers"
        case firstAccession = "first_accession"
        case lastAccession = "last_accession"
        case callNumber = "call_number"
        case printJobs = "print_jobs"
        case printError = "print_error"
    }
}

/// A loan as desks and lists show it.
public struct LoanView: Sendable, Codable, Equatable {
    public var id: Int64
    public var accession: String
    public var barcode: String
    public var title: String
    /// The patron's card, or nil for a class loan.
    public var card: String?
    /// The patron's name, or the class's name for a class loan.
    public var borrower: String
    public var className: String?
    public var kind: LoanKind
    public var loanedAt: String
    /// The due day, `yyyy-mm-dd`.
    public var due: String
    public var renewals: Int
    public var returnedAt: String?
    /// Days late: overdue now for an open loan, at return for a returned one.
    public var overdueDays: Int
    /// True when this scan renewed a loan the borrower already held.
    public var renewed: Bool
    /// The copy had been missing or lost and this scan found it: it is back in circulation.
    /// A return of a found copy that was on no loan has `id` 0.
    public var found: ItemStatus?

    public init(
        id: Int64, accession: String, barcode: String, title: String, card: String?, borrower: String, className: String?,
        kind: LoanKind, loanedAt: String, due: String, renewals: Int, returnedAt: String?, overdueDays: Int, renewed: Bool,
        found: ItemStatus? = nil
    ) {
        self.found = found
        self.id = id
        self.accession = accession
        self.barcode = barcode
        self.title = title
        self.card = card
        self.borrower = borrower
        self.className = className
        self.kind = kind
        self.loanedAt = loanedAt
        self.due = due
        self.renewals = renewals
        self.returnedAt = returnedAt
        self.overdueDays = overdueDays
        self.renewed = renewed
    }

    enum CodingKeys: String, CodingKey {
        case id, accession, barcode, title, card, borrower
        case className = "class"
        case kind
        case loanedAt = "loaned_at"
        case due, renewals
        case returnedAt = "returned_at"
        case overdueDays = "overdue_days"
        case renewed, found
    }
}

/// A tagged equipment unit.
public struct EquipmentUnitView: Sendable, Codable, Equatable {
    public var accession: String
    public var barcode: String
    public var typeCode: String
    public var name: String
    public var condition: String
    public var status: String
    public var room: String?
    /// When an inventory last saw it.
    public var lastSeenAt: String?

    public init(
        accession: String, barcode: String, typeCode: String, name: String, condition: String, status: String, room: String?,
        lastSeenAt: String? = nil
    ) {
        self.accession = accession
        self.barcode = barcode
        self.typeCode = typeCode
        self.name = name
        self.condition = condition
        self.status = status
        self.room = room
        self.lastSeenAt = lastSeenAt
    }

    enum CodingKeys: String, CodingKey {
        case accession, barcode
        case typeCode = "code"
        case name, condition, status, room
        case lastSeenAt = "last_seen_at"
    }
}

/// A kind of equipment in the catalogue, with its units when it is tracked per unit.
public struct EquipmentView: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var subject: String?
    public var grades: String?
    public var unit: String
    public var room: String?
    /// `unit` (tagged units) or `quantity` (sets, consumables).
    public var tracking: String
    public var quantity: Int
    public var value: Int64?
    public var expiresOn: String?
    public var units: [EquipmentUnitView]?

    public init(
        code: String, name: String, subject: String?, grades: String?, unit: String, room: String?, tracking: String, quantity: Int,
        value: Int64?, expiresOn: String?, units: [EquipmentUnitView]?
    ) {
        self.code = code
        self.name = name
        self.subject = subject
        self.grades = grades
        self.unit = unit
        self.room = room
        self.tracking = tracking
        self.quantity = quantity
        self.value = value
        self.expiresOn = expiresOn
        self.units = units
    }

    enum CodingKeys: String, CodingKey {
        case code, name, subject, grades, unit, room, tracking, quantity, value
        case expiresOn = "expires_on"
        case units
    }
}

/// A quantity lent in a lesson, and what came back.
public struct LessonQuantityView: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var quantity: Int
    public var returned: Int?
    public var consumed: Int?
    public var lost: Int?

    public init(code: String, name: String, quantity: Int, returned: Int?, consumed: Int?, lost: Int?) {
        self.code = code
        self.name = name
        self.quantity = quantity
        self.returned = returned
        self.consumed = consumed
        self.lost = lost
    }
}

/// A unit lent in a lesson, and how it came back.
public struct LessonUnitView: Sendable, Codable, Equatable {
    public var unit: EquipmentUnitView
    public var returnCondition: String?

    public init(unit: EquipmentUnitView, returnCondition: String?) {
        self.unit = unit
        self.returnCondition = returnCondition
    }

    enum CodingKeys: String, CodingKey {
        case unit
        case returnCondition = "return_condition"
    }
}

/// A lesson loan (mượn theo tiết), a line of the equipment-usage log.
public struct LessonView: Sendable, Codable, Equatable {
    public var id: Int64
    public var teacherCard: String
    public var teacher: String
    public var className: String?
    public var subject: String?
    public var date: String
    public var period: Int
    public var title: String?
    public var loanedAt: String
    public var returnedAt: String?
    public var units: [LessonUnitView]
    public var quantities: [LessonQuantityView]

    public init(
        id: Int64, teacherCard: String, teacher: String, className: String?, subject: String?, date: String, period: Int,
        title: String?, loanedAt: String, returnedAt: String?, units: [LessonUnitView], quantities: [LessonQuantityView]
    ) {
        self.id = id
        self.teacherCard = teacherCard
        self.teacher = teacher
        self.className = className
        self.subject = subject
        self.date = date
        self.period = period
        self.title = title
        self.loanedAt = loanedAt
        self.returnedAt = returnedAt
        self.units = units
        self.quantities = quantities
    }

    enum CodingKeys: String, CodingKey {
        case id
        case teacherCard = "teacher_card"
        case teacher
        case className = "class"
        case subject, date, period, title
        case loanedAt = "loaned_at"
        case returnedAt = "returned_at"
        case units, quantities
    }
}
