import Foundation
import QuayStore
import Testing

/// The print queue's states (SPEC §7.6): queued → sending → done; failed; cancelled; and
/// what a restart does to a job that was being sent.
@Suite struct PrintQueueTests {
    let database: QuayDatabase
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        // In memory: the store the GRDB way, on any DatabaseWriter.
        database = try QuayDatabase.inMemory()
    }

    func job(_ key: String, printer: String = "zebra") -> NewPrintJob {
        NewPrintJob(printer: printer, template: "spine", key: key, source: "cli", payload: Array("^XA\(key)^XZ".utf8))
    }

    @Test func jobsGoOutInOrderAndAreDoneOnce() async throws {
        // Given three jobs for one printer and one for another
        let queued = try await database.enqueuePrintJobs([job("A"), job("B"), job("C"), job("X", printer: "receipt")], at: now)
        #expect(queued.map(\.state) == [.queued, .queued, .queued, .queued])
        #expect(queued.map(\.bytes) == [7, 7, 7, 7])
        // When the first is sent
        let first = try #require(try await database.nextPrintJob(printer: "zebra"))
        #expect(first.job.key == "A" && first.payload == Array("^XAA^XZ".utf8))
        #expect(try await database.markPrintJobSending(id: first.job.id, at: now))
        try await database.markPrintJobDone(id: first.job.id, at: now)
        // Then the next is B, and the other printer's job is its own
        #expect(try await database.nextPrintJob(printer: "zebra")?.job.key == "B")
        #expect(try await database.nextPrintJob(printer: "receipt")?.job.key == "X")
        let done = try #require(try await database.printJob(id: first.job.id))
        #expect(done.state == .done && done.attempts == 1 && done.doneAt != nil)
        #expect(try await database.printJobCounts()["zebra"] == ["queued": 2])
    }

    @Test func aJobBeingSentWhenQuaydStoppedIsQueuedAgainAndMarked() async throws {
        let jobs = try await database.enqueuePrintJobs([job("A"), job("B")], at: now)
        #expect(try await database.markPrintJobSending(id: jobs[0].id, at: now))
        // quayd is killed here; at the next start:
        #expect(try await database.requeueInterruptedPrintJobs(at: now) == 1)
        let again = try #require(try await database.nextPrintJob(printer: "zebra"))
        #expect(again.job.id == jobs[0].id && again.job.state == .queued && again.job.interrupted == 1 && again.job.attempts == 1)
        #expect(try await database.requeueInterruptedPrintJobs(at: now) == 0)
    }

    @Test func aWaitingJobKeepsItsReason() async throws {
        let jobs = try await database.enqueuePrintJobs([job("A")], at: now)
        try await database.markPrintJobWaiting(id: jobs[0].id, reason: "paper_out", at: now)
        let waiting = try #require(try await database.printJob(id: jobs[0].id))
        #expect(waiting.state == .queued && waiting.lastError == "paper_out" && waiting.attempts == 0)
    }

    @Test func cancelRetryAndReprintFollowTheStates() async throws {
        let jobs = try await database.enqueuePrintJobs([job("A"), job("B")], at: now)
        // A queued job can be cancelled; then it is not sent, and can be retried.
        #expect(try await database.cancelPrintJob(id: jobs[1].id, at: now).state == .cancelled)
        #expect(try await database.markPrintJobSending(id: jobs[1].id, at: now) == false)
        #expect(try await database.retryPrintJob(id: jobs[1].id, at: now).state == .queued)
        // A done job is reprinted, not retried or cancelled.
        #expect(try await database.markPrintJobSending(id: jobs[0].id, at: now))
        try await database.markPrintJobDone(id: jobs[0].id, at: now)
        await #expect(throws: StoreError.self) { try await database.retryPrintJob(id: jobs[0].id, at: now) }
        await #expect(throws: StoreError.self) { try await database.cancelPrintJob(id: jobs[0].id, at: now) }
        let reprint = try await database.reprintPrintJob(id: jobs[0].id, source: "reprint", at: now)
        #expect(reprint.reprintOf == jobs[0].id && reprint.state == .queued && reprint.key == "A" && reprint.bytes == jobs[0].bytes)
        // A failed job (its printer left the config) can be retried.
        try await database.markPrintJobFailed(id: reprint.id, reason: "printer zebra is no longer configured", at: now)
        #expect(try await database.printJobs(.failed, printer: nil, limit: 10).map(\.id) == [reprint.id])
        #expect(try await database.printJobs(.open, printer: nil, limit: 10).map(\.id) == [reprint.id, jobs[1].id])
        // Unknown jobs
        do {
            _ = try await database.retryPrintJob(id: 99, at: now)
            Issue.record("retry of an unknown job")
        } catch let error as StoreError {
            #expect(error.code == .unknownJob)
        }
    }
}
