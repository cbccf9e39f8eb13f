import Foundation
import Logging
import QuayCore
import Testing

@testable import QuayDaemon
@testable import QuayStore

/// Backups into the directory are taken one at a time: "back up now" pressed twice, or at the
/// moment of the schedule, made two copies under one temporary name, one unlinking the other's.
@Suite struct BackupTurnTests {
    @Test func twoBackupsAtOnceAreTakenOneAfterTheOtherAndBothKept() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-turn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try QuayDatabase(path: directory.appendingPathComponent("quay.sqlite").path)
        let state = DaemonState(config: DaemonConfig(), configPath: nil, database: database, boundSocketPath: nil, activated: false, now: Date.init)
        let backups = BackupDirectory(path: directory.appendingPathComponent("backups").path)
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let logger = Logger(label: "test")
        async let first = state.takeAutomaticBackup(backups, keep: 10, at: at, logger: logger)
        async let second = state.takeAutomaticBackup(backups, keep: 10, at: at, logger: logger)
        let files = try await [first.file, second.file]
        #expect(Set(files).count == 2, "two backups in the same second have two names: \(files)")
        let names = try FileManager.default.contentsOfDirectory(atPath: backups.path).sorted()
        #expect(names.filter { $0.hasSuffix(".sqlite") }.count == 2 && !names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    }
}
