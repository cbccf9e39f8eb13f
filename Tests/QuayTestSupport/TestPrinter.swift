import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// A network label printer on 127.0.0.1 for tests: it takes one connection at a time, as a
/// raw port-9100 printer does, keeps every byte it is sent (less its status queries), and
/// answers ZPL `~HS` with whatever `hostStatus` says at that moment.
public final class TestPrinter: Sendable {
    /// `~HS` replies, as a Zebra printer sends them.
    public enum HostStatus: Sendable {
        case ready, paperOut, paused, headUp
        /// Say nothing at all.
        case silent

        var reply: [UInt8]? {
            func frame(_ line: String) -> [UInt8] { [0x02] + Array(line.utf8) + [0x03, 0x0D, 0x0A] }
            let (paper, pause, head): (Int, Int, Int)
            switch self {
            case .ready: (paper, pause, head) = (0, 0, 0)
            case .paperOut: (paper, pause, head) = (1, 0, 0)
            case .paused: (paper, pause, head) = (0, 1, 0)
            case .headUp: (paper, pause, head) = (0, 0, 1)
            case .silent: return nil
            }
            return frame("030,\(paper),\(pause),1234,000,0,0,0,000,0,0,0") + frame("001,0,\(head),0,1,2,6,0,00000000,1,000")
                + frame("1234,0")
        }
    }

    public let port: Int
    private let listener: Int32
    /// How long it takes to get to each connection (a slow printer).
    private let delay: Double
    private let state = NIOLockedValueBox<(received: [UInt8], connections: Int, queries: Int, status: HostStatus, closed: Bool)>(([], 0, 0, .ready, false))

    /// Listens on `port` (a free one when nil).
    public init(port: Int? = nil, delay: Double = 0) throws {
        self.delay = delay
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestPrinterError.socket(errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port ?? 0).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            let error = errno
            Glibc.close(fd)
            throw TestPrinterError.socket(error)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// A port nothing listens on (for a printer that is switched off).
    public static func freePort() throws -> Int {
        let printer = try TestPrinter()
        let port = printer.port
        printer.close()
        return port
    }

    public var hostStatus: HostStatus {
        get { state.withLockedValue { $0.status } }
        set { state.withLockedValue { $0.status = newValue } }
    }

    /// Every job byte received so far, in order.
    public var received: [UInt8] { state.withLockedValue { $0.received } }
    public var connections: Int { state.withLockedValue { $0.connections } }
    /// `~HS` queries answered or not.
    public var statusQueries: Int { state.withLockedValue { $0.queries } }

    public func close() {
        let first = state.withLockedValue { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first {
            shutdown(listener, Int32(SHUT_RDWR))
            Glibc.close(listener)
        }
    }

    deinit { close() }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            state.withLockedValue { $0.connections += 1 }
            if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
            handle(connection)
            Glibc.close(connection)
        }
    }

    /// Reads until the sender closes; answers each `~HS`.
    private func handle(_ connection: Int32) {
        let query = Array("~HS".utf8)
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending += buffer[..<count]
            // Status queries come alone, before a job; take them off the front as they arrive.
            while pending.starts(with: query) {
                pending.removeFirst(query.count)
                let reply = state.withLockedValue { state in
                    state.queries += 1
                    return state.status.reply
                }
                if let reply { _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) } }
            }
            if !pending.isEmpty, !query.starts(with: pending) {
                let bytes = pending
                state.withLockedValue { $0.received += bytes }
                pending.removeAll()
            }
        }
        if !pending.isEmpty {
            let bytes = pending
            state.withLockedValue { $0.received += bytes }
        }
    }
}

public enum TestPrinterError: Error {
    case socket(Int32)
}
