import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct IntakeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "intake",
            abstract: "Register new copies of a title: consecutive accession numbers, one batch line.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Register code: SGK, SNV, STK, TN, TB, or one of the school's.") var register: String
        @Option(help: "How many copies (1–100000).") var copies: Int
        @Option(help: "The title.") var title: String
        @Option(name: .customLong("author"), help: "An author; repeat for several (the first is the main author).")
        var authors: [String] = []
        @Option(help: "ISBN-10 or ISBN-13; stored as ISBN-13.") var isbn: String?
        @Option(name: .customLong("class-number"), help: "DDC (895.922) or school class (53(075)), optionally with mark and volume.")
        var classNumber: String?
        @Option(name: .customLong("author-mark"), help: "Override the derived author mark (NG-A).") var authorMark: String?
        @Option(help: "Publisher.") var publisher: String?
        @Option(help: "Year of publication.") var year: Int?
        @Option(parsing: .unconditional, help: "Price of one copy in VND.") var price: Int64?
        @Option(help: "purchase, donation or transfer (default purchase).") var source: String?
        @Option(help: "Invoice or decision number.") var doc: String?
        @Option(help: "Where the copies go (shelf, room).") var location: String?
        @Option(name: .customLong("received-on"), help: "Date received: yyyy-mm-dd or dd/mm/yyyy (default today).")
        var receivedOn: String?
        @Option(help: "Material kind (default from the register).") var kind: String?
        @Option(help: "Grade 1–12 the title is for.") var grade: Int?
        @Option(help: "A note on the batch line.") var note: String?
        @Flag(help: "Queue a spine label and a barcode label for every new copy.") var print = false
        @Option(help: "With --print: the printer for both labels (default: each template's printer).") var printer: String?

        func validate() throws {
            if printer != nil, !print { throw ValidationError("--printer goes with --print") }
            if print, copies > 100 { throw ValidationError("--print: at most 100 copies at a time") }
            guard (1...100_000).contains(copies) else { throw ValidationError("--copies must be from 1 to 100000") }
        }

        func run() throws {
            var args = IntakeArgs(register: register, copies: copies, title: title)
            args.authors = authors
            args.isbn = isbn
            args.classNumber = classNumber
            args.authorMark = authorMark
            args.publisher = publisher
            args.year = year
            args.price = price
            args.source = source
            args.doc = doc
            args.location = location
            args.receivedOn = receivedOn
            args.kind = kind
            args.grade = grade
            args.note = note
            args.print = print ? true : nil
            args.printer = printer
            try options.run(.intake, args: args, as: IntakeResult.self) { result in
                let (first, last) = (result.firstAccession, result.lastAccession)
                let count = result.lastNumber - result.firstNumber + 1
                var lines = [
                    options.text(
                        "Đã nhập \(count) bản vào sổ \(result.registerCode): \(first) – \(last) (đợt \(result.batchID), đầu sách \(result.recordID))",
                        "Registered \(count) copies in \(result.registerCode): \(first) – \(last) (batch \(result.batchID), record \(result.recordID))")
                ]
                if let call = result.callNumber { lines.append(options.text("Ký hiệu xếp giá: ", "Call number: ") + call) }
                lines += result.accessionNumbers
                if let jobs = result.printJobs {
                    lines.append(
                        options.text(
                            "Đã xếp \(jobs.count) nhãn vào hàng đợi in (lệnh \(jobs.first ?? 0)–\(jobs.last ?? 0)); xem: quay jobs",
                            "Queued \(jobs.count) labels for printing (jobs \(jobs.first ?? 0)–\(jobs.last ?? 0)); see: quay jobs"))
                }
                if let error = result.printError {
                    lines.append(options.text("Chưa in được nhãn: ", "Labels not queued: ") + error)
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    struct RecordCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record", abstract: "Titles (đầu sách).", subcommands: [Show.self, Find.self, RecordEdit.self])

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "A title and all its copies.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The record id.") var id: Int64

            func run() throws {
                try options.run(.recordShow, args: IDArgs(id: id), as: RecordView.self) { record in
                    CatalogueText(options: options).record(record)
                }
            }
        }

        struct Find: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "find", 
                abstract: "Titles whose title, authors or publisher contain every word (diacritics ignored).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Words to look for, e.g. \"nguyen nhat anh\".") var query: String
            @Option(help: "At most this many (default 100).") var limit: Int?

            func run() throws {
                try options.run(.recordFind, args: QueryArgs(query: query, limit: limit), as: RecordsResult.self) { result in
                    CatalogueText(options: options).records(result.records)
                }
            }
        }
    }

    struct ItemCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "item", abstract: "Copies (bản sách).", subcommands: [Show.self, ItemEdit.self, ItemState.self, ItemLost.self])

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "A copy by barcode or accession number.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Barcode or accession number (STK.000123).") var barcode: String

            func run() throws {
                try options.run(.itemShow, args: BarcodeArgs(barcode: barcode), as: ItemView.self) { item in
                    CatalogueText(options: options).item(item)
                }
            }
        }
    }

    struct ShelfList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shelf-list", abstract: "Copies in shelf order (by call number), optionally a range.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "From this call number (e.g. 800).") var from: String?
        @Option(help: "To this call number, inclusive of its subdivisions (e.g. 899).") var to: String?
        @Option(help: "At most this many (default 1000).") var limit: Int?

        func run() throws {
            try options.run(.shelfList, args: ShelfListArgs(from: from, to: to, limit: limit), as: ItemsResult.self) { result in
                CatalogueText(options: options).shelf(result.items)
            }
        }
    }

    struct RegisterCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register", abstract: "Registers (sổ đăng ký) and their numbering.", subcommands: [List.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Every register with its next number.")
            @OptionGroup var options: GlobalOptions

            func run() throws {
                try options.run(.registerList, args: NoArguments?.none, as: RegistersResult.self) { result in
                    let header = [
                        options.text("Sổ", "Code"), options.text("Tên", "Name"), options.text("Dạng số", "Format"),
                        options.text("Số tiếp theo", "Next"), options.text("Số bản", "Copies"),
                    ]
                    return TextTable(rows: [header] + result.registers.map {
                        [$0.code, $0.name, $0.format, $0.next, Formatting.number($0.items, options.language)]
                    }).render()
                }
            }
        }
    }
}

/// How catalogue replies read for people.
struct CatalogueText {
    let options: GlobalOptions

    func t(_ vi: String, _ en: String) -> String { options.text(vi, en) }

    func status(_ value: ItemStatus) -> String { value.words.text(options.language) }

    func item(_ item: ItemView) -> String {
        TextTable(rows: [
            [t("Số ĐKCB", "Accession"), item.accession],
            [t("Mã vạch", "Barcode"), item.barcode],
            [t("Nhan đề", "Title"), item.title],
            [t("Tác giả", "Authors"), item.authors],
            [t("Ký hiệu", "Call number"), item.callNumber ?? "—"],
            [t("Trạng thái", "Status"), status(item.status)],
            [t("Vị trí", "Location"), item.location ?? "—"],
            [t("Đầu sách", "Record"), "\(item.recordID)"],
            [t("Đợt nhập", "Batch"), "\(item.batchID) (\(Formatting.date(item.receivedOn, options.language)), \(item.source))"],
        ]).render()
    }

    func record(_ record: RecordView) -> String {
        var rows: [[String]] = [
            [t("Đầu sách", "Record"), "\(record.id)"],
            [t("Nhan đề", "Title"), record.title],
            [t("Tác giả", "Authors"), record.authors],
        ]
        if let publisher = record.publisher { rows.append([t("Nhà xuất bản", "Publisher"), publisher]) }
        if let year = record.year { rows.append([t("Năm", "Year"), "\(year)"]) }
        if let isbn = record.isbn { rows.append(["ISBN", isbn]) }
        if let call = record.callNumber { rows.append([t("Ký hiệu", "Call number"), call]) }
        if let price = record.price { rows.append([t("Giá", "Price"), Formatting.money(price, options.language)]) }
        rows.append([t("Số bản", "Copies"), "\(record.copies)"])
        var text = TextTable(rows: rows).render()
        if let items = record.items, !items.isEmpty {
            text += "\n\n" + TextTable(rows: [[t("Số ĐKCB", "Accession"), t("Trạng thái", "Status"), t("Vị trí", "Location")]]
                + items.map { [$0.accession, status($0.status), $0.location ?? "—"] }).render()
        }
        return text
    }

    func records(_ records: [RecordView]) -> String {
        if records.isEmpty { return t("Không tìm thấy đầu sách nào.", "No record found.") }
        return TextTable(rows: [["#", t("Nhan đề", "Title"), t("Tác giả", "Authors"), t("Ký hiệu", "Call number"), t("Bản", "Copies")]]
            + records.map { ["\($0.id)", $0.title, $0.authors, $0.callNumber ?? "—", "\($0.copies)"] }).render()
    }

    func shelf(_ items: [ItemView]) -> String {
        if items.isEmpty { return t("Không có bản nào trong khoảng này.", "No copy in that range.") }
        return TextTable(rows: [[t("Ký hiệu", "Call number"), t("Số ĐKCB", "Accession"), t("Nhan đề", "Title"), t("Trạng thái", "Status")]]
            + items.map { [$0.callNumber ?? "—", $0.accession, $0.title, status($0.status)] }).render()
    }

    func patron(_ patron: PatronView) -> String {
        TextTable(rows: [
            [t("Thẻ", "Card"), patron.card],
            [t("Họ tên", "Name"), patron.name],
            [t("Đối tượng", "Kind"), kind(patron.kind)],
            [t("Lớp", "Class"), patron.className ?? "—"],
            [t("Năm học", "School year"), patron.schoolYear ?? "—"],
            [t("Trạng thái", "Status"), patron.status],
        ]).render()
    }

    func kind(_ value: String) -> String {
        switch value {
        case "pupil": return t("học sinh", "pupil")
        case "teacher": return t("giáo viên", "teacher")
        case "staff": return t("nhân viên", "staff")
        default: return value
        }
    }

    func patrons(_ patrons: [PatronView]) -> String {
        if patrons.isEmpty { return t("Không tìm thấy bạn đọc nào.", "No patron found.") }
        return TextTable(rows: [[t("Thẻ", "Card"), t("Họ tên", "Name"), t("Lớp", "Class"), t("Đối tượng", "Kind")]]
            + patrons.map { [$0.card, $0.name, $0.className ?? "—", kind($0.kind)] }).render()
    }
}

extension Formatting {
    /// `2026-11-21` as `21/11/2026` in Vietnamese output (SPEC §12).
    static func date(_ iso: String, _ language: Language) -> String {
        let parts = iso.split(separator: "-")
        guard language == .vi, parts.count == 3 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// VND with `.` thousands separators: `85.000 ₫`.
    static func money(_ value: Int64, _ language: Language) -> String {
        number(value, .vi) + " ₫"
    }
}
