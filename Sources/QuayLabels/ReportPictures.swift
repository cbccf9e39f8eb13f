import Foundation
import QuayCore

/// The first printed page of a register, as the XLSX prints it (SPEC §10): A4 in the sheet's
/// orientation, the school's name and the report's title in the page header, the header row
/// in bold, the columns fitted to the page width in the proportions of the workbook's column
/// widths, a grid, and "Trang 1 / N" in the footer. It is drawn the way labels are (turned into
/// a `LabelTemplate`, rendered by `LabelRenderer`), so its text goes through the same FreeType
/// code: NFC, shrunk to fit its cell, cut with "…" only when even the smallest size does not.
/// Schools look at it before printing a register of hundreds of pages; docs/reports.md shows one.
public struct ReportPage: Sendable {
    public enum Align: Sendable { case left, center, right }

    public struct Column: Sendable {
        public var heading: String
        /// The workbook's column width, in characters.
        public var width: Int
        public var align: Align

        public init(heading: String, width: Int, align: Align) {
            self.heading = heading
            self.width = width
            self.align = align
        }
    }

    public var school: String
    public var title: String
    public var columns: [Column]
    public var rows: [[String]]
    /// Every row of the sheet, for the page count in the footer.
    public var totalRows: Int
    public var landscape: Bool
    public var language: Language

    public init(school: String, title: String, columns: [Column], rows: [[String]], totalRows: Int, landscape: Bool, language: Language) {
        self.school = school
        self.title = title
        self.columns = columns
        self.rows = rows
        self.totalRows = totalRows
        self.landscape = landscape
        self.language = language
    }

    public static let resolution = Resolution(dpi: 150)

    /// Millimetres on the page.
    enum Layout {
        static let margin = 10.0, headerTop = 8.0, headerHeight = 7.0, tableTop = 18.0
        static let headingHeight = 10.0, rowHeight = 6.0, footerHeight = 6.0, line = 0.25, padding = 1.0
    }

    var pageSize: (width: Double, height: Double) { landscape ? (297, 210) : (210, 297) }

    /// How many rows one page holds.
    public var rowsPerPage: Int {
        let room = pageSize.height - Layout.tableTop - Layout.headingHeight - Layout.margin - Layout.footerHeight
        return max(1, Int(room / Layout.rowHeight))
    }

    public func render(at resolution: Resolution = resolution, with renderer: LabelRenderer) throws(LabelError) -> Raster {
        try renderer.render(layout(), LabelData(), at: resolution)
    }

    func layout() throws(LabelError) -> LabelTemplate {
        guard !columns.isEmpty else { throw LabelError(.templateInvalid, "a page needs at least one column") }
        let (width, height) = pageSize
        let tableWidth = width - 2 * Layout.margin
        // The workbook's widths clamped as XLSX sets them (6 to 60 characters), scaled to fit.
        let weights = columns.map { Double(min(max($0.width, 6), 60)) }
        let scale = tableWidth / weights.reduce(0, +)
        var edges = [Layout.margin]
        for weight in weights { edges.append(edges.last! + weight * scale) }
        var elements: [LabelTemplate.Element] = []
        // Cells shrink a little (8 to 6.5 points) before they are cut with "…": one size for a
        // whole register reads better than each cell fitted on its own.
        func text(_ value: String, _ box: LabelTemplate.Box, points: Double, bold: Bool = false, align: LabelTemplate.Align = .left, lines: Int = 1) {
            guard !value.isEmpty else { return }
            elements.append(
                .text(
                    LabelTemplate.Text(
                        box: box, value: .init(literal: value), sizePoints: points, minSizePoints: min(points, 6.5), bold: bold, align: align, lines: lines)))
        }
        func rule(x: Double, y: Double, width: Double, height: Double) {
            elements.append(.rule(LabelTemplate.Box(x: x, y: y, width: width, height: height)))
        }
        text(school, LabelTemplate.Box(x: Layout.margin, y: Layout.headerTop, width: tableWidth * 0.3, height: Layout.headerHeight), points: 8)
        text(
            title, LabelTemplate.Box(x: Layout.margin + tableWidth * 0.2, y: Layout.headerTop, width: tableWidth * 0.6, height: Layout.headerHeight),
            points: 11, bold: true, align: .center)
        let shown = Array(rows.prefix(rowsPerPage))
        let tableBottom = Layout.tableTop + Layout.headingHeight + Double(shown.count) * Layout.rowHeight
        // The grid: a line above the headings, under them, under each row; one at each column edge.
        var y = Layout.tableTop
        rule(x: Layout.margin, y: y, width: tableWidth, height: Layout.line)
        y += Layout.headingHeight
        rule(x: Layout.margin, y: y, width: tableWidth, height: Layout.line)
        for _ in shown {
            y += Layout.rowHeight
            rule(x: Layout.margin, y: y, width: tableWidth, height: Layout.line)
        }
        for edge in edges { rule(x: min(edge, width - Layout.margin - Layout.line), y: Layout.tableTop, width: Layout.line, height: tableBottom - Layout.tableTop) }
        func cell(_ index: Int, top: Double, height: Double) -> LabelTemplate.Box {
            LabelTemplate.Box(
                x: edges[index] + Layout.padding, y: top + Layout.padding / 2, width: edges[index + 1] - edges[index] - 2 * Layout.padding,
                height: height - Layout.padding)
        }
        for (index, column) in columns.enumerated() {
            text(column.heading, cell(index, top: Layout.tableTop, height: Layout.headingHeight), points: 8, bold: true, align: .center, lines: 2)
        }
        for (number, row) in shown.enumerated() {
            let top = Layout.tableTop + Layout.headingHeight + Double(number) * Layout.rowHeight
            for (index, value) in row.prefix(columns.count).enumerated() {
                let align: LabelTemplate.Align =
                    switch columns[index].align {
                    case .left: .left
                    case .center: .center
                    case .right: .right
                    }
                text(value, cell(index, top: top, height: Layout.rowHeight), points: 8, align: align)
            }
        }
        let pages = max(1, (totalRows + rowsPerPage - 1) / rowsPerPage)
        text(
            language == .vi ? "Trang 1 / \(pages)" : "Page 1 of \(pages)",
            LabelTemplate.Box(x: Layout.margin, y: height - Layout.margin - Layout.footerHeight + 1, width: tableWidth, height: Layout.footerHeight - 1),
            points: 8, align: .center)
        return LabelTemplate(name: "report-page", description: title, data: .item, width: width, height: height, elements: elements, repeated: nil)
    }
}

/// The charts of a report as a picture on its own (`quay report … --chart FILE.svg|png`), for a
/// slide or a printed report to the education office. Each chart is drawn as labelled
/// horizontal bars, one row per category with its value written beside the bar (a pie's shares
/// as per cent); SVG in colour with a pie as a pie, PNG in black and white, which any printer
/// prints as it is.
public struct ChartPicture: Sendable {
    public enum Kind: Sendable { case column, bar, pie }

    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    public struct Chart: Sendable {
        public var title: String
        public var kind: Kind
        public var categories: [String]
        public var series: [Series]
        public init(title: String, kind: Kind, categories: [String], series: [Series]) {
            self.title = title
            self.kind = kind
            self.categories = categories
            self.series = series
        }
    }

    public var title: String
    public var charts: [Chart]

    public init(title: String, charts: [Chart]) {
        self.title = title
        self.charts = charts
    }

    /// At most this many categories are drawn in one chart; the rest are left out and said.
    public static let maximumCategories = 40

    // MARK: PNG

    enum Layout {
        static let width = 180.0, margin = 8.0, titleHeight = 10.0, chartTitleHeight = 8.0, legendHeight = 6.0
        static let rowHeight = 6.0, labelWidth = 48.0, valueWidth = 22.0, gap = 6.0, line = 0.3
    }

    func height(of chart: Chart) -> Double {
        Layout.chartTitleHeight + (chart.series.count > 1 ? Layout.legendHeight : 0)
            + Double(min(chart.categories.count, Self.maximumCategories)) * Layout.rowHeight + Layout.gap
    }

    public func render(at resolution: Resolution = Resolution(dpi: 150), with renderer: LabelRenderer) throws(LabelError) -> Raster {
        try renderer.render(layout(), LabelData(), at: resolution)
    }

    func layout() throws(LabelError) -> LabelTemplate {
        guard !charts.isEmpty else { throw LabelError(.templateInvalid, "the report has no chart") }
        var elements: [LabelTemplate.Element] = []
        func text(_ value: String, _ x: Double, _ y: Double, _ width: Double, _ height: Double, points: Double, bold: Bool = false, align: LabelTemplate.Align = .left) {
            guard !value.isEmpty else { return }
            elements.append(
                .text(
                    LabelTemplate.Text(
                        box: LabelTemplate.Box(x: x, y: y, width: width, height: height), value: .init(literal: value), sizePoints: points,
                        minSizePoints: min(points, 5), bold: bold, align: align, lines: 1)))
        }
        func box(_ x: Double, _ y: Double, _ width: Double, _ height: Double, filled: Bool) {
            guard width > 0, height > 0 else { return }
            if filled {
                elements.append(.rule(LabelTemplate.Box(x: x, y: y, width: width, height: height)))
            } else {
                for edge in [
                    LabelTemplate.Box(x: x, y: y, width: width, height: Layout.line), LabelTemplate.Box(x: x, y: y + height - Layout.line, width: width, height: Layout.line),
                    LabelTemplate.Box(x: x, y: y, width: Layout.line, height: height), LabelTemplate.Box(x: x + width - Layout.line, y: y, width: Layout.line, height: height),
                ] {
                    elements.append(.rule(edge))
                }
            }
        }
        let inner = Layout.width - 2 * Layout.margin
        text(title, Layout.margin, Layout.margin, inner, Layout.titleHeight, points: 13, bold: true, align: .center)
        var y = Layout.margin + Layout.titleHeight
        let barLeft = Layout.margin + Layout.labelWidth + 1
        let barRoom = inner - Layout.labelWidth - Layout.valueWidth - 2
        for chart in charts {
            text(chart.title, Layout.margin, y, inner, Layout.chartTitleHeight, points: 10, bold: true)
            y += Layout.chartTitleHeight
            if chart.series.count > 1 {
                var x = barLeft
                for (index, series) in chart.series.enumerated() {
                    box(x, y + 1.5, 3, 3, filled: index == 0)
                    text(series.name, x + 4, y, 50, Layout.legendHeight, points: 8)
                    x += 56
                }
                y += Layout.legendHeight
            }
            let rows = Self.rows(chart)
            let largest = max(1, rows.flatMap(\.values).max() ?? 1)
            let barHeight = (Layout.rowHeight - 1.5) / Double(max(1, rows.first?.values.count ?? 1))
            for row in rows {
                text(row.label, Layout.margin, y, Layout.labelWidth, Layout.rowHeight, points: 8, align: .right)
                for (index, value) in row.values.enumerated() {
                    box(barLeft, y + 0.75 + Double(index) * barHeight, barRoom * value / largest, barHeight, filled: index == 0)
                }
                text(row.shown, barLeft + barRoom + 1, y, Layout.valueWidth, Layout.rowHeight, points: 8)
                y += Layout.rowHeight
            }
            // The axis the bars grow from.
            box(barLeft - Layout.line, y - Double(rows.count) * Layout.rowHeight, Layout.line, Double(rows.count) * Layout.rowHeight, filled: true)
            y += Layout.gap
        }
        return LabelTemplate(name: "chart", description: title, data: .item, width: Layout.width, height: y + Layout.margin, elements: elements, repeated: nil)
    }

    /// One row per category: its label, its values (a pie's as shares of the whole), and
    /// what is written beside the bars.
    static func rows(_ chart: Chart) -> [(label: String, values: [Double], shown: String)] {
        let count = min(chart.categories.count, maximumCategories)
        let total = chart.series.first.map { $0.values.reduce(0, +) } ?? 0
        return (0..<count).map { index in
            let values = chart.series.map { index < $0.values.count ? max(0, $0.values[index]) : 0 }
            let shown: String
            if chart.kind == .pie {
                shown = total > 0 ? String(format: "%.0f %%", 100 * values[0] / total) : "0 %"
            } else {
                shown = values.map(number).joined(separator: " / ")
            }
            return (chart.categories[index], values, shown)
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
    }

    // MARK: SVG

    static let colours = ["#2E6DB4", "#E07B39", "#3A9D5D", "#C0392B", "#8E44AD", "#7F8C8D", "#D4AC0D", "#16A085"]

    /// The charts as SVG 1.1, text as text (DejaVu Sans named, any sans-serif otherwise).
    public func svg() -> String {
        let width = 720.0
        var body = ""
        var y = 40.0
        func escaped(_ text: String) -> String {
            VietnameseText.nfc(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        body += "<text x=\"\(width / 2)\" y=\"26\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">\(escaped(title))</text>\n"
        for chart in charts {
            y += 10
            body += "<text x=\"20\" y=\"\(y + 14)\" font-size=\"15\" font-weight=\"bold\">\(escaped(chart.title))</text>\n"
            y += 28
            let rows = Self.rows(chart)
            if chart.kind == .pie {
                let total = rows.map { $0.values.first ?? 0 }.reduce(0, +)
                let (cx, cy, r) = (140.0, y + 100, 90.0)
                var angle = -Double.pi / 2
                for (index, row) in rows.enumerated() {
                    let share = total > 0 ? (row.values.first ?? 0) / total : 0
                    let colour = Self.colours[index % Self.colours.count]
                    if share >= 0.9999 {
                        body += "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(r)\" fill=\"\(colour)\"/>\n"
                    } else if share > 0 {
                        let end = angle + share * 2 * Double.pi
                        let large = share > 0.5 ? 1 : 0
                        body += String(
                            format: "<path d=\"M %.1f %.1f L %.1f %.1f A %.1f %.1f 0 %d 1 %.1f %.1f Z\" fill=\"%@\"/>\n", cx, cy, cx + r * cos(angle),
                            cy + r * sin(angle), r, r, large, cx + r * cos(end), cy + r * sin(end), colour)
                        angle = end
                    }
                    let ly = y + 20 + Double(index) * 22
                    body += "<rect x=\"260\" y=\"\(ly - 12)\" width=\"14\" height=\"14\" fill=\"\(colour)\"/>"
                    body += "<text x=\"282\" y=\"\(ly)\" font-size=\"13\">\(escaped(row.label)) — \(row.shown)</text>\n"
                }
                y += max(200, Double(rows.count) * 22 + 30)
                continue
            }
            if chart.series.count > 1 {
                for (index, series) in chart.series.enumerated() {
                    let x = 200 + Double(index) * 180
                    body += "<rect x=\"\(x)\" y=\"\(y - 11)\" width=\"12\" height=\"12\" fill=\"\(Self.colours[index % Self.colours.count])\"/>"
                    body += "<text x=\"\(x + 18)\" y=\"\(y)\" font-size=\"12\">\(escaped(series.name))</text>\n"
                }
                y += 16
            }
            let largest = max(1, rows.flatMap(\.values).max() ?? 1)
            let (left, room, rowHeight) = (190.0, 420.0, 24.0)
            let barHeight = (rowHeight - 6) / Double(max(1, chart.series.count))
            for row in rows {
                body += "<text x=\"\(left - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" font-size=\"12\">\(escaped(row.label))</text>"
                for (index, value) in row.values.enumerated() {
                    body += String(
                        format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"/>", left, y + 3 + Double(index) * barHeight,
                        room * value / largest, barHeight, Self.colours[index % Self.colours.count])
                }
                body += "<text x=\"\(left + room + 8)\" y=\"\(y + 16)\" font-size=\"12\">\(escaped(row.shown))</text>\n"
                y += rowHeight
            }
            body += "<line x1=\"\(left)\" y1=\"\(y - Double(rows.count) * rowHeight)\" x2=\"\(left)\" y2=\"\(y)\" stroke=\"#333\"/>\n"
            y += 10
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(Int(width))" height="\(Int(y + 20))" viewBox="0 0 \(Int(width)) \(Int(y + 20))" font-family="DejaVu Sans, sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            \(body)</svg>

            """
    }
}
