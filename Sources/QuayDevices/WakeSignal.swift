import CQuayShims

#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that wakes a thread blocked in `poll`: `signal()` from anywhere, the waiting
/// thread polls `fd` beside its device and `drain()`s it. Signals that come while one is
/// pending merge into one (the pipe is non-blocking and a full pipe is already a wake).
///
/// Ownership: both ends belong to this object and are closed when it goes; the thread that
/// polls `fd` holds the object, so they outlive its last poll.
final class WakeSignal: Sendable {
    private let reader: Int32
    private let writer: Int32

    /// When no pipe can be made (out of descriptors) both ends are -1: `poll` ignores a
    /// negative descriptor, so waits become plain timeouts and signals are lost — slower,
    /// never wrong.
    init() {
        var ends: [Int32] = [-1, -1]
        if quay_wake_pipe(&ends) != 0 { ends = [-1, -1] }
        reader = ends[0]
        writer = ends[1]
    }

    deinit {
        if reader >= 0 { close(reader) }
        if writer >= 0 { close(writer) }
    }

    /// The end to poll for `POLLIN`.
    var fd: Int32 { reader }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writer, &byte, 1)  // EAGAIN: a wake is already pending
    }

    /// Empties the pipe; true when there was a wake in it.
    @discardableResult
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        var woken = false
        while buffer.withUnsafeMutableBytes({ read(reader, $0.baseAddress, $0.count) }) > 0 { woken = true }
        return woken
    }

    /// Waits up to `milliseconds` for a signal, and drains it; true when signalled.
    @discardableResult
    func wait(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        return ready > 0 && drain()
    }
}
