import Foundation

/// What scans at a desk mean (SPEC §5).
public enum DeskMode: String, Sendable, CaseIterable, Codable {
    case checkout, checkin, lesson, inventory, intake, lookup

    /// The mode's name for people.
    public var name: Bilingual {
        switch self {
        case .checkout: return Bilingual(vi: "mượn sách", en: "checkout")
        case .checkin: return Bilingual(vi: "trả sách", en: "checkin")
        case .lesson: return Bilingual(vi: "mượn theo tiết", en: "lesson loan")
        case .inventory: return Bilingual(vi: "kiểm kê", en: "inventory")
        case .intake: return Bilingual(vi: "in nhãn gáy", en: "intake labels")
        case .lookup: return Bilingual(vi: "tra cứu", en: "lookup")
        }
    }
}

/// Who a desk session or a checkout lends to: a patron by card, or a whole class (tủ sách lớp)
/// in a school year. One type for the desk, the store and the ops.
public enum Borrower: Sendable, Equatable {
    case card(String)
    case `class`(name: String, schoolYear: String)

    /// The card number or the class name, for messages.
    public var label: String {
        switch self {
        case .card(let card): return card
        case .class(let name, _): return name
        }
    }
}

/// What the store says about a borrower when a session opens (SPEC §5: name, class, current
/// loans, overdue count, blocks).
public struct BorrowerSummary: Sendable, Equatable {
    public var borrower: Borrower
    public var name: String
    public var className: String?
    public var loans: Int
    public var overdue: Int
    public var blocked: Bool
    /// Why the card is refused (blocked, with its reason; or left), said when the session opens.
    public var refusal: Bilingual?

    public init(
        borrower: Borrower, name: String, className: String? = nil, loans: Int, overdue: Int, blocked: Bool = false, refusal: Bilingual? = nil
    ) {
        self.borrower = borrower
        self.name = name
        self.className = className
        self.loans = loans
        self.overdue = overdue
        self.blocked = blocked
        self.refusal = refusal
    }
}

/// A lesson loan as the desk collected it: the teacher, the class if one was scanned, and
/// the units, to be recorded in one `lendLesson`. The daemon adds what a scan cannot say
/// (the period of the day, subject, title) from its timetable or defaults.
public struct DeskLesson: Sendable, Equatable {
    public var teacherCard: String
    public var className: String?
    public var schoolYear: String
    /// The day of the lesson, in Vietnam.
    public var date: Day
    public var units: [String]
    /// When the teacher's card was scanned.
    public var startedAt: Date

    public init(teacherCard: String, className: String?, schoolYear: String, date: Day, units: [String], startedAt: Date) {
        self.teacherCard = teacherCard
        self.className = className
        self.schoolYear = schoolYear
        self.date = date
        self.units = units
        self.startedAt = startedAt
    }
}

/// The loans of one checkout session, for the slip printed when it ends.
public struct LoanSlip: Sendable, Equatable {
    public var borrower: Borrower
    /// The borrower's name, when the store had said it.
    public var name: String?
    public var loans: [LoanView]
    public var openedAt: Date
    public var endedAt: Date

    public init(borrower: Borrower, name: String?, loans: [LoanView], openedAt: Date, endedAt: Date) {
        self.borrower = borrower
        self.name = name
        self.loans = loans
        self.openedAt = openedAt
        self.endedAt = endedAt
    }
}

/// Stable codes of what happened to a scan or a store result; the event stream carries them
/// (SPEC §8.3) and the scan log records them.
public enum DeskOutcome: String, Sendable, CaseIterable, Codable {
    // What a scan was taken for.
    case sessionOpening = "session_opening"
    case checkoutRequested = "checkout_requested"
    case checkinRequested = "checkin_requested"
    case lessonUnitReturnRequested = "lesson_unit_return_requested"
    case lessonTeacher = "lesson_teacher"
    case lessonClass = "lesson_class"
    case lessonUnit = "lesson_unit"
    case lessonCommitting = "lesson_committing"
    case locationSet = "location_set"
    case inventoryRequested = "inventory_requested"
    case spineRequested = "spine_requested"
    case lookupRequested = "lookup_requested"
    case modeChanged = "mode_changed"
    case sessionEnded = "session_ended"
    case undoRequested = "undo_requested"
    case nothingToUndo = "nothing_to_undo"
    // Refused at the desk, before the store.
    case noBorrower = "no_borrower"
    case noTeacher = "no_teacher"
    case noLocation = "no_location"
    case emptyLesson = "empty_lesson"
    case duplicateUnit = "duplicate_unit"
    case doubleRead = "double_read"
    case unknownCommand = "unknown_command"
    case invalidCheckDigit = "invalid_check_digit"
    case notForThisMode = "not_for_this_mode"
    case unrecognised = "unrecognised"
    case unreadable = "unreadable"
    // What the store did.
    case sessionOpened = "session_opened"
    case borrowerRefused = "borrower_refused"
    case lent = "lent"
    case renewed = "renewed"
    case returned = "returned"
    case lessonLent = "lesson_lent"
    case inventoryRecorded = "inventory_recorded"
    case spineQueued = "spine_queued"
    case lookedUp = "looked_up"
    case undone = "undone"
    case refused = "refused"

    public enum Level: String, Sendable, Codable {
        case info, warning, error
    }

    /// What a scan was taken for, said before the store answers (`Cho mượn STK.000001`): a
    /// step, not the scan's outcome, which is the next notice (`lent`, `refused`…). A screen
    /// showing each scan's one outcome leaves steps out.
    public var isStep: Bool {
        switch self {
        case .sessionOpening, .checkoutRequested, .checkinRequested, .lessonUnitReturnRequested, .lessonCommitting, .inventoryRequested,
            .spineRequested, .lookupRequested, .undoRequested:
            true
        default: false
        }
    }

    /// How the desk should sound: an error beeps and shows red.
    public var level: Level {
        switch self {
        case .noBorrower, .noTeacher, .noLocation, .unknownCommand, .invalidCheckDigit, .notForThisMode, .unrecognised, .unreadable,
            .borrowerRefused, .refused:
            return .error
        case .doubleRead, .duplicateUnit, .emptyLesson, .nothingToUndo:
            return .warning
        default:
            return .info
        }
    }
}

/// An event for the desk's display and subscribers: what happened, said in both languages.
public struct DeskNotice: Sendable, Equatable {
    public var outcome: DeskOutcome
    public var message: Bilingual
    public var mode: DeskMode
    /// The scan this is about, when it is about one.
    public var scan: String?
    public var scanner: String?
    /// The store's or the decoder's error code (`unknown_item`, `scan_too_long`) behind a refusal.
    public var refusal: String?
    public var at: Date

    public init(
        outcome: DeskOutcome, message: Bilingual, mode: DeskMode, scan: String? = nil, scanner: String? = nil, refusal: String? = nil,
        at: Date
    ) {
        self.outcome = outcome
        self.message = message
        self.mode = mode
        self.scan = scan
        self.scanner = scanner
        self.refusal = refusal
        self.at = at
    }

    public var level: DeskOutcome.Level { outcome.level }
}

/// What the daemon's desk actor carries out, in order. Each store action's result comes back
/// as a `DeskResult`.
public enum DeskAction: Sendable, Equatable {
    /// Look the borrower up; answer `sessionOpened` or `borrowerRefused`.
    case openSession(Borrower)
    /// `checkout(borrower, scanned:)`; answer `lent` or `refused`.
    case checkout(Borrower, item: String)
    /// `checkin(scanned:)`; answer `returned` or `refused`.
    case checkin(item: String)
    /// `returnLesson(id: nil, …)` for one unit back in good condition; answer `lessonReturned`
    /// or `refused`.
    case returnLessonUnit(String)
    /// `lendLesson`; answer `lessonLent` or `refused`.
    case lendLesson(DeskLesson)
    /// Record the item as seen on the shelf in the open inventory session.
    case inventoryScan(location: String, item: String)
    /// Queue the item's spine label.
    case printSpine(item: String)
    /// Say what the code is; change nothing.
    case lookup(String, as: BarcodeCategory?)
    case printLoanSlip(LoanSlip)
    /// Reverse a loan or a return of this session; answer `undone` or `refused`.
    case undo(DeskUndo)
    case publish(DeskNotice)
}

/// What QUAY:UNDO reverses: a loan or a return made in this desk session, by its loan's id.
public enum DeskUndo: Sendable, Equatable {
    case loan(id: Int64, item: String)
    case `return`(id: Int64, item: String)

    public var item: String {
        switch self {
        case .loan(_, let item), .return(_, let item): item
        }
    }
}

/// A store refusal as the daemon reports it: the stable code and its message.
public struct DeskRefusal: Sendable, Equatable {
    public var code: String
    public var message: Bilingual

    public init(code: String, message: Bilingual) {
        self.code = code
        self.message = message
    }
}

/// What came of a `DeskAction`, fed back to the desk.
public enum DeskResult: Sendable, Equatable {
    case sessionOpened(BorrowerSummary)
    case borrowerRefused(Borrower, DeskRefusal)
    case lent(LoanView)
    case returned(LoanView)
    case lessonReturned(unit: String)
    case lessonLent(LessonView)
    case inventoryRecorded(item: String, location: String, found: ItemStatus? = nil)
    case spineQueued(item: String)
    /// A lookup's answer, said by the daemon (title and status, patron and loans, …).
    case lookedUp(String, description: Bilingual)
    /// A loan or return reversed: the loan as it is now.
    case undone(DeskUndo, LoanView)
    /// The store refused the action for `scan`.
    case refused(scan: String, DeskRefusal)
}
