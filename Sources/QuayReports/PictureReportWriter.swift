import Foundation
import QuayCore
import QuayLabels

/// A report as a picture: its charts (SVG or PNG, `ChartPicture`) or the first printed page of
/// its first sheet (PNG, `ReportPage`). Memory stays bounded whatever the report's size: the
/// page keeps the rows one page holds and counts the rest; a chart keeps its sheet's first
/// `ChartPicture.maximumCategories` rows.
public final class PictureReportWriter: ReportWriter {
    private let path: String
    private let school: String
    private let title: String
    private let language: Language
    private let format: ReportFormat
    private var sheets = 0
    private var sheet: ReportSheet?
    private var kept: [[ReportCell]] = []
    private var widths: [Int] = []
    private var total = 0
    private var charts: [ChartPicture.Chart] = []
    private var pageRows: Int?

    public init(path: String, school: String, title: String, language: Language, format: ReportFormat) throws(ReportError) {
        self.path = path
        self.school = school
        self.title = title
        self.language = language
        self.format = format
    }

    public func begin(_ sheet: ReportSheet) throws(ReportError) {
        sheets += 1
        kept = []
        guard format != .page || sheets == 1 else { return }
        self.sheet = sheet
        widths = sheet.columns.map { XLSXReportWriter.width(of: $0.heading.text(language)) }
        if format == .page {
            pageRows = ReportPage(school: school, title: "", columns: [], rows: [], totalRows: 0, landscape: sheet.landscape, language: language).rowsPerPage
        }
    }

    public func row(_ cells: [ReportCell]) throws(ReportError) {
        guard sheet != nil, format != .page || sheets == 1 else { return }
        total += format == .page ? 1 : 0
        if format == .page {
            for (index, cell) in cells.enumerated() where index < widths.count {
                widths[index] = max(widths[index], XLSXReportWriter.cellWidth(cell))
            }
        }
        let limit = format == .page ? (pageRows ?? 0) : ChartPicture.maximumCategories
        if kept.count < limit { kept.append(cells) }
    }

    public func chart(_ chart: ReportChart) throws(ReportError) {
        guard format != .page, let sheet, !kept.isEmpty else { return }
        let kind: ChartPicture.Kind =
            switch chart.kind {
            case .column: .column
            case .bar: .bar
            case .pie: .pie
            }
        charts.append(
            ChartPicture.Chart(
                title: chart.title, kind: kind, categories: kept.map { Self.text($0[safe: chart.categories] ?? .empty, language) },
                series: chart.values.map { column in
                    ChartPicture.Series(
                        name: column < sheet.columns.count ? sheet.columns[column].heading.text(language) : "",
                        values: kept.map { Self.number($0[safe: column] ?? .empty) })
                }))
    }

    public func finish() throws(ReportError) {
        let bytes: [UInt8]
        do {
            switch format {
            case .svg:
                guard !charts.isEmpty else { throw ReportError("this report has no chart", .notInReport) }
                bytes = Array(ChartPicture(title: title, charts: charts).svg().utf8)
            case .png:
                guard !charts.isEmpty else { throw ReportError("this report has no chart", .notInReport) }
                bytes = try ChartPicture(title: title, charts: charts).render(with: LabelRenderer()).pngData()
            default:
                guard let sheet else { throw ReportError("this report has no sheet") }
                let columns = sheet.columns.enumerated().map { index, column in
                    ReportPage.Column(
                        heading: column.heading.text(language), width: widths[index],
                        align: column.kind == .text ? .left : column.kind == .date ? .center : .right)
                }
                let page = ReportPage(
                    school: school, title: sheet.title.text(language), columns: columns, rows: kept.map { $0.map { Self.text($0, language) } },
                    totalRows: total, landscape: sheet.landscape, language: language)
                bytes = try page.render(with: LabelRenderer()).pngData()
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError("cannot draw the picture: \(error)")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw ReportError("cannot write \(path)") }
    }

    /// A cell as the printed page shows it: dd/mm/yyyy, money with its thousands separated
    /// (by "." in Vietnamese, as Vietnamese Excel prints #,##0; by "," in English).
    static func text(_ cell: ReportCell, _ language: Language) -> String {
        switch cell {
        case .empty: return ""
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .date(let day): return day.vietnamese
        case .money(let value):
            let digits = Array(String(abs(value)))
            var grouped = ""
            for (index, digit) in digits.enumerated() {
                if index > 0, (digits.count - index) % 3 == 0 { grouped.append(language == .vi ? "." : ",") }
                grouped.append(digit)
            }
            return (value < 0 ? "-" : "") + grouped
        }
    }

    static func number(_ cell: ReportCell) -> Double {
        switch cell {
        case .integer(let value), .money(let value): Double(value)
        case .text(let value): Double(value) ?? 0
        default: 0
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
