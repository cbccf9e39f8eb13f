import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayDevices
import QuayLabels
import QuayProtocol
import QuayStore
import ServiceLifecycle
import NIOConcurrencyHelpers

/// One desk at work (SPEC §5): its scanners' scans, the clock's ticks and mode switches go
/// into one queue and are taken one at a time, so scans are acted on in the order they came
/// however fast they come. Each scan is appended to the scan log before anything is done
/// with it; the pure `DeskMachine` decides; this carries its actions out against the store
/// and publishes what happened.
final class DeskRunner: Sendable {
    enum Input: Sendable {
        case scan(ScanOutcome, scanner: String, at: Date)
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
            case .scan(let outcome, let scanner, let at):
                await scan(outcome, scanner: scanner, at: at)
            case .tick(let now):
                await perform(machine.withLockedValue { $0.tick(at: now) }, scanID: nil)
            case .mode(let mode, let at, let done):
                await perform(machine.withLockedValue { $0.setMode(mode, at: at) }, scanID: nil)
                done(info)
            }
        }
    }

    private func scan(_ outcome: ScanOutcome, scanner: String, at now: Date) async {
        let data: String, symbology: String?
        switch outcome {
        case .scan(let scan):
            data = VietnameseText.nfc(scan.data)
            symbology = scan.symbology.map { $0.aimIdentifier }
        case .failed(let error):
            data = String(decoding: error.raw, as: UTF8.self)
            symbology = nil
        }
        let scanID: Int64
        do {
            scanID = try await state.database.appendScan(desk: settings.name, scanner: scanner, data: data, symbology: symbology, at: now)
        } catch {
            // Not logged durably, so not acted on: the desk says so and the scanner's user scans again.
            logger.error("cannot append to the scan log; scan not acted on", metadata: ["error": "\(error)", "scan.data": "\(data)"])
            return
        }
        events.publish(
            "scan.accepted", at: now,
            DeskEventData(
                desk: settings.name, scanner: scanner, scan: data, scanID: scanID, mode: info.mode, outcome: nil, level: nil,
                refusal: nil, message: nil, vi: nil, en: nil))
        let actions: [DeskAction]
        switch outcome {
        case .scan: actions = machine.withLockedValue { $0.scan(data, scanner: scanner, at: now) }
        case .failed(let error): actions = machine.withLockedValue { $0.scanFailed(reason: error.code.rawValue, scanner: scanner, at: now) }
        }
        await perform(actions, scanID: scanID)
    }

    /// Carries out actions in order; store results go back into the machine, whose further
    /// actions join the queue. The scan's last notice is its outcome in the scan log.
    private func perform(_ first: [DeskAction], scanID: Int64?) async {
        var queue = first[...]
        var last: DeskNotice? = nil
        while let action = queue.popFirst() {
            if case .publish(let notice) = action {
                publish(notice, scanID: scanID)
                last = notice
                continue
            }
            if let result = await carry(action) {
                let now = Date()
                queue.append(contentsOf: machine.withLockedValue { $0.handle(result, at: now) })
            }
        }
        if let scanID, let last {
            do {
                try await state.database.recordScanOutcome(
                    id: scanID, outcome: last.outcome.rawValue, refusal: last.refusal, message: last.message.text(language))
            } catch {
                logger.error("cannot record a scan's outcome", metadata: ["error": "\(error)", "scan.id": "\(scanID)"])
            }
        }
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
        let code: ErrorCode
        var detail: String? = nil
        switch error {
        case let error as StoreError:
            code = ErrorCode(rawValue: error.code) ?? .internalError
            detail = error.reason
        case let refusal as Dispatcher.Refusal:
            code = refusal.code
            detail = refusal.detail
        case let error as LabelError:
            code = ErrorCode(rawValue: error.code.rawValue) ?? .internalError
            detail = error.detail
        default:
            code = .internalError
            logger.error("desk action failed", metadata: ["error": "\(error)"])
        }
        func said(_ language: Language) -> String { code.body(language, detail: detail).message }
        return DeskRefusal(code: code.rawValue, message: Bilingual(vi: said(.vi), en: said(.en)))
    }

    /// One store action; nil for actions with nothing to feed back.
    private func carry(_ action: DeskAction) async -> DeskResult? {
        let database = state.database
        let config = state.config
        let now = Date()
        switch action {
        case .publish:
            return nil
        case .openSession(let borrower):
            do {
                return .sessionOpened(try await summary(borrower, at: now))
            } catch {
                return .borrowerRefused(borrower, refusal(error))
            }
        case .checkout(let borrower, let item):
            do {
                let loan = try await database.checkout(
                    Self.storeBorrower(borrower), scanned: item, settings: config.circulation, at: now, desk: settings.name)
                return .lent(loan)
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .checkin(let item):
            do {
                return .returned(try await database.checkin(scanned: item, at: now))
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .returnLessonUnit(let unit):
            do {
                _ = try await database.returnLesson(id: nil, LessonReturn(units: [(unit, "good")], quantities: []), at: now)
                return .lessonReturned(unit: unit)
            } catch {
                return .refused(scan: unit, refusal(error))
            }
        case .lendLesson(let lesson):
            do {
                let lent = try await database.lendLesson(
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
                let scan = try await database.recordInventoryScans(
                    [InventoryScanInput(item)], location: location, source: settings.name, at: now)[0]
                switch scan.outcome {
                case "outside_scope":
                    let reason = scan.title.map { "\(item) (\($0))" } ?? item
                    return .refused(scan: item, refusal(StoreError(code: ErrorCode.outsideScope.rawValue, reason: reason)))
                case "unknown":
                    return .refused(scan: item, refusal(StoreError(code: ErrorCode.unknownItem.rawValue, reason: item)))
                default:
                    return .inventoryRecorded(item: item, location: location)
                }
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .printSpine(let item):
            do {
                _ = try await state.queueLabels(
                    template: "spine", keys: [item], printer: settings.labelPrinter, source: "desk:\(settings.name)", at: now)
                return .spineQueued(item: item)
            } catch {
                return .refused(scan: item, refusal(error))
            }
        case .lookup(let code, let category):
            return .lookedUp(code, description: await describe(code, category))
        case .printLoanSlip(let slip):
            await printSlip(slip, config, at: now)
            return nil
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

    private func summary(_ borrower: DeskBorrower, at now: Date) async throws -> BorrowerSummary {
        let database = state.database
        switch borrower {
        case .card(let card):
            guard let patron = try await database.patron(card: card) else { throw StoreError(code: "unknown_patron", reason: card) }
            let counts = try await database.openLoanCounts(.card(card), at: now)
            return BorrowerSummary(
                borrower: borrower, name: patron.name, className: patron.className, loans: counts.loans, overdue: counts.overdue,
                blocked: patron.status != "active")
        case .class(let name, let year):
            let counts = try await database.openLoanCounts(.class(name: name, schoolYear: year), at: now)
            return BorrowerSummary(
                borrower: borrower, name: name.uppercased(), className: name.uppercased(), loans: counts.loans, overdue: counts.overdue)
        }
    }

    private func describe(_ code: String, _ category: BarcodeCategory?) async -> Bilingual {
        let database = state.database
        if category == .patron || category == nil, let patron = try? await database.patron(card: code) {
            return Bilingual(vi: "Thẻ \(code): \(patron.name)", en: "Card \(code): \(patron.name)")
        }
        if let item = try? await database.item(scanned: code) {
            return Bilingual(vi: "\(item.accession): \(item.title) — \(item.status)", en: "\(item.accession): \(item.title) — \(item.status)")
        }
        if let unit = try? await database.unit(scanned: code) {
            return Bilingual(vi: "\(unit.accession): \(unit.name) — \(unit.status)", en: "\(unit.accession): \(unit.name) — \(unit.status)")
        }
        return Bilingual(vi: "\(code): không có trong thư viện", en: "\(code): not in the library")
    }

    static func storeBorrower(_ borrower: DeskBorrower) -> Borrower {
        switch borrower {
        case .card(let card): return .card(card)
        case .class(let name, let year): return .class(name: name, schoolYear: year)
        }
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

/// The desks and their scanners, as one service: the udev monitor and the scanners are
/// started, desks take their queues, a clock ticks every second for idle sessions; on shutdown
/// the monitor and the scanners stop and the queues are finished after what they hold.
public final class DeskService: Service, Sendable {
    let runners: [String: DeskRunner]
    let order: [String]
    let scanners: [ScannerDevice]
    let hotplug: HotplugMonitor
    let events: EventHub
    let logger: Logger

    init(state: DaemonState, events: EventHub, logger: Logger) {
        let config = state.config
        var runners: [String: DeskRunner] = [:]
        for desk in config.desks {
            runners[desk.name] = DeskRunner(desk, classifier: config.classifier, state: state, events: events, logger: logger)
        }
        self.runners = runners
        order = config.desks.map(\.name)
        self.events = events
        self.logger = logger
        let hotplug = HotplugMonitor(logger: logger)
        self.hotplug = hotplug
        scanners = config.scanners.map { settings in
            let runner = runners[settings.desk]!
            return ScannerDevice(
                settings, logger: logger,
                onScan: { outcome in runner.submit(.scan(outcome, scanner: settings.name, at: Date())) },
                onState: { scannerState in
                    events.publish(
                        "device.\(scannerState.rawValue)", at: Date(),
                        DeviceEventData(
                            scanner: settings.name, desk: settings.desk, path: settings.usb.map { "usb:\($0)" } ?? settings.path,
                            state: scannerState.rawValue))
                },
                // While udev announces every node that comes, the timer only catches what it
                // never announces (FIFOs, plain files, a lost event): every 2 s is plenty and
                // wakes an idle desk PC less. Without udev (a container) it is the only way a
                // scanner is found again, so it stays at the half second it always was.
                fallbackRetry: { hotplug.isListening ? .seconds(2) : .milliseconds(500) })
        }
    }

    public func run() async throws {
        if !scanners.isEmpty {
            hotplug.start(
                onEvent: { [scanners] event in for scanner in scanners { scanner.hotplug(event) } },
                onLost: { [scanners] in for scanner in scanners { scanner.lookAgain() } })
        }
        for scanner in scanners { scanner.start() }
        await withDiscardingTaskGroup { group in
            for runner in runners.values {
                group.addTask { await runner.run() }
            }
            group.addTask { [runners] in
                while !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: .seconds(1))
                    let now = Date()
                    for runner in runners.values { runner.submit(.tick(now)) }
                }
            }
            try? await gracefulShutdown()
            // Queued scans are already in the log; the runners finish them, then end.
            hotplug.stop()
            for scanner in scanners { scanner.stop() }
            for runner in runners.values { runner.finish() }
        }
    }

    /// Switches a desk's mode; `desk` may be omitted when there is only one.
    func setMode(_ mode: DeskMode, desk: String?) async -> DeskInfo? {
        guard let runner = desk.map({ runners[$0] }) ?? (order.count == 1 ? runners[order[0]] : nil) else { return nil }
        return await withCheckedContinuation { continuation in
            runner.submit(.mode(mode, at: Date(), done: { continuation.resume(returning: $0) }))
        }
    }

    var desks: [DeskInfo] { order.compactMap { runners[$0]?.info } }

    var scannerInfo: [ScannerInfo] {
        scanners.map { scanner in
            let status = scanner.state
            return ScannerInfo(
                name: scanner.settings.name, desk: scanner.settings.desk,
                path: scanner.settings.usb.map { "usb:\($0)" } ?? scanner.settings.path, kind: scanner.settings.kind.rawValue,
                state: status.state.rawValue, since: status.since, scans: status.scans)
        }
    }
}

/// The desk ops: the scan log, switching modes, the scanners' states.
extension Dispatcher {
    func scanList(_ args: ScanListArgs) async throws -> ScanListResult {
        var since: Date? = nil
        if let text = text(args.since) {
            if let day = (try? validDate(text)).flatMap(Day.init) {
                since = day.date
            } else if let instant = Timestamp.parse(text) {
                since = instant
            } else {
                throw Refusal(code: .invalidArgument, detail: "since must be yyyy-mm-dd, dd/mm/yyyy or a timestamp, not \(text)")
            }
        }
        return ScanListResult(scans: try await state.database.scans(since: since, desk: text(args.desk), limit: try limit(args.limit ?? 100)))
    }

    func deskMode(_ args: DeskModeArgs) async throws -> DeskInfo {
        guard let mode = DeskMode(rawValue: args.mode.lowercased()) else {
            throw Refusal(
                code: .invalidArgument, detail: "mode must be one of \(DeskMode.allCases.map(\.rawValue).joined(separator: ", ")), not \(args.mode)")
        }
        guard let desks = state.desks, let info = await desks.setMode(mode, desk: text(args.desk)) else {
            let names = state.desks?.order.joined(separator: ", ") ?? ""
            throw Refusal(code: .invalidArgument, detail: args.desk.map { "no desk \($0); desks: \(names)" } ?? "name the desk: \(names)")
        }
        return info
    }

    func scannerList() -> ScannersResult {
        ScannersResult(scanners: state.desks?.scannerInfo ?? [], desks: state.desks?.desks ?? [])
    }
}
