import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct Printers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "printers", 
            abstract: "Each printer: its language, where it is, how it was last found, and its waiting jobs.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.run(.printerList, args: NoArguments?.none, as: PrintersResult.self) { result in
                guard !result.printers.isEmpty else {
                    return options.text("Chưa cấu hình máy in ([[printer]] trong tệp cấu hình).", "No printers configured ([[printer]] in the config).")
                }
                let header = [
                    options.text("Máy in", "Printer"), options.text("Ngôn ngữ", "Language"), options.text("Địa chỉ", "Address"),
                    "dpi", options.text("Trạng thái", "Status"), options.text("Chờ in", "Waiting"), options.text("Lỗi", "Failed"),
                ]
                let rows = result.printers.map { printer in
                    [printer.name, printer.language, printer.address, String(printer.dpi), options.language == .vi ? printer.vi : printer.en,
                     String(printer.queued), String(printer.failed)]
                }
                return TextTable(rows: [header] + rows).render()
            }
        }
    }

    struct Jobs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "jobs", 
            abstract: "The print queue: jobs waiting, being sent or failed (--all: every job).",
            subcommands: [List.self, Retry.self, Cancel.self, Reprint.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Jobs, newest first.")
            @OptionGroup var options: GlobalOptions
            @Flag(help: "Every job, printed ones too.") var all = false
            @Option(help: "Only jobs in this state: queued, sending, done, failed, cancelled.") var state: String?
            @Option(help: "Only this printer's jobs.") var printer: String?
            @Option(help: "At most this many (default 100).") var limit: Int?

            func run() throws {
                let args = PrintJobsArgs(state: state ?? (all ? "all" : nil), printer: printer, limit: limit)
                try options.run(.printJobs, args: args, as: PrintJobsResult.self) { result in
                    guard !result.jobs.isEmpty else { return options.text("Không có lệnh in nào.", "No print jobs.") }
                    return JobTable.render(result.jobs, options)
                }
            }
        }

        struct Retry: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "retry", abstract: "Put a failed or cancelled job back in the queue, or try a waiting one now.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Job number.") var id: Int64

            func run() throws {
                try options.run(.printRetry, args: PrintJobArgs(id: id), as: PrintJobsResult.self) { JobTable.render($0.jobs, options) }
            }
        }

        struct Cancel: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Take a job that has not been sent off the queue.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Job number.") var id: Int64

            func run() throws {
                try options.run(.printCancel, args: PrintJobArgs(id: id), as: PrintJobsResult.self) { JobTable.render($0.jobs, options) }
            }
        }

        struct Reprint: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "reprint", abstract: "Print a job again, with the very same bytes, as a new job.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Job number.") var id: Int64

            func run() throws {
                try options.run(.printReprint, args: PrintJobArgs(id: id), as: PrintJobsResult.self) { JobTable.render($0.jobs, options) }
            }
        }
    }
}

/// Print jobs as an aligned table.
enum JobTable {
    static func render(_ jobs: [PrintJobInfo], _ options: GlobalOptions) -> String {
        let header = [
            options.text("Số", "Job"), options.text("Máy in", "Printer"), options.text("Mẫu", "Template"), options.text("Mã", "Key"),
            options.text("Trạng thái", "State"), options.text("Lần thử", "Tries"), options.text("Ghi chú", "Note"),
        ]
        let rows = jobs.map { job -> [String] in
            var notes: [String] = []
            if job.interrupted > 0 {
                notes.append(options.text("bị ngắt khi đang gửi, có thể in lặp", "interrupted while sending; may have printed twice"))
            }
            if let original = job.reprintOf { notes.append(options.text("in lại lệnh \(original)", "reprint of \(original)")) }
            if let error = job.lastError, job.state != .done { notes.append(error) }
            return [String(job.id), job.printer, job.template, job.key ?? "", job.state.words.text(options.language),
                    String(job.attempts), notes.joined(separator: "; ")]
        }
        return TextTable(rows: [header] + rows).render()
    }
}
