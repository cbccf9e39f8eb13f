/// What an inventory session shows: values the store fills, the protocol carries and the CLI prints.

/// A session (đợt kiểm kê) and its counts. While it is open the counts are live; after close,
/// `totals` holds the reconciliation's.
public struct InventorySessionView: Sendable, Codable, Equatable {
    public var id: Int64
    /// The scope's terms (`location=KE-A*`); empty for everything.
    public var scope: [String]
    /// `open`, `closed` or `applied`.
    public var state: String
    public var openedAt: String
    public var closedAt: String?
    public var appliedAt: String?
    /// Copies and units in scope when the session opened.
    public var expected: Int
    /// Scans taken, repeats included.
    public var scans: Int
    /// Distinct copies and units in scope seen so far.
    public var seen: Int
    /// Scans of something already seen in the session.
    public var repeats: Int
    /// Distinct known copies or units outside the scope.
    public var outsideScope: Int
    /// Distinct barcodes that name nothing.
    public var unknown: Int
    /// Consumables counted (kinds of equipment tracked by quantity).
    public var counted: Int
    public var totals: InventoryTotals?
    /// Lines of the disposal list, once applied.
    public var disposal: Int?
    /// The counts of each shelf scanned so far, when asked for (`inventory.status` `shelves`).
    public var shelves: [InventoryShelfView]?

    public init(
        id: Int64, scope: [String], state: String, openedAt: String, closedAt: String?, appliedAt: String?, expected: Int, scans: Int,
        seen: Int, repeats: Int, outsideScope: Int, unknown: Int, counted: Int, totals: InventoryTotals?, disposal: Int?
    ) {
        self.id = id
        self.scope = scope
        self.state = state
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.appliedAt = appliedAt
        self.expected = expected
        self.scans = scans
        self.seen = seen
        self.repeats = repeats
        self.outsideScope = outsideScope
        self.unknown = unknown
        self.counted = counted
        self.totals = totals
        self.disposal = disposal
    }

    enum CodingKeys: String, CodingKey {
        case id, scope, state
        case openedAt = "opened_at"
        case closedAt = "closed_at"
        case appliedAt = "applied_at"
        case expected, scans, seen, repeats
        case outsideScope = "outside_scope"
        case unknown, counted, totals, disposal, shelves
    }
}

/// One shelf (a location scanned at) of a session, live: what has been scanned there.
public struct InventoryShelfView: Sendable, Codable, Equatable {
    public var location: String
    /// Scans taken there, repeats included.
    public var scans: Int
    /// Distinct copies and units seen there.
    public var seen: Int
    /// Of those, copies and units recorded at another location.
    public var misplaced: Int
    /// Distinct barcodes there that name nothing.
    public var unknown: Int
    /// When the last scan there was taken.
    public var lastAt: String

    public init(location: String, scans: Int, seen: Int, misplaced: Int, unknown: Int, lastAt: String) {
        self.location = location
        self.scans = scans
        self.seen = seen
        self.misplaced = misplaced
        self.unknown = unknown
        self.lastAt = lastAt
    }

    enum CodingKeys: String, CodingKey {
        case location, scans, seen, misplaced, unknown
        case lastAt = "last_at"
    }
}

/// What one inventory scan was taken as.
public struct InventoryScanView: Sendable, Codable, Equatable {
    public var outcome: InventoryScanOutcome
    public var barcode: String
    public var location: String
    public var kind: InventoryKind?
    public var accession: String?
    /// The title of a copy, the name of a unit's equipment.
    public var title: String?
    /// A copy that was missing or lost and is seen again: it is available from this scan on.
    public var found: ItemStatus?

    public init(outcome: InventoryScanOutcome, barcode: String, location: String, kind: InventoryKind?, accession: String?, title: String?) {
        self.outcome = outcome
        self.barcode = barcode
        self.location = location
        self.kind = kind
        self.accession = accession
        self.title = title
    }
}

/// One line of the inventory report.
public struct InventoryLineView: Sendable, Codable, Equatable {
    /// The line's number in the report; pages go on after it.
    public var line: Int64
    public var category: InventoryCategory
    public var kind: InventoryKind?
    /// As scanned for sightings; the copy's or unit's barcode otherwise.
    public var barcode: String
    public var accession: String?
    public var title: String?
    public var callNumber: String?
    /// Where the records had it at close.
    public var recordedLocation: String?
    /// Where it was seen.
    public var location: String?
    public var times: Int?
    public var note: InventoryNote?
    public var condition: EquipmentCondition?
    /// The record's status at close (`on_loan`, `missing`, …).
    public var status: String?
    /// Consumables: the quantity on record at close and the quantity counted.
    public var expectedQuantity: Int?
    public var countedQuantity: Int?

    public init(
        line: Int64, category: InventoryCategory, kind: InventoryKind?, barcode: String, accession: String? = nil, title: String? = nil,
        callNumber: String? = nil, recordedLocation: String? = nil, location: String? = nil, times: Int? = nil, note: InventoryNote? = nil,
        condition: EquipmentCondition? = nil, status: String? = nil, expectedQuantity: Int? = nil, countedQuantity: Int? = nil
    ) {
        self.line = line
        self.category = category
        self.kind = kind
        self.barcode = barcode
        self.accession = accession
        self.title = title
        self.callNumber = callNumber
        self.recordedLocation = recordedLocation
        self.location = location
        self.times = times
        self.note = note
        self.condition = condition
        self.status = status
        self.expectedQuantity = expectedQuantity
        self.countedQuantity = countedQuantity
    }

    enum CodingKeys: String, CodingKey {
        case line, category, kind, barcode, accession, title
        case callNumber = "call_number"
        case recordedLocation = "recorded_location"
        case location, times, note, condition, status
        case expectedQuantity = "expected_quantity"
        case countedQuantity = "counted_quantity"
    }
}

/// What apply changed.
public struct InventoryApplyView: Sendable, Codable, Equatable {
    public var session: InventorySessionView
    /// Copies and units now `missing`.
    public var markedMissing: Int
    /// Copies and units whose last-seen time (and location or room) were updated.
    public var seen: Int
    /// Of those, how many moved to the location they were seen at.
    public var moved: Int
    /// Units whose condition changed.
    public var conditions: Int
    /// Kinds of equipment whose quantity on hand was set to the count.
    public var quantities: Int
    /// Lines of the disposal list (missing, and broken units).
    public var disposal: Int

    public init(session: InventorySessionView, markedMissing: Int, seen: Int, moved: Int, conditions: Int, quantities: Int, disposal: Int) {
        self.session = session
        self.markedMissing = markedMissing
        self.seen = seen
        self.moved = moved
        self.conditions = conditions
        self.quantities = quantities
        self.disposal = disposal
    }

    enum CodingKeys: String, CodingKey {
        case session
        case markedMissing = "marked_missing"
        case seen, moved, conditions, quantities, disposal
    }
}
