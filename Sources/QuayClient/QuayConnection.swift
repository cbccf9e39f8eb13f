import CQuayShims
import Foundation
import QuayCodecs
import QuayCore
import QuayProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Why a call to the daemon did not get a reply.
public enum ClientError: Error, Equatable {
    /// Nothing answers at the socket path (no file, refused, or not allowed to connect).
    case unreachable(path: String, errno: Int32)
    /// The daemon closed the connection before replying.
    case closed
    /// The reply was not a JSON line of the protocol.
    case malformedReply(String)
    /// Writing or reading the socket failed.
    case io(errno: Int32)
}

/// One blocking connection to `quayd` (SPEC §8). The CLI sends one request and reads one
/// reply; tests and benchmarks pipeline through `send` and `readLine`. Owns its socket's fd.
/// One thread may `send` while another reads with `readLine` (the two share only the fd);
/// `call` and two readers at once are not safe.
public final class QuayConnection: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private var framer = LineFramer(maxFrameLength: maxFrameLength)
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var nextID: Int64 = 1

    public init(path: String) throws(ClientError) {
        self.path = path
        let result = quay_unix_connect(path)
        if result < 0 { throw .unreachable(path: path, errno: -result) }
        fd = result
    }

    deinit {
        close(fd)
    }

    /// Writes raw bytes (a test may send anything, even a broken line).
    public func send(_ bytes: [UInt8]) throws(ClientError) {
        let result = bytes.withUnsafeBytes { quay_write_all(fd, $0.baseAddress, $0.count) }
        if result < 0 { throw .io(errno: -result) }
    }

    /// Reads the next line from the daemon, or nil at end of stream.
    public func readLine() throws(ClientError) -> [UInt8]? {
        while true {
            if let frame = framer.nextFrame() {
                switch frame {
                case .line(let line): return line
                case .tooLarge: throw .malformedReply("reply longer than 1 MiB")
                }
            }
            let count = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return nil }
                throw .io(errno: errno)
            }
            if count == 0 {
                if case .line(let line)? = framer.finish() { return line }
                return nil
            }
            framer.append(readBuffer[0..<count])
        }
    }

    /// Sends one request and returns the raw reply line.
    public func callRaw<Arguments: Encodable & Sendable>(
        op: String, args: Arguments?, lang: Language? = nil
    ) throws(ClientError) -> [UInt8] {
        let id = JSONValue.int(nextID)
        nextID += 1
        let request = Request(id: id, op: op, args: args, lang: lang)
        var line: [UInt8]
        do {
            line = Array(try WireFormat.encoder().encode(request))
        } catch {
            throw .malformedReply("cannot encode request: \(error)")
        }
        line.append(UInt8(ascii: "\n"))
        do {
            try send(line)
        } catch {
            // The daemon may have answered and closed before reading (a refusal at the
            // connection limit): that answer is still there to read.
            if let reply = try? readLine() { return reply }
            throw error
        }
        guard let reply = try readLine() else { throw .closed }
        return reply
    }

    /// Sends one request and decodes its reply: the result, or the daemon's error body.
    public func call<Arguments: Encodable & Sendable, Result: Codable & Sendable>(
        op: String, args: Arguments?, lang: Language? = nil, as: Result.Type
    ) throws(ClientError) -> Swift.Result<Result, ErrorBody> {
        let line = try callRaw(op: op, args: args, lang: lang)
        let reply: Reply<Result>
        do {
            reply = try WireFormat.decoder().decode(Reply<Result>.self, from: Data(line))
        } catch {
            throw .malformedReply(String(decoding: line, as: UTF8.self))
        }
        if reply.ok, let result = reply.result { return .success(result) }
        return .failure(reply.error ?? ErrorBody(code: "internal", message: "reply without result or error"))
    }
}

/// Where the CLI looks for the daemon: `--socket`, then `QUAY_SOCKET`, then the system
/// path under systemd, then the development path that `make run` uses.
public enum SocketLocation {
    public static let system = "/run/quay/quay.sock"
    public static let development = "var/quay.sock"

    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["QUAY_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        if FileManager.default.fileExists(atPath: system) { return system }
        if FileManager.default.fileExists(atPath: development) { return development }
        return system
    }
}
