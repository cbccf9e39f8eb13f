import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

extension QuayCommand {
    struct InventoryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inventory", abstract: "The annual inventory (kiểm kê): start, scan, status, close, report, apply.",
            discussion: "The workflow for staff is in docs/inventory.md.",
            subcommands: [Start.self, Scan.self, Count.self, Status.self, Close.self, Report.self, Apply.self])

        struct Start: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "start", 
                abstract: "Open a session over a scope (admin).",
                discussion: """
                    Scope terms, repeatable and combinable: location=KE-A01 (or KE-A* for every shelf starting so), \
                    register=STK, call=800-899, kind=book|equipment. None: everything.
                    """)
            @OptionGroup var options: GlobalOptions
            @Option(help: "A scope term key=value (repeat, or comma-separate).") var scope: [String] = []

            func run() throws {
                try options.run(.inventoryStart, args: InventoryStartArgs(scope: scope), as: InventorySessionView.self) {
                    InventoryText(options: options).session($0)
                }
            }
        }

        struct Scan: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "scan", 
                abstract: "Record barcodes seen at a location in the open session.",
                discussion:
                    "--file reads one barcode a line (blank lines and lines starting with # are skipped), e.g. a portable scanner's batch.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "Where they were seen: the shelf or room code.") var location: String
            @Option(help: "For equipment units: good, needs_repair or broken.") var condition: String?
            @Option(help: "A file of barcodes, one a line.") var file: String?
            @Argument(help: "Barcodes or accession numbers, in the order seen.") var codes: [String] = []

            func validate() throws {
                if codes.isEmpty && file == nil { throw ValidationError("give barcodes, or --file") }
            }

            func run() throws {
                var all = codes
                if let file {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        options.printError(options.text("không đọc được tệp \(file)", "cannot read \(file)"))
                        throw ExitCode(CLIExit.usage)
                    }
                    guard let text = String(data: data, encoding: .utf8) else {
                        options.printError(options.text("tệp \(file) không phải UTF-8", "\(file) is not UTF-8"))
                        throw ExitCode(CLIExit.usage)
                    }
                    all += text.replacingOccurrences(of: "\u{FEFF}", with: "").split(whereSeparator: \.isNewline)
                        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
                }
                guard !all.isEmpty else {
                    options.printError(options.text("không có mã nào", "no barcodes"))
                    throw ExitCode(CLIExit.usage)
                }
                let connection = try options.connect()
                var scans: [InventoryScanView] = []
                var raws: [String] = []
                var start = 0
                while start < all.count {
                    let part = Array(all[start..<min(all.count, start + InventoryScanArgs.maxItems)])
                    let args = InventoryScanArgs(location: location, items: part, condition: condition, source: "quay")
                    guard
                        case .success(let (result, raw)) = try options.request(
                            connection, .inventoryScan, args: args, as: InventoryScanResult.self)
                    else {
                        if start > 0 {
                            options.printError(options.text("\(start) mã đầu đã được ghi", "the first \(start) barcodes were recorded"))
                        }
                        throw ExitCode(CLIExit.refused)
                    }
                    scans += result.scans
                    raws.append(String(decoding: raw, as: UTF8.self))
                    start += part.count
                }
                if options.json {
                    print(raws.joined(separator: "\n"))
                } else {
                    print(InventoryText(options: options).scans(scans))
                }
            }
        }

        struct Count: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "count", 
                abstract: "Count a consumable (equipment tracked by quantity) at a location.",
                discussion:
                    "A recount of the same code at the same location replaces the earlier count; counts at several locations add up.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The equipment code.") var code: String
            @Argument(help: "How many are there.") var quantity: Int
            @Option(help: "Where they were counted.") var location: String

            func run() throws {
                try options.run(
                    .inventoryCount, args: InventoryCountArgs(code: code, quantity: quantity, location: location),
                    as: InventoryLineView.self
                ) {
                    line in
                    options.text(
                        "\(line.barcode) (\(line.title ?? "")): đếm được \(line.countedQuantity ?? 0), sổ ghi \(line.expectedQuantity ?? 0)",
                        "\(line.barcode) (\(line.title ?? "")): \(line.countedQuantity ?? 0) counted, \(line.expectedQuantity ?? 0) on record"
                    )
                }
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "status", abstract: "The open (or latest) session and its live counts.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "A session by number (default the latest).") var session: Int64?
            @Flag(help: "Also each shelf scanned so far: scans, copies seen, misplaced, unknown.") var shelves = false

            func run() throws {
                try options.run(.inventoryStatus, args: InventorySessionArgs(session: session, shelves: shelves ? true : nil), as: InventorySessionView.self) {
                    InventoryText(options: options).session($0) + InventoryText(options: options).shelves($0.shelves ?? [])
                }
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "close", 
                abstract: "Close the open session and reconcile it: the inventory report (admin).",
                discussion: "Prints the totals and every line but the found ones; --csv writes every line, found ones included.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "Also write the whole report as CSV (UTF-8 with BOM, for Excel).") var csv: String?

            func run() throws {
                let connection = try options.connect()
                guard
                    case .success(let (session, raw)) = try options.request(
                        connection, .inventoryClose, args: NoArguments?.none, as: InventorySessionView.self)
                else { throw ExitCode(CLIExit.refused) }
                let report = InventoryReport(options: options, connection: connection, session: session.id)
                if let csv { try report.writeCSV(to: csv, categories: InventoryText.reportCategories) }
                if options.json {
                    print(String(decoding: raw, as: UTF8.self))
                } else {
                    print(try report.text(session, categories: InventoryText.reportCategories.filter { $0 != .found }))
                }
            }
        }

        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "report", 
                abstract: "A closed session's report: totals and lines, as a table, JSON or CSV.",
                discussion:
                    "Categories: found, misplaced, missing, on_loan, outside_scope, unknown, counted, disposal (default all but disposal).")
            @OptionGroup var options: GlobalOptions
            @Option(help: "A session by number (default the latest).") var session: Int64?
            @Option(help: "Only this category (repeat).") var category: [String] = []
            @Option(help: "Write the lines as CSV (UTF-8 with BOM, for Excel).") var csv: String?

            func validate() throws {
                for name in category where InventoryCategory(rawValue: name) == nil {
                    throw ValidationError(
                        "unknown category '\(name)'; categories: \(InventoryCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }

            func run() throws {
                let categories = category.isEmpty ? InventoryText.reportCategories : category.compactMap(InventoryCategory.init(rawValue:))
                let connection = try options.connect()
                guard
                    case .success(let (view, _)) = try options.request(
                        connection, .inventoryStatus, args: InventorySessionArgs(session: session), as: InventorySessionView.self)
                else { throw ExitCode(CLIExit.refused) }
                let report = InventoryReport(options: options, connection: connection, session: view.id)
                if let csv { try report.writeCSV(to: csv, categories: categories) }
                if options.json {
                    print(try report.json(view, categories: categories))
                } else if csv == nil {
                    print(try report.text(view, categories: categories))
                } else {
                    print(InventoryText(options: options).session(view))
                }
            }
        }

        struct Apply: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "apply", 
                abstract: "Apply a closed session: mark missing, record last seen and locations, conditions and counts (admin).",
                discussion: "Prints what changed and the disposal list (thanh lý): missing copies and units, and broken units.")
            @OptionGroup var options: GlobalOptions
            @Option(help: "A session by number (default the latest closed one).") var session: Int64?
            @Option(help: "Also write the disposal list as CSV (UTF-8 with BOM).") var csv: String?

            func run() throws {
                let connection = try options.connect()
                guard
                    case .success(let (applied, raw)) = try options.request(
                        connection, .inventoryApply, args: InventorySessionArgs(session: session), as: InventoryApplyView.self)
                else { throw ExitCode(CLIExit.refused) }
                let report = InventoryReport(options: options, connection: connection, session: applied.session.id)
                if let csv { try report.writeCSV(to: csv, categories: [.disposal]) }
                if options.json {
                    print(String(decoding: raw, as: UTF8.self))
                    return
                }
                let text = InventoryText(options: options)
                var out = TextTable(rows: [
                    [text.t("Đánh dấu thiếu", "Marked missing"), String(applied.markedMissing)],
                    [text.t("Cập nhật lần thấy cuối", "Last seen updated"), String(applied.seen)],
                    [text.t("Đổi vị trí", "Moved"), String(applied.moved)],
                    [text.t("Đổi tình trạng thiết bị", "Conditions changed"), String(applied.conditions)],
                    [text.t("Cập nhật số lượng", "Quantities set"), String(applied.quantities)],
                    [text.t("Đề nghị thanh lý", "For disposal"), String(applied.disposal)],
                ]).render()
                out += "\n\n" + (try report.text(nil, categories: [.disposal]))
                print(out)
            }
        }
    }
}

/// The report's lines fetched page by page over one connection, as text, JSON or CSV.
struct InventoryReport {
    let options: GlobalOptions
    let connection: QuayConnection
    let session: Int64
    /// Lines shown per category in the table; the CSV has them all.
    static let shownPerCategory = 1000

    init(options: GlobalOptions, connection: QuayConnection, session: Int64) {
        self.options = options
        self.connection = connection
        self.session = session
    }

    /// Every line of a category, or the first `limit`.
    func lines(_ category: InventoryCategory, limit: Int = .max) throws -> [InventoryLineView] {
        var lines: [InventoryLineView] = []
        var after: Int64 = 0
        while lines.count < limit {
            let args = InventoryReportArgs(
                session: session, category: category.rawValue, after: after, limit: min(5000, limit - lines.count))
            guard
                case .success(let (page, _)) = try options.request(connection, .inventoryReport, args: args, as: InventoryReportResult.self)
            else { throw ExitCode(CLIExit.refused) }
            lines += page.lines
            guard let next = page.next else { break }
            after = next
        }
        return lines
    }

    func text(_ session: InventorySessionView?, categories: [InventoryCategory]) throws -> String {
        let text = InventoryText(options: options)
        var parts: [String] = []
        if let session { parts.append(text.session(session)) }
        for category in categories {
            let lines = try self.lines(category, limit: Self.shownPerCategory + 1)
            guard !lines.isEmpty else { continue }
            var part = "\(category.name.text(options.language)):\n" + text.table(lines.prefix(Self.shownPerCategory))
            if lines.count > Self.shownPerCategory {
                part += "\n" + text.t("… còn nữa; xem --csv", "… and more; see --csv")
            }
            parts.append(part)
        }
        return parts.joined(separator: "\n\n")
    }

    func json(_ session: InventorySessionView, categories: [InventoryCategory]) throws -> String {
        struct Document: Codable, Sendable {
            var session: InventorySessionView
            var lines: [InventoryLineView]
        }
        var lines: [InventoryLineView] = []
        for category in categories { lines += try self.lines(category) }
        return String(decoding: try WireFormat.encoder().encode(Document(session: session, lines: lines)), as: UTF8.self)
    }

    func writeCSV(to path: String, categories: [InventoryCategory]) throws {
        let text = InventoryText(options: options)
        var rows = [text.csvHeader]
        for category in categories { rows += try lines(category).map(text.csvRow) }
        let bytes = CSV.spreadsheetBytes(rows)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            options.printError(options.text("không ghi được tệp \(path)", "cannot write \(path)"))
            throw ExitCode(CLIExit.usage)
        }
    }
}

struct InventoryText {
    let options: GlobalOptions

    /// The report's categories in their order; the disposal list comes with apply.
    static let reportCategories: [InventoryCategory] = [.found, .misplaced, .missing, .onLoan, .outsideScope, .unknown, .counted]

    func t(_ vi: String, _ en: String) -> String { options.text(vi, en) }

    func state(_ value: String) -> String {
        switch value {
        case "open": return t("đang kiểm kê", "open")
        case "closed": return t("đã kết thúc", "closed")
        case "applied": return t("đã áp dụng", "applied")
        default: return value
        }
    }

    /// A stored UTC timestamp as a day and time in Vietnam.
    func time(_ stamp: String?) -> String {
        guard let stamp, let local = Timestamp.vietnam(stamp) else { return stamp ?? "—" }
        return Formatting.date(local.day.description, options.language) + " " + local.clock
    }

    func session(_ view: InventorySessionView) -> String {
        var rows: [[String]] = [
            [t("Đợt kiểm kê", "Session"), "\(view.id) — \(state(view.state))"],
            [t("Phạm vi", "Scope"), view.scope.isEmpty ? t("toàn bộ", "everything") : view.scope.joined(separator: " ")],
            [t("Bắt đầu", "Opened"), time(view.openedAt)],
        ]
        if view.closedAt != nil { rows.append([t("Kết thúc", "Closed"), time(view.closedAt)]) }
        if view.appliedAt != nil { rows.append([t("Áp dụng", "Applied"), time(view.appliedAt)]) }
        rows += [
            [t("Cần kiểm", "Expected"), String(view.expected)],
            [t("Lượt quét", "Scans"), String(view.scans)],
            [t("Đã thấy", "Seen"), String(view.seen)],
        ]
        if view.state == "open" { rows.append([t("Còn lại", "Remaining"), String(max(0, view.expected - view.seen))]) }
        rows += [
            [t("Quét lặp", "Repeats"), String(view.repeats)],
            [t("Ngoài phạm vi", "Outside scope"), String(view.outsideScope)],
            [t("Mã lạ", "Unknown barcodes"), String(view.unknown)],
            [t("Vật tư đã đếm", "Consumables counted"), String(view.counted)],
        ]
        if let totals = view.totals {
            rows += [
                [InventoryCategory.found.name.text(options.language), String(totals.found)],
                [InventoryCategory.misplaced.name.text(options.language), String(totals.misplaced)],
                [InventoryCategory.missing.name.text(options.language), String(totals.missing)],
                [InventoryCategory.onLoan.name.text(options.language), String(totals.onLoan)],
                [t("Quét hai lần trở lên", "Seen twice or more"), String(totals.seenTwice)],
            ]
        }
        if let disposal = view.disposal { rows.append([InventoryCategory.disposal.name.text(options.language), String(disposal)]) }
        return TextTable(rows: rows).render()
    }

    /// Each shelf's counts so far, after the session's table; nothing without shelves.
    func shelves(_ shelves: [InventoryShelfView]) -> String {
        guard !shelves.isEmpty else { return "" }
        let header = [t("Kệ", "Shelf"), t("Lượt quét", "Scans"), t("Đã thấy", "Seen"), t("Sai chỗ", "Misplaced"), t("Mã lạ", "Unknown"), t("Lần cuối", "Last")]
        let rows = shelves.map { [$0.location, String($0.scans), String($0.seen), String($0.misplaced), String($0.unknown), time($0.lastAt)] }
        return "\n\n" + TextTable(header: header, rows: rows).render()
    }

    func scans(_ scans: [InventoryScanView]) -> String {
        func outcome(_ value: InventoryScanOutcome) -> String { value.words.text(options.language) }
        var out = ""
        if scans.count <= 50 {
            out =
                TextTable(
                    rows: [
                        [
                            t("Mã", "Code"), t("Số", "Number"), t("Nhan đề/Tên", "Title/Name"), t("Vị trí", "Location"),
                            t("Kết quả", "Outcome"),
                        ]
                    ]
                        + scans.map { [$0.barcode, $0.accession ?? "—", $0.title ?? "—", $0.location, outcome($0.outcome)] }
                ).render() + "\n"
        }
        let tally = InventoryScanOutcome.allCases.map { key in
            "\(outcome(key)) \(scans.filter { $0.outcome == key }.count)"
        }
        return out + t("\(scans.count) lượt quét: ", "\(scans.count) scans: ") + tally.joined(separator: ", ")
    }

    func note(_ line: InventoryLineView) -> String {
        var notes: [String] = []
        switch line.note {
        case .location?: notes.append(t("sai giá", "wrong place"))
        case .order?: notes.append(t("sai thứ tự", "out of order"))
        case .recordedOnLoan?: notes.append(t("sổ ghi đang mượn", "recorded as on loan"))
        case nil: break
        }
        if let times = line.times, times > 1 { notes.append(t("quét \(times) lần", "scanned \(times)×")) }
        if let condition = line.condition { notes.append(EquipmentText(options: options).condition(condition.rawValue)) }
        if let counted = line.countedQuantity {
            notes.append(
                t("đếm \(counted), sổ ghi \(line.expectedQuantity ?? 0)", "counted \(counted), on record \(line.expectedQuantity ?? 0)"))
        }
        return notes.joined(separator: ", ")
    }

    func table<Lines: Sequence>(_ lines: Lines) -> String where Lines.Element == InventoryLineView {
        let header = [
            t("Số", "Number"), t("Nhan đề/Tên", "Title/Name"), t("Ký hiệu", "Call number"), t("Vị trí sổ ghi", "Recorded at"),
            t("Thấy tại", "Seen at"), t("Ghi chú", "Note"),
        ]
        let rows = lines.map { line in
            [
                line.accession ?? line.barcode, line.title ?? "—", line.callNumber ?? "", line.recordedLocation ?? "", line.location ?? "",
                note(line),
            ]
        }
        return TextTable(rows: [header] + rows).render()
    }

    var csvHeader: [String] {
        [
            t("Loại kết quả", "Result"), t("Mã kết quả", "Result code"), t("Số ĐKCB", "Accession number"), t("Mã vạch", "Barcode"),
            t("Loại", "Kind"), t("Nhan đề/Tên", "Title/Name"), t("Ký hiệu xếp giá", "Call number"), t("Vị trí sổ ghi", "Recorded location"),
            t("Thấy tại", "Seen at"), t("Số lần quét", "Times scanned"), t("Ghi chú", "Note"), t("Tình trạng", "Condition"),
            t("Trạng thái", "Status"), t("Số lượng sổ ghi", "Quantity on record"), t("Số lượng đếm", "Quantity counted"),
        ]
    }

    func csvRow(_ line: InventoryLineView) -> [String] {
        [
            line.category.name.text(options.language), line.category.rawValue, line.accession ?? "", line.barcode,
            line.kind?.rawValue ?? "",
            line.title ?? "", line.callNumber ?? "", line.recordedLocation ?? "", line.location ?? "", line.times.map(String.init) ?? "",
            line.note?.rawValue ?? "", line.condition?.rawValue ?? "", line.status ?? "", line.expectedQuantity.map(String.init) ?? "",
            line.countedQuantity.map(String.init) ?? "",
        ]
    }
}
