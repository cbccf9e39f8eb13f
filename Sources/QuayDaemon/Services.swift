import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the config file on SIGHUP (SPEC §11). A file that does not load is refused with
/// its line and reason, and the config in force stays.
final class ConfigReloader: Service {
    private let signals: UnixSignalsSequence
    private let options: DaemonOptions
    private let state: DaemonState
    private let notifier: SystemdNotifier
    private let logger: Logger

    init(signals: UnixSignalsSequence, options: DaemonOptions, state: DaemonState, notifier: SystemdNotifier, logger: Logger) {
        self.signals = signals
        self.options = options
        self.state = state
        self.notifier = notifier
        self.logger = logger
    }

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    func reload() {
        guard let path = state.current.path else {
            logger.info("SIGHUP: running on built-in defaults, nothing to reload")
            return
        }
        do {
            // An empty file on reload is far likelier a write cut short than a wish for every
            // default (the printers, desks and policy gone at once): it is refused.
            let config = options.applied(to: try ConfigLoader.load(path: path, refusingEmpty: true))
            let pending = state.install(config)
            let database = state.database
            let school = config.schoolName
            Task { try? await database.recordSchool(school) }
            logger.info("config reloaded", metadata: ["config.path": "\(path)"])
            if !pending.isEmpty {
                logger.warning(
                    "config: these settings take effect after a restart",
                    metadata: ["config.keys": "\(pending.joined(separator: ", "))"])
            }
            notifier.notify("STATUS=config reloaded", logger: logger)
        } catch {
            logger.error("config reload refused, the previous config stays in force: \(error)")
            notifier.notify("STATUS=config reload refused: \(error)", logger: logger)
        }
    }
}

/// Pings systemd's watchdog at half its interval, but only while the database answers, so
/// a wedged daemon is restarted.
final class Watchdog: Service {
    private let interval: Duration
    private let state: DaemonState
    private let notifier: SystemdNotifier
    private let logger: Logger

    init(interval: Duration, state: DaemonState, notifier: SystemdNotifier, logger: Logger) {
        self.interval = interval
        self.state = state
        self.notifier = notifier
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await state.database.checkAlive()
                notifier.notify("WATCHDOG=1", logger: logger)
            } catch {
                logger.error("watchdog: the database does not answer", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval / 2) }
        }
    }
}

/// Runs WAL checkpoints in the background, off the request path: commits never checkpoint
/// (wal_autocheckpoint is off), so a checkout's latency does not depend on the WAL's size.
final class Checkpointer: Service {
    private let state: DaemonState
    private let interval: Duration
    private let logger: Logger

    init(state: DaemonState, interval: Duration = .seconds(1), logger: Logger) {
        self.state = state
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            do {
                try await state.database.checkpoint()
            } catch {
                logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
