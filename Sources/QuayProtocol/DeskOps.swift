import Foundation
import QuayCore

/// `events.subscribe`: the connection becomes a stream of event lines (SPEC §8.3). `topics`
/// are prefixes of event names — `scan`, `desk`, `device` — all when absent.
public struct EventsSubscribeArgs: Sendable, Codable, Equatable {
    public var topics: [String]?
    public init(topics: [String]? = nil) { self.topics = topics }
}

public struct EventsSubscribeResult: Sendable, Codable, Equatable {
    public var topics: [String]
    public init(topics: [String]) { self.topics = topics }
}

/// One line of the event stream: `{"event":"desk.lent","at":…,"data":{…}}`.
public struct EventLine<Payload: Codable & Sendable>: Sendable, Codable {
    public var event: String
    public var at: Date
    public var data: Payload

    public init(event: String, at: Date, data: Payload) {
        self.event = event
        self.at = at
        self.data = data
    }
}

/// The data of `scan.accepted` (a scan entered the log) and of `desk.<outcome>` (what came of
/// it, or of a mode change or a session's end): said in the desk's language, with both
/// languages for clients that choose.
public struct DeskEventData: Sendable, Codable, Equatable {
    public var desk: String
    public var scanner: String?
    public var scan: String?
    /// The scan log's id of the scan this is about.
    public var scanID: Int64?
    public var mode: String
    public var outcome: String?
    /// info, warning or error; an error beeps at the desk.
    public var level: String?
    public var refusal: String?
    /// In the desk's language.
    public var message: String?
    public var vi: String?
    public var en: String?

    public init(
        desk: String, scanner: String?, scan: String?, scanID: Int64?, mode: String, outcome: String?, level: String?,
        refusal: String?, message: String?, vi: String?, en: String?
    ) {
        self.desk = desk
        self.scanner = scanner
        self.scan = scan
        self.scanID = scanID
        self.mode = mode
        self.outcome = outcome
        self.level = level
        self.refusal = refusal
        self.message = message
        self.vi = vi
        self.en = en
    }

    enum CodingKeys: String, CodingKey {
        case desk, scanner, scan
        case scanID = "scan_id"
        case mode, outcome, level, refusal, message, vi, en
    }
}

/// The data of `device.connected`, `device.gone` and `device.absent`.
public struct DeviceEventData: Sendable, Codable, Equatable {
    public var scanner: String
    public var desk: String
    public var path: String
    public var state: String

    public init(scanner: String, desk: String, path: String, state: String) {
        self.scanner = scanner
        self.desk = desk
        self.path = path
        self.state = state
    }
}

/// `scan.list`: the scan log, oldest first; the latest `limit` (default 100) lines.
public struct ScanListArgs: Sendable, Codable, Equatable {
    /// `yyyy-mm-dd`, `dd/mm/yyyy` or a full timestamp.
    public var since: String?
    public var desk: String?
    public var limit: Int?

    public init(since: String? = nil, desk: String? = nil, limit: Int? = nil) {
        self.since = since
        self.desk = desk
        self.limit = limit
    }
}

public struct ScanListResult: Sendable, Codable, Equatable {
    public var scans: [ScanRecord]
    public init(scans: [ScanRecord]) { self.scans = scans }
}

/// `desk.mode`: switch a desk's mode from the keyboard, as the command sheet does.
public struct DeskModeArgs: Sendable, Codable, Equatable {
    public var mode: String
    /// The desk; the only one, when there is one.
    public var desk: String?

    public init(mode: String, desk: String? = nil) {
        self.mode = mode
        self.desk = desk
    }
}

/// A desk as `desk.mode` and `scanner.list` show it.
public struct DeskInfo: Sendable, Codable, Equatable {
    public var name: String
    public var mode: String
    /// The borrower of the open session, when there is one.
    public var borrower: String?

    public init(name: String, mode: String, borrower: String?) {
        self.name = name
        self.mode = mode
        self.borrower = borrower
    }
}

/// `scanner.list`: each configured scanner, its desk and its state; and the desks.
public struct ScannerInfo: Sendable, Codable, Equatable {
    public var name: String
    public var desk: String
    public var path: String
    public var kind: String
    /// connected, gone or absent.
    public var state: String
    public var since: Date
    /// Scans decoded since the daemon started.
    public var scans: Int

    public init(name: String, desk: String, path: String, kind: String, state: String, since: Date, scans: Int) {
        self.name = name
        self.desk = desk
        self.path = path
        self.kind = kind
        self.state = state
        self.since = since
        self.scans = scans
    }
}

public struct ScannersResult: Sendable, Codable, Equatable {
    public var scanners: [ScannerInfo]
    public var desks: [DeskInfo]

    public init(scanners: [ScannerInfo], desks: [DeskInfo]) {
        self.scanners = scanners
        self.desks = desks
    }
}
