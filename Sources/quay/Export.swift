import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    /// `quay export`: what a school takes to another system, and what `quay import` reads back
    /// (docs/import-export.md). quayd makes the file from one consistent read of the database;
    /// quay writes it with the user's permissions, as it writes reports.
    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "The catalogue, patrons or equipment as a file for another system (MARC 21, CSV, XLSX).",
            discussion: """
                The format comes from --out's extension (.mrc MARC 21, .xml MARCXML, .csv, .xlsx) or --format. Headers are in \
                Vietnamese unless --lang en; values (kinds, statuses) are the same in both, so that the file reads back.
                """,
            subcommands: [Catalogue.self, Patrons.self, Equipment.self])

        /// --out and --format, and the format the extension says.
        struct FileOptions: ParsableArguments {
            @Option(help: "The file to write.") var out: String
            @Option(help: "The format (default: from --out's extension).") var format: String?

            /// The format asked for, or the one `extensions` gives for --out's.
            func format(_ extensions: [(String, String)], options: GlobalOptions) throws -> String {
                if let format { return format.lowercased() }
                let lower = out.lowercased()
                guard let found = extensions.first(where: { lower.hasSuffix($0.0) }) else {
                    let names = extensions.map(\.0)
                    let (vi, en) = (names.dropLast().joined(separator: ", ") + " hoặc " + names.last!, names.dropLast().joined(separator: ", ") + " or " + names.last!)
                    throw ValidationError(options.text("--out phải là tệp \(vi) (hoặc cho --format)", "--out must be a \(en) file (or give --format)"))
                }
                return found.1
            }
        }

        struct Catalogue: ExportSubcommand {
            static let configuration = CommandConfiguration(
                commandName: "catalogue",
                abstract: "Every title with its copies: MARC 21 (.mrc) or MARCXML (.xml) with Koha's 952, or a row per copy (.csv, .xlsx).")
            static let extensions = [(".mrc", "marc"), (".marc", "marc"), (".xml", "marcxml"), (".csv", "csv"), (".xlsx", "xlsx")]
            @OptionGroup var options: GlobalOptions
            @OptionGroup var file: FileOptions
        }

        struct Patrons: ExportSubcommand {
            static let configuration = CommandConfiguration(
                commandName: "patrons", abstract: "Every borrower: card, name, kind, class, school year, status (.csv, .xlsx).")
            static let extensions = [(".csv", "csv"), (".xlsx", "xlsx")]
            @OptionGroup var options: GlobalOptions
            @OptionGroup var file: FileOptions
        }

        struct Equipment: ExportSubcommand {
            static let configuration = CommandConfiguration(
                commandName: "equipment", abstract: "The equipment catalogue: a row per tagged unit, a row per kind counted by quantity (.csv, .xlsx).")
            static let extensions = [(".csv", "csv"), (".xlsx", "xlsx")]
            @OptionGroup var options: GlobalOptions
            @OptionGroup var file: FileOptions
        }
    }
}

/// `quay export WHAT`: the three differ only in their name and the extensions they take.
protocol ExportSubcommand: ParsableCommand {
    /// The extensions of --out, each with the format it means, in the order the message lists them.
    static var extensions: [(String, String)] { get }
    var options: GlobalOptions { get }
    var file: QuayCommand.ExportCommand.FileOptions { get }
}

extension ExportSubcommand {
    func validate() throws { _ = try file.format(Self.extensions, options: options) }

    /// quayd makes the file (`export.run`, `what` the subcommand's name); quay fetches it into
    /// FILE.partial and renames it once whole.
    func run() throws {
        let args = ExportRunArgs(what: Self.configuration.commandName ?? "", format: try file.format(Self.extensions, options: options), language: options.lang)
        try options.madeFile(
            .exportRun, args: args, into: file.out, making: Bilingual(vi: "Đang xuất dữ liệu", en: "Exporting"),
            fetching: Bilingual(vi: "Đang tải tệp", en: "Fetching the file"))
    }
}
