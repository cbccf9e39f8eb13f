import Foundation
import GRDB
import QuayCore
import Testing

@testable import QuayStore

/// The state enums are the schema's CHECKs: the same values, no more, no fewer.
@Suite struct StatesTests {
    /// The values a table's `CHECK (column IN (…))` allows, read from the schema SQLite keeps.
    static func allowed(_ table: String, _ column: String, in database: QuayDatabase) async throws -> Set<String> {
        let sql = try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) ?? ""
        }
        guard let check = sql.range(of: "CHECK (\(column) IN (") else { return [] }
        let list = sql[check.upperBound...].prefix { $0 != ")" }
        return Set(list.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '")) })
    }

    @Test func eachEnumListsWhatItsCheckAllows() async throws {
        let database = try QuayDatabase.inMemory()
        #expect(try await Self.allowed("item", "status", in: database) == Set(ItemStatus.allCases.map(\.rawValue)))
        #expect(try await Self.allowed("loan", "kind", in: database) == Set(LoanKind.allCases.map(\.rawValue)))
        #expect(try await Self.allowed("print_job", "state", in: database) == Set(PrintJobState.allCases.map(\.rawValue)))
        // Units have no `damaged` (their condition says it): a subset of the copies' states.
        let units = try await Self.allowed("equipment_unit", "status", in: database)
        #expect(!units.isEmpty && units.isSubset(of: Set(ItemStatus.allCases.map(\.rawValue))))
    }

    @Test func theStatesAreReadAsTheirTypes() async throws {
        let database = try QuayDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        _ = try await database.intake(
            Intake(registerCode: "STK", copies: 1, record: NewRecord(title: "Tắt đèn", kind: .children), receivedOn: "2026-11-01"), at: now)
        #expect(try await database.item(scanned: "STK.000001")?.status == .available)
        _ = try await database.addPatron(NewPatron(card: "HS1", name: "An", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: now)
        let loan = try await database.checkout(.card("HS1"), scanned: "STK.000001", settings: CirculationSettings(), at: now)
        #expect(loan.kind == .normal)
        #expect(try await database.item(scanned: "STK.000001")?.status == .onLoan)
    }
}
