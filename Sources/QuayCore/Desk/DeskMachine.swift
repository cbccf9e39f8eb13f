import Foundation

/// How a desk behaves, from the config.
public struct DeskConfiguration: Sendable, Equatable {
    public var classifier: BarcodeClassifier
    /// A checkout session or a lesson loan being scanned ends after this long without a scan.
    public var idleTimeout: TimeInterval
    /// The same code from the same scanner within this window is a double read (SPEC §5).
    public var debounce: TimeInterval
    /// Print a loan slip when a checkout session with loans ends.
    public var printsLoanSlip: Bool
    /// The school year class cards and lessons belong to; nil: the one the scan falls in.
    public var schoolYear: String?
    /// Longer scans are refused as unreadable (SPEC §13: scan length 256).
    public var maxScanLength: Int

    public init(
        classifier: BarcodeClassifier = .standard, idleTimeout: TimeInterval = 90, debounce: TimeInterval = 0.8,
        printsLoanSlip: Bool = false, schoolYear: String? = nil, maxScanLength: Int = 256
    ) {
        self.classifier = classifier
        self.idleTimeout = idleTimeout
        self.debounce = debounce
        self.printsLoanSlip = printsLoanSlip
        self.schoolYear = schoolYear
        self.maxScanLength = maxScanLength
    }
}

/// The desk workflow (SPEC §5) as a pure state machine: scans, clock ticks, mode changes and
/// the store's results go in; `DeskAction`s come out for the daemon's desk actor to carry
/// out in order. It never reads a clock (every input says when), never does I/O, and
/// answers every input — however odd — with actions, never a trap.
///
/// Choices:
/// - Every scan yields exactly one `publish`, first, then the work it asks for; every
///   result yields one `publish`.
/// - Idle timeouts are applied on every input, not only on `tick`, so a scan after a missed
///   tick never lends to the previous borrower.
/// - Lesson loans collect units and are recorded at once (the store's `lendLesson` is one
///   transaction) on `QUAY:END`, on the next teacher's card, on a mode change, or when idle:
///   the units have left the room either way, so they are recorded, never dropped.
/// - Double reads slide: a code repeated every half second by a scanner in continuous mode
///   stays a double read for as long as it repeats.
/// - The same card scanned again (outside the debounce) keeps its session and asks for a
///   fresh summary; another card ends the session and opens a new one.
/// - Switching to the mode the desk is already in changes nothing but is said.
public struct DeskMachine: Sendable {
    enum State: Sendable, Equatable {
        case checkout(BorrowerSession?)
        case checkin
        case lesson(LessonDraft?)
        case inventory(location: String?)
        case intake
        case lookup
    }

    struct BorrowerSession: Sendable, Equatable {
        var borrower: Borrower
        var summary: BorrowerSummary?
        var loans: [LoanView] = []
        var openedAt: Date
        var lastActivity: Date
    }

    struct LessonDraft: Sendable, Equatable {
        var teacherCard: String
        var className: String?
        var schoolYear: String
        var units: [String] = []
        var startedAt: Date
        var lastActivity: Date
    }

    struct LastScan: Sendable, Equatable {
        var code: String
        var at: Date
    }

    /// The scan a notice is about.
    struct Context {
        var code: String
        var scanner: String
    }

    public let configuration: DeskConfiguration
    private var state: State
    private var lastScans: [String: LastScan] = [:]
    /// The loans and returns of the desk session (the borrower's session in checkout, the stint
    /// in checkin mode) that QUAY:UNDO may still reverse, the last one last.
    private var undoable: [DeskUndo] = []

    public init(configuration: DeskConfiguration = DeskConfiguration(), mode: DeskMode = .checkout) {
        self.configuration = configuration
        state = Self.initialState(mode)
    }

    public var mode: DeskMode {
        switch state {
        case .checkout: return .checkout
        case .checkin: return .checkin
        case .lesson: return .lesson
        case .inventory: return .inventory
        case .intake: return .intake
        case .lookup: return .lookup
        }
    }

    /// The borrower of the open checkout session.
    public var borrower: Borrower? {
        if case .checkout(let session?) = state { return session.borrower }
        return nil
    }

    /// The current shelf in inventory mode.
    public var location: String? {
        if case .inventory(let location) = state { return location }
        return nil
    }

    /// The lesson loan being scanned, as it would be recorded now.
    public var lesson: DeskLesson? {
        guard case .lesson(let draft?) = state else { return nil }
        return Self.lesson(draft)
    }

    // MARK: Inputs

    /// A scan from `scanner` (the daemon's name for the device). The daemon has already
    /// appended it to the scan log.
    public mutating func scan(_ data: String, scanner: String, at now: Date) -> [DeskAction] {
        var actions = expire(at: now)
        let code = VietnameseText.nfc(data.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !code.isEmpty, code.count <= configuration.maxScanLength else {
            let refusal = code.isEmpty ? "scan_empty" : "scan_too_long"
            actions.append(
                publish(
                    .unreadable, DeskMessages.unreadable, Context(code: String(code.prefix(40)), scanner: scanner), refusal: refusal,
                    at: now))
            return actions
        }
        let context = Context(code: code, scanner: scanner)
        if let last = lastScans[scanner], last.code == code, abs(now.timeIntervalSince(last.at)) < configuration.debounce {
            lastScans[scanner] = LastScan(code: code, at: now)
            actions.append(publish(.doubleRead, DeskMessages.doubleRead(code), context, at: now))
            return actions
        }
        lastScans[scanner] = LastScan(code: code, at: now)
        switch configuration.classifier.classify(code) {
        case .command(.mode(let mode)):
            actions += switchMode(to: mode, context, at: now)
        case .command(.end):
            actions += end(context, at: now)
        case .command(.undo):
            actions += undo(context, at: now)
        case .unknownCommand:
            actions.append(publish(.unknownCommand, DeskMessages.unknownCommand(code), context, at: now))
        case .badCheckDigit:
            actions.append(publish(.invalidCheckDigit, DeskMessages.invalidCheckDigit(code), context, at: now))
        case .unrecognised:
            actions.append(publish(.unrecognised, DeskMessages.unrecognised(code), context, at: now))
        case let classified:
            actions += act(on: classified, context, at: now)
        }
        return actions
    }

    /// A scan the decoder refused (`scan_too_long`, `scan_unknown_key`, …): said, so staff
    /// scan again.
    public mutating func scanFailed(reason: String, scanner: String, at now: Date) -> [DeskAction] {
        expire(at: now) + [publish(.unreadable, DeskMessages.unreadable, Context(code: "", scanner: scanner), refusal: reason, at: now)]
    }

    /// The clock moved on: ends a session or lesson loan idle for `idleTimeout`.
    public mutating func tick(at now: Date) -> [DeskAction] {
        lastScans = lastScans.filter { abs(now.timeIntervalSince($0.value.at)) < configuration.debounce }
        return expire(at: now)
    }

    /// The mode set from the keyboard (`quay desk mode`).
    public mutating func setMode(_ mode: DeskMode, at now: Date) -> [DeskAction] {
        expire(at: now) + switchMode(to: mode, nil, at: now)
    }

    /// What came of an action.
    public mutating func handle(_ result: DeskResult, at now: Date) -> [DeskAction] {
        switch result {
        case .sessionOpened(let summary):
            guard case .checkout(var session?) = state, session.borrower == summary.borrower else { return [] }
            session.summary = summary
            state = .checkout(session)
            return [publish(.sessionOpened, DeskMessages.sessionOpened(summary), nil, scan: summary.borrower.label, at: now)]
        case .borrowerRefused(let borrower, let refusal):
            if case .checkout(let session?) = state, session.borrower == borrower { state = .checkout(nil) }
            return [publish(.borrowerRefused, refusal.message, nil, scan: borrower.label, refusal: refusal.code, at: now)]
        case .lent(let loan):
            if case .checkout(var session?) = state, Self.loan(loan, isFor: session.borrower) {
                session.loans.append(loan)
                state = .checkout(session)
                if !loan.renewed { undoable.append(.loan(id: loan.id, item: loan.barcode)) }
            }
            return [publish(loan.renewed ? .renewed : .lent, DeskMessages.lent(loan), nil, scan: loan.barcode, at: now)]
        case .returned(let loan):
            if case .checkin = state, loan.id != 0 { undoable.append(.return(id: loan.id, item: loan.barcode)) }
            return [publish(.returned, DeskMessages.returned(loan), nil, scan: loan.barcode, at: now)]
        case .undone(let undo, let loan):
            if case .loan(let id, _) = undo, case .checkout(var session?) = state {
                session.loans.removeAll { $0.id == id }
                state = .checkout(session)
            }
            return [publish(.undone, DeskMessages.undone(undo, loan), nil, scan: loan.barcode, at: now)]
        case .lessonReturned(let unit):
            return [publish(.returned, DeskMessages.lessonReturned(unit), nil, scan: unit, at: now)]
        case .lessonLent(let lesson):
            return [publish(.lessonLent, DeskMessages.lessonLent(lesson), nil, scan: lesson.teacherCard, at: now)]
        case .inventoryRecorded(let item, let location, let found):
            return [publish(.inventoryRecorded, DeskMessages.inventoryRecorded(item, at: location, found: found), nil, scan: item, at: now)]
        case .spineQueued(let item):
            return [publish(.spineQueued, DeskMessages.spineQueued(item), nil, scan: item, at: now)]
        case .lookedUp(let code, let description):
            return [publish(.lookedUp, description, nil, scan: code, at: now)]
        case .refused(let code, let refusal):
            return [publish(.refused, refusal.message, nil, scan: code, refusal: refusal.code, at: now)]
        }
    }

    // MARK: Scans by mode

    private mutating func act(on code: ScannedCode, _ context: Context, at now: Date) -> [DeskAction] {
        switch state {
        case .checkout(let session): return checkout(code, session, context, at: now)
        case .checkin: return checkin(code, context, at: now)
        case .lesson(let draft): return lesson(code, draft, context, at: now)
        case .inventory(let location): return inventory(code, location, context, at: now)
        case .intake:
            guard let item = Self.item(code) else { return notForThisMode(code, context, at: now) }
            return [publish(.spineRequested, DeskMessages.spineRequested(item), context, at: now), .printSpine(item: item)]
        case .lookup:
            return [
                publish(.lookupRequested, DeskMessages.lookupRequested(context.code), context, at: now),
                .lookup(context.code, as: Self.category(code)),
            ]
        }
    }

    private mutating func checkout(_ code: ScannedCode, _ session: BorrowerSession?, _ context: Context, at now: Date) -> [DeskAction] {
        if let borrower = borrower(code, at: now) {
            var actions: [DeskAction] = []
            if var session, session.borrower == borrower {
                session.lastActivity = now
                state = .checkout(session)
            } else {
                if let session { actions += endSession(session, idle: false, context, at: now) }
                state = .checkout(BorrowerSession(borrower: borrower, openedAt: now, lastActivity: now))
                undoable = []
            }
            return actions + [publish(.sessionOpening, DeskMessages.sessionOpening(borrower), context, at: now), .openSession(borrower)]
        }
        guard let item = Self.item(code) else { return notForThisMode(code, context, at: now) }
        guard var session else { return [publish(.noBorrower, DeskMessages.noBorrower, context, at: now)] }
        session.lastActivity = now
        state = .checkout(session)
        return [
            publish(.checkoutRequested, DeskMessages.checkoutRequested(item), context, at: now), .checkout(session.borrower, item: item),
        ]
    }

    private mutating func checkin(_ code: ScannedCode, _ context: Context, at now: Date) -> [DeskAction] {
        switch code {
        case .item(let item):
            return [publish(.checkinRequested, DeskMessages.checkinRequested(item), context, at: now), .checkin(item: item)]
        case .equipmentUnit(let unit):
            // Lesson loans come back in checkin mode too (SPEC §5), unit by unit.
            return [
                publish(.lessonUnitReturnRequested, DeskMessages.lessonUnitReturnRequested(unit), context, at: now),
                .returnLessonUnit(unit),
            ]
        default:
            return notForThisMode(code, context, at: now)
        }
    }

    private mutating func lesson(_ code: ScannedCode, _ draft: LessonDraft?, _ context: Context, at now: Date) -> [DeskAction] {
        switch code {
        case .patron(_, .pupil?):
            return [publish(.notForThisMode, DeskMessages.teachersOnly, context, at: now)]
        case .patron(let card, _):
            var actions: [DeskAction] = []
            if var draft, draft.teacherCard == card {
                draft.lastActivity = now
                state = .lesson(draft)
            } else {
                if let draft { actions += commit(draft, idle: false, context, at: now) }
                state = .lesson(LessonDraft(teacherCard: card, schoolYear: schoolYear(at: now), startedAt: now, lastActivity: now))
            }
            return actions + [publish(.lessonTeacher, DeskMessages.lessonTeacher(card), context, at: now)]
        case .classCard(let name):
            guard var draft else { return [publish(.noTeacher, DeskMessages.noTeacher, context, at: now)] }
            draft.className = name
            draft.lastActivity = now
            state = .lesson(draft)
            return [publish(.lessonClass, DeskMessages.lessonClass(name), context, at: now)]
        case .item(let unit), .equipmentUnit(let unit):
            guard var draft else { return [publish(.noTeacher, DeskMessages.noTeacher, context, at: now)] }
            draft.lastActivity = now
            guard !draft.units.contains(unit) else {
                state = .lesson(draft)
                return [publish(.duplicateUnit, DeskMessages.duplicateUnit(unit), context, at: now)]
            }
            draft.units.append(unit)
            state = .lesson(draft)
            return [publish(.lessonUnit, DeskMessages.lessonUnit(unit, count: draft.units.count), context, at: now)]
        default:
            return notForThisMode(code, context, at: now)
        }
    }

    private mutating func inventory(_ code: ScannedCode, _ location: String?, _ context: Context, at now: Date) -> [DeskAction] {
        if case .location(let shelf) = code {
            state = .inventory(location: shelf)
            return [publish(.locationSet, DeskMessages.locationSet(shelf), context, at: now)]
        }
        guard let item = Self.item(code) else { return notForThisMode(code, context, at: now) }
        guard let location else { return [publish(.noLocation, DeskMessages.noLocation, context, at: now)] }
        return [
            publish(.inventoryRequested, DeskMessages.inventoryRequested(item, at: location), context, at: now),
            .inventoryScan(location: location, item: item),
        ]
    }

    // MARK: Commands, endings and modes

    /// QUAY:UNDO: the session's last loan or return, reversed (the store refuses when it has
    /// changed since); a second UNDO reverses the one before.
    private mutating func undo(_ context: Context, at now: Date) -> [DeskAction] {
        if case .checkout(var session?) = state {
            session.lastActivity = now
            state = .checkout(session)
        }
        guard let last = undoable.popLast() else {
            return [publish(.nothingToUndo, DeskMessages.nothingToUndo, context, at: now)]
        }
        return [publish(.undoRequested, DeskMessages.undoRequested(last), context, at: now), .undo(last)]
    }

    private mutating func end(_ context: Context, at now: Date) -> [DeskAction] {
        undoable = []
        switch state {
        case .checkout(let session?):
            state = .checkout(nil)
            return endSession(session, idle: false, context, at: now)
        case .lesson(let draft?):
            state = .lesson(nil)
            return commit(draft, idle: false, context, at: now)
        case .inventory(let location?):
            state = .inventory(location: nil)
            return [publish(.sessionEnded, DeskMessages.shelfClosed(location), context, at: now)]
        default:
            return [publish(.sessionEnded, DeskMessages.noSession, context, at: now)]
        }
    }

    private mutating func switchMode(to mode: DeskMode, _ context: Context?, at now: Date) -> [DeskAction] {
        guard mode != self.mode else { return [publish(.modeChanged, DeskMessages.modeChanged(mode), context, at: now)] }
        var actions: [DeskAction] = []
        undoable = []
        switch state {
        case .checkout(let session?): actions += endSession(session, idle: false, context, at: now)
        case .lesson(let draft?): actions += commit(draft, idle: false, context, at: now)
        default: break  // a shelf chosen for inventory is forgotten: back in inventory, scan it again
        }
        state = Self.initialState(mode)
        return actions + [publish(.modeChanged, DeskMessages.modeChanged(mode), context, at: now)]
    }

    /// Ends what has been idle too long.
    private mutating func expire(at now: Date) -> [DeskAction] {
        switch state {
        case .checkout(let session?) where now.timeIntervalSince(session.lastActivity) >= configuration.idleTimeout:
            state = .checkout(nil)
            undoable = []
            return endSession(session, idle: true, nil, at: now)
        case .lesson(let draft?) where now.timeIntervalSince(draft.lastActivity) >= configuration.idleTimeout:
            state = .lesson(nil)
            return commit(draft, idle: true, nil, at: now)
        default:
            return []
        }
    }

    private func endSession(_ session: BorrowerSession, idle: Bool, _ context: Context?, at now: Date) -> [DeskAction] {
        let name = session.summary?.name ?? session.borrower.label
        var actions = [
            publish(.sessionEnded, DeskMessages.sessionEnded(name: name, loans: session.loans.count, idle: idle), context, at: now)
        ]
        if configuration.printsLoanSlip, !session.loans.isEmpty {
            actions.append(
                .printLoanSlip(
                    LoanSlip(
                        borrower: session.borrower, name: session.summary?.name, loans: session.loans, openedAt: session.openedAt,
                        endedAt: now)))
        }
        return actions
    }

    private func commit(_ draft: LessonDraft, idle: Bool, _ context: Context?, at now: Date) -> [DeskAction] {
        guard !draft.units.isEmpty else { return [publish(.emptyLesson, DeskMessages.emptyLesson, context, at: now)] }
        let lesson = Self.lesson(draft)
        return [publish(.lessonCommitting, DeskMessages.lessonCommitting(lesson, idle: idle), context, at: now), .lendLesson(lesson)]
    }

    private func notForThisMode(_ code: ScannedCode, _ context: Context, at now: Date) -> [DeskAction] {
        let category = Self.category(code) ?? .item
        return [publish(.notForThisMode, DeskMessages.notForThisMode(category, mode), context, at: now)]
    }

    // MARK: Helpers

    private func publish(
        _ outcome: DeskOutcome, _ message: Bilingual, _ context: Context?, scan: String? = nil, refusal: String? = nil, at now: Date
    ) -> DeskAction {
        .publish(
            DeskNotice(
                outcome: outcome, message: message, mode: mode, scan: context.map(\.code) ?? scan, scanner: context?.scanner,
                refusal: refusal, at: now))
    }

    private func schoolYear(at now: Date) -> String {
        configuration.schoolYear ?? SchoolYear.containing(now)
    }

    private func borrower(_ code: ScannedCode, at now: Date) -> Borrower? {
        switch code {
        case .patron(let card, _): return .card(card)
        case .classCard(let name): return .class(name: name, schoolYear: schoolYear(at: now))
        default: return nil
        }
    }

    private static func initialState(_ mode: DeskMode) -> State {
        switch mode {
        case .checkout: return .checkout(nil)
        case .checkin: return .checkin
        case .lesson: return .lesson(nil)
        case .inventory: return .inventory(location: nil)
        case .intake: return .intake
        case .lookup: return .lookup
        }
    }

    /// Items and equipment units are both things lent, returned, shelved and labelled.
    private static func item(_ code: ScannedCode) -> String? {
        switch code {
        case .item(let item), .equipmentUnit(let item): return item
        default: return nil
        }
    }

    private static func category(_ code: ScannedCode) -> BarcodeCategory? {
        switch code {
        case .patron: return .patron
        case .classCard: return .classCard
        case .item: return .item
        case .equipmentUnit: return .equipmentUnit
        case .location: return .location
        case .badCheckDigit(_, let category): return category
        case .command, .unknownCommand, .unrecognised: return nil
        }
    }

    private static func lesson(_ draft: LessonDraft) -> DeskLesson {
        DeskLesson(
            teacherCard: draft.teacherCard, className: draft.className, schoolYear: draft.schoolYear, date: Day(draft.startedAt),
            units: draft.units, startedAt: draft.startedAt)
    }

    private static func loan(_ loan: LoanView, isFor borrower: Borrower) -> Bool {
        switch borrower {
        case .card(let card): return loan.card == card
        case .class(let name, _): return loan.card == nil && loan.className?.uppercased() == name.uppercased()
        }
    }
}
