import Foundation
import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore

/// Labels (SPEC §7): the templates, and labels rendered to PNG exactly as a printer would
/// get them. Everything a label needs is looked up and drawn before anything is returned,
/// so one bad key refuses the request and no half-set of labels goes out.
extension Dispatcher {
    /// More labels than this in one request would pass the 1 MiB frame limit on the way back.
    static let maxLabelsPerRequest = 100

    func labelTemplates(_ args: LabelTemplatesArgs) throws -> LabelTemplatesResult {
        let templates = state.config.labels.templates
        func info(_ entry: LabelTemplates.Entry, source: Bool) -> LabelTemplateInfo {
            let template = entry.template
            return LabelTemplateInfo(
                name: template.name, description: template.description, data: template.data.rawValue, widthMM: template.width,
                heightMM: template.height, origin: entry.origin, source: source ? entry.source : nil)
        }
        if let name = text(args.name) {
            return LabelTemplatesResult(templates: [info(try templates.entry(named: name), source: true)])
        }
        return LabelTemplatesResult(templates: templates.entries.keys.sorted().map { info(templates.entries[$0]!, source: false) })
    }

    func labelRender(_ args: LabelRenderArgs) async throws -> LabelRenderResult {
        let config = state.config
        let template = try config.labels.templates.entry(named: try required(args.template, "template")).template
        let keys = args.keys.compactMap(text)
        guard !keys.isEmpty, keys.count <= Self.maxLabelsPerRequest else {
            throw Refusal(code: .invalidArgument, detail: "give from 1 to \(Self.maxLabelsPerRequest) keys")
        }
        let resolution = try resolution(args.dpi, config)
        var labels: [RenderedLabel] = []
        for key in keys {
            let data = try await state.labelData(template, key: key, config: config, at: now())
            labels.append(try render(template, data, resolution, key: key, config))
        }
        return LabelRenderResult(labels: labels)
    }

    func labelPreview(_ args: LabelPreviewArgs) throws -> RenderedLabel {
        let config = state.config
        let template = try LabelTemplate.parse(args.template, file: text(args.file) ?? "template")
        var fields = LabelData.common(config.school, today: Day(now()))
        for (name, value) in args.fields {
            guard template.data.fields.contains(name) else {
                throw Refusal(
                    code: .invalidArgument,
                    detail: "\(name) is not a field of \(template.data.rawValue) labels; fields: \(template.data.fields.joined(separator: ", "))")
            }
            fields[name] = value
        }
        return try render(template, LabelData(fields: fields, entries: args.entries ?? []), try resolution(args.dpi, config), key: nil, config)
    }

    private func resolution(_ dpi: Int?, _ config: DaemonConfig) throws -> Resolution {
        let value = dpi ?? config.labels.dpi
        guard value == 203 || value == 300 else { throw Refusal(code: .invalidArgument, detail: "dpi must be 203 or 300, not \(value)") }
        return Resolution(dpi: value)
    }

    private func render(_ template: LabelTemplate, _ data: LabelData, _ resolution: Resolution, key: String?, _ config: DaemonConfig)
        throws -> RenderedLabel
    {
        let raster = try state.labelRenderer(config.labels.fonts).render(template, data, at: resolution)
        return RenderedLabel(
            key: key, widthDots: raster.width, heightDots: raster.height, dpi: resolution.dpi,
            png: Data(raster.pngData()).base64EncodedString())
    }
}

extension DaemonState {
    /// What a label of `template` says for `key`: a copy, a unit, a card, or a borrower's
    /// open loans for a slip.
    func labelData(_ template: LabelTemplate, key: String, config: DaemonConfig, at now: Date) async throws -> LabelData {
        let today = Day(now)
        switch template.data {
        case .item:
            guard let item = try await database.item(scanned: key) else { throw Refusal(code: .unknownItem, detail: key) }
            return .item(item, school: config.school, today: today)
        case .equipment:
            guard let unit = try await database.unit(scanned: key) else { throw Refusal(code: .unknownItem, detail: key) }
            return .unit(unit, school: config.school, today: today)
        case .patron:
            guard let patron = try await database.patron(card: key) else { throw Refusal(code: .unknownPatron, detail: key) }
            return .patron(patron, school: config.school, today: today)
        case .command:
            guard let command = DeskCommand.all.first(where: { $0.barcode == key.uppercased() }) else {
                throw Refusal(
                    code: .invalidArgument, detail: "\(key) is no desk command (\(DeskCommand.all.map(\.barcode).joined(separator: ", ")))")
            }
            return .command(command, school: config.school, today: today)
        case .loanSlip:
            guard let patron = try await database.patron(card: key) else { throw Refusal(code: .unknownPatron, detail: key) }
            let loans = try await database.loans(
                patronCard: key, className: nil, schoolYear: SchoolYear.containing(now), overdueOnly: false, at: now, limit: 200)
            return .loanSlip(
                loans, borrower: patron.name, card: patron.card, className: patron.className, school: config.school, today: today)
        }
    }
}

/// The desk's command sheet (SPEC §5): every mode, QUAY:END and QUAY:UNDO, with captions in
/// Vietnamese, as an A4 page — a PNG to look at, a PDF for the office printer. The same
/// commands print as labels on the label printer through `print.submit` (template `command`).
extension Dispatcher {
    func commandsSheet(_ args: CommandSheetArgs) async throws -> CommandSheetResult {
        let dpi = args.dpi ?? CommandSheet.defaultResolution.dpi
        guard CommandSheet.resolutions.contains(dpi) else {
            throw Refusal(code: .invalidArgument, detail: "dpi must be from \(CommandSheet.resolutions.lowerBound) to \(CommandSheet.resolutions.upperBound)")
        }
        let config = state.config
        let sheet = CommandSheet(
            title: "Bảng mã lệnh quầy mượn trả — \(config.schoolName)",
            subtitle: "Quét mã để chuyển chế độ, kết thúc phiên hoặc hoàn tác lượt vừa quét. Desk commands: modes, END, UNDO.",
            entries: DeskCommand.all.map { CommandSheet.Entry(code: $0.barcode, caption: $0.caption.vi, detail: $0.caption.en) },
            fonts: config.labels.fonts)
        let resolution = Resolution(dpi: dpi)
        let raster = try sheet.render(at: resolution, with: state.labelRenderer(config.labels.fonts))
        let pdf = try sheet.pdf(at: resolution)
        return CommandSheetResult(
            commands: DeskCommand.all.map { CommandSheetResult.Command(code: $0.barcode, caption: $0.caption.text(config.language)) },
            widthDots: raster.width, heightDots: raster.height, dpi: dpi,
            png: Data(raster.pngData()).base64EncodedString(), pdf: Data(pdf).base64EncodedString())
    }
}
