import Foundation
import QuayCore
import QuayProtocol

/// The printers' and backups' pages (issue 20): how each printer stands and its jobs, with
/// their retry, cancel and reprint buttons; the automatic backups and "back up now".
extension Pages {
    /// A moment as staff read it: its day and time in Vietnam (`PageContext.time`).
    static func time(_ date: Date, _ context: PageContext) -> String {
        context.time(Timestamp.format(date))
    }

    static func jobButton(_ context: PageContext, job: Int64, action: String, words: String) -> String {
        """
        <form method="post" action="/printers/jobs/\(job)/\(action)" class="inline">\(context.csrfField)\
        <button type="submit" id="\(action)-\(job)">\(words)</button></form>
        """
    }

    /// `/printers`: the configured printers with their state, and the newest print jobs.
    static func printers(_ context: PageContext, printers: [PrinterInfo], jobs: [PrintJobInfo], problem: String? = nil) -> String {
        let printerRows = printers.map { printer in
            """
            <tr id="printer-\(HTML.escape(printer.name))"><td>\(HTML.escape(printer.name))</td><td>\(HTML.escape(printer.language.uppercased()))</td>\
            <td>\(HTML.escape(printer.address))</td>\
            <td class="state \(HTML.escape(printer.state))">\(HTML.escape(context.t(printer.vi, printer.en)))</td>\
            <td class="number">\(printer.queued)</td><td class="number">\(printer.failed)</td></tr>
            """
        }
        let printerTable = table(
            "printers",
            [context.t("Máy in", "Printer"), context.t("Ngôn ngữ", "Language"), context.t("Địa chỉ", "Address"), context.t("Tình trạng", "State"),
             context.t("Chờ in", "Queued"), context.t("Lỗi", "Failed")],
            printerRows, empty: context.t("Chưa cấu hình máy in nào ([[printer]] trong quayd.toml)", "No printer is configured ([[printer]] in quayd.toml)"))
        let jobRows = jobs.map { job in
            var buttons = ""
            // As the ops allow: retry a failed, cancelled or waiting job; cancel one not sent; reprint a printed one.
            if job.state != .done && job.state != .sending { buttons += jobButton(context, job: job.id, action: "retry", words: context.t("Thử lại", "Retry")) }
            if job.state == .queued || job.state == .failed { buttons += jobButton(context, job: job.id, action: "cancel", words: context.t("Huỷ", "Cancel")) }
            if job.state == .done { buttons += jobButton(context, job: job.id, action: "reprint", words: context.t("In lại", "Reprint")) }
            return """
                <tr id="job-\(job.id)" data-state="\(job.state.rawValue)"><td class="number">\(job.id)</td><td>\(HTML.escape(job.printer))</td>\
                <td>\(HTML.escape(job.template))</td><td>\(HTML.escape(job.key ?? ""))</td><td>\(HTML.escape(job.state.words.text(context.language)))\
                \(job.lastError.map { "<br><small>" + HTML.escape($0) + "</small>" } ?? "")</td>\
                <td>\(HTML.escape(context.time(job.createdAt)))</td><td>\(buttons)</td></tr>
                """
        }
        let jobTable = table(
            "jobs",
            [context.t("Số", "No."), context.t("Máy in", "Printer"), context.t("Mẫu", "Template"), context.t("Mã", "Key"), context.t("Trạng thái", "State"),
             context.t("Lúc", "Created"), context.t("Thao tác", "Actions")],
            jobRows, empty: context.t("Chưa có lệnh in nào", "No print jobs yet"))
        return layout(
            context, title: context.t("Máy in", "Printers"),
            body: """
                \(said(problem))
                \(printerTable)
                <h2>\(context.t("Lệnh in gần đây", "Recent print jobs"))</h2>
                \(jobTable)
                """)
    }

    /// `/backups`: how the automatic backups stand, each backup (checked again with `check`),
    /// and the button that takes one now.
    static func backups(_ context: PageContext, list: BackupListResult?, checked: Bool, problem: String? = nil) -> String {
        var state = ""
        if let backup = list?.state {
            if backup.automatic {
                state = """
                    <dl class="grid card" id="backup-state">
                    <dt>\(context.t("Thư mục", "Directory"))</dt><dd>\(HTML.escape(backup.directory ?? ""))</dd>
                    <dt>\(context.t("Lịch", "Schedule"))</dt><dd>\(HTML.escape(schedule(backup.schedule ?? "", context)))</dd>
                    <dt>\(context.t("Giữ lại", "Kept"))</dt><dd>\(backup.keep ?? 0)</dd>
                    <dt>\(context.t("Bản tốt mới nhất", "Newest good backup"))</dt><dd>\(backup.lastGoodAt.map { HTML.escape(time($0, context)) } ?? "—")</dd>
                    \(backup.lastError.map { "<dt>\(context.t("Lỗi gần nhất", "Last failure"))</dt><dd class=\"error\">\(HTML.escape($0))</dd>" } ?? "")
                    </dl>
                    \(backup.overdue ? "<p class=\"outcome warning\" role=\"alert\">\(HTML.escape(context.t(backup.overdueWords.vi, backup.overdueWords.en)))</p>" : "")
                    """
            } else {
                state = "<p class=\"outcome warning\" id=\"backup-state\">\(context.t("Sao lưu tự động đang tắt: đặt [backup] directory trong quayd.toml (docs/config.md)", "Automatic backups are off: set [backup] directory in quayd.toml (docs/config.md)"))</p>"
            }
        }
        let rows = (list?.backups ?? []).map { entry in
            let check = entry.check.map { $0 == "ok" ? context.t("tốt", "ok") : $0 } ?? (entry.verified ? context.t("đã kiểm tra khi tạo", "checked when taken") : "—")
            return """
                <tr><td>\(HTML.escape(time(entry.takenAt, context)))</td><td class="number">\(HTML.escape(Self.size(entry.sizeBytes)))</td>\
                <td>\(HTML.escape(check))</td><td><code>\(HTML.escape(entry.file))</code></td></tr>
                """
        }
        let backupTable = table(
            "backups", [context.t("Lúc", "Taken"), context.t("Cỡ", "Size"), context.t("Kiểm tra", "Check"), context.t("Tệp", "File")], rows,
            empty: context.t("Chưa có bản sao lưu nào", "No backups yet"))
        return layout(
            context, title: context.t("Sao lưu", "Backups"),
            body: """
                \(said(problem))
                \(state)
                <form method="post" action="/backups" class="inline" id="take">\(context.csrfField)
                <button type="submit">\(context.t("Sao lưu ngay", "Back up now"))</button></form>
                \(checked ? "" : "<a href=\"/backups?check=1\" id=\"check\">\(context.t("Kiểm tra lại mọi bản (chậm)", "Check every backup again (slow)"))</a>")
                \(backupTable)
                """)
    }

    /// `daily 17:00` or `every 6h` (`BackupState.schedule`) in the staff member's words.
    static func schedule(_ text: String, _ context: PageContext) -> String {
        guard context.language == .vi else { return text }
        if text.hasPrefix("daily ") { return "hằng ngày lúc " + text.dropFirst(6) }
        if text.hasPrefix("every ") { return "mỗi " + text.dropFirst(6) }
        return text
    }

    /// Bytes as KiB or MiB.
    static func size(_ bytes: Int64) -> String {
        bytes >= 1_048_576 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KiB"
    }
}
