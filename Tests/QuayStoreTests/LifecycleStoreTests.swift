import Foundation
import GRDB
import QuayCore
import QuayStore
import Testing

/// The life of the collection (SPEC §16) in the store: corrections and their audit log, the
/// states of a copy, disposals, the school-year rollover.
@Suite struct LifecycleStoreTests {
    let database: QuayDatabase
    let settings = CirculationSettings()
    let now = Day("2026-11-20")!.date.addingTimeInterval(9 * 3600)
    var staff: ChangeContext { ChangeContext(actor: "thuthu", at: now) }

    init() async throws {
        database = try QuayDatabase.inMemory()
        var callNumber = try CallNumber.parse("895.92234")
        callNumber.authorMark = "NG-A"
        _ = try await database.intake(
            Intake(
                registerCode: "STK", copies: 60,
                record: NewRecord(
                    title: "Mắt biếc", authors: ["Nguyễn Nhật Ánh"], callNumber: callNumber, kind: .children,
                    price: 85000),
                receivedOn: "2026-11-01"),
            at: now)
        _ = try await database.addPatron(NewPatron(card: "HS1", name: "Nguyễn Văn An", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: now)
        _ = try await database.addPatron(NewPatron(card: "HS2", name: "Lê Ư", kind: .pupil, className: "9A", schoolYear: "2026-2027"), at: now)
        _ = try await database.addPatron(NewPatron(card: "HS3", name: "Trần Bình", kind: .pupil, className: "9A", schoolYear: "2026-2027"), at: now)
        _ = try await database.addPatron(NewPatron(card: "GV1", name: "Phạm Thị Hoa", kind: .teacher, className: nil, schoolYear: "2026-2027"), at: now)
    }

    func auditLines() async throws -> Int64 { try await database.summary().counts["audit"] ?? -1 }

    @Test func aCorrectionIsAuditedWithEachFieldBeforeAndAfter() async throws {
        var correction = RecordCorrection()
        correction.title = .set("Mắt biếc (tái bản)")
        correction.classNumber = .set("895.9223")
        correction.year = .set(2019)
        let result = try await database.correctRecord(id: 1, correction, staff)
        #expect(result.changes["title"] == AuditChange(before: .text("Mắt biếc"), after: .text("Mắt biếc (tái bản)")))
        #expect(result.changes["year"] == AuditChange(before: .null, after: .int(2019)))
        // The call number follows the class number, and the copies' shelf order with it.
        #expect(result.changes["call_number"]?.after == .text("895.9223 NG-A"))
        #expect(try await database.item(scanned: "STK.000001")?.callNumber == "895.9223 NG-A")
        #expect(try await database.findRecords("tai ban", limit: 5).map(\.id) == [1])
        let history = try await database.history(key: "R1", limit: 10)
        #expect(history.entries.count == 1 && history.entries[0].actor == "thuthu" && history.entries[0].op == "record.update")
        #expect(history.entries[0].changes == result.changes)
        // The copy's own history is reached by its barcode or its accession number.
        var copy = ItemCorrection()
        copy.location = .set("KE-A1")
        copy.barcode = .set("8930000000017")
        _ = try await database.correctItem(scanned: "STK.000002", copy, staff)
        #expect(try await database.history(key: "8930000000017", limit: 10).entries.map(\.changes["location"]?.after) == [.text("KE-A1")])
        #expect(try await database.history(key: "STK.000002", limit: 10).target == "b2")
        // Setting what is already there changes nothing and logs nothing.
        let again = try await database.correctItem(scanned: "STK.000002", copy, staff)
        #expect(again.changes.isEmpty && again.auditID == nil)
        #expect(try await auditLines() == 2)
    }

    @Test func aRefusedCorrectionChangesNothingAndLogsNothing() async throws {
        var bad = RecordCorrection()
        bad.title = .set("Không được ghi")
        bad.classNumber = .set("XYZ")
        await #expect { try await database.correctRecord(id: 1, bad, staff) } throws: { ($0 as? StoreError)?.code == .invalidCallNumber }
        await #expect { try await database.correctRecord(id: 99, RecordCorrection(), staff) } throws: { ($0 as? StoreError)?.code == .notFound }
        var barcode = ItemCorrection()
        barcode.barcode = .set("STK.000003")
        barcode.note = .set("không được ghi")
        await #expect { try await database.correctItem(scanned: "STK.000002", barcode, staff) } throws: {
            ($0 as? StoreError)?.code == .duplicateBarcode
        }
        await #expect { try await database.correctItem(scanned: "STK.999999", barcode, staff) } throws: { ($0 as? StoreError)?.code == .unknownItem }
        var card = PatronCorrection()
        card.newCard = .set("HS2")
        card.name = .set("Không được ghi")
        await #expect { try await database.correctPatron(card: "HS1", card, staff) } throws: { ($0 as? StoreError)?.code == .duplicateCard }
        var grade = RecordCorrection()
        grade.grade = .set(13)
        await #expect { try await database.correctRecord(id: 1, grade, staff) } throws: { ($0 as? StoreError)?.code == .invalidArgument }
        #expect(try await database.record(id: 1)?.title == "Mắt biếc")
        #expect(try await database.item(scanned: "STK.000002")?.note == nil)
        #expect(try await database.patron(card: "HS1")?.name == "Nguyễn Văn An")
        #expect(try await auditLines() == 0)
    }

    @Test func aNewCardRetiresTheOldOneForGood() async throws {
        var correction = PatronCorrection()
        correction.newCard = .set("HS1B")
        correction.className = .set("9A")
        let result = try await database.correctPatron(card: "HS1", correction, staff)
        #expect(result.changes["card"] == AuditChange(before: .text("HS1"), after: .text("HS1B")))
        #expect(result.changes["class"] == AuditChange(before: .text("6A 2026-2027"), after: .text("9A 2026-2027")))
        await #expect { try await database.checkout(.card("HS1"), scanned: "STK.000001", settings: settings, at: now) } throws: {
            ($0 as? StoreError)?.code == .cardReplaced
        }
        // No one else may be given the retired card.
        var reuse = PatronCorrection()
        reuse.newCard = .set("HS1")
        await #expect { try await database.correctPatron(card: "HS2", reuse, staff) } throws: { ($0 as? StoreError)?.code == .duplicateCard }
        _ = try await database.checkout(.card("HS1B"), scanned: "STK.000001", settings: settings, at: now)
        #expect(try await database.history(key: "HS1", limit: 10).target == "p1")
    }

    @Test func theAuditLogIsAppendOnly() async throws {
        var correction = ClassCorrection()
        correction.homeroomTeacher = .set("Phạm Thị Hoa")
        _ = try await database.correctClass(name: "6A", schoolYear: "2026-2027", correction, staff)
        await #expect(throws: DatabaseError.self) { try await database.rawWriteForBenchmarks { try $0.execute(sql: "DELETE FROM audit") } }
        await #expect(throws: DatabaseError.self) { try await database.rawWriteForBenchmarks { try $0.execute(sql: "UPDATE audit SET actor = 'x'") } }
        #expect(try await auditLines() == 1)
    }

    @Test func aLostCopyEndsItsLoanChargesTheBorrowerAndComesBackWhenFound() async throws {
        _ = try await database.checkout(.card("HS1"), scanned: "STK.000005", settings: settings, at: now)
        let (loan, charge) = try await database.markLost(scanned: "STK.000005", staff)
        #expect(loan.returnedAt != nil && charge == 85000)
        #expect(try await database.item(scanned: "STK.000005")?.status == .lost)
        #expect(try await database.patronDetail(card: "HS1")?.charges?.map(\.amount) == [85000])
        #expect(try await database.openLoanCounts(.card("HS1"), at: now) == (0, 0))
        // Out of circulation: lent to no one…
        await #expect { try await database.markLost(scanned: "STK.000005", staff) } throws: { ($0 as? StoreError)?.code == .notOnLoan }
        // …until it is found: a checkin brings it back to available and settles the charge.
        let back = try await database.checkin(scanned: "STK.000005", at: now)
        #expect(back.found == .lost && back.id == 0)
        #expect(try await database.item(scanned: "STK.000005")?.status == .available)
        #expect(try await database.patronDetail(card: "HS1")?.charges?.map(\.settlement) == ["found"])
        #expect(try await database.history(key: "STK.000005", limit: 10).entries.map(\.op) == ["loan.lost", "item.found"])
    }

    @Test func aDamagedCopyIsRefusedAndAMissingOneScannedAtCheckoutIsFoundAndLent() async throws {
        _ = try await database.setItemState(scanned: "STK.000006", .repair, note: "gãy gáy", staff)
        #expect(try await database.item(scanned: "STK.000006")?.inRepair == true)
        await #expect { try await database.checkout(.card("HS1"), scanned: "STK.000006", settings: settings, at: now) } throws: {
            ($0 as? StoreError)?.code == .itemUnavailable && ($0 as? StoreError)?.words?.vi.contains("hỏng") == true
        }
        _ = try await database.setItemState(scanned: "STK.000006", .available, note: nil, staff)
        try await database.rawWriteForBenchmarks { try $0.execute(sql: "UPDATE item SET status = 'missing' WHERE number = 7") }
        let loan = try await database.checkout(.card("HS1"), scanned: "STK.000007", settings: settings, at: now)
        #expect(loan.found == .missing)
        #expect(try await database.item(scanned: "STK.000007")?.status == .onLoan)
    }

    @Test func aBlockedOrLeftCardIsRefusedWithItsReason() async throws {
        _ = try await database.setPatronStatus(card: "HS2", status: "blocked", reason: "mất thẻ", staff)
        await #expect { try await database.checkout(.card("HS2"), scanned: "STK.000001", settings: settings, at: now) } throws: {
            ($0 as? StoreError)?.code == .borrowerBlocked && ($0 as? StoreError)?.words?.vi == "mất thẻ"
        }
        _ = try await database.setPatronStatus(card: "HS2", status: "active", reason: nil, staff)
        _ = try await database.checkout(.card("HS2"), scanned: "STK.000001", settings: settings, at: now)
        _ = try await database.setPatronStatus(card: "HS2", status: "left", reason: "chuyển trường", staff)
        await #expect { try await database.checkout(.card("HS2"), scanned: "STK.000002", settings: settings, at: now) } throws: {
            ($0 as? StoreError)?.code == .borrowerBlocked
        }
        // What a leaver holds can still come back.
        _ = try await database.checkin(scanned: "STK.000001", at: now)
        #expect(try await database.history(key: "HS2", limit: 10).entries.map(\.op) == ["patron.block", "patron.unblock", "patron.leave"])
    }

    @Test func aDisposalOfFiftyCopiesWaitsForItsLoanThenWithdrawsThemAllAndNoNumberIsReissued() async throws {
        let disposal = try await database.openDisposal(
            NewDisposal(kind: .disposal, decision: "QĐ 01/2027", decidedOn: "2027-01-05", reason: .worn, receivingSchool: nil, note: nil), staff)
        let codes = (1...50).map { String(format: "STK.%06d", $0) }
        _ = try await database.checkout(.card("HS1"), scanned: "STK.000010", settings: settings, at: now)
        let first = try await database.addToDisposal(id: disposal.id, DisposalAddition(codes: Array(codes[0..<25])), staff)
        let second = try await database.addToDisposal(id: disposal.id, DisposalAddition(codes: Array(codes[25...]) + ["STK.000001", "NOPE"], reason: .insects), staff)
        #expect(first.added == 25 && second.added == 25)
        #expect(second.refused.map(\.code) == ["STK.000001", "NOPE"], "a copy already listed, and a code nothing has")
        #expect(second.disposal.lineCount == 50 && second.disposal.onLoan == 1 && second.disposal.totalValue == 50 * 85000)
        let view = try await database.disposal(id: disposal.id)
        #expect(Set(view.lines!.map(\.reason)) == [.worn, .insects])
        // Refused while a copy is on loan; nothing withdrawn.
        await #expect { try await database.confirmDisposal(id: disposal.id, staff) } throws: {
            ($0 as? StoreError)?.code == .disposalHasLoans && ($0 as? StoreError)?.reason == "STK.000010"
        }
        #expect(try await database.item(scanned: "STK.000001")?.status == .available)
        _ = try await database.checkin(scanned: "STK.000010", at: now)
        let confirmed = try await database.confirmDisposal(id: disposal.id, staff)
        #expect(confirmed.state == .confirmed)
        for code in codes { #expect(try await database.item(scanned: code)?.status == .withdrawn) }
        #expect(try await database.item(scanned: "STK.000051")?.status == .available)
        await #expect { try await database.addToDisposal(id: disposal.id, DisposalAddition(codes: ["STK.000051"]), staff) } throws: {
            ($0 as? StoreError)?.code == .disposalState
        }
        // A later intake numbers past them: no accession number is ever issued twice.
        let intake = try await database.intake(
            Intake(registerCode: "STK", copies: 2, record: NewRecord(title: "Tắt đèn", kind: .children), receivedOn: "2027-01-10"), at: now)
        #expect(intake.firstAccession == "STK.000061")
        #expect(try await database.history(key: "STK.000030", limit: 10).entries.last?.changes["status"]?.after == .text("withdrawn"))
    }

    @Test func expiredChemicalsAreRefusedForLessonsAndDestroyedByADisposal() async throws {
        _ = try await database.addEquipment(NewEquipment(code: "HCL", name: "Axit clohiđric", tracking: "quantity", quantity: 5, value: 30000, expiresOn: "2026-10-31"), at: now)
        _ = try await database.addEquipment(NewEquipment(code: "NACL", name: "Muối ăn", tracking: "quantity", quantity: 9, expiresOn: "2026-12-10"), at: now)
        #expect(try await database.expiringEquipment(withinDays: 0, at: now).map(\.code) == ["HCL"])
        #expect(try await database.expiringEquipment(withinDays: 30, at: now).map(\.code) == ["HCL", "NACL"])
        let lesson = NewLesson(
            teacherCard: "GV1", className: nil, schoolYear: "2026-2027", subject: "KHTN", date: "2026-11-20", period: 2, title: nil, units: [],
            quantities: [("HCL", 1)])
        await #expect { try await database.lendLesson(lesson, at: now) } throws: { ($0 as? StoreError)?.code == .equipmentExpired }
        let destruction = try await database.openDisposal(
            NewDisposal(kind: .destruction, decision: "QĐ 02/2027", decidedOn: "2026-11-20", reason: .expired, receivingSchool: nil, note: nil), staff)
        let added = try await database.addToDisposal(id: destruction.id, DisposalAddition(expired: true), staff)
        #expect(added.added == 1 && added.disposal.totalValue == 150000)
        _ = try await database.confirmDisposal(id: destruction.id, staff)
        #expect(try await database.equipment(code: "HCL")?.quantity == 0)
    }

    @Test func aRolloverIsPreviewedAppliedOnceAndKeepsLeaversWithLoans() async throws {
        _ = try await database.addClass(name: "7B", schoolYear: "2026-2027", grade: nil, homeroomTeacher: nil)
        _ = try await database.checkout(.card("HS2"), scanned: "STK.000001", settings: settings, at: now)
        let rule = RolloverRule(
            fromYear: "2026-2027", toYear: "2027-2028", lastGrade: 9, map: ["7B": "8C"], starts: Day("2027-09-05")!, ends: Day("2028-05-31")!)
        let preview = try await database.rollover(rule, apply: false, staff)
        #expect(preview.moves.map { "\($0.from)→\($0.to)" } == ["6A→7A", "7B→8C"])
        #expect(preview.leaving.map(\.className) == ["9A"] && preview.leaving[0].pupils == 2)
        #expect(preview.leaversWithLoans.map(\.card) == ["HS2"])
        #expect(try await database.patron(card: "HS1")?.className == "6A", "a preview changes nothing")
        let applied = try await database.rollover(rule, apply: true, staff)
        #expect(applied.applied && applied.moves == preview.moves)
        let moved = try await database.patron(card: "HS1")
        #expect(moved?.className == "7A" && moved?.schoolYear == "2027-2028")
        let leaver = try await database.patron(card: "HS2")
        #expect(leaver?.status == "left" && leaver?.className == "9A")
        #expect(try await database.loans(patronCard: "HS2", className: nil, schoolYear: "2026-2027", overdueOnly: false, at: now, limit: 10).count == 1)
        #expect(try await database.patron(card: "GV1")?.schoolYear == "2027-2028")
        await #expect { try await database.rollover(rule, apply: true, staff) } throws: { ($0 as? StoreError)?.code == .rolloverDone }
        await #expect { try await database.rollover(rule, apply: false, staff) } throws: { ($0 as? StoreError)?.code == .rolloverDone }
    }

    @Test func undoReversesALoanAndAReturnUnlessTheyChangedSince() async throws {
        let loan = try await database.checkout(.card("HS1"), scanned: "STK.000001", settings: settings, at: now)
        let undone = try await database.undoLoan(id: loan.id, ChangeContext(actor: "desk:main", at: now))
        #expect(undone.returnedAt != nil)
        #expect(try await database.item(scanned: "STK.000001")?.status == .available)
        #expect(try await database.openLoanCounts(.card("HS1"), at: now) == (0, 0))
        await #expect { try await database.undoLoan(id: loan.id, staff) } throws: { ($0 as? StoreError)?.code == .nothingToUndo }
        let second = try await database.checkout(.card("HS1"), scanned: "STK.000002", settings: settings, at: now)
        _ = try await database.checkin(scanned: "STK.000002", at: now)
        let reopened = try await database.undoReturn(id: second.id, staff)
        #expect(reopened.returnedAt == nil)
        #expect(try await database.openLoanCounts(.card("HS1"), at: now) == (1, 0))
        _ = try await database.checkin(scanned: "STK.000002", at: now)
        _ = try await database.checkout(.card("HS2"), scanned: "STK.000002", settings: settings, at: now)
        await #expect { try await database.undoReturn(id: second.id, staff) } throws: { ($0 as? StoreError)?.code == .nothingToUndo }
        #expect(try await database.history(key: "STK.000001", limit: 10).entries.map(\.actor) == ["desk:main"])
    }

    @Test func anAppliedInventorysDisposalListFillsADisposalAndAMissingCopySeenAgainComesBack() async throws {
        // An inventory of shelf KE-A that finds only copies 1–55: five are missing once it is applied.
        var shelf = ItemCorrection()
        shelf.location = .set("KE-A")
        for number in 1...60 { _ = try await database.correctItem(scanned: String(format: "STK.%06d", number), shelf, staff) }
        let session = try await database.startInventory(scope: try InventoryScope.parse(["location=KE-A"]), at: now)
        _ = try await database.recordInventoryScans(
            (1...55).map { InventoryScanInput(String(format: "STK.%06d", $0)) }, location: "KE-A", source: "test", at: now)
        _ = try await database.closeInventory(at: now)
        _ = try await database.applyInventory(session: session.id, at: now)
        #expect(try await database.item(scanned: "STK.000060")?.status == .missing)
        let disposal = try await database.openDisposal(
            NewDisposal(kind: .disposal, decision: "QĐ 05/2027", decidedOn: "2027-05-20", reason: .lost, receivingSchool: nil, note: nil), staff)
        let added = try await database.addToDisposal(id: disposal.id, DisposalAddition(inventorySession: session.id), staff)
        #expect(added.added == 5 && added.refused.isEmpty)
        // One of them turns up at the desk before the disposal is confirmed: it comes back, and is taken off.
        let found = try await database.checkin(scanned: "STK.000060", at: now)
        #expect(found.found == .missing && found.id == 0)
        // Another is kept out of it, still missing, for the next inventory.
        _ = try await database.removeFromDisposal(id: disposal.id, codes: ["STK.000060", "STK.000059"], staff)
        let confirmed = try await database.confirmDisposal(id: disposal.id, staff)
        #expect(confirmed.lineCount == 3)
        #expect(try await database.item(scanned: "STK.000056")?.status == .withdrawn)
        #expect(try await database.item(scanned: "STK.000060")?.status == .available)
        // In the next inventory, a missing copy seen on the shelf is found at that scan, and the scan says so.
        _ = try await database.startInventory(scope: InventoryScope(), at: now)
        let seen = try await database.recordInventoryScans([InventoryScanInput("STK.000059")], location: "KE-A", source: "test", at: now)
        #expect(seen.map(\.found) == [.missing])
        #expect(try await database.item(scanned: "STK.000059")?.status == .available)
    }

    @Test func aTransferToAnotherSchoolTakesTheUnitsOutOfStock() async throws {
        _ = try await database.addEquipment(NewEquipment(code: "KHV6", name: "Bộ kính hiển vi", tracking: "unit", units: 3, value: 2_500_000), at: now)
        let transfer = try await database.openDisposal(
            NewDisposal(
                kind: .transfer, decision: "QĐ 07/2027", decidedOn: "2027-06-01", reason: .surplus, receivingSchool: "Trường THCS Hạ Mỗ", note: nil),
            staff)
        let added = try await database.addToDisposal(id: transfer.id, DisposalAddition(codes: ["TB.000001", "TB.000002"]), staff)
        #expect(added.added == 2 && added.disposal.totalValue == 5_000_000)
        let confirmed = try await database.confirmDisposal(id: transfer.id, staff)
        #expect(confirmed.kind == .transfer && confirmed.receivingSchool == "Trường THCS Hạ Mỗ")
        let units = try #require(try await database.equipment(code: "KHV6")?.units)
        #expect(units.map(\.status) == ["withdrawn", "withdrawn", "available"])
        let lesson = NewLesson(
            teacherCard: "GV1", className: nil, schoolYear: "2026-2027", subject: nil, date: "2027-06-02", period: 1, title: nil,
            units: ["TB.000001"], quantities: [])
        await #expect { try await database.lendLesson(lesson, at: now) } throws: { ($0 as? StoreError)?.code == .itemUnavailable }
    }

    @Test func theRolloverListsTextbooksDueAtTheEndOfTheYearByClass() async throws {
        _ = try await database.intake(
            Intake(registerCode: "SGK", copies: 3, record: NewRecord(title: "Toán 6", kind: .textbook, price: 20000), receivedOn: "2026-08-20"), at: now)
        for (card, copy) in [("HS1", "SGK.000001"), ("HS2", "SGK.000002"), ("HS3", "SGK.000003")] {
            _ = try await database.checkout(.card(card), scanned: copy, settings: settings, at: now)
        }
        let rule = RolloverRule(
            fromYear: "2026-2027", toYear: "2027-2028", lastGrade: 9, map: [:], starts: Day("2027-09-05")!, ends: Day("2028-05-31")!)
        let plan = try await database.rollover(rule, apply: false, staff)
        // Due on the year's last day (31 May 2027), listed by class, then by name the Vietnamese
        // way (by given name: Trần Bình before Lê Ư).
        #expect(plan.textbookLoans.map { "\($0.className) \($0.card)" } == ["6A HS1", "9A HS3", "9A HS2"])
        #expect(plan.leaversWithLoans.map(\.card) == ["HS3", "HS2"])
    }

    @Test func aCopyAwayForRepairIsNotMarkedMissingByAnInventory() async throws {
        _ = try await database.setItemState(scanned: "STK.000003", .repair, note: nil, staff)
        _ = try await database.startInventory(scope: InventoryScope(), at: now)
        _ = try await database.recordInventoryScans([InventoryScanInput("STK.000001")], location: "KE-A", source: "test", at: now)
        _ = try await database.closeInventory(at: now)
        _ = try await database.applyInventory(session: nil, at: now)
        #expect(try await database.item(scanned: "STK.000003")?.status == .damaged)
        #expect(try await database.item(scanned: "STK.000004")?.status == .missing)
        #expect(try await database.history(key: "STK.000004", limit: 10).entries.map(\.op) == ["inventory.apply"])
    }

    @Test func aRecordsKindMovesItsOpenLoansCountsAndAReplacedCardIsNeverReissued() async throws {
        _ = try await database.checkout(.card("HS1"), scanned: "STK.000001", settings: settings, at: now)
        var kind = RecordCorrection()
        kind.kind = .set(.reference)
        _ = try await database.correctRecord(id: 1, kind, staff)
        _ = try await database.checkin(scanned: "STK.000001", at: now)
        #expect(try await database.openLoanCounts(.card("HS1"), at: now) == (0, 0))
        var card = PatronCorrection()
        card.newCard = .set("HS1B")
        _ = try await database.correctPatron(card: "HS1", card, staff)
        await #expect { try await database.addPatron(NewPatron(card: "HS1", name: "Người Khác", kind: .pupil, className: nil, schoolYear: "2026-2027"), at: now) } throws: {
            ($0 as? StoreError)?.code == .duplicateCard
        }
    }
}

/// Every report streams from an indexed query (SPEC §10): EXPLAIN QUERY PLAN shows no table
/// read without an index, and the loans report reads only the open loans, never the history.
@Suite struct ReportQueryTests {
    @Test func noReportScansTheLoanHistoryOrTheCollectionWithoutAnIndex() async throws {
        let database = try QuayDatabase.inMemory()
        var narrowed = ReportFilter(schoolYear: "2026-2027")
        narrowed.overdueOnly = true
        narrowed.className = "6A"
        narrowed.since = "2026-09-01"
        narrowed.register = "STK"
        for filter in [ReportFilter(schoolYear: "2026-2027"), narrowed] {
            let plans = try database.reportQueryPlans(filter, at: Date())
            #expect(Set(plans.keys) == ["accessions", "loans", "equipment", "usage", "textbooks"])
            for (name, details) in plans {
                for detail in details where detail.hasPrefix("SCAN") {
                    #expect(detail.contains(" USING "), "\(name): \(detail)")
                }
            }
            #expect(plans["loans"]!.contains { $0.hasPrefix("SCAN l USING INDEX loan_open") || $0.hasPrefix("SEARCH l USING INDEX loan_open") }, "\(plans["loans"]!)")
            #expect(!plans["accessions"]!.contains("USE TEMP B-TREE FOR ORDER BY"), "the register streams in its index's order")
        }
        // The reading statistics read the period's loans by their date, never the whole history.
        // What they may read whole: `t` and `l`, a subquery's own result (the period's loans sorted
        // by copy); `c`, the year's classes. A title (`title`, `unused`) is read by its id.
        let statistics = try database.statisticsQueryPlans()
        #expect(Set(statistics.keys) == ["months", "classes", "titles", "title", "unused"])
        for (name, details) in statistics {
            for detail in details where detail.hasPrefix("SCAN") {
                let allowed = detail.hasPrefix("SCAN t") || detail.hasPrefix("SCAN c") || detail == "SCAN l"
                #expect(detail.contains(" USING ") || allowed, "\(name): \(detail)")
            }
            if ["months", "classes", "titles"].contains(name) {
                #expect(details.contains { $0.contains("COVERING INDEX loan_loaned") }, "\(name): \(details)")
            }
        }
        // A borrower's history by `loan_patron`, the period's loans by `loan_loaned`, the teachers'
        // lessons by `lesson_teacher`, an intake's copies by `item_batch`. What may be read whole:
        // the copies once for the stock counts (`SCAN i`: the stock on a day is every copy's), the
        // teachers among the patrons, and the intakes, disposals and inventories (tens a year).
        let plans = try database.periodQueryPlans()
        #expect(Set(plans.keys) == ["history", "teacher_use", "stock", "period_loans", "intake", "withdrawals", "inventories"])
        for (name, details) in plans {
            for detail in details where detail.hasPrefix("SCAN") && !detail.contains(" USING ") {
                let allowed = ["stock": ["SCAN i", "SCAN t"], "teacher_use": ["SCAN p"], "intake": ["SCAN b"], "withdrawals": ["SCAN disposal"], "inventories": ["SCAN inventory_session"]]
                #expect(allowed[name, default: []].contains(detail), "\(name): \(detail)")
            }
        }
        #expect(plans["history"]!.contains { $0.contains("loan_patron") }, "\(plans["history"]!)")
        #expect(plans["period_loans"]!.contains { $0.contains("loan_loaned") }, "\(plans["period_loans"]!)")
        #expect(plans["teacher_use"]!.contains { $0.contains("lesson_teacher") }, "\(plans["teacher_use"]!)")
        #expect(plans["intake"]!.contains { $0.contains("item_batch") }, "\(plans["intake"]!)")
    }
}
