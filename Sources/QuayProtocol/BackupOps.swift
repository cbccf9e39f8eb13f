import Foundation

/// `backup.create`: a consistent copy of the database, made in the daemon and checked; the
/// client then reads it with `backup.read` and writes it with its own permissions.
public struct BackupCreateResult: Sendable, Codable, Equatable {
    /// The copy's number, for `backup.read`.
    public var backup: Int64
    public var sizeBytes: Int64
    /// `PRAGMA integrity_check` of the copy: always `ok` (a copy that fails it is refused).
    public var integrity: String

    public init(backup: Int64, sizeBytes: Int64, integrity: String) {
        self.backup = backup
        self.sizeBytes = sizeBytes
        self.integrity = integrity
    }

    enum CodingKeys: String, CodingKey {
        case backup
        case sizeBytes = "size_bytes"
        case integrity
    }
}

/// `backup.read`: the next piece of a copy, from `offset`.
public struct BackupReadArgs: Sendable, Codable, Equatable {
    public var backup: Int64
    public var offset: Int64

    public init(backup: Int64, offset: Int64) {
        self.backup = backup
        self.offset = offset
    }
}

/// A piece of a file the daemon made for the client (a backup copy, a report): at most
/// `maxChunk` bytes, Base64, so that a reply stays under the frame limit. After the piece with
/// `done`, the daemon has removed its file.
public struct FileChunk: Sendable, Codable, Equatable {
    public static let maxChunk = 512 * 1024

    public var offset: Int64
    public var data: String
    public var done: Bool

    public init(offset: Int64, data: String, done: Bool) {
        self.offset = offset
        self.data = data
        self.done = done
    }
}

/// `backup.list`: the automatic backups in `[backup] directory`, newest first. With `check`,
/// each file is checked again now with `integrity_check` (it reads every page of every file).
public struct BackupListArgs: Sendable, Codable, Equatable {
    public var check: Bool?

    public init(check: Bool? = nil) { self.check = check }
}

/// One automatic backup.
public struct BackupEntryInfo: Sendable, Codable, Equatable {
    public var file: String
    public var takenAt: Date
    public var sizeBytes: Int64
    /// Checked with `integrity_check` before it was given its name: true for every file the
    /// daemon wrote (a backup that fails the check is removed, never named).
    public var verified: Bool
    /// With `check`: "ok", or what is wrong with the file now; null when not checked again.
    public var check: String?

    public init(file: String, takenAt: Date, sizeBytes: Int64, verified: Bool, check: String?) {
        self.file = file
        self.takenAt = takenAt
        self.sizeBytes = sizeBytes
        self.verified = verified
        self.check = check
    }

    enum CodingKeys: String, CodingKey {
        case file
        case takenAt = "taken_at"
        case sizeBytes = "size_bytes"
        case verified, check
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(takenAt, forKey: .takenAt)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(verified, forKey: .verified)
        try container.encode(check, forKey: .check)
    }
}

/// How the automatic backups stand: in `status` and in `backup.list`. Every field is present,
/// null when it does not apply (automatic backups off, no backup yet, no failure).
public struct BackupState: Sendable, Codable, Equatable {
    public var automatic: Bool
    public var directory: String?
    /// "daily 17:00" or "every 6h".
    public var schedule: String?
    public var keep: Int?
    public var lastGoodAt: Date?
    public var lastGoodFile: String?
    public var lastError: String?
    public var lastErrorAt: Date?
    /// The newest good backup is older than the schedule allows (or there is none and the
    /// last attempt failed).
    public var overdue: Bool

    public init(
        automatic: Bool, directory: String?, schedule: String?, keep: Int?, lastGoodAt: Date?, lastGoodFile: String?,
        lastError: String?, lastErrorAt: Date?, overdue: Bool
    ) {
        self.automatic = automatic
        self.directory = directory
        self.schedule = schedule
        self.keep = keep
        self.lastGoodAt = lastGoodAt
        self.lastGoodFile = lastGoodFile
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.overdue = overdue
    }

    enum CodingKeys: String, CodingKey {
        case automatic, directory, schedule, keep
        case lastGoodAt = "last_good_at"
        case lastGoodFile = "last_good_file"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
        case overdue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(automatic, forKey: .automatic)
        try container.encode(directory, forKey: .directory)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(keep, forKey: .keep)
        try container.encode(lastGoodAt, forKey: .lastGoodAt)
        try container.encode(lastGoodFile, forKey: .lastGoodFile)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(lastErrorAt, forKey: .lastErrorAt)
        try container.encode(overdue, forKey: .overdue)
    }
}

/// The reply to `backup.list`.
public struct BackupListResult: Sendable, Codable, Equatable {
    public var state: BackupState
    public var backups: [BackupEntryInfo]

    public init(state: BackupState, backups: [BackupEntryInfo]) {
        self.state = state
        self.backups = backups
    }
}

/// The events `backup.done`, `backup.failed` and `backup.overdue`, with their words for
/// `quay watch`.
public struct BackupEventData: Sendable, Codable, Equatable {
    public var file: String?
    public var sizeBytes: Int64?
    public var reason: String?
    public var level: String
    public var vi: String
    public var en: String

    public init(file: String? = nil, sizeBytes: Int64? = nil, reason: String? = nil, level: String, vi: String, en: String) {
        self.file = file
        self.sizeBytes = sizeBytes
        self.reason = reason
        self.level = level
        self.vi = vi
        self.en = en
    }

    enum CodingKeys: String, CodingKey {
        case file
        case sizeBytes = "size_bytes"
        case reason, level, vi, en
    }
}

extension BackupState {
    /// What to say when backups are overdue, the same in the log, the events and `quay status`.
    public var overdueWords: (vi: String, en: String) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        if let lastGoodAt {
            let when = formatter.string(from: lastGoodAt)
            return ("bản sao lưu tự động mới nhất đã quá hạn (\(when)); hãy xem \(directory ?? "") và quay backups",
                    "the newest automatic backup is overdue (\(when)); look at \(directory ?? "") and quay backups")
        }
        return ("chưa có bản sao lưu tự động nào: \(lastError ?? "")", "no automatic backup yet: \(lastError ?? "")")
    }
}
