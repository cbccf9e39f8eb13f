import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct PatronCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "patron", abstract: "Borrowers (bạn đọc).", subcommands: [
                Add.self, Show.self, Find.self, Import.self, Pin.self, PatronEdit.self, PatronBlock.self, PatronUnblock.self, PatronLeave.self,
            ])

        struct Pin: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "pin", 
                abstract: "Set a borrower's PIN for self-check kiosks (4 to 12 digits), or --clear it.",
                discussion: "Without --pin the PIN is read from standard input (not echoed at a terminal). Only its hash is kept.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The card, e.g. HS000001.") var card: String
            @Option(help: "The PIN (visible in the shell's history: prefer standard input).") var pin: String?
            @Flag(help: "Remove the PIN.") var clear = false

            func run() throws {
                var value = pin
                if !clear && value == nil {
                    if isatty(STDIN_FILENO) == 1, let typed = getpass(options.text("Mã PIN: ", "PIN: ")) {
                        value = String(cString: typed)
                    } else {
                        value = readLine(strippingNewline: true)
                    }
                }
                try options.run(.patronPin, args: PatronPinArgs(card: card, pin: clear ? nil : value), as: PatronPinResult.self) { result in
                    result.pin
                        ? options.text("Đã đặt mã PIN cho \(result.card)", "PIN set for \(result.card)")
                        : options.text("Đã xoá mã PIN của \(result.card)", "PIN cleared for \(result.card)")
                }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a borrower with a card number.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "Card number, e.g. HS000001.") var card: String
            @Option(help: "Full name, e.g. \"Nguyễn Văn An\".") var name: String
            @Option(help: "pupil, teacher or staff (default pupil).") var kind: String?
            @Option(name: .customLong("class"), help: "Class, e.g. 6A (created if new).") var className: String?
            @Option(help: "School year, e.g. 2026-2027 (default: the current one).") var year: String?

            func run() throws {
                let args = PatronAddArgs(card: card, name: name, kind: kind, className: className, schoolYear: year)
                try options.run(.patronAdd, args: args, as: PatronView.self) { CatalogueText(options: options).patron($0) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "A borrower by card number.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Card number.") var card: String

            func run() throws {
                try options.run(.patronShow, args: CardArgs(card: card), as: PatronView.self) {
                    CatalogueText(options: options).patron($0)
                }
            }
        }

        struct Find: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "find", 
                abstract: "Borrowers whose name or card contains every word (diacritics ignored).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Words, e.g. \"nguyen van an\".") var query: String
            @Option(help: "At most this many (default 100).") var limit: Int?

            func run() throws {
                try options.run(.patronFind, args: QueryArgs(query: query, limit: limit), as: PatronsResult.self) {
                    CatalogueText(options: options).patrons($0.patrons)
                }
            }
        }

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "import", 
                abstract: "Import a class list (CSV or XLSX with a header: card,name[,kind][,class]).",
                discussion: """
                    The file may be in UTF-8 or a legacy Vietnamese encoding (TCVN3, VNI, VISCII, VPS, CP1258; found \
                    column by column, or --encoding); XLSX cells in .VnTime or VNI fonts are converted. A card the \
                    desk would not read as a card ([[pattern]]) is refused. Good rows are imported; each bad row is \
                    reported with its line and reason, and the exit status is then 1.
                    """)
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The CSV or XLSX file.") var file: String
            @Option(help: "School year (default: the current one).") var year: String?
            @Option(help: "Read every column in this encoding: utf-8, tcvn3, vni, viscii, vps, cp1258, double-utf-8.") var encoding: String?
            @Flag(help: "Say what the import would do, and write nothing.") var dryRun = false

            func run() throws {
                let connection = try options.connect()
                let upload = try options.upload(file, connection)
                let args = PatronImportArgs(upload: upload, encoding: encoding, schoolYear: year, dryRun: dryRun ? true : nil)
                guard case .success(let answer) = try options.request(connection, .patronImport, args: args, as: ImportResult.self) else {
                    throw ExitCode(CLIExit.refused)
                }
                let result = answer.result
                if options.json {
                    print(String(decoding: answer.raw, as: UTF8.self))
                } else {
                    print(
                        result.dryRun
                            ? options.text("Chạy thử: sẽ nhập \(result.imported) bạn đọc (chưa ghi gì).", "Dry run: would import \(result.imported) patrons (nothing written).")
                            : options.text("Đã nhập \(result.imported) bạn đọc.", "Imported \(result.imported) patrons."))
                    for row in result.rejected {
                        print(options.text("dòng \(row.line): \(row.reason)", "line \(row.line): \(row.reason)"))
                    }
                }
                if !result.rejected.isEmpty { throw ExitCode(CLIExit.refused) }
            }
        }
    }

    struct ClassCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "class", abstract: "Classes (lớp).", subcommands: [Add.self, Show.self, List.self, ClassEdit.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "The classes of a school year, with their pupils' count.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "School year (default: the current one).") var year: String?

            func run() throws {
                try options.run(.classList, args: ClassListArgs(schoolYear: year), as: ClassesResult.self) { ClassText(options: options).render($0) }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a class for a school year.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Class name, e.g. 6A or 10A1.") var name: String
            @Option(help: "Grade 1–12 (default: from the name).") var grade: Int?
            @Option(help: "School year (default: the current one).") var year: String?
            @Option(help: "Homeroom teacher.") var teacher: String?

            func run() throws {
                let args = ClassArgs(name: name, schoolYear: year, grade: grade, teacher: teacher)
                try options.run(.classAdd, args: args, as: ClassView.self) { ClassText(options: options).render($0) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "A class and its pupils, in Vietnamese name order.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Class name.") var name: String
            @Option(help: "School year (default: the current one).") var year: String?

            func run() throws {
                try options.run(.classShow, args: ClassArgs(name: name, schoolYear: year), as: ClassView.self) {
                    ClassText(options: options).render($0)
                }
            }
        }
    }
}

struct ClassText {
    let options: GlobalOptions

    func render(_ view: ClassView) -> String {
        var text = options.text("Lớp \(view.name) — năm học \(view.schoolYear)", "Class \(view.name) — school year \(view.schoolYear)")
        if let teacher = view.homeroomTeacher { text += options.text(" — GVCN \(teacher)", " — homeroom \(teacher)") }
        text += options.text(" — \(view.patrons.count) học sinh", " — \(view.patrons.count) pupils")
        if !view.patrons.isEmpty {
            text += "\n" + TextTable(rows: view.patrons.enumerated().map { ["\($0.offset + 1)", $0.element.card, $0.element.name] }).render()
        }
        return text
    }

    func render(_ list: ClassesResult) -> String {
        let title = options.text("Các lớp năm học \(list.schoolYear)", "Classes of the school year \(list.schoolYear)")
        guard !list.classes.isEmpty else { return title + options.text(": chưa có lớp nào", ": none yet") }
        let header = [options.text("Lớp", "Class"), options.text("Học sinh", "Pupils"), options.text("GVCN", "Homeroom teacher")]
        return title + "\n" + TextTable(rows: [header] + list.classes.map { [$0.name, "\($0.pupils)", $0.homeroomTeacher ?? ""] }).render()
    }
}
