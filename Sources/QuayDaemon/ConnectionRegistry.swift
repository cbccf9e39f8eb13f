import NIOCore
import NIOConcurrencyHelpers

/// Keeps count of open client connections and enforces the limit (SPEC §13). At the limit a
/// new client evicts the connection that has been idle longest, so a desk's command always
/// gets in even when forgotten clients hold every place; only when every connection is busy
/// is the newcomer refused. At shutdown it drains: idle connections close at once, busy ones
/// after their reply. The last few places are kept for root and admins (`reserved(for:)`), so
/// that watchers, which are always busy, can never lock out the person who must fix things.
public final class ConnectionRegistry: Sendable {
    public struct Ticket: Hashable, Sendable {
        let number: UInt64
    }

    private struct Entry {
        var channel: any Channel
        var busy: Bool
        var lastActive: ContinuousClock.Instant
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextNumber: UInt64 = 1
        var draining = false
    }

    private let state = NIOLockedValueBox(State())
    private let limit: NIOLockedValueBox<Int>

    public init(limit: Int) {
        self.limit = NIOLockedValueBox(limit)
    }

    public var count: Int { state.withLockedValue { $0.entries.count } }
    public var maxConnections: Int { limit.withLockedValue { $0 } }

    public func setLimit(_ newLimit: Int) {
        limit.withLockedValue { $0 = newLimit }
    }

    /// How many of `limit` places only root and admins may take: 1 in 16 (16 of the default
    /// 256), at least one when there are two places or more.
    public static func reserved(for limit: Int) -> Int {
        limit >= 32 ? limit / 16 : limit >= 2 ? 1 : 0
    }

    /// Admits a connection; nil when it must be refused (all places it may take busy, or
    /// draining). A `privileged` peer (root, an admin) may take the reserved places too.
    public func admit(_ channel: any Channel, privileged: Bool = false) -> Ticket? {
        let limit = maxConnections
        let maximum = privileged ? limit : limit - Self.reserved(for: limit)
        let (ticket, evicted): (Ticket?, [any Channel]) = state.withLockedValue { state in
            if state.draining { return (nil, []) }
            var evicted: [any Channel] = []
            while state.entries.count >= maximum {
                let idle = state.entries.filter { !$0.value.busy }.min { $0.value.lastActive < $1.value.lastActive }
                guard let (number, entry) = idle else { return (nil, evicted) }
                state.entries[number] = nil
                evicted.append(entry.channel)
            }
            let number = state.nextNumber
            state.nextNumber += 1
            state.entries[number] = Entry(channel: channel, busy: false, lastActive: .now)
            return (Ticket(number: number), evicted)
        }
        for channel in evicted { channel.close(promise: nil) }
        return ticket
    }

    /// Marks the connection busy; false when it should stop (draining, or evicted).
    public func beginRequest(_ ticket: Ticket) -> Bool {
        state.withLockedValue { state in
            guard !state.draining, state.entries[ticket.number] != nil else { return false }
            state.entries[ticket.number]?.busy = true
            return true
        }
    }

    /// Marks the connection idle again; false when it should close now (draining).
    public func endRequest(_ ticket: Ticket) -> Bool {
        state.withLockedValue { state in
            state.entries[ticket.number]?.busy = false
            state.entries[ticket.number]?.lastActive = .now
            return !state.draining
        }
    }

    public func remove(_ ticket: Ticket) {
        _ = state.withLockedValue { $0.entries.removeValue(forKey: ticket.number) }
    }

    /// Stops admitting, closes the idle connections; busy ones close after their reply.
    public func drain() {
        let idle: [any Channel] = state.withLockedValue { state in
            state.draining = true
            return state.entries.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }
}
