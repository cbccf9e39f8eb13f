/// The annual inventory (kiểm kê, SPEC §9): what a session covers, and the pure
/// reconciliation of what was seen against what should be there. docs/inventory.md says the
/// same for staff.

/// Books (items) or tagged equipment units.
public enum InventoryKind: String, Sendable, Codable, CaseIterable {
    case book, equipment
}

/// The condition of an equipment unit as staff judge it while counting.
public enum EquipmentCondition: String, Sendable, Codable, CaseIterable {
    case good
    case needsRepair = "needs_repair"
    case broken

    /// Also the Vietnamese words, without diacritics or with.
    public init?(text: String) {
        switch VietnameseText.fold(text).replacingOccurrences(of: " ", with: "_") {
        case "good", "tot": self = .good
        case "needs_repair", "needs-repair", "can_sua", "repair": self = .needsRepair
        case "broken", "hong": self = .broken
        default: return nil
        }
    }
}

/// What a session covers. Each key narrows it (keys combine with AND); a key given twice
/// widens that key (`location=A location=B`: either). No key at all means everything.
///
/// - `location=KE-A01` — books shelved at, and units kept in, exactly that place;
///   `location=KE-A*` — every place whose code starts with `KE-A`.
/// - `register=STK` — copies and units numbered in that register.
/// - `call=800-899` — books whose call number's class lies in the range, subdivisions of the
///   upper end included (899.1); `call=823` is one class. Equipment has no call number, so a
///   call range leaves equipment out.
/// - `kind=book` or `kind=equipment`.
public struct InventoryScope: Sendable, Equatable {
    public var locations: [String] = []
    public var registers: [String] = []
    public var call: CallRange? = nil
    public var kind: InventoryKind? = nil

    /// A range of class numbers as shelf-order keys (`CallNumber.rangeKeys`).
    public struct CallRange: Sendable, Equatable {
        public var text: String
        public var lower: String
        public var upper: String
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var term: String
        public var reason: String
        public var description: String { "\(term): \(reason)" }
    }

    public init() {}

    public static let keys = ["location", "register", "call", "kind"]

    /// Reads `key=value` terms; a term may hold several, comma-separated.
    public static func parse(_ terms: [String]) throws(ParseError) -> InventoryScope {
        var scope = InventoryScope()
        for term in terms.flatMap({ $0.split(separator: ",") }).map({ VietnameseText.nfc(String($0)).trimmingCharacters(in: .whitespaces) })
        where !term.isEmpty {
            let parts = term.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ParseError(term: term, reason: "a scope term is key=value, with key one of \(keys.joined(separator: ", "))")
            }
            let value = parts[1]
            switch parts[0].lowercased() {
            case "location":
                guard value != "*" else { throw ParseError(term: term, reason: "location=* is every location: leave the key out") }
                if !scope.locations.contains(value) { scope.locations.append(value) }
            case "register":
                let code = value.uppercased()
                guard code.count <= 16, code.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                    throw ParseError(term: term, reason: "a register code is letters and digits, such as STK")
                }
                if !scope.registers.contains(code) { scope.registers.append(code) }
            case "call":
                guard scope.call == nil else { throw ParseError(term: term, reason: "one call range per session") }
                scope.call = try callRange(value, term: term)
            case "kind":
                guard scope.kind == nil else { throw ParseError(term: term, reason: "one kind per session") }
                switch VietnameseText.fold(value) {
                case "book", "books", "sach": scope.kind = .book
                case "equipment", "thiet bi", "thietbi": scope.kind = .equipment
                default: throw ParseError(term: term, reason: "kind is book or equipment")
                }
            default:
                throw ParseError(term: term, reason: "unknown scope key '\(parts[0])'; keys are \(keys.joined(separator: ", "))")
            }
        }
        if scope.kind == .equipment, scope.call != nil {
            throw ParseError(term: "call=\(scope.call!.text)", reason: "equipment has no call number; a call range covers books only")
        }
        return scope
    }

    /// `800-899`, `823`, `53(075)-6`: a class, or two joined by a hyphen. School classes may
    /// hold hyphens themselves, so the first split whose halves both parse wins.
    static func callRange(_ value: String, term: String) throws(ParseError) -> CallRange {
        func parse(_ text: Substring) -> CallNumber? {
            guard !text.isEmpty, !text.contains(" "), let call = try? CallNumber.parse(String(text)), call.authorMark == nil,
                call.volume == nil
            else { return nil }
            return call
        }
        var bounds: (CallNumber, CallNumber)? = nil
        for index in value.indices where value[index] == "-" {
            if let from = parse(value[..<index]), let to = parse(value[value.index(after: index)...]) {
                bounds = (from, to)
                break
            }
        }
        if bounds == nil, let one = parse(value[...]) { bounds = (one, one) }
        guard let (from, to) = bounds else {
            throw ParseError(term: term, reason: "a call range is a class number or two joined by a hyphen, such as 800-899")
        }
        let keys = CallNumber.rangeKeys(from: from, to: to)
        guard let lower = keys.lower, let upper = keys.upper, lower <= upper else {
            throw ParseError(term: term, reason: "the range runs backwards")
        }
        let text = from == to ? from.classNumber : "\(from.classNumber)-\(to.classNumber)"
        return CallRange(text: text, lower: lower, upper: upper)
    }

    /// The terms in a fixed order; `parse(terms)` gives the scope back.
    public var terms: [String] {
        var terms: [String] = []
        if let kind { terms.append("kind=\(kind.rawValue)") }
        terms += registers.map { "register=\($0)" }
        terms += locations.map { "location=\($0)" }
        if let call { terms.append("call=\(call.text)") }
        return terms
    }

    /// The terms joined by spaces; empty for everything.
    public var text: String { terms.joined(separator: " ") }

    public var isEverything: Bool { terms.isEmpty }
    public var includesBooks: Bool { kind != .equipment }
    /// Units and counted consumables: not when the session is for books or for a call range.
    public var includesEquipment: Bool { kind != .book && call == nil }

    /// Whether a recorded location is in scope.
    public func contains(location: String?) -> Bool {
        guard !locations.isEmpty else { return true }
        guard let location else { return false }
        return locations.contains { pattern in
            pattern.hasSuffix("*") ? location.hasPrefix(pattern.dropLast()) : location == pattern
        }
    }

    /// Whether a copy or unit is in scope; status `withdrawn` never is.
    public func contains(kind: InventoryKind, register: String, location: String?, sortKey: String?, status: String) -> Bool {
        guard status != "withdrawn" else { return false }
        switch kind {
        case .book: guard includesBooks else { return false }
        case .equipment: guard includesEquipment else { return false }
        }
        if !registers.isEmpty, !registers.contains(register) { return false }
        if let call {
            guard let sortKey, sortKey >= call.lower, sortKey <= call.upper else { return false }
        }
        return contains(location: location)
    }
}

/// A copy or a tagged unit, by its row id.
public struct InventoryTarget: Sendable, Hashable, Codable {
    public var kind: InventoryKind
    public var id: Int64

    public init(_ kind: InventoryKind, _ id: Int64) {
        self.kind = kind
        self.id = id
    }
}

/// One scan of an inventory session, in walk order.
public struct InventorySighting: Sendable, Equatable {
    /// The order scans were taken in.
    public var seq: Int64
    /// As scanned.
    public var barcode: String
    public var location: String
    /// What the barcode named when it was scanned; nil when it named nothing (unknown).
    public var target: InventoryTarget?
    /// For equipment units, when staff said it.
    public var condition: EquipmentCondition?

    public init(seq: Int64, barcode: String, location: String, target: InventoryTarget?, condition: EquipmentCondition? = nil) {
        self.seq = seq
        self.barcode = barcode
        self.location = location
        self.target = target
        self.condition = condition
    }
}

/// Where a session's lines fall (SPEC §9).
public enum InventoryCategory: String, Sendable, Codable, CaseIterable {
    /// Seen where it is recorded, in shelf order.
    case found
    /// Seen, but at another location than recorded, or out of shelf order.
    case misplaced
    /// In scope, not seen, not on loan.
    case missing
    /// In scope, not seen, and on loan: expected absent.
    case onLoan = "on_loan"
    /// A known copy or unit outside the session's scope (or withdrawn): reported, never changed.
    case outsideScope = "outside_scope"
    /// A barcode that names nothing in the library.
    case unknown
    /// A consumable counted by quantity.
    case counted
    /// Written by apply: missing copies and units, and broken units, for disposal (thanh lý).
    case disposal

    public var name: Bilingual {
        switch self {
        case .found: return Bilingual(vi: "Có mặt", en: "Found")
        case .misplaced: return Bilingual(vi: "Sai vị trí", en: "Misplaced")
        case .missing: return Bilingual(vi: "Thiếu", en: "Missing")
        case .onLoan: return Bilingual(vi: "Đang cho mượn", en: "On loan")
        case .outsideScope: return Bilingual(vi: "Ngoài phạm vi", en: "Outside scope")
        case .unknown: return Bilingual(vi: "Mã lạ", en: "Unknown barcode")
        case .counted: return Bilingual(vi: "Đã đếm", en: "Counted")
        case .disposal: return Bilingual(vi: "Đề nghị thanh lý", en: "For disposal")
        }
    }
}

/// Why a seen copy is listed as it is.
public enum InventoryNote: String, Sendable, Codable {
    /// Seen at another location than recorded.
    case location
    /// At its location, but not on the longest run of the shelf in call-number order.
    case order
    /// Seen on the shelf although the records say it is on loan (a return not scanned).
    case recordedOnLoan = "recorded_on_loan"
}

/// A line about something scanned.
public struct InventorySightedLine: Sendable, Equatable {
    public var category: InventoryCategory
    public var target: InventoryTarget?
    public var barcode: String
    /// Where it was (first) seen.
    public var location: String
    public var recordedLocation: String?
    /// How many times it was scanned; 2 or more is "seen twice".
    public var times: Int
    public var note: InventoryNote?
    /// The last condition said for a unit in the session.
    public var condition: EquipmentCondition?
    /// The first scan's sequence number.
    public var seq: Int64

    public init(
        category: InventoryCategory, target: InventoryTarget?, barcode: String, location: String, recordedLocation: String?, times: Int,
        note: InventoryNote?, condition: EquipmentCondition?, seq: Int64
    ) {
        self.category = category
        self.target = target
        self.barcode = barcode
        self.location = location
        self.recordedLocation = recordedLocation
        self.times = times
        self.note = note
        self.condition = condition
        self.seq = seq
    }
}

/// Counts per category.
public struct InventoryTotals: Sendable, Codable, Equatable {
    public var found = 0
    public var misplaced = 0
    public var missing = 0
    public var onLoan = 0
    public var outsideScope = 0
    public var unknown = 0
    /// Copies, units or unknown barcodes scanned more than once (each counted once above).
    public var seenTwice = 0
    public var counted = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case found, misplaced, missing
        case onLoan = "on_loan"
        case outsideScope = "outside_scope"
        case unknown
        case seenTwice = "seen_twice"
        case counted
    }
}

/// The outcome of a reconciliation. Unseen copies are kept as bare targets: a first
/// inventory of a large collection can list hundreds of thousands of them.
public struct InventoryReconciliation: Sendable, Equatable {
    /// Everything scanned, one line per copy, unit or unknown barcode, in walk order.
    public var sighted: [InventorySightedLine]
    /// In scope, unseen, not on loan — in the order they were expected.
    public var missing: [InventoryTarget]
    /// In scope, unseen, on loan.
    public var onLoan: [InventoryTarget]
    public var totals: InventoryTotals
}

/// Reconciles a session: the sightings first, then the expected copies and units streamed in
/// one by one (the store reads them with one query, never holding the whole collection), then
/// `finish()`. Rules:
///
/// - A copy or unit is counted once however often it is scanned; its first scan says where it
///   was, later scans raise `times` (seen twice) and may give a unit's condition.
/// - Seen and expected: *found*, or *misplaced* when seen at another location than recorded
///   (a copy with no recorded location is found, and apply records it), or when it is out of
///   shelf order: among the books seen at one location, at their recorded location, in walk
///   order, the longest run whose call-number sort keys never decrease is in order, and every
///   book not on it is out of order (O(n log n); of equally long runs, the one ending lowest).
/// - Seen and on loan in the records: found, with the note `recorded_on_loan`.
/// - Expected and unseen: *on loan* when lent, else *missing*.
/// - Seen but not expected: *outside scope* when the barcode names a copy or unit (another
///   shelf, another register, withdrawn), *unknown* when it names nothing. Neither is ever
///   marked missing or changed.
public struct InventoryReconciler: Sendable {
    private struct Seen {
        var sighting: Int
        var times: Int
        var condition: EquipmentCondition?
        var matched = false
        var recordedLocation: String?
        var sortKey: String?
        var onLoan = false
    }

    private let sightings: [InventorySighting]
    private var seen: [Seen] = []
    private var byTarget: [InventoryTarget: Int] = [:]
    private var unknown: [(sighting: Int, times: Int)] = []
    private var missing: [InventoryTarget] = []
    private var onLoan: [InventoryTarget] = []

    public init(sightings: [InventorySighting]) {
        self.sightings = sightings
        byTarget.reserveCapacity(sightings.count)
        var unknownByBarcode: [String: Int] = [:]
        for (index, sighting) in sightings.enumerated() {
            if let target = sighting.target {
                if let known = byTarget[target] {
                    seen[known].times += 1
                    if let condition = sighting.condition { seen[known].condition = condition }
                } else {
                    byTarget[target] = seen.count
                    seen.append(Seen(sighting: index, times: 1, condition: sighting.condition))
                }
            } else if let known = unknownByBarcode[sighting.barcode] {
                unknown[known].times += 1
            } else {
                unknownByBarcode[sighting.barcode] = unknown.count
                unknown.append((index, 1))
            }
        }
    }

    /// One expected copy or unit. `recorded` is asked only when it was seen, so the caller
    /// need not read the location and sort key of the unseen ones.
    public mutating func expect(_ target: InventoryTarget, onLoan lent: Bool, recorded: () -> (location: String?, sortKey: String?)) {
        guard let index = byTarget[target] else {
            if lent { onLoan.append(target) } else { missing.append(target) }
            return
        }
        guard !seen[index].matched else { return }  // expected twice: counted once
        let (location, sortKey) = recorded()
        seen[index].matched = true
        seen[index].recordedLocation = location
        seen[index].sortKey = sortKey
        seen[index].onLoan = lent
    }

    public func finish() -> InventoryReconciliation {
        var totals = InventoryTotals()
        var lines: [InventorySightedLine] = []
        lines.reserveCapacity(seen.count + unknown.count)
        // Books at their recorded location, grouped by location in walk order, for the order check.
        var shelves: [String: [Int]] = [:]
        for entry in seen {
            let sighting = sightings[entry.sighting]
            var line = InventorySightedLine(
                category: .outsideScope, target: sighting.target, barcode: sighting.barcode, location: sighting.location,
                recordedLocation: entry.recordedLocation, times: entry.times, note: nil, condition: entry.condition, seq: sighting.seq)
            if entry.matched {
                if let recorded = entry.recordedLocation, recorded != sighting.location {
                    line.category = .misplaced
                    line.note = .location
                } else {
                    line.category = .found
                    if entry.onLoan { line.note = .recordedOnLoan }
                    if sighting.target?.kind == .book, entry.sortKey != nil, entry.recordedLocation == sighting.location {
                        shelves[sighting.location, default: []].append(lines.count)
                    }
                }
            }
            lines.append(line)
        }
        for indices in shelves.values {
            let keys = indices.map { seen[$0].sortKey! }
            for (position, late) in Self.outOfOrder(keys).enumerated() where late {
                lines[indices[position]].category = .misplaced
                lines[indices[position]].note = .order
            }
        }
        for (index, times) in unknown {
            let sighting = sightings[index]
            lines.append(
                InventorySightedLine(
                    category: .unknown, target: nil, barcode: sighting.barcode, location: sighting.location, recordedLocation: nil,
                    times: times, note: nil, condition: nil, seq: sighting.seq))
        }
        lines.sort { $0.seq < $1.seq }
        for line in lines {
            switch line.category {
            case .found: totals.found += 1
            case .misplaced: totals.misplaced += 1
            case .outsideScope: totals.outsideScope += 1
            case .unknown: totals.unknown += 1
            default: break
            }
            if line.times > 1 { totals.seenTwice += 1 }
        }
        totals.missing = missing.count
        totals.onLoan = onLoan.count
        return InventoryReconciliation(sighted: lines, missing: missing, onLoan: onLoan, totals: totals)
    }

    /// For keys in walk order: true for each key not on the longest non-decreasing run
    /// (patience sorting with predecessor links). Keys compare as UTF-8 bytes, as SQLite
    /// orders the `call_sort_key` index.
    public static func outOfOrder(_ keys: [String]) -> [Bool] {
        guard keys.count > 1 else { return [Bool](repeating: false, count: keys.count) }
        func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        var tails: [Int] = []
        var previous = [Int](repeating: -1, count: keys.count)
        for index in keys.indices {
            // The first run end greater than this key: non-decreasing runs may repeat a key.
            var low = 0
            var high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(keys[index], keys[tails[middle]]) { high = middle } else { low = middle + 1 }
            }
            if low > 0 { previous[index] = tails[low - 1] }
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var late = [Bool](repeating: true, count: keys.count)
        var index = tails.last ?? -1
        while index >= 0 {
            late[index] = false
            index = previous[index]
        }
        return late
    }
}
