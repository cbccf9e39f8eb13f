import Foundation

/// What a column of an equipment list holds (the ministry's list of teaching equipment, the
/// district's statistical codes, a school's own asset register), by the names staff give it.
public enum EquipmentField: String, CaseIterable, Sendable, Codable {
    case code, name, subject, grades, unit, tracking, quantity, room, value, expires, asset, barcode, condition, status

    public var aliases: [String] {
        switch self {
        case .code: ["ma", "ma thiet bi", "ma tb", "ma so", "code", "ma hieu", "ma thong ke"]
        case .name: ["ten thiet bi", "ten", "ten tb", "name", "ten thiet bi, do dung"]
        case .subject: ["mon", "mon hoc", "subject"]
        case .grades: ["khoi", "khoi lop", "grades", "lop"]
        case .unit: ["don vi", "don vi tinh", "dvt", "unit"]
        case .tracking: ["theo doi", "tracking", "quan ly theo"]
        case .quantity: ["so luong", "quantity", "sl"]
        case .room: ["phong", "phong bo mon", "room", "kho", "noi de"]
        case .value: ["don gia", "gia", "gia tri", "value", "nguyen gia", "don gia (d)"]
        case .expires: ["han su dung", "han dung", "hsd", "expires", "expiry"]
        case .asset: ["so tai san", "ma tai san", "asset number", "asset", "so hieu tai san"]
        case .barcode: ["ma vach", "barcode"]
        case .condition: ["tinh trang", "condition"]
        case .status: ["trang thai", "status"]
        }
    }

    public static func named(_ header: String) -> EquipmentField? {
        let folded = VietnameseText.fold(header).trimmingCharacters(in: .whitespaces)
        return allCases.first { $0.rawValue == folded || $0.aliases.contains(folded) }
    }
}

/// A tagged unit as a school's list gives it: its asset number, or none (numbered on import).
public struct ImportedUnit: Sendable, Equatable {
    public var line: Int
    public var asset: AccessionNumber?
    public var barcode: String?
    /// `good`, `needs_repair` or `broken`.
    public var condition: String?
    /// `available`, `missing` or `withdrawn` (a unit on loan comes in available).
    public var status: String?
    public var room: String?

    public init(line: Int) { self.line = line }
}

/// A kind of equipment with its units (tracked per unit) or its quantity (tracked by quantity).
public struct ImportedEquipment: Sendable, Equatable {
    public var line: Int
    public var code: String
    public var name: String
    public var subject: String?
    public var grades: String?
    public var unit: String?
    public var room: String?
    /// `unit` or `quantity`.
    public var tracking: String
    public var quantity: Int = 0
    public var value: Int64?
    public var expiresOn: String?
    public var units: [ImportedUnit] = []
    /// Units to number on import (a `unit` row with a quantity and no asset numbers).
    public var unnumbered = 0

    public init(line: Int, code: String, name: String, tracking: String) {
        self.line = line
        self.code = code
        self.name = name
        self.tracking = tracking
    }
}

/// An equipment list's rows as kinds of equipment with their units: one row per unit (its asset
/// number), or one row per kind with a quantity. Rows of the same code are one kind. A kind is
/// tracked per unit when a row gives an asset number or the tracking column says `unit` (đơn
/// chiếc); otherwise by quantity (consumables, sets).
public struct EquipmentPlanner: Sendable {
    public var mapping: [Int: EquipmentField]

    public init(mapping: [Int: EquipmentField]) { self.mapping = mapping }

    public static func mapping(header: [String], overrides: [String: String] = [:]) throws(ImportMappingError) -> [Int: EquipmentField] {
        var mapping: [Int: EquipmentField] = [:]
        let folded = overrides.reduce(into: [String: String]()) { $0[VietnameseText.fold($1.key)] = $1.value }
        for (index, name) in header.enumerated() {
            if let fieldName = folded[VietnameseText.fold(name)] {
                guard let field = EquipmentField(rawValue: fieldName) ?? EquipmentField.named(fieldName) else {
                    throw ImportMappingError(reason: "--map \(name)=\(fieldName): no such field; fields: \(EquipmentField.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mapping[index] = field
            } else if let field = EquipmentField.named(name), !mapping.values.contains(field) {
                mapping[index] = field
            }
        }
        guard mapping.values.contains(.code), mapping.values.contains(.name) else {
            throw ImportMappingError(reason: "the list needs a code column (Mã) and a name column (Tên thiết bị); name them, or give --map")
        }
        return mapping
    }

    public func plan(_ rows: [(line: Int, cells: [String])]) -> (equipment: [ImportedEquipment], problems: [ImportProblem]) {
        var kinds: [ImportedEquipment] = []
        var index: [String: Int] = [:]
        var problems: [ImportProblem] = []
        for row in rows where row.cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            var values: [EquipmentField: String] = [:]
            for (column, field) in mapping where column < row.cells.count {
                let value = VietnameseText.nfc(row.cells[column].trimmingCharacters(in: .whitespacesAndNewlines))
                if !value.isEmpty { values[field] = value }
            }
            func problem(_ field: EquipmentField, _ vi: String, _ en: String) {
                let column = mapping.first { $0.value == field }.map { CataloguePlanner.columnName($0.key) }
                problems.append(ImportProblem(line: row.line, column: column, reason: Bilingual(vi: vi, en: en)))
            }
            guard let code = values[.code]?.uppercased(), code.count <= 32, !code.contains(where: \.isWhitespace) else {
                problem(.code, "thiếu mã thiết bị (một từ, tối đa 32 ký tự)", "no equipment code (one word, at most 32 characters)")
                continue
            }
            if let control = VietnameseText.firstControl(in: values.values.joined(separator: " ")) {
                problem(.name, "có ký tự điều khiển \(VietnameseText.codePoint(control))", "a control character \(VietnameseText.codePoint(control))")
                continue
            }
            var unit = ImportedUnit(line: row.line)
            if let asset = values[.asset] {
                guard let parsed = AccessionNumber(asset) else {
                    problem(.asset, "số tài sản \(asset) không đọc được (như TB.000012)", "the asset number \(asset) is not one (such as TB.000012)")
                    continue
                }
                unit.asset = parsed
            }
            var quantity: Int? = nil
            if let text = values[.quantity] {
                guard let number = Int(text.filter { $0 != "." && $0 != "," }), (0...1_000_000).contains(number) else {
                    problem(.quantity, "số lượng \(text) không đọc được", "the quantity \(text) is not a number")
                    continue
                }
                quantity = number
            }
            var value: Int64? = nil
            if let text = values[.value] {
                guard let parsed = ImportValues.price(text) else { problem(.value, "đơn giá \(text) không đọc được", "the value \(text) is not an amount"); continue }
                value = parsed
            }
            var expires: String? = nil
            if let text = values[.expires] {
                guard let day = ImportValues.day(text) else { problem(.expires, "hạn sử dụng \(text) không đọc được", "the expiry \(text) is not a date"); continue }
                expires = day
            }
            if let text = values[.condition] {
                let conditions = ["good": "good", "tot": "good", "needs_repair": "needs_repair", "can sua": "needs_repair", "hong nhe": "needs_repair",
                    "broken": "broken", "hong": "broken"]
                guard let condition = conditions[VietnameseText.fold(text)] else {
                    problem(.condition, "tình trạng \(text) không biết (tốt, cần sửa, hỏng)", "the condition \(text) is not good, needs_repair or broken")
                    continue
                }
                unit.condition = condition
            }
            if let text = values[.status] {
                let statuses = ["available": "available", "on_loan": "available", "dang muon": "available", "san sang": "available",
                    "missing": "missing", "thieu": "missing", "withdrawn": "withdrawn", "da thanh ly": "withdrawn"]
                guard let status = statuses[VietnameseText.fold(text)] else {
                    problem(.status, "trạng thái \(text) không biết", "the status \(text) is not known")
                    continue
                }
                unit.status = status
            }
            unit.barcode = values[.barcode]
            unit.room = values[.room]
            let saysUnit = values[.tracking].map { ["unit", "don chiec", "chiec", "tung chiec"].contains(VietnameseText.fold($0)) }
            let tracking = unit.asset != nil || saysUnit == true ? "unit" : "quantity"
            if let at = index[code] {
                if kinds[at].tracking != tracking {
                    problem(.tracking, "mã \(code) ở dòng \(kinds[at].line) theo dõi theo \(kinds[at].tracking)", "the code \(code) on line \(kinds[at].line) is tracked by \(kinds[at].tracking)")
                    continue
                }
            } else {
                guard let name = values[.name] else { problem(.name, "thiếu tên thiết bị", "no equipment name"); continue }
                var kind = ImportedEquipment(line: row.line, code: code, name: name, tracking: tracking)
                kind.subject = values[.subject]
                kind.grades = values[.grades]
                kind.unit = values[.unit]
                kind.room = values[.room]
                kind.value = value
                kind.expiresOn = expires
                index[code] = kinds.count
                kinds.append(kind)
            }
            let at = index[code]!
            if tracking == "unit" {
                if unit.asset != nil {
                    kinds[at].units.append(unit)
                } else {
                    kinds[at].unnumbered += quantity ?? 1
                }
            } else {
                kinds[at].quantity += quantity ?? 0
            }
        }
        return (kinds, problems)
    }
}
