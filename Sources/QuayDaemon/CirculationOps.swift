import Foundation
import QuayCore
import QuayProtocol
import QuayStore

/// Loans: checkout, return, renewal and the lists of open and overdue loans (SPEC §5).
extension Dispatcher {
    func checkout(_ args: CheckoutArgs) async throws -> LoanView {
        let item = try required(args.item, "item")
        let borrower: Borrower
        if let card = text(args.patron) {
            guard text(args.className) == nil else { throw Refusal(code: .invalidArgument, detail: "give patron or class, not both") }
            borrower = .card(card)
        } else if let className = text(args.className) {
            borrower = .class(name: className, schoolYear: try schoolYear(args.schoolYear))
        } else {
            throw Refusal(code: .noBorrower)
        }
        return try await state.database.checkout(
            borrower, scanned: item, settings: state.config.circulation, at: now(), desk: text(args.desk), actor: actor, queued: queued)
    }

    func checkin(_ args: ItemArgs) async throws -> LoanView {
        try await state.database.checkin(scanned: try required(args.item, "item"), at: now(), actor: actor, queued: queued)
    }

    func renew(_ args: ItemArgs) async throws -> LoanView {
        try await state.database.renew(scanned: try required(args.item, "item"), settings: state.config.circulation, at: now())
    }

    func loanList(_ args: LoanListArgs) async throws -> LoansResult {
        LoansResult(
            loans: try await state.database.loans(
                patronCard: text(args.patron), className: text(args.className), schoolYear: try schoolYear(args.schoolYear),
                overdueOnly: args.overdue ?? false, at: now(), limit: limit(args.limit ?? 1000), item: text(args.item)))
    }
}

/// Teaching equipment: the catalogue, tagged units, lesson loans (SPEC §4).
extension Dispatcher {
    func equipmentAdd(_ args: EquipmentAddArgs) async throws -> EquipmentView {
        let code = try required(args.code, "code").uppercased()
        guard code.count <= 32, !code.contains(where: \.isWhitespace) else {
            throw Refusal(code: .invalidArgument, detail: "code must be one word of at most 32 characters")
        }
        let units = args.units ?? 0
        let quantity = args.quantity ?? 0
        guard (0...10_000).contains(units), (0...1_000_000).contains(quantity) else {
            throw Refusal(code: .invalidArgument, detail: "units must be from 0 to 10000 and quantity from 0 to 1000000")
        }
        let tracking = text(args.tracking) ?? (units > 0 ? "unit" : "quantity")
        switch tracking {
        case "unit":
            guard quantity == 0 else { throw Refusal(code: .invalidArgument, detail: "equipment tracked per unit has units, not a quantity") }
        case "quantity":
            guard units == 0 else { throw Refusal(code: .invalidArgument, detail: "equipment tracked by quantity has a quantity, not units") }
        default:
            throw Refusal(code: .invalidArgument, detail: "tracking must be unit or quantity, not \(tracking)")
        }
        let equipment = NewEquipment(
            code: code, name: try required(args.name, "name"), subject: text(args.subject), grades: text(args.grades),
            unit: text(args.unit) ?? "cái", room: text(args.room), tracking: tracking, units: units, quantity: quantity,
            value: args.value, expiresOn: try text(args.expiresOn).map(validDate), register: text(args.register)?.uppercased() ?? "TB")
        do {
            return try await state.database.addEquipment(equipment, at: now())
        } catch let error as StoreError where error.code == .duplicateEquipment {
            throw Refusal(code: .duplicateEquipment, detail: code)
        }
    }

    func equipmentShow(_ args: CodeArgs) async throws -> EquipmentView {
        let code = try required(args.code, "code").uppercased()
        guard let view = try await state.database.equipment(code: code) else { throw Refusal(code: .notFound, detail: code) }
        return view
    }

    func equipmentFind(_ args: QueryArgs) async throws -> EquipmentListResult {
        EquipmentListResult(equipment: try await state.database.findEquipment(args.query, limit: limit(args.limit)))
    }

    func lessonLend(_ args: LessonLendArgs) async throws -> LessonView {
        guard (1...15).contains(args.period) else { throw Refusal(code: .invalidArgument, detail: "period must be from 1 to 15") }
        let today = now()
        let date = try text(args.date).map(validDate) ?? Self.dayFormatter.string(from: today)
        let quantities = (args.quantities ?? [:]).sorted { $0.key < $1.key }.map { (code: $0.key.uppercased(), quantity: $0.value) }
        let lesson = NewLesson(
            teacherCard: try required(args.teacher, "teacher"), className: text(args.className), schoolYear: try schoolYear(args.schoolYear),
            subject: text(args.subject), date: date, period: args.period, title: text(args.title),
            units: (args.units ?? []).compactMap(text), quantities: quantities)
        return try await state.database.lendLesson(lesson, at: today)
    }

    func lessonReturn(_ args: LessonReturnArgs) async throws -> LessonView {
        let units = (args.units ?? []).map { (barcode: $0.item, condition: $0.condition) }
        guard args.lesson != nil || !units.isEmpty else {
            throw Refusal(code: .invalidArgument, detail: "name the lesson or at least one unit")
        }
        let quantities = (args.quantities ?? []).map { (code: $0.code.uppercased(), consumed: $0.consumed ?? 0, lost: $0.lost ?? 0) }
        return try await state.database.returnLesson(id: args.lesson, LessonReturn(units: units, quantities: quantities), at: now())
    }
}
