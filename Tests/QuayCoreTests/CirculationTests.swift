import Foundation
import QuayCore
import Testing

@Suite struct LoanPolicyTests {
    let policy = LoanPolicy.standard

    @Test func theMostSpecificCellWins() {
        #expect(policy.rule(for: .pupil, material: .children).period == .days(14))
        #expect(policy.rule(for: .pupil, material: .textbook).period == .endOfSchoolYear)
        #expect(policy.rule(for: .teacher, material: .children).period == .days(30))
        #expect(policy.rule(for: .teacher, material: .professional).limit == 50)
        #expect(policy.rule(for: .class, material: .reference).limit == 5000)
        #expect(policy.rule(for: .pupil, material: .equipment).loanable == false)
        #expect(policy.rule(for: .pupil, material: .periodical).period == .days(7))
    }

    @Test func laterCellsOverrideEqualOnes() {
        var custom = policy
        custom.cells.append(.init(borrower: .pupil, material: nil, rule: LoanRule(period: .days(7), limit: 2, renewals: 0, blockWhenOverdue: true)))
        #expect(custom.rule(for: .pupil, material: .children).limit == 2)
        #expect(custom.rule(for: .pupil, material: .textbook).period == .endOfSchoolYear)  // still more specific
    }

    @Test func limitsAreSharedByTheMaterialsOfOneCell() {
        let shared = policy.materialsSharingLimit(with: .children, borrower: .pupil)
        #expect(Set(shared) == [.reference, .children, .other, .professional])
        #expect(policy.materialsSharingLimit(with: .textbook, borrower: .pupil) == [.textbook])
    }
}

@Suite struct SchoolCalendarTests {
    let calendar = SchoolCalendar(
        closedWeekdays: [1], closedDays: [Day("2027-02-01")!...Day("2027-02-12")!, Day("2026-12-25")!...Day("2026-12-25")!])

    @Test func dueDatesSkipSundaysHolidaysAndTet() {
        // 2026-11-21 is a Saturday; +14 days is Saturday 2026-12-05, open.
        #expect(calendar.dueDay(loanedOn: Day("2026-11-21")!, period: .days(14)) == Day("2026-12-05"))
        // +15 is Sunday 2026-12-06: moves to Monday.
        #expect(calendar.dueDay(loanedOn: Day("2026-11-21")!, period: .days(15)) == Day("2026-12-07"))
        // Christmas closed: 2026-12-11 + 14 = Friday 25 → Saturday 26.
        #expect(calendar.dueDay(loanedOn: Day("2026-12-11")!, period: .days(14)) == Day("2026-12-26"))
        // Into Tết: 2027-01-20 + 14 = 2027-02-03 → closed until the 12th → Saturday 13.
        #expect(calendar.dueDay(loanedOn: Day("2027-01-20")!, period: .days(14)) == Day("2027-02-13"))
    }

    @Test func schoolYearLoansFallDueAtTheYearsEnd() {
        #expect(calendar.dueDay(loanedOn: Day("2026-09-05")!, period: .endOfSchoolYear) == Day("2027-05-31"))
        #expect(calendar.dueDay(loanedOn: Day("2027-03-01")!, period: .endOfSchoolYear) == Day("2027-05-31"))
        // 2026-05-31 was a Sunday: the next open day.
        #expect(calendar.dueDay(loanedOn: Day("2025-10-01")!, period: .endOfSchoolYear) == Day("2026-06-01"))
    }

    @Test func daysAreValidated() {
        #expect(Day("2027-02-30") == nil)
        #expect(Day("2027-13-01") == nil)
        #expect(Day("yesterday") == nil)
        #expect(Day("2026-11-21")!.days(until: Day("2026-12-01")!) == 10)
    }
}

@Suite struct CirculationRulesTests {
    let rule = LoanRule(period: .days(14), limit: 3, renewals: 1, blockWhenOverdue: true)
    let today = Day("2026-11-21")!
    let calendar = SchoolCalendar()

    func facts(
        active: Bool = true, overdue: Bool = false, status: ItemStatus = .available, open: CheckoutFacts.OpenLoan = .none, held: Int = 0
    ) -> CheckoutFacts {
        CheckoutFacts(borrowerActive: active, borrowerHasOverdue: overdue, itemStatus: status, openLoan: open, openUnderLimit: held)
    }

    @Test(arguments: [
        (CheckoutFacts(borrowerActive: false, borrowerHasOverdue: false, itemStatus: .available, openLoan: .none, openUnderLimit: 0), CirculationRefusal.borrowerBlocked),
        (CheckoutFacts(borrowerActive: true, borrowerHasOverdue: true, itemStatus: .available, openLoan: .none, openUnderLimit: 0), .borrowerHasOverdue),
        (CheckoutFacts(borrowerActive: true, borrowerHasOverdue: false, itemStatus: .onLoan, openLoan: .otherBorrower, openUnderLimit: 0), .itemOnLoan),
        (CheckoutFacts(borrowerActive: true, borrowerHasOverdue: false, itemStatus: .available, openLoan: .none, openUnderLimit: 3), .limitReached),
        (CheckoutFacts(borrowerActive: true, borrowerHasOverdue: false, itemStatus: .damaged, openLoan: .none, openUnderLimit: 0), .itemUnavailable),
        (CheckoutFacts(borrowerActive: true, borrowerHasOverdue: false, itemStatus: .withdrawn, openLoan: .none, openUnderLimit: 0), .itemUnavailable),
        (CheckoutFacts(borrowerActive: true, borrowerHasOverdue: false, itemStatus: .onLoan, openLoan: .sameBorrower(renewals: 1), openUnderLimit: 1), .renewalLimit),
    ])
    func refusals(facts: CheckoutFacts, refusal: CirculationRefusal) {
        #expect(CirculationRules.checkout(facts, rule: rule, today: today, calendar: calendar) == .failure(refusal))
    }

    @Test func aMissingOrLostCopyInSomeonesHandsIsFoundAndLent() {
        for status in [ItemStatus.missing, .lost] {
            #expect(CirculationRules.checkout(facts(status: status), rule: rule, today: today, calendar: calendar) == .success(.lend(due: Day("2026-12-05")!)))
        }
    }

    @Test func lendsAndRenews() {
        #expect(CirculationRules.checkout(facts(held: 2), rule: rule, today: today, calendar: calendar) == .success(.lend(due: Day("2026-12-05")!)))
        #expect(
            CirculationRules.checkout(facts(status: .onLoan, open: .sameBorrower(renewals: 0)), rule: rule, today: today, calendar: calendar)
                == .success(.renew(due: Day("2026-12-05")!)))
        // A renewal is allowed even while overdue or at the limit: the book stays where it is.
        #expect(
            CirculationRules.checkout(facts(overdue: true, status: .onLoan, open: .sameBorrower(renewals: 0), held: 3), rule: rule, today: today, calendar: calendar)
                == .success(.renew(due: Day("2026-12-05")!)))
    }

    @Test func referenceOnlyIsRefused() {
        var referenceOnly = rule
        referenceOnly.loanable = false
        #expect(CirculationRules.checkout(facts(), rule: referenceOnly, today: today, calendar: calendar) == .failure(.notLoanable))
    }

    @Test func overdueDays() {
        #expect(CirculationRules.overdueDays(due: Day("2026-11-10")!, returned: Day("2026-11-21")!) == 11)
        #expect(CirculationRules.overdueDays(due: Day("2026-11-30")!, returned: Day("2026-11-21")!) == 0)
    }
}

@Suite struct DayArithmeticTests {
    @Test func agreesWithFoundationsCalendarOverCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        var date = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        for _ in 0..<3000 {
            let components = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let day = Day(date)
            #expect(day == Day(year: components.year!, month: components.month!, day: components.day!))
            #expect(day.weekday == components.weekday!)
            #expect(Day(daysSinceEpoch: day.daysSinceEpoch) == day)
            date.addTimeInterval(86_400 * 47 + 3_617)
        }
    }

    @Test func vietnamIsSevenHoursAhead() {
        // 2026-11-20T17:30:00Z is already the 21st in Hà Nội.
        #expect(Day(Date(timeIntervalSince1970: 1_795_195_800)) == Day("2026-11-21"))
        #expect(Day("2026-11-21")!.date == Date(timeIntervalSince1970: 1_795_194_000))
    }

    @Test func timestampsRoundTrip() {
        let date = Date(timeIntervalSince1970: 1_795_195_800)
        #expect(Timestamp.format(date) == "2026-11-20T17:30:00Z")
        #expect(Timestamp.parse("2026-11-20T17:30:00Z") == date)
        #expect(Timestamp.parse("2026-11-20 17:30:00") == nil)
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
}
