import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import QuayCodecs
import ServiceLifecycle

/// The SIP2 listener (`[sip2]`, docs/sip2.md): TCP, one task per kiosk connection answering
/// its messages in order through a `SIP2Session`; a connection limit, an idle timeout and a
/// login timeout. Plain TCP: for loopback or the school's LAN (docs/sip2.md says how to put
/// stunnel in front for TLS).
final class SIP2Server: Service {
    private let settings: SIP2Settings
    private let state: DaemonState
    private let logger: Logger
    private let guardian = PINGuard()
    private let open = NIOLockedValueBox<(next: Int, channels: [Int: any Channel])>((0, [:]))

    init(settings: SIP2Settings, state: DaemonState, logger: Logger) {
        self.settings = settings
        self.state = state
        self.logger = logger
    }

    typealias Connection = NIOAsyncChannel<SIP2Framer.Frame, ByteBuffer>

    func run() async throws {
        guard let (host, port) = settings.address else {  // the config loader checked it
            try? await gracefulShutdown()
            return
        }
        let idle = TimeAmount.seconds(Int64(settings.idleTimeoutSeconds))
        let maxLength = settings.maxMessageBytes
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await bind(host: host, port: port, idle: idle, maxLength: maxLength)
        } catch {
            // The desk matters more than the kiosks: quayd goes on without SIP2 and says why.
            logger.critical(
                "SIP2 cannot listen; kiosks are off, the desk goes on",
                metadata: ["sip2.listen": "\(settings.listen)", "error": "\(error)"])
            try? await gracefulShutdown()
            return
        }
        logger.info(
            "SIP2 listening",
            metadata: [
                "sip2.listen": "\(settings.listen)", "sip2.port": "\(server.channel.localAddress?.port ?? port)",
                "sip2.accounts": "\(settings.accounts.count)",
            ])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
            for channel in self.open.withLockedValue({ Array($0.channels.values) }) { channel.close(promise: nil) }
        }
        logger.info("SIP2 stopped")
    }

    private func bind(host: String, port: Int, idle: TimeAmount, maxLength: Int) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(IdleStateHandler(readTimeout: idle))
                    try operations.addHandler(SIP2FrameHandler(maxLength: maxLength))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        let admitted = open.withLockedValue { state -> Int? in
            guard state.channels.count < settings.maxConnections else { return nil }
            state.next += 1
            state.channels[state.next] = channel
            return state.next
        }
        guard let number = admitted else {
            logger.warning("SIP2: connection refused, limit reached", metadata: ["sip2.max_connections": "\(settings.maxConnections)"])
            try? await connection.executeThenClose { _, _ in }
            return
        }
        defer { _ = open.withLockedValue { $0.channels.removeValue(forKey: number) } }
        let loggedIn = NIOLockedValueBox(false)
        let loginTimeout = channel.eventLoop.scheduleTask(in: .seconds(Int64(settings.loginTimeoutSeconds))) {
            if !loggedIn.withLockedValue({ $0 }) { channel.close(promise: nil) }
        }
        defer { loginTimeout.cancel() }
        let session = SIP2Session(state: state, settings: settings, guardian: guardian, logger: logger)
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    let answer = await session.handle(frame)
                    if session.account != nil { loggedIn.withLockedValue { $0 = true } }
                    if let bytes = answer.bytes { try await outbound.write(ByteBuffer(bytes: bytes)) }
                    if answer.close { break }
                }
            }
        } catch {
            logger.debug("SIP2 connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// Bytes → SIP2 frames (`SIP2Framer`); an idle connection is closed.
final class SIP2FrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = SIP2Framer.Frame

    private var framer: SIP2Framer

    init(maxLength: Int) { framer = SIP2Framer(maxLength: maxLength) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        for frame in buffer.withUnsafeReadableBytes({ framer.push($0) }) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
