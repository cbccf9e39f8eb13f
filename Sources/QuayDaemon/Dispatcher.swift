import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Turns one request line into one reply line (SPEC §8.2). Never throws: every failure,
/// from a broken line to a fault inside an op, becomes an error reply with a stable code,
/// and the connection and the daemon go on.
public struct Dispatcher: Sendable {
    let state: DaemonState
    let logger: Logger
    /// The clock; tests set it.
    let now: @Sendable () -> Date

    public init(state: DaemonState, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.state = state
        self.logger = logger
        self.now = now
    }

    /// A dispatcher over `database` with no socket, no desks and no printers running: for tools
    /// that drive the request path directly (the fuzzer, `make fuzz`).
    public init(config: DaemonConfig, database: QuayDatabase, logger: Logger) {
        let state = DaemonState(config: config, configPath: nil, database: database, boundSocketPath: nil, activated: false)
        self.init(state: state, logger: logger)
    }

    /// A refusal an op raises: the code, and an optional detail for the message.
    struct Refusal: Error {
        var code: ErrorCode
        var detail: String? = nil
        var details: [String: JSONValue]? = nil
    }

    /// What a connection does with a frame: write the reply line (if any), and, after an
    /// accepted `events.subscribe`, stream the events of these topics.
    public struct Response: Sendable {
        public var line: [UInt8]?
        public var subscription: [String]?
    }

    /// The reply to a frame, without its newline; nil for a blank line, which is no request.
    public func reply(to frame: LineFramer.Frame, role: Role) async -> [UInt8]? {
        await respond(to: frame, role: role).line
    }

    public func respond(to frame: LineFramer.Frame, role: Role) async -> Response {
        let subscription = SubscriptionBox()
        let line = await reply(to: frame, role: role, subscription: subscription)
        return Response(line: line, subscription: subscription.topics.withLockedValue { $0 })
    }

    /// Where `events.subscribe` leaves its topics for the connection.
    final class SubscriptionBox: Sendable {
        let topics = NIOLockedValueBox<[String]?>(nil)
    }

    private func reply(to frame: LineFramer.Frame, role: Role, subscription: SubscriptionBox) async -> [UInt8]? {
        let language = state.config.language
        guard case .line(let bytes) = frame else {
            return encodeFailure(id: nil, Refusal(code: .frameTooLarge), language: language)
        }
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        // Every text that enters is NFC (SPEC §12); ASCII already is.
        let data = bytes.allSatisfy({ $0 < 0x80 }) ? Data(bytes) : Data(VietnameseText.nfc(String(decoding: bytes, as: UTF8.self)).utf8)
        let envelope: RequestEnvelope
        do {
            envelope = try WireFormat.decoder().decode(RequestEnvelope.self, from: data)
        } catch {
            // The id is still read when something else in the line is at fault (nesting too deep,
            // a broken value elsewhere), so that the client can match the refusal.
            return encodeFailure(
                id: JSONText.topLevelID(in: bytes), Refusal(code: .badRequest, detail: Self.describe(error)), language: language)
        }
        let requestLanguage = envelope.lang.flatMap(Language.init(tag:)) ?? language
        do {
            guard let id = envelope.id, id != .null else {
                throw Refusal(code: .badRequest, detail: "\"id\" is missing")
            }
            // Echoed exactly: a string, or a whole number that fits in 64 bits (a larger one, or a
            // fraction, would come back changed).
            switch id {
            case .string, .int: break
            default:
                return encodeFailure(
                    id: nil, Refusal(code: .badRequest, detail: "\"id\" must be a string or a whole number from -2^63 to 2^63-1"),
                    language: requestLanguage)
            }
            guard let version = envelope.v else { throw Refusal(code: .badRequest, detail: "\"v\" is missing") }
            guard version == protocolVersion else {
                throw Refusal(code: .unsupportedVersion, details: ["supported": .int(Int64(protocolVersion))])
            }
            guard let name = envelope.op else { throw Refusal(code: .badRequest, detail: "\"op\" is missing") }
            guard let op = Op(rawValue: name) else {
                throw Refusal(code: .unknownOp, detail: name, details: ["op": .string(name)])
            }
            let required = Self.requiredRole(op)
            guard role >= required else {
                logger.info("request refused", metadata: ["op": "\(name)", "error.code": "permission_denied"])
                let config = state.config
                let groups = required == .admin ? [config.adminGroup] : [config.deskGroup, config.adminGroup]
                let detail =
                    required == .admin
                    ? Bilingual(vi: "thao tác này cần nhóm \(config.adminGroup)", en: "this needs group \(config.adminGroup)")
                    : Bilingual(
                        vi: "người dùng phải thuộc nhóm \(config.deskGroup) hoặc \(config.adminGroup)",
                        en: "the user must be in group \(config.deskGroup) or \(config.adminGroup)")
                throw Refusal(
                    code: .permissionDenied, detail: detail.text(requestLanguage), details: ["groups": .array(groups.map(JSONValue.string))])
            }
            // No text we store or say may carry a control character (SPEC §13): a NUL would cut
            // it short in SQLite, an escape sequence would reach every terminal that shows it.
            if let control = JSONText.firstControl(in: bytes) {
                throw Refusal(code: .invalidArgument, detail: "text must not contain control characters (\(control))")
            }
            if op == .eventsSubscribe {
                let args: EventsSubscribeArgs = try arguments(data, default: EventsSubscribeArgs())
                let topics = (args.topics ?? []).compactMap(text)
                subscription.topics.withLockedValue { $0 = topics }
                return try encode(Reply(id: id, result: EventsSubscribeResult(topics: topics)))
            }
            return try await perform(op, id: id, data: data)
        } catch let refusal as Refusal {
            return encodeFailure(id: envelope.id, refusal, language: requestLanguage)
        } catch let error as LabelError {
            // LabelError's codes are protocol codes by construction.
            let code = ErrorCode(rawValue: error.code.rawValue) ?? .internalError
            return encodeFailure(id: envelope.id, Refusal(code: code, detail: error.detail), language: requestLanguage)
        } catch let error as StoreError {
            guard let code = ErrorCode(rawValue: error.code) else {
                logger.error("op failed", metadata: ["op": "\(envelope.op ?? "?")", "error": "\(error)"])
                return encodeFailure(id: envelope.id, Refusal(code: .internalError), language: requestLanguage)
            }
            return encodeFailure(id: envelope.id, Refusal(code: code, detail: error.reason), language: requestLanguage)
        } catch {
            if let storage = StoreError.storage(error), let code = ErrorCode(rawValue: storage.code) {
                logger.error("op refused by the disk", metadata: ["op": "\(envelope.op ?? "?")", "error": "\(error)"])
                return encodeFailure(id: envelope.id, Refusal(code: code), language: requestLanguage)
            }
            logger.error("op failed", metadata: ["op": "\(envelope.op ?? "?")", "error": "\(error)"])
            return encodeFailure(id: envelope.id, Refusal(code: .internalError), language: requestLanguage)
        }
    }

    /// Desk work (SPEC §8.4: loans, printing, inventory scans) and reading is for group quay;
    /// bulk imports and opening, closing and applying an inventory for admins.
    static func requiredRole(_ op: Op) -> Role {
        switch op {
        case .patronImport, .inventoryStart, .inventoryClose, .inventoryApply: return .admin
        default: return .desk
        }
    }

    private func perform(_ op: Op, id: JSONValue, data: Data) async throws -> [UInt8] {
        switch op {
        case .ping:
            try noArguments(data)
            return try encode(Reply(id: id, result: PingResult()))
        case .status:
            try noArguments(data)
            return try encode(Reply(id: id, result: try await status()))
        case .intake: return try encode(Reply(id: id, result: try await intake(arguments(data))))
        case .recordShow: return try encode(Reply(id: id, result: try await recordShow(arguments(data))))
        case .recordFind: return try encode(Reply(id: id, result: try await recordFind(arguments(data))))
        case .itemShow: return try encode(Reply(id: id, result: try await itemShow(arguments(data))))
        case .shelfList: return try encode(Reply(id: id, result: try await shelfList(arguments(data, default: ShelfListArgs()))))
        case .registerList:
            try noArguments(data)
            return try encode(Reply(id: id, result: try await registerList()))
        case .patronAdd: return try encode(Reply(id: id, result: try await patronAdd(arguments(data))))
        case .patronShow: return try encode(Reply(id: id, result: try await patronShow(arguments(data))))
        case .patronFind: return try encode(Reply(id: id, result: try await patronFind(arguments(data))))
        case .patronImport: return try encode(Reply(id: id, result: try await patronImport(arguments(data))))
        case .patronPin: return try encode(Reply(id: id, result: try await patronPin(arguments(data))))
        case .classAdd: return try encode(Reply(id: id, result: try await classAdd(arguments(data))))
        case .classShow: return try encode(Reply(id: id, result: try await classShow(arguments(data))))
        case .loanCheckout: return try encode(Reply(id: id, result: try await checkout(arguments(data))))
        case .loanCheckin: return try encode(Reply(id: id, result: try await checkin(arguments(data))))
        case .loanRenew: return try encode(Reply(id: id, result: try await renew(arguments(data))))
        case .loanList: return try encode(Reply(id: id, result: try await loanList(arguments(data, default: LoanListArgs()))))
        case .equipmentAdd: return try encode(Reply(id: id, result: try await equipmentAdd(arguments(data))))
        case .equipmentShow: return try encode(Reply(id: id, result: try await equipmentShow(arguments(data))))
        case .equipmentFind: return try encode(Reply(id: id, result: try await equipmentFind(arguments(data))))
        case .lessonLend: return try encode(Reply(id: id, result: try await lessonLend(arguments(data))))
        case .lessonReturn: return try encode(Reply(id: id, result: try await lessonReturn(arguments(data))))
        case .labelTemplates: return try encode(Reply(id: id, result: try labelTemplates(arguments(data, default: LabelTemplatesArgs()))))
        case .labelRender: return try encode(Reply(id: id, result: try await labelRender(arguments(data))))
        case .labelPreview: return try encode(Reply(id: id, result: try labelPreview(arguments(data))))
        case .eventsSubscribe: throw Refusal(code: .internalError)  // answered by `reply`, which owns the subscription
        case .scanList: return try encode(Reply(id: id, result: try await scanList(arguments(data, default: ScanListArgs()))))
        case .deskMode: return try encode(Reply(id: id, result: try await deskMode(arguments(data))))
        case .scannerList:
            try noArguments(data)
            return try encode(Reply(id: id, result: scannerList()))
        case .printSubmit: return try encode(Reply(id: id, result: try await printSubmit(arguments(data))))
        case .printJobs: return try encode(Reply(id: id, result: try await printJobs(arguments(data, default: PrintJobsArgs()))))
        case .printRetry: return try encode(Reply(id: id, result: try await printRetry(arguments(data))))
        case .printCancel: return try encode(Reply(id: id, result: try await printCancel(arguments(data))))
        case .printReprint: return try encode(Reply(id: id, result: try await printReprint(arguments(data))))
        case .printerList:
            try noArguments(data)
            return try encode(Reply(id: id, result: try await printerList()))
        case .inventoryStart:
            return try encode(Reply(id: id, result: try await inventoryStart(arguments(data, default: InventoryStartArgs()))))
        case .inventoryScan: return try encode(Reply(id: id, result: try await inventoryScan(arguments(data))))
        case .inventoryCount: return try encode(Reply(id: id, result: try await inventoryCount(arguments(data))))
        case .inventoryStatus:
            return try encode(Reply(id: id, result: try await inventoryStatus(arguments(data, default: InventorySessionArgs()))))
        case .inventoryClose:
            try noArguments(data)
            return try encode(Reply(id: id, result: try await inventoryClose()))
        case .inventoryReport: return try encode(Reply(id: id, result: try await inventoryReport(arguments(data))))
        case .backupCreate:
            try noArguments(data)
            return try encode(Reply(id: id, result: try await backupCreate()))
        case .backupRead: return try encode(Reply(id: id, result: try backupRead(arguments(data))))
        case .backupList: return try encode(Reply(id: id, result: try await backupList(arguments(data, default: BackupListArgs()))))
        case .inventoryApply:
            return try encode(Reply(id: id, result: try await inventoryApply(arguments(data, default: InventorySessionArgs()))))
        }
    }

    /// For an op without arguments: `args`, when given, must still be an object (or null).
    func noArguments(_ data: Data) throws {
        let _: NoArguments = try arguments(data, default: NoArguments())
    }

    /// The request's `args` as the op's type; a missing or ill-typed field is `bad_request`.
    func arguments<Arguments: Decodable>(_ data: Data, default fallback: Arguments? = nil) throws -> Arguments {
        let decoded: RequestArguments<Arguments>
        do {
            decoded = try WireFormat.decoder().decode(RequestArguments<Arguments>.self, from: data)
        } catch {
            throw Refusal(code: .badRequest, detail: Self.describe(error).replacingOccurrences(of: "\"args.", with: "\""))
        }
        guard let arguments = decoded.args ?? fallback else { throw Refusal(code: .badRequest, detail: "\"args\" is missing") }
        return arguments
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

    private func encode<Result: Codable & Sendable>(_ reply: Reply<Result>) throws -> [UInt8] {
        let line = Array(try WireFormat.encoder().encode(reply))
        // No reply may pass the frame limit the client holds it to (SPEC §8.1): an op whose
        // result could grow that large must page or summarise it; this is the backstop.
        guard line.count < maxFrameLength else {
            logger.error("reply too large", metadata: ["reply.bytes": "\(line.count)"])
            throw Refusal(code: .internalError, detail: "the reply would pass the 1 MiB frame limit")
        }
        return line
    }

    private func encodeFailure(id: JSONValue?, _ refusal: Refusal, language: Language) -> [UInt8] {
        let body = refusal.code.body(language, detail: refusal.detail, details: refusal.details)
        let reply = Reply<NoArguments>(id: id, error: body)
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
