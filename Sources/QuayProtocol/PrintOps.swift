import Foundation
import QuayCore

/// `print.submit`: labels of a template for copies, units or cards — or a borrower's loan
/// slip — rendered, encoded for the printer and queued, all or nothing. The reply is the
/// queued jobs; printing goes on after it (follow with `print.jobs` or `printer.list`).
public struct PrintSubmitArgs: Sendable, Codable, Equatable {
    public var template: String
    public var keys: [String]
    /// The printer's name; when absent, the printer whose `templates` list the template, or
    /// the only printer.
    public var printer: String?

    public init(template: String, keys: [String], printer: String? = nil) {
        self.template = template
        self.keys = keys
        self.printer = printer
    }
}

public struct PrintJobsResult: Sendable, Codable, Equatable {
    public var jobs: [PrintJobInfo]
    public init(jobs: [PrintJobInfo]) { self.jobs = jobs }
}

/// `print.jobs`: the queue, newest first.
public struct PrintJobsArgs: Sendable, Codable, Equatable {
    /// open (queued, sending, failed — the default), all, queued, sending, done, failed, cancelled.
    public var state: String?
    public var printer: String?
    /// At most this many (default 100, at most 1000).
    public var limit: Int?

    public init(state: String? = nil, printer: String? = nil, limit: Int? = nil) {
        self.state = state
        self.printer = printer
        self.limit = limit
    }
}

/// `print.retry`, `print.cancel`, `print.reprint`: one job by its number.
public struct PrintJobArgs: Sendable, Codable, Equatable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

/// One configured printer and how it was last found.
public struct PrinterInfo: Sendable, Codable, Equatable {
    public var name: String
    /// zpl or escpos.
    public var language: String
    public var address: String
    /// file, tcp or usb.
    public var transport: String
    public var dpi: Int
    /// ready, waiting (a fault or an unreachable printer holds its jobs), or unknown (not
    /// asked yet, or it cannot say).
    public var state: String
    /// The faults it reported: offline, paper_out, paper_near_end, paused, head_up,
    /// ribbon_out, cover_open, error, no_reply, unreachable.
    public var faults: [String]
    /// What staff read, in both languages.
    public var vi: String
    public var en: String
    public var checkedAt: Date?
    public var queued: Int
    public var failed: Int

    public init(
        name: String, language: String, address: String, transport: String, dpi: Int, state: String, faults: [String], vi: String,
        en: String, checkedAt: Date?, queued: Int, failed: Int
    ) {
        self.name = name
        self.language = language
        self.address = address
        self.transport = transport
        self.dpi = dpi
        self.state = state
        self.faults = faults
        self.vi = vi
        self.en = en
        self.checkedAt = checkedAt
        self.queued = queued
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case name, language, address, transport, dpi, state, faults, vi, en
        case checkedAt = "checked_at"
        case queued, failed
    }
}

public struct PrintersResult: Sendable, Codable, Equatable {
    public var printers: [PrinterInfo]
    public init(printers: [PrinterInfo]) { self.printers = printers }
}

/// `print.queued`, `print.sending`, `print.done`: a job moved on.
public struct PrintEventData: Sendable, Codable, Equatable {
    public var printer: String
    public var job: Int64
    public var state: String
    /// Why it waits, for `print.queued` after a failed attempt.
    public var reason: String?

    public init(printer: String, job: Int64, state: String, reason: String?) {
        self.printer = printer
        self.job = job
        self.state = state
        self.reason = reason
    }
}

/// `printer.status`: a printer became ready, or started waiting (and why).
public struct PrinterEventData: Sendable, Codable, Equatable {
    public var printer: String
    public var state: String
    public var faults: [String]
    public var vi: String
    public var en: String

    public init(printer: String, state: String, faults: [String], vi: String, en: String) {
        self.printer = printer
        self.state = state
        self.faults = faults
        self.vi = vi
        self.en = en
    }
}
