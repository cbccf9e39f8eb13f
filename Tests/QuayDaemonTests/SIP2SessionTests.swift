import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayStore
import Testing

@testable import QuayDaemon

/// Every SIP2 message a kiosk sends, answered to the exact byte by a session over a real store
/// with the clock fixed at 2026-12-01 09:30:00 in Vietnam (SIP2's local time).
@Suite struct SIP2SessionTests {
    let now = Day("2026-12-01")!.date.addingTimeInterval(9.5 * 3600)
    let date = "20261201    093000"
    let session: SIP2Session
    let database: QuayDatabase

    init() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-sip2-\(UUID().uuidString)/q.sqlite").path
        database = try QuayDatabase(path: path, synchronous: .normal)
        let at = now
        _ = try await database.intake(
            Intake(registerCode: "STK", copies: 2, record: NewRecord(title: "Mắt biếc", kind: .children), receivedOn: "2026-11-01"), at: at)
        _ = try await database.addPatron(NewPatron(card: "HS1", name: "Nguyễn Văn An", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: at)
        try await database.setPINHash(card: "HS1", hash: Secrets.hash("1234"))
        var config = DaemonConfig()
        config.schoolName = "Trường Thử"
        var settings = SIP2Settings()
        var account = SIP2Account(login: "k", passwordHash: try #require(Secrets.hash("pw")))
        account.institution = "THCS"
        account.desk = "quay-k"
        settings.accounts = [account]
        config.sip2 = settings
        let state = DaemonState(config: config, configPath: nil, database: database, boundSocketPath: nil, activated: false)
        session = SIP2Session(state: state, settings: settings, guardian: PINGuard(), logger: Logger(label: "test"), now: { at })
    }

    /// The reply to `text` (sent without error detection), as text without its CR.
    func reply(_ text: String) async -> String {
        let answer = await session.handle(.message(Array(text.utf8)))
        guard let bytes = answer.bytes, bytes.last == 13 else { return "(no reply)" }
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }

    @Test func everyMessageIsAnsweredToTheByte() async throws {
        #expect(await reply("9300CNk|COpw|CPquay-k|") == "941")
        #expect(await reply("9900302.00") == "98YYYYNY030003\(date)2.00AOTHCS|AMTrường Thử|BXYYYYYYYYYNYNNNYY|ANquay-k|AF|AG|")
        #expect(await reply("23000\(date)AOTHCS|AAHS1|AC|AD1234|")
            == "24              000\(date)AOTHCS|AAHS1|AENguyễn Văn An|BLY|CQY|AF|")
        let due = "20261215    235959"  // 14 days, a Tuesday
        #expect(await reply("11NN\(date)                  AOTHCS|AAHS1|ABSTK.000001|AC|AD1234|")
            == "121NNY\(date)AOTHCS|AAHS1|ABSTK.000001|AJMắt biếc|AH\(due)|AFĐã mượn: Mắt biếc, hạn trả 15/12/2026|")
        #expect(await reply("17\(date)AOTHCS|ABSTK.000001|") == "18040001\(date)ABSTK.000001|AJMắt biếc|AH\(due)|AQ|AP|AF|")
        #expect(await reply("63000\(date)  Y       AOTHCS|AAHS1|AD1234|")
            == "64              000\(date)000000000001000000000000AOTHCS|AAHS1|AENguyễn Văn An|BLY|CQY|AUSTK.000001|AF|")
        #expect(await reply("29NN\(date)                  AOTHCS|AAHS1|AD1234|ABSTK.000001|")
            == "301YNY\(date)AOTHCS|AAHS1|ABSTK.000001|AJMắt biếc|AH\(due)|AFĐã gia hạn: Mắt biếc, hạn trả 15/12/2026|")
        // One renewal allowed: renew all renews nothing now.
        #expect(await reply("65\(date)AOTHCS|AAHS1|AD1234|")
            == "66100000001\(date)AOTHCS|BNSTK.000001|AFĐã gia hạn 0, không gia hạn được 1|")
        #expect(await reply("09N\(date)\(date)AP|AOTHCS|ABSTK.000001|AC|")
            == "101YNN\(date)AOTHCS|ABSTK.000001|AQ|AJMắt biếc|AAHS1|CL|AFĐã trả: Mắt biếc|")
        #expect(await reply("35\(date)AOTHCS|AAHS1|") == "36Y\(date)AOTHCS|AAHS1|AFCảm ơn, hẹn gặp lại!|")
        #expect(await reply("37\(date)0100VND AOTHCS|AAHS1|BV5000|") == "38N\(date)AOTHCS|AAHS1|AFQuầy không hỗ trợ chức năng này|")
        #expect(await reply("15+\(date)AOTHCS|AAHS1|") == "160N\(date)AOTHCS|AAHS1|AFQuầy không hỗ trợ chức năng này|")
        #expect(await reply("01N\(date)AOTHCS|ALmất thẻ|AAHS1|AC|")
            == "24YYYYY         000\(date)AOTHCS|AAHS1|AENguyễn Văn An|BLY|CQN|AFThẻ đã bị khoá|")
        #expect(await reply("23001\(date)AOTHCS|AAHS1|AD1234|")
            == "24YYYYY         001\(date)AOTHCS|AAHS1|AENguyễn Văn An|BLY|CQY|AFThis card is blocked; please see the library desk|")
        #expect(await reply("88unknown") == "96")
        // 97: the last reply, byte for byte.
        #expect(await reply("97") == "24YYYYY         001\(date)AOTHCS|AAHS1|AENguyễn Văn An|BLY|CQY|AFThis card is blocked; please see the library desk|")
    }

    @Test func withErrorDetectionTheReplyEchoesTheSequenceAndSumsItsBytes() async throws {
        #expect(await reply("9300CNk|COpw|CP|") == "941")
        let request = "17\(date)AOTHCS|ABSTK.000002|AY7AZ"
        let bytes = Array(request.utf8)
        let sum = bytes.reduce(UInt16(0)) { $0 &+ UInt16($1) }
        let answer = await session.handle(.message(bytes + Array(String(format: "%04X", ~sum &+ 1).utf8)))
        let body = "18030001\(date)ABSTK.000002|AJMắt biếc|AH|AQ|AP|AF|AY7AZ"
        let bodyBytes = Array(body.utf8)
        let check = String(format: "%04X", ~bodyBytes.reduce(UInt16(0)) { $0 &+ UInt16($1) } &+ 1)
        #expect(answer.bytes == bodyBytes + Array(check.utf8) + [13])
        // A wrong checksum: 96, and the session goes on.
        #expect(await reply("17\(date)AOTHCS|ABSTK.000002|AY8AZ0000") == "96")
        #expect(await session.handle(.tooLong).bytes == Array("96\r".utf8))
    }

    @Test func beforeLoginOnlyLoginIsTakenAndWrongPasswordsCloseTheConnection() async throws {
        let early = await session.handle(.message(Array("17\(date)AOTHCS|ABSTK.000001|".utf8)))
        #expect(early.bytes == nil && early.close)
        for attempt in 1...3 {
            let answer = await session.handle(.message(Array("9300CNk|COwrong|CP|".utf8)))
            #expect(answer.bytes == Array("940\r".utf8) && answer.close == (attempt == 3))
        }
    }
}
