import NIOConcurrencyHelpers
import NIOCore

/// The replies of one connection's pipelined requests, in the order of the requests: a place is
/// taken when a request starts, filled when its reply is ready (after its commit), and the writer
/// writes every ready reply at the head together, with one flush.
final class ReplyPipeline: Sendable {
    private struct State {
        /// From the head: nil while a request runs, then its reply line (itself nil for none).
        var slots: [[UInt8]??] = []
        /// The place number of `slots[0]`.
        var base = 0
        /// Replies taken from the head and not yet written.
        var writing = 0
        var closed = false
        /// The writer has stopped (the peer is gone): nobody waits for a write any more.
        var failed = false
        var writer: CheckedContinuation<Void, Never>?
        var idle: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())
    /// Most requests of one connection in flight at once; the next waits for the head to be written.
    static let window = 512

    /// The place of the next reply; waits while the window is full.
    func reserve() async -> Int {
        while true {
            let full = state.withLockedValue { !$0.failed && $0.slots.count + $0.writing >= Self.window }
            if !full { break }
            await waitUntilWritten()
        }
        return state.withLockedValue { state in
            state.slots.append(.none)
            return state.slots.count - 1 + state.base
        }
    }

    /// The reply of place `slot` (nil for a request with no reply line).
    func fill(_ slot: Int, _ line: [UInt8]?) {
        let writer = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.slots[slot - state.base] = .some(line)
            let writer = state.writer
            state.writer = nil
            return writer
        }
        writer?.resume()
    }

    /// Returns once every reply placed so far has been written.
    func waitUntilWritten() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLockedValue { state -> Bool in
                if state.failed || (state.slots.isEmpty && state.writing == 0) { return true }
                state.idle.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// No more places: the writer ends once it has written what is placed.
    func close() {
        let writer = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            let writer = state.writer
            state.writer = nil
            return writer
        }
        writer?.resume()
    }

    /// Writes the ready replies at the head in order, each batch with one flush; `onIdle` after a
    /// batch that left nothing in flight. Ends when closed and written.
    func write(to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, onIdle: @Sendable () -> Void) async throws {
        while true {
            let (ready, finished) = await next()
            if finished { return }
            let buffers = ready.compactMap { $0 }.map { line -> ByteBuffer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(line.count + 1)
                buffer.writeBytes(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                return buffer
            }
            if !buffers.isEmpty {
                do {
                    try await outbound.write(contentsOf: buffers)
                } catch {
                    let idle = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                        state.failed = true
                        let idle = state.idle
                        state.idle = []
                        return idle
                    }
                    for continuation in idle { continuation.resume() }
                    throw error
                }
            }
            let idle = state.withLockedValue { state -> [CheckedContinuation<Void, Never>]? in
                state.writing -= ready.count
                guard state.slots.isEmpty && state.writing == 0 else { return nil }
                let idle = state.idle
                state.idle = []
                return idle
            }
            if let idle {
                onIdle()
                for continuation in idle { continuation.resume() }
            }
        }
    }

    /// The ready prefix of the places, or `finished` when closed with nothing left.
    private func next() async -> (ready: [[UInt8]?], finished: Bool) {
        while true {
            let taken = state.withLockedValue { state -> (ready: [[UInt8]?], finished: Bool)? in
                var ready: [[UInt8]?] = []
                while let first = state.slots.first, case .some(let line) = first {
                    ready.append(line)
                    state.slots.removeFirst()
                    state.base += 1
                }
                if !ready.isEmpty {
                    state.writing += ready.count
                    return (ready, false)
                }
                if state.closed && state.slots.isEmpty { return ([], true) }
                return nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLockedValue { state -> Bool in
                    if state.closed || state.slots.first.map({ $0 != nil }) == true { return true }
                    state.writer = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}

/// Fires once; waiting after it has fired returns at once.
final class OneShot: Sendable {
    private let state = NIOLockedValueBox<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            if state.fired { return [] }
            state.fired = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let fired = state.withLockedValue { state -> Bool in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if fired { continuation.resume() }
        }
    }
}
