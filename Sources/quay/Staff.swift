import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

#if canImport(Glibc)
import Glibc
#endif

extension QuayCommand {
    struct StaffCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "staff", abstract: "The web console's staff accounts: add, list, remove.",
            discussion: "A password is asked for twice on a terminal (not shown), or read as a line from standard input. quayd keeps only its libsodium hash.",
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a staff account.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The name the staff member logs in with.") var name: String
            @Option(help: "desk (the desk's work) or admin (everything).") var role: String = "desk"

            func run() throws {
                let password = try Self.password(options)
                try options.run(.staffAdd, args: StaffAddArgs(name: name, role: role, password: password), as: StaffView.self) { staff in
                    options.text("Đã thêm \(staff.name) (\(staff.role))", "Added \(staff.name) (\(staff.role))")
                }
            }

            /// Asked twice on a terminal without echo; else the first line of standard input.
            static func password(_ options: GlobalOptions) throws -> String {
                guard isatty(STDIN_FILENO) == 1 else {
                    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                        throw ValidationError(options.text("cần mật khẩu ở đầu vào chuẩn", "a password is needed on standard input"))
                    }
                    return line
                }
                let first = getpass(options.text("Mật khẩu: ", "Password: ")).map { String(cString: $0) } ?? ""
                let second = getpass(options.text("Nhập lại: ", "Again: ")).map { String(cString: $0) } ?? ""
                guard first == second else { throw ValidationError(options.text("hai mật khẩu không giống nhau", "the two passwords differ")) }
                return first
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "The staff accounts.")
            @OptionGroup var options: GlobalOptions

            func run() throws {
                try options.run(.staffList, args: NoArguments?.none, as: StaffListResult.self) { result in
                    let header = [options.text("Tên", "Name"), options.text("Vai trò", "Role"), options.text("Tạo lúc", "Created")]
                    return TextTable(rows: [header] + result.staff.map { [$0.name, $0.role, $0.createdAt] }).render()
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a staff account.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The account's name.") var name: String

            func run() throws {
                try options.run(.staffRemove, args: StaffNameArgs(name: name), as: StaffListResult.self) { _ in
                    options.text("Đã xoá \(name)", "Removed \(name)")
                }
            }
        }
    }
}
