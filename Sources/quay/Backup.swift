import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

#if canImport(Glibc)
import Glibc
#endif

extension QuayCommand {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "backup", 
            abstract: "Copy the whole database to FILE while the desk goes on (checked with integrity_check).",
            discussion: "The copy is written by quay itself, with your permissions, wherever you may write (a USB stick too).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Where to write the copy (an .sqlite file).") var file: String

        func run() throws {
            let (partial, handle) = try options.openPartial(file)
            let connection: QuayConnection
            do {
                connection = try options.connect()
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
            guard case .success(let created) = try options.request(connection, .backupCreate, args: NoArguments?.none, as: BackupCreateResult.self)
            else {
                try? FileManager.default.removeItem(atPath: partial)
                throw ExitCode(CLIExit.refused)
            }
            let copy = created.result
            try options.download(
                connection, .backupRead, size: copy.sizeBytes, progress: Bilingual(vi: "Đang sao lưu", en: "Backing up"), partial: partial,
                handle: handle, to: file
            ) { BackupReadArgs(backup: copy.backup, offset: $0) }
            if options.json {
                print(String(decoding: created.raw, as: UTF8.self))
            } else {
                let size = Formatting.bytes(copy.sizeBytes, options.language)
                print(options.text("Đã sao lưu vào \(file) (\(size), kiểm tra toàn vẹn: ok)", "Backed up to \(file) (\(size), integrity ok)"))
            }
        }
    }

    struct Backups: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "backups", 
            abstract: "The automatic backups ([backup] in quayd.toml): each with its time and size, newest first.",
            discussion: "--check reads each file again with integrity_check (slow on a large database); --now takes one first.")

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Check every backup file again now.") var check = false
        @Flag(help: "Take an automatic backup now, into [backup] directory (admin).") var now = false

        func run() throws {
            if now {
                let connection = try options.connect()
                guard case .success = try options.request(connection, .backupTake, args: NoArguments?.none, as: BackupEntryInfo.self) else {
                    throw ExitCode(CLIExit.refused)
                }
            }
            try options.run(.backupList, args: BackupListArgs(check: check ? true : nil), as: BackupListResult.self) { result in
                BackupsView(result: result, language: options.language).render()
            }
        }
    }
}

/// `quay backups` for people.
struct BackupsView {
    let result: BackupListResult
    let language: Language

    func text(_ vi: String, _ en: String) -> String { Bilingual(vi: vi, en: en).text(language) }

    func render() -> String {
        let state = result.state
        guard state.automatic else {
            return text(
                "Sao lưu tự động đang tắt: đặt [backup] directory trong quayd.toml (docs/config.md). Sao lưu ngay: quay backup FILE",
                "Automatic backups are off: set [backup] directory in quayd.toml (docs/config.md). Back up now: quay backup FILE")
        }
        var lines = [
            text("Sao lưu tự động vào \(state.directory ?? ""), \(Self.schedule(state.schedule, language)), giữ \(state.keep ?? 0) bản",
                 "Automatic backups to \(state.directory ?? ""), \(state.schedule ?? ""), keeping \(state.keep ?? 0)")
        ]
        if result.backups.isEmpty {
            lines.append(text("Chưa có bản sao lưu nào.", "No backup yet."))
        } else {
            let header = [text("Lúc", "Taken"), text("Dung lượng", "Size"), text("Kiểm tra", "Verified"), text("Tệp", "File")]
            let rows = result.backups.map { entry -> [String] in
                let verified = entry.check.map { $0 == "ok" ? text("ok (vừa kiểm tra)", "ok (checked now)") : text("HỎNG: ", "DAMAGED: ") + $0 }
                    ?? (entry.verified ? text("ok (khi ghi)", "ok (when written)") : text("chưa", "no"))
                return [Self.time(entry.takenAt), Formatting.bytes(entry.sizeBytes, language), verified, entry.file]
            }
            lines.append(TextTable(rows: [header] + rows).render())
        }
        if let error = state.lastError, let at = state.lastErrorAt {
            lines.append(text("Lần sao lưu lỗi gần nhất (\(Self.time(at))): \(error)", "Last failed backup (\(Self.time(at))): \(error)"))
        }
        if state.overdue {
            let words = state.overdueWords
            lines.append("! " + text(words.vi, words.en))
        }
        return lines.joined(separator: "\n")
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// "daily 17:00" → "hằng ngày lúc 17:00", "every 6h" → "mỗi 6h".
    static func schedule(_ schedule: String?, _ language: Language) -> String {
        guard let schedule, language == .vi else { return schedule ?? "" }
        if schedule.hasPrefix("daily ") { return "hằng ngày lúc " + schedule.dropFirst(6) }
        if schedule.hasPrefix("every ") { return "mỗi " + schedule.dropFirst(6) }
        return schedule
    }
}
