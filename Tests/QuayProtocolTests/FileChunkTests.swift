import Foundation
import QuayProtocol
import Testing

/// The client reads a file's pieces without JSONDecoder: exactly the one shape quayd writes, and
/// anything else left to the usual decoder.
@Suite struct FileChunkTests {
    @Test func aPieceIsReadAsItsBytes() throws {
        let data = Data((0..<1000).map { UInt8($0 % 251) })
        let line = Array(#"{"id":7,"ok":true,"result":{"offset":524288,"data":"\#(data.base64EncodedString())","done":true}}"#.utf8)
        let piece = try #require(FileChunk.bytes(ofReply: line))
        #expect(piece.offset == 524_288 && piece.bytes == data && piece.done)
        let pending = Array(#"{"id":"x","ok":true,"result":{"offset":0,"data":"AAEC","done":false}}"#.utf8)
        #expect(FileChunk.bytes(ofReply: pending).map { [$0.bytes == Data([0, 1, 2]), !$0.done] } == [true, true])
    }

    @Test func anythingElseIsLeftToTheDecoder() {
        for line in [
            #"{"id":7,"ok":false,"error":{"code":"not_found","message":"Not found"}}"#,
            #"{"id":7,"ok":true,"result":{"offset":0,"data":"not base64!","done":true}}"#,
            #"{"id":7,"ok":true,"result":{"offset":0,"data":"AAEC","done":true},"extra":1}"#,
            #"{"id":7,"ok":true,"result":{"data":"AAEC","offset":0,"done":true}}"#,
            #"{"id":7,"ok":true,"result":{"offset":0,"data":"AAEC"#,
        ] {
            #expect(FileChunk.bytes(ofReply: Array(line.utf8)) == nil, "\(line)")
        }
    }
}
