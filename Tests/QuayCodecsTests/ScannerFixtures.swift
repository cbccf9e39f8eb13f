import Foundation
import QuayCodecs
import Testing

/// The recorded streams in `Fixtures/` (format in its README): each file's reads, in order.
enum ScannerFixture {
    static func reads(_ name: String) throws -> [[UInt8]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(
            name)
        let text = try String(contentsOf: url, encoding: .utf8)
        var reads: [[UInt8]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if content.trimmingCharacters(in: .whitespaces) == "--" {
                reads.append([])
                continue
            }
            for token in content.split(separator: " ") {
                guard let byte = UInt8(token, radix: 16) else { throw FixtureError(file: name, token: String(token)) }
                reads[reads.count - 1].append(byte)
            }
        }
        return reads
    }

    static func bytes(_ name: String) throws -> [UInt8] { try reads(name).flatMap { $0 } }

    struct FixtureError: Error {
        var file: String
        var token: String
    }
}

/// Feeds `input` to a fresh decoder in every chunking that matters — all at once, byte by
/// byte, in chunks of 2, 3, 7, 23, 24 and 25 bytes — and requires the same outcomes from each
/// (STYLE §1). `end` runs after the last chunk (a tick or a flush).
func outcomesInEveryChunking<Decoder>(
    _ input: [UInt8], make: () -> Decoder, feed: (inout Decoder, ArraySlice<UInt8>) -> [ScanOutcome],
    end: (inout Decoder) -> [ScanOutcome] = { _ in [] }, sourceLocation: SourceLocation = #_sourceLocation
) -> [ScanOutcome] {
    var results: [[ScanOutcome]] = []
    for size in [input.count + 1, 1, 2, 3, 7, 23, 24, 25] {
        var decoder = make()
        var outcomes: [ScanOutcome] = []
        var index = 0
        while index < input.count {
            let next = min(index + size, input.count)
            outcomes += feed(&decoder, input[index..<next])
            index = next
        }
        outcomes += end(&decoder)
        results.append(outcomes)
    }
    for result in results.dropFirst() {
        #expect(result == results[0], sourceLocation: sourceLocation)
    }
    return results[0]
}

/// The data of each scan, and the code of each failure as `!code`: short to compare.
func summary(_ outcomes: [ScanOutcome]) -> [String] {
    outcomes.map {
        switch $0 {
        case .scan(let scan): return scan.data
        case .failed(let error): return "!" + error.code.rawValue
        }
    }
}

/// A deterministic byte source for the never-trap tests (xorshift64*).
struct Xorshift {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
