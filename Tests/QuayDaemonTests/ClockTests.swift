import Foundation
import Logging
import QuayCodecs
import QuayProtocol
import QuayStore
import NIOConcurrencyHelpers
import Testing

@testable import QuayDaemon

/// The clock stepping back an hour in the middle of checkouts (issue 13): NTP after a power
/// cut, or a BIOS clock set wrong. Loans and returns go on, none is lost, none refused.
@Suite struct ClockTests {
    @Test func theClockSteppingBackAnHourDuringCheckoutsLosesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-clock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try QuayDatabase(path: directory.appendingPathComponent("quay.sqlite").path)
        var config = DaemonConfig()
        config.language = .en
        let clock = NIOLockedValueBox(Date(timeIntervalSince1970: 1_795_000_000))  // a school day in 2026
        let state = DaemonState(
            config: config, configPath: nil, database: database, boundSocketPath: nil, activated: false,
            now: { clock.withLockedValue { $0 } })
        let dispatcher = Dispatcher(state: state, logger: Logger(label: "test"))
        func call(_ line: String) async throws -> [String: JSONValue] {
            let bytes = try #require(await dispatcher.reply(to: .line(Array(line.utf8)), role: .admin))
            return try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).objectValue)
        }
        _ = try await call(#"{"v":1,"id":1,"op":"intake","args":{"register":"STK","copies":40,"title":"Dế Mèn"}}"#)
        for index in 1...20 {
            let added = try await call(#"{"v":1,"id":2,"op":"patron.add","args":{"card":"HS\#(String(format: "%06d", index))","name":"Em \#(index)"}}"#)
            #expect(added["ok"] == .bool(true), "\(added)")
        }
        var lent: [String] = []
        for index in 1...20 {
            // Half way through, the clock steps back an hour.
            if index == 11 { clock.withLockedValue { $0 = $0.addingTimeInterval(-3600) } }
            clock.withLockedValue { $0 = $0.addingTimeInterval(30) }
            let item = String(format: "STK.%06d", index)
            let reply = try await call(
                #"{"v":1,"id":3,"op":"loan.checkout","args":{"patron":"HS\#(String(format: "%06d", index))","item":"\#(item)"}}"#)
            #expect(reply["ok"] == .bool(true), "\(item): \(reply)")
            lent.append(item)
        }
        // Every loan comes back, those lent "after" the return time included.
        for item in lent {
            let reply = try await call(#"{"v":1,"id":4,"op":"loan.checkin","args":{"item":"\#(item)"}}"#)
            #expect(reply["ok"] == .bool(true), "\(item): \(reply)")
            let loan = reply["result"]?.objectValue
            if let loanedAt = loan?["loaned_at"]?.stringValue, let returnedAt = loan?["returned_at"]?.stringValue {
                #expect(returnedAt >= loanedAt, "\(item): returned \(returnedAt) before its loan \(loanedAt)")
            }
        }
        let open = try await call(#"{"v":1,"id":5,"op":"loan.list","args":{}}"#)
        guard case .array(let loans)? = open["result"]?.objectValue?["loans"] else {
            Issue.record("no loan list: \(open)")
            return
        }
        #expect(loans.isEmpty, "\(loans)")
    }
}
