import QuayCore

/// `report.list`: the reports quayd makes, and the filters each takes.
public struct ReportInfo: Sendable, Codable, Equatable {
    public var name: String
    public var title: String
    /// Who asks for it, what it is for.
    public var description: String
    public var filters: [String]
    /// True when it draws charts (`report.run` as `svg` or `png`); absent otherwise.
    public var charts: Bool?

    public init(name: String, title: String, description: String, filters: [String], charts: Bool? = nil) {
        self.name = name
        self.title = title
        self.description = description
        self.filters = filters
        self.charts = charts
    }
}

public struct ReportListResult: Sendable, Codable, Equatable {
    public var reports: [ReportInfo]
    public init(reports: [ReportInfo]) { self.reports = reports }
}

/// `report.run`: makes the report as a file the client then reads with `report.read`.
/// `filters` are the report's own (`report.list`): `register`, `from` and `to` (accession
/// numbers), `since` and `until` (dates), `class`, `school_year`, `teacher`, `overdue`, `disposal`.
public struct ReportRunArgs: Sendable, Codable, Equatable {
    public var name: String
    /// `xlsx` or `csv`.
    public var format: String
    public var filters: [String: String]?
    /// `vi` (the default: the registers' language) or `en`.
    public var language: String?

    public init(name: String, format: String, filters: [String: String]? = nil, language: String? = nil) {
        self.name = name
        self.format = format
        self.filters = filters
        self.language = language
    }
}

public struct ReportRunResult: Sendable, Codable, Equatable {
    /// The file's number for `report.read`.
    public var report: Int64
    public var format: String
    public var sizeBytes: Int64
    /// Rows written, over every sheet (headers not counted).
    public var rows: Int

    public init(report: Int64, format: String, sizeBytes: Int64, rows: Int) {
        self.report = report
        self.format = format
        self.sizeBytes = sizeBytes
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case report, format
        case sizeBytes = "size_bytes"
        case rows
    }
}

public struct ReportReadArgs: Sendable, Codable, Equatable {
    public var report: Int64
    public var offset: Int64

    public init(report: Int64, offset: Int64) {
        self.report = report
        self.offset = offset
    }
}
