import Foundation
import QuayCore
import QuayProtocol
import QuayStore

/// Loans: checkout, return, renewal and the lists of open and overdue loans (SPEC §5).
extension Dispatcher {
    func checkout(_ args: CheckoutArgs) async throws -> LoanView {
        let item = try required(args.item, "item")
        let borrower: Borrower
        if let card = text(args.patron) {
            guard text(args.className) == nil else { throw Refusal(code: .invalidArgument, detail: "give patron or class, not both") }
            borrower = .card(card)
        } else if let className = text(args.className) {
            borrower = .class(name: className, schoolYear: try schoolYear(args.schoolYear))
        } else {
            throw Refusal(code: .noBorrower)
        }
        return try await state.database.checkout(
            borrower, scanned: item, settings: state.config.circulation, at: now(), desk: text(args.desk))
    }

    func checkin(_ args: ItemArgs) async throws -> LoanView {
        try await state.database.checkin(scanned: try required(args.item, "item"), at: now())
    }

    func renew(_ args: ItemArgs) async throws -> LoanView {
        try await state.database.renew(scanned: try required(args.item, "item"), settings: state.config.circulation, at: now())
    }

    func loanList(_ args: LoanListArgs) async throws -> LoansResult {
        LoansResult(
            loans: try await state.database.loans(
                patronCard: text(args.patron), className: text(args.className), schoolYear: try schoolYear(args.schoolYear),
                overdueOnly: args.overdue ?? false, at: now(), limit: limit(args.limit ?? 1000)))
    }
}
