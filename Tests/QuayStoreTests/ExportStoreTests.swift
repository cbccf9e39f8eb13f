import Foundation
import QuayStore
import Testing

/// The exports stream (SPEC §10): their queries read in an index's order, so that SQLite hands
/// over one row at a time and never sorts the whole catalogue first.
@Suite struct ExportQueryTests {
    @Test func theExportsReadInAnIndexsOrderWithoutASort() throws {
        let database = try QuayDatabase.inMemory()
        let plans = try database.exportQueryPlans()
        #expect(Set(plans.keys) == ["catalogue", "patrons", "equipment"])
        for (name, details) in plans {
            #expect(!details.contains { $0.contains("TEMP B-TREE") }, "\(name): \(details)")
        }
        // The copies by title (`item_record`), the equipment by code and then unit number.
        #expect(plans["catalogue"]?.first == "SCAN i USING INDEX item_record", "\(plans)")
        #expect(plans["equipment"]?.contains { $0.hasPrefix("SEARCH u USING INDEX equipment_unit_type") } == true, "\(plans)")
    }
}
