import CQuayShims
import Foundation
import Logging
import NIOCore
import NIOPosix
import QuayCodecs
import QuayProtocol
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Where the server listens: a path it binds itself, or a socket systemd handed over.
public enum ListenTarget: Sendable {
    case path(String, mode: UInt16, group: String)
    case inherited(fd: Int32)
}

/// The Unix-socket server (SPEC §8.1): one task per connection in a discarding task group,
/// requests answered in order, one at a time per connection (so pipelined replies keep
/// their order), errors caught per connection. Reports readiness once it accepts.
final class SocketServer: Service {
    private let target: ListenTarget
    private let state: DaemonState
    private let dispatcher: Dispatcher
    private let logger: Logger
    private let onReady: @Sendable () -> Void
    private let onShutdown: @Sendable () -> Void

    init(
        target: ListenTarget, state: DaemonState, dispatcher: Dispatcher, logger: Logger,
        onReady: @escaping @Sendable () -> Void, onShutdown: @escaping @Sendable () -> Void
    ) {
        self.target = target
        self.state = state
        self.dispatcher = dispatcher
        self.logger = logger
        self.onReady = onReady
        self.onShutdown = onShutdown
    }

    typealias Connection = NIOAsyncChannel<LineFramer.Frame, ByteBuffer>

    func run() async throws {
        let idleTimeout = TimeAmount.seconds(Int64(state.config.idleTimeoutSeconds))
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<(Connection, Peer)> = { channel in
            Self.peer(of: channel).flatMapThrowing { peer in
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(FrameDecoderHandler(idleTimeout: idleTimeout))
                return (try Connection(wrappingChannelSynchronously: channel), peer)
            }
        }
        let server: NIOAsyncChannel<(Connection, Peer), Never>
        switch target {
        case .path(let path, let mode, let group):
            // Bound here rather than by NIO, which unlinks the path when its server socket
            // closes — even when a newer daemon has bound it since. Who removes it is ours to
            // say (`BoundSocket`: only if it is still the one bound here).
            var existing = stat()
            if lstat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
            let fd = quay_unix_listen(path, 512)
            guard fd >= 0 else { throw SocketServerError.cannotListen(path: path, errno: -fd) }
            state.boundSocket = BoundSocket.identify(path)
            do {
                server = try await bootstrap.bind(fd, childChannelInitializer: initializer)
            } catch {
                close(fd)  // not NIO's yet
                throw error
            }
            Self.setPermissions(path: path, mode: mode, group: group, logger: logger)
        case .inherited(let fd):
            server = try await bootstrap.bind(fd, childChannelInitializer: initializer)
        }
        logger.info("listening", metadata: ["socket.path": "\(state.boundSocketPath ?? "(socket activation)")"])
        onReady()

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await (connection, peer) in inbound {
                        // On the connection's own event loop: a request is read, answered and its
                        // reply written on one thread, with no hop to the cooperative pool and back.
                        let executor = EventLoopTaskExecutor(connection.channel.eventLoop)
                        group.addTask(executorPreference: executor) { await self.serve(connection, peer: peer) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.onShutdown()
            server.channel.close(promise: nil)
            self.state.connections.drain()
        }
        logger.info("stopped accepting; all connections closed")
    }

    private func serve(_ connection: Connection, peer: Peer) async {
        let registry = state.connections
        let config = state.config
        let role = AccessPolicy(deskGroup: config.deskGroup, adminGroup: config.adminGroup).role(of: peer)
        guard let ticket = registry.admit(connection.channel, privileged: role == .admin) else {
            let body = ErrorCode.tooManyConnections.body(config.language)
            var line = (try? Array(WireFormat.encoder().encode(Reply<NoArguments>(id: nil, error: body)))) ?? []
            line.append(UInt8(ascii: "\n"))
            try? await connection.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(bytes: line))
            }
            logger.warning("connection refused: limit reached", metadata: ["peer.uid": "\(peer.uid)"])
            return
        }
        defer { registry.remove(ticket) }
        var dispatcher = self.dispatcher
        dispatcher.actor = peer.userName
        // With group commit, checkouts and returns pipelined on this connection reach the
        // writer together: the next starts once this one's write is queued, in order.
        let pipelining = state.database.groupCommit
        do {
            try await connection.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                let replies = ReplyPipeline()
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        try await replies.write(to: outbound) {
                            if !registry.endRequest(ticket) { connection.channel.close(promise: nil) }
                        }
                    }
                    defer { replies.close() }
                    while let frame = try await frames.next() {
                        guard registry.beginRequest(ticket) else { break }
                        let prepared = dispatcher.prepare(frame, role: role)
                        if pipelining && prepared.pipelines {
                            let slot = await replies.reserve()
                            let queued = OneShot()
                            var dispatcher = dispatcher
                            dispatcher.queued = { queued.fire() }
                            group.addTask { [dispatcher] in
                                let response = await dispatcher.run(prepared)
                                replies.fill(slot, response.line)
                                queued.fire()
                            }
                            await queued.wait()
                            continue
                        }
                        // Anything else waits until every reply before it is written: it may read
                        // what they wrote, and its reply keeps its place.
                        await replies.waitUntilWritten()
                        let response = await dispatcher.run(prepared)
                        if var reply = response.line {
                            reply.append(UInt8(ascii: "\n"))
                            try await outbound.write(ByteBuffer(bytes: reply))
                        }
                        if let topics = response.subscription {
                            // The connection is a watcher's from now on: busy (never evicted as idle),
                            // without the idle timeout, until the peer closes or the daemon stops.
                            try? await connection.channel.triggerUserOutboundEvent(FrameDecoderHandler.StopIdleTimer()).get()
                            try await stream(topics, to: outbound, channel: connection.channel, until: &frames)
                            break
                        }
                        guard registry.endRequest(ticket) else { break }
                    }
                    // The peer has finished sending: the replies in flight are still written.
                    await replies.waitUntilWritten()
                }
            }
        } catch {
            // One connection's failure (a reset, a write to a closed peer) never touches another.
            logger.debug("connection ended", metadata: ["error": "\(error)", "peer.pid": "\(peer.pid)"])
        }
    }

    /// Writes event lines until the peer closes (anything it sends is ignored) or the hub
    /// ends the stream at shutdown, which closes the connection.
    private func stream(
        _ topics: [String], to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel,
        until frames: inout NIOAsyncChannelInboundStream<LineFramer.Frame>.AsyncIterator
    ) async throws {
        let subscription = state.events.subscribe(topics: topics)
        defer { state.events.unsubscribe(subscription) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await line in subscription.lines { try await outbound.write(ByteBuffer(bytes: line)) }
                try? await channel.close()
            }
            while try await frames.next() != nil {}
            group.cancelAll()
        }
    }

    /// SO_PEERCRED of a connected Unix socket, then the peer's groups.
    private static func peer(of channel: any Channel) -> EventLoopFuture<Peer> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(Peer(pid: 0, uid: UInt32.max, gid: UInt32.max, groups: []))
        }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { Peer.withGroups(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
            .recover { _ in Peer(pid: 0, uid: UInt32.max, gid: UInt32.max, groups: []) }
    }

    private static func setPermissions(path: String, mode: UInt16, group: String, logger: Logger) {
        if let gid = AccessPolicy.groupID(named: group) {
            if chown(path, UInt32.max, gid) != 0 {
                logger.warning("cannot give the socket to its group", metadata: ["socket.group": "\(group)", "errno": "\(errno)"])
            }
        } else {
            logger.notice("socket group does not exist; left as it is", metadata: ["socket.group": "\(group)"])
        }
        if chmod(path, mode_t(mode)) != 0 {
            logger.warning("cannot set the socket's mode", metadata: ["errno": "\(errno)"])
        }
    }
}

/// Runs a task's jobs on a NIO event loop (SE-0417): the connection's task then runs where its
/// channel's I/O does.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// The socket path could not be bound.
enum SocketServerError: Error, CustomStringConvertible {
    case cannotListen(path: String, errno: Int32)

    var description: String {
        switch self {
        case .cannotListen(let path, let code): "cannot listen on \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// `struct ucred` as the kernel fills it for SO_PEERCRED.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Feeds a connection's bytes through `LineFramer`, and closes the connection when it has
/// been idle for the timeout. Idle means nothing in flight: each request handed up is in
/// flight until its reply is written back through here, so a long request (an intake of
/// 100,000 copies) is never cut off, and the timeout counts from the later of the last read
/// and the last reply. Blank lines are no requests and go no further.
final class FrameDecoderHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = LineFramer.Frame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent down the pipeline when the connection becomes a watcher's: no idle timeout from then on.
    struct StopIdleTimer: Sendable {}

    private var framer = LineFramer(maxFrameLength: maxFrameLength)
    private let idleTimeout: TimeAmount?
    private var inFlight = 0
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(idleTimeout: TimeAmount?) {
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armTimer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        lastActivity = .now()
        buffer.withUnsafeReadableBytes { framer.append($0) }
        while let frame = framer.nextFrame() { forward(frame, context: context) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        inFlight = max(0, inFlight - 1)
        lastActivity = .now()
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is StopIdleTimer {
            stopTimer()
            promise?.succeed()
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event, let last = framer.finish() {
            forward(last, context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func forward(_ frame: LineFramer.Frame, context: ChannelHandlerContext) {
        if case .line(let bytes) = frame, bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
        inFlight += 1
        context.fireChannelRead(wrapInboundOut(frame))
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
    }

    private func armTimer(context: ChannelHandlerContext) {
        guard let idleTimeout, timer == nil else { return }
        schedule(at: lastActivity + idleTimeout, idleTimeout: idleTimeout, context: context)
    }

    private func schedule(at deadline: NIODeadline, idleTimeout: TimeAmount, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.check(idleTimeout: idleTimeout, context: context)
        }
    }

    private func check(idleTimeout: TimeAmount, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if inFlight > 0 {
            // Busy: look again a whole timeout after the reply, at the earliest.
            schedule(at: .now() + idleTimeout, idleTimeout: idleTimeout, context: context)
        } else if NIODeadline.now() >= lastActivity + idleTimeout {
            context.close(promise: nil)
        } else {
            schedule(at: lastActivity + idleTimeout, idleTimeout: idleTimeout, context: context)
        }
    }
}
