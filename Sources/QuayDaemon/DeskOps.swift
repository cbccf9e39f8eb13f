import Foundation
import QuayCore
import QuayProtocol
import QuayStore


/// The desk ops: the scan log, switching modes, the scanners' states.
extension Dispatcher {
    func scanList(_ args: ScanListArgs) async throws -> ScanListResult {
        var since: Date? = nil
        if let text = text(args.since) {
            if let day = (try? validDate(text)).flatMap(Day.init) {
                since = day.date
            } else if let instant = Timestamp.parse(text) {
                since = instant
            } else {
                throw Refusal(code: .invalidArgument, detail: "since must be yyyy-mm-dd, dd/mm/yyyy or a timestamp, not \(text)")
            }
        }
        return ScanListResult(scans: try await state.database.scans(since: since, desk: text(args.desk), limit: try limit(args.limit ?? 100)))
    }

    func deskMode(_ args: DeskModeArgs) async throws -> DeskInfo {
        guard let mode = DeskMode(rawValue: args.mode.lowercased()) else {
            throw Refusal(
                code: .invalidArgument, detail: "mode must be one of \(DeskMode.allCases.map(\.rawValue).joined(separator: ", ")), not \(args.mode)")
        }
        guard let desks = state.desks, let info = await desks.setMode(mode, desk: text(args.desk)) else {
            let names = state.desks?.order.joined(separator: ", ") ?? ""
            throw Refusal(code: .invalidArgument, detail: args.desk.map { "no desk \($0); desks: \(names)" } ?? "name the desk: \(names)")
        }
        return info
    }

    func scannerList() -> ScannersResult {
        ScannersResult(scanners: state.desks?.scannerInfo ?? [], desks: state.desks?.desks ?? [])
    }
}
