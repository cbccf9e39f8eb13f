import Foundation
import GRDB
import QuayCore

/// The school-year rollover's rule (SPEC §16): each class of the year moves up a grade under
/// the same letters (6A → 7A, 10A1 → 11A1), the last grade leaves, and `map` — the school's own
/// table — overrides the rule for any class (to another name, or to "" to leave).
public struct RolloverRule: Sendable {
    public var fromYear: String
    public var toYear: String
    /// nil: the highest grade of the year's classes.
    public var lastGrade: Int?
    public var map: [String: String]
    /// The new year's first and last days, for the plan.
    public var starts: Day
    public var ends: Day

    public init(fromYear: String, toYear: String, lastGrade: Int?, map: [String: String], starts: Day, ends: Day) {
        self.fromYear = fromYear
        self.toYear = toYear
        self.lastGrade = lastGrade
        self.map = Dictionary(map.map { ($0.key.uppercased(), $0.value.uppercased()) }, uniquingKeysWith: { _, last in last })
        self.starts = starts
        self.ends = ends
    }

    /// Where a class goes: `.some(name)` to a class of the new year, `.some(nil)` to leave,
    /// nil when the rule does not know (no grade in its name, none mapped): it stays as it is.
    func destination(of name: String, grade: Int?, lastGrade: Int) -> String?? {
        if let mapped = map[name.uppercased()] { return .some(mapped.isEmpty ? nil : mapped) }
        guard let grade = grade ?? SchoolYear.grade(ofClass: name) else { return nil }
        if grade >= lastGrade { return .some(nil) }
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        return .some("\(grade + 1)" + name.dropFirst(digits.count))
    }
}

extension QuayDatabase {
    /// The rollover's plan; with `apply`, the plan carried out in one transaction: classes of the
    /// new year created and pupils moved into them, leavers marked as left (still borrowers of
    /// what they hold), teachers and staff carried into the new year. A second rollover to the
    /// same year is refused.
    public func rollover(_ rule: RolloverRule, apply: Bool, _ context: ChangeContext) async throws -> RolloverPlan {
        let body: @Sendable (Database) throws -> RolloverPlan = { db in
            let lastGrade = try rule.lastGrade
                ?? Int.fetchOne(db, sql: "SELECT MAX(grade) FROM class WHERE school_year = ?", arguments: [rule.fromYear]) ?? 12
            if let applied = try String.fetchOne(db, sql: "SELECT applied_at FROM rollover WHERE school_year = ?", arguments: [rule.toYear]) {
                throw StoreError(code: .rolloverDone, reason: "\(rule.toYear) (\(applied))")
            }
            let classes = try Row.fetchAll(
                db, sql: "SELECT id, name, grade, homeroom_teacher FROM class WHERE school_year = ? ORDER BY grade, name", arguments: [rule.fromYear])
            var moves: [RolloverPlan.Move] = []
            var leaving: [RolloverPlan.Leaving] = []
            var unchanged: [String] = []
            var plan: [(id: Int64, to: String?)] = []
            var targets: Set<String> = []
            for row in classes {
                let id: Int64 = row["id"]
                let name: String = row["name"]
                let pupils = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM patron WHERE class_id = ? AND status != 'left'", arguments: [id]) ?? 0
                switch rule.destination(of: name, grade: row["grade"], lastGrade: lastGrade) {
                case nil:
                    unchanged.append(name)
                case .some(nil):
                    leaving.append(RolloverPlan.Leaving(className: name, pupils: pupils))
                    plan.append((id, nil))
                case .some(let target?):
                    guard targets.insert(target).inserted else {
                        throw StoreError(code: .invalidArgument, reason: "two classes would become \(target); give the rollover a mapping")
                    }
                    moves.append(RolloverPlan.Move(from: name, to: target, pupils: pupils))
                    plan.append((id, target))
                }
            }
            if apply && classes.isEmpty {
                throw StoreError(code: .invalidArgument, reason: "\(rule.fromYear) has no classes: nothing to roll over into \(rule.toYear)")
            }
            let leavingIDs = plan.filter { $0.to == nil }.map(\.id)
            let holders = try Self.holders(db, classIDs: leavingIDs, textbooksDueBy: nil)
            let textbooks = try Self.holders(db, classIDs: classes.map { $0["id"] }, textbooksDueBy: rule.ends.endOfDay)
            if apply {
                var movedPupils = 0
                var leftPupils = 0
                let since = Day(context.at).description
                for (id, target) in plan {
                    if let target {
                        let grade = SchoolYear.grade(ofClass: target)
                        let newID: Int64
                        if let existing = try Self.classID(db, name: target, year: rule.toYear, create: false) {
                            newID = existing
                        } else {
                            try db.execute(
                                sql: "INSERT INTO class (name, school_year, grade) VALUES (?, ?, ?)", arguments: [target, rule.toYear, grade])
                            newID = db.lastInsertedRowID
                        }
                        // Each pupil's history says where the rollover took them.
                        try db.execute(
                            sql: """
                                INSERT INTO audit (at, actor, op, target, changes)
                                SELECT ?, ?, 'year.rollover', 'p' || p.id,
                                    json_object('class', json_array(c.name || ' ' || c.school_year, ? || ' ' || ?))
                                FROM patron p JOIN class c ON c.id = p.class_id WHERE p.class_id = ? AND p.status != 'left'
                                """,
                            arguments: [context.timestamp, context.actor, target, rule.toYear, id])
                        try db.execute(
                            sql: "UPDATE patron SET class_id = ?, school_year = ? WHERE class_id = ? AND status != 'left'",
                            arguments: [newID, rule.toYear, id])
                        movedPupils += db.changesCount
                    } else {
                        try db.execute(
                            sql: """
                                INSERT INTO audit (at, actor, op, target, changes)
                                SELECT ?, ?, 'year.rollover', 'p' || id, json_object('status', json_array(status, 'left'))
                                FROM patron WHERE class_id = ? AND status != 'left'
                                """,
                            arguments: [context.timestamp, context.actor, id])
                        try db.execute(
                            sql: """
                                UPDATE patron SET status = 'left', status_since = ?,
                                    status_reason = ? WHERE class_id = ? AND status != 'left'
                                """,
                            arguments: [since, "rollover \(rule.fromYear) → \(rule.toYear)", id])
                        leftPupils += db.changesCount
                    }
                }
                // Teachers and staff stay: their records move into the new year.
                try db.execute(
                    sql: "UPDATE patron SET school_year = ? WHERE kind != 'pupil' AND status != 'left' AND school_year = ?",
                    arguments: [rule.toYear, rule.fromYear])
                try db.execute(
                    sql: """
                        INSERT INTO rollover (school_year, from_year, applied_at, actor, classes_moved, pupils_moved, pupils_left)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [rule.toYear, rule.fromYear, context.timestamp, context.actor, moves.count, movedPupils, leftPupils])
                try Self.audit(
                    db, context, op: "year.rollover", target: "y\(rule.toYear)",
                    changes: [
                        "school_year": AuditChange(before: .text(rule.fromYear), after: .text(rule.toYear)),
                        "classes_moved": AuditChange(before: .null, after: .int(Int64(moves.count))),
                        "pupils_moved": AuditChange(before: .null, after: .int(Int64(movedPupils))),
                        "pupils_left": AuditChange(before: .null, after: .int(Int64(leftPupils))),
                    ])
            }
            return RolloverPlan(
                fromYear: rule.fromYear, toYear: rule.toYear, starts: rule.starts.description, ends: rule.ends.description,
                lastGrade: lastGrade, moves: moves, leaving: leaving, unchanged: unchanged, leaversWithLoans: holders,
                textbookLoans: textbooks, applied: apply)
        }
        return apply ? try await change(body) : try await pool.read(body)
    }

    /// Pupils of these classes who hold copies (all loans, or only textbooks lent for the year
    /// and due by `textbooksDueBy`), by class then name the Vietnamese way.
    static func holders(_ db: Database, classIDs: [Int64], textbooksDueBy: Date?) throws -> [RolloverPlan.Holder] {
        guard !classIDs.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: classIDs.count).joined(separator: ", ")
        var arguments = StatementArguments(classIDs)
        var textbook = ""
        if let textbooksDueBy {
            textbook = "AND l.kind = 'school_year' AND l.due_at <= ?"
            arguments += [Timestamp.format(textbooksDueBy)]
        }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT c.name AS class_name, p.card, p.full_name, COUNT(*) AS loans
                FROM loan l JOIN patron p ON p.id = l.patron_id JOIN class c ON c.id = p.class_id
                WHERE l.returned_at IS NULL AND p.class_id IN (\(placeholders)) \(textbook)
                GROUP BY p.id ORDER BY c.grade, c.name, p.name_sort_key, p.card
                """,
            arguments: arguments
        ).map { RolloverPlan.Holder(className: $0["class_name"], card: $0["card"], name: $0["full_name"], loans: $0["loans"]) }
    }
}
