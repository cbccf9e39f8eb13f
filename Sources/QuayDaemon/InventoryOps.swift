import Foundation
import QuayCore
import QuayProtocol
import QuayStore

/// The annual inventory (SPEC §9): start, scans and counts, live status, close, the report
/// in pages, and apply. Start, close and apply are for admins; scans, counts, status and the
/// report are desk work.
extension Dispatcher {
    func inventoryStart(_ args: InventoryStartArgs) async throws -> InventorySessionView {
        let scope: InventoryScope
        do {
            scope = try InventoryScope.parse(args.scope ?? [])
        } catch {
            throw Refusal(code: .invalidScope, detail: error.description)
        }
        return try await state.database.startInventory(scope: scope, at: now())
    }

    func inventoryScan(_ args: InventoryScanArgs) async throws -> InventoryScanResult {
        let location = try required(args.location, "location")
        guard (1...InventoryScanArgs.maxItems).contains(args.items.count) else {
            throw Refusal(code: .invalidArgument, detail: "items must hold 1 to \(InventoryScanArgs.maxItems) barcodes")
        }
        let condition = try text(args.condition).map(Self.condition)
        let scans = args.items.compactMap(text).map { InventoryScanInput($0, condition: condition) }
        guard scans.count == args.items.count else { throw Refusal(code: .invalidArgument, detail: "a barcode is empty") }
        let views = try await state.database.recordInventoryScans(
            scans, location: location, source: text(args.source) ?? "socket", actor: actor, at: now())
        let session = try await state.database.inventorySession(id: nil)
        // The console's inventory page shows each shelf's counts as they grow.
        state.events.publish(
            "inventory.scanned", at: now(),
            InventoryScannedEvent(session: session.id, location: views.first?.location ?? location, scans: views.count, seen: session.seen))
        return InventoryScanResult(session: session.id, scans: views)
    }

    static func condition(_ text: String) throws -> EquipmentCondition {
        guard let condition = EquipmentCondition(text: text) else {
            throw Refusal(code: .invalidArgument, detail: "condition must be good, needs_repair or broken, not \(text)")
        }
        return condition
    }

    func inventoryCount(_ args: InventoryCountArgs) async throws -> InventoryLineView {
        try await state.database.recordInventoryCount(
            code: try required(args.code, "code").uppercased(), quantity: args.quantity, location: try required(args.location, "location"),
            source: "socket", at: now())
    }

    func inventoryStatus(_ args: InventorySessionArgs) async throws -> InventorySessionView {
        try await state.database.inventorySession(id: args.session, shelves: args.shelves == true)
    }

    func inventoryClose() async throws -> InventorySessionView {
        try await state.database.closeInventory(at: now())
    }

    func inventoryReport(_ args: InventoryReportArgs) async throws -> InventoryReportResult {
        guard let category = InventoryCategory(rawValue: args.category) else {
            let names = InventoryCategory.allCases.map(\.rawValue).joined(separator: ", ")
            throw Refusal(code: .invalidArgument, detail: "category must be one of \(names), not \(args.category)")
        }
        let limit = try limit(args.limit ?? 1000)
        let page = try await state.database.inventoryLines(session: args.session, category: category, after: args.after ?? 0, limit: limit)
        return InventoryReportResult(
            session: page.session, category: category, lines: page.lines, next: page.lines.count == limit ? page.lines.last?.line : nil)
    }

    func inventoryApply(_ args: InventorySessionArgs) async throws -> InventoryApplyView {
        try await state.database.applyInventory(session: args.session, at: now())
    }
}
