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

/// A piece of a copy: at most `maxChunk` bytes, Base64, so that a reply stays under the frame
/// limit. After the piece with `done`, the daemon has removed its copy.
public struct BackupChunk: Sendable, Codable, Equatable {
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
