import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

/// Corrections, states, disposals and the school-year rollover (SPEC §16).
extension QuayCommand {
    /// `--clear FIELD`, repeatable: the fields a correction empties.
    struct ClearOption: ParsableArguments {
        @Option(name: .customLong("clear"), help: "Empty this field (repeatable), e.g. --clear isbn.") var fields: [String] = []

        var list: [String]? { fields.isEmpty ? nil : fields.map { $0.replacingOccurrences(of: "-", with: "_") } }
    }

    struct RecordEdit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Correct a title: its fields, class number and author mark (the call number follows).",
            discussion: "Each correction is one transaction and one line of the audit log (`quay history R12`).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The record's number (as `quay record find` shows it).") var id: Int64
        @Option(help: "Title.") var title: String?
        @Option(help: "Authors, separated by \";\".") var authors: String?
        @Option(help: "Publisher.") var publisher: String?
        @Option(help: "Year of publication.") var year: Int?
        @Option(help: "ISBN (10 or 13 digits).") var isbn: String?
        @Option(help: "Class number (DDC or BBK), e.g. 895.92234.") var classNumber: String?
        @Option(help: "Author mark, e.g. NG-A.") var authorMark: String?
        @Option(help: "Subject.") var subject: String?
        @Option(help: "Grade (khối 1–12).") var grade: Int?
        @Option(help: "Material kind: textbook, professional, reference, children, periodical, equipment, other.") var kind: String?
        @Option(parsing: .unconditional, help: "Price in VND.") var price: Int64?
        @Option(help: "Notes.") var notes: String?
        @OptionGroup var clear: ClearOption

        func run() throws {
            var args = RecordUpdateArgs(id: id)
            args.title = title
            args.authors = authors.map { $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) } }
            args.publisher = publisher
            args.year = year
            args.isbn = isbn
            args.classNumber = classNumber
            args.authorMark = authorMark
            args.subject = subject
            args.grade = grade
            args.kind = kind
            args.price = price
            args.notes = notes
            args.clear = clear.list
            try options.run(.recordUpdate, args: args, as: ChangeResult.self) { LifecycleText(options: options).change($0) }
        }
    }

    struct ItemEdit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Correct a copy: location, barcode, price, condition, note (its accession number never changes).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Barcode or accession number.") var item: String
        @Option(help: "Location (shelf), e.g. KE-A1.") var location: String?
        @Option(help: "A new barcode (a re-labelled copy).") var barcode: String?
        @Option(parsing: .unconditional, help: "Price in VND.") var price: Int64?
        @Option(help: "Condition, in words.") var condition: String?
        @Option(help: "Note.") var note: String?
        @OptionGroup var clear: ClearOption

        func run() throws {
            var args = ItemUpdateArgs(item: item)
            args.location = location
            args.barcode = barcode
            args.price = price
            args.condition = condition
            args.note = note
            args.clear = clear.list
            try options.run(.itemUpdate, args: args, as: ChangeResult.self) { LifecycleText(options: options).change($0) }
        }
    }

    struct ItemState: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state", abstract: "Mark a copy damaged (on the shelf), away for repair, or available again.",
            discussion: "STATE is damaged, repair or available. A copy lost by its borrower: `quay item lost`; withdrawn: a disposal.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Barcode or accession number.") var item: String
        @Argument(help: "damaged, repair or available.") var state: String
        @Option(help: "What is wrong with it.") var note: String?

        func run() throws {
            try options.run(.itemState, args: ItemStateArgs(item: item, state: state, note: note), as: ChangeResult.self) {
                LifecycleText(options: options).change($0)
            }
        }
    }

    struct ItemLost: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lost", abstract: "A copy lost by its borrower: the loan ends, the replacement price is noted on the borrower.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Barcode or accession number of the copy on loan.") var item: String

        func run() throws {
            try options.run(.loanLost, args: ItemArgs(item: item), as: LostResult.self) { result in
                options.text(
                    "Đã ghi mất: \(result.loan.accession) \(result.loan.title) — \(result.loan.borrower) bồi thường \(Money.text(result.charge))",
                    "Marked lost: \(result.loan.accession) \(result.loan.title) — \(result.loan.borrower) owes \(Money.text(result.charge))")
            }
        }
    }

    struct PatronEdit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Correct a borrower: name, class, kind, or a new card (the old card is refused from then on).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Card number.") var card: String
        @Option(help: "Full name.") var name: String?
        @Option(name: .customLong("class"), help: "Class of the school year, e.g. 7A.") var className: String?
        @Option(help: "School year of that class (default: the patron's).") var year: String?
        @Option(help: "pupil, teacher or staff.") var kind: String?
        @Option(help: "A new card number (a lost card).") var newCard: String?
        @OptionGroup var clear: ClearOption

        func run() throws {
            var args = PatronUpdateArgs(card: card)
            args.name = name
            args.className = className
            args.schoolYear = year
            args.kind = kind
            args.newCard = newCard
            args.clear = clear.list
            try options.run(.patronUpdate, args: args, as: ChangeResult.self) { LifecycleText(options: options).change($0) }
        }
    }

    struct PatronBlock: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "block", abstract: "Block a card, with the reason the desk will say.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Card number.") var card: String
        @Option(help: "Why, e.g. \"mất thẻ\" (said at the desk).") var reason: String

        func run() throws {
            try options.run(.patronBlock, args: PatronStatusArgs(card: card, reason: reason), as: PatronView.self) {
                CatalogueText(options: options).patron($0)
            }
        }
    }

    struct PatronUnblock: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unblock", abstract: "Unblock a card (or take back a leaver).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Card number.") var card: String

        func run() throws {
            try options.run(.patronUnblock, args: PatronStatusArgs(card: card), as: PatronView.self) {
                CatalogueText(options: options).patron($0)
            }
        }
    }

    struct PatronLeave: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leave", abstract: "Mark a borrower as left the school: no new loans; what they hold can still be returned.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Card number.") var card: String
        @Option(help: "Why, e.g. \"chuyển trường\".") var reason: String?

        func run() throws {
            try options.run(.patronLeave, args: PatronStatusArgs(card: card, reason: reason), as: PatronView.self) {
                CatalogueText(options: options).patron($0)
            }
        }
    }

    struct ClassEdit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Rename a class or set its homeroom teacher.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Class, e.g. 6A.") var name: String
        @Option(help: "School year (default: the current one).") var year: String?
        @Option(help: "The new name.") var newName: String?
        @Option(help: "Homeroom teacher (giáo viên chủ nhiệm).") var teacher: String?
        @OptionGroup var clear: ClearOption

        func run() throws {
            var args = ClassUpdateArgs(name: name)
            args.schoolYear = year
            args.newName = newName
            args.teacher = teacher
            args.clear = clear.list
            try options.run(.classUpdate, args: args, as: ChangeResult.self) { LifecycleText(options: options).change($0) }
        }
    }

    struct EquipmentEdit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Correct a kind of equipment: name, room, value, expiry date…")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Equipment code.") var code: String
        @Option(help: "Name.") var name: String?
        @Option(help: "Subject.") var subject: String?
        @Option(help: "Grades, e.g. \"6,7\".") var grades: String?
        @Option(help: "Unit of count.") var unit: String?
        @Option(help: "Room.") var room: String?
        @Option(parsing: .unconditional, help: "Value of one, in VND.") var value: Int64?
        @Option(help: "Expiry date: yyyy-mm-dd or dd/mm/yyyy.") var expires: String?
        @OptionGroup var clear: ClearOption

        func run() throws {
            var args = EquipmentUpdateArgs(code: code)
            args.name = name
            args.subject = subject
            args.grades = grades
            args.unit = unit
            args.room = room
            args.value = value
            args.expiresOn = expires
            args.clear = clear.list
            try options.run(.equipmentUpdate, args: args, as: ChangeResult.self) { LifecycleText(options: options).change($0) }
        }
    }

    struct UnitEdit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit-unit", abstract: "Correct a tagged unit: its room and condition.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The unit's barcode or accession number (TB.000042).") var unit: String
        @Option(help: "Room.") var room: String?
        @Option(help: "good, needs_repair or broken.") var condition: String?
        @OptionGroup var clear: ClearOption

        func run() throws {
            var args = UnitUpdateArgs(unit: unit)
            args.room = room
            args.condition = condition
            args.clear = clear.list
            try options.run(.unitUpdate, args: args, as: ChangeResult.self) { LifecycleText(options: options).change($0) }
        }
    }

    struct EquipmentExpiring: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expiring", abstract: "Chemicals (equipment with an expiry date) expired or expiring within DAYS (default 30).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Days ahead (default 30).") var within: Int?

        func run() throws {
            try options.run(.equipmentExpiring, args: ExpiringArgs(withinDays: within), as: EquipmentListResult.self) { result in
                guard !result.equipment.isEmpty else {
                    return options.text("Không có hoá chất nào sắp hết hạn.", "Nothing expires within that time.")
                }
                let today = Day(Date()).description
                return TextTable(
                    header: [options.text("Mã", "Code"), options.text("Tên", "Name"), options.text("Số lượng", "Quantity"), options.text("Hết hạn", "Expires"), ""],
                    rows: result.equipment.map { equipment in
                        let count = equipment.units.map { "\($0.count)" } ?? "\(equipment.quantity)"
                        let expired = (equipment.expiresOn ?? "") < today ? options.text("ĐÃ HẾT HẠN", "EXPIRED") : ""
                        return [equipment.code, equipment.name, "\(count) \(equipment.unit)", equipment.expiresOn ?? "—", expired]
                    }
                ).render()
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "What the audit log says of a copy, unit, card, record (R12), equipment code, class (6A@2026-2027) or disposal (D3).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "A barcode, accession number, card, R<record>, equipment code, CLASS@YEAR or D<disposal>.") var key: String
        @Option(help: "At most this many lines (default 1000).") var limit: Int?

        func run() throws {
            try options.run(.history, args: HistoryArgs(key: key, limit: limit), as: HistoryResult.self) { result in
                LifecycleText(options: options).history(result)
            }
        }
    }

    struct DisposalCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disposal", abstract: "Disposals (thanh lý), destructions (tiêu hủy) and transfers (điều chuyển).",
            discussion: """
                Open a disposal with its decision, add copies and units (by scan, by list, or an applied inventory's \
                disposal list), review it, then confirm it: everything in it is withdrawn at once and keeps its accession number.
                """,
            subcommands: [Open.self, Add.self, Remove.self, Show.self, List.self, Confirm.self, Cancel.self])

        struct Open: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "open", abstract: "Open a disposal with its decision reference.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "The decision reference (số quyết định), e.g. \"QĐ 12/2027\".") var decision: String
            @Option(help: "Date of the decision: yyyy-mm-dd or dd/mm/yyyy (default today).") var date: String?
            @Option(help: "Default reason: worn, lost, outdated, old_curriculum, insects, surplus, expired (or in Vietnamese).") var reason: String?
            @Option(help: "disposal (default), destruction (expired chemicals) or transfer.") var kind: String?
            @Option(help: "The receiving school, for a transfer.") var school: String?
            @Option(help: "Note.") var note: String?

            func run() throws {
                var args = DisposalOpenArgs(decision: decision)
                args.date = date
                args.reason = reason
                args.kind = kind
                args.school = school
                args.note = note
                try options.run(.disposalOpen, args: args, as: DisposalView.self) { LifecycleText(options: options).disposal($0) }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add", abstract: "Add copies or units to an open disposal.",
                discussion: "CODES are barcodes or accession numbers; `-` reads them from standard input, one per line, as a scanner types them.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The disposal's number.") var id: Int64
            @Argument(help: "Barcodes or accession numbers; - for standard input.") var codes: [String] = []
            @Option(help: "Add the disposal list of this applied inventory.") var inventory: Int64?
            @Flag(help: "Add every expired chemical.") var expired = false
            @Option(help: "A quantity of equipment tracked by quantity: CODE=N (repeatable).") var quantity: [String] = []
            @Option(help: "The reason for these lines (default: the disposal's).") var reason: String?

            func run() throws {
                var quantities: [String: Int] = [:]
                for pair in quantity {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, let count = Int(parts[1]) else { throw ValidationError("--quantity must be CODE=N, not \(pair)") }
                    quantities[String(parts[0])] = count
                }
                let text = LifecycleText(options: options)
                if codes == ["-"] {
                    // One request per scanned line: each is said as it is scanned.
                    let connection = try options.connect()
                    var failed = false
                    while let line = readLine(strippingNewline: true) {
                        let code = line.trimmingCharacters(in: .whitespaces)
                        guard !code.isEmpty else { continue }
                        var args = DisposalAddArgs(id: id)
                        args.items = [code]
                        args.reason = reason
                        switch try options.request(connection, .disposalAdd, args: args, as: DisposalAddResult.self) {
                        case .success(let answer): print(options.json ? String(decoding: answer.raw, as: UTF8.self) : text.added(answer.result))
                        case .failure: failed = true
                        }
                    }
                    if failed { throw ExitCode(CLIExit.refused) }
                    return
                }
                var args = DisposalAddArgs(id: id)
                args.items = codes.isEmpty ? nil : codes
                args.inventory = inventory
                args.expired = expired ? true : nil
                args.quantities = quantities.isEmpty ? nil : quantities
                args.reason = reason
                try options.run(.disposalAdd, args: args, as: DisposalAddResult.self) { text.added($0) }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Take copies or units off an open disposal.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The disposal's number.") var id: Int64
            @Argument(help: "Barcodes, accession numbers or equipment codes.") var codes: [String]

            func run() throws {
                try options.run(.disposalRemove, args: DisposalRemoveArgs(id: id, items: codes), as: DisposalRemoveResult.self) {
                    options.text("Đã bỏ \($0.removed) dòng.", "\($0.removed) line(s) removed.") + "\n" + LifecycleText(options: options).disposal($0.disposal)
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "A disposal with its lines, to review.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The disposal's number.") var id: Int64

            func run() throws {
                try options.run(.disposalShow, args: IDArgs(id: id), as: DisposalView.self) { LifecycleText(options: options).disposal($0) }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Disposals, newest first.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "At most this many (default 100).") var limit: Int?

            func run() throws {
                try options.run(.disposalList, args: DisposalListArgs(limit: limit), as: DisposalListResult.self) { result in
                    let text = LifecycleText(options: options)
                    guard !result.disposals.isEmpty else { return options.text("Chưa có biên bản thanh lý nào.", "No disposals yet.") }
                    return TextTable(
                        header: ["#", options.text("Loại", "Kind"), options.text("Quyết định", "Decision"), options.text("Ngày", "Date"),
                            options.text("Dòng", "Lines"), options.text("Giá trị", "Value"), options.text("Trạng thái", "State")],
                        rows: result.disposals.map {
                            ["\($0.id)", text.words($0.kind.words), $0.decision, $0.decidedOn, "\($0.lineCount)", Money.text($0.totalValue), text.words($0.state.words)]
                        }
                    ).render()
                }
            }
        }

        struct Confirm: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "confirm", abstract: "Confirm a disposal: everything in it is withdrawn at once (refused while a copy is on loan).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The disposal's number.") var id: Int64

            func run() throws {
                try options.run(.disposalConfirm, args: IDArgs(id: id), as: DisposalView.self) { LifecycleText(options: options).disposal($0) }
            }
        }

        struct Cancel: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel an open disposal: nothing is withdrawn.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The disposal's number.") var id: Int64

            func run() throws {
                try options.run(.disposalCancel, args: IDArgs(id: id), as: DisposalView.self) { LifecycleText(options: options).disposal($0) }
            }
        }
    }

    struct YearCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "year", abstract: "The school year (năm học).", subcommands: [Rollover.self])

        struct Rollover: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rollover", abstract: "Move classes up a grade into the next school year (a preview unless --apply).",
                discussion: """
                    6A becomes 7A, the last grade leaves (marked as left, still borrowers of what they hold). --map OLD=NEW \
                    overrides the rule for a class (OLD= to let it leave); --map-file reads such lines from a file. \
                    Applied once per school year.
                    """)
            @OptionGroup var options: GlobalOptions
            @Option(help: "The new school year, e.g. 2027-2028 (default: the next one).") var to: String?
            @Option(help: "The grade that leaves (default: [school] last_grade, else the highest).") var lastGrade: Int?
            @Option(help: "A class's move, OLD=NEW (repeatable; OLD= to leave).") var map: [String] = []
            @Option(help: "A file of OLD=NEW (or OLD,NEW) lines.") var mapFile: String?
            @Flag(help: "Apply it (one transaction); without it, only the preview.") var apply = false

            func run() throws {
                var lines = map
                if let mapFile {
                    guard let text = try? String(contentsOfFile: mapFile, encoding: .utf8) else {
                        throw ValidationError(options.text("không đọc được \(mapFile)", "cannot read \(mapFile)"))
                    }
                    lines += text.split(whereSeparator: \.isNewline).map { $0.replacingOccurrences(of: ",", with: "=") }
                        .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
                }
                var table: [String: String] = [:]
                for line in lines {
                    let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw ValidationError("--map must be OLD=NEW, not \(line)")
                    }
                    table[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
                }
                let args = RolloverArgs(to: to, apply: apply ? true : nil, lastGrade: lastGrade, map: table.isEmpty ? nil : table)
                try options.run(.yearRollover, args: args, as: RolloverPlan.self) { LifecycleText(options: options).rollover($0) }
            }
        }
    }
}

/// How the lifecycle's replies read on a terminal.
struct LifecycleText {
    let options: GlobalOptions

    func t(_ vi: String, _ en: String) -> String { options.text(vi, en) }
    func words(_ words: Bilingual) -> String { words.text(options.language) }

    func change(_ result: ChangeResult) -> String {
        guard !result.changes.isEmpty else { return t("Không có gì thay đổi.", "Nothing changed.") }
        let rows = result.changes.sorted { $0.key < $1.key }.map { [$0.key, $0.value.before.description, "→", $0.value.after.description] }
        return t("Đã sửa (nhật ký #\(result.auditID ?? 0)):", "Corrected (audit #\(result.auditID ?? 0)):") + "\n"
            + TextTable(rows: rows).render()
    }

    func history(_ result: HistoryResult) -> String {
        var lines = [result.label]
        if result.entries.isEmpty { lines.append(t("Chưa có thay đổi nào.", "No changes yet.")) }
        for entry in result.entries {
            let changes = entry.changes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.before) → \($0.value.after)" }
            lines.append("\(entry.at)  \(entry.actor)  \(entry.op)  " + changes.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }

    func disposal(_ disposal: DisposalView) -> String {
        var lines = [
            TextTable(rows: [
                [t("Biên bản", "Disposal"), "#\(disposal.id) — \(words(disposal.kind.words))"],
                [t("Quyết định", "Decision"), "\(disposal.decision), \(disposal.decidedOn)"],
                [t("Lý do", "Reason"), words(disposal.reason.words)],
                [t("Trường nhận", "Receiving school"), disposal.receivingSchool ?? "—"],
                [t("Trạng thái", "State"), words(disposal.state.words)],
                [t("Số dòng", "Lines"), "\(disposal.lineCount)"],
                [t("Tổng giá trị", "Total value"), Money.text(disposal.totalValue)],
                [t("Đang cho mượn", "On loan"), "\(disposal.onLoan)"],
            ]).render()
        ]
        if let items = disposal.lines, !items.isEmpty {
            lines.append(
                TextTable(
                    header: ["#", t("Số ĐKCB", "Accession"), t("Nhan đề", "Title"), t("Năm XB", "Year"), t("Giá", "Value"), t("Lý do", "Reason"), ""],
                    rows: items.map { line in
                        [
                            "\(line.line)", line.accession + (line.quantity.map { " ×\($0)" } ?? ""), line.title, line.year.map(String.init) ?? "",
                            Money.text(line.value), words(line.reason.words),
                            line.status == "on_loan" ? t("ĐANG MƯỢN", "ON LOAN") : "",
                        ]
                    }
                ).render())
        }
        return lines.joined(separator: "\n")
    }

    func added(_ result: DisposalAddResult) -> String {
        var lines = [t("Đã thêm \(result.added) dòng (tổng \(result.disposal.lineCount)).", "\(result.added) line(s) added (\(result.disposal.lineCount) in all).")]
        for refused in result.refused { lines.append("✘ \(refused.code): \(refused.reason) [\(refused.error)]") }
        return lines.joined(separator: "\n")
    }

    func rollover(_ plan: RolloverPlan) -> String {
        var lines = [
            plan.applied
                ? t("Đã chuyển năm học \(plan.fromYear) → \(plan.toYear).", "Rolled over \(plan.fromYear) → \(plan.toYear).")
                : t("Xem trước: chuyển năm học \(plan.fromYear) → \(plan.toYear) (chưa áp dụng; thêm --apply).",
                    "Preview: rollover \(plan.fromYear) → \(plan.toYear) (not applied; add --apply)."),
            t("Năm học mới: \(plan.starts) – \(plan.ends); khối ra trường: \(plan.lastGrade).",
              "New school year: \(plan.starts) – \(plan.ends); leaving grade: \(plan.lastGrade)."),
        ]
        if !plan.moves.isEmpty {
            lines.append(TextTable(header: [t("Lớp", "Class"), "", t("Lớp mới", "New class"), t("Học sinh", "Pupils")],
                rows: plan.moves.map { [$0.from, "→", $0.to, "\($0.pupils)"] }).render())
        }
        for leaving in plan.leaving {
            lines.append(t("Ra trường: \(leaving.className) (\(leaving.pupils) học sinh)", "Leaving: \(leaving.className) (\(leaving.pupils) pupils)"))
        }
        if !plan.unchanged.isEmpty {
            lines.append(t("Giữ nguyên: ", "Unchanged: ") + plan.unchanged.joined(separator: ", "))
        }
        if !plan.leaversWithLoans.isEmpty {
            lines.append(t("Học sinh ra trường còn giữ sách:", "Leavers who still hold copies:"))
            lines.append(TextTable(header: [t("Lớp", "Class"), t("Thẻ", "Card"), t("Họ tên", "Name"), t("Số bản", "Copies")],
                rows: plan.leaversWithLoans.map { [$0.className, $0.card, $0.name, "\($0.loans)"] }).render())
        }
        if !plan.textbookLoans.isEmpty {
            lines.append(t("Sách giáo khoa đến hạn trả cuối năm:", "Textbooks due at the end of the year:"))
            lines.append(TextTable(header: [t("Lớp", "Class"), t("Thẻ", "Card"), t("Họ tên", "Name"), t("Số bản", "Copies")],
                rows: plan.textbookLoans.map { [$0.className, $0.card, $0.name, "\($0.loans)"] }).render())
        }
        return lines.joined(separator: "\n")
    }
}
