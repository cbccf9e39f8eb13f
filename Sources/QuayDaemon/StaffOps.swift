import Foundation
import QuayCore
import QuayProtocol
import QuayStore
import QuayWeb

extension Dispatcher {
    func staffAdd(_ args: StaffAddArgs) async throws -> StaffView {
        let name = try required(args.name, "name")
        guard StaffRole(rawValue: args.role) != nil else { throw Refusal(code: .invalidArgument, detail: "role must be desk or admin, not \(args.role)") }
        guard args.password.count >= 8 else { throw Refusal(code: .invalidArgument, detail: "a password has at least 8 characters") }
        guard let hash = Secrets.hash(args.password) else { throw Refusal(code: .internalError, detail: "libsodium cannot hash the password") }
        let account = try await state.database.addStaff(name: name, role: args.role, passwordHash: hash, at: now())
        logger.info("staff account added", metadata: ["staff": "\(name)", "role": "\(args.role)", "by": "\(actor)"])
        return StaffView(name: account.name, role: account.role, createdAt: account.createdAt)
    }

    func staffList() async throws -> StaffListResult {
        StaffListResult(staff: try await state.database.staffAccounts().map { StaffView(name: $0.name, role: $0.role, createdAt: $0.createdAt) })
    }

    func staffRemove(_ args: StaffNameArgs) async throws -> StaffListResult {
        guard try await state.database.removeStaff(named: args.name) else { throw Refusal(code: .notFound, detail: "no staff account \(args.name)") }
        logger.info("staff account removed", metadata: ["staff": "\(args.name)", "by": "\(actor)"])
        return try await staffList()
    }

    /// A name and password checked against the account's hash. Each wrong try for a name
    /// counts; from the sixth, a try waits a second more than the one before (at most ten)
    /// before it is answered, right or wrong; a right one clears the count. An unknown name is
    /// answered as a wrong password, after the same work, so names are not found out.
    func staffLogin(_ args: StaffLoginArgs) async throws -> StaffView {
        let name = VietnameseText.nfc(args.name.trimmingCharacters(in: .whitespaces))
        let failures = state.loginFailures.withLockedValue { $0[name] ?? 0 }
        if failures >= 5 { try await Task.sleep(for: .seconds(min(10, failures - 4))) }
        let account = try await state.database.staffAccount(named: name)
        if account == nil { _ = Secrets.hash(args.password) }  // an unknown name costs a hash too
        guard let account, Secrets.verify(args.password, against: account.passwordHash) else {
            state.loginFailures.withLockedValue { $0[name, default: 0] += 1 }
            logger.notice("staff login refused", metadata: ["staff": "\(name)", "failures": "\(failures + 1)"])
            throw Refusal(code: .wrongPassword)
        }
        state.loginFailures.withLockedValue { $0[name] = nil }
        return StaffView(name: account.name, role: account.role, createdAt: account.createdAt)
    }

    func deskScan(_ args: DeskScanArgs) async throws -> DeskScanResult {
        let code = try required(args.code, "code")
        guard let desks = state.desks, let (notice, desk) = await desks.scan(code, desk: text(args.desk), from: "keyboard") else {
            let names = state.desks?.order.joined(separator: ", ") ?? ""
            throw Refusal(code: .invalidArgument, detail: args.desk.map { "no desk \($0); desks: \(names)" } ?? "name the desk: \(names)")
        }
        let language = requestLanguage ?? state.config.language
        return DeskScanResult(
            desk: desk, outcome: notice?.outcome.rawValue, level: notice?.level.rawValue, message: notice?.message.text(language),
            vi: notice?.message.vi, en: notice?.message.en)
    }
}
