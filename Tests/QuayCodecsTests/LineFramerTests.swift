import QuayCodecs
import Testing

/// Feeds `input` in every chunking that matters: all at once, byte by byte, and in
/// chunks of 2, 3 and 7 bytes; every chunking must give the same frames (STYLE §1).
private func frames(_ input: [UInt8], max: Int = 16, finish: Bool = false) -> [LineFramer.Frame] {
    var results: [[LineFramer.Frame]] = []
    for size in [input.count + 1, 1, 2, 3, 7] {
        var framer = LineFramer(maxFrameLength: max)
        var out: [LineFramer.Frame] = []
        var index = 0
        while index < input.count {
            let end = min(index + size, input.count)
            framer.append(input[index..<end])
            while let frame = framer.nextFrame() { out.append(frame) }
            index = end
        }
        if finish, let last = framer.finish() { out.append(last) }
        results.append(out)
    }
    for result in results.dropFirst() {
        #expect(result == results[0])
    }
    return results[0]
}

private func line(_ text: String) -> LineFramer.Frame { .line(Array(text.utf8)) }

@Suite struct LineFramerTests {
    @Test func splitsLinesInAnyChunking() {
        #expect(frames(Array("{\"a\":1}\n{\"b\":2}\n".utf8)) == [line("{\"a\":1}"), line("{\"b\":2}")])
    }

    @Test func stripsCarriageReturnAndKeepsEmptyLines() {
        #expect(frames(Array("a\r\n\nb\n".utf8)) == [line("a"), line(""), line("b")])
    }

    @Test func holdsAPartialLineUntilItsNewline() {
        var framer = LineFramer(maxFrameLength: 16)
        framer.append(Array("abc".utf8))
        #expect(framer.nextFrame() == nil)
        #expect(framer.bufferedByteCount == 3)
        framer.append(Array("d\n".utf8))
        #expect(framer.nextFrame() == line("abcd"))
    }

    @Test func reportsATooLongLineOnceAndRecovers() {
        let input = Array((String(repeating: "x", count: 40) + "\nok\n").utf8)
        #expect(frames(input) == [.tooLarge, line("ok")])
    }

    @Test func aLineExactlyAtTheLimitPasses() {
        let input = Array((String(repeating: "y", count: 16) + "\n").utf8)
        #expect(frames(input) == [line(String(repeating: "y", count: 16))])
        // The CR of CRLF does not count (issue 13): the same line ending in CRLF passes too,
        // at the end of the stream as well; one more byte does not.
        let crlf = Array((String(repeating: "y", count: 16) + "\r\nok\r\n").utf8)
        #expect(frames(crlf) == [line(String(repeating: "y", count: 16)), line("ok")])
        #expect(frames(Array((String(repeating: "y", count: 16) + "\r").utf8), finish: true) == [line(String(repeating: "y", count: 16))])
        #expect(frames(Array((String(repeating: "y", count: 17) + "\r\nok\n").utf8)) == [.tooLarge, line("ok")])
        #expect(frames(Array((String(repeating: "y", count: 16) + "\rz\nok\n").utf8)) == [.tooLarge, line("ok")])
    }

    @Test func memoryStaysBoundedWhileDiscarding() {
        var framer = LineFramer(maxFrameLength: 1024)
        for _ in 0..<2048 {
            framer.append([UInt8](repeating: 0x41, count: 1024))
            #expect(framer.bufferedByteCount <= 1024)
        }
        #expect(framer.nextFrame() == .tooLarge)
        #expect(framer.nextFrame() == nil)
        framer.append(Array("\nnext\n".utf8))
        #expect(framer.nextFrame() == line("next"))
    }

    @Test func finishReturnsAnUnterminatedLastLine() {
        #expect(frames(Array("a\nlast".utf8), finish: true) == [line("a"), line("last")])
        #expect(frames(Array("a\n".utf8), finish: true) == [line("a")])
    }
}
