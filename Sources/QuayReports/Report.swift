import Foundation
import QuayCore

/// What a report's columns hold: the writers format each kind the way schools print it.
public enum CellKind: Sendable {
    case text
    /// A count or a number in a register (số ĐKCB).
    case integer
    /// Đồng, with thousands separated.
    case money
    /// A calendar day, dd/mm/yyyy.
    case date
}

/// One cell of a row.
public enum ReportCell: Sendable, Equatable {
    case empty
    case text(String)
    case integer(Int64)
    case money(Int64)
    case date(Day)

    /// Text, or nothing for nil.
    public static func text(or value: String?) -> ReportCell { value.map { .text($0) } ?? .empty }
    public static func integer(or value: Int64?) -> ReportCell { value.map { .integer($0) } ?? .empty }
    public static func money(or value: Int64?) -> ReportCell { value.map { .money($0) } ?? .empty }
    /// A day from `yyyy-mm-dd` or a timestamp (its day in Vietnam); nothing when it is neither.
    public static func day(_ value: String?) -> ReportCell {
        guard let value else { return .empty }
        // Bytes, not characters: counting graphemes on every line of a register costs more than
        // the day. Ten bytes that make a day are ten ASCII characters.
        if value.utf8.count == 10, let day = Day(value) { return .date(day) }
        if let date = Timestamp.parse(value) { return .date(Day(date)) }
        return .text(value)
    }
}

public struct ReportColumn: Sendable {
    public var heading: Bilingual
    public var kind: CellKind

    public init(_ vi: String, _ en: String, _ kind: CellKind = .text) {
        heading = Bilingual(vi: vi, en: en)
        self.kind = kind
    }
}

/// One sheet (one part) of a report: its name, its title on the printed page, its columns.
public struct ReportSheet: Sendable {
    public var name: Bilingual
    public var title: Bilingual
    public var columns: [ReportColumn]
    /// Wide registers print across the page.
    public var landscape: Bool

    public init(name: Bilingual, title: Bilingual, columns: [ReportColumn], landscape: Bool = true) {
        self.name = name
        self.title = title
        self.columns = columns
        self.landscape = landscape
    }
}

/// A chart of the current sheet's rows: `categories` and `values` are column indexes, over the
/// data rows written so far (XLSX draws it with libxlsxwriter's own charts; CSV has none).
public struct ReportChart: Sendable {
    public enum Kind: Sendable { case column, bar, pie }

    public var kind: Kind
    public var title: String
    public var categories: Int
    public var values: [Int]

    public init(_ kind: Kind, title: String, categories: Int, values: [Int]) {
        self.kind = kind
        self.title = title
        self.categories = categories
        self.values = values
    }
}

/// Where a report is written: sheets in order, rows in order, each row's cells in column order
/// — what constant-memory XLSX requires, and what lets no report hold its rows in memory.
public protocol ReportWriter: AnyObject {
    func begin(_ sheet: ReportSheet) throws(ReportError)
    func row(_ cells: [ReportCell]) throws(ReportError)
    /// A chart of the sheet's rows so far, placed beside them.
    func chart(_ chart: ReportChart) throws(ReportError)
    /// Closes the file; after a throw anywhere the caller removes it.
    func finish() throws(ReportError)
}

public struct ReportError: Error, CustomStringConvertible {
    /// A failure to write, or something the request left out or asked for that the report
    /// cannot give (the daemon refuses those as the request's fault, not its own).
    public enum Kind: Sendable { case failure, missingFilter, notInReport }

    public var detail: String
    public var kind: Kind
    public init(_ detail: String, _ kind: Kind = .failure) {
        self.detail = detail
        self.kind = kind
    }
    public var description: String { detail }
}

/// How a report's file is laid out: for people to print and sign (`report`: the school's name
/// and the titles above each table), or for another program to read back (`table`: the header
/// row first, one sheet; the exports of SPEC §10). XLSX is the same either way: its header row is
/// the sheet's first, and the titles are in the printed page's header.
public enum ReportLayout: Sendable {
    case report, table
}

/// The file formats: a workbook or a table (by the output file's extension), or a picture —
/// the report's charts (`svg`, `png`) or its first printed page (`page`, a PNG).
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case xlsx, csv, svg, png, page

    /// `.xlsx` or `.csv` at the end of `path`; nil for anything else.
    public init?(path: String) {
        let lower = path.lowercased()
        guard let format = [ReportFormat.xlsx, .csv].first(where: { lower.hasSuffix("." + $0.rawValue) }) else { return nil }
        self = format
    }

    /// A writer of this format into `path`, with the school's name and the report's title in
    /// the page header (XLSX, the page picture) or its first lines (CSV).
    public func writer(
        path: String, school: String, title: String, language: Language, temporaryDirectory: String, layout: ReportLayout = .report
    ) throws(ReportError) -> any ReportWriter {
        // The tables, which may run to a million rows, are written on a thread of their own.
        switch self {
        case .csv: PipelinedReportWriter(try CSVReportWriter(path: path, school: school, title: title, language: language, layout: layout))
        case .xlsx:
            PipelinedReportWriter(
                try XLSXReportWriter(path: path, school: school, title: title, language: language, temporaryDirectory: temporaryDirectory))
        case .svg, .png, .page: try PictureReportWriter(path: path, school: school, title: title, language: language, format: self)
        }
    }
}
