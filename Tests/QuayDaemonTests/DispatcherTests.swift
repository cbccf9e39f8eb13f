import Foundation
import Logging
import QuayCodecs
import QuayProtocol
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
