import Foundation
import QuayCore
import QuayProtocol
import Testing

@Suite struct WireTests {
    @Test func successAndFailureHaveTheDocumentedShape() throws {
        let success = try WireFormat.encoder().encode(Reply(id: 7, result: PingResult()))
        #expect(String(decoding: success, as: UTF8.self) == #"{"id":7,"ok":true,"result":{"pong":true}}"#)
        let failure = try WireFormat.encoder().encode(
            Reply<NoArguments>(id: nil, error: ErrorCode.unknownOp.body(.en, detail: "x")))
        #expect(
            String(decoding: failure, as: UTF8.self)
                == #"{"error":{"code":"unknown_op","message":"Unknown operation: x"},"id":null,"ok":false}"#)
    }

    @Test func requestsCarryTheVersion() throws {
        let request = Request(id: "r1", op: "ping", args: NoArguments?.none, lang: .vi)
        let text = String(decoding: try WireFormat.encoder().encode(request), as: UTF8.self)
        #expect(text == #"{"id":"r1","lang":"vi","op":"ping","v":1}"#)
    }

    @Test func everyErrorCodeSpeaksBothLanguages() {
        for code in ErrorCode.allCases {
            let vi = code.message(.vi)
            let en = code.message(.en)
            #expect(!vi.isEmpty && !en.isEmpty && vi != en, "\(code)")
            #expect(vi == VietnameseText.nfc(vi))
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" })
        }
    }

    @Test func jsonValuesRoundTrip() throws {
        let value: JSONValue = .object(["a": .array([1, "b", true, .null, .double(2.5)]), "c": .object([:])])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
        #expect(decoded == value)
    }
}
