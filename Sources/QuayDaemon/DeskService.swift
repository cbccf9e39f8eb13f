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
    let clock: @Sendable () -> Date

    init(state: DaemonState, events: EventHub, logger: Logger) {
        clock = state.now
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
                onScan: { outcome in runner.submit(.scan(outcome, scanner: settings.name, at: state.now())) },
                onState: { scannerState in
                    events.publish(
                        "device.\(scannerState.rawValue)", at: state.now(),
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
            group.addTask { [runners, clock] in
                // Cancelled (a service of quayd failed, and the group cancels the rest) as well as
                // shut down: a sleep that throws ends the ticks, else it would return at once forever.
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    do { try await Task.sleep(for: .seconds(1)) } catch { break }
                    let now = clock()
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

    /// The desk of that name; the only one when `desk` is nil and there is one.
    private func runner(_ desk: String?) -> DeskRunner? {
        desk.map { runners[$0] } ?? (order.count == 1 ? runners[order[0]] : nil)
    }

    /// Switches a desk's mode; `desk` may be omitted when there is only one.
    func setMode(_ mode: DeskMode, desk: String?) async -> DeskInfo? {
        guard let runner = runner(desk) else { return nil }
        return await withCheckedContinuation { continuation in
            runner.submit(.mode(mode, at: clock(), done: { continuation.resume(returning: $0) }))
        }
    }

    /// A code typed at a desk (`desk.scan`), taken like a scanner's scan; its last notice once
    /// carried out, and the desk; nil when there is no such desk.
    func scan(_ code: String, desk: String?, from scanner: String) async -> (notice: DeskNotice?, desk: String)? {
        guard let runner = runner(desk) else { return nil }
        let scan = DecodedScan(data: code, raw: Array(code.utf8), ending: .terminator)
        let notice = await withCheckedContinuation { continuation in
            runner.submit(.scan(.scan(scan), scanner: scanner, at: clock(), done: { continuation.resume(returning: $0) }))
        }
        return (notice, runner.settings.name)
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
