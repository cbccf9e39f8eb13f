import Foundation
import QuayCore
import QuayStore
import Testing

@Suite struct IntakeTests {
    let database: QuayDatabase

    init() throws {
        // In memory: the store the GRDB way, on any DatabaseWriter.
        database = try QuayDatabase.inMemory()
    }

    func intake(_ copies: Int, register: String = "STK", title: String = "Mắt biếc") -> Intake {
        Intake(
            registerCode: register, copies: copies,
            record: NewRecord(title: title, authors: ["Nguyễn Nhật Ánh"], callNumber: try? CallNumber.parse("895.92234 NG-A")),
            receivedOn: "2026-11-20")
    }

    @Test func copiesGetConsecutiveNumbersAndABatchLine() async throws {
        // Given a fresh database, when 30 copies are registered in STK
        let result = try await database.intake(intake(30), at: Date())
        // Then they are STK.000001 … STK.000030, and the register moves on to 31
        #expect(result.firstNumber == 1 && result.lastNumber == 30)
        #expect(result.accessionNumbers == (1...30).map { String(format: "STK.%06d", $0) })
        let stk = try #require(try await database.registers().first { $0.register.code == "STK" })
        #expect(stk.register.nextNumber == 31)
        #expect(stk.items == 30)
        let summary = try await database.summary()
        #expect(summary.counts["batch"] == 1)
        #expect(summary.counts["record"] == 1)
    }

    @Test func simultaneousIntakesNeverCollideNorLeaveGaps() async throws {
        let blocks = try await withThrowingTaskGroup(of: IntakeResult.self) { group in
            for index in 0..<8 {
                group.addTask { try await database.intake(intake(25 + index), at: Date()) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let numbers = blocks.flatMap { Array($0.firstNumber...$0.lastNumber) }.sorted()
        #expect(numbers == Array(1...Int64(numbers.count)))
        for block in blocks { #expect(block.lastNumber - block.firstNumber + 1 == Int64(block.accessionNumbers.count)) }
    }

    @Test func aRefusedIntakeWritesNothing() async throws {
        await #expect(throws: StoreError.self) { try await database.intake(intake(3, register: "XYZ"), at: Date()) }
        await #expect(throws: StoreError.self) { try await database.intake(intake(0), at: Date()) }
        await #expect(throws: StoreError.self) { try await database.intake(intake(100_001), at: Date()) }
        let summary = try await database.summary()
        #expect(summary.counts["item"] == 0 && summary.counts["batch"] == 0 && summary.counts["record"] == 0)
        let next = try await database.intake(intake(1), at: Date())
        #expect(next.firstNumber == 1)  // nothing was consumed by the refusals
    }

    @Test func searchIgnoresDiacriticsAndCase() async throws {
        _ = try await database.intake(intake(1, title: "Cho tôi xin một vé đi tuổi thơ"), at: Date())
        #expect(try await database.findRecords("nguyen nhat anh", limit: 10).count == 1)
        #expect(try await database.findRecords("VE DI TUOI", limit: 10).count == 1)
        #expect(try await database.findRecords("nguy", limit: 10).count == 1)
        #expect(try await database.findRecords("rowling", limit: 10).isEmpty)
        #expect(try await database.findRecords("\"); DROP TABLE item; --", limit: 10).isEmpty)
    }

    @Test func patronImportKeepsGoodRowsOnly() async throws {
        let rows: [(line: Int, patron: NewPatron)] = [
            (2, NewPatron(card: "HS1", name: "Lê Ư", kind: .pupil, className: "6A", schoolYear: "2026-2027")),
            (3, NewPatron(card: "HS1", name: "Trùng", kind: .pupil, className: "6A", schoolYear: "2026-2027")),
            (4, NewPatron(card: "HS2", name: "Nguyễn Văn An", kind: .pupil, className: "6A", schoolYear: "2026-2027")),
        ]
        let (imported, rejected) = try await database.importPatrons(rows, at: Date())
        #expect(imported.map(\.card) == ["HS1", "HS2"])
        #expect(rejected == [RejectedRow(line: 3, reason: "duplicate_card: HS1")])
        let sixA = try #require(try await database.classView(name: "6a", schoolYear: "2026-2027"))
        #expect(sixA.patrons.map(\.name) == ["Nguyễn Văn An", "Lê Ư"])
        #expect(try await database.classList(schoolYear: "2026-2027") == [
            ClassSummary(name: "6A", schoolYear: "2026-2027", grade: 6, homeroomTeacher: nil, pupils: 2)
        ])
    }

    @Test func aDryRunOfAPatronImportSaysWhatItWouldDoAndWritesNothing() async throws {
        let rows: [(line: Int, patron: NewPatron)] = [
            (2, NewPatron(card: "HS1", name: "Lê Ư", kind: .pupil, className: "7B", schoolYear: "2026-2027")),
            (3, NewPatron(card: "HS1", name: "Trùng", kind: .pupil, className: "7B", schoolYear: "2026-2027")),
        ]
        let (imported, rejected) = try await database.importPatrons(rows, dryRun: true, at: Date())
        #expect(imported.map(\.name) == ["Lê Ư"] && imported.first?.className == "7B")
        #expect(rejected == [RejectedRow(line: 3, reason: "duplicate_card: HS1")])
        // Neither the patron nor the class the row would have made is there.
        #expect(try await database.patron(card: "HS1") == nil)
        #expect(try await database.classList(schoolYear: "2026-2027").isEmpty)
        // The real import after it does what the dry run said.
        let applied = try await database.importPatrons(rows, at: Date())
        #expect(applied.imported == imported && applied.rejected == rejected)
    }
}
