import Foundation
import Logging
import QuayProtocol
import QuayStore
import QuayWeb
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// What the command line says, on top of the config file.
public struct DaemonOptions: Sendable {
    public var configPath: String?
    public var databasePath: String?
    public var socketPath: String?

    public init(configPath: String? = nil, databasePath: String? = nil, socketPath: String? = nil) {
        self.configPath = configPath
        self.databasePath = databasePath
        self.socketPath = socketPath
    }

    /// The flags on top of a loaded file, at start and at every reload alike.
    func applied(to config: DaemonConfig) -> DaemonConfig {
        var config = config
        if let databasePath { config.databasePath = databasePath }
        if let socketPath { config.socketPath = socketPath }
        return config
    }
}

/// Exit statuses of quayd, as systemd and scripts see them.
public enum DaemonExit: Int32 {
    case ok = 0
    case failure = 1
    /// A file given to `--restore` is not a backup this quayd can put back (EX_DATAERR).
    case badBackup = 65
    /// The database fails its check at start (EX_IOERR): put a backup back (`--restore`).
    case damagedDatabase = 74
    /// Another quayd holds this database (EX_TEMPFAIL): try again once it has stopped.
    case alreadyRunning = 75
    /// The config file could not be used (EX_CONFIG); systemd should not restart in a loop.
    case badConfig = 78
}

/// Composes the daemon: config, database (migrated before the socket accepts), socket
/// server, SIGHUP reload, systemd readiness and watchdog; runs until SIGTERM or SIGINT and
/// then shuts down in reverse order.
public enum Daemon {
    /// The file (or the built-in defaults) with the flags on top; nil, said on stderr, when
    /// the file is refused.
    static func loadConfig(_ options: DaemonOptions) -> DaemonConfig? {
        do {
            let file = try options.configPath.map { path throws(ConfigError) in try ConfigLoader.load(path: path) } ?? DaemonConfig()
            return options.applied(to: file)
        } catch {
            FileHandle.standardError.write(Data("quayd: config refused: \(error)\n".utf8))
            return nil
        }
    }

    /// `quayd --restore FILE`: checks FILE, keeps the database it replaces, puts FILE in its
    /// place, and says what it restored — only with no quayd running on that database.
    public static func restore(_ file: String, _ options: DaemonOptions, anySchool: Bool = false) -> DaemonExit {
        func say(_ vi: String, _ en: String, error: Bool = false) {
            let text = "quayd: \(vi)\nquayd: \(en)\n"
            (error ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
        }
        guard let config = loadConfig(options) else { return .badConfig }
        let database = config.databasePath
        let lock: InstanceLock
        switch InstanceLock.acquire(beside: database) {
        case .success(let held): lock = held
        case .failure(.held(_, let pid)):
            let holder = pid.map { "PID \($0)" } ?? "PID ?"
            say(
                "quayd đang chạy trên \(database) (\(holder)); hãy dừng nó trước (sudo systemctl stop quayd) rồi khôi phục.",
                "quayd is running on \(database) (\(holder)); stop it first (sudo systemctl stop quayd), then restore.", error: true)
            return .alreadyRunning
        case .failure(.unavailable(let path, let code)):
            FileHandle.standardError.write(Data("quayd: \(path): \(String(cString: strerror(code)))\n".utf8))
            return .failure
        }
        defer { lock.release() }
        do {
            let report = try QuayDatabase.restore(file, over: database, at: Date(), school: config.schoolName, anySchool: anySchool)
            let counts = report.counts
            let what = "\(counts["item"] ?? 0) bản sách / copies, \(counts["patron"] ?? 0) bạn đọc / patrons, \(counts["open_loan"] ?? 0) lượt đang mượn / open loans"
            let of = report.school.map { " — \($0)" } ?? ""
            say("đã khôi phục \(file) vào \(database)\(of) (\(what)).", "restored \(file) to \(database)\(of) (\(what)).")
            if let kept = report.kept {
                say("cơ sở dữ liệu cũ được giữ ở \(kept).", "the database it replaced is kept as \(kept).")
            }
            return .ok
        } catch let error as StoreError where error.code == .invalidBackup {
            say("không khôi phục được, chưa thay đổi gì: \(error.reason)", "not restored, nothing changed: \(error.reason)", error: true)
            return .badBackup
        } catch {
            say("không khôi phục được: \(error)", "not restored: \(error)", error: true)
            return .failure
        }
    }

    public static func run(_ options: DaemonOptions, environment: [String: String]) async -> DaemonExit {
        guard let config = loadConfig(options) else { return .badConfig }

        let level = config.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "quayd")
        let notifier = SystemdNotifier(environment: environment)

        // One quayd per database, decided before the socket or any device is touched.
        let lock: InstanceLock
        switch InstanceLock.acquire(beside: config.databasePath) {
        case .success(let held): lock = held
        case .failure(.held(let path, let pid)):
            let holder = pid.map { "PID \($0)" } ?? "PID ?"
            let database = config.databasePath
            logger.critical("another quayd holds the database", metadata: ["db.path": "\(database)", "lock.holder": "\(holder)"])
            FileHandle.standardError.write(
                Data(
                    ("quayd: cơ sở dữ liệu \(database) đang được một quayd khác dùng (\(holder), khoá \(path)); mỗi cơ sở dữ liệu chỉ một quayd.\n"
                        + "quayd: the database \(database) is in use by another quayd (\(holder), lock \(path)); one quayd per database.\n").utf8))
            return .alreadyRunning
        case .failure(.unavailable(let path, let code)):
            logger.critical("cannot take the database lock", metadata: ["lock.path": "\(path)", "errno": "\(code)"])
            FileHandle.standardError.write(Data("quayd: \(path): \(String(cString: strerror(code)))\n".utf8))
            return .failure
        }
        defer { lock.release() }

        // A damaged database is refused before anything writes to it. A large one is checked
        // after start instead, so that the desk is ready within SPEC §14's budget.
        let checkNow = QuayDatabase.fileBytes(of: config.databasePath) <= quickCheckAtStartBytes
        if checkNow, let damage = QuayDatabase.quickCheck(path: config.databasePath) {
            refuseDamaged(config, options, reason: damage, logger: logger)
            return .damagedDatabase
        }

        let database: QuayDatabase
        do {
            database = try QuayDatabase(path: config.databasePath, synchronous: config.synchronous, groupCommit: config.groupCommit)
        } catch {
            logger.critical("cannot open the database: \(error)")
            if let store = error as? StoreError, store.code == .databaseUnavailable, QuayDatabase.isDamage(store.reason) {
                refuseDamaged(config, options, reason: store.reason, logger: logger)
                return .damagedDatabase
            }
            if let store = error as? StoreError, store.code != .databaseUnavailable {
                let code = ErrorCode(store.code)
                // Said plainly on stderr too, in both languages: the journal is not where a
                // desk PC's user looks first.
                let words = "\(code.message(.vi)) / \(code.message(.en))"
                FileHandle.standardError.write(Data("quayd: \(config.databasePath): \(words)\n".utf8))
            }
            return .failure
        }
        DaemonState.removeStaleTransfers(of: config.databasePath)
        do {
            try await database.recordSchool(config.schoolName)
        } catch {
            logger.warning("cannot record the school's name in the database", metadata: ["error": "\(error)"])
        }
        logger.info(
            "database open",
            metadata: ["db.path": "\(config.databasePath)", "db.synchronous": "\(config.synchronous.rawValue)"])

        let inherited = activatedListeningSocket(environment: environment)
        let target: ListenTarget =
            inherited.map { .inherited(fd: $0) }
            ?? .path(config.socketPath, mode: config.socketMode, group: config.socketGroup)
        if case .path(let path, _, _) = target {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        let boundPath: String? = inherited == nil ? config.socketPath : nil
        let state = DaemonState(
            config: config, configPath: options.configPath, database: database, boundSocketPath: boundPath,
            activated: inherited != nil)

        // Trap SIGHUP before anything can report ready, so an early reload never kills us.
        if checkNow {
            state.quickCheck.withLockedValue { $0 = "ok" }
        } else {
            Task.detached(priority: .utility) {
                // Read-only, beside the pool: the desk goes on meanwhile.
                let damage = QuayDatabase.quickCheck(path: config.databasePath)
                state.quickCheck.withLockedValue { $0 = damage ?? "ok" }
                if let damage {
                    logger.critical("the database fails quick_check", metadata: ["db.path": "\(config.databasePath)", "error": "\(damage)"])
                    let words = DamageWords(config: config, configPath: options.configPath, reason: damage)
                    state.events.publish("database.damaged", at: Date(), BackupEventData(reason: damage, level: "error", vi: words.vi, en: words.en))
                } else {
                    logger.info("database quick_check ok")
                }
            }
        }

        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let server = SocketServer(
            target: target, state: state, dispatcher: Dispatcher(state: state, logger: logger), logger: logger,
            onReady: { notifier.notify("READY=1\nSTATUS=serving\nMAINPID=\(getpid())", logger: logger) },
            onShutdown: {
                notifier.notify("STOPPING=1\nSTATUS=stopping", logger: logger)
                state.events.finish()  // watchers' streams end, so their connections can close
            })
        let desks = DeskService(state: state, events: state.events, logger: logger)
        state.attach(desks)
        let printing = PrintService(state: state, logger: logger)
        state.attach(printing)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // The print queue and the desks first: shut down last, after the socket stops taking requests.
            .init(service: printing),
            .init(service: desks),
            .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: ConfigReloader(signals: hangups, options: options, state: state, notifier: notifier, logger: logger)),
            .init(service: Checkpointer(state: state, logger: logger)),
            .init(service: BackupScheduler(state: state, logger: logger)),
        ]
        if let sip2 = config.sip2 {
            services.append(.init(service: SIP2Server(settings: sip2, state: state, logger: logger)))
        }
        if let web = config.web {
            services.append(.init(service: WebServer.service(web, state: state, logger: logger)))
        }
        if let interval = watchdogInterval(environment: environment) {
            services.append(.init(service: Watchdog(interval: interval, state: state, notifier: notifier, logger: logger)))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.logging.keys.serviceKey = "service"
        let group = ServiceGroup(configuration: groupConfiguration)

        var exit = DaemonExit.ok
        do {
            try await group.run()
        } catch {
            logger.critical("quayd stopped on an error: \(error)")
            exit = .failure
        }
        do {
            try database.close()
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
        // Only the socket this process bound: a newer quayd may have bound the path since.
        if boundPath != nil, state.boundSocket?.removeIfStillOurs() == false {
            logger.notice("the socket path holds another daemon's socket now; left in place")
        }
        logger.info("quayd stopped")
        return exit
    }

    /// Databases up to this size are checked with `quick_check` before quayd is ready; larger
    /// ones right after, so that the desk is ready within SPEC §14's 300 ms (BENCHMARKS.md:
    /// 2.19 ms per MiB here, so 64 MiB is about 140 ms; 790 MiB took 1.7 s).
    static let quickCheckAtStartBytes: Int64 = 64 << 20

    /// Says, on stderr and in the log, that the database is damaged and which backup to put back.
    static func refuseDamaged(_ config: DaemonConfig, _ options: DaemonOptions, reason: String, logger: Logger) {
        let words = DamageWords(config: config, configPath: options.configPath, reason: reason)
        logger.critical("the database is damaged; not starting", metadata: ["db.path": "\(config.databasePath)", "error": "\(reason)"])
        FileHandle.standardError.write(Data("quayd: \(words.vi)\nquayd: \(words.en)\n".utf8))
    }
}

/// What to say of a damaged database: what is wrong, and the newest backup that still passes
/// `integrity_check`, with the command that puts it back.
struct DamageWords {
    let vi: String
    let en: String

    init(config: DaemonConfig, configPath: String?, reason: String) {
        let database = config.databasePath
        let quayd = "sudo systemctl stop quayd; sudo quayd" + (configPath.map { " --config \($0)" } ?? "") + " --restore"
        let short = String(reason.prefix(200))
        var good: BackupDirectory.Entry? = nil
        if let directory = config.backup.directory {
            good = BackupDirectory(path: directory).list().first { (try? QuayDatabase.checkBackup($0.file)) != nil }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        if let good {
            let when = formatter.string(from: good.takenAt)
            vi = "cơ sở dữ liệu \(database) bị hỏng (\(short)). Bản sao lưu tốt mới nhất: \(good.file) (\(when)); khôi phục: \(quayd) \(good.file)"
            en = "the database \(database) is damaged (\(short)). The newest good backup: \(good.file) (\(when)); restore it: \(quayd) \(good.file)"
        } else {
            let place = config.backup.directory.map { "trong \($0)" } ?? "(chưa cấu hình [backup] directory)"
            let placeEn = config.backup.directory.map { "in \($0)" } ?? "([backup] directory is not set)"
            vi = "cơ sở dữ liệu \(database) bị hỏng (\(short)). Không có bản sao lưu tự động tốt nào \(place); khôi phục từ bản sao của bạn: \(quayd) FILE"
            en = "the database \(database) is damaged (\(short)). No good automatic backup \(placeEn); restore a copy of yours: \(quayd) FILE"
        }
    }
}
