import Foundation
import QuayProtocol
import NIOConcurrencyHelpers

/// Fans events out to subscribed connections (SPEC §8.3). An event is encoded once; each
/// subscriber gets the line through a bounded buffer, so a stalled watcher drops its oldest
/// lines rather than holding the desk back or growing without limit.
public final class EventHub: Sendable {
    public struct Subscription: Sendable {
        public let lines: AsyncStream<[UInt8]>
        let id: UInt64
    }

    private struct Subscriber {
        var topics: [String]
        var continuation: AsyncStream<[UInt8]>.Continuation
    }

    private let subscribers = NIOLockedValueBox<(next: UInt64, all: [UInt64: Subscriber], finished: Bool)>((0, [:], false))
    /// Lines held for a subscriber that is not reading.
    static let bufferedLines = 1000

    public init() {}

    public func subscribe(topics: [String]) -> Subscription {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferedLines))
        let id = subscribers.withLockedValue { state -> UInt64? in
            guard !state.finished else { return nil }
            state.next += 1
            state.all[state.next] = Subscriber(topics: topics, continuation: continuation)
            return state.next
        }
        if id == nil { continuation.finish() }
        return Subscription(lines: stream, id: id ?? 0)
    }

    public func unsubscribe(_ subscription: Subscription) {
        let removed = subscribers.withLockedValue { $0.all.removeValue(forKey: subscription.id) }
        removed?.continuation.finish()
    }

    public func publish<Payload: Codable & Sendable>(_ name: String, at: Date, _ data: Payload) {
        let targets = subscribers.withLockedValue { state in
            state.all.values.filter { subscriber in
                subscriber.topics.isEmpty || subscriber.topics.contains { name == $0 || name.hasPrefix($0 + ".") }
            }.map(\.continuation)
        }
        guard !targets.isEmpty, var line = try? Array(WireFormat.encoder().encode(EventLine(event: name, at: at, data: data))) else {
            return
        }
        line.append(UInt8(ascii: "\n"))
        for continuation in targets { continuation.yield(line) }
    }

    /// Ends every stream: the daemon is stopping.
    public func finish() {
        let all = subscribers.withLockedValue { state in
            state.finished = true
            defer { state.all.removeAll() }
            return Array(state.all.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }
}
