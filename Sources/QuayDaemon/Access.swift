import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a peer may do (SPEC §8.4).
public enum Role: Int, Sendable, Comparable {
    /// Neither root nor in a Quầy group: every op is refused.
    case none
    /// Group `quay`: runs the desk (loans, returns, printing, inventory scans).
    case desk
    /// Root, group `quay-admin`, or the user quayd itself runs as: everything.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The credentials of the process at the other end of the socket, from SO_PEERCRED.
public struct Peer: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups, read from /proc/PID/status (what the process really holds,
    /// as set by setpriv or newgrp), or from the group database when /proc is hidden.
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32]) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The peer's user name, as the audit log names who made a change (`uid 1001` when the
    /// user database has no name for it).
    public var userName: String {
        guard uid != UInt32.max else { return "unknown" }
        // getpwuid_r: connections are served on several threads at once.
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else {
            return "uid \(uid)"
        }
        return String(cString: name)
    }

    /// Fills in the supplementary groups of the peer process.
    static func withGroups(pid: Int32, uid: UInt32, gid: UInt32) -> Peer {
        Peer(pid: pid, uid: uid, gid: gid, groups: processGroups(pid: pid) ?? databaseGroups(uid: uid, gid: gid))
    }

    private static func processGroups(pid: Int32) -> [UInt32]? {
        guard pid > 0, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        for line in status.split(separator: "\n") where line.hasPrefix("Groups:") {
            return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
                .compactMap { UInt32($0) }
        }
        return nil
    }

    private static func databaseGroups(uid: UInt32, gid: UInt32) -> [UInt32] {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return [] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, gid, &groups, &count) >= 0 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
    }
}

/// Decides a peer's role from the configured group names (SPEC §8.4).
public struct AccessPolicy: Sendable {
    public var deskGroup: String
    public var adminGroup: String
    /// The uid quayd runs as; its own user administers it (a developer's `make run`).
    public var daemonUID: UInt32

    public init(deskGroup: String, adminGroup: String, daemonUID: UInt32 = getuid()) {
        self.deskGroup = deskGroup
        self.adminGroup = adminGroup
        self.daemonUID = daemonUID
    }

    public func role(of peer: Peer) -> Role {
        if peer.uid == 0 || peer.uid == daemonUID { return .admin }
        let held = Set(peer.groups + [peer.gid])
        if let admin = Self.groupID(named: adminGroup), held.contains(admin) { return .admin }
        if let desk = Self.groupID(named: deskGroup), held.contains(desk) { return .desk }
        return .none
    }

    /// The gid of a group name, or nil when the system has no such group.
    static func groupID(named name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>? = nil
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let rc = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard rc == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
