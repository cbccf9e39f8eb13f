import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore
import NIOConcurrencyHelpers

/// One desk at work (SPEC §5): its scanners' scans, the clock's ticks and mode switches go
/// into one queue and are taken one at a time, so scans are acted on in the order they came
/// however fast they come. A scan, what the pure `DeskMachine` makes of it, the store actions
/// that follow and its outcome are one write transaction (`deskTransaction`); what happened is
/// published once it is committed.
final class DeskRunner: Sendable {
    enum Input: Sendable {
        /// A scan; `done` (a typed scan's op) is told its last notice once it is all carried out.
        case scan(ScanOutcome, scanner: String, at: Date, done: (@Sendable (DeskNotice?) -> Void)? = nil)
        case tick(Date)
        case mode(DeskMode, at: Date, done: @Sendable (DeskInfo) -> Void)
    }

    let settings: DeskSettings
    private let machine: NIOLockedValueBox<DeskMachine>
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    private let state: DaemonState
    private let events: EventHub
    private let logger: Logger

    init(_ settings: DeskSettings, classifier: BarcodeClassifier, state: DaemonState, events: EventHub, logger: Logger) {
        self.settings = settings
        let configuration = DeskConfiguration(
            classifier: classifier, idleTimeout: TimeInterval(settings.idleTimeoutSeconds),
            debounce: TimeInterval(settings.debounceMilliseconds) / 1000, printsLoanSlip: settings.receiptPrinter != nil)
        machine = NIOLockedValueBox(DeskMachine(configuration: configuration, mode: settings.mode))
        // Unbounded: a scan is never dropped, whatever the burst.
        (inputs, continuation) = AsyncStream<Input>.makeStream()
        self.state = state
        self.events = events
        var logger = logger
        logger[metadataKey: "desk"] = "\(settings.name)"
        self.logger = logger
    }

    func submit(_ input: Input) { continuation.yield(input) }
    func finish() { continuation.finish() }

    var info: DeskInfo {
        machine.withLockedValue { DeskInfo(name: settings.name, mode: $0.mode.rawValue, borrower: $0.borrower?.label) }
    }

    private var language: Language { settings.language ?? state.config.language }

    func run() async {
        for await input in inputs {
            switch input {
            case .scan(let outcome, let scanner, let at, let done):
                let last = await scan(outcome, scanner: scanner, at: at)
                done?(last)
            case .tick(let now):
                await perform(machine.withLockedValue { $0.tick(at: now) }, at: now)
            case .mode(let mode, let at, let done):
                await perform(machine.withLockedValue { $0.setMode(mode, at: at) }, at: at)
                done(info)
            }
        }
    }

    /// What one step of the desk came to inside its transaction: the notices to publish once it
    /// is committed, and the actions that wait for the commit (printing, which renders and has
    /// its own queue).
    private struct Step: Sendable {
        var scanID: Int64?
        var notices: [DeskNotice] = []
        var later: [DeskAction] = []
    }

    /// A scan: its log line, what the machine makes of it, the store actions that follow and the
    /// outcome, in one write transaction; the events once it is committed.
    @discardableResult
    private func scan(_ outcome: ScanOutcome, scanner: String, at now: Date) async -> DeskNotice? {
        let data: String, symbology: String?
        switch outcome {
        case .scan(let scan):
            data = VietnameseText.nfc(scan.data)
            symbology = scan.symbology.map { $0.aimIdentifier }
        case .failed(let error):
            data = String(decoding: error.raw, as: UTF8.self)
            symbology = nil
        }
        let step: Step
        do {
            let logged = LoggedScan(desk: settings.name, scanner: scanner, data: data, symbology: symbology, at: now)
            step = try await state.database.deskTransaction(scan: logged) { desk in
                // Only once its line is written does the machine see the scan.
                let actions: [DeskAction]
                switch outcome {
                case .scan: actions = self.machine.withLockedValue { $0.scan(data, scanner: scanner, at: now) }
                case .failed(let error):
                    actions = self.machine.withLockedValue { $0.scanFailed(reason: error.code.rawValue, scanner: scanner, at: now) }
                }
                return try self.run(actions, in: desk, at: now)
            }
        } catch {
            // Not logged durably, so not acted on: the desk says so and the scanner's user scans again.
            logger.error("cannot write the scan to the log; scan not acted on", metadata: ["error": "\(error)", "scan.data": "\(data)"])
            return nil
        }
        events.publish(
            "scan.accepted", at: now,
            DeskEventData(
                desk: settings.name, scanner: scanner, scan: data, scanID: step.scanID, mode: info.mode, outcome: nil, level: nil,
                refusal: nil, message: nil, vi: nil, en: nil))
        for notice in step.notices { publish(notice, scanID: step.scanID) }
        if !step.later.isEmpty { return await finish(step.later, scanID: step.scanID, last: step.notices.last, at: now) }
        return step.notices.last
    }

    /// A tick's or a mode switch's actions: no scan, so no log line.
    private func perform(_ actions: [DeskAction], at now: Date) async {
        guard !actions.isEmpty else { return }
        await finish(actions, scanID: nil, last: nil, at: now)
    }

    /// Carries actions out in order inside a desk transaction; the machine's answers to their
    /// results join the queue. The step's last notice is the scan's outcome in the log, written
    /// in the same transaction unless printing still has to say its part.
    private func run(_ first: [DeskAction], in desk: DeskTransaction, at now: Date) throws -> Step {
        var step = Step(scanID: desk.scanID)
        var queue = first[...]
        while let action = queue.popFirst() {
            switch action {
            case .publish(let notice):
                step.notices.append(notice)
            case .printSpine, .printLoanSlip:
                step.later.append(action)
            default:
                if let result = carry(action, in: desk, at: now) {
                    queue.append(contentsOf: machine.withLockedValue { $0.handle(result, at: now) })
                }
            }
        }
        if step.later.isEmpty, let last = step.notices.last { try desk.recordOutcome(last, language) }
        return step
    }

    /// What waits for a commit, and what follows from it, each store action in a transaction of
    /// its own; then the scan's outcome when its last notice came from here.
    @discardableResult
    private func finish(_ first: [DeskAction], scanID: Int64?, last: DeskNotice?, at now: Date) async -> DeskNotice? {
        var queue = first[...]
        var last = last
        var outcomeWritten = true
        while let action = queue.popFirst() {
            let result: DeskResult?
            switch action {
            case .publish(let notice):
                publish(notice, scanID: scanID)
                last = notice
                outcomeWritten = false
                continue
            case .printSpine(let item):
                result = await printSpine(item, at: now)
            case .printLoanSlip(let slip):
                await printSlip(slip, state.config, at: now)
                result = nil
            default:
                do {
                    result = try await state.database.deskTransaction(scan: nil) { desk in self.carry(action, in: desk, at: now) }
                } catch {
                    logger.error("desk action not carried out", metadata: ["error": "\(error)"])
                    result = nil
                }
            }
            if let result { queue.append(contentsOf: machine.withLockedValue { $0.handle(result, at: now) }) }
        }
        if let scanID, let last, !outcomeWritten {
            do {
                try await state.database.deskTransaction(scan: nil) { desk in try desk.recordOutcome(last, self.language, scan: scanID) }
            } catch {
                logger.error("cannot record a scan's outcome", metadata: ["error": "\(error)", "scan.id": "\(scanID)"])
            }
        }
        return last
    }

    private func publish(_ notice: DeskNotice, scanID: Int64?) {
        events.publish(
            "desk.\(notice.outcome.rawValue)", at: notice.at,
            DeskEventData(
                desk: settings.name, scanner: notice.scanner, scan: notice.scan, scanID: scanID, mode: notice.mode.rawValue,
                outcome: notice.outcome.rawValue, level: notice.level.rawValue, refusal: notice.refusal,
                message: notice.message.text(language), vi: notice.message.vi, en: notice.message.en))
        logger.info(
            "desk \(notice.outcome.rawValue)",
            metadata: ["scan.data": "\(notice.scan ?? "")", "desk.outcome": "\(notice.outcome.rawValue)"])
    }

    private func refusal(_ error: any Error) -> DeskRefusal {
        let refusal = Refusal(error)
        if refusal.origin != .refusal { logger.error("desk action failed", metadata: ["error": "\(error)"]) }
        return DeskRefusal(code: refusal.code.rawValue, message: refusal.bilingual)
    }

    /// One store action inside the desk's transaction; nil for actions with nothing to feed back.
    private func carry(_ action: DeskAction, in desk: DeskTransaction, at now: Date) -> DeskResult? {
        let config = state.config
        switch action {
        case .publish, .printSpine, .printLoanSlip:
            return nil
        case .openSession(let borrower):
            do {
                return .sessionOpened(try summary(borrower, in: desk, at: now))
            } catch {
                return .borrowerRefused(borrower, refusal(error))
            }
        case .checkout(let borrower, let item):
            do {
                return .lent(try desk.checkout(borrower, scanned: item, settings: config.circulation, at: now, desk: settings.name))
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .checkin(let item):
            do {
                return .returned(try desk.checkin(scanned: item, at: now, desk: settings.name))
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .undo(let undo):
            do {
                switch undo {
                case .loan(let id, _): return .undone(undo, try desk.undoLoan(id: id, desk: settings.name, at: now))
                case .return(let id, _): return .undone(undo, try desk.undoReturn(id: id, desk: settings.name, at: now))
                }
            } catch {
                return .refused(scan: undo.item, refusal(error))
            }
        case .returnLessonUnit(let unit):
            do {
                _ = try desk.returnLesson(id: nil, LessonReturn(units: [(unit, "good")], quantities: []), at: now)
                return .lessonReturned(unit: unit)
            } catch {
                return .refused(scan: unit, refusal(error))
            }
        case .lendLesson(let lesson):
            do {
                let lent = try desk.lendLesson(
                    NewLesson(
                        teacherCard: lesson.teacherCard, className: lesson.className, schoolYear: lesson.schoolYear, subject: nil,
                        date: lesson.date.description, period: Self.period(at: lesson.startedAt), title: nil, units: lesson.units,
                        quantities: []), at: now)
                return .lessonLent(lent)
            } catch {
                return .refused(scan: lesson.units.first ?? lesson.teacherCard, refusal(error))
            }
        case .inventoryScan(let location, let item):
            // Into the open session; refused (inventory_not_open) when there is none. A copy
            // outside the session's scope or an unknown barcode is recorded for the report, and
            // said at the desk as an error, so that staff set it aside.
            do {
                let scan = try desk.recordInventoryScans([InventoryScanInput(item)], location: location, source: settings.name, at: now)[0]
                switch scan.outcome {
                case .outsideScope:
                    return .refused(scan: item, refusal(Refusal(code: .outsideScope, detail: scan.title.map { "\(item) (\($0))" } ?? item)))
                case .unknown:
                    return .refused(scan: item, refusal(Refusal(code: .unknownItem, detail: item)))
                default:
                    return .inventoryRecorded(item: item, location: location, found: scan.found)
                }
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .lookup(let code, let category):
            return .lookedUp(code, description: describe(code, category, in: desk))
        }
    }

    private func printSpine(_ item: String, at now: Date) async -> DeskResult {
        do {
            _ = try await state.queueLabels(
                template: "spine", keys: [item], printer: settings.labelPrinter, source: "desk:\(settings.name)", at: now)
            return .spineQueued(item: item)
        } catch {
            return .refused(scan: item, refusal(error))
        }
    }

    /// The slip of a checkout session that has ended, on the desk's receipt printer. A slip
    /// that cannot be queued is logged; the loans stand.
    private func printSlip(_ slip: LoanSlip, _ config: DaemonConfig, at now: Date) async {
        guard let printerName = settings.receiptPrinter else { return }
        do {
            let template = try config.labels.templates.entry(named: settings.loanSlip).template
            let printer = try state.printer(for: template.name, named: printerName, config)
            let card: String, className: String?
            switch slip.borrower {
            case .card(let number): (card, className) = (number, nil)
            case .class(let name, _): (card, className) = (name.uppercased(), name.uppercased())
            }
            let data = LabelData.loanSlip(
                slip.loans, borrower: slip.name ?? card, card: card, className: className, school: config.school, today: Day(now))
            _ = try await state.queueLabels(
                [LabelToPrint(template: template, key: card, data: data, printer: printer)], source: "desk:\(settings.name)", at: now)
        } catch {
            logger.error("loan slip not queued", metadata: ["error": "\(error)", "slip.loans": "\(slip.loans.count)"])
        }
    }

    /// The borrower's session: the patron read once, with the counts of loans and overdue loans.
    private func summary(_ borrower: Borrower, in desk: DeskTransaction, at now: Date) throws -> BorrowerSummary {
        switch borrower {
        case .card(let card):
            let (patron, refusal) = try desk.borrowerForSession(card: card)
            let counts = try desk.openLoanCounts(borrower, at: now)
            return BorrowerSummary(
                borrower: borrower, name: patron.name, className: patron.className, loans: counts.loans, overdue: counts.overdue,
                blocked: patron.status != "active", refusal: refusal)
        case .class(let name, _):
            let counts = try desk.openLoanCounts(borrower, at: now)
            return BorrowerSummary(
                borrower: borrower, name: name.uppercased(), className: name.uppercased(), loans: counts.loans, overdue: counts.overdue)
        }
    }

    private func describe(_ code: String, _ category: BarcodeCategory?, in desk: DeskTransaction) -> Bilingual {
        if category == .patron || category == nil, let patron = try? desk.patron(card: code) {
            return Bilingual(vi: "Thẻ \(code): \(patron.name)", en: "Card \(code): \(patron.name)")
        }
        if let item = try? desk.item(scanned: code) {
            // The copy's state in the desk's words (a lookup scan at the desk).
            return Bilingual(
                vi: "\(item.accession): \(item.title) — \(item.status.words.vi)", en: "\(item.accession): \(item.title) — \(item.status.words.en)")
        }
        if let unit = try? desk.unit(scanned: code) {
            let status = ItemStatus(rawValue: unit.status)?.words ?? Bilingual(vi: unit.status, en: unit.status)
            return Bilingual(vi: "\(unit.accession): \(unit.name) — \(status.vi)", en: "\(unit.accession): \(unit.name) — \(status.en)")
        }
        return Bilingual(vi: "\(code): không có trong thư viện", en: "\(code): not in the library")
    }

    /// The lesson period (tiết) a time falls in, for lesson loans scanned at the desk: the
    /// morning session's periods 1–5 from 07:00, the afternoon's 6–10 from 13:00, 45 minutes
    /// and a 5-minute break each. A school's own timetable is not known to Quầy.
    static func period(at date: Date) -> Int {
        let seconds = (Int(date.timeIntervalSince1970) + Day.utcOffset) % 86_400
        let minutes = seconds / 60
        if minutes < 12 * 60 { return min(5, max(1, (minutes - 7 * 60) / 50 + 1)) }
        return min(10, max(6, (minutes - 13 * 60) / 50 + 6))
    }
}

extension DeskTransaction {
    /// A notice as the scan log keeps it: the outcome, the refusal's code, the desk's words.
    func recordOutcome(_ notice: DeskNotice, _ language: Language, scan: Int64? = nil) throws {
        try recordOutcome(outcome: notice.outcome.rawValue, refusal: notice.refusal, message: notice.message.text(language), scan: scan)
    }
}
