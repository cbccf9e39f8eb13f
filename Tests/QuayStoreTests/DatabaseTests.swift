import Foundation
import QuayCore
import QuayStore
import Testing

@Suite struct DatabaseTests {
    func temporaryPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-store-\(UUID().uuidString)")
        return directory.appendingPathComponent("db/quay.sqlite").path
    }

    @Test func openingMigratesAndSeedsTheRegisters() async throws {
        // Given a path where no database exists yet
        let path = temporaryPath()
        // When it is opened
        let database = try QuayDatabase(path: path)
        // Then it is in WAL mode with FULL sync, migrated, with the five default registers
        let summary = try await database.summary()
        #expect(summary.journalMode == "wal")
        #expect(summary.synchronous == "FULL")
        #expect(
            summary.migrations == ["v1-registers", "v2-catalogue", "v3-circulation", "v4-equipment", "v5-scans", "v6-print-queue", "v7-inventory", "v8-sip2", "v9-school", "v10-lifecycle", "v11-report-indexes", "v12-history-indexes", "v13-loan-period-covering", "v14-record-title", "v15-staff"])
        #expect(summary.counts["register"] == 5)
        try database.close()
    }

    @Test func reopeningAppliesNothingTwice() async throws {
        let path = temporaryPath()
        try QuayDatabase(path: path).close()
        let database = try QuayDatabase(path: path, synchronous: .normal)
        let summary = try await database.summary()
        #expect(summary.counts["register"] == 5)
        #expect(summary.synchronous == "NORMAL")
        try database.close()
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try QuayDatabase(path: path) }
    }
}

@Suite struct CheckpointTests {
    @Test func commitsLeaveTheWALToTheBackgroundCheckpoint() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-wal-\(UUID().uuidString)/q.sqlite").path
        let database = try QuayDatabase(path: path)
        _ = try await database.intake(
            Intake(registerCode: "STK", copies: 5000, record: NewRecord(title: "Sách"), receivedOn: "2026-11-20"), at: Date())
        let walSize = { ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0 }
        #expect(walSize() > 0)
        let (walPages, checkpointed) = try await database.checkpoint()
        #expect(walPages > 0 && checkpointed == walPages)
        try database.close()
    }
}
