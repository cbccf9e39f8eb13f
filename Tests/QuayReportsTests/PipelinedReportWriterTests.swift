import QuayCore
import QuayReports
import Testing

/// The writer that writes on a thread of its own keeps the order of sheets, rows and charts,
/// answers for a sheet at once, and reports a row's failure later without losing it.
@Suite struct PipelinedReportWriterTests {
    /// Records what reached it; fails a sheet named "bad" and the row whose first cell is "bad".
    final class Recorder: ReportWriter, @unchecked Sendable {
        var log: [String] = []
        var released: (() -> Void)?
        deinit { released?() }
        func begin(_ sheet: ReportSheet) throws(ReportError) {
            if sheet.name.en == "bad" { throw ReportError("bad sheet") }
            log.append("begin \(sheet.name.en)")
        }
        func row(_ cells: [ReportCell]) throws(ReportError) {
            if cells.first == .text("bad") { throw ReportError("bad row") }
            log.append("row \(cells.first.map { "\($0)" } ?? "")")
        }
        func chart(_ chart: ReportChart) throws(ReportError) { log.append("chart \(chart.title)") }
        func finish() throws(ReportError) { log.append("finish") }
    }

    func sheet(_ name: String) -> ReportSheet {
        ReportSheet(name: Bilingual(vi: name, en: name), title: Bilingual(vi: name, en: name), columns: [ReportColumn("Số", "No.", .integer)])
    }

    @Test func everythingArrivesInOrder() throws {
        let recorder = Recorder()
        let writer = PipelinedReportWriter(recorder, batchRows: 3, depth: 2)
        try writer.begin(sheet("a"))
        for number in 1...10 { try writer.row([.integer(Int64(number))]) }
        try writer.chart(ReportChart(.bar, title: "c", categories: 0, values: [0]))
        #expect(throws: ReportError.self) { try writer.begin(sheet("bad")) }
        try writer.begin(sheet("b"))
        try writer.row([.integer(11)])
        try writer.finish()
        let rows = (1...10).map { "row integer(\($0))" }
        #expect(recorder.log == ["begin a"] + rows + ["chart c", "begin b", "row integer(11)", "finish"])
    }

    @Test func aRowsFailureIsThrownLaterAndTheRestIsDropped() throws {
        let recorder = Recorder()
        let writer = PipelinedReportWriter(recorder, batchRows: 2, depth: 1)
        try writer.begin(sheet("a"))
        try writer.row([.text("bad")])
        #expect(throws: ReportError.self) {
            for number in 1...100 { try writer.row([.integer(Int64(number))]) }
            try writer.finish()
        }
        #expect(recorder.log == ["begin a"])
    }

    @Test func anAbandonedWriterLetsItsInnerWriterGoBeforeItIsGone() throws {
        final class Flag: @unchecked Sendable { var released = false }
        let flag = Flag()
        do {
            let recorder = Recorder()
            recorder.released = { flag.released = true }
            let writer = PipelinedReportWriter(recorder)
            try writer.begin(sheet("a"))
            try writer.row([.integer(1)])
            _ = consume recorder
            // The caller stops here on an error of its own: the writer goes unfinished.
        }
        #expect(flag.released)
    }
}
