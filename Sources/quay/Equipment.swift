import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct EquipmentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "equipment", abstract: "Teaching equipment (thiết bị dạy học).",
            subcommands: [Add.self, Show.self, Find.self, Units.self, EquipmentEdit.self, UnitEdit.self, EquipmentExpiring.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", 
                abstract: "Add a kind of equipment: tagged units numbered in register TB, or a quantity.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "Code: the ministry's list code or the school's own.") var code: String
            @Option(help: "Name, e.g. \"Kính hiển vi quang học\".") var name: String
            @Option(help: "Subject.") var subject: String?
            @Option(help: "Grades, e.g. \"6,7\".") var grades: String?
            @Option(help: "Unit of count: bộ, cái, chiếc, hộp (default cái).") var unit: String?
            @Option(help: "Room (phòng bộ môn).") var room: String?
            @Option(help: "Tagged units to create now (tracked per unit).") var units: Int?
            @Option(help: "Quantity on hand (tracked by quantity: sets, consumables).") var quantity: Int?
            @Option(parsing: .unconditional, help: "Value of one, in VND.") var value: Int64?
            @Option(help: "Expiry date for chemicals: yyyy-mm-dd or dd/mm/yyyy.") var expires: String?

            func run() throws {
                var args = EquipmentAddArgs(code: code, name: name)
                args.subject = subject
                args.grades = grades
                args.unit = unit
                args.room = room
                args.units = units
                args.quantity = quantity
                args.value = value
                args.expiresOn = expires
                try options.run(.equipmentAdd, args: args, as: EquipmentView.self) { EquipmentText(options: options).show($0) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "A kind of equipment and its units.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Equipment code.") var code: String

            func run() throws {
                try options.run(.equipmentShow, args: CodeArgs(code: code), as: EquipmentView.self) {
                    EquipmentText(options: options).show($0)
                }
            }
        }

        struct Find: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "find", abstract: "Equipment whose name or code contains every word.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Words, e.g. \"kinh hien vi\".") var query: String

            func run() throws {
                try options.run(.equipmentFind, args: QueryArgs(query: query), as: EquipmentListResult.self) { result in
                    let text = EquipmentText(options: options)
                    if result.equipment.isEmpty { return text.t("Không tìm thấy thiết bị nào.", "No equipment found.") }
                    return TextTable(rows: [[text.t("Mã", "Code"), text.t("Tên", "Name"), text.t("Phòng", "Room"), text.t("Số lượng", "Count")]]
                        + result.equipment.map { [$0.code, $0.name, $0.room ?? "—", text.count($0)] }).render()
                }
            }
        }

        struct Units: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "units", abstract: "The tagged units of a kind of equipment.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Equipment code.") var code: String

            func run() throws {
                try options.run(.equipmentShow, args: CodeArgs(code: code), as: EquipmentView.self) {
                    EquipmentText(options: options).units($0.units ?? [])
                }
            }
        }
    }

    struct LessonCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lesson", abstract: "Lesson loans of equipment (mượn theo tiết).", subcommands: [Lend.self, Return.self])

        struct Lend: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "lend", abstract: "Lend units and quantities to a teacher for a lesson period.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "The teacher's card.") var teacher: String
            @Option(name: .customLong("class"), help: "The class taught, e.g. 8A.") var className: String?
            @Option(help: "School year of the class (default: the current one).") var year: String?
            @Option(help: "Subject.") var subject: String?
            @Option(help: "Lesson period (tiết), 1–15.") var period: Int
            @Option(help: "Lesson title.") var title: String?
            @Option(help: "Date of the lesson (default today).") var date: String?
            @Argument(help: "Unit barcodes, and CODE=QTY for equipment lent by quantity.") var things: [String]

            func run() throws {
                var args = LessonLendArgs(teacher: teacher, period: period)
                args.className = className
                args.schoolYear = year
                args.subject = subject
                args.title = title
                args.date = date
                var quantities: [String: Int] = [:]
                var units: [String] = []
                for thing in things {
                    if let (code, amount) = try EquipmentText.amount(thing) { quantities[code] = amount } else { units.append(thing) }
                }
                args.units = units
                args.quantities = quantities
                try options.run(.lessonLend, args: args, as: LessonView.self) { EquipmentText(options: options).lesson($0) }
            }
        }

        struct Return: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "return", 
                abstract: "Take a lesson's equipment back, with the condition of each unit.",
                discussion: "Units named as arguments come back good, and so do those not named; CODE=N says N of a quantity were consumed.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "The lesson id (else found from the first unit).") var lesson: Int64?
            @Option(help: "A unit that came back damaged (repeat).") var damaged: [String] = []
            @Option(help: "A unit that was lost, or CODE=N lost of a quantity (repeat).") var lost: [String] = []
            @Argument(help: "Units back in good condition, and CODE=N consumed.") var things: [String] = []

            func run() throws {
                var units: [LessonReturnArgs.UnitCondition] = []
                var uses: [String: LessonReturnArgs.QuantityUse] = [:]
                for thing in things {
                    if let (code, amount) = try EquipmentText.amount(thing) {
                        uses[code, default: .init(code: code)].consumed = amount
                    } else {
                        units.append(.init(item: thing, condition: "good"))
                    }
                }
                units += damaged.map { .init(item: $0, condition: "damaged") }
                for thing in lost {
                    if let (code, amount) = try EquipmentText.amount(thing) {
                        uses[code, default: .init(code: code)].lost = amount
                    } else {
                        units.append(.init(item: thing, condition: "lost"))
                    }
                }
                let args = LessonReturnArgs(lesson: lesson, units: units, quantities: uses.values.sorted { $0.code < $1.code })
                try options.run(.lessonReturn, args: args, as: LessonView.self) { EquipmentText(options: options).lesson($0) }
            }
        }
    }
}

struct EquipmentText {
    let options: GlobalOptions

    func t(_ vi: String, _ en: String) -> String { options.text(vi, en) }

    /// `CODE=3` → ("CODE", 3); nil for a plain barcode.
    static func amount(_ text: String) throws -> (String, Int)? {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        guard let amount = Int(parts[1]), amount >= 0 else { throw ValidationError("'\(text)': the amount after = must be a whole number") }
        return (String(parts[0]).uppercased(), amount)
    }

    func count(_ equipment: EquipmentView) -> String {
        equipment.tracking == "unit" ? "\(equipment.units?.count ?? 0) \(equipment.unit)" : "\(equipment.quantity) \(equipment.unit)"
    }

    func condition(_ value: String) -> String {
        switch value {
        case "good": return t("tốt", "good")
        case "needs_repair": return t("cần sửa", "needs repair")
        case "broken": return t("hỏng", "broken")
        case "damaged": return t("hư hỏng", "damaged")
        case "lost": return t("mất", "lost")
        default: return value
        }
    }

    func show(_ equipment: EquipmentView) -> String {
        var rows: [[String]] = [[t("Mã", "Code"), equipment.code], [t("Tên", "Name"), equipment.name]]
        if let subject = equipment.subject { rows.append([t("Môn", "Subject"), subject]) }
        if let grades = equipment.grades { rows.append([t("Khối", "Grades"), grades]) }
        if let room = equipment.room { rows.append([t("Phòng", "Room"), room]) }
        rows.append([t("Số lượng", "Count"), count(equipment)])
        if let value = equipment.value { rows.append([t("Giá trị", "Value"), Formatting.money(value, options.language)]) }
        if let expires = equipment.expiresOn { rows.append([t("Hạn dùng", "Expires"), Formatting.date(expires, options.language)]) }
        var text = TextTable(rows: rows).render()
        if let units = equipment.units, !units.isEmpty { text += "\n\n" + self.units(units) }
        return text
    }

    func units(_ units: [EquipmentUnitView]) -> String {
        if units.isEmpty { return t("Không có đơn vị nào.", "No units.") }
        return TextTable(rows: [[t("Số", "Number"), t("Tình trạng", "Condition"), t("Trạng thái", "Status"), t("Phòng", "Room")]]
            + units.map { [$0.accession, condition($0.condition), ItemStatus(rawValue: $0.status).map(CatalogueText(options: options).status) ?? $0.status, $0.room ?? "—"] }).render()
    }

    func lesson(_ lesson: LessonView) -> String {
        var head = t("Tiết \(lesson.period) ngày \(Formatting.date(lesson.date, options.language))", "Period \(lesson.period) on \(lesson.date)")
        head += " — \(lesson.teacher) (\(lesson.teacherCard))"
        if let className = lesson.className { head += t(", lớp \(className)", ", class \(className)") }
        if let subject = lesson.subject { head += ", \(subject)" }
        if let title = lesson.title { head += ": \(title)" }
        head += lesson.returnedAt == nil ? t(" — đang mượn (số \(lesson.id))", " — lent (lesson \(lesson.id))") : t(" — đã trả (số \(lesson.id))", " — returned (lesson \(lesson.id))")
        var rows: [[String]] = lesson.units.map { [$0.unit.accession, $0.unit.name, $0.returnCondition.map(condition) ?? ""] }
        rows += lesson.quantities.map { quantity in
            var note = ""
            if quantity.returned != nil {
                note = t("trả \(quantity.returned ?? 0), dùng hết \(quantity.consumed ?? 0), mất \(quantity.lost ?? 0)",
                    "returned \(quantity.returned ?? 0), consumed \(quantity.consumed ?? 0), lost \(quantity.lost ?? 0)")
            }
            return ["\(quantity.code) × \(quantity.quantity)", quantity.name, note]
        }
        return rows.isEmpty ? head : head + "\n" + TextTable(rows: rows).render()
    }
}
