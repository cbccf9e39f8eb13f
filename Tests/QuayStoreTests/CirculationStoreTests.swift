import Foundation
import QuayCore
import QuayStore
import Testing

@Suite struct CirculationStoreTests {
    let database: QuayDatabase
    let settings = CirculationSettings()
    let now = Day("2026-11-20")!.date.addingTimeInterval(9 * 3600)  // a Friday morning

    init() async throws {
        // In memory: the store the GRDB way, on any DatabaseWriter.
        database = try QuayDatabase.inMemory()
        _ = try await database.intake(
            Intake(registerCode: "STK", copies: 10, record: NewRecord(title: "Mắt biếc", kind: .children), receivedOn: "2026-11-01"),
            at: now)
        _ = try await database.addPatron(NewPatron(card: "HS1", name: "Nguyễn Văn An", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: now)
        _ = try await database.addPatron(NewPatron(card: "HS2", name: "Lê Ư", kind: .pupil, className: "6A", schoolYear: "2026-2027"), at: now)
    }

    func counts() async throws -> [String: Int64] { try await database.summary().counts }

    @Test func openLoanCountsComeFromTheTotalsAndTheOverdueSeek() async throws {
        for item in ["STK.000001", "STK.000002"] {
            _ = try await database.checkout(.card("HS1"), scanned: item, settings: settings, at: now)
        }
        #expect(try await database.openLoanCounts(.card("HS1"), at: now) == (2, 0))
        #expect(try await database.openLoanCounts(.card("HS1"), at: now.addingTimeInterval(60 * 86_400)) == (2, 2))
        #expect(try await database.openLoanCounts(.card("HS2"), at: now) == (0, 0))
        await #expect(throws: StoreError.self) { try await database.openLoanCounts(.card("NOBODY"), at: now) }
    }

    @Test func aLoggedScanWritesTheScanTheLoanAndTheOutcomeTogetherAndARefusalOnlyItsScan() async throws {
        let outcome = { @Sendable (result: Result<LoanView, any Error>) -> (outcome: String, refusal: String?, message: String) in
            switch result {
            case .success: return ("lent", nil, "ok")
            case .failure(let error): return ("refused", (error as? StoreError)?.code.rawValue, "no")
            }
        }
        let lent = try await database.loggedScan(
            desk: "kiosk", scanner: "sip2:a", data: "STK.000001", at: now, .checkout(.card("HS1"), settings: settings, desk: "kiosk", noBlock: nil),
            outcome: outcome)
        #expect((try? lent.result.get())?.accession == "STK.000001")
        // Lent to someone else: refused, the scan and its outcome written, no loan.
        let refused = try await database.loggedScan(
            desk: "kiosk", scanner: "sip2:a", data: "STK.000001", at: now, .checkout(.card("HS2"), settings: settings, desk: "kiosk", noBlock: nil),
            outcome: outcome)
        guard case .failure(let error) = refused.result else { Issue.record("lent twice"); return }
        #expect((error as? StoreError)?.code == .itemOnLoan)
        let scans = try await database.scans(since: nil, desk: "kiosk", limit: 10)
        #expect(scans.map(\.outcome) == ["lent", "refused"] && scans.map(\.refusal) == [nil, "item_on_loan"])
        #expect(try await counts()["loan"] == 1)
        // A no-block checkout (made offline at a kiosk) is recorded past the limits with its own due date.
        let noBlock = try await database.loggedScan(
            desk: "kiosk", scanner: "sip2:a", data: "STK.000002", at: now,
            .checkout(.card("HS2"), settings: settings, desk: "kiosk", noBlock: Day("2027-01-15")), outcome: outcome)
        #expect((try? noBlock.result.get())?.due == "2027-01-15")
        let back = try await database.loggedScan(desk: "kiosk", scanner: "sip2:a", data: "STK.000002", at: now, .checkin, outcome: outcome)
        #expect((try? back.result.get())?.returnedAt != nil)
    }

    @Test func lendReturnRenew() async throws {
        let loan = try await database.checkout(.card("HS1"), scanned: "STK.000001", settings: settings, at: now)
        #expect(loan.due == "2026-12-04" && !loan.renewed && loan.kind == .normal)
        let renewed = try await database.renew(scanned: "STK-1", settings: settings, at: now.addingTimeInterval(86_400 * 3))
        #expect(renewed.renewed && renewed.renewals == 1 && renewed.due == "2026-12-07")
        let back = try await database.checkin(scanned: "STK.000001", at: now.addingTimeInterval(86_400 * 20))
        #expect(back.overdueDays == 3)
        let item = try #require(try await database.item(scanned: "STK.000001"))
        #expect(item.status == .available)
    }

    @Test func everyRefusalWritesNothing() async throws {
        _ = try await database.checkout(.card("HS1"), scanned: "STK.000001", settings: settings, at: now)
        let before = try await counts()
        let attempts: [(Borrower, String, String)] = [
            (.card("HS2"), "STK.000001", "item_on_loan"),
            (.card("NOBODY"), "STK.000002", "unknown_patron"),
            (.card("HS1"), "STK.999999", "unknown_item"),
            (.class(name: "9Z", schoolYear: "2026-2027"), "STK.000002", "unknown_class"),
        ]
        for (borrower, item, code) in attempts {
            do {
                _ = try await database.checkout(borrower, scanned: item, settings: settings, at: now)
                Issue.record("\(item) was lent")
            } catch let error as StoreError {
                #expect(error.code.rawValue == code)
            }
        }
        await #expect(throws: StoreError.self) { try await database.checkin(scanned: "STK.000002", at: now) }
        #expect(try await counts() == before)
        #expect(try await database.loans(patronCard: "HS2", className: nil, schoolYear: "2026-2027", overdueOnly: false, at: now, limit: 10).isEmpty)
    }

    @Test func limitAndOverdueBlocks() async throws {
        for number in 1...5 {
            _ = try await database.checkout(.card("HS1"), scanned: "STK.00000\(number)", settings: settings, at: now)
        }
        await #expect(throws: StoreError.self) {
            try await database.checkout(.card("HS1"), scanned: "STK.000006", settings: settings, at: now)
        }
        // A month later HS1's books are overdue: nothing more until they come back.
        let later = now.addingTimeInterval(86_400 * 30)
        _ = try await database.checkin(scanned: "STK.000005", at: later)
        do {
            _ = try await database.checkout(.card("HS1"), scanned: "STK.000006", settings: settings, at: later)
            Issue.record("lent while overdue")
        } catch let error as StoreError {
            #expect(error.code == .borrowerHasOverdue)
        }
        let overdue = try await database.loans(patronCard: nil, className: "6A", schoolYear: "2026-2027", overdueOnly: true, at: later, limit: 100)
        #expect(overdue.count == 4)
        #expect(overdue.allSatisfy { $0.overdueDays == 16 })
    }

    @Test func twoDesksLendingTheSameItemAtOnceMakeOneLoan() async throws {
        let results = await withTaskGroup(of: Bool.self) { group in
            for card in ["HS1", "HS2"] {
                group.addTask {
                    (try? await database.checkout(.card(card), scanned: "STK.000007", settings: settings, at: now)) != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(try await counts()["loan"] == 1)
    }

    @Test func aClassHoldsItsCornerLibraryForTheYear() async throws {
        _ = try await database.intake(
            Intake(registerCode: "TN", copies: 300, record: NewRecord(title: "Dế Mèn phiêu lưu ký", kind: .children), receivedOn: "2026-11-01"),
            at: now)
        for number in 1...300 {
            let loan = try await database.checkout(
                .class(name: "6a", schoolYear: "2026-2027"), scanned: String(format: "TN.%06d", number), settings: settings, at: now)
            #expect(loan.kind == .classLibrary && loan.due == "2027-05-31")
        }
        let classLoans = try await database.loans(patronCard: nil, className: "6A", schoolYear: "2026-2027", overdueOnly: false, at: now, limit: 1000)
        #expect(classLoans.count == 300)
    }
}

