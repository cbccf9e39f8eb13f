import Foundation
import Logging
import QuayLabels
import QuayProtocol
import QuayStore
import NIOConcurrencyHelpers

/// What the running daemon knows about itself: the config in force, where it came from,
/// and its start time. The config is swapped whole on reload; readers take a copy.
public final class DaemonState: Sendable {
    public struct Loaded: Sendable {
        public var config: DaemonConfig
        public var path: String?
        public var loadedAt: Date
        public var reloads: Int
    }

    public let startedAt = Date()
    let startInstant = ContinuousClock.now
    public let database: QuayDatabase
    public let connections: ConnectionRegistry
    /// The socket path when quayd bound it itself; nil under socket activation.
    public let boundSocketPath: String?
    public let activated: Bool
    private let loaded: NIOLockedValueBox<Loaded>
    /// The label renderer for the configured fonts, opened on first use so that a missing
    /// font stops labels (`font_missing`) but never the desk's loans.
    private let renderer = NIOLockedValueBox<LabelRenderer?>(nil)
    /// Live events for `events.subscribe`.
    public let events = EventHub()
    private let deskService = NIOLockedValueBox<DeskService?>(nil)
    private let printService = NIOLockedValueBox<PrintService?>(nil)
    /// Files made for a client — `backup.create`'s copies, `report.run`'s reports — and not yet read to their end: number → file.
    let transfers = NIOLockedValueBox<(next: Int64, files: [Int64: String])>((1, [:]))
    /// The catalogue imports running, by upload: how far each has read its file.
    let importProgress = NIOLockedValueBox<[Int64: ImportProgressResult]>([:])
    /// Wrong passwords in a row, by staff name (`staff.login` slows down after five).
    let loginFailures = NIOLockedValueBox<[String: Int]>([:])
    /// The automatic backups: the newest good one and the last failure.
    let automaticBackups = NIOLockedValueBox(BackupRecord())
    /// The backup into the directory being taken now, which the next one waits for.
    let backupTurn = NIOLockedValueBox<Task<Void, Never>?>(nil)
    /// `PRAGMA quick_check` since start: "ok", "running", or what is wrong.
    let quickCheck = NIOLockedValueBox("running")
    /// The socket file as bound, so that stopping removes only that one.
    private let boundSocketFile = NIOLockedValueBox<BoundSocket?>(nil)
    var boundSocket: BoundSocket? {
        get { boundSocketFile.withLockedValue { $0 } }
        set { boundSocketFile.withLockedValue { $0 = newValue } }
    }

    /// The desks, once their service exists.
    var desks: DeskService? { deskService.withLockedValue { $0 } }
    func attach(_ desks: DeskService) { deskService.withLockedValue { $0 = desks } }
    /// The print queue's runners, once they exist.
    var printing: PrintService? { printService.withLockedValue { $0 } }
    func attach(_ printing: PrintService) { printService.withLockedValue { $0 = printing } }

    /// The one clock of the daemon: the ops, the desks, the print queue, the backups and SIP2
    /// all read the time here, so that a test sets it once.
    public let now: @Sendable () -> Date

    init(
        config: DaemonConfig, configPath: String?, database: QuayDatabase, boundSocketPath: String?,
        activated: Bool, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.database = database
        self.boundSocketPath = boundSocketPath
        self.activated = activated
        self.connections = ConnectionRegistry(limit: config.maxConnections)
        self.loaded = NIOLockedValueBox(Loaded(config: config, path: configPath, loadedAt: now(), reloads: 0))
    }

    public var current: Loaded { loaded.withLockedValue { $0 } }

    /// The renderer for `fonts`, reopened when a reload changed them.
    func labelRenderer(_ fonts: FontFiles) throws(LabelError) -> LabelRenderer {
        // NIOLockedValueBox rethrows untyped: the result carries the typed error out.
        let result = renderer.withLockedValue { (cached: inout LabelRenderer?) -> Result<LabelRenderer, LabelError> in
            if let cached, cached.files == fonts { return .success(cached) }
            do throws(LabelError) {
                let fresh = try LabelRenderer(fonts: fonts)
                cached = fresh
                return .success(fresh)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
    public var config: DaemonConfig { loaded.withLockedValue { $0.config } }

    /// Puts a newly loaded config in force; returns the settings that wait for a restart.
    func install(_ config: DaemonConfig) -> [String] {
        let pending = loaded.withLockedValue { state in
            let pending = config.restartOnlyDifferences(from: state.config)
            state.config = config
            state.loadedAt = self.now()
            state.reloads += 1
            return pending
        }
        connections.setLimit(config.maxConnections)
        return pending
    }
}
