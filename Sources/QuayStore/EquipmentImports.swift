import Foundation
import GRDB
import QuayCore

extension QuayDatabase {
    /// Creates the kinds of equipment and their units in one transaction: an asset number stays
    /// as it is on the tag, the register's next number moves past the highest imported, units
    /// without one are numbered after it. A kind whose code is there already is unchanged (its
    /// new asset numbers are added to it); a quantity is never added twice.
    public func importEquipment(
        _ kinds: [ImportedEquipment], earlier: [ImportProblem], dryRun: Bool, skipBadRows: Bool, at now: Date
    ) async throws -> ImportOutcome {
        try await importTransaction(dryRun: dryRun, skipBadRows: skipBadRows) { db, goOn in
            try Self.importEquipment(db, kinds, earlier: earlier, skipBadRows: goOn, at: now)
        }
    }

    private static func importEquipment(
        _ db: Database, _ kinds: [ImportedEquipment], earlier: [ImportProblem], skipBadRows: Bool, at now: Date
    ) throws -> ImportOutcome {
        var outcome = ImportOutcome()
        outcome.created = ["types": 0, "units": 0]
        var problems = earlier
        let registers = try Row.fetchAll(db, sql: "SELECT code, name, prefix, separator, width, next_number FROM register").map(register(from:))
        func problem(_ line: Int, _ vi: String, _ en: String) { problems.append(ImportProblem(line: line, reason: Bilingual(vi: vi, en: en))) }
        var accepted: [(kind: Int, unit: ImportedUnit, register: Register, number: Int64)] = []
        var newKinds: [Int] = []
        var unnumbered: [(kind: Int, count: Int)] = []
        var seen: [String: Int] = [:]
        guard let tb = registers.first(where: { $0.code == "TB" }) ?? registers.first else { return outcome }
        for (index, kind) in kinds.enumerated() {
            let existing = try Row.fetchOne(db, sql: "SELECT name, tracking FROM equipment_type WHERE code = ?", arguments: [kind.code])
            if let existing {
                guard (existing["tracking"] as String) == kind.tracking else {
                    problem(kind.line, "mã \(kind.code) đã có, theo dõi theo \(existing["tracking"] as String)", "the code \(kind.code) is there already, tracked by \(existing["tracking"] as String)")
                    continue
                }
                if kind.tracking == "quantity" || kind.unnumbered > 0 { outcome.unchanged += 1 }
            } else {
                newKinds.append(index)
                if kind.unnumbered > 0 { unnumbered.append((index, kind.unnumbered)) }
            }
            for unit in kind.units {
                guard let asset = unit.asset, let register = registers.first(where: { $0.prefix.uppercased() == asset.prefix }) ?? registers.first(where: { $0.code == asset.prefix })
                else {
                    problem(unit.line, "không có sổ mang tiền tố \(unit.asset?.prefix ?? "")", "no register has the prefix \(unit.asset?.prefix ?? "")")
                    continue
                }
                let text = register.format(asset.number)
                if let line = seen[text] {
                    problem(unit.line, "số tài sản \(text) đã có ở dòng \(line)", "the asset number \(text) is on line \(line) too")
                    continue
                }
                seen[text] = unit.line
                if let type = try String.fetchOne(
                    db, sql: "SELECT type_code FROM equipment_unit WHERE register_code = ? AND number = ?", arguments: [register.code, asset.number])
                {
                    if type == kind.code { outcome.unchanged += 1 } else {
                        problem(unit.line, "số tài sản \(text) đã là của \(type)", "the asset number \(text) is already \(type)'s")
                    }
                    continue
                }
                if try Int.fetchOne(db, sql: "SELECT 1 FROM item WHERE register_code = ? AND number = ?", arguments: [register.code, asset.number]) != nil {
                    problem(unit.line, "số \(text) đã là một bản sách", "the number \(text) is already a copy's")
                    continue
                }
                let barcode = unit.barcode ?? text
                if let line = seen["barcode:" + barcode] {
                    problem(unit.line, "mã vạch \(barcode) đã có ở dòng \(line)", "the barcode \(barcode) is on line \(line) too")
                    continue
                }
                seen["barcode:" + barcode] = unit.line
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM item WHERE barcode = ? UNION ALL SELECT 1 FROM equipment_unit WHERE barcode = ?", arguments: [barcode, barcode]) == true {
                    problem(unit.line, "mã vạch \(barcode) đã có trong cơ sở dữ liệu", "the barcode \(barcode) is already in the database")
                    continue
                }
                accepted.append((index, unit, register, asset.number))
            }
        }
        outcome.problems = problems.sorted { $0.line < $1.line }
        outcome.skippedLines = Array(Set(problems.map(\.line))).sorted()
        guard problems.isEmpty || skipBadRows else { return outcome }
        let createdAt = Timestamp.format(now)
        for index in newKinds {
            let kind = kinds[index]
            try db.execute(
                sql: """
                    INSERT INTO equipment_type (code, name, name_folded, subject, grades, unit, room, tracking, quantity, value, expires_on, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    kind.code, kind.name, VietnameseText.fold(kind.name + " " + kind.code), kind.subject, kind.grades, kind.unit ?? "cái", kind.room,
                    kind.tracking, kind.tracking == "quantity" ? kind.quantity : 0, kind.value, kind.expiresOn, createdAt,
                ])
            outcome.created["types", default: 0] += 1
        }
        var next: [String: Int64] = Dictionary(uniqueKeysWithValues: registers.map { ($0.code, $0.nextNumber) })
        for unit in accepted { next[unit.register.code] = max(next[unit.register.code] ?? 1, unit.number + 1) }
        for (index, count) in unnumbered {
            for _ in 0..<count {
                var unit = ImportedUnit(line: kinds[index].line)
                unit.room = kinds[index].room
                let number = next[tb.code] ?? 1
                next[tb.code] = number + 1
                accepted.append((index, unit, tb, number))
            }
        }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO equipment_unit (type_code, register_code, number, barcode, room, condition, status) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for unit in accepted {
            let kind = kinds[unit.kind]
            try insert.execute(arguments: [
                kind.code, unit.register.code, unit.number, unit.unit.barcode ?? unit.register.format(unit.number), unit.unit.room ?? kind.room,
                unit.unit.condition ?? "good", unit.unit.status ?? "available",
            ])
            outcome.created["units", default: 0] += 1
        }
        for (code, number) in next where registers.contains(where: { $0.code == code && $0.nextNumber < number }) {
            try db.execute(sql: "UPDATE register SET next_number = ? WHERE code = ? AND next_number < ?", arguments: [number, code, number])
            outcome.registers[code] = number
        }
        return outcome
    }
}
