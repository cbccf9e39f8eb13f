import Foundation
import NIOConcurrencyHelpers

/// The console's sessions, in memory (a restart logs everyone out): a random token in an
/// HttpOnly, SameSite=Strict cookie names a session, which carries its own CSRF token for
/// every form and is forgotten after `idle` without a request. A visitor who has not logged in
/// has a session too (the login form needs its CSRF token); logging in replaces it with a new
/// one, so a token seen before the login is worth nothing after it.
public final class WebSessions: Sendable {
    public struct Session: Sendable, Equatable {
        public let token: String
        public let csrf: String
        /// The staff member, once logged in.
        public var staff: String?
        public var role: StaffRole?
        public var lastSeen: Date
    }

    private let sessions: NIOLockedValueBox<[String: Session]>
    public let idle: TimeInterval

    public init(idle: TimeInterval) {
        self.idle = idle
        sessions = NIOLockedValueBox([:])
    }

    /// 32 random bytes from the system's generator, as URL-safe Base64 (a cookie's value).
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The session of this token if it is still alive, touched; else nil (and an expired one is forgotten).
    public func session(_ token: String?, at now: Date) -> Session? {
        guard let token else { return nil }
        return sessions.withLockedValue { all in
            guard var session = all[token] else { return nil }
            guard now.timeIntervalSince(session.lastSeen) <= idle else {
                all[token] = nil
                return nil
            }
            session.lastSeen = now
            all[token] = session
            return session
        }
    }

    /// A new session, logged in or not.
    public func open(staff: String? = nil, role: StaffRole? = nil, at now: Date) -> Session {
        let session = Session(token: Self.token(), csrf: Self.token(), staff: staff, role: role, lastSeen: now)
        sessions.withLockedValue { all in
            // Sessions idle past their time go when new ones come.
            all = all.filter { now.timeIntervalSince($0.value.lastSeen) <= idle }
            all[session.token] = session
        }
        return session
    }

    public func close(_ token: String) {
        _ = sessions.withLockedValue { $0.removeValue(forKey: token) }
    }
}
