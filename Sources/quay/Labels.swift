import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct PrintCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Labels for copies, units and cards, or a borrower's loan slip.",
            discussion: """
                TEMPLATE is a built-in or configured template: spine, spine-plain, barcode (copies: accession \
                number or barcode), tag (equipment units), card (patrons: card number), slip58, slip80 (a \
                borrower's open loans: card number). `quay label list` shows them all.
                The labels are queued for the printer that lists the template in its `templates` (or the only \
                printer, or --printer); `quay jobs` follows them. With --preview DIR each label is written as \
                DIR/TEMPLATE-KEY.png instead, dot for dot what the printer would get; no printer is needed.
                `quay print commands` prints the desk's command sheet — every mode, QUAY:END and QUAY:UNDO — as \
                labels (template command) on the label printer; --sheet FILE writes it as an A4 page (FILE.pdf \
                for an office printer, FILE.png to look at), and --preview DIR writes the page and every label.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Template: spine, spine-plain, barcode, tag, card, slip58, slip80 or a school's own.") var template: String
        @Argument(help: "Accession numbers, barcodes or cards (none for commands).") var keys: [String] = []
        @Option(help: "The printer (`quay printers` lists them).") var printer: String?
        @Option(help: "Write PNG previews into this directory instead of printing.") var preview: String?
        @Option(help: "Resolution of previews: 203 or 300 dpi (default: labels.dpi of quayd's config).") var dpi: Int?
        @Option(help: "commands only: write the A4 command sheet to this file (.pdf or .png).") var sheet: String?

        func validate() throws {
            if template == "commands" {
                guard keys.isEmpty else { throw ValidationError("commands takes no keys: it prints every desk command") }
                if let sheet, !sheet.hasSuffix(".pdf"), !sheet.hasSuffix(".png") { throw ValidationError("--sheet must name a .pdf or .png file") }
                return
            }
            if sheet != nil { throw ValidationError("--sheet goes with `quay print commands`") }
            if keys.isEmpty { throw ValidationError("give at least one key (accession number, barcode or card)") }
            if let dpi, dpi != 203, dpi != 300 { throw ValidationError("--dpi must be 203 or 300") }
            if dpi != nil, preview == nil { throw ValidationError("--dpi goes with --preview; a printer prints at its own dpi") }
            if printer != nil, preview != nil { throw ValidationError("--printer and --preview: one or the other") }
        }

        func run() throws {
            if template == "commands" { return try commands() }
            guard let preview else {
                try options.run(.printSubmit, args: PrintSubmitArgs(template: template, keys: keys, printer: printer), as: PrintJobsResult.self) {
                    result in
                    options.text("Đã xếp \(result.jobs.count) nhãn vào hàng đợi in:", "Queued \(result.jobs.count) labels for printing:") + "\n"
                        + JobTable.render(result.jobs, options)
                }
                return
            }
            let (result, raw) = try options.call(
                .labelRender, args: LabelRenderArgs(template: template, keys: keys, dpi: dpi), as: LabelRenderResult.self)
            var written: [String] = []
            for label in result.labels {
                let name = "\(template)-\(LabelFiles.safeName(label.key ?? "label")).png"
                written.append(try LabelFiles.write(label, to: URL(fileURLWithPath: preview).appendingPathComponent(name).path, options))
            }
            print(options.json ? String(decoding: raw, as: UTF8.self) : written.joined(separator: "\n"))
        }
        /// The command sheet: labels on the label printer, or the A4 page as a file.
        func commands() throws {
            let codes = QuayCore.DeskCommand.all.map(\.barcode)
            if sheet == nil && preview == nil {
                try options.run(.printSubmit, args: PrintSubmitArgs(template: "command", keys: codes, printer: printer), as: PrintJobsResult.self) {
                    result in
                    options.text("Đã xếp \(result.jobs.count) nhãn mã lệnh vào hàng đợi in:", "Queued \(result.jobs.count) command labels:") + "\n"
                        + JobTable.render(result.jobs, options)
                }
                return
            }
            let (page, raw) = try options.call(.commandsSheet, args: CommandSheetArgs(), as: CommandSheetResult.self)
            var written: [String] = []
            func write(_ base64: String, _ path: String) throws {
                guard let bytes = Data(base64Encoded: base64) else { throw ExitCode(CLIExit.refused) }
                do {
                    try bytes.write(to: URL(fileURLWithPath: path))
                } catch {
                    options.printError(options.text("không ghi được \(path): \(error.localizedDescription)", "cannot write \(path): \(error.localizedDescription)"))
                    throw ExitCode(CLIExit.refused)
                }
                written.append(path)
            }
            if let sheet { try write(sheet.hasSuffix(".pdf") ? page.pdf : page.png, sheet) }
            if let preview {
                try FileManager.default.createDirectory(atPath: preview, withIntermediateDirectories: true)
                let directory = URL(fileURLWithPath: preview)
                try write(page.png, directory.appendingPathComponent("commands.png").path)
                try write(page.pdf, directory.appendingPathComponent("commands.pdf").path)
                let (labels, _) = try options.call(
                    .labelRender, args: LabelRenderArgs(template: "command", keys: codes, dpi: dpi), as: LabelRenderResult.self)
                for label in labels.labels {
                    let name = "command-\(LabelFiles.safeName(label.key ?? "label")).png"
                    written.append(try LabelFiles.write(label, to: directory.appendingPathComponent(name).path, options))
                }
            }
            print(options.json ? String(decoding: raw, as: UTF8.self) : written.joined(separator: "\n"))
        }
    }

    struct LabelCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "label", abstract: "Label templates: list, show, and preview a school's own.",
            subcommands: [List.self, Show.self, Preview.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "The templates quayd prints with.")
            @OptionGroup var options: GlobalOptions

            func run() throws {
                try options.run(.labelTemplates, args: LabelTemplatesArgs(), as: LabelTemplatesResult.self) { result in
                    let header = [
                        options.text("Mẫu", "Template"), options.text("Dữ liệu", "Data"), options.text("Khổ (mm)", "Size (mm)"),
                        options.text("Nguồn", "Origin"), options.text("Mô tả", "Description"),
                    ]
                    let rows = result.templates.map { info in
                        [info.name, info.data, "\(LabelFiles.millimetres(info.widthMM)) × \(LabelFiles.millimetres(info.heightMM))",
                         info.origin == "built-in" ? options.text("có sẵn", "built-in") : info.origin, info.description]
                    }
                    return TextTable(rows: [header] + rows).render()
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", 
                abstract: "A template's file, to copy as the start of a school's own (docs/labels.md).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Template name.") var name: String

            func run() throws {
                try options.run(.labelTemplates, args: LabelTemplatesArgs(name: name), as: LabelTemplatesResult.self) {
                    $0.templates.first?.source ?? ""
                }
            }
        }

        struct Preview: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "preview", 
                abstract: "Render a template file with sample values to a PNG, before installing it.",
                discussion: """
                    --data is a JSON object of field values, e.g. '{"call_line_1":"895.922","title":"Truyện Kiều"}'; \
                    a slip's loans go in "items": [{"title":…,"accession":…,"due":…}].
                    """)
            @OptionGroup var options: GlobalOptions
            @Option(help: "The template file (TOML).") var template: String
            @Option(help: "Field values as a JSON object.") var data: String = "{}"
            @Option(help: "The PNG file to write.") var out: String
            @Option(help: "Resolution: 203 or 300 dpi.") var dpi: Int?

            func run() throws {
                guard let source = try? String(contentsOfFile: template, encoding: .utf8) else {
                    throw ValidationError(options.text("không đọc được tệp mẫu \(template)", "cannot read the template file \(template)"))
                }
                var fields: [String: String] = [:]
                var entries: [[String: String]] = []
                guard case .object(let object)? = try? WireFormat.decoder().decode(JSONValue.self, from: Data(data.utf8)) else {
                    throw ValidationError(options.text("--data phải là một đối tượng JSON", "--data must be a JSON object"))
                }
                for (key, value) in object {
                    switch (key, value) {
                    case ("items", .array(let items)):
                        for item in items {
                            guard case .object(let entry) = item else { throw ValidationError("--data: items must be objects") }
                            entries.append(entry.mapValues(\.plainText))
                        }
                    default: fields[key] = value.plainText
                    }
                }
                let args = LabelPreviewArgs(
                    template: source, file: template, fields: fields, entries: entries.isEmpty ? nil : entries, dpi: dpi)
                let (label, raw) = try options.call(.labelPreview, args: args, as: RenderedLabel.self)
                let path = try LabelFiles.write(label, to: out, options)
                print(options.json ? String(decoding: raw, as: UTF8.self) : path)
            }
        }
    }
}

/// Writing rendered labels to PNG files.
enum LabelFiles {
    static func millimetres(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A key as part of a file name: letters, digits, `.`, `-` and `_`; anything else becomes `_`.
    static func safeName(_ key: String) -> String {
        String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    static func write(_ label: RenderedLabel, to path: String, _ options: GlobalOptions) throws -> String {
        guard let png = Data(base64Encoded: label.png) else {
            options.printError(options.text("quayd trả về ảnh hỏng", "quayd returned a broken image"))
            throw ExitCode(CLIExit.refused)
        }
        do {
            try png.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            options.printError(options.text("không ghi được \(path)", "cannot write \(path)") + ": \(error.localizedDescription)")
            throw ExitCode(CLIExit.refused)
        }
        return path
    }
}

extension JSONValue {
    /// A JSON value as the text a label field holds.
    var plainText: String {
        switch self {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array, .object: return ""
        }
    }
}
