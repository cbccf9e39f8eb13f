import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct ImportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Bring a school's catalogue (CSV, XLSX, MARC 21, MARCXML) or equipment list (CSV, XLSX) in.",
            discussion: """
                quay reads FILE and sends it to quayd in pieces; quayd finds its format and, column by column, its \
                encoding (UTF-8, TCVN3, VNI, VISCII, VPS, CP1258, double-encoded UTF-8). Nothing is written when a row \
                has a problem unless --skip-bad-rows; --dry-run shows what would be created. Importing the same file \
                again creates nothing new. docs/import-export.md.
                """,
            subcommands: [Catalogue.self, Equipment.self])

        struct Catalogue: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "catalogue", abstract: "Import records and copies.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The file: .csv, .xlsx, .mrc (ISO 2709) or .xml (MARCXML).") var file: String
            @Option(help: "csv, xlsx, marc or marcxml (default: from the file's bytes).") var format: String?
            @Option(help: "Read every text column in this encoding: utf-8, tcvn3, vni, viscii, vps, cp1258, double-utf-8.") var encoding: String?
            @Option(help: "A column the names do not say: \"HEADER=field\" (repeat; fields: \(ImportField.allCases.map(\.rawValue).joined(separator: ", "))).")
            var map: [String] = []
            @Option(help: "The register of numbers without a prefix, and of title rows (SGK, STK…).") var register: String?
            @Flag(help: "Show what would be created and every problem; write nothing.") var dryRun = false
            @Flag(help: "Import the good rows and leave out the bad ones (each said).") var skipBadRows = false

            func run() throws {
                try options.runImport(
                    .importCatalogue, file: file, format: format, encoding: encoding, map: map, register: register, dryRun: dryRun,
                    skipBadRows: skipBadRows, what: [("records", "đầu sách", "records"), ("copies", "bản", "copies")])
            }
        }
    }
}

extension QuayCommand.ImportCommand {
    struct Equipment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "equipment", abstract: "Import the equipment catalogue: codes, units with their asset numbers, quantities.",
            discussion: """
                One row per tagged unit (Số tài sản, e.g. TB.000012) or one row per kind with its quantity (Số lượng); rows of \
                the same code (Mã) are one kind. A kind is tracked per unit when a row gives an asset number or Theo dõi says \
                unit; otherwise by quantity.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The file: .csv or .xlsx.") var file: String
        @Option(help: "csv or xlsx (default: from the file's bytes).") var format: String?
        @Option(help: "Read every text column in this encoding: utf-8, tcvn3, vni, viscii, vps, cp1258, double-utf-8.") var encoding: String?
        @Option(help: "A column the names do not say: \"HEADER=field\" (repeat; fields: \(EquipmentField.allCases.map(\.rawValue).joined(separator: ", "))).")
        var map: [String] = []
        @Flag(help: "Show what would be created and every problem; write nothing.") var dryRun = false
        @Flag(help: "Import the good rows and leave out the bad ones (each said).") var skipBadRows = false

        func run() throws {
            try options.runImport(
                .importEquipment, file: file, format: format, encoding: encoding, map: map, register: nil, dryRun: dryRun, skipBadRows: skipBadRows,
                what: [("types", "loại thiết bị", "kinds of equipment"), ("units", "chiếc", "units")])
        }
    }
}

extension GlobalOptions {
    /// An import from FILE through `op`: sent, imported, described; exit 1 when nothing was
    /// written for its problems.
    func runImport(
        _ op: Op, file: String, format: String?, encoding: String?, map: [String], register: String?, dryRun: Bool, skipBadRows: Bool,
        what: [(key: String, vi: String, en: String)]
    ) throws {
        var overrides: [String: String] = [:]
        for entry in map {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError(text("--map cần \"CỘT=trường\"", "--map takes \"HEADER=field\"")) }
            overrides[parts[0]] = parts[1]
        }
        let connection = try connect()
        let upload = try upload(file, connection)
        let args = ImportArgs(
            upload: upload, format: format, encoding: encoding, map: overrides.isEmpty ? nil : overrides, register: register, dryRun: dryRun,
            skipBadRows: skipBadRows)
        // How far quayd has read the file, asked on a second connection while this one waits.
        let watcher = isatty(STDERR_FILENO) == 1 ? try? QuayConnection(path: socketPath) : nil
        let waiting = ElapsedLine(text("Đang nhập", "Importing")) { [watcher] in
            guard let watcher, case .success(let progress)? = try? watcher.call(op: Op.importProgress.rawValue, args: ImportProgressArgs(upload: upload), as: ImportProgressResult.self),
                progress.total > 0
            else { return nil }
            return "\(progress.done * 100 / progress.total)%"
        }
        let answer = try request(connection, op, args: args, as: ImportReport.self)
        waiting.stop()
        guard case .success(let reply) = answer else { throw ExitCode(CLIExit.refused) }
        print(json ? String(decoding: reply.raw, as: UTF8.self) : describe(reply.result, what: what))
        if !reply.result.problems.isEmpty && !reply.result.applied && !dryRun { throw ExitCode(CLIExit.refused) }
    }

    /// Sends FILE to quayd in pieces (`upload.begin`, `upload.write`), with a progress line on a
    /// terminal for a large file; the upload's number for the import.
    func upload(_ file: String, _ connection: QuayConnection) throws -> Int64 {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError(text("không đọc được tệp \(file)", "cannot read \(file)") + ": \(error.localizedDescription)")
            throw ExitCode(CLIExit.usage)
        }
        guard case .success(let begun) = try request(connection, .uploadBegin, args: UploadBeginArgs(sizeBytes: Int64(data.count)), as: UploadBeginResult.self)
        else { throw ExitCode(CLIExit.refused) }
        let showProgress = isatty(STDERR_FILENO) == 1 && data.count > 4 << 20
        var offset = 0
        while offset < data.count {
            let piece = data[offset..<min(data.count, offset + begun.result.maxChunk)]
            let args = UploadWriteArgs(upload: begun.result.upload, offset: Int64(offset), data: piece.base64EncodedString())
            guard case .success = try request(connection, .uploadWrite, args: args, as: UploadWriteResult.self) else { throw ExitCode(CLIExit.refused) }
            offset += piece.count
            if showProgress { FileHandle.standardError.write(Data("\r\(text("Đang gửi tệp", "Sending the file")) \(offset * 100 / data.count)%".utf8)) }
        }
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        return begun.result.upload
    }

    /// An import's reply for people: what was (or would be) created, each column's encoding
    /// with samples before and after, each problem with its line and column.
    func describe(_ report: ImportReport, what: [(key: String, vi: String, en: String)]) -> String {
        var lines: [String] = []
        let counts = what.map { "\(report.created[$0.key] ?? 0) \(text($0.vi, $0.en))" }.joined(separator: ", ")
        if report.dryRun {
            lines.append(text("Thử (không ghi gì): sẽ tạo \(counts).", "Dry run (nothing written): would create \(counts)."))
        } else if report.applied {
            lines.append(text("Đã nhập: \(counts).", "Imported: \(counts)."))
        } else {
            lines.append(text("Không nhập gì: \(report.problems.count) vấn đề (sửa tệp, hoặc --skip-bad-rows).", "Nothing imported: \(report.problems.count) problems (fix the file, or --skip-bad-rows)."))
        }
        if report.unchanged > 0 {
            lines.append(text("\(report.unchanged) bản đã có sẵn, không thêm gì cho chúng.", "\(report.unchanged) copies were there already: nothing added for them."))
        }
        for (code, next) in report.registers.sorted(by: { $0.key < $1.key }) {
            lines.append(text("Sổ \(code): số tiếp theo \(next).", "Register \(code): next number \(next)."))
        }
        let shown = report.columns.filter { $0.field != nil || !$0.samples.isEmpty }
        if !shown.isEmpty {
            lines.append(text("Các cột:", "Columns:"))
            for column in report.columns {
                var line = "  \(column.column) \(column.header) → \(column.field ?? text("(bỏ qua)", "(left out)")) [\(column.encoding)]"
                if let sample = column.samples.first, sample.count == 2, sample[0] != sample[1] { line += "  «\(sample[0])» → «\(sample[1])»" }
                lines.append(line)
            }
        }
        if !report.skippedLines.isEmpty {
            lines.append(text("Bỏ qua các dòng: ", "Skipped lines: ") + report.skippedLines.map(String.init).joined(separator: ", "))
        }
        for problem in report.problems {
            let column = problem.column.map { text(", cột \($0)", ", column \($0)") } ?? ""
            lines.append(text("dòng \(problem.line)\(column): \(problem.reason)", "line \(problem.line)\(column): \(problem.reason)"))
        }
        return lines.joined(separator: "\n")
    }
}
