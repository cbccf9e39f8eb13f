import CQuayShims
import Foundation
import Logging
import QuayCodecs
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How a scanner talks (SPEC §5, §11).
public enum ScannerKind: String, Sendable, CaseIterable {
    /// A keyboard-wedge scanner read from its evdev node, grabbed so it never types into the desktop.
    case evdev
    /// A serial (or USB CDC-ACM) scanner: lines ending in CR, LF or CRLF.
    case serial
    /// A HID Point-of-Sale scanner read from its hidraw node; the report descriptor says the layout.
    case hidpos
}

/// One configured scanner.
public struct ScannerSettings: Sendable, Equatable {
    public var name: String
    public var desk: String
    /// The device node; empty when the scanner is found by `usb` instead.
    public var path: String
    /// USB vendor and product ids (`0c2e:0b61`): the node is looked up in sysfs at each open.
    public var usb: String?
    public var kind: ScannerKind
    public var options: ScanOptions
    /// Serial line speed.
    public var baud: Int
    /// A keyboard-wedge code with no terminator ends after this much silence.
    public var interKeyTimeout: Duration

    public init(
        name: String, desk: String, path: String, kind: ScannerKind, options: ScanOptions = ScanOptions(), baud: Int = 9600,
        interKeyTimeout: Duration = .milliseconds(50), usb: String? = nil
    ) {
        self.usb = usb
        self.name = name
        self.desk = desk
        self.path = path
        self.kind = kind
        self.options = options
        self.baud = baud
        self.interKeyTimeout = interKeyTimeout
    }
}

/// Where a scanner is: not there yet (or unplugged), or reading.
public enum ScannerState: String, Sendable, Codable {
    /// The path does not exist or cannot be opened, or (a FIFO) no writer yet.
    case absent
    case connected
    /// It was connected and went away (unplugged, the pipe's writer closed); waiting for it to return.
    case gone
}

/// Reads one scanner on a thread of its own and hands each decoded scan to `onScan`, in
/// order. An unplug — EOF, EIO, ENODEV — is never fatal and never spins: the device is
/// closed, reported gone, and its path is opened again every half second (or, for a FIFO,
/// as soon as a new writer opens it), so a scanner that comes back is used again.
///
/// Ownership: the reader thread owns the file descriptor; nothing else touches it.
public final class ScannerDevice: Sendable {
    public let settings: ScannerSettings
    private let logger: Logger
    private let onScan: @Sendable (ScanOutcome) -> Void
    private let onState: @Sendable (ScannerState) -> Void
    private let status = Mutex<(state: ScannerState, since: Date, scans: Int)>((.absent, Date(), 0))
    private let stopped = Atomic<Bool>(false)
    private let locator: DeviceLocator

    public init(
        _ settings: ScannerSettings, logger: Logger, onScan: @escaping @Sendable (ScanOutcome) -> Void,
        onState: @escaping @Sendable (ScannerState) -> Void = { _ in }, locator: DeviceLocator = DeviceLocator()
    ) {
        self.settings = settings
        self.locator = locator
        var logger = logger
        logger[metadataKey: "scanner.name"] = "\(settings.name)"
        logger[metadataKey: "device.path"] = "\(settings.usb.map { "usb:\($0)" } ?? settings.path)"
        self.logger = logger
        self.onScan = onScan
        self.onState = onState
    }

    public var state: (state: ScannerState, since: Date, scans: Int) { status.withLock { $0 } }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "scanner \(settings.name)"
        thread.start()
    }

    /// Stops reading; the thread ends within a poll interval (or, blocked opening a FIFO with
    /// no writer, with the process).
    public func stop() { stopped.store(true, ordering: .relaxed) }

    private func setState(_ state: ScannerState) {
        let changed = status.withLock { status -> Bool in
            guard status.state != state else { return false }
            status.state = state
            status.since = Date()
            return true
        }
        guard changed else { return }
        logger.info("scanner \(state.rawValue)", metadata: ["scanner.state": "\(state.rawValue)"])
        onState(state)
    }

    private func deliver(_ outcomes: [ScanOutcome]) {
        for outcome in outcomes {
            if case .scan = outcome { status.withLock { $0.scans += 1 } }
            onScan(outcome)
        }
    }

    private func run() {
        while !stopped.load(ordering: .relaxed) {
            // A FIFO's open blocks until a writer comes: that is the wait for a scanner to appear.
            let path = currentPath()
            let fd = path.map { open($0, O_RDONLY | O_NOCTTY | O_CLOEXEC) } ?? -1
            guard fd >= 0 else {
                if path != nil, errno != ENOENT { logger.debug("cannot open scanner", metadata: ["error": "\(String(cString: strerror(errno)))"]) }
                if state.state == .connected { setState(.gone) }
                usleep(500_000)
                continue
            }
            prepare(fd)
            setState(.connected)
            read(fd)
            close(fd)
            if !stopped.load(ordering: .relaxed) { setState(.gone) }
        }
    }

    /// The node to open now: the configured path, or the one sysfs says has the USB ids.
    private func currentPath() -> String? {
        guard let usb = settings.usb, let ids = DeviceLocator.parse(usb) else { return settings.path }
        return locator.node(kind: settings.kind, vendor: ids.vendor, product: ids.product)
    }

    /// Grabs an evdev node and puts a serial line in raw mode. Neither is possible on a
    /// FIFO (tests, simulations): that is logged and reading goes on.
    private func prepare(_ fd: Int32) {
        switch settings.kind {
        case .evdev:
            let result = quay_evdev_grab(fd)
            if result < 0 {
                logger.info("cannot grab the scanner; its keys may reach the desktop", metadata: ["error": "\(String(cString: strerror(-result)))"])
            }
        case .serial:
            let result = quay_serial_raw(fd, Int32(settings.baud))
            if result < 0 {
                logger.info("cannot set the serial line to raw mode", metadata: ["error": "\(String(cString: strerror(-result)))"])
            }
        case .hidpos:
            break
        }
    }

    private enum Decoder {
        case evdev(EvdevDecoder)
        case serial(SerialLineDecoder)
        case hidpos(HIDPOSDecoder)

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> [ScanOutcome] {
            switch self {
            case .evdev(var decoder):
                defer { self = .evdev(decoder) }
                return decoder.feed(bytes)
            case .serial(var decoder):
                defer { self = .serial(decoder) }
                return decoder.feed(bytes)
            case .hidpos(var decoder):
                defer { self = .hidpos(decoder) }
                return decoder.feed(report: bytes)
            }
        }

        /// Ends a code that stopped without a terminator.
        mutating func flush() -> [ScanOutcome] {
            switch self {
            case .evdev(var decoder):
                defer { self = .evdev(decoder) }
                return decoder.flush()
            case .serial(var decoder):
                defer { self = .serial(decoder) }
                return decoder.flush()
            case .hidpos:
                return []
            }
        }
    }

    private func decoder(for fd: Int32) -> Decoder? {
        switch settings.kind {
        case .evdev:
            return .evdev(
                EvdevDecoder(configuration: EvdevDecoder.Configuration(interKeyTimeout: settings.interKeyTimeout, options: settings.options)))
        case .serial:
            return .serial(SerialLineDecoder(options: settings.options))
        case .hidpos:
            var descriptor = [UInt8](repeating: 0, count: 4096)
            let length = quay_hidraw_descriptor(fd, &descriptor, descriptor.count)
            guard length > 0 else {
                logger.error("cannot read the HID report descriptor", metadata: ["error": "\(String(cString: strerror(-length)))"])
                return nil
            }
            do throws(HIDDescriptorError) {
                return .hidpos(try HIDPOSDecoder(descriptor: Array(descriptor.prefix(Int(length))), options: settings.options))
            } catch {
                logger.error("not a HID-POS barcode scanner", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    /// Reads until EOF or an error; a code left unfinished by silence is flushed after the
    /// inter-key timeout, one left unfinished by an unplug is dropped (it was cut short).
    private func read(_ fd: Int32) {
        guard var decoder = decoder(for: fd) else {
            usleep(500_000)
            return
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pending = false
        let silence = Int32(max(10, min(1000, settings.interKeyTimeout / .milliseconds(1))))
        while !stopped.load(ordering: .relaxed) {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, pending ? silence : 200)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready == 0 {
                if pending {
                    deliver(decoder.flush())
                    pending = false
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return }  // EOF (writer gone) or EIO/ENODEV (unplugged)
            let outcomes = buffer.withUnsafeBufferPointer { decoder.feed(UnsafeBufferPointer(rebasing: $0.prefix(count))) }
            deliver(outcomes)
            pending = true
        }
    }
}
