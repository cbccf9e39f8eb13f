import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct ReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report", abstract: "Registers and reports as XLSX or CSV (`quay report list` names them).",
            discussion: """
                quayd reads the database and makes the file; quay writes it with your permissions (FILE.partial, \
                renamed once whole). The format comes from --out's extension (.xlsx, .csv) or --format.
                """,
            subcommands: [Run.self, List.self], defaultSubcommand: Run.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "The reports, and the filters each takes.")
            @OptionGroup var options: GlobalOptions

            func run() throws {
                try options.run(.reportList, args: NoArguments?.none, as: ReportListResult.self) { result in
                    TextTable(
                        header: [options.text("Báo cáo", "Report"), options.text("Tên", "Title"), options.text("Bộ lọc", "Filters")],
                        rows: result.reports.map { [$0.name, $0.title, $0.filters.map { "--" + $0.replacingOccurrences(of: "_", with: "-") }.joined(separator: " ")] }
                    ).render()
                }
            }
        }

        struct Run: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "run", abstract: "Make a report into FILE.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The report, e.g. so-ca-biet (`quay report list`).") var name: String
            @Option(help: "The file to write: .xlsx or .csv.") var out: String?
            @Option(help: "xlsx or csv (default: from --out's extension).") var format: String?
            @Option(help: "Also draw the report's charts into FILE.svg or FILE.png.") var chart: String?
            @Option(help: "Also draw the first printed page into FILE.png.") var preview: String?
            @Option(help: "Register code (SGK, STK…).") var register: String?
            @Option(help: "From this accession number.") var from: String?
            @Option(help: "To this accession number.") var to: String?
            @Option(help: "From this day: yyyy-mm-dd or dd/mm/yyyy.") var since: String?
            @Option(help: "To this day.") var until: String?
            @Option(help: "A calendar month: yyyy-mm or mm/yyyy.") var month: String?
            @Option(help: "A term of the school year: 1 or 2.") var term: String?
            @Option(name: .customLong("class"), help: "One class, e.g. 6A.") var className: String?
            @Option(help: "School year (default: the current one).") var year: String?
            @Option(help: "One borrower's card.") var patron: String?
            @Option(help: "One teacher's card.") var teacher: String?
            @Option(help: "Only borrowers of this kind: pupil, teacher or staff.") var kind: String?
            @Flag(help: "Only the overdue loans.") var overdue = false
            @Option(help: "The disposal's number.") var disposal: String?
            @Option(help: "Titles not borrowed in this many months (van-hoa-doc; default 12).") var months: Int?
            @Option(help: "The inventory session (kiem-ke; default the latest).") var session: Int?

            func run() throws {
                var outputs: [(format: String, file: String)] = []
                if let out {
                    let format = format?.lowercased() ?? ["xlsx", "csv"].first { out.lowercased().hasSuffix("." + $0) }
                    guard let format else {
                        throw ValidationError(options.text("--out phải là tệp .xlsx hoặc .csv (hoặc cho --format)", "--out must be a .xlsx or .csv file (or give --format)"))
                    }
                    outputs.append((format, out))
                }
                if let chart {
                    guard let format = ["svg", "png"].first(where: { chart.lowercased().hasSuffix("." + $0) }) else {
                        throw ValidationError(options.text("--chart phải là tệp .svg hoặc .png", "--chart must be a .svg or .png file"))
                    }
                    outputs.append((format, chart))
                }
                if let preview {
                    guard preview.lowercased().hasSuffix(".png") else {
                        throw ValidationError(options.text("--preview phải là tệp .png", "--preview must be a .png file"))
                    }
                    outputs.append(("page", preview))
                }
                guard !outputs.isEmpty else {
                    throw ValidationError(options.text("cho --out, --chart hoặc --preview", "give --out, --chart or --preview"))
                }
                var filters: [String: String] = [:]
                let given: [(String, String?)] = [
                    ("register", register), ("from", from), ("to", to), ("since", since), ("until", until), ("class", className),
                    ("school_year", year), ("patron", patron), ("teacher", teacher), ("overdue", overdue ? "true" : nil), ("disposal", disposal),
                    ("months", months.map(String.init)), ("session", session.map(String.init)), ("month", month), ("term", term), ("kind", kind),
                ]
                for (key, value) in given { if let value { filters[key] = value } }
                for output in outputs { try make(output.format, into: output.file, filters: filters) }
            }

            /// One file of the report: quayd makes it, quay fetches it into FILE.partial and renames it once whole.
            func make(_ format: String, into out: String, filters: [String: String]) throws {
                // In Vietnamese unless --lang says otherwise (the locale does not: registers are Vietnamese).
                let args = ReportRunArgs(name: name, format: format, filters: filters.isEmpty ? nil : filters, language: options.lang)
                try options.madeFile(
                    .reportRun, args: args, into: out, making: Bilingual(vi: "Đang làm báo cáo", en: "Making the report"),
                    fetching: Bilingual(vi: "Đang tải báo cáo", en: "Fetching the report"))
            }
        }
    }
}
