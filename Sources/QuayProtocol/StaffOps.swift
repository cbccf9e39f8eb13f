/// `staff.add`: a staff account of the web console (SPEC §17) — a name, a role (`desk` or
/// `admin`) and a password, which quayd keeps only as libsodium's `crypto_pwhash_str` hash.
public struct StaffAddArgs: Sendable, Codable, Equatable {
    public var name: String
    public var role: String
    public var password: String

    public init(name: String, role: String, password: String) {
        self.name = name
        self.role = role
        self.password = password
    }
}

/// A staff account as ops show it: never its password or hash.
public struct StaffView: Sendable, Codable, Equatable {
    public var name: String
    public var role: String
    public var createdAt: String

    public init(name: String, role: String, createdAt: String) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case name, role
        case createdAt = "created_at"
    }
}

public struct StaffListResult: Sendable, Codable, Equatable {
    public var staff: [StaffView]
    public init(staff: [StaffView]) { self.staff = staff }
}

/// `staff.remove`: an account by its name.
public struct StaffNameArgs: Sendable, Codable, Equatable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `staff.login`: a name and password checked (the console's login); after five wrong
/// passwords for a name, each further try waits longer before it is answered.
public struct StaffLoginArgs: Sendable, Codable, Equatable {
    public var name: String
    public var password: String

    public init(name: String, password: String) {
        self.name = name
        self.password = password
    }
}

/// `desk.scan`: a code typed at a desk (the console's scan field, a keyboard): the same as a
/// scanner's scan — logged, then acted on in the desk's mode — answered with its outcome.
public struct DeskScanArgs: Sendable, Codable, Equatable {
    public var code: String
    /// The desk; the only one, when there is one.
    public var desk: String?

    public init(code: String, desk: String? = nil) {
        self.code = code
        self.desk = desk
    }
}

/// A typed scan's outcome: the desk's last notice for it (`lent`, `refused`…), in the
/// request's language and in both.
public struct DeskScanResult: Sendable, Codable, Equatable {
    public var desk: String
    public var outcome: String?
    public var level: String?
    public var message: String?
    public var vi: String?
    public var en: String?

    public init(desk: String, outcome: String?, level: String?, message: String?, vi: String?, en: String?) {
        self.desk = desk
        self.outcome = outcome
        self.level = level
        self.message = message
        self.vi = vi
        self.en = en
    }
}
