import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayProtocol
import QuayWeb
import ServiceLifecycle

/// The web console's view of quayd (SPEC §17): the same dispatcher as the socket's — the
/// staff member's role for the peer's, their name for the audit log's actor — and the same
/// event hub. Nothing else of the daemon reaches the console.
struct DaemonWebBackend: WebBackend {
    let dispatcher: Dispatcher
    let events: EventHub

    func call<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, role: StaffRole, actor: String, language: Language
    ) async -> Reply<Result> {
        var dispatcher = dispatcher
        dispatcher.actor = "web:" + actor
        return await dispatcher.perform(op, args, role: role == .admin ? .admin : .desk, language: language)
    }

    func events(_ topics: [String]) -> AsyncStream<[UInt8]> {
        let subscription = events.subscribe(topics: topics)
        let hub = events
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let relay = Task {
            for await line in subscription.lines { continuation.yield(line) }
            continuation.finish()
        }
        // A browser that goes away ends its subscription.
        continuation.onTermination = { _ in
            relay.cancel()
            hub.unsubscribe(subscription)
        }
        return stream
    }
}

extension WebServer {
    /// The console of this daemon, logging the port it listens on (`web.port`, for port 0).
    static func service(_ settings: WebSettings, state: DaemonState, logger: Logger) -> some Service {
        let config = state.config
        let server = WebServer(
            backend: DaemonWebBackend(dispatcher: Dispatcher(state: state, logger: logger), events: state.events), settings: settings,
            school: config.schoolName, language: config.language, logger: logger, now: state.now)
        return server.application { port in
            logger.info("web console listening", metadata: ["web.listen": "\(settings.listen)", "web.port": "\(port)"])
        }
    }
}
