import Foundation

/// The ops the daemon answers, by wire name. docs/protocol.md documents each with an
/// example that the tests execute.
public enum Op: String, Sendable, CaseIterable {
    case ping
    case status
    case intake
    case recordShow = "record.show"
    case recordFind = "record.find"
    case itemShow = "item.show"
    case shelfList = "shelf.list"
    case registerList = "register.list"
    case patronAdd = "patron.add"
    case patronShow = "patron.show"
    case patronFind = "patron.find"
    case patronImport = "patron.import"
    case patronPin = "patron.pin"
    case classAdd = "class.add"
    case classShow = "class.show"
    case classList = "class.list"
    case loanCheckout = "loan.checkout"
    case loanCheckin = "loan.checkin"
    case loanRenew = "loan.renew"
    case loanList = "loan.list"
    case equipmentAdd = "equipment.add"
    case equipmentShow = "equipment.show"
    case equipmentFind = "equipment.find"
    case lessonLend = "lesson.lend"
    case lessonReturn = "lesson.return"
    case labelTemplates = "label.templates"
    case labelRender = "label.render"
    case labelPreview = "label.preview"
    case eventsSubscribe = "events.subscribe"
    case scanList = "scan.list"
    case deskMode = "desk.mode"
    case scannerList = "scanner.list"
    case printSubmit = "print.submit"
    case printJobs = "print.jobs"
    case printRetry = "print.retry"
    case printCancel = "print.cancel"
    case printReprint = "print.reprint"
    case printerList = "printer.list"
    case inventoryStart = "inventory.start"
    case inventoryScan = "inventory.scan"
    case inventoryCount = "inventory.count"
    case inventoryStatus = "inventory.status"
    case inventoryClose = "inventory.close"
    case inventoryReport = "inventory.report"
    case inventoryApply = "inventory.apply"
    case backupCreate = "backup.create"
    case backupRead = "backup.read"
    case backupList = "backup.list"
    case backupTake = "backup.take"
    case recordUpdate = "record.update"
    case itemUpdate = "item.update"
    case itemState = "item.state"
    case patronUpdate = "patron.update"
    case patronBlock = "patron.block"
    case patronUnblock = "patron.unblock"
    case patronLeave = "patron.leave"
    case classUpdate = "class.update"
    case equipmentUpdate = "equipment.update"
    case equipmentExpiring = "equipment.expiring"
    case unitUpdate = "unit.update"
    case loanLost = "loan.lost"
    case history
    case disposalOpen = "disposal.open"
    case disposalAdd = "disposal.add"
    case disposalRemove = "disposal.remove"
    case disposalShow = "disposal.show"
    case disposalList = "disposal.list"
    case disposalConfirm = "disposal.confirm"
    case disposalCancel = "disposal.cancel"
    case yearRollover = "year.rollover"
    case commandsSheet = "commands.sheet"
    case reportList = "report.list"
    case reportRun = "report.run"
    case reportRead = "report.read"
    case uploadBegin = "upload.begin"
    case uploadWrite = "upload.write"
    case importCatalogue = "import.catalogue"
    case importEquipment = "import.equipment"
    case importProgress = "import.progress"
    case deskScan = "desk.scan"
    case staffAdd = "staff.add"
    case staffList = "staff.list"
    case staffRemove = "staff.remove"
    case staffLogin = "staff.login"
    case exportRun = "export.run"
}

/// The reply to `ping`.
public struct PingResult: Sendable, Codable, Equatable {
    public var pong: Bool
    public init(pong: Bool = true) { self.pong = pong }
}

/// The reply to `status`: what is running, on what, since when.
public struct StatusResult: Sendable, Codable, Equatable {
    public struct Database: Sendable, Codable, Equatable {
        public var path: String
        public var sizeBytes: Int64
        public var journalMode: String
        public var synchronous: String
        /// Rows per table of the schema, by table name.
        public var counts: [String: Int64]
        public var migrations: [String]
        /// `PRAGMA quick_check` since start: "ok", "running" (a large database is checked in the
        /// background after start), or what is wrong.
        public var quickCheck: String

        public init(
            path: String, sizeBytes: Int64, journalMode: String, synchronous: String,
            counts: [String: Int64], migrations: [String], quickCheck: String
        ) {
            self.quickCheck = quickCheck
            self.path = path
            self.sizeBytes = sizeBytes
            self.journalMode = journalMode
            self.synchronous = synchronous
            self.counts = counts
            self.migrations = migrations
        }

        enum CodingKeys: String, CodingKey {
            case path
            case sizeBytes = "size_bytes"
            case journalMode = "journal_mode"
            case synchronous, counts, migrations
            case quickCheck = "quick_check"
        }
    }

    public struct Config: Sendable, Codable, Equatable {
        /// The file in use, or nil when running on the built-in defaults.
        public var path: String?
        public var loadedAt: Date
        public var reloads: Int

        public init(path: String?, loadedAt: Date, reloads: Int) {
            self.path = path
            self.loadedAt = loadedAt
            self.reloads = reloads
        }

        enum CodingKeys: String, CodingKey {
            case path
            case loadedAt = "loaded_at"
            case reloads
        }

        /// `path` is null when quayd runs on the built-in defaults, never absent (as documented).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(loadedAt, forKey: .loadedAt)
            try container.encode(reloads, forKey: .reloads)
        }
    }

    public struct Socket: Sendable, Codable, Equatable {
        public var path: String?
        /// True when systemd handed the listening socket over (socket activation).
        public var activated: Bool
        public var connections: Int
        public var maxConnections: Int

        public init(path: String?, activated: Bool, connections: Int, maxConnections: Int) {
            self.path = path
            self.activated = activated
            self.connections = connections
            self.maxConnections = maxConnections
        }

        enum CodingKeys: String, CodingKey {
            case path, activated, connections
            case maxConnections = "max_connections"
        }

        /// `path` is null under socket activation, never absent.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(activated, forKey: .activated)
            try container.encode(connections, forKey: .connections)
            try container.encode(maxConnections, forKey: .maxConnections)
        }
    }

    public var version: String
    public var pid: Int32
    public var startedAt: Date
    public var uptimeSeconds: Double
    public var school: String
    public var language: String
    public var database: Database
    public var config: Config
    public var socket: Socket
    public var backup: BackupState

    public init(
        version: String, pid: Int32, startedAt: Date, uptimeSeconds: Double, school: String,
        language: String, database: Database, config: Config, socket: Socket, backup: BackupState
    ) {
        self.backup = backup
        self.version = version
        self.pid = pid
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.school = school
        self.language = language
        self.database = database
        self.config = config
        self.socket = socket
    }

    enum CodingKeys: String, CodingKey {
        case version, pid
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case school, language, database, config, socket, backup
    }
}

/// The version of Quầy, shown by `quay status` and `quayd --version`.
public let quayVersion = "0.1.0"
