import Foundation
import QuayCodecs
import QuayCore

/// `[sip2]` and `[[sip2_account]]` (docs/sip2.md): the SIP2 listener for self-check kiosks, off
/// unless the file has a `[sip2]` table.
public struct SIP2Settings: Sendable, Equatable {
    /// `host:port`; loopback unless the admin names another address. Port 0: any free port
    /// (the log says which), for tests.
    public var listen = "127.0.0.1:6001"
    public var maxConnections = 64
    public var idleTimeoutSeconds = 600
    /// A connection that has not logged in by then is closed.
    public var loginTimeoutSeconds = 30
    /// Some kiosks send SC Status (99) before they log in; allowed when true.
    public var statusBeforeLogin = false
    public var maxMessageBytes = 4096
    public var accounts: [SIP2Account] = []

    /// The host and port of `listen`.
    var address: (host: String, port: Int)? {
        ListenAddress.parse(listen)
    }
}

/// One kiosk (or library system) account.
public struct SIP2Account: Sendable, Equatable {
    public var login: String
    /// libsodium's Argon2id string (`quayd --hash-password` makes one).
    public var passwordHash: String
    public var institution = "quay"
    /// The desk name its loans and scans are recorded at.
    public var desk = "kiosk"
    public var encoding = SIP2Encoding.utf8
    /// `cr` (SIP2's own) or `crlf`.
    public var terminator: [UInt8] = [13]
    /// Require `AY`/`AZ` on every message (a message without is answered 96).
    public var errorDetectionRequired = false
    /// The messages it may use, by name; all of them by default.
    public var messages = Set(SIP2Account.messageNames.values)
    public var language = Language.vi
    /// Refuse patron messages without the right PIN (AD); false lets a kiosk lend on the card alone.
    public var pinRequired = true

    /// Command → the name an account's `messages` uses.
    public static let messageNames: [String: String] = [
        "99": "status", "23": "patron_status", "63": "patron_information", "11": "checkout", "09": "checkin", "29": "renew",
        "65": "renew_all", "17": "item_information", "35": "end_session", "01": "block_patron", "37": "fee_paid",
        "15": "hold", "19": "item_status_update", "25": "patron_enable",
    ]
}

extension ArrayTableReader {
    func sip2Account() throws(ConfigError) -> SIP2Account {
        try check([
            "login", "password_hash", "institution", "desk", "encoding", "terminator", "error_detection", "messages", "language",
            "pin_required",
        ])
        let hash = try required("password_hash")
        guard hash.hasPrefix("$argon2") else {
            throw fail("password_hash", "password_hash must be a hash made by `quayd --hash-password`, never the password itself")
        }
        var account = SIP2Account(login: try required("login"), passwordHash: hash)
        account.institution = try text("institution") ?? account.institution
        account.desk = try text("desk") ?? account.desk
        if let name = try text("encoding") {
            guard let encoding = SIP2Encoding(rawValue: name.lowercased()) else {
                throw fail("encoding", "encoding must be \"utf-8\" or \"cp850\", not \"\(name)\"")
            }
            account.encoding = encoding
        }
        if let name = try text("terminator") {
            switch name.lowercased() {
            case "cr": account.terminator = [13]
            case "crlf": account.terminator = [13, 10]
            default: throw fail("terminator", "terminator must be \"cr\" or \"crlf\", not \"\(name)\"")
            }
        }
        if let name = try text("error_detection") {
            switch name.lowercased() {
            case "required": account.errorDetectionRequired = true
            case "optional": account.errorDetectionRequired = false
            default: throw fail("error_detection", "error_detection must be \"required\" or \"optional\", not \"\(name)\"")
            }
        }
        if let value = table["messages"] {
            guard let array = value.array else { throw fail("messages", "sip2_account.messages must be an array of strings") }
            var names = Set<String>()
            let known = Set(SIP2Account.messageNames.values)
            for element in array {
                guard let name = element.string, known.contains(name) else {
                    throw fail("messages", "messages must name some of \(known.sorted().joined(separator: ", "))")
                }
                names.insert(name)
            }
            account.messages = names
        }
        if let tag = try text("language") {
            guard let language = Language(tag: tag) else { throw fail("language", "language must be \"vi\" or \"en\", not \"\(tag)\"") }
            account.language = language
        }
        account.pinRequired = try flag("pin_required") ?? true
        return account
    }
}
