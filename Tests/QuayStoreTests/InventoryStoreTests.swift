import Foundation
import QuayCore
import QuayStore
import Testing

/// Given two shelves, a lab and a loan; when a session is taken through start, scans, close
/// and apply; then exactly what the report says changes, and refusals write nothing.
@Suite struct InventoryStoreTests {
    let database: QuayDatabase
    let now = Day("2026-11-20")!.date.addingTimeInterval(9 * 3600)

    init() async throws {
        // In memory: the store the GRDB way, on any DatabaseWriter.
        database = try QuayDatabase.inMemory()
        // STK.000001–3 on KE-A (510), STK.000004–6 on KE-B (895.922), SGK.000001–2 on KE-C.
        for (register, copies, call, shelf) in [("STK", 3, "510", "KE-A"), ("STK", 3, "895.922", "KE-B"), ("SGK", 2, "372.6", "KE-C")] {
            _ = try await database.intake(
                Intake(
                    registerCode: register, copies: copies,
                    record: NewRecord(title: "Sách \(call)", callNumber: try CallNumber.parse(call), kind: .reference),
                    receivedOn: "2026-11-01", location: shelf),
                at: now)
        }
        _ = try await database.addEquipment(
            NewEquipment(code: "KHV6", name: "Kính hiển vi", room: "Phòng KHTN", tracking: "unit", units: 3), at: now)
        _ = try await database.addEquipment(
            NewEquipment(code: "ONGNGHIEM", name: "Ống nghiệm", tracking: "quantity", quantity: 50), at: now)
        _ = try await database.addPatron(
            NewPatron(card: "HS1", name: "Nguyễn Văn An", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: now)
        _ = try await database.checkout(.card("HS1"), scanned: "STK.000006", settings: CirculationSettings(), at: now)
    }

    func scan(_ codes: [String], at location: String, condition: EquipmentCondition? = nil) async throws -> [String] {
        try await database.recordInventoryScans(
            codes.map { InventoryScanInput($0, condition: condition) }, location: location, source: "test", at: now
        )
        .map(\.outcome.rawValue)
    }

    func item(_ code: String) async throws -> ItemView { try #require(try await database.item(scanned: code)) }
    func unit(_ code: String) async throws -> EquipmentUnitView { try #require(try await database.unit(scanned: code)) }

    func lines(_ category: InventoryCategory) async throws -> [InventoryLineView] {
        try await database.inventoryLines(session: nil, category: category, after: 0, limit: 100).lines
    }

    @Test func aWholeSessionFromStartToApply() async throws {
        let session = try await database.startInventory(scope: InventoryScope(), at: now)
        #expect(session.state == "open" && session.expected == 11 && session.scope.isEmpty)
        await #expect(throws: StoreError.self) { try await database.startInventory(scope: InventoryScope(), at: now) }

        #expect(try await scan(["STK.000001", "STK-2", "STK.000001"], at: "KE-A") == ["recorded", "recorded", "repeat"])
        #expect(try await scan(["STK.000004", "STK.000003", "NOPE-1"], at: "KE-B") == ["recorded", "recorded", "unknown"])
        #expect(try await scan(["TB.000001"], at: "Phòng KHTN", condition: .broken) == ["recorded"])
        #expect(try await scan(["TB.000002"], at: "Kho", condition: .needsRepair) == ["recorded"])
        let counted = try await database.recordInventoryCount(
            code: "ONGNGHIEM", quantity: 30, location: "Phòng KHTN", source: "test", at: now)
        #expect(counted.countedQuantity == 30 && counted.expectedQuantity == 50)
        _ = try await database.recordInventoryCount(code: "ONGNGHIEM", quantity: 12, location: "Kho", source: "test", at: now)
        _ = try await database.recordInventoryCount(code: "ONGNGHIEM", quantity: 10, location: "Kho", source: "test", at: now)  // a recount

        let live = try await database.inventorySession(id: nil)
        #expect(live.scans == 8 && live.seen == 6 && live.repeats == 1 && live.unknown == 1 && live.outsideScope == 0 && live.counted == 1)
        await #expect(throws: StoreError.self) { try await database.inventoryLines(session: nil, category: .found, after: 0, limit: 10) }
        await #expect(throws: StoreError.self) { try await database.applyInventory(session: nil, at: now) }

        let closed = try await database.closeInventory(at: now)
        let totals = try #require(closed.totals)
        #expect(closed.state == "closed")
        #expect(totals.found == 4 && totals.misplaced == 2 && totals.missing == 4 && totals.onLoan == 1)
        #expect(totals.unknown == 1 && totals.seenTwice == 1 && totals.outsideScope == 0 && totals.counted == 1)
        await #expect(throws: StoreError.self) { try await scan(["STK.000005"], at: "KE-B") }

        #expect(try await lines(.found).map(\.barcode) == ["STK.000001", "STK-2", "STK.000004", "TB.000001"])
        let misplaced = try await lines(.misplaced)
        #expect(misplaced.map(\.barcode) == ["STK.000003", "TB.000002"] && misplaced.map(\.note) == [.location, .location])
        #expect(misplaced[0].recordedLocation == "KE-A" && misplaced[0].location == "KE-B" && misplaced[0].title == "Sách 510")
        #expect(misplaced[1].kind == .equipment && misplaced[1].title == "Kính hiển vi" && misplaced[1].condition == .needsRepair)
        #expect(try await lines(.missing).map(\.barcode) == ["STK.000005", "SGK.000001", "SGK.000002", "TB.000003"])
        #expect(try await lines(.onLoan).map(\.barcode) == ["STK.000006"])
        #expect(try await lines(.unknown).map(\.barcode) == ["NOPE-1"])
        let consumables = try await lines(.counted)
        #expect(consumables.count == 1 && consumables[0].countedQuantity == 40 && consumables[0].expectedQuantity == 50)
        #expect(consumables[0].title == "Ống nghiệm")
        // Pages go on after the last line number.
        let first = try await database.inventoryLines(session: nil, category: .missing, after: 0, limit: 2).lines
        let rest = try await database.inventoryLines(session: nil, category: .missing, after: first.last!.line, limit: 2).lines
        #expect(first.count == 2 && rest.map(\.barcode) == ["SGK.000002", "TB.000003"])

        let applied = try await database.applyInventory(session: nil, at: now.addingTimeInterval(60))
        #expect(applied.markedMissing == 4 && applied.seen == 6 && applied.moved == 2 && applied.conditions == 2 && applied.quantities == 1)
        #expect(applied.session.state == "applied" && applied.session.disposal == 5)
        #expect(try await item("STK.000005").status == .missing)
        #expect(try await item("STK.000006").status == .onLoan)
        let moved = try await item("STK.000003")
        #expect(moved.location == "KE-B" && moved.lastSeenAt == Timestamp.format(now) && moved.status == .available)
        #expect(try await item("STK.000001").lastSeenAt == Timestamp.format(now))
        #expect(try await unit("TB.000001").condition == "broken")
        let repaired = try await unit("TB.000002")
        #expect(repaired.condition == "needs_repair" && repaired.room == "Kho" && repaired.lastSeenAt != nil)
        #expect(try await unit("TB.000003").status == "missing")
        #expect(try await database.equipment(code: "ONGNGHIEM")?.quantity == 40)
        // The disposal list: the broken unit and what is missing, in the report's order.
        #expect(try await lines(.disposal).map(\.barcode) == ["TB.000001", "STK.000005", "SGK.000001", "SGK.000002", "TB.000003"])
        await #expect(throws: StoreError.self) { try await database.applyInventory(session: nil, at: now) }

        // A missing copy seen at the next inventory is available again.
        _ = try await database.startInventory(scope: try InventoryScope.parse(["location=KE-B"]), at: now)
        #expect(try await scan(["STK.000005"], at: "KE-B") == ["recorded"])
        _ = try await database.closeInventory(at: now)
        _ = try await database.applyInventory(session: nil, at: now)
        #expect(try await item("STK.000005").status == .available)
    }

    @Test func aPartialSessionLeavesEverythingOutsideItUntouched() async throws {
        func snapshot() async throws -> ([ItemView], [EquipmentUnitView], Int?) {
            var items: [ItemView] = []
            for code in ["STK.000001", "STK.000002", "STK.000003", "STK.000004", "STK.000005", "STK.000006", "SGK.000001", "SGK.000002"] {
                items.append(try await item(code))
            }
            let units = try await database.equipment(code: "KHV6")?.units ?? []
            return (items, units, try await database.equipment(code: "ONGNGHIEM")?.quantity)
        }
        let before = try await snapshot()
        let session = try await database.startInventory(scope: try InventoryScope.parse(["location=KE-A"]), at: now)
        #expect(session.expected == 3 && session.scope == ["location=KE-A"])
        // STK.000004 belongs to KE-B: found on KE-A it is reported as outside the scope, and left alone.
        #expect(try await scan(["STK.000001", "STK.000004", "TB.000001"], at: "KE-A") == ["recorded", "outside_scope", "outside_scope"])
        await #expect(throws: StoreError.self) {
            try await database.recordInventoryCount(code: "ONGNGHIEM", quantity: 1, location: "Kho", source: "test", at: now)
        }
        let closed = try await database.closeInventory(at: now)
        #expect(closed.totals?.missing == 2 && closed.totals?.outsideScope == 2 && closed.totals?.onLoan == 0)
        #expect(try await lines(.missing).map(\.barcode) == ["STK.000002", "STK.000003"])
        _ = try await database.applyInventory(session: nil, at: now)
        let after = try await snapshot()
        for (old, new) in zip(before.0, after.0) where !["STK.000001", "STK.000002", "STK.000003"].contains(old.accession) {
            #expect(old == new, "\(old.accession) changed")
        }
        #expect(before.1 == after.1 && before.2 == after.2)
        #expect(try await item("STK.000002").status == .missing)
        #expect(try await item("STK.000001").lastSeenAt != nil)
    }

    @Test func refusalsWriteNothing() async throws {
        await #expect(throws: StoreError.self) { try await scan(["STK.000001"], at: "KE-A") }
        await #expect(throws: StoreError.self) { try await database.closeInventory(at: now) }
        await #expect(throws: StoreError.self) { try await database.applyInventory(session: nil, at: now) }
        _ = try await database.startInventory(scope: InventoryScope(), at: now)
        // A condition for a copy refuses the whole batch: the first scan is not kept either.
        do {
            _ = try await scan(["TB.000001", "STK.000001"], at: "KE-A", condition: .broken)
            Issue.record("a condition was taken for a copy")
        } catch let error as StoreError {
            #expect(error.code == .invalidArgument)
        }
        for (code, location) in [("KHV6", "Kho"), ("NOPE", "Kho"), ("ONGNGHIEM", "")] {
            await #expect(throws: StoreError.self) {
                try await database.recordInventoryCount(code: code, quantity: 1, location: location, source: "test", at: now)
            }
        }
        await #expect(throws: StoreError.self) { try await scan([String(repeating: "9", count: 300)], at: "KE-A") }
        let session = try await database.inventorySession(id: nil)
        #expect(session.scans == 0 && session.seen == 0 && session.counted == 0 && session.unknown == 0)
    }
}
