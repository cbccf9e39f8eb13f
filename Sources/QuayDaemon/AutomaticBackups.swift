import Foundation
import Logging
import NIOConcurrencyHelpers
import QuayProtocol
import QuayStore
import ServiceLifecycle

/// `[backup]`: where automatic backups go, when, and how many are kept. Automatic backups are
/// on when a directory is set (the packaged /etc/quay/quayd.toml sets one).
public struct BackupSettings: Sendable, Equatable {
    public enum Schedule: Sendable, Equatable {
        /// Once a day at this local time; a day whose time passed with quayd stopped (the desk
        /// PC was off) gets its backup as soon as quayd starts.
        case daily(hour: Int, minute: Int)
        /// Whenever the newest backup is this many seconds old.
        case every(seconds: Int)
    }

    public var directory: String?
    public var schedule = Schedule.daily(hour: 17, minute: 0)
    public var keep = 14

    public var description: String {
        switch schedule {
        case .daily(let hour, let minute): return String(format: "daily %02d:%02d", hour, minute)
        case .every(let seconds):
            for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] where seconds % size == 0 {
                return "every \(seconds / size)\(unit)"
            }
            return "every \(seconds)s"
        }
    }

    /// The time between two backups.
    var period: TimeInterval {
        switch schedule {
        case .daily: return 86_400
        case .every(let seconds): return TimeInterval(seconds)
        }
    }

    /// When the next backup is due, given the newest one: now when there is none, or when a
    /// scheduled time has passed since it was taken.
    func due(after newest: Date?, now: Date, calendar: Calendar = .current) -> Date {
        // None yet, or one from the future: the clock was stepped back (a desk PC whose
        // battery died), and waiting for it to catch up could mean days without a backup.
        guard let newest, newest <= now.addingTimeInterval(60) else { return now }
        switch schedule {
        case .every(let seconds):
            return newest.addingTimeInterval(TimeInterval(seconds))
        case .daily(let hour, let minute):
            let today = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: now) ?? now
            let latest = today <= now ? today : today.addingTimeInterval(-86_400)
            return newest < latest ? now : latest.addingTimeInterval(86_400)
        }
    }

    /// Older than this, the newest backup is overdue: a period and half of one more (at least
    /// ten minutes), so a backup that is merely running is not.
    var allowedAge: TimeInterval { period + max(period / 2, 600) }

    /// "17:30" → (17, 30).
    static func time(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    /// "30s", "90m", "6h", "1d" → seconds.
    static func interval(_ text: String) -> Int? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 1, count <= 366 * 86_400 else { return nil }
        let size: Int
        switch unit {
        case "s": size = 1
        case "m": size = 60
        case "h": size = 3600
        case "d": size = 86_400
        default: return nil
        }
        guard count * size <= 366 * 86_400 else { return nil }
        return count * size
    }
}

/// What the daemon knows of its automatic backups: the newest good one and the last failure.
struct BackupRecord: Sendable {
    var lastGood: BackupDirectory.Entry?
    var lastError: (at: Date, reason: String)?
    /// When `backup.overdue` was last said, so it is said once an hour, not every minute.
    var overdueSaidAt: Date?
}

extension DaemonState {
    /// How automatic backups stand now, for `status` and `backup.list`.
    func backupState(now: Date) -> BackupState {
        let settings = config.backup
        let record = automaticBackups.withLockedValue { $0 }
        guard let directory = settings.directory else {
            return BackupState(
                automatic: false, directory: nil, schedule: nil, keep: nil, lastGoodAt: nil, lastGoodFile: nil, lastError: nil,
                lastErrorAt: nil, overdue: false)
        }
        let overdue: Bool
        if let good = record.lastGood {
            overdue = now.timeIntervalSince(good.takenAt) > settings.allowedAge
        } else {
            overdue = record.lastError != nil
        }
        return BackupState(
            automatic: true, directory: directory, schedule: settings.description, keep: settings.keep,
            lastGoodAt: record.lastGood?.takenAt, lastGoodFile: record.lastGood?.file, lastError: record.lastError?.reason,
            lastErrorAt: record.lastError?.at, overdue: overdue)
    }
}

extension DaemonState {
    /// One automatic backup now (on schedule, or asked for by `backup.take`): taken, the oldest
    /// beyond `keep` removed, said in the log and as `backup.done`; a failure is recorded (for
    /// `status`), said as `backup.failed`, and thrown.
    func takeAutomaticBackup(_ directory: BackupDirectory, keep: Int, at time: Date, logger: Logger) async throws -> BackupDirectory.Entry {
        // One at a time (the schedule and `backup.take` at once would share a temporary file's
        // name): each waits for the one before it to end.
        let (turn, ended) = AsyncStream<Never>.makeStream()
        let mine = Task { for await _ in turn {} }
        let before = backupTurn.withLockedValue { previous in
            defer { previous = mine }
            return previous
        }
        defer { ended.finish() }
        await before?.value
        do {
            let entry = try await directory.take(from: database, at: time)
            let removed = directory.rotate(keep: keep)
            automaticBackups.withLockedValue { $0.lastGood = entry }
            logger.info(
                "automatic backup taken",
                metadata: ["backup.file": "\(entry.file)", "backup.bytes": "\(entry.sizeBytes)", "backup.removed": "\(removed.count)"])
            events.publish(
                "backup.done", at: time,
                BackupEventData(
                    file: entry.file, sizeBytes: entry.sizeBytes, level: "info", vi: "đã sao lưu tự động: \(entry.file)",
                    en: "automatic backup taken: \(entry.file)"))
            return entry
        } catch {
            let reason = (error as? StoreError)?.reason ?? "\(error)"
            automaticBackups.withLockedValue { $0.lastError = (time, reason) }
            logger.error("automatic backup failed", metadata: ["backup.directory": "\(directory.path)", "error": "\(reason)"])
            events.publish(
                "backup.failed", at: time,
                BackupEventData(
                    reason: reason, level: "error", vi: "sao lưu tự động thất bại: \(reason)", en: "automatic backup failed: \(reason)"))
            throw error
        }
    }
}

/// Takes the automatic backups (SPEC §11, `[backup]`): on schedule, each one copied from one
/// snapshot while the desk goes on, written to a temporary file, synced, checked and renamed
/// (`BackupDirectory.take`), then the oldest beyond `keep` removed. Follows a reloaded config;
/// says each backup and each failure in the log and as an event, and that backups are overdue
/// when they are.
final class BackupScheduler: Service {
    private let state: DaemonState
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// After a failure, the next attempt waits this long (or a period, if shorter).
    static let retryAfter: TimeInterval = 300

    init(state: DaemonState, logger: Logger, now: (@Sendable () -> Date)? = nil) {
        self.state = state
        self.logger = logger
        self.now = now ?? state.now
    }

    func run() async throws {
        var directoryInUse: String? = nil
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let settings = state.config.backup
            var wait: TimeInterval = 60  // a reload that turns backups on is seen within a minute
            if let path = settings.directory {
                let directory = BackupDirectory(path: path)
                if directoryInUse != path {
                    // A new directory (at start, or by a reload): what is there already counts.
                    directoryInUse = path
                    directory.removeIncomplete()
                    let newest = directory.list().first
                    state.automaticBackups.withLockedValue { $0.lastGood = newest }
                }
                wait = await step(directory, settings)
            }
            let seconds = max(0.05, min(wait, 60))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
        }
    }

    /// Takes a backup if one is due; returns how long until the next is.
    private func step(_ directory: BackupDirectory, _ settings: BackupSettings) async -> TimeInterval {
        let record = state.automaticBackups.withLockedValue { $0 }
        let time = now()
        var due = settings.due(after: record.lastGood?.takenAt, now: time)
        if let failure = record.lastError, record.lastGood.map({ $0.takenAt < failure.at }) ?? true {
            due = max(due, failure.at.addingTimeInterval(min(Self.retryAfter, settings.period)))
        }
        guard due <= time else {
            sayOverdue(at: time)
            return due.timeIntervalSince(time)
        }
        do {
            _ = try await state.takeAutomaticBackup(directory, keep: settings.keep, at: time, logger: logger)
        } catch {
            sayOverdue(at: time)
        }
        return 0
    }

    /// `backup.overdue` (and a log warning), once an hour while the newest backup is too old.
    private func sayOverdue(at time: Date) {
        let backup = state.backupState(now: time)
        guard backup.overdue else { return }
        let say = state.automaticBackups.withLockedValue { record -> Bool in
            guard record.overdueSaidAt.map({ time.timeIntervalSince($0) >= 3600 }) ?? true else { return false }
            record.overdueSaidAt = time
            return true
        }
        guard say else { return }
        let words = backup.overdueWords
        logger.warning("automatic backups are overdue", metadata: ["backup.last_good": "\(backup.lastGoodAt.map { "\($0)" } ?? "none")"])
        state.events.publish("backup.overdue", at: time, BackupEventData(reason: backup.lastError, level: "warning", vi: words.vi, en: words.en))
    }
}
