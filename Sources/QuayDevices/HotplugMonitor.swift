import CUdev
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Listens to udev for scanner nodes coming and going (subsystems input, hidraw, tty and usb)
/// on a thread of its own, and hands each event on, so a scanner waiting to come back opens
/// its node as soon as udev has made it rather than at its next retry.
///
/// Where there is no udev to listen to — a container, a system without udevd — `start()` says
/// so once at notice level and returns false: scanners then find their devices by their
/// retry timers alone. Never fatal.
///
/// Ownership: the thread owns the udev context and monitor (and their socket), from creating
/// them to unref'ing them; this object owns the stop pipe.
public final class HotplugMonitor: Sendable {
    private let logger: Logger
    private let udevControl: String
    private let stopSignal = WakeSignal()
    private let listening = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    /// `udevControl` is the socket udevd listens on: without it udevd is not running and no
    /// event would ever come (tests point it elsewhere to exercise the monitor anyway).
    public init(logger: Logger, udevControl: String = "/run/udev/control") {
        var logger = logger
        logger[metadataKey: "hotplug.subsystems"] = "\(HotplugEvent.subsystems.joined(separator: ","))"
        self.logger = logger
        self.udevControl = udevControl
    }

    /// True from a successful `start()` until `stop()` or a failure of the monitor's socket:
    /// while it is, every real device node's arrival is announced.
    public var isListening: Bool { listening.load(ordering: .relaxed) }

    /// Starts the listening thread: `onEvent` is called on it for each add, change or remove,
    /// `onLost` when the kernel dropped events (the socket's buffer overflowed) so everything
    /// should look again. Returns false, logged, when udev cannot be listened to. Call once.
    @discardableResult
    public func start(onEvent: @escaping @Sendable (HotplugEvent) -> Void, onLost: @escaping @Sendable () -> Void = {}) -> Bool {
        guard !started.exchange(true, ordering: .relaxed) else { return isListening }
        guard access(udevControl, F_OK) == 0 else {
            logger.notice("udev is not running; scanners are looked for by their retry timers alone", metadata: ["udev.control": "\(udevControl)"])
            finished.signal()
            return false
        }
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            run(ready: ready, onEvent: onEvent, onLost: onLost)
            listening.store(false, ordering: .relaxed)
            finished.signal()
        }
        thread.name = "udev monitor"
        thread.start()
        ready.wait()
        return isListening
    }

    /// Stops listening and waits (at most two seconds) for the thread to let go of udev.
    public func stop() {
        guard started.load(ordering: .relaxed), !stopped.exchange(true, ordering: .relaxed) else { return }
        stopSignal.signal()
        _ = finished.wait(timeout: .now() + 2)
        listening.store(false, ordering: .relaxed)
    }

    private func cannot(_ what: String, _ code: Int32) {
        logger.notice(
            "cannot listen to udev; scanners are looked for by their retry timers alone",
            metadata: ["udev.call": "\(what)", "error": "\(String(cString: strerror(code)))"])
    }

    private func run(ready: DispatchSemaphore, onEvent: @Sendable (HotplugEvent) -> Void, onLost: @Sendable () -> Void) {
        guard let udev = udev_new() else {
            cannot("udev_new", errno)
            ready.signal()
            return
        }
        defer { udev_unref(udev) }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            cannot("udev_monitor_new_from_netlink", errno)
            ready.signal()
            return
        }
        defer { udev_monitor_unref(monitor) }
        for subsystem in HotplugEvent.subsystems {
            let result = udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
            guard result >= 0 else {
                cannot("udev_monitor_filter_add_match_subsystem_devtype", -result)
                ready.signal()
                return
            }
        }
        let result = udev_monitor_enable_receiving(monitor)
        guard result >= 0 else {
            cannot("udev_monitor_enable_receiving", -result)
            ready.signal()
            return
        }
        let socket = udev_monitor_get_fd(monitor)
        listening.store(true, ordering: .relaxed)
        logger.info("listening to udev for scanners coming and going")
        ready.signal()

        while true {
            var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: stopSignal.fd, events: Int16(POLLIN), revents: 0)]
            let count = poll(&descriptors, 2, -1)
            if count < 0 {
                if errno == EINTR { continue }
                cannot("poll", errno)
                return
            }
            if descriptors[1].revents != 0 { return }
            if descriptors[0].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                cannot("poll", EIO)  // never spin on a broken socket: the timers carry on
                return
            }
            // The socket is non-blocking: take every event that is there, then poll again.
            while true {
                errno = 0
                guard let device = udev_monitor_receive_device(monitor) else {
                    if errno == ENOBUFS {
                        logger.info("udev events were lost; every scanner looks again")
                        onLost()
                    }
                    break
                }
                let event = HotplugEvent(properties: properties(of: device))
                udev_device_unref(device)
                if let event {
                    logger.debug(
                        "udev event",
                        metadata: [
                            "udev.action": "\(event.action.rawValue)", "udev.subsystem": "\(event.subsystem)",
                            "device.path": "\(event.node ?? "")",
                        ])
                    onEvent(event)
                }
            }
        }
    }

    private func properties(of device: OpaquePointer) -> [String: String] {
        var properties: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(device)
        while let current = entry {
            if let name = udev_list_entry_get_name(current) {
                properties[String(cString: name)] = udev_list_entry_get_value(current).map { String(cString: $0) } ?? ""
            }
            entry = udev_list_entry_get_next(current)
        }
        return properties
    }
}
