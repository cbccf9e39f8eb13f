import ArgumentParser
import Foundation
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct Ping: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ping", abstract: "Check that quayd answers.")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let (_, raw) = try options.call(.ping, args: NoArguments?.none, as: PingResult.self)
            if options.json {
                print(String(decoding: raw, as: UTF8.self))
            } else {
                print(Bilingual(vi: "quayd đang chạy", en: "quayd is running").text(options.language))
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", 
            abstract: "Show what quayd runs on: version, uptime, database, counts, config, socket.")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let (status, raw) = try options.call(.status, args: NoArguments?.none, as: StatusResult.self)
            if options.json {
                print(String(decoding: raw, as: UTF8.self))
            } else {
                print(StatusView(status: status, language: options.language).render())
            }
        }
    }
}

/// `quay status` for people, in their language, columns aligned by display width.
struct StatusView {
    let status: StatusResult
    let language: Language

    func text(_ vi: String, _ en: String) -> String { Bilingual(vi: vi, en: en).text(language) }

    func render() -> String {
        let database = status.database
        let counts = database.counts.sorted { $0.key < $1.key }.map { "\($0.key) \(Formatting.number($0.value, language))" }
        let config = status.config.path ?? text("(mặc định có sẵn)", "(built-in defaults)")
        var rows: [[String]] = [
            [text("Trường", "School"), status.school],
            [text("Phiên bản", "Version"), "quayd \(status.version) (pid \(status.pid))"],
            [text("Đã chạy", "Uptime"), Formatting.duration(status.uptimeSeconds, language)],
            [text("Cơ sở dữ liệu", "Database"), database.path],
            [text("Dung lượng", "Size"),
             "\(Formatting.bytes(database.sizeBytes, language)) (\(database.journalMode.uppercased()), synchronous=\(database.synchronous))"],
            [text("Số bản ghi", "Rows"), counts.joined(separator: ", ")],
            [text("Tệp cấu hình", "Config file"), config],
            [text("Ổ cắm", "Socket"),
             (status.socket.path ?? "?") + (status.socket.activated ? text(" (systemd kích hoạt)", " (socket-activated)") : "")],
            [text("Kết nối", "Connections"), "\(status.socket.connections)/\(status.socket.maxConnections)"],
        ]
        if status.config.reloads > 0 {
            rows.append([text("Nạp lại cấu hình", "Config reloads"), "\(status.config.reloads)"])
        }
        let check = database.quickCheck
        rows.append([
            text("Kiểm tra", "Check"),
            "quick_check " + (check == "ok" ? "ok" : check == "running" ? text("đang chạy", "running") : text("HỎNG: ", "DAMAGED: ") + check),
        ])
        let backup = status.backup
        if backup.automatic {
            let last = backup.lastGoodAt.map { text("mới nhất ", "newest ") + BackupsView.time($0) } ?? text("chưa có bản nào", "none yet")
            rows.append([text("Sao lưu", "Backups"), "\(BackupsView.schedule(backup.schedule, language)) → \(backup.directory ?? ""), \(last)"])
        } else {
            rows.append([text("Sao lưu", "Backups"), text("tự động: tắt ([backup] directory)", "automatic: off ([backup] directory)")])
        }
        // The same warnings `quay watch` starts with.
        return ([TextTable(rows: rows).render()] + WatchLine.standing(status, language: language)).joined(separator: "\n")
    }
}

/// Numbers, sizes and durations the way each language writes them (SPEC §12).
enum Formatting {
    static func number(_ value: Int64, _ language: Language) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(language == .vi ? "." : ",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    static func bytes(_ value: Int64, _ language: Language) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var size = Double(value)
        var unit = 0
        while size >= 1024 && unit < units.count - 1 {
            size /= 1024
            unit += 1
        }
        var text = unit == 0 ? "\(value)" : String(format: "%.1f", size)
        if language == .vi { text = text.replacingOccurrences(of: ".", with: ",") }
        return "\(text) \(units[unit])"
    }

    static func duration(_ seconds: Double, _ language: Language) -> String {
        let total = Int(seconds)
        let (days, hours, minutes, secs) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60)
        let names = language == .vi ? ["ngày", "giờ", "phút", "giây"] : ["d", "h", "min", "s"]
        let parts = zip([days, hours, minutes, secs], names).drop { $0.0 == 0 && $0.1 != names[3] }
        return parts.map { "\($0.0) \($0.1)" }.joined(separator: " ")
    }
}
