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

/// The print queue at work (SPEC §7.6): one runner per configured printer takes that
/// printer's jobs in order. Before a job it opens the printer and asks how it is; a printer
/// that is off, unreachable or out of paper keeps its jobs, and is asked again after a wait
/// that doubles up to `[printing] retry_max_ms`. A job is marked `sending` (durably) before
/// its first byte goes out and `done` after the last, so after a crash a job left `sending`
/// is sent again and reported as interrupted. The printers' blocking I/O runs on a queue
/// of its own per printer, never on the daemon's cooperative threads.
final class PrintService: Service, Sendable {
    private let state: DaemonState
    private let runners: [String: PrinterRunner]
    private let logger: Logger

    init(state: DaemonState, logger: Logger) {
        self.state = state
        self.logger = logger
        let config = state.config
        runners = Dictionary(
            uniqueKeysWithValues: config.printers.map {
                ($0.name, PrinterRunner($0, retry: config.printing, state: state, logger: logger))
            })
    }

    func run() async throws {
        let database = state.database
        do {
            let interrupted = try await database.requeueInterruptedPrintJobs(at: state.now())
            if interrupted > 0 {
                logger.warning("print jobs interrupted by the last stop are sent again; they may print twice", metadata: ["jobs": "\(interrupted)"])
            }
            // Jobs for a printer no longer configured cannot print: failed, with the reason.
            for (printer, _) in try await database.printJobCounts() where runners[printer] == nil {
                while let (job, _) = try await database.nextPrintJob(printer: printer) {
                    try await database.markPrintJobFailed(id: job.id, reason: "printer \(printer) is no longer configured", at: state.now())
                }
            }
        } catch {
            logger.error("print queue: cannot read the queue", metadata: ["error": "\(error)"])
        }
        await withDiscardingTaskGroup { group in
            for runner in runners.values {
                group.addTask { await runner.run() }
            }
        }
        // With no printers there is nothing to run, but a service that returns early would stop the daemon.
        try? await gracefulShutdown()
    }

    /// A new or retried job for `printer`: its runner looks now rather than after its wait.
    func wake(_ printer: String) {
        runners[printer]?.wake()
    }

    func condition(of printer: String) -> PrinterRunner.Status {
        runners[printer]?.status ?? PrinterRunner.Status()
    }
}

/// One printer's loop.
final class PrinterRunner: Sendable {
    /// What the last look at the printer found.
    struct Status: Sendable {
        /// ready, waiting or unknown.
        var state = "unknown"
        var faults: [String] = []
        /// The transport's error when the printer could not be reached.
        var detail: String?
        var checkedAt: Date?
        var text: Bilingual {
            switch state {
            case "ready":
                return faults.isEmpty
                    ? Bilingual(vi: "sẵn sàng", en: "ready")
                    : Bilingual(vi: "sẵn sàng (" + Self.describe(faults).vi + ")", en: "ready (" + Self.describe(faults).en + ")")
            case "waiting":
                var text = Self.describe(faults)
                if let detail { text = Bilingual(vi: text.vi + ": " + detail, en: text.en + ": " + detail) }
                return text
            default:
                return Bilingual(vi: "chưa kiểm tra", en: "not checked yet")
            }
        }

        static func describe(_ faults: [String]) -> Bilingual {
            let words = faults.map { code -> Bilingual in
                if code == "unreachable" { return Bilingual(vi: "không kết nối được", en: "cannot be reached") }
                guard let fault = PrinterFault(rawValue: code) else { return Bilingual(vi: code, en: code) }
                return Bilingual(vi: fault.vietnamese, en: fault.english)
            }
            return Bilingual(vi: words.map(\.vi).joined(separator: ", "), en: words.map(\.en).joined(separator: ", "))
        }
    }

    let settings: PrinterSettings
    private let retry: PrintingSettings
    private let state: DaemonState
    private let logger: Logger
    private let io: DispatchQueue
    private let woken = NIOLockedValueBox(false)
    private let current = NIOLockedValueBox(Status())

    init(_ settings: PrinterSettings, retry: PrintingSettings, state: DaemonState, logger: Logger) {
        self.settings = settings
        self.retry = retry
        self.state = state
        self.io = DispatchQueue(label: "quay.printer.\(settings.name)")
        var logger = logger
        logger[metadataKey: "printer"] = "\(settings.name)"
        self.logger = logger
    }

    var status: Status { current.withLockedValue { $0 } }

    func wake() { woken.withLockedValue { $0 = true } }

    /// How a try at a job ended.
    private enum Attempt {
        case printed
        /// Cancelled while it waited: nothing was sent.
        case dropped
        case wait(String)
    }

    func run() async {
        var delay: Duration? = nil
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let next: (job: PrintJobInfo, payload: [UInt8])?
            do {
                next = try await state.database.nextPrintJob(printer: settings.name)
            } catch {
                logger.error("cannot read the print queue", metadata: ["error": "\(error)"])
                await pause(.seconds(1))
                continue
            }
            guard let (job, payload) = next else {
                delay = nil
                await pause(.seconds(30))
                continue
            }
            switch await attempt(job, payload) {
            case .printed, .dropped:
                delay = nil
            case .wait(let reason):
                try? await state.database.markPrintJobWaiting(id: job.id, reason: reason, at: state.now())
                publish(job.id, state: "queued", reason: reason)
                let minimum = Duration.milliseconds(retry.retryMinMilliseconds)
                let maximum = Duration.milliseconds(retry.retryMaxMilliseconds)
                delay = min(maximum, delay.map { $0 * 2 } ?? minimum)
                logger.info("printer cannot print; the job waits", metadata: ["job": "\(job.id)", "reason": "\(reason)", "retry.in": "\(delay!)"])
                if await pause(delay!) { delay = nil }  // woken by `quay jobs retry`: start the waits over
            }
        }
    }

    /// Waits `duration`, or less when woken or shutting down; true when woken.
    @discardableResult
    private func pause(_ duration: Duration) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if woken.withLockedValue({ flag in defer { flag = false }; return flag }) { return true }
            if Task.isCancelled || Task.isShuttingDownGracefully { return false }
            try? await Task.sleep(for: min(.milliseconds(50), deadline - .now))
        }
        return false
    }

    private func attempt(_ job: PrintJobInfo, _ payload: [UInt8]) async -> Attempt {
        let settings = self.settings
        // Open and ask, off the cooperative threads.
        let opened: Result<(ConnectionBox, PrinterCondition?), PrinterIOError> = await onIO {
            do throws(PrinterIOError) {
                let connection = try PrinterTransport.open(settings.address, timeout: settings.timeout)
                do throws(PrinterIOError) {
                    let condition =
                        settings.queryStatus
                        ? try PrinterProbe.condition(of: connection, language: settings.language, timeout: settings.timeout) : nil
                    return .success((ConnectionBox(connection), condition))
                } catch {
                    connection.close()
                    throw error
                }
            } catch {
                return .failure(error)
            }
        }
        let connection: ConnectionBox
        switch opened {
        case .failure(let error):
            record(Status(state: "waiting", faults: ["unreachable"], detail: error.detail, checkedAt: state.now()))
            return .wait("unreachable: \(error.detail)")
        case .success(let (box, condition)):
            connection = box
            let faults = condition?.faults.map(\.rawValue) ?? []
            if let condition, condition.blocksPrinting {
                await onIO { connection.connection.close() }
                record(Status(state: "waiting", faults: faults, checkedAt: state.now()))
                return .wait(faults.joined(separator: ", "))
            }
            record(Status(state: condition == nil ? "unknown" : "ready", faults: faults, checkedAt: state.now()))
        }
        do {
            guard try await state.database.markPrintJobSending(id: job.id, at: state.now()) else {
                await onIO { connection.connection.close() }
                return .dropped
            }
        } catch {
            await onIO { connection.connection.close() }
            return .wait("database: \(error)")
        }
        publish(job.id, state: "sending", reason: nil)
        let sent: PrinterIOError? = await onIO {
            defer { connection.connection.close() }
            do throws(PrinterIOError) {
                try connection.connection.write(payload, timeout: settings.timeout + .milliseconds(payload.count / 10))
                return nil
            } catch {
                return error
            }
        }
        if let sent {
            record(Status(state: "waiting", faults: ["unreachable"], detail: sent.detail, checkedAt: state.now()))
            return .wait("unreachable: \(sent.detail)")
        }
        do {
            try await state.database.markPrintJobDone(id: job.id, at: state.now())
        } catch {
            logger.error("job printed but not marked done; it may print again", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        publish(job.id, state: "done", reason: nil)
        return .printed
    }

    private func record(_ status: Status) {
        let changed = current.withLockedValue { old in
            defer { old = status }
            return old.state != status.state || old.faults != status.faults
        }
        if changed {
            let text = status.text
            state.events.publish(
                "printer.status", at: status.checkedAt ?? state.now(),
                PrinterEventData(printer: settings.name, state: status.state, faults: status.faults, vi: text.vi, en: text.en))
        }
    }

    private func publish(_ id: Int64, state name: String, reason: String?) {
        state.events.publish("print.\(name)", at: state.now(), PrintEventData(printer: settings.name, job: id, state: name, reason: reason))
    }

    private func onIO<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            io.async { continuation.resume(returning: work()) }
        }
    }
}

/// A connection handed between the I/O queue's closures; only that queue touches it.
private final class ConnectionBox: @unchecked Sendable {
    let connection: any PrinterConnection
    init(_ connection: any PrinterConnection) { self.connection = connection }
}

/// Encodes rendered labels in a printer's language, with its calibration.
enum PrintEncoder {
    static func encode(_ raster: Raster, for printer: PrinterSettings) -> [UInt8] {
        let image = MonochromeImage(width: raster.width, height: raster.height, bits: raster.bytes)
        let resolution = Resolution(dpi: printer.dpi)
        switch printer.language {
        case .zpl:
            return ZPL.label(
                image,
                options: ZPLOptions(
                    compression: printer.compression, homeX: resolution.dots(mm: printer.offsetXMM),
                    homeY: resolution.dots(mm: printer.offsetYMM), darkness: printer.darkness))
        case .escpos:
            return ESCPOS.document(image, options: ESCPOSOptions(cut: printer.cut, leftMargin: resolution.dots(mm: printer.offsetXMM)))
        }
    }
}
