import Foundation
import GRDB
import NIOConcurrencyHelpers

/// Group commit (`[database] group_commit`, SPEC §14): writes that reach the writer together
/// share one transaction — one commit, one fsync at FULL — each inside a savepoint of its own, so
/// that a refused one writes nothing and the others stand. Every caller is resumed only after
/// the commit that holds its change: acknowledged means committed. When the commit fails (the
/// disk), every write of the batch fails with it and nothing of any is written.
final class GroupCommitter: Sendable {
    /// One write waiting for the writer: it runs its body in its savepoint and keeps the result
    /// until the commit says whether it stands.
    private struct Job: Sendable {
        /// Runs inside the batch's transaction; throws only for an error of the disk, which ends the batch.
        let run: @Sendable (Database) throws -> Void
        /// After the commit (nil) or the batch's failure (the error).
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let drainer = DispatchQueue(label: "quay.group-commit")
    private let state = NIOLockedValueBox(State())
    /// At most this many writes in one transaction, so that one batch never holds the writer long.
    static let maxBatch = 256

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `body` in the next batch, in the order of the calls, and returns after its commit;
    /// `queued` is called as soon as it waits in the queue.
    func write<T: Sendable>(queued: (@Sendable () -> Void)? = nil, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = NIOLockedValueBox<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db in
                    do {
                        var value: T? = nil
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        result.withLockedValue { $0 = .success(value!) }
                    } catch {
                        // The disk's error ends the whole batch; any other refuses this write alone.
                        if StoreError.storage(error) != nil { throw error }
                        result.withLockedValue { $0 = .failure(error) }
                    }
                },
                finish: { failure in
                    if let failure {
                        continuation.resume(throwing: failure)
                    } else {
                        continuation.resume(with: result.withLockedValue { $0 } ?? .failure(StoreError(code: .storageFailed, reason: "not run")))
                    }
                })
            let start = state.withLockedValue { state -> Bool in
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            // Queued: the caller may let the next write of its connection go on.
            queued?()
            if start { drainer.async { self.drain() } }
        }
    }

    /// Runs what is waiting as one transaction, resumes its callers; again until nothing waits.
    /// The batch is taken once the writer is ours, so that writes which arrive while it is busy
    /// (another commit, an intake) join it. It runs on a queue of its own and writes
    /// synchronously: an idle writer's transaction then runs right on this thread (one hop from
    /// the caller, one back), and no cooperative thread waits for a disk.
    private func drain() {
        while true {
            let idle = state.withLockedValue { state -> Bool in
                if state.pending.isEmpty { state.draining = false }
                return state.pending.isEmpty
            }
            if idle { return }
            // Only this queue takes from `pending`: once seen, it still holds at least that much.
            var jobs: [Job] = []
            do {
                try writer.write { db in
                    jobs = state.withLockedValue { state in
                        let taken = Array(state.pending.prefix(Self.maxBatch))
                        state.pending.removeFirst(taken.count)
                        return taken
                    }
                    for job in jobs { try job.run(db) }
                }
                for job in jobs { job.finish(nil) }
            } catch {
                for job in jobs { job.finish(error) }
            }
        }
    }

    /// How many writes wait for the next batch (for tests).
    var waiting: Int { state.withLockedValue { $0.pending.count } }
}
