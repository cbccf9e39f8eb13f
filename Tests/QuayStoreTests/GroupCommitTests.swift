import Foundation
import GRDB
import NIOConcurrencyHelpers
import QuayCore
import Testing

@testable import QuayStore

/// Counts the commits of the writer.
private final class Commits: TransactionObserver, @unchecked Sendable {
    let count = NIOLockedValueBox(0)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.withLockedValue { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

/// Group commit (issue 14): writes that reach the writer together share one commit, each in its
/// own savepoint; a refused one writes nothing, the others stand, and nobody hears back before
/// the commit.
@Suite struct GroupCommitTests {
    let database: QuayDatabase
    let settings = CirculationSettings()
    let now = Day("2026-11-20")!.date.addingTimeInterval(9 * 3600)

    init() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-group-\(UUID().uuidString)/q.sqlite").path
        database = try QuayDatabase(path: path, synchronous: .full, groupCommit: true)
        _ = try await database.intake(
            Intake(registerCode: "STK", copies: 10, record: NewRecord(title: "Mắt biếc", kind: .children), receivedOn: "2026-11-01"),
            at: now)
        for card in ["HS1", "HS2", "HS3"] {
            _ = try await database.addPatron(
                NewPatron(card: card, name: "Nguyễn Văn \(card)", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: now)
        }
    }

    @Test func aBatchWithARefusedWriteCommitsTheOthersAndNothingOfIt() async throws {
        let (settings, now, database) = (self.settings, self.now, self.database)
        let commits = Commits()
        try await database.pool.write { db in db.add(transactionObserver: commits, extent: .databaseLifetime) }
        // Hold the writer, so that the three checkouts below queue up behind it and meet.
        let holding = OneWay()
        let release = OneWay()
        let blocker = Task {
            try await database.pool.write { _ in
                holding.open()
                release.wait()
            }
        }
        holding.wait()
        func lend(_ card: String, _ item: String) async -> Result<LoanView, any Error> {
            do { return .success(try await database.checkout(.card(card), scanned: item, settings: settings, at: now)) } catch { return .failure(error) }
        }
        async let first = lend("HS1", "STK.000001")
        async let refused = lend("HS2", "STK.000001")
        async let third = lend("HS3", "STK.000003")
        // All three wait in the queue before the writer is free.
        let committer = try #require(database.committer)
        for _ in 0..<1000 where committer.waiting < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(committer.waiting == 3)
        let before = commits.count.withLockedValue { $0 }
        release.open()
        try await blocker.value
        let results = await [first, refused, third]
        #expect(commits.count.withLockedValue { $0 } - before == 2, "the blocker's commit and one for the batch")
        #expect((try? results[0].get())?.accession == "STK.000001")
        #expect((try? results[2].get())?.accession == "STK.000003")
        guard case .failure(let error) = results[1] else {
            Issue.record("lent twice")
            return
        }
        #expect((error as? StoreError)?.code == .itemOnLoan)
        // Nothing of the refused one: HS2 holds no loan, the two others one each.
        #expect(try await database.openLoanCounts(.card("HS2"), at: now) == (0, 0))
        #expect(try await database.openLoanCounts(.card("HS1"), at: now) == (1, 0))
        #expect(try await database.openLoanCounts(.card("HS3"), at: now) == (1, 0))
    }

    @Test func aWriteAloneIsItsOwnBatch() async throws {
        let loan = try await database.checkout(.card("HS1"), scanned: "STK.000002", settings: settings, at: now)
        #expect(loan.accession == "STK.000002")
        let back = try await database.checkin(scanned: "STK.000002", at: now)
        #expect(back.returnedAt != nil)
        await #expect(throws: StoreError.self) { try await database.checkin(scanned: "STK.000002", at: now) }
    }
}

/// A gate one thread opens and another waits at (the writer's queue is a thread, not a task).
private final class OneWay: @unchecked Sendable {
    private let condition = NSCondition()
    private var opened = false
    func open() {
        condition.lock()
        opened = true
        condition.broadcast()
        condition.unlock()
    }
    func wait() {
        condition.lock()
        while !opened { condition.wait() }
        condition.unlock()
    }
}
