import Foundation
import QuayCodecs
import QuayCore
import QuayStore

/// SPEC §10 / issue 18: `records` MARC 21 records with three copies each (a Koha-style file:
/// 082, 100, 245 and a 952 per copy with its accession number, barcode and call number) imported
/// through `quay import catalogue` into an empty quayd, against a floor measured in the same run:
/// the same records and copies written through the store's own intake, already parsed (one
/// intake of three copies a record, WAL with synchronous NORMAL: no fsync per record); µs per
/// copy, and quayd's peak resident memory, against its peak for a file a tenth the size (the
/// file is streamed: the two should be alike).
func reportImportBenchmark(bin: String, directory: String, records: Int) async throws {
    let tenth = try importIntoEmptyDaemon(bin: bin, directory: "\(directory)/tenth", file: marcFile(records: records / 10))
    let file = try marcFile(records: records)

    let floorPath = "\(directory)/floor-import.sqlite"
    let database = try QuayDatabase(path: floorPath, synchronous: .normal)
    let callNumber = try CallNumber.parse("895.922 NG-V")
    let floorStart = now()
    for r in 0..<records {
        let record = NewRecord(title: "Truyện ngắn tập \(r)", authors: ["Nguyễn Văn \(r)"], callNumber: callNumber, kind: .reference)
        _ = try await database.intake(Intake(registerCode: "STK", copies: 3, record: record, receivedOn: "2026-11-20"), at: Date())
    }
    let floor = Double(now() - floorStart) / 1e9
    try database.close()

    let whole = try importIntoEmptyDaemon(bin: bin, directory: "\(directory)/import", file: file)
    let copies = Double(records * 3)
    print("import: \(records) MARC records with \(records * 3) copies (\(file.count / 1_048_576) MiB of ISO 2709) into an empty database")
    print(String(format: "  floor: the store's intake of the parsed records   %6.1f s  %6.1f µs a copy", floor, floor * 1e6 / copies))
    print(String(format: "  quay import catalogue FILE.mrc                    %6.1f s  %6.1f µs a copy  %.2f× the floor", whole.seconds, whole.seconds * 1e6 / copies, whole.seconds / floor))
    print(String(format: "  quayd peak resident (VmHWM): %.0f MiB; for a file of %d records: %.0f MiB", Double(whole.peakKiB) / 1024, records / 10, Double(tenth.peakKiB) / 1024))
}

/// `records` Koha-style MARC records of three copies each, in ISO 2709.
private func marcFile(records: Int) throws -> [UInt8] {
    var file: [UInt8] = []
    for r in 0..<records {
        var fields: [MARCField] = [
            .control(tag: "001", value: "\(r + 1)"), .data(tag: "082", ind1: "0", ind2: "4", subfields: [MARCSubfield("a", "895.922")]),
            .data(tag: "100", ind1: "1", ind2: " ", subfields: [MARCSubfield("a", "Nguyễn Văn \(r)")]),
            .data(tag: "245", ind1: "1", ind2: "0", subfields: [MARCSubfield("a", "Truyện ngắn tập \(r)")]),
        ]
        for c in 0..<3 {
            fields.append(
                .data(
                    tag: "952", ind1: " ", ind2: " ",
                    subfields: [
                        MARCSubfield("i", String(format: "STK.%06d", r * 3 + c + 1)), MARCSubfield("p", String(format: "3023400%07d", r * 3 + c)),
                        MARCSubfield("o", "895.922 NG-V"), MARCSubfield("y", "STK"),
                    ]))
        }
        file += try MARCWriter.iso2709(MARCRecord(fields: fields))
    }
    return file
}

/// `quay import catalogue` of `file` into a new quayd in `directory`: its time, and quayd's
/// peak resident memory after it.
private func importIntoEmptyDaemon(bin: String, directory: String, file: [UInt8]) throws -> (seconds: Double, peakKiB: Int) {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = "\(directory)/import.mrc"
    _ = FileManager.default.createFile(atPath: path, contents: Data(file))
    let daemon = try startDaemon(bin: bin, directory: directory)
    defer {
        daemon.terminate()
        daemon.waitUntilExit()
    }
    let start = now()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(bin)/quay")
    process.arguments = ["import", "catalogue", path, "--socket", "\(directory)/quay.sock"]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "quay import catalogue failed")
    let seconds = Double(now() - start) / 1e9
    let peak = (try? String(contentsOfFile: "/proc/\(daemon.processIdentifier)/status", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        .flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") } ?? -1
    return (seconds, peak)
}
