import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One quayd per database (issue 15): an exclusive `flock` on `DATABASE.lock`, taken before
/// the socket or any device is touched, held for the life of the process (the kernel lets it
/// go when the process ends, however it ends), with the holder's PID written in the file so
/// that a second start can name it.
///
/// The lock's file descriptor is owned by this value and closed by `release()` or at exit.
struct InstanceLock {
    let path: String
    private let fd: Int32

    enum Failure: Error {
        /// Another process holds the lock: its PID, when it wrote one.
        case held(path: String, pid: Int32?)
        /// The lock file cannot be created or locked (a read-only directory, say).
        case unavailable(path: String, errno: Int32)
    }

    /// Takes the lock beside `databasePath`, or fails at once (never waits).
    static func acquire(beside databasePath: String) -> Result<InstanceLock, Failure> {
        let path = databasePath + ".lock"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var fd = Self.retrying { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        if fd < 0 && errno == EROFS {
            // A read-only file system: nobody writes this database, so there is nothing to
            // guard; an existing lock file is still honoured. Opening the database says the rest.
            fd = Self.retrying { open(path, O_RDONLY | O_CLOEXEC) }
            if fd < 0 { return .success(InstanceLock(path: path, fd: -1)) }
        }
        guard fd >= 0 else { return .failure(.unavailable(path: path, errno: errno)) }
        guard Self.retrying({ flock(fd, LOCK_EX | LOCK_NB) }) == 0 else {
            let code = errno
            let holder = Self.readPID(fd)
            close(fd)
            return .failure(code == EWOULDBLOCK ? .held(path: path, pid: holder) : .unavailable(path: path, errno: code))
        }
        // Ours now: say who holds it (a read-only file cannot say; the lock holds all the same).
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return .success(InstanceLock(path: path, fd: fd))
    }

    /// Lets the lock go (the file stays: removing it would let a third start lock a new file
    /// while a second still holds the old one).
    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        close(fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}

/// The socket file a daemon bound, known by device and inode, so that a daemon that stops
/// removes its own socket and never one that a newer daemon has bound at the same path.
struct BoundSocket {
    let path: String
    let device: UInt64
    let inode: UInt64

    /// The identity of the file now at `path`; nil when there is none.
    static func identify(_ path: String) -> BoundSocket? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return BoundSocket(path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Removes the socket file if it is still this one; says whether it did.
    @discardableResult
    func removeIfStillOurs() -> Bool {
        guard let now = Self.identify(path), now.device == device, now.inode == inode else { return false }
        return unlink(path) == 0
    }
}
