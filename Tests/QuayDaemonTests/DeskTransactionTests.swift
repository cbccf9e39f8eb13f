import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import QuayCodecs
import QuayCore
import QuayProtocol
import Testing

@testable import QuayDaemon
@testable import QuayStore

/// Counts the commits of the database's writer.
private final class CommitCounter: TransactionObserver, @unchecked Sendable {
    let commits = NIOLockedValueBox(0)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLockedValue { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

/// A desk's scan is one write transaction: its log line, the action it leads to and its outcome
/// (SPEC §5, §14); a refused action leaves the line and the outcome, and nothing else.
@Suite struct DeskTransactionTests {
    @Test func eachScanIsOneCommitAndARefusedCheckoutWritesOnlyItsLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-desk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try QuayDatabase(path: directory.appendingPathComponent("quay.sqlite").path)
        var config = DaemonConfig()
        config.language = .en
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let state = DaemonState(
            config: config, configPath: nil, database: database, boundSocketPath: nil, activated: false, now: { now })
        let dispatcher = Dispatcher(state: state, logger: Logger(label: "test"))
        for line in [
            #"{"v":1,"id":1,"op":"intake","args":{"register":"STK","copies":2,"title":"Dế Mèn"}}"#,
            #"{"v":1,"id":2,"op":"patron.add","args":{"card":"HS000001","name":"An"}}"#,
            #"{"v":1,"id":3,"op":"patron.add","args":{"card":"HS000002","name":"Bình"}}"#,
            #"{"v":1,"id":4,"op":"loan.checkout","args":{"patron":"HS000001","item":"STK.000001"}}"#,
        ] {
            let reply = try #require(await dispatcher.reply(to: .line(Array(line.utf8)), role: .admin))
            #expect(String(decoding: reply, as: UTF8.self).contains(#""ok":true"#), "\(line)")
        }
        let counter = CommitCounter()
        try await database.pool.write { db in db.add(transactionObserver: counter, extent: .databaseLifetime) }
        let before = counter.commits.withLockedValue { $0 }

        var settings = DeskSettings(name: "quay-1")
        settings.debounceMilliseconds = 0
        let runner = DeskRunner(settings, classifier: config.classifier, state: state, events: state.events, logger: Logger(label: "test"))
        let running = Task { await runner.run() }
        func scan(_ data: String, _ offset: TimeInterval) {
            let decoded = DecodedScan(data: data, raw: Array(data.utf8), ending: .terminator)
            runner.submit(.scan(.scan(decoded), scanner: "s1", at: now.addingTimeInterval(offset)))
        }
        scan("HS000002", 0)  // Bình's card: a session
        scan("STK.000001", 1)  // lent to An: refused
        scan("STK.000002", 2)  // lent to Bình
        runner.finish()
        await running.value

        // Three scans, three commits: the scan, the action and the outcome together.
        #expect(counter.commits.withLockedValue { $0 } - before == 3)
        let scans = try await database.scans(since: nil, desk: "quay-1", limit: 10)
        #expect(scans.map(\.data) == ["HS000002", "STK.000001", "STK.000002"])
        #expect(scans.map(\.outcome) == ["session_opened", "refused", "lent"])
        #expect(scans[1].refusal == "item_on_loan")
        #expect(scans.allSatisfy { $0.message?.isEmpty == false })
        let loans = try await database.loans(
            patronCard: nil, className: nil, schoolYear: "2026-2027", overdueOnly: false, at: now, limit: 10)
        #expect(loans.map(\.accession).sorted() == ["STK.000001", "STK.000002"])
        #expect(loans.first { $0.accession == "STK.000001" }?.card == "HS000001", "the refused scan changed the loan")
    }
}
