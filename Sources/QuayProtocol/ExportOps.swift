/// `export.run`: the catalogue, the patrons or the equipment as a file another system (or
/// Quầy's own import) reads, made like a report and read with `report.read`; the reply is a
/// `ReportRunResult` (its `rows`: copies, patrons or equipment lines; MARC records for MARC).
/// docs/import-export.md gives every column and field.
public struct ExportRunArgs: Sendable, Codable, Equatable {
    /// `catalogue`, `patrons` or `equipment`.
    public var what: String
    /// `csv` or `xlsx`; for the catalogue also `marc` (ISO 2709, UTF-8) or `marcxml`.
    public var format: String
    /// The language of the header row and the sheet's name: `vi` (the default) or `en`. The
    /// values are the same in both (raw kinds and statuses, so that they read back).
    public var language: String?

    public init(what: String, format: String, language: String? = nil) {
        self.what = what
        self.format = format
        self.language = language
    }
}
