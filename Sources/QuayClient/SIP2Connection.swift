import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a SIP2 server on this machine, for tools and tests that play a
/// kiosk: bytes out, replies in up to their CR (an LF after it dropped). It knows nothing of
/// SIP2's fields or checksums; callers write the messages themselves.
public final class SIP2Connection {
    public let fd: Int32
    private var pending: [UInt8] = []

    public init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            let code = errno
            close(fd)
            throw ClientError.unreachable(path: "\(host):\(port)", errno: code)
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// A TCP socket listening on a free loopback port, and the port: for a test that needs the
    /// port taken, or (closed at once) a port to give a SIP2 listener.
    public static func loopbackListener() -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        listen(fd, 4)
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// The next reply without its CR; nil when the connection closed or timed out.
    public func receive() -> [UInt8]? {
        while true {
            if let end = pending.firstIndex(of: 13) {
                let line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if pending.first == 10 { pending.removeFirst() }
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            guard count > 0 else { return nil }
            pending += buffer[..<count]
        }
    }
}
