import Foundation
import QuayCore
import QuayProtocol
import QuayStore

/// The life of the collection (SPEC §16): corrections and their audit log, the states of a
/// copy and a card, disposals, the school-year rollover, expiring chemicals. Every change is
/// one transaction with its audit line, naming who asked (`actor`).
extension Dispatcher {
    /// Who made the change, and now.
    var context: ChangeContext { ChangeContext(actor: actor, at: now()) }

    /// The fields a correction may clear; any other name in `clear` is refused.
    private func clearing(_ clear: [String]?, allowed: Set<String>) throws -> Set<String> {
        let names = Set(clear ?? [])
        if let wrong = names.subtracting(allowed).sorted().first {
            throw Refusal(code: .invalidArgument, detail: "\(wrong) cannot be cleared (only \(allowed.sorted().joined(separator: ", ")))")
        }
        return names
    }

    /// Trimmed text to set; an empty string is refused (clear names it instead).
    private func edit(_ value: String?, _ name: String, clear: Set<String>) throws -> Edit<String> {
        if let value {
            guard let text = text(value) else { throw Refusal(code: .invalidArgument, detail: "\(name) must not be empty (clear it instead)") }
            return .set(text)
        }
        return clear.contains(name) ? .clear : .keep
    }

    private func money(_ value: Int64?, _ name: String, clear: Set<String>) throws -> Edit<Int64> {
        if let value, !Money.isValid(value) {
            throw Refusal(code: .invalidArgument, detail: "\(name) must be from 0 to \(Money.maxAmount) đồng, not \(value)")
        }
        return Edit(value, clearing: clear.contains(name))
    }

    func recordUpdate(_ args: RecordUpdateArgs) async throws -> ChangeResult {
        let clear = try clearing(
            args.clear, allowed: ["authors", "publisher", "year", "isbn", "class_number", "author_mark", "subject", "grade", "price", "notes"])
        var correction = RecordCorrection()
        correction.title = try edit(args.title, "title", clear: clear)
        if let authors = args.authors { correction.authors = .set(authors.compactMap(text)) } else if clear.contains("authors") { correction.authors = .clear }
        correction.publisher = try edit(args.publisher, "publisher", clear: clear)
        if let year = args.year, !(1000...9999).contains(year) { throw Refusal(code: .invalidArgument, detail: "year must have four digits") }
        correction.year = Edit(args.year, clearing: clear.contains("year"))
        if let given = args.isbn {
            guard let normalized = Identifiers.normalizedISBN(given) else { throw Refusal(code: .invalidISBN, detail: given) }
            correction.isbn = .set(normalized)
        } else if clear.contains("isbn") {
            correction.isbn = .clear
        }
        correction.classNumber = try edit(args.classNumber, "class_number", clear: clear)
        correction.authorMark = try edit(args.authorMark, "author_mark", clear: clear)
        correction.subject = try edit(args.subject, "subject", clear: clear)
        if let grade = args.grade, !(1...12).contains(grade) { throw Refusal(code: .invalidArgument, detail: "grade must be from 1 to 12") }
        correction.grade = Edit(args.grade, clearing: clear.contains("grade"))
        if let name = text(args.kind) {
            guard let kind = MaterialKind(rawValue: name) else {
                throw Refusal(code: .invalidArgument, detail: "kind must be one of \(MaterialKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            correction.kind = .set(kind)
        }
        correction.price = try money(args.price, "price", clear: clear)
        correction.notes = try edit(args.notes, "notes", clear: clear)
        return try await state.database.correctRecord(id: args.id, correction, context)
    }

    func itemUpdate(_ args: ItemUpdateArgs) async throws -> ChangeResult {
        let clear = try clearing(args.clear, allowed: ["location", "price", "condition", "note"])
        var correction = ItemCorrection()
        correction.location = try edit(args.location, "location", clear: clear)
        if let barcode = args.barcode {
            guard let text = text(barcode), text.count <= 64 else {
                throw Refusal(code: .invalidArgument, detail: "barcode must be 1 to 64 characters")
            }
            correction.barcode = .set(text)
        }
        correction.price = try money(args.price, "price", clear: clear)
        correction.condition = try edit(args.condition, "condition", clear: clear)
        correction.note = try edit(args.note, "note", clear: clear)
        return try await state.database.correctItem(scanned: try required(args.item, "item"), correction, context)
    }

    func patronUpdate(_ args: PatronUpdateArgs) async throws -> ChangeResult {
        let clear = try clearing(args.clear, allowed: ["class"])
        var correction = PatronCorrection()
        correction.name = try edit(args.name, "name", clear: clear)
        correction.className = try edit(args.className, "class", clear: clear)
        if let year = text(args.schoolYear) { correction.schoolYear = try schoolYear(year) }
        if let name = text(args.kind) {
            guard let kind = PatronKind(text: name) else { throw Refusal(code: .invalidArgument, detail: "kind must be pupil, teacher or staff") }
            correction.kind = .set(kind)
        }
        if let card = args.newCard {
            guard let text = text(card), text.count <= 64 else { throw Refusal(code: .invalidArgument, detail: "new_card must be 1 to 64 characters") }
            correction.newCard = .set(text)
        }
        return try await state.database.correctPatron(card: try required(args.card, "card"), correction, context)
    }

    func classUpdate(_ args: ClassUpdateArgs) async throws -> ChangeResult {
        let clear = try clearing(args.clear, allowed: ["teacher"])
        var correction = ClassCorrection()
        if let name = args.newName {
            guard let text = text(name), text.count <= 16 else { throw Refusal(code: .invalidArgument, detail: "new_name must be 1 to 16 characters") }
            correction.name = .set(text)
        }
        correction.homeroomTeacher = try edit(args.teacher, "teacher", clear: clear)
        return try await state.database.correctClass(
            name: try required(args.name, "name"), schoolYear: try schoolYear(args.schoolYear), correction, context)
    }

    func equipmentUpdate(_ args: EquipmentUpdateArgs) async throws -> ChangeResult {
        let clear = try clearing(args.clear, allowed: ["subject", "grades", "room", "value", "expires_on"])
        var correction = EquipmentCorrection()
        correction.name = try edit(args.name, "name", clear: clear)
        correction.subject = try edit(args.subject, "subject", clear: clear)
        correction.grades = try edit(args.grades, "grades", clear: clear)
        correction.unit = try edit(args.unit, "unit", clear: clear)
        correction.room = try edit(args.room, "room", clear: clear)
        correction.value = try money(args.value, "value", clear: clear)
        if let expiry = text(args.expiresOn) { correction.expiresOn = .set(try validDate(expiry)) } else if clear.contains("expires_on") {
            correction.expiresOn = .clear
        }
        return try await state.database.correctEquipment(code: try required(args.code, "code").uppercased(), correction, context)
    }

    func unitUpdate(_ args: UnitUpdateArgs) async throws -> ChangeResult {
        let clear = try clearing(args.clear, allowed: ["room"])
        var correction = UnitCorrection()
        correction.room = try edit(args.room, "room", clear: clear)
        if let condition = text(args.condition) {
            guard ["good", "needs_repair", "broken"].contains(condition) else {
                throw Refusal(code: .invalidArgument, detail: "condition must be good, needs_repair or broken")
            }
            correction.condition = .set(condition)
        }
        return try await state.database.correctUnit(scanned: try required(args.unit, "unit"), correction, context)
    }

    // MARK: States

    func itemState(_ args: ItemStateArgs) async throws -> ChangeResult {
        guard let change = ItemStateChange(rawValue: args.state) else {
            throw Refusal(
                code: .invalidArgument,
                detail: "state must be damaged, repair or available (a lost copy: loan.lost; withdrawn: a disposal)")
        }
        return try await state.database.setItemState(scanned: try required(args.item, "item"), change, note: text(args.note), context)
    }

    func loanLost(_ args: ItemArgs) async throws -> LostResult {
        let (loan, charge) = try await state.database.markLost(scanned: try required(args.item, "item"), context)
        return LostResult(loan: loan, charge: charge)
    }

    func patronBlock(_ args: PatronStatusArgs) async throws -> PatronView {
        try await state.database.setPatronStatus(
            card: try required(args.card, "card"), status: "blocked", reason: try required(args.reason, "reason"), context
        ).0
    }

    func patronUnblock(_ args: PatronStatusArgs) async throws -> PatronView {
        try await state.database.setPatronStatus(card: try required(args.card, "card"), status: "active", reason: nil, context).0
    }

    func patronLeave(_ args: PatronStatusArgs) async throws -> PatronView {
        try await state.database.setPatronStatus(card: try required(args.card, "card"), status: "left", reason: text(args.reason), context).0
    }

    func history(_ args: HistoryArgs) async throws -> HistoryResult {
        let found = try await state.database.history(key: try required(args.key, "key"), limit: try limit(args.limit ?? 1000))
        return HistoryResult(target: found.target, label: found.label, entries: found.entries)
    }

    // MARK: Disposals

    private func reason(_ name: String?) throws -> DisposalReason? {
        guard let name = text(name) else { return nil }
        guard let reason = DisposalReason(named: name) else {
            let names = DisposalReason.allCases.map { "\($0.rawValue) (\($0.words.vi))" }.joined(separator: ", ")
            throw Refusal(code: .invalidArgument, detail: "reason must be one of \(names)")
        }
        return reason
    }

    func disposalOpen(_ args: DisposalOpenArgs) async throws -> DisposalView {
        let kind: DisposalKind
        if let name = text(args.kind) {
            guard let parsed = DisposalKind(rawValue: name) else {
                throw Refusal(code: .invalidArgument, detail: "kind must be disposal, destruction or transfer")
            }
            kind = parsed
        } else {
            kind = .disposal
        }
        let school = text(args.school)
        guard (kind == .transfer) == (school != nil) else {
            throw Refusal(code: .invalidArgument, detail: "a transfer names the receiving school (school), and only a transfer does")
        }
        let decision = try required(args.decision, "decision")
        guard decision.count <= 128 else { throw Refusal(code: .invalidArgument, detail: "decision must be at most 128 characters") }
        let defaultReason: DisposalReason = kind == .destruction ? .expired : kind == .transfer ? .surplus : .worn
        let disposal = NewDisposal(
            kind: kind, decision: decision, decidedOn: try text(args.date).map(validDate) ?? Self.dayFormatter.string(from: now()),
            reason: try reason(args.reason) ?? defaultReason, receivingSchool: school, note: text(args.note))
        return try await state.database.openDisposal(disposal, context)
    }

    func disposalAdd(_ args: DisposalAddArgs) async throws -> DisposalAddResult {
        let codes = (args.items ?? []).compactMap(text)
        guard codes.count <= 10_000 else { throw Refusal(code: .invalidArgument, detail: "at most 10000 codes at a time") }
        let quantities = (args.quantities ?? [:]).sorted { $0.key < $1.key }.map { (code: $0.key.uppercased(), quantity: $0.value) }
        guard !codes.isEmpty || args.inventory != nil || args.expired == true || !quantities.isEmpty else {
            throw Refusal(code: .invalidArgument, detail: "give items, inventory, expired or quantities")
        }
        let addition = DisposalAddition(
            codes: codes, inventorySession: args.inventory, expired: args.expired ?? false, quantities: quantities, reason: try reason(args.reason))
        let result = try await state.database.addToDisposal(id: args.id, addition, context)
        return DisposalAddResult(disposal: result.disposal, added: result.added, refused: result.refused)
    }

    func disposalRemove(_ args: DisposalRemoveArgs) async throws -> DisposalRemoveResult {
        let result = try await state.database.removeFromDisposal(id: args.id, codes: args.items.compactMap(text), context)
        return DisposalRemoveResult(disposal: result.disposal, removed: result.removed)
    }

    func disposalShow(_ args: IDArgs) async throws -> DisposalView {
        let view = try await state.database.disposal(id: args.id)
        // A reply stays within the frame limit: a disposal of many thousand lines is read as a report.
        if let lines = view.lines, lines.count > 5000 {
            var capped = view
            capped.lines = Array(lines.prefix(5000))
            return capped
        }
        return view
    }

    func disposalList(_ args: DisposalListArgs) async throws -> DisposalListResult {
        DisposalListResult(disposals: try await state.database.disposals(limit: try limit(args.limit)))
    }

    func disposalConfirm(_ args: IDArgs) async throws -> DisposalView {
        try await state.database.confirmDisposal(id: args.id, context)
    }

    func disposalCancel(_ args: IDArgs) async throws -> DisposalView {
        try await state.database.cancelDisposal(id: args.id, context)
    }

    // MARK: The school year

    func yearRollover(_ args: RolloverArgs) async throws -> RolloverPlan {
        let calendar = state.config.circulation.calendar
        // The school year today is in, by the config's first day of a school year.
        let today = Day(now())
        let first = today >= Day(year: today.year, month: calendar.yearStartMonth, day: calendar.yearStartDay) ? today.year : today.year - 1
        let toYear = try text(args.to).map(schoolYear) ?? "\(first + 1)-\(first + 2)"
        let fromYear = "\((Int(toYear.prefix(4)) ?? first + 1) - 1)-\(toYear.prefix(4))"
        if let grade = args.lastGrade, !(1...12).contains(grade) {
            throw Refusal(code: .invalidArgument, detail: "last_grade must be from 1 to 12")
        }
        guard let dates = calendar.dates(ofSchoolYear: toYear) else { throw Refusal(code: .invalidArgument, detail: "to must be a school year") }
        var map: [String: String] = [:]
        for (from, to) in args.map ?? [:] {
            guard let name = text(from), name.count <= 16, to.count <= 16 else {
                throw Refusal(code: .invalidArgument, detail: "map names classes of at most 16 characters")
            }
            map[name] = to.trimmingCharacters(in: .whitespaces)
        }
        let rule = RolloverRule(
            fromYear: fromYear, toYear: toYear, lastGrade: args.lastGrade ?? state.config.lastGrade, map: map, starts: dates.starts,
            ends: dates.ends)
        return try await state.database.rollover(rule, apply: args.apply ?? false, context)
    }

    func equipmentExpiring(_ args: ExpiringArgs) async throws -> EquipmentListResult {
        let days = args.withinDays ?? 30
        guard (0...3650).contains(days) else { throw Refusal(code: .invalidArgument, detail: "within_days must be from 0 to 3650") }
        return EquipmentListResult(equipment: try await state.database.expiringEquipment(withinDays: days, at: now()))
    }
}
