import Foundation
import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore

/// Printing (SPEC §7.4–7.6): labels rendered at the printer's resolution, encoded in its
/// language and queued in one transaction — every label of a request or none — then the
/// queue's runner sends them.
extension DaemonState {
    /// The printer `template` prints on: the one named, else the printer that lists the
    /// template, else the only printer.
    func printer(for template: String, named name: String?, _ config: DaemonConfig) throws -> PrinterSettings {
        if let name {
            guard let printer = config.printers.first(where: { $0.name == name }) else {
                throw Refusal(
                    code: .unknownPrinter, detail: "\(name); printers: \(config.printers.map(\.name).joined(separator: ", "))")
            }
            return printer
        }
        if let printer = config.printers.first(where: { $0.templates.contains(template) }) { return printer }
        if config.printers.count == 1 { return config.printers[0] }
        throw Refusal(
            code: .printerNotConfigured,
            detail: config.printers.isEmpty
                ? "no [[printer]] in the config"
                : "no printer lists \(template) in its templates; name one: \(config.printers.map(\.name).joined(separator: ", "))")
    }

    /// Renders and queues labels, in order. Nothing is queued unless all of them rendered.
    func queueLabels(_ labels: [LabelToPrint], source: String, at now: Date) async throws -> [PrintJobInfo] {
        let renderer = try labelRenderer(config.labels.fonts)
        var jobs: [NewPrintJob] = []
        for label in labels {
            let raster = try renderer.render(label.template, label.data, at: Resolution(dpi: label.printer.dpi))
            jobs.append(
                NewPrintJob(
                    printer: label.printer.name, template: label.template.name, key: label.key, source: source,
                    payload: PrintEncoder.encode(raster, for: label.printer)))
        }
        let queued = try await database.enqueuePrintJobs(jobs, at: now)
        for printer in Set(labels.map(\.printer.name)) { printing?.wake(printer) }
        return queued
    }

    /// Looks up, renders and queues labels of the template named `name` for `keys`.
    func queueLabels(template name: String, keys: [String], printer: String?, source: String, at now: Date) async throws -> [PrintJobInfo] {
        let config = self.config
        let template = try config.labels.templates.entry(named: name).template
        let target = try self.printer(for: name, named: printer, config)
        var labels: [LabelToPrint] = []
        for key in keys {
            labels.append(LabelToPrint(template: template, key: key, data: try await labelData(template, key: key, config: config, at: now), printer: target))
        }
        return try await queueLabels(labels, source: source, at: now)
    }
}

/// One label on its way to a printer.
struct LabelToPrint {
    var template: LabelTemplate
    var key: String
    var data: LabelData
    var printer: PrinterSettings
}

extension Dispatcher {
    func printSubmit(_ args: PrintSubmitArgs) async throws -> PrintJobsResult {
        let keys = args.keys.compactMap(text)
        guard !keys.isEmpty, keys.count <= Self.maxLabelsPerRequest else {
            throw Refusal(code: .invalidArgument, detail: "give from 1 to \(Self.maxLabelsPerRequest) keys")
        }
        let jobs = try await state.queueLabels(
            template: try required(args.template, "template"), keys: keys, printer: text(args.printer), source: "cli", at: now())
        return PrintJobsResult(jobs: jobs)
    }

    func printJobs(_ args: PrintJobsArgs) async throws -> PrintJobsResult {
        let name = text(args.state) ?? "open"
        guard let filter = PrintJobFilter(rawValue: name) else {
            throw Refusal(
                code: .invalidArgument, detail: "state must be one of \(PrintJobFilter.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        let limit = args.limit ?? 100
        guard (1...1000).contains(limit) else { throw Refusal(code: .invalidArgument, detail: "limit must be from 1 to 1000") }
        let jobs = try await state.database.printJobs(filter, printer: text(args.printer), limit: limit)
        return PrintJobsResult(jobs: jobs)
    }

    func printRetry(_ args: PrintJobArgs) async throws -> PrintJobsResult {
        let job = try await state.database.retryPrintJob(id: args.id, at: now())
        state.printing?.wake(job.printer)
        return PrintJobsResult(jobs: [job])
    }

    func printCancel(_ args: PrintJobArgs) async throws -> PrintJobsResult {
        PrintJobsResult(jobs: [try await state.database.cancelPrintJob(id: args.id, at: now())])
    }

    func printReprint(_ args: PrintJobArgs) async throws -> PrintJobsResult {
        guard let original = try await state.database.printJob(id: args.id) else {
            throw Refusal(code: .unknownJob, detail: "no print job \(args.id)")
        }
        guard state.config.printers.contains(where: { $0.name == original.printer }) else {
            throw Refusal(code: .unknownPrinter, detail: "\(original.printer) is no longer configured")
        }
        let job = try await state.database.reprintPrintJob(id: args.id, source: "reprint", at: now())
        state.printing?.wake(job.printer)
        return PrintJobsResult(jobs: [job])
    }

    func printerList() async throws -> PrintersResult {
        let counts = try await state.database.printJobCounts()
        return PrintersResult(
            printers: state.config.printers.map { printer in
                let status = state.printing?.condition(of: printer.name) ?? PrinterRunner.Status()
                let text = status.text
                let waiting = counts[printer.name] ?? [:]
                return PrinterInfo(
                    name: printer.name, language: printer.language.rawValue, address: printer.address.description,
                    transport: printer.address.transport, dpi: printer.dpi, state: status.state, faults: status.faults, vi: text.vi,
                    en: text.en, checkedAt: status.checkedAt, queued: (waiting["queued"] ?? 0) + (waiting["sending"] ?? 0),
                    failed: waiting["failed"] ?? 0)
            })
    }
}
