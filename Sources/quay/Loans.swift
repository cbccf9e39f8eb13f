import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct Checkout: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkout", 
            abstract: "Lend items to a patron; an item the patron already holds is renewed.",
            discussion: "Each item is its own transaction: a refused item does not stop the others; the exit status is 1 if any was refused.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The patron's card.") var patron: String
        @Argument(help: "Barcodes or accession numbers.") var items: [String]

        func validate() throws {
            if items.isEmpty { throw ValidationError("give at least one item") }
        }

        func run() throws {
            try LoanRunner(options: options).each(items, op: .loanCheckout) { CheckoutArgs(patron: patron, item: $0) }
        }
    }

    struct ClassLoan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "class-loan", abstract: "Lend items to a whole class (classroom library), for the school year.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("class"), help: "The class, e.g. 6A.") var className: String
        @Option(help: "School year (default: the current one).") var year: String?
        @Argument(help: "Barcodes or accession numbers.") var items: [String]

        func validate() throws {
            if items.isEmpty { throw ValidationError("give at least one item") }
        }

        func run() throws {
            try LoanRunner(options: options).each(items, op: .loanCheckout) {
                CheckoutArgs(className: className, schoolYear: year, item: $0)
            }
        }
    }

    struct Checkin: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkin", abstract: "Return items; late returns say how many days.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Barcodes or accession numbers.") var items: [String]

        func validate() throws {
            if items.isEmpty { throw ValidationError("give at least one item") }
        }

        func run() throws {
            try LoanRunner(options: options).each(items, op: .loanCheckin) { ItemArgs(item: $0) }
        }
    }

    struct Renew: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "renew", abstract: "Renew loans from today, where the policy allows.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Barcodes or accession numbers.") var items: [String]

        func validate() throws {
            if items.isEmpty { throw ValidationError("give at least one item") }
        }

        func run() throws {
            try LoanRunner(options: options).each(items, op: .loanRenew) { ItemArgs(item: $0) }
        }
    }

    struct Loans: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "loans", 
            abstract: "Open loans of a patron, a class or everyone, by class; --overdue for the late ones.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "A patron's card.") var patron: String?
        @Option(name: .customLong("class"), help: "A class: its own loans and its pupils'.") var className: String?
        @Option(help: "School year of the class (default: the current one).") var year: String?
        @Flag(help: "Only overdue loans.") var overdue = false
        @Option(help: "At most this many (default 1000).") var limit: Int?

        func run() throws {
            let args = LoanListArgs(patron: patron, className: className, schoolYear: year, overdue: overdue, limit: limit)
            try options.run(.loanList, args: args, as: LoansResult.self) { result in
                LoanText(options: options).list(result.loans)
            }
        }
    }
}

/// Sends one request per item over one connection and prints a line for each.
struct LoanRunner {
    let options: GlobalOptions

    func each<Arguments: Encodable & Sendable>(_ items: [String], op: Op, args: (String) -> Arguments) throws {
        let connection = try options.connect()
        let text = LoanText(options: options)
        var refused = false
        for item in items {
            switch try options.request(connection, op, args: args(item), as: LoanView.self) {
            case .success(let (loan, raw)):
                print(options.json ? String(decoding: raw, as: UTF8.self) : text.outcome(loan, op: op))
            case .failure:
                refused = true
            }
        }
        if refused { throw ExitCode(CLIExit.refused) }
    }
}

struct LoanText {
    let options: GlobalOptions

    func t(_ vi: String, _ en: String) -> String { options.text(vi, en) }

    func date(_ day: String) -> String { Formatting.date(day, options.language) }

    func outcome(_ loan: LoanView, op: Op) -> String {
        let who = loan.card.map { "\(loan.borrower) (\($0))" } ?? t("lớp \(loan.borrower)", "class \(loan.borrower)")
        switch op {
        case .loanCheckin:
            let late = loan.overdueDays > 0
                ? t(" — trả muộn \(loan.overdueDays) ngày", " — \(loan.overdueDays) days late") : ""
            return t("Đã trả \(loan.accession) «\(loan.title)» của \(who)", "Returned \(loan.accession) “\(loan.title)” from \(who)") + late
        default:
            if loan.renewed {
                return t("Đã gia hạn \(loan.accession) «\(loan.title)» cho \(who), hạn trả \(date(loan.due))",
                    "Renewed \(loan.accession) “\(loan.title)” for \(who), due \(date(loan.due))")
            }
            return t("Đã cho \(who) mượn \(loan.accession) «\(loan.title)», hạn trả \(date(loan.due))",
                "Lent \(loan.accession) “\(loan.title)” to \(who), due \(date(loan.due))")
        }
    }

    func list(_ loans: [LoanView]) -> String {
        if loans.isEmpty { return t("Không có lượt mượn nào.", "No loans.") }
        let header = [
            t("Lớp", "Class"), t("Bạn đọc", "Borrower"), t("Số ĐKCB", "Accession"), t("Nhan đề", "Title"),
            t("Hạn trả", "Due"), t("Quá hạn", "Overdue"),
        ]
        return TextTable(rows: [header] + loans.map { loan in
            [
                loan.className ?? "—", loan.card.map { "\(loan.borrower) (\($0))" } ?? t("cả lớp", "whole class"), loan.accession,
                loan.title, date(loan.due), loan.overdueDays > 0 ? t("\(loan.overdueDays) ngày", "\(loan.overdueDays) days") : "",
            ]
        }).render()
    }
}
