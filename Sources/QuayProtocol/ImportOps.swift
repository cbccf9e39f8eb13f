import QuayCore

/// `upload.begin`: a file the client sends in pieces (a spreadsheet or a MARC file to import),
/// kept beside the database until it is imported or the daemon restarts.
public struct UploadBeginArgs: Sendable, Codable, Equatable {
    public var sizeBytes: Int64

    public init(sizeBytes: Int64) { self.sizeBytes = sizeBytes }

    enum CodingKeys: String, CodingKey { case sizeBytes = "size_bytes" }
}

public struct UploadBeginResult: Sendable, Codable, Equatable {
    public var upload: Int64
    /// The most bytes one `upload.write` may carry (before Base64).
    public var maxChunk: Int

    public init(upload: Int64, maxChunk: Int) {
        self.upload = upload
        self.maxChunk = maxChunk
    }

    enum CodingKeys: String, CodingKey {
        case upload
        case maxChunk = "max_chunk"
    }
}

/// `upload.write`: the bytes at `offset` (Base64), in order.
public struct UploadWriteArgs: Sendable, Codable, Equatable {
    public var upload: Int64
    public var offset: Int64
    public var data: String

    public init(upload: Int64, offset: Int64, data: String) {
        self.upload = upload
        self.offset = offset
        self.data = data
    }
}

public struct UploadWriteResult: Sendable, Codable, Equatable {
    public var received: Int64
    public init(received: Int64) { self.received = received }
}

/// `import.progress`: how far the import of an upload has read its file, asked on another
/// connection while its `import.catalogue` runs: `done` of `total` (bytes of an ISO 2709 file,
/// titles of a spreadsheet or a MARCXML file).
public struct ImportProgressArgs: Sendable, Codable, Equatable {
    public var upload: Int64
    public init(upload: Int64) { self.upload = upload }
}

public struct ImportProgressResult: Sendable, Codable, Equatable {
    public var done: Int64
    public var total: Int64

    public init(done: Int64, total: Int64) {
        self.done = done
        self.total = total
    }
}

/// `import.catalogue` and `import.equipment`: an uploaded file (`upload`), its format (`csv`,
/// `xlsx`, `marc`, `marcxml`; found from its bytes when absent), an encoding forced for every
/// text column (`utf-8`, `tcvn3`, `vni`, `viscii`, `vps`, `cp1258`, `double-utf-8`), columns
/// mapped by hand (`map`: header → field), the register numbers without a prefix belong to,
/// and whether to write (`dry_run`) or to leave out the bad rows (`skip_bad_rows`).
public struct ImportArgs: Sendable, Codable, Equatable {
    public var upload: Int64
    public var format: String?
    public var encoding: String?
    public var map: [String: String]?
    public var register: String?
    public var dryRun: Bool?
    public var skipBadRows: Bool?
    public var language: String?

    public init(
        upload: Int64, format: String? = nil, encoding: String? = nil, map: [String: String]? = nil, register: String? = nil, dryRun: Bool? = nil,
        skipBadRows: Bool? = nil, language: String? = nil
    ) {
        self.upload = upload
        self.format = format
        self.encoding = encoding
        self.map = map
        self.register = register
        self.dryRun = dryRun
        self.skipBadRows = skipBadRows
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case upload, format, encoding, map, register
        case dryRun = "dry_run"
        case skipBadRows = "skip_bad_rows"
        case language
    }
}

/// A column as the import read it: its header, the field it fills, the encoding its text was
/// in, and up to three values before (as the bytes read as Windows-1252 would show them) and
/// after conversion.
public struct ImportColumnView: Sendable, Codable, Equatable {
    public var column: String
    public var header: String
    public var field: String?
    public var encoding: String
    public var confidence: String
    public var samples: [[String]]

    public init(column: String, header: String, field: String?, encoding: String, confidence: String, samples: [[String]]) {
        self.column = column
        self.header = header
        self.field = field
        self.encoding = encoding
        self.confidence = confidence
        self.samples = samples
    }
}

public struct ImportProblemView: Sendable, Codable, Equatable {
    public var line: Int
    public var column: String?
    public var reason: String

    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }
}

/// What an import did, or with `dry_run` would do: `applied` is false when nothing was
/// written (a dry run, or problems without `skip_bad_rows`).
public struct ImportReport: Sendable, Codable, Equatable {
    public var format: String
    public var rows: Int
    public var dryRun: Bool
    public var applied: Bool
    /// Counts by what: `records`, `copies`, `patrons`, `types`, `units`.
    public var created: [String: Int]
    public var unchanged: Int
    public var columns: [ImportColumnView]
    public var problems: [ImportProblemView]
    public var skippedLines: [Int]
    /// Each register's next number after the import.
    public var registers: [String: Int64]

    public init(
        format: String, rows: Int, dryRun: Bool, applied: Bool, created: [String: Int], unchanged: Int, columns: [ImportColumnView],
        problems: [ImportProblemView], skippedLines: [Int], registers: [String: Int64]
    ) {
        self.format = format
        self.rows = rows
        self.dryRun = dryRun
        self.applied = applied
        self.created = created
        self.unchanged = unchanged
        self.columns = columns
        self.problems = problems
        self.skippedLines = skippedLines
        self.registers = registers
    }

    enum CodingKeys: String, CodingKey {
        case format, rows
        case dryRun = "dry_run"
        case applied, created, unchanged, columns, problems
        case skippedLines = "skipped_lines"
        case registers
    }
}
