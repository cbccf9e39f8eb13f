import Foundation
import QuayCodecs
import QuayCore
import Testing

@testable import QuayDaemon

/// An ISO 2709 file is read from its open file a MiB at a time: every record comes out once (a
/// title split over consecutive records with the same 001 joined), and how far the file has
/// been read only grows, to its size.
@Suite struct ImportPiecesTests {
    private static func record(_ r: Int, copies: Range<Int>) -> MARCRecord {
        var fields: [MARCField] = [
            .control(tag: "001", value: "\(r)"),
            .data(tag: "100", ind1: "1", ind2: " ", subfields: [MARCSubfield("a", "Nguyễn Văn \(r)")]),
            .data(tag: "245", ind1: "1", ind2: "0", subfields: [MARCSubfield("a", "Truyện ngắn tập \(r) — một cuốn sách có nhan đề khá dài để tệp lớn hơn")]),
        ]
        for c in copies {
            fields.append(.data(tag: "952", ind1: " ", ind2: " ", subfields: [MARCSubfield("i", String(format: "STK.%06d", c + 1)), MARCSubfield("y", "STK")]))
        }
        return MARCRecord(fields: fields)
    }

    @Test func aFileOfSeveralMiBIsReadInPiecesWithItsProgress() throws {
        var bytes: [UInt8] = []
        for r in 0..<10_000 { bytes += try MARCWriter.iso2709(Self.record(r, copies: (r * 3)..<(r * 3 + 3))) }
        // Title 10,000's copies in two ISO 2709 records, one after the other.
        bytes += try MARCWriter.iso2709(Self.record(10_000, copies: 30_000..<30_002))
        bytes += try MARCWriter.iso2709(Self.record(10_000, copies: 30_002..<30_004))
        #expect(bytes.count > 2 << 20, "more than two of the reader’s pieces")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pieces-\(getpid()).mrc").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try #require(FileHandle(forReadingAtPath: path))
        defer { try? file.close() }

        let pieces = Dispatcher.marcPieces(file, size: Int64(bytes.count))
        nonisolated(unsafe) var reports: [(Int64, Int64)] = []
        pieces.report = { reports.append(($0, $1)) }
        var records: [ImportedRecord] = []
        while let piece = try pieces.next() {
            guard case .record(let record) = piece else {
                Issue.record("a problem: \(piece)")
                continue
            }
            records.append(record)
        }
        #expect(records.count == 10_001)
        #expect(records.last?.copies.map(\.accession?.number) == [30_001, 30_002, 30_003, 30_004])
        #expect(pieces.rows == 10_002, "every ISO 2709 record read")
        #expect(reports.allSatisfy { $0.1 == Int64(bytes.count) })
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 <= $1.0 }, "progress only grows")
        #expect(reports.first.map { $0.0 < Int64(bytes.count) } == true, "the first record is out before the whole file is read")
        #expect(reports.last?.0 == Int64(bytes.count))
    }

    @Test func aFileWithoutARecordIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(getpid()).mrc").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try #require(FileHandle(forReadingAtPath: path))
        let pieces = Dispatcher.marcPieces(file, size: 0)
        #expect(throws: Refusal.self) { try pieces.next() }
    }
}
