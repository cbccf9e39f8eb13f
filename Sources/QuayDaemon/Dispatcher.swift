import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore

#if canImport(Glibc)
import Glibc
#endif

/// Turns one request line into one reply line (SPEC §8.2). Never throws: every failure,
/// from a broken line to a fault inside an op, becomes an error reply with a stable code,
/// and the connection and the daemon go on.
public struct Dispatcher: Sendable {
    let state: DaemonState
    let logger: Logger
    /// The clock (`DaemonState.now`).
    let now: @Sendable () -> Date
    /// Told when a pipelined op's write waits in the group commit's queue (`Operation.pipelines`):
    /// the connection then starts its next request.
    var queued: (@Sendable () -> Void)? = nil
    /// Who the requests come from, for the audit log: the peer's user name (SO_PEERCRED).
    public var actor = "quayd"
    /// The language of the request being answered (its `lang`, else the config's).
    var requestLanguage: Language? = nil

    public init(state: DaemonState, logger: Logger) {
        self.state = state
        self.logger = logger
        self.now = state.now
    }

    /// A dispatcher over `database` with no socket, no desks and no printers running: for tools
    /// that drive the request path directly (the fuzzer, `make fuzz`).
    public init(config: DaemonConfig, database: QuayDatabase, logger: Logger) {
        let state = DaemonState(config: config, configPath: nil, database: database, boundSocketPath: nil, activated: false)
        self.init(state: state, logger: logger)
    }

    /// What a connection does with a frame: write the reply line (if any), and, after an
    /// accepted `events.subscribe`, stream the events of these topics.
    public struct Response: Sendable {
        public var line: [UInt8]?
        public var subscription: [String]? = nil
    }

    /// The coders, configured once and shared (they keep no state between calls).
    static let decoder = WireFormat.decoder()
    static let encoder = WireFormat.encoder()

    /// The reply to a frame, without its newline; nil for a blank line, which is no request.
    public func reply(to frame: LineFramer.Frame, role: Role) async -> [UInt8]? {
        await respond(to: frame, role: role).line
    }

    public func respond(to frame: LineFramer.Frame, role: Role) async -> Response {
        await run(prepare(frame, role: role))
    }

    /// A frame read and checked, ready to run: its reply already (a blank line, a refusal), or
    /// the op's call.
    public struct Prepared: Sendable {
        enum Body: Sendable {
            case reply(Response)
            case call(Operation.Call, id: JSONValue, op: String, language: Language)
        }
        let body: Body
        /// A write through group commit that reads nothing before it: a connection may start
        /// the next such request before this one is committed (`Operation.pipelines`).
        public var pipelines = false
    }

    /// Decodes and checks a frame; no I/O, no waiting.
    public func prepare(_ frame: LineFramer.Frame, role: Role) -> Prepared {
        let language = state.config.language
        guard case .line(let bytes) = frame else {
            return Prepared(body: .reply(Response(line: encodeFailure(id: nil, Refusal(code: .frameTooLarge), language: language))))
        }
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return Prepared(body: .reply(Response(line: nil))) }
        // Every text that enters is NFC (SPEC §12); ASCII already is.
        let data = bytes.allSatisfy({ $0 < 0x80 }) ? Data(bytes) : Data(VietnameseText.nfc(String(decoding: bytes, as: UTF8.self)).utf8)
        // One pass: the envelope, and the op's own `args` once the op is known.
        let request: DecodedRequest
        do {
            request = try Self.decoder.decode(DecodedRequest.self, from: data)
        } catch {
            // The id is still read when something else in the line is at fault (nesting too deep,
            // a broken value elsewhere), so that the client can match the refusal.
            return Prepared(
                body: .reply(
                    Response(
                        line: encodeFailure(
                            id: JSONText.topLevelID(in: bytes), Refusal(code: .badRequest, detail: Self.describe(error)),
                            language: language))))
        }
        let requestLanguage = request.lang.flatMap(Language.init(tag:)) ?? language
        do {
            guard let id = request.id, id != .null else {
                throw Refusal(code: .badRequest, detail: "\"id\" is missing")
            }
            // Echoed exactly: a string, or a whole number that fits in 64 bits (a larger one, or a
            // fraction, would come back changed).
            switch id {
            case .string, .int: break
            default:
                return Prepared(
                    body: .reply(
                        Response(
                            line: encodeFailure(
                                id: nil, Refusal(code: .badRequest, detail: "\"id\" must be a string or a whole number from -2^63 to 2^63-1"),
                                language: requestLanguage))))
            }
            guard let version = request.v else { throw Refusal(code: .badRequest, detail: "\"v\" is missing") }
            guard version == protocolVersion else {
                throw Refusal(code: .unsupportedVersion, details: ["supported": .int(Int64(protocolVersion))])
            }
            guard let name = request.op else { throw Refusal(code: .badRequest, detail: "\"op\" is missing") }
            guard let operation = request.operation, let call = request.call else {
                throw Refusal(code: .unknownOp, detail: name, details: ["op": .string(name)])
            }
            guard role >= operation.role else { throw permissionDenied(name, operation.role, requestLanguage) }
            // No text we store or say may carry a control character (SPEC §13): a NUL would cut
            // it short in SQLite, an escape sequence would reach every terminal that shows it.
            if let control = JSONText.firstControl(in: bytes) {
                throw Refusal(code: .invalidArgument, detail: "text must not contain control characters (\(control))")
            }
            return Prepared(body: .call(try call.get(), id: id, op: name, language: requestLanguage), pipelines: operation.pipelines)
        } catch {
            return Prepared(body: .reply(Response(line: failure(error, op: request.op, id: request.id, language: requestLanguage))))
        }
    }

    /// Runs a prepared request: its reply, never a throw.
    public func run(_ prepared: Prepared) async -> Response {
        switch prepared.body {
        case .reply(let response):
            return response
        case .call(let call, let id, let op, let language):
            do {
                var dispatcher = self
                dispatcher.requestLanguage = language
                return try await call(dispatcher, id)
            } catch {
                return Response(line: failure(error, op: op, id: id, language: language))
            }
        }
    }

    /// An op called from inside quayd (the web console) with its arguments and its result as
    /// their own types: the role, the log lines and the refusals of `respond(to:role:)`, with
    /// no JSON text either way — a page's op costs what the op costs. Arguments the door would
    /// change or refuse (text not in NFC, a control character: SPEC §12, §13), or of another
    /// type than the op's, go through the request line itself, so that the verdict is the
    /// socket's to the byte; a result of another type than the caller reads is read as a
    /// client reads it, through its JSON. (The 1 MiB frame limit is the socket's: a reply
    /// that never becomes a line is not held to it.)
    public func perform<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, role: Role, language: Language
    ) async -> Reply<Result> {
        let id = JSONValue.int(1)
        guard let operation = Operation.byOp[op], args.map({ Self.passesTheDoor($0) }) ?? true else {
            return await performByLine(op, args, role: role, language: language)
        }
        guard role >= operation.role else {
            return Reply(id: id, error: permissionDenied(op.rawValue, operation.role, language).body(language))
        }
        var dispatcher = self
        dispatcher.requestLanguage = language
        do {
            guard let value = try await operation.perform(dispatcher, args) else {
                return await performByLine(op, args, role: role, language: language)
            }
            if let result = value as? Result { return Reply(id: id, result: result) }
            return Reply(id: id, result: try Self.decoder.decode(Result.self, from: Self.encoder.encode(value)))
        } catch {
            return Reply(id: id, error: logged(error, op: op.rawValue).body(language))
        }
    }

    /// `perform` through a request line and its reply line, as the socket answers them.
    private func performByLine<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, role: Role, language: Language
    ) async -> Reply<Result> {
        var line = Array(#"{"v":1,"id":1,"op":""#.utf8)
        line += op.rawValue.utf8
        line += (language == .vi ? #"","lang":"vi""# : #"","lang":"en""#).utf8
        if let args {
            // Never the op with its defaults in place of arguments that cannot be encoded.
            guard let encoded = try? Self.encoder.encode(args) else {
                return Reply(id: .int(1), error: Refusal(code: .internalError, detail: "arguments that cannot be encoded").body(language))
            }
            line += #","args":"#.utf8
            line += encoded
        }
        line.append(UInt8(ascii: "}"))
        let reply = await respond(to: .line(line), role: role).line ?? []
        if let decoded = try? Self.decoder.decode(Reply<Result>.self, from: Data(reply)) { return decoded }
        logger.error("a reply its caller inside quayd cannot read", metadata: ["op": "\(op.rawValue)"])
        return Reply(id: .int(1), error: Refusal(code: .internalError).body(language))
    }

    /// Whether every text in `value` is as the door lets it through unchanged: in NFC, and
    /// without a control character (even one a multi-line field allows, whose verdict is the
    /// line path's to give).
    static func passesTheDoor(_ value: Any) -> Bool {
        if let text = value as? String {
            return VietnameseText.firstControl(in: text) == nil
                // Scalar by scalar: `==` on strings holds canonical equivalents equal.
                && (text.utf8.allSatisfy { $0 < 0x80 } || VietnameseText.nfc(text).unicodeScalars.elementsEqual(text.unicodeScalars))
        }
        if value is Data || value is [UInt8] { return true }
        return Mirror(reflecting: value).children.allSatisfy { passesTheDoor($0.value) }
    }

    /// For the fuzzer (`quay-fuzz json`): `data` decoded as a request line, and its `args` as
    /// the arguments of every op of the table — the decoding the request path does, without
    /// running anything.
    public static func decodeAsEveryOp(_ data: Data) {
        _ = try? decoder.decode(DecodedRequest.self, from: data)
        _ = try? decoder.decode(EveryOp.self, from: data)
    }

    private struct EveryOp: Decodable {
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: RequestKey.self)
            for operation in Dispatcher.operations { _ = try? operation.prepare(container) }
        }
    }

    /// The refusal line for any error, logged by where it came from.
    private func failure(_ error: any Error, op: String?, id: JSONValue?, language: Language) -> [UInt8] {
        encodeFailure(id: id, logged(error, op: op), language: language)
    }

    /// Any error as its refusal, logged by where it came from.
    private func logged(_ error: any Error, op: String?) -> Refusal {
        let refusal = Refusal(error)
        switch refusal.origin {
        case .refusal: break
        case .disk: logger.error("op refused by the disk", metadata: ["op": "\(op ?? "?")", "error": "\(error)"])
        case .fault: logger.error("op failed", metadata: ["op": "\(op ?? "?")", "error": "\(error)"])
        }
        return refusal
    }

    /// `permission_denied` for `op`, logged, naming the groups ([access]) that would allow it.
    private func permissionDenied(_ op: String, _ required: Role, _ language: Language) -> Refusal {
        logger.info("request refused", metadata: ["op": "\(op)", "error.code": "permission_denied"])
        let config = state.config
        let groups = required == .admin ? [config.adminGroup] : [config.deskGroup, config.adminGroup]
        let detail =
            required == .admin
            ? Bilingual(vi: "thao tác này cần nhóm \(config.adminGroup)", en: "this needs group \(config.adminGroup)")
            : Bilingual(
                vi: "người dùng phải thuộc nhóm \(config.deskGroup) hoặc \(config.adminGroup)",
                en: "the user must be in group \(config.deskGroup) or \(config.adminGroup)")
        return Refusal(code: .permissionDenied, detail: detail.text(language), details: ["groups": .array(groups.map(JSONValue.string))])
    }

    func status() async throws -> StatusResult {
        let loaded = state.current
        let summary = try await state.database.summary()
        return StatusResult(
            version: quayVersion,
            pid: getpid(),
            startedAt: state.startedAt,
            uptimeSeconds: Self.seconds(ContinuousClock.now - state.startInstant),
            school: loaded.config.schoolName,
            language: loaded.config.language.rawValue,
            database: .init(
                path: state.database.path, sizeBytes: summary.sizeBytes, journalMode: summary.journalMode,
                synchronous: summary.synchronous, counts: summary.counts, migrations: summary.migrations,
                quickCheck: state.quickCheck.withLockedValue { $0 }),
            config: .init(path: loaded.path, loadedAt: loaded.loadedAt, reloads: loaded.reloads),
            socket: .init(
                path: state.boundSocketPath ?? loaded.config.socketPath, activated: state.activated,
                connections: state.connections.count, maxConnections: state.connections.maxConnections),
            backup: state.backupState(now: now()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
    }

    func encode<Result: Codable & Sendable>(_ reply: Reply<Result>) throws -> [UInt8] {
        let line = Array(try Self.encoder.encode(reply))
        // No reply may pass the frame limit the client holds it to (SPEC §8.1): an op whose
        // result could grow that large must page or summarise it; this is the backstop.
        guard line.count < maxFrameLength else {
            logger.error("reply too large", metadata: ["reply.bytes": "\(line.count)"])
            throw Refusal(code: .internalError, detail: "the reply would pass the 1 MiB frame limit")
        }
        return line
    }

    private func encodeFailure(id: JSONValue?, _ refusal: Refusal, language: Language) -> [UInt8] {
        let reply = Reply<NoArguments>(id: id, error: refusal.body(language))
        return (try? encode(reply)) ?? Array(#"{"id":null,"ok":false,"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
    }

    /// A short reason for a decoding failure, for the error message.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted:
            return "not a JSON object"
        case DecodingError.typeMismatch(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not a JSON object" : "\"\(path)\" has the wrong type"
        case DecodingError.keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is missing"
        case DecodingError.valueNotFound(_, let context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is null"
        default:
            return "not a JSON object"
        }
    }
}
