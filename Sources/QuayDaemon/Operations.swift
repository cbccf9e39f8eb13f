import QuayProtocol

/// One op of the protocol, declared once: its name, the role it needs, its arguments' and
/// result's types (those of its handler) and its handler. `Dispatcher.operations` is the table;
/// a new op is one line there, a case in `Op` and a section in docs/protocol.md.
struct Operation: Sendable {
    let op: Op
    let role: Role
    /// A write through group commit that reads nothing before it (a checkout, a return): a
    /// connection may hand the writer the next such request before this one is committed.
    var pipelines = false
    /// Reads `args` from the request's own container, in the one pass that decodes the
    /// envelope, and returns the call ready to run; throws when `args` has the wrong shape.
    let prepare: @Sendable (KeyedDecodingContainer<RequestKey>) throws -> Call
    /// The same handler for a front end inside quayd (the web console, `Dispatcher.perform`):
    /// the arguments as the op's own type (nil: its default), the result as the handler gave
    /// it, no JSON text either way. Nil, without running anything, for arguments of another
    /// type.
    let perform: Perform

    typealias Call = @Sendable (Dispatcher, _ id: JSONValue) async throws -> Dispatcher.Response
    typealias Perform = @Sendable (Dispatcher, _ args: (any Sendable)?) async throws -> (any Encodable & Sendable)?

    /// An op with arguments; `fallback` stands in for an absent or null `args` (else it is a bad request).
    init<Args: Decodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, role: Role = .desk, default fallback: Args? = nil,
        _ handler: @escaping @Sendable (Dispatcher) -> (Args) async throws -> Result
    ) {
        self.op = op
        self.role = role
        prepare = { container in
            let args = try Self.arguments(container, fallback)
            return { dispatcher, id in
                Dispatcher.Response(line: try dispatcher.encode(Reply(id: id, result: try await handler(dispatcher)(args))))
            }
        }
        perform = { dispatcher, given in
            let args: Args
            if let given {
                // Arguments of another type are not this op's.
                guard let typed = given as? Args else { return nil }
                args = typed
            } else {
                // None at all and no default: the line path's bad request too.
                guard let fallback else { throw Refusal(code: .badRequest, detail: "\"args\" is missing") }
                args = fallback
            }
            return try await handler(dispatcher)(args)
        }
    }

    /// An op without arguments: `args`, when given, must still be an object (or null).
    init<Result: Codable & Sendable>(
        _ op: Op, role: Role = .desk, _ handler: @escaping @Sendable (Dispatcher) -> () async throws -> Result
    ) {
        self.init(op, role: role, default: NoArguments()) { dispatcher in { (_: NoArguments) in try await handler(dispatcher)() } }
    }

    /// `events.subscribe`: the reply, and the topics the connection streams from then on.
    init(subscribe op: Op, _ topics: @escaping @Sendable (Dispatcher, EventsSubscribeArgs) -> [String]) {
        self.op = op
        role = .desk
        prepare = { container in
            let args = try Self.arguments(container, EventsSubscribeArgs())
            return { dispatcher, id in
                let topics = topics(dispatcher, args)
                return Dispatcher.Response(
                    line: try dispatcher.encode(Reply(id: id, result: EventsSubscribeResult(topics: topics))), subscription: topics)
            }
        }
        // A stream belongs to a connection: inside quayd, `EventHub.subscribe` is the way.
        perform = { _, _ in nil }
    }

    private static func arguments<Args: Decodable>(_ container: KeyedDecodingContainer<RequestKey>, _ fallback: Args?) throws -> Args {
        let decoded: Args?
        do {
            decoded = try container.decodeIfPresent(Args.self, forKey: .args)
        } catch {
            throw Refusal(code: .badRequest, detail: Dispatcher.describe(error).replacingOccurrences(of: "\"args.", with: "\""))
        }
        guard let arguments = decoded ?? fallback else { throw Refusal(code: .badRequest, detail: "\"args\" is missing") }
        return arguments
    }

    func pipelined() -> Operation {
        var operation = self
        operation.pipelines = true
        return operation
    }

    /// The table by wire name.
    static let byName: [String: Operation] = Dictionary(
        Dispatcher.operations.map { ($0.op.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
    /// The table by op, for the calls from inside quayd.
    static let byOp: [Op: Operation] = Dictionary(Dispatcher.operations.map { ($0.op, $0) }, uniquingKeysWith: { first, _ in first })
}

/// The keys of a request line.
enum RequestKey: String, CodingKey { case v, id, op, args, lang }

/// A request line decoded in one pass: the envelope, and — once `op` names a known op — its
/// `args` as that op's type. A fault in `args` is kept, not thrown, so that the envelope's own
/// faults (a missing id, another version, an unknown op, a role) are answered first.
struct DecodedRequest: Decodable {
    var v: Int?
    var id: JSONValue?
    var op: String?
    var lang: String?
    var operation: Operation?
    var call: Result<Operation.Call, any Error>?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: RequestKey.self)
        v = try container.decodeIfPresent(Int.self, forKey: .v)
        id = try container.decodeIfPresent(JSONValue.self, forKey: .id)
        op = try container.decodeIfPresent(String.self, forKey: .op)
        lang = try container.decodeIfPresent(String.self, forKey: .lang)
        if let op, let operation = Operation.byName[op] {
            self.operation = operation
            call = Result { try operation.prepare(container) }
        }
    }
}

/// The op table (SPEC §8.3, docs/protocol.md). Desk work (SPEC §8.4: loans, printing, inventory
/// scans), corrections, and reading is for group quay; bulk imports, opening, closing and
/// applying an inventory, confirming a disposal and the school-year rollover for admins.
extension Dispatcher {
    static let operations: [Operation] = [
        Operation(.ping, Dispatcher.ping),
        Operation(.status, Dispatcher.status),
        Operation(.intake, Dispatcher.intake),
        Operation(.recordShow, Dispatcher.recordShow),
        Operation(.recordFind, Dispatcher.recordFind),
        Operation(.itemShow, Dispatcher.itemShow),
        Operation(.shelfList, default: ShelfListArgs(), Dispatcher.shelfList),
        Operation(.registerList, Dispatcher.registerList),
        Operation(.patronAdd, Dispatcher.patronAdd),
        Operation(.patronShow, Dispatcher.patronShow),
        Operation(.patronFind, Dispatcher.patronFind),
        Operation(.patronImport, role: .admin, Dispatcher.patronImport),
        Operation(.patronPin, Dispatcher.patronPin),
        Operation(.classAdd, Dispatcher.classAdd),
        Operation(.classShow, Dispatcher.classShow),
        Operation(.classList, default: ClassListArgs(), Dispatcher.classList),
        Operation(.loanCheckout, Dispatcher.checkout).pipelined(),
        Operation(.loanCheckin, Dispatcher.checkin).pipelined(),
        Operation(.loanRenew, Dispatcher.renew),
        Operation(.loanList, default: LoanListArgs(), Dispatcher.loanList),
        Operation(.equipmentAdd, Dispatcher.equipmentAdd),
        Operation(.equipmentShow, Dispatcher.equipmentShow),
        Operation(.equipmentFind, Dispatcher.equipmentFind),
        Operation(.lessonLend, Dispatcher.lessonLend),
        Operation(.lessonReturn, Dispatcher.lessonReturn),
        Operation(.labelTemplates, default: LabelTemplatesArgs(), Dispatcher.labelTemplates),
        Operation(.labelRender, Dispatcher.labelRender),
        Operation(.labelPreview, Dispatcher.labelPreview),
        Operation(subscribe: .eventsSubscribe) { dispatcher, args in (args.topics ?? []).compactMap(dispatcher.text) },
        Operation(.scanList, default: ScanListArgs(), Dispatcher.scanList),
        Operation(.deskMode, Dispatcher.deskMode),
        Operation(.scannerList, Dispatcher.scannerList),
        Operation(.printSubmit, Dispatcher.printSubmit),
        Operation(.printJobs, default: PrintJobsArgs(), Dispatcher.printJobs),
        Operation(.printRetry, Dispatcher.printRetry),
        Operation(.printCancel, Dispatcher.printCancel),
        Operation(.printReprint, Dispatcher.printReprint),
        Operation(.printerList, Dispatcher.printerList),
        Operation(.inventoryStart, role: .admin, default: InventoryStartArgs(), Dispatcher.inventoryStart),
        Operation(.inventoryScan, Dispatcher.inventoryScan),
        Operation(.inventoryCount, Dispatcher.inventoryCount),
        Operation(.inventoryStatus, default: InventorySessionArgs(), Dispatcher.inventoryStatus),
        Operation(.inventoryClose, role: .admin, Dispatcher.inventoryClose),
        Operation(.inventoryReport, Dispatcher.inventoryReport),
        Operation(.inventoryApply, role: .admin, default: InventorySessionArgs(), Dispatcher.inventoryApply),
        Operation(.backupCreate, Dispatcher.backupCreate),
        Operation(.backupRead, Dispatcher.backupRead),
        Operation(.backupList, default: BackupListArgs(), Dispatcher.backupList),
        Operation(.backupTake, role: .admin, Dispatcher.backupTake),
        Operation(.recordUpdate, Dispatcher.recordUpdate),
        Operation(.itemUpdate, Dispatcher.itemUpdate),
        Operation(.itemState, Dispatcher.itemState),
        Operation(.patronUpdate, Dispatcher.patronUpdate),
        Operation(.patronBlock, Dispatcher.patronBlock),
        Operation(.patronUnblock, Dispatcher.patronUnblock),
        Operation(.patronLeave, Dispatcher.patronLeave),
        Operation(.classUpdate, Dispatcher.classUpdate),
        Operation(.equipmentUpdate, Dispatcher.equipmentUpdate),
        Operation(.equipmentExpiring, default: ExpiringArgs(), Dispatcher.equipmentExpiring),
        Operation(.unitUpdate, Dispatcher.unitUpdate),
        Operation(.loanLost, Dispatcher.loanLost),
        Operation(.history, Dispatcher.history),
        Operation(.disposalOpen, Dispatcher.disposalOpen),
        Operation(.disposalAdd, Dispatcher.disposalAdd),
        Operation(.disposalRemove, Dispatcher.disposalRemove),
        Operation(.disposalShow, Dispatcher.disposalShow),
        Operation(.disposalList, default: DisposalListArgs(), Dispatcher.disposalList),
        Operation(.disposalConfirm, role: .admin, Dispatcher.disposalConfirm),
        Operation(.disposalCancel, Dispatcher.disposalCancel),
        Operation(.yearRollover, role: .admin, default: RolloverArgs(), Dispatcher.yearRollover),
        Operation(.commandsSheet, default: CommandSheetArgs(), Dispatcher.commandsSheet),
        Operation(.reportList, Dispatcher.reportList),
        Operation(.reportRun, Dispatcher.reportRun),
        Operation(.reportRead, Dispatcher.reportRead),
        Operation(.uploadBegin, role: .admin, Dispatcher.uploadBegin),
        Operation(.uploadWrite, role: .admin, Dispatcher.uploadWrite),
        Operation(.importCatalogue, role: .admin, Dispatcher.importCatalogue),
        Operation(.importEquipment, role: .admin, Dispatcher.importEquipment),
        Operation(.importProgress, role: .admin, Dispatcher.importProgress),
        Operation(.deskScan, Dispatcher.deskScan),
        Operation(.staffAdd, role: .admin, Dispatcher.staffAdd),
        Operation(.staffList, role: .admin, Dispatcher.staffList),
        Operation(.staffRemove, role: .admin, Dispatcher.staffRemove),
        Operation(.staffLogin, Dispatcher.staffLogin),
        Operation(.exportRun, Dispatcher.exportRun),
    ]

    func ping() -> PingResult { PingResult() }
}
