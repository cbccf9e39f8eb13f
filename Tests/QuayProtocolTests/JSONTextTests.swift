import Foundation
import QuayProtocol
import Testing

@Suite struct JSONTextTests {
    func control(_ text: String) -> JSONText.ControlCharacter? { JSONText.firstControl(in: Array(text.utf8)) }

    @Test func controlCharactersAreFoundWithTheirField() {
        #expect(control(#"{"args":{"title":"Mắt biếc","authors":["An"]}}"#) == nil)
        #expect(control(#"{"args":{"card":"\u0000HS5"}}"#) == .init(field: "card", scalar: 0))
        #expect(control(#"{"args":{"card":"HS5\u0000X","name":"A"}}"#) == .init(field: "card", scalar: 0))
        #expect(control(#"{"args":{"title":"a\u0001\u001b[31mred\u0007"}}"#) == .init(field: "title", scalar: 1))
        #expect(control(#"{"args":{"authors":["ok","b\tc"]}}"#) == .init(field: "authors", scalar: 9))
        #expect(control(#"{"args":{"title":"line\nbreak"}}"#) == .init(field: "title", scalar: 10))
        #expect(control(#"{"args":{"title":"del\u007F"}}"#) == .init(field: "title", scalar: 0x7F))
        #expect(control("{\"args\":{\"title\":\"raw del \u{7F}\"}}") == .init(field: "title", scalar: 0x7F))
        #expect(control(#"{"args":{"title":"csi \u009b"}}"#) == .init(field: "title", scalar: 0x9B))
        #expect(control(#"{"args":{"\u0000":"x"}}"#) == .init(field: nil, scalar: 0))
        // The multi-line fields take line breaks and tabs, and nothing else.
        #expect(control(#"{"args":{"csv":"card,name\r\nHS1,An\tB\n"}}"#) == nil)
        #expect(control(#"{"args":{"template":"name = \"x\"\n"}}"#) == nil)
        #expect(control(#"{"args":{"csv":"HS1,\u0000"}}"#) == .init(field: "csv", scalar: 0))
        // Escaped quotes and backslashes are not controls; é written as an escape neither.
        #expect(control(#"{"args":{"title":"\"q\" \\ \u00e9 \ud83d\ude00"}}"#) == nil)
        #expect(control(#"{"args":{"note":"x","title":"ok"},"id":"\n"}"#) == .init(field: "id", scalar: 10))
    }

    @Test func controlsArePicturedAndEverythingElseKept() {
        func pictured(_ text: String) -> String { String(decoding: JSONText.picturingControls(Array(text.utf8)), as: UTF8.self) }
        #expect(pictured(#"{"title":"a\u0001\u001b[31mred\u0007"}"#) == #"{"title":"a␁␛[31mred␇"}"#)
        #expect(pictured(#"{"t":"keep\nline\ttab \"q\" \\ \r"}"#) == #"{"t":"keep\nline\ttab \"q\" \\ ␍"}"#)
        #expect(pictured("{\"t\":\"del \u{7F} c1 \u{9B}\"}") == "{\"t\":\"del ␡ c1 \u{FFFD}\"}")
        #expect(pictured(#"{"n":1,"t":"Nguyễn"}"#) == #"{"n":1,"t":"Nguyễn"}"#)
        // Still JSON, and it decodes to the pictures.
        let decoded = try? JSONDecoder().decode([String: String].self, from: Data(pictured(#"{"t":"\u001b[2J"}"#).utf8))
        #expect(decoded == ["t": "␛[2J"])
    }

    @Test func theTopLevelIdIsReadWithoutDecodingTheRest() {
        func id(_ text: String) -> JSONValue? { JSONText.topLevelID(in: Array(text.utf8)) }
        let deep = String(repeating: "[", count: 10_000)
        #expect(id(#"{"v":1,"x":"#+deep+#","id":42,"op":"ping"}"#) == nil)  // after the broken part: not reached
        #expect(id(#"{"v":1,"id":42,"x":"#+deep) == .int(42))
        #expect(id(#"{"args":{"id":7},"id":"r-1"}"#) == .string("r-1"))
        #expect(id(#"{"id" : "t\u00e9\"x"}"#) == .string("té\"x"))
        #expect(id(#"{"id":9223372036854775808}"#) == nil)
        #expect(id(#"{"id":-9223372036854775808}"#) == .int(Int64.min))
        #expect(id(#"{"id":1.5}"#) == nil)
        #expect(id(#"{"name":"id","x":1}"#) == nil)
        #expect(id("not json") == nil)
        // Cut off inside a multi-byte character or an escape: no read past the end (found by
        // the json fuzz target).
        for tail: [UInt8] in [[0xFD], [0xF0, 0x9F], [0xE1], [0x5C], [0x5C, 0x75, 0x30]] {
            for head in [#"{"id"#, #"{"id":"#, #"{"v":1,"id":"x"#, #"{"a":"#] {
                let bytes = Array(head.utf8) + tail
                _ = JSONText.topLevelID(in: bytes)
                _ = JSONText.firstControl(in: bytes)
                _ = JSONText.picturingControls(bytes)
            }
        }
    }
}
