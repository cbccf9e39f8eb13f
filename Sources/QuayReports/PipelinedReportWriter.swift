import Foundation

/// A writer whose file is written on a thread of its own: the caller's rows (read from the
/// store and made into cells) go over in batches to a thread that hands them to `inner`, so that
/// reading the database and writing the file (libxlsxwriter's XML and zip, the CSV's bytes) each
/// take a core — on a register of a million copies each is seconds. Sheets, rows and charts reach
/// `inner` in the order they came; at most `depth` batches wait, so memory stays bounded whatever
/// the report's length. Rows are written behind the caller: a failure of `inner` on a row is
/// thrown by a later call (a few batches on) or by `finish`. A sheet, a chart and `finish` wait
/// for what came before them and answer for themselves, as `inner` would.
public final class PipelinedReportWriter: ReportWriter {
    private enum Step: Sendable {
        case begin(ReportSheet)
        case rows([[ReportCell]])
        case chart(ReportChart)
        case finish
        /// The caller gave up (an error of its own): `inner` is let go unfinished.
        case abandon
    }

    /// What the two threads share, under `condition`.
    private final class Channel: @unchecked Sendable {
        let condition = NSCondition()
        var steps: [Step] = []
        /// Steps the thread has carried out (or dropped).
        var done = 0
        /// A row's failure: every step after it is dropped, and the caller's next call throws it.
        var failure: ReportError?
        /// The answer of the last sheet, chart or finish.
        var answer: ReportError?
        var ended = false
        /// Batches written, handed back so that their cells are freed on the caller's thread,
        /// not on the writer's (which is the slower of the two).
        var spent: [[[ReportCell]]] = []
    }

    /// The inner writer crosses to the thread once and is used there only; the thread lets it
    /// go (an unfinished XLSX closes its workbook then) before it says it has ended, so that a
    /// caller that removes the file after an error removes it last.
    private final class Handed: @unchecked Sendable {
        var writer: (any ReportWriter)?
        init(_ writer: any ReportWriter) { self.writer = writer }
    }

    private let channel = Channel()
    private var batch: [[ReportCell]] = []
    private let batchRows: Int
    private let depth: Int
    private var sent = 0
    private var finished = false

    public init(_ inner: any ReportWriter, batchRows: Int = 256, depth: Int = 4) {
        self.batchRows = batchRows
        self.depth = depth
        batch.reserveCapacity(batchRows)
        let channel = channel
        let handed = Handed(inner)
        let thread = Thread { Self.drain(channel, into: handed) }
        thread.name = "quay-report-writer"
        thread.start()
    }

    deinit {
        guard !finished else { return }
        channel.condition.lock()
        channel.steps.append(.abandon)
        channel.condition.broadcast()
        while !channel.ended { channel.condition.wait() }
        channel.condition.unlock()
    }

    public func begin(_ sheet: ReportSheet) throws(ReportError) { try answered(.begin(sheet)) }

    public func row(_ cells: [ReportCell]) throws(ReportError) {
        batch.append(cells)
        if batch.count >= batchRows { try sendBatch() }
    }

    public func chart(_ chart: ReportChart) throws(ReportError) { try answered(.chart(chart)) }

    public func finish() throws(ReportError) {
        try answered(.finish)
        finished = true
    }

    private func sendBatch() throws(ReportError) {
        guard !batch.isEmpty else { return }
        let rows = batch
        batch.removeAll(keepingCapacity: true)
        try send(.rows(rows))
    }

    /// Sends `step` after the rows before it, waits until the thread has carried it out, and
    /// throws what it threw.
    private func answered(_ step: Step) throws(ReportError) {
        try sendBatch()
        try send(step)
        channel.condition.lock()
        defer { channel.condition.unlock() }
        while channel.done < sent && channel.failure == nil { channel.condition.wait() }
        if let failure = channel.failure { throw failure }
        if let answer = channel.answer {
            channel.answer = nil
            throw answer
        }
    }

    /// Waits while `depth` steps are queued; throws a row's failure, if there was one.
    private func send(_ step: Step) throws(ReportError) {
        var spent: [[[ReportCell]]] = []
        channel.condition.lock()
        while channel.steps.count >= depth && channel.failure == nil { channel.condition.wait() }
        swap(&spent, &channel.spent)
        if let failure = channel.failure {
            channel.condition.unlock()
            throw failure
        }
        channel.steps.append(step)
        sent += 1
        channel.condition.broadcast()
        channel.condition.unlock()
        spent.removeAll()
    }

    /// The thread: each step in turn, until `finish` or `abandon`.
    private static func drain(_ channel: Channel, into handed: Handed) {
        while true {
            channel.condition.lock()
            while channel.steps.isEmpty { channel.condition.wait() }
            let step = channel.steps.removeFirst()
            let dropped = channel.failure != nil
            channel.condition.broadcast()
            channel.condition.unlock()
            var failure: ReportError? = nil
            if !dropped, let writer = handed.writer {
                do {
                    switch step {
                    case .begin(let sheet): try writer.begin(sheet)
                    case .rows(let rows): for cells in rows { try writer.row(cells) }
                    case .chart(let chart): try writer.chart(chart)
                    case .finish: try writer.finish()
                    case .abandon: break
                    }
                } catch {
                    failure = error
                }
            }
            let last: Bool
            switch step {
            case .finish, .abandon: last = true
            default: last = false
            }
            if last { handed.writer = nil }
            channel.condition.lock()
            if let failure {
                if case .rows = step { channel.failure = failure } else { channel.answer = failure }
            }
            if case .rows(let rows) = step, !last { channel.spent.append(rows) }
            channel.done += 1
            channel.ended = last
            channel.condition.broadcast()
            channel.condition.unlock()
            if last { return }
        }
    }
}
