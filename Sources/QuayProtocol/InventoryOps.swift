import QuayCore

/// `inventory.start`: open a session over a scope of `key=value` terms (`location=KE-A*`,
/// `register=STK`, `call=800-899`, `kind=book|equipment`); none for everything.
public struct InventoryStartArgs: Sendable, Codable, Equatable {
    public var scope: [String]?
    public init(scope: [String]? = nil) { self.scope = scope }
}

/// `inventory.scan`: barcodes seen at `location`, in the order seen; `condition` (`good`,
/// `needs_repair`, `broken`) for equipment units; `source` names the desk or device.
public struct InventoryScanArgs: Sendable, Codable, Equatable {
    public var location: String
    public var items: [String]
    public var condition: String?
    public var source: String?

    public init(location: String, items: [String], condition: String? = nil, source: String? = nil) {
        self.location = location
        self.items = items
        self.condition = condition
        self.source = source
    }

    /// At most this many barcodes per request; the CLI sends a long file in parts.
    public static let maxItems = 5000
}

public struct InventoryScanResult: Sendable, Codable, Equatable {
    public var session: Int64
    public var scans: [InventoryScanView]
    public init(session: Int64, scans: [InventoryScanView]) {
        self.session = session
        self.scans = scans
    }
}

/// `inventory.count`: a consumable (equipment tracked by quantity) counted at a location.
public struct InventoryCountArgs: Sendable, Codable, Equatable {
    public var code: String
    public var quantity: Int
    public var location: String
    public init(code: String, quantity: Int, location: String) {
        self.code = code
        self.quantity = quantity
        self.location = location
    }
}

/// `inventory.status` and `inventory.apply`: a session by id; the latest when absent.
/// `shelves` (status only): also each shelf's counts so far.
public struct InventorySessionArgs: Sendable, Codable, Equatable {
    public var session: Int64?
    public var shelves: Bool?

    public init(session: Int64? = nil, shelves: Bool? = nil) {
        self.session = session
        self.shelves = shelves
    }
}

/// `inventory.report`: a page of one category's lines after line `after`.
public struct InventoryReportArgs: Sendable, Codable, Equatable {
    public var session: Int64?
    public var category: String
    public var after: Int64?
    public var limit: Int?

    public init(session: Int64? = nil, category: String, after: Int64? = nil, limit: Int? = nil) {
        self.session = session
        self.category = category
        self.after = after
        self.limit = limit
    }
}

public struct InventoryReportResult: Sendable, Codable, Equatable {
    public var session: InventorySessionView
    public var category: InventoryCategory
    public var lines: [InventoryLineView]
    /// The `after` of the next page; absent on the last.
    public var next: Int64?

    public init(session: InventorySessionView, category: InventoryCategory, lines: [InventoryLineView], next: Int64?) {
        self.session = session
        self.category = category
        self.lines = lines
        self.next = next
    }
}

/// The event `inventory.scanned`: an `inventory.scan` request recorded `scans` barcodes at
/// `location`; `seen` is the session's distinct count after it.
public struct InventoryScannedEvent: Sendable, Codable, Equatable {
    public var session: Int64
    public var location: String
    public var scans: Int
    public var seen: Int

    public init(session: Int64, location: String, scans: Int, seen: Int) {
        self.session = session
        self.location = location
        self.scans = scans
        self.seen = seen
    }
}
