import Foundation
import Logging
import QuayCodecs
import QuayProtocol
import QuayCore
import QuayLabels
import QuayStore
import Testing

@testable import QuayDaemon

/// The dispatcher without a socket: frames in, reply lines out.
@Suite struct DispatcherTests {
    let dispatcher: Dispatcher

    init() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("quay-dispatch-\(UUID().uuidString)/quay.sqlite").path
        var config = DaemonConfig()
        config.language = .en
        let state = DaemonState(
            config: config, configPath: nil, database: try QuayDatabase(path: path), boundSocketPath: "/tmp/x.sock",
            activated: false)
        dispatcher = Dispatcher(state: state, logger: Logger(label: "test"))
    }

    func reply(_ text: String, role: Role = .admin) async throws -> [String: JSONValue] {
        let bytes = try #require(await dispatcher.reply(to: .line(Array(text.utf8)), role: role))
        return try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).objectValue)
    }

    func errorCode(_ reply: [String: JSONValue]) -> String? {
        reply["error"]?.objectValue?["code"]?.stringValue
    }

    @Test func pingAnswersWithTheRequestID() async throws {
        let answer = try await reply(#"{"v":1,"id":"a-1","op":"ping"}"#)
        #expect(answer["id"] == "a-1")
        #expect(answer["ok"] == true)
        #expect(answer["result"] == .object(["pong": true]))
    }

    @Test(arguments: [
        ("not json", "bad_request", JSONValue.null),
        ("[1,2]", "bad_request", .null),
        (#"{"v":1,"op":"ping"}"#, "bad_request", .null),
        // Only ids that come back exactly as sent are taken: strings and 64-bit integers.
        (#"{"v":1,"id":{"x":1},"op":"ping"}"#, "bad_request", .null),
        (#"{"v":1,"id":9223372036854775808,"op":"ping"}"#, "bad_request", .null),
        (#"{"v":1,"id":1.5,"op":"ping"}"#, "bad_request", .null),
        (#"{"id":5,"op":"ping"}"#, "bad_request", 5),
        // A line that cannot be decoded is still answered with its id when the id can be read.
        (#"{"v":"1","id":5,"op":"ping"}"#, "bad_request", 5),
        (#"{"v":1,"id":9,"op":"ping","x":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}", "bad_request", 9),
        (#"{"v":2,"id":6,"op":"ping"}"#, "unsupported_version", 6),
        (#"{"v":1,"id":7}"#, "bad_request", 7),
        (#"{"v":1,"id":8,"op":"loan.teleport"}"#, "unknown_op", 8),
    ] as [(String, String, JSONValue)])
    func badRequestsGetTheirCode(line: String, code: String, id: JSONValue) async throws {
        let answer = try await reply(line)
        #expect(answer["ok"] == false)
        #expect(errorCode(answer) == code)
        #expect(answer["id"] == id)
        #expect(answer["error"]?.objectValue?["message"]?.stringValue?.isEmpty == false)
    }

    @Test func messagesFollowTheRequestLanguage() async throws {
        let vi = try await reply(#"{"v":1,"id":1,"op":"nope","lang":"vi"}"#)
        #expect(vi["error"]?.objectValue?["message"]?.stringValue == "Không có thao tác này: nope")
        let en = try await reply(#"{"v":1,"id":1,"op":"nope"}"#)
        #expect(en["error"]?.objectValue?["message"]?.stringValue == "Unknown operation: nope")
    }

    @Test func strangersArePermissionDenied() async throws {
        let answer = try await reply(#"{"v":1,"id":1,"op":"status"}"#, role: .none)
        #expect(errorCode(answer) == "permission_denied")
        let desk = try await reply(#"{"v":1,"id":1,"op":"status"}"#, role: .desk)
        #expect(desk["ok"] == true)
    }

    @Test func theDeskScansAnInventoryWhichOnlyAnAdminOpensClosesAndApplies() async throws {
        for op in ["inventory.start", "inventory.close", "inventory.apply"] {
            let answer = try await reply(#"{"v":1,"id":1,"op":"\#(op)"}"#, role: .desk)
            #expect(errorCode(answer) == "permission_denied", "\(op)")
        }
        let scan = try await reply(#"{"v":1,"id":1,"op":"inventory.scan","args":{"location":"KE-A","items":["STK.000001"]}}"#, role: .desk)
        #expect(errorCode(scan) == "inventory_not_open")
        #expect(try await reply(#"{"v":1,"id":1,"op":"inventory.start"}"#)["ok"] == true)
        let scanned = try await reply(#"{"v":1,"id":1,"op":"inventory.scan","args":{"location":"KE-A","items":["X1"]}}"#, role: .desk)
        #expect(scanned["ok"] == true)
        let status = try await reply(#"{"v":1,"id":1,"op":"inventory.status"}"#, role: .desk)
        #expect(status["result"]?.objectValue?["unknown"] == 1)
        let empty = try await reply(#"{"v":1,"id":1,"op":"inventory.scan","args":{"location":"KE-A","items":[]}}"#, role: .desk)
        #expect(errorCode(empty) == "invalid_argument")
        let condition = try await reply(
            #"{"v":1,"id":1,"op":"inventory.scan","args":{"location":"KE-A","items":["X1"],"condition":"so-so"}}"#, role: .desk)
        #expect(errorCode(condition) == "invalid_argument")
        let category = try await reply(#"{"v":1,"id":1,"op":"inventory.report","args":{"category":"lost"}}"#, role: .desk)
        #expect(errorCode(category) == "invalid_argument")
    }

    @Test func aDryRunOfAnUploadedClassListWritesNothingAndKeepsTheUploadForTheImport() async throws {
        let csv = Data("card,name,class\nHS000007,Lê Ư,6A\nHS000008,,6A\n".utf8)
        let begun = try await reply(#"{"v":1,"id":1,"op":"upload.begin","args":{"size_bytes":\#(csv.count)}}"#)
        guard case .int(let upload) = try #require(begun["result"]?.objectValue?["upload"]) else { Issue.record("no upload number"); return }
        let wrote = try await reply(#"{"v":1,"id":2,"op":"upload.write","args":{"upload":\#(upload),"offset":0,"data":"\#(csv.base64EncodedString())"}}"#)
        #expect(wrote["ok"] == true)
        let line = #"{"v":1,"id":3,"op":"patron.import","args":{"upload":\#(upload),"school_year":"2026-2027","dry_run":true}}"#
        let dry = try #require(try await reply(line)["result"]?.objectValue)
        #expect(dry["dry_run"] == true && dry["imported"] == 1, "\(dry)")
        #expect(dry["rejected"] == .array([.object(["line": 3, "reason": "invalid_argument: name must not be empty"])]))
        #expect(errorCode(try await reply(#"{"v":1,"id":4,"op":"patron.show","args":{"card":"HS000007"}}"#)) == "not_found")
        #expect(try await reply(#"{"v":1,"id":5,"op":"class.list","args":{"school_year":"2026-2027"}}"#)["result"]?.objectValue?["classes"] == .array([]))
        // The same upload, imported for real; then it is gone.
        let real = line.replacingOccurrences(of: #","dry_run":true"#, with: "")
        let done = try #require(try await reply(real)["result"]?.objectValue)
        #expect(done["dry_run"] == false && done["imported"] == 1 && done["patrons"] == dry["patrons"], "\(done)")
        #expect(try await reply(#"{"v":1,"id":6,"op":"patron.show","args":{"card":"HS000007"}}"#)["ok"] == true)
        #expect(errorCode(try await reply(real)) == "not_found")
    }

    @Test func anOversizedFrameIsAnswered() async throws {
        let bytes = try #require(await dispatcher.reply(to: .tooLarge, role: .admin))
        let answer = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).objectValue)
        #expect(errorCode(answer) == "frame_too_large")
        #expect(answer["id"] == .null)
    }

    @Test func blankLinesAreNoRequests() async {
        #expect(await dispatcher.reply(to: .line([]), role: .admin) == nil)
        #expect(await dispatcher.reply(to: .line(Array("  ".utf8)), role: .admin) == nil)
    }

    @Test func statusCountsTheRegisters() async throws {
        let answer = try await reply(#"{"v":1,"id":1,"op":"status"}"#)
        let database = answer["result"]?.objectValue?["database"]?.objectValue
        #expect(database?["counts"]?.objectValue?["register"] == 5)
        #expect(database?["counts"]?.objectValue?["item"] == 0)
        #expect(database?["journal_mode"] == "wal")
    }
    /// A value as its JSON, to set a typed reply beside a reply line's.
    func json<Value: Encodable>(_ value: Value) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: WireFormat.encoder().encode(value))
    }

    /// The web console's calls (`perform`) answer what the same request line answers, with
    /// the same checks and refusals: the role, control characters, NFC, bad arguments.
    @Test func aCallFromInsideQuaydIsAnsweredAsItsRequestLine() async throws {
        let added: Reply<PatronView> = await dispatcher.perform(.patronAdd, PatronAddArgs(card: "HS001", name: "Nguyễn Văn An"), role: .desk, language: .vi)
        #expect(added.ok)
        let typed: Reply<PatronView> = await dispatcher.perform(.patronShow, CardArgs(card: "HS001"), role: .desk, language: .vi)
        let line = try await reply(#"{"v":1,"id":1,"op":"patron.show","lang":"vi","args":{"card":"HS001"}}"#, role: .desk)
        #expect(try json(typed) == .object(line))

        // A refusal: its code, message and details, in the caller's language.
        let missing: Reply<PatronView> = await dispatcher.perform(.patronShow, CardArgs(card: "HS404"), role: .desk, language: .vi)
        let missingLine = try await reply(#"{"v":1,"id":1,"op":"patron.show","lang":"vi","args":{"card":"HS404"}}"#, role: .desk)
        #expect(try json(missing) == .object(missingLine))
        #expect(missing.error?.code == "not_found")

        // The role: an admin's op asked by the desk.
        let denied: Reply<StaffListResult> = await dispatcher.perform(.staffList, NoArguments?.none, role: .desk, language: .en)
        let deniedLine = try await reply(#"{"v":1,"id":1,"op":"staff.list","lang":"en"}"#, role: .desk)
        #expect(try json(denied) == .object(deniedLine))
        #expect(denied.error?.code == "permission_denied")

        // A bad argument, named as the line path names it.
        let blank: Reply<PatronView> = await dispatcher.perform(.patronAdd, PatronAddArgs(card: "HS002", name: " "), role: .desk, language: .en)
        let blankLine = try await reply(#"{"v":1,"id":1,"op":"patron.add","lang":"en","args":{"card":"HS002","name":" "}}"#, role: .desk)
        #expect(blank.error?.code == "invalid_argument")
        #expect(try json(blank) == .object(blankLine))
    }

    @Test func aCallFromInsideQuaydMeetsTheDoorsChecks() async throws {
        // A control character: refused as the socket refuses it, and nothing written.
        let escaped: Reply<PatronView> = await dispatcher.perform(.patronAdd, PatronAddArgs(card: "HS003", name: "An\u{1B}[31m"), role: .desk, language: .en)
        let escapedLine = try await reply(#"{"v":1,"id":1,"op":"patron.add","lang":"en","args":{"card":"HS003","name":"An\u001b[31m"}}"#, role: .desk)
        #expect(escaped.error?.code == "invalid_argument")
        #expect(try json(escaped) == .object(escapedLine))
        let none: Reply<PatronView> = await dispatcher.perform(.patronShow, CardArgs(card: "HS003"), role: .desk, language: .en)
        #expect(none.error?.code == "not_found")

        // Text not in NFC is stored in NFC (SPEC §12), as from the socket.
        let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} Ba"
        #expect(decomposed.unicodeScalars.count != VietnameseText.nfc(decomposed).unicodeScalars.count)
        let added: Reply<PatronView> = await dispatcher.perform(.patronAdd, PatronAddArgs(card: "HS004", name: decomposed), role: .desk, language: .en)
        #expect(added.error == nil, "\(String(describing: added.error))")
        #expect(added.result?.name.unicodeScalars.elementsEqual("Nguyễn Thị Ba".unicodeScalars) == true)
    }

    /// A caller may read a part of the result, or give the arguments as another type: both
    /// go as a socket client's would, through the JSON.
    @Test func aCallFromInsideQuaydMayReadAPartOrGiveOtherArguments() async throws {
        let _: Reply<PatronView> = await dispatcher.perform(.patronAdd, PatronAddArgs(card: "HS005", name: "Lê Thu"), role: .desk, language: .en)
        struct NameOnly: Codable, Sendable { var name: String }
        let part: Reply<NameOnly> = await dispatcher.perform(.patronShow, CardArgs(card: "HS005"), role: .desk, language: .en)
        #expect(part.result?.name == "Lê Thu")
        let other: Reply<PatronView> = await dispatcher.perform(.patronShow, ["card": "HS005"], role: .desk, language: .en)
        #expect(other.result?.card == "HS005")
    }
}

/// The op table: each op declared once, and the request path's refusals with their codes.
@Suite struct OpTableTests {
    @Test func everyOpIsDeclaredOnceInTheTable() {
        let names = Dispatcher.operations.map(\.op.rawValue)
        #expect(names.count == Set(names).count, "an op declared twice")
        #expect(Set(names) == Set(Op.allCases.map(\.rawValue)), "an op without a handler")
        #expect(Operation.byName.count == Op.allCases.count)
    }

    @Test func onlyAdminsImportOpenCloseOrApplyAnInventoryConfirmADisposalOrRollTheYearOver() {
        let admin = Set(Dispatcher.operations.filter { $0.role == .admin }.map(\.op))
        #expect(admin == [.patronImport, .uploadBegin, .uploadWrite, .importCatalogue, .importEquipment, .importProgress, .backupTake, .staffAdd, .staffList, .staffRemove, .inventoryStart, .inventoryClose, .inventoryApply, .disposalConfirm, .yearRollover])
        #expect(Dispatcher.operations.allSatisfy { $0.role != .none })
    }

    @Test(arguments: [
        // unknown op
        (#"{"v":1,"id":1,"op":"loan.teleport","args":{"item":"STK.000001"}}"#, Role.admin, "unknown_op"),
        // the wrong role, even with arguments of the wrong shape: the role is answered first
        (#"{"v":1,"id":2,"op":"patron.import","args":{"csv":5}}"#, .desk, "permission_denied"),
        (#"{"v":1,"id":3,"op":"ping"}"#, .none, "permission_denied"),
        // arguments of the wrong type, for ops with and without arguments
        (#"{"v":1,"id":4,"op":"loan.checkout","args":{"item":5}}"#, .admin, "bad_request"),
        (#"{"v":1,"id":5,"op":"loan.checkout","args":[1]}"#, .admin, "bad_request"),
        (#"{"v":1,"id":6,"op":"loan.checkout"}"#, .admin, "bad_request"),
        (#"{"v":1,"id":7,"op":"ping","args":5}"#, .admin, "bad_request"),
        (#"{"v":1,"id":8,"op":"shelf.list","args":{"limit":"ten"}}"#, .admin, "bad_request"),
        // another version is answered before the arguments are looked at
        (#"{"v":2,"id":9,"op":"loan.checkout","args":{"item":5}}"#, .admin, "unsupported_version"),
    ] as [(String, Role, String)])
    func refusalsKeepTheirCodes(line: String, role: Role, code: String) async throws {
        let dispatcher = try DispatcherTests().dispatcher
        let bytes = try #require(await dispatcher.reply(to: .line(Array(line.utf8)), role: role))
        let answer = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).objectValue)
        #expect(answer["ok"] == false)
        #expect(answer["error"]?.objectValue?["code"]?.stringValue == code, "\(line)")
        #expect(answer["id"] != .null)
    }

    @Test func aWrongArgumentIsNamed() async throws {
        let dispatcher = try DispatcherTests().dispatcher
        let line = #"{"v":1,"id":1,"op":"loan.checkout","args":{"item":5}}"#
        let bytes = try #require(await dispatcher.reply(to: .line(Array(line.utf8)), role: .admin))
        let answer = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).objectValue)
        #expect(answer["error"]?.objectValue?["message"]?.stringValue == "Bad request: \"item\" has the wrong type")
    }
}

/// One mapping from any error to a protocol code: every store, label and circulation code maps
/// to an `ErrorCode` that docs/protocol.md lists, with a message in both languages.
@Suite struct ErrorMappingTests {
    static func documentedCodes() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        return Set(ErrorCode.allCases.map(\.rawValue).filter { text.contains("`\($0)`") })
    }

    func check(_ code: ErrorCode, documented: Set<String>) {
        #expect(documented.contains(code.rawValue), "\(code.rawValue) is not in docs/protocol.md")
        let vi = code.message(.vi), en = code.message(.en)
        #expect(!vi.isEmpty && !en.isEmpty && vi != en, "\(code.rawValue) needs both messages")
    }

    @Test func everyStoreCodeMapsToADocumentedCode() throws {
        let documented = try Self.documentedCodes()
        for code in StoreError.Code.allCases {
            let mapped = ErrorCode(code)
            check(mapped, documented: documented)
            // Spelled the same, but for the two that never reach a reply.
            if code != .databaseUnavailable && code != .invalidBackup { #expect(mapped.rawValue == code.rawValue) }
            let refusal = Refusal(StoreError(code: code, reason: "x"))
            #expect(refusal.code == mapped)
            #expect(refusal.detail == "x")
        }
    }

    @Test func everyLabelCodeMapsToADocumentedCode() throws {
        let documented = try Self.documentedCodes()
        for code in LabelError.Code.allCases {
            #expect(ErrorCode(code).rawValue == code.rawValue)
            check(ErrorCode(code), documented: documented)
            #expect(Refusal(LabelError(code, "d")).code == ErrorCode(code))
        }
    }

    @Test func everyCirculationRefusalMapsToADocumentedCode() throws {
        let documented = try Self.documentedCodes()
        for refusal in [CirculationRefusal.borrowerBlocked, .borrowerHasOverdue, .notLoanable, .itemUnavailable, .itemOnLoan,
            .limitReached, .renewalLimit, .notOnLoan]
        {
            let mapped = Refusal(StoreError(refusal, reason: "")).code
            #expect(mapped.rawValue == refusal.rawValue)
            check(mapped, documented: documented)
        }
    }

    @Test func everyProtocolCodeHasBothMessages() throws {
        let documented = try Self.documentedCodes()
        for code in ErrorCode.allCases { check(code, documented: documented) }
    }

    @Test func anythingElseIsInternalAndAFault() {
        struct Surprise: Error {}
        let refusal = Refusal(Surprise())
        #expect(refusal.code == .internalError)
        #expect(refusal.origin == .fault)
        #expect(Refusal(StoreError(code: .diskFull, reason: "")).origin == .disk)
        #expect(Refusal(Refusal(code: .notFound)).origin == .refusal)
    }
}

@Suite struct AccessTests {
    @Test func rolesFollowUserAndGroups() throws {
        let users = try #require(AccessPolicy.groupID(named: "users"))
        let policy = AccessPolicy(deskGroup: "users", adminGroup: "no-such-group-here", daemonUID: 4242)
        #expect(policy.role(of: Peer(pid: 1, uid: 0, gid: 0, groups: [])) == .admin)
        #expect(policy.role(of: Peer(pid: 1, uid: 4242, gid: 4242, groups: [])) == .admin)
        #expect(policy.role(of: Peer(pid: 1, uid: 1000, gid: 1000, groups: [users])) == .desk)
        #expect(policy.role(of: Peer(pid: 1, uid: 1000, gid: users, groups: [])) == .desk)
        #expect(policy.role(of: Peer(pid: 1, uid: 1000, gid: 1000, groups: [65534])) == .none)
    }
}
