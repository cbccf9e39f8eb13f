import CQuayShims
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Talks to systemd through `NOTIFY_SOCKET` (sd_notify(3)): READY=1 once the socket
/// accepts, STOPPING=1 when shutdown begins, WATCHDOG=1 while healthy. Does nothing when
/// quayd does not run under systemd.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?

    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        socketPath = path.isEmpty ? nil : path
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Sends one notification (several `KEY=value` lines may be joined by "\n").
    public func notify(_ state: String, logger: Logger) {
        guard let socketPath else { return }
        let rc = quay_notify_datagram(socketPath, state)
        if rc < 0 {
            logger.warning(
                "sd_notify failed",
                metadata: ["notify.socket": "\(socketPath)", "errno": "\(-rc)", "notify.state": "\(state)"])
        }
    }
}

/// The watchdog interval systemd asks for (`WATCHDOG_USEC`, for this pid when
/// `WATCHDOG_PID` is set), or nil.
func watchdogInterval(environment: [String: String], pid: Int32 = getpid()) -> Duration? {
    guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
    if let owner = environment["WATCHDOG_PID"], let ownerPID = Int32(owner), ownerPID != pid { return nil }
    return .microseconds(Int64(usec))
}

/// The listening socket systemd passed (LISTEN_FDS/LISTEN_PID, sd_listen_fds(3)), or nil.
/// The first passed descriptor is always 3.
func activatedListeningSocket(environment: [String: String], pid: Int32 = getpid()) -> Int32? {
    guard let pidText = environment["LISTEN_PID"], Int32(pidText) == pid,
        let countText = environment["LISTEN_FDS"], let count = Int(countText), count >= 1
    else { return nil }
    let fd: Int32 = 3
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    // Children must not think the socket is theirs.
    unsetenv("LISTEN_PID")
    unsetenv("LISTEN_FDS")
    unsetenv("LISTEN_FDNAMES")
    return fd
}
