import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "watch", 
            abstract: "Live: a line per scan with its outcome at the desks, red with a bell on errors.",
            discussion: "Runs until interrupted. --json prints the event lines as quayd sends them.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this desk.") var desk: String?
        @Option(help: "Event topics: scan, desk, device (default all).") var topic: [String] = []

        func run() throws {
            // What is wrong already is said first: events only tell what happens from now on.
            if !options.json, let first = try? QuayConnection(path: options.socketPath),
                case .success(let status)? = try? options.request(first, .status, args: NoArguments?.none, as: StatusResult.self) {
                for warning in WatchLine.standing(status.result, language: options.language) {
                    FileHandle.standardOutput.write(Data((warning + "\n").utf8))
                }
            }
            let connection = try options.connect()
            guard case .success = try options.request(connection, .eventsSubscribe, args: EventsSubscribeArgs(topics: topic), as: EventsSubscribeResult.self)
            else { throw ExitCode(CLIExit.refused) }
            // Each line goes out at once (not block-buffered), so a pipe sees it live.
            func emit(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
            let colour = isatty(STDOUT_FILENO) == 1
            while let line = try? connection.readLine() {
                // Scans are logged as read, controls and all; the terminal sees them as pictures.
                guard case .object(let event)? = try? WireFormat.decoder().decode(JSONValue.self, from: Data(JSONText.picturingControls(line))),
                    case .string(let name)? = event["event"], case .object(let data)? = event["data"]
                else { continue }
                if let desk, data["desk"] != .string(desk) { continue }
                if options.json {
                    emit(String(decoding: line, as: UTF8.self))
                    continue
                }
                if let text = WatchLine.render(name: name, at: event["at"], data: data, language: options.language, colour: colour) {
                    emit(text)
                }
            }
        }
    }

    struct Scans: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scans", abstract: "The scan log: every scan and what came of it.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "From this day (yyyy-mm-dd or dd/mm/yyyy) or time.") var since: String?
        @Option(help: "Only this desk.") var desk: String?
        @Option(help: "At most this many of the latest (default 100).") var limit: Int?

        func run() throws {
            try options.run(.scanList, args: ScanListArgs(since: since, desk: desk, limit: limit), as: ScanListResult.self) { result in
                let header = [
                    options.text("Số", "No."), options.text("Lúc", "At"), options.text("Quầy", "Desk"), options.text("Máy quét", "Scanner"),
                    options.text("Mã", "Code"), options.text("Kết quả", "Outcome"), options.text("Ghi chú", "Message"),
                ]
                let rows = result.scans.map { scan in
                    [String(scan.id), scan.at, scan.desk, scan.scanner, scan.data, scan.outcome ?? "…", scan.message ?? ""]
                }
                return TextTable(rows: [header] + rows).render()
            }
        }
    }

    struct DeskCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "desk", abstract: "The desk: switch its mode, or type a code, from the keyboard.", subcommands: [Mode.self, Scan.self])

        struct Scan: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "scan", abstract: "Type a code at the desk, as its scanner would read it: logged, then acted on in the desk's mode.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "A card, a book's barcode, a shelf or a command (QUAY:UNDO).") var code: String
            @Option(help: "The desk (needed when there are several).") var desk: String?

            func run() throws {
                try options.run(.deskScan, args: DeskScanArgs(code: code, desk: desk), as: DeskScanResult.self) { result in
                    let mark = result.level == "error" ? "✘" : result.level == "warning" ? "!" : "✔"
                    return "\(mark) \(result.message ?? options.text("(không có kết quả)", "(no outcome)"))"
                }
            }
        }

        struct Mode: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "mode", 
                abstract: "Switch to checkout, checkin, lesson, inventory, intake or lookup (as the command sheet does).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "checkout, checkin, lesson, inventory, intake or lookup.") var mode: String
            @Option(help: "The desk (needed when there are several).") var desk: String?

            func run() throws {
                try options.run(.deskMode, args: DeskModeArgs(mode: mode, desk: desk), as: DeskInfo.self) { info in
                    options.text("Quầy \(info.name): chế độ \(info.mode)", "Desk \(info.name): mode \(info.mode)")
                }
            }
        }
    }

    struct Scanners: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scanners", abstract: "Each scanner, its desk and its state; and the desks' modes.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.run(.scannerList, args: NoArguments?.none, as: ScannersResult.self) { result in
                let state = WatchLine.scannerStates
                let header = [
                    options.text("Máy quét", "Scanner"), options.text("Quầy", "Desk"), options.text("Loại", "Kind"),
                    options.text("Trạng thái", "State"), options.text("Số lần quét", "Scans"), options.text("Đường dẫn", "Path"),
                ]
                let rows = result.scanners.map { scanner in
                    [scanner.name, scanner.desk, scanner.kind, state[scanner.state]?.text(options.language) ?? scanner.state,
                     String(scanner.scans), scanner.path]
                }
                let desks = result.desks.map { desk in
                    options.text("Quầy \(desk.name): chế độ \(desk.mode)", "Desk \(desk.name): mode \(desk.mode)")
                        + (desk.borrower.map { options.text(", đang phục vụ \($0)", ", serving \($0)") } ?? "")
                }
                return (result.scanners.isEmpty ? options.text("Chưa cấu hình máy quét.", "No scanners configured.")
                    : TextTable(rows: [header] + rows).render()) + "\n" + desks.joined(separator: "\n")
            }
        }
    }
}

/// One human line of `quay watch`.
enum WatchLine {
    /// A scanner's states in the desk's words.
    static let scannerStates: [String: Bilingual] = [
        "connected": Bilingual(vi: "đã kết nối", en: "connected"), "gone": Bilingual(vi: "đã rút ra", en: "gone"),
        "absent": Bilingual(vi: "không thấy", en: "absent"),
    ]

    /// Warnings that stand when `quay watch` starts: overdue backups, a damaged database.
    static func standing(_ status: StatusResult, language: Language) -> [String] {
        var lines: [String] = []
        if status.backup.overdue {
            let words = status.backup.overdueWords
            lines.append("! " + Bilingual(vi: words.vi, en: words.en).text(language))
        }
        let check = status.database.quickCheck
        if check != "ok" && check != "running" {
            lines.append("✘ " + Bilingual(vi: "cơ sở dữ liệu không qua quick_check: ", en: "the database fails quick_check: ").text(language) + check)
        }
        return lines
    }

    static func render(name: String, at: JSONValue?, data: [String: JSONValue], language: Language, colour: Bool) -> String? {
        func string(_ key: String) -> String? {
            if case .string(let text)? = data[key] { return text }
            return nil
        }
        var time = ""
        if case .string(let stamp)? = at, stamp.count >= 19 { time = String(stamp.dropFirst(11).prefix(8)) + " " }
        let desk = string("desk").map { "[\($0)] " } ?? ""
        // A scan's one line is its outcome: not the scan as read, nor a step on the way.
        if name == "scan.accepted" || string("outcome").flatMap(DeskOutcome.init(rawValue:))?.isStep == true { return nil }
        if name.hasPrefix("device.") {
            let state = string("state").map { scannerStates[$0]?.text(language) ?? $0 } ?? ""
            let word = Bilingual(vi: "máy quét \(string("scanner") ?? "") \(state)", en: "scanner \(string("scanner") ?? "") \(state)")
            return "\(time)\(desk)⚙ \(word.text(language))"
        }
        if name.hasPrefix("print.") {
            var job = "?"
            if case .int(let number)? = data["job"] { job = String(number) }
            let state = string("state") ?? ""
            let reason = string("reason").map { " (\($0))" } ?? ""
            let words = Bilingual(
                vi: "lệnh in \(job) trên \(string("printer") ?? ""): \(state)\(reason)", en: "print job \(job) on \(string("printer") ?? ""): \(state)\(reason)")
            return "\(time)⎙ \(words.text(language))"
        }
        if name == "inventory.scanned" {
            func number(_ key: String) -> String { if case .int(let value)? = data[key] { String(value) } else { "?" } }
            let location = string("location") ?? ""
            let words = Bilingual(
                vi: "kiểm kê: \(number("scans")) mã ở \(location), đã thấy \(number("seen"))",
                en: "inventory: \(number("scans")) codes at \(location), \(number("seen")) seen")
            return "\(time)▦ \(words.text(language))"
        }
        let message = string(language == .vi ? "vi" : "en") ?? string("message") ?? name
        if name == "printer.status" {
            let level = string("state") == "waiting" ? "warning" : "info"
            return Self.coloured("\(time)⎙ \(string("printer") ?? ""): ", message, level: level, colour: colour)
        }
        let scan = string("scan").map { "\($0) " } ?? ""
        return Self.coloured("\(time)\(desk)\(scan)", message, level: string("level"), colour: colour)
    }

    /// A line coloured by its level: red with a bell for errors, yellow for warnings, green otherwise.
    private static func coloured(_ prefix: String, _ message: String, level: String?, colour: Bool) -> String {
        switch level {
        case "error": return colour ? "\(prefix)\u{1B}[31m✘ \(message)\u{1B}[0m\u{07}" : "\(prefix)✘ \(message)\u{07}"
        case "warning": return colour ? "\(prefix)\u{1B}[33m! \(message)\u{1B}[0m" : "\(prefix)! \(message)"
        default: return colour ? "\(prefix)\u{1B}[32m✔ \(message)\u{1B}[0m" : "\(prefix)✔ \(message)"
        }
    }
}
