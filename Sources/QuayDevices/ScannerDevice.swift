import CQuayShims
import Foundation
import Logging
import QuayCodecs
import NIOConcurrencyHelpers
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
    /// A HID-POS report descriptor to read by when the node cannot give its own (HIDIOCGRDESC
    /// fails: a FIFO or capture file standing in for a hidraw node). A real hidraw node's own
    /// descriptor always wins.
    public var descriptor: [UInt8]?

    public init(
        name: String, desk: String, path: String, kind: ScannerKind, options: ScanOptions = ScanOptions(), baud: Int = 9600,
        interKeyTimeout: Duration = .milliseconds(50), usb: String? = nil, descriptor: [UInt8]? = nil
    ) {
        self.usb = usb
        self.descriptor = descriptor
        self.name = name
        self.desk = desk
        self.path = path
        self.kind = kind
        self.options = options
        self.baud = baud
        self.interKeyTimeout = interKeyTimeout
    }

    /// Bytes written in hex, as `descriptor` is configured: `"05 8C 09 02"`, `"058c0902"` or
    /// `"0x05, 0x8C"`; nil when it is not whole bytes of hex (or is empty).
    public static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(
            text.replacingOccurrences(of: "0x", with: " ").replacingOccurrences(of: "0X", with: " ").filter { !$0.isWhitespace && $0 != "," })
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
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
/// closed, reported gone, and its path is opened again when `hotplug(_:)` passes a udev
/// event about it (`HotplugMonitor`), when its fallback retry timer fires, or — a FIFO —
/// as soon as a new writer opens it; so a scanner that comes back is used again.
///
/// Ownership: the reader thread owns the file descriptor; nothing else touches it. The wake
/// pipe belongs to this object, which the thread holds until it ends.
public final class ScannerDevice: Sendable {
    public let settings: ScannerSettings
    private let logger: Logger
    private let onScan: @Sendable (ScanOutcome) -> Void
    private let onState: @Sendable (ScannerState) -> Void
    private let status = NIOLockedValueBox<(state: ScannerState, since: Date, scans: Int)>((.absent, Date(), 0))
    private let stopped = Atomic<Bool>(false)
    private let locator: DeviceLocator
    /// Signalled by a udev event about this scanner, and by `stop()`.
    private let wake = WakeSignal()
    /// How long to wait before opening an absent or refused device again when nothing says it
    /// came: asked at each wait, since it depends on whether udev is being listened to.
    private let fallbackRetry: @Sendable () -> Duration
    /// The node last opened, links resolved: udev's `remove` names the node, not our link.
    private let openedNode = NIOLockedValueBox<String?>(nil)

    /// `fallbackRetry` defaults to half a second: what a scanner does without a hot-plug
    /// monitor.
    public init(
        _ settings: ScannerSettings, logger: Logger, onScan: @escaping @Sendable (ScanOutcome) -> Void,
        onState: @escaping @Sendable (ScannerState) -> Void = { _ in }, locator: DeviceLocator = DeviceLocator(),
        fallbackRetry: @escaping @Sendable () -> Duration = { .milliseconds(500) }
    ) {
        self.settings = settings
        self.locator = locator
        self.fallbackRetry = fallbackRetry
        var logger = logger
        logger[metadataKey: "scanner.name"] = "\(settings.name)"
        logger[metadataKey: "device.path"] = "\(settings.usb.map { "usb:\($0)" } ?? settings.path)"
        self.logger = logger
        self.onScan = onScan
        self.onState = onState
    }

    public var state: (state: ScannerState, since: Date, scans: Int) { status.withLockedValue { $0 } }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "scanner \(settings.name)"
        thread.start()
    }

    /// Stops reading; the thread ends at once (or, blocked opening a FIFO with no writer, with
    /// the process).
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// A udev event: when it is about this scanner's device, the scanner looks again now — a
    /// waiting one opens its node, a reading one checks that its node is still there.
    public func hotplug(_ event: HotplugEvent) {
        guard event.concerns(settings, openedNode: openedNode.withLockedValue { $0 }) else { return }
        logger.debug("hot-plug event for the scanner", metadata: ["udev.action": "\(event.action.rawValue)", "udev.node": "\(event.node ?? "")"])
        wake.signal()
    }

    /// Looks again now, whatever the event (udev events were lost).
    public func lookAgain() { wake.signal() }

    /// Waits for the fallback retry or a wake, whichever comes first.
    private func waitToRetry() {
        wake.wait(milliseconds: Int32(max(10, min(60_000, fallbackRetry() / .milliseconds(1)))))
    }

    private func setState(_ state: ScannerState) {
        let changed = status.withLockedValue { status -> Bool in
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
            if case .scan = outcome { status.withLockedValue { $0.scans += 1 } }
            onScan(outcome)
        }
    }

    private func run() {
        // The last refusal logged: a device that cannot be used is said once, not at every retry.
        var lastRefusal: String? = nil
        while !stopped.load(ordering: .relaxed) {
            // A FIFO's open blocks until a writer comes: that is the wait for a scanner to appear.
            let path = currentPath()
            let fd = path.map { open($0, O_RDONLY | O_NOCTTY | O_CLOEXEC) } ?? -1
            guard let path, fd >= 0 else {
                if path != nil, errno != ENOENT { logger.debug("cannot open scanner", metadata: ["error": "\(String(cString: strerror(errno)))"]) }
                if state.state == .connected { setState(.gone) }
                waitToRetry()
                continue
            }
            prepare(fd)
            let made = decoder(for: fd)
            guard case .success(var decoder) = made else {
                if case .failure(let refusal) = made, refusal.description != lastRefusal {
                    logger.error("\(refusal.message)", metadata: ["error": "\(refusal.error)"])
                    lastRefusal = refusal.description
                }
                close(fd)
                if state.state == .connected { setState(.gone) }
                waitToRetry()
                continue
            }
            lastRefusal = nil
            openedNode.withLockedValue { $0 = URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
            wake.drain()  // events from before this open are answered by it
            setState(.connected)
            read(fd, path: path, decoder: &decoder)
            close(fd)
            if !stopped.load(ordering: .relaxed) { setState(.gone) }
        }
    }

    /// Whether the node open as `fd` has left `path`: removed, or replaced by another node
    /// (unplugged and plugged again faster than the read noticed).
    private func nodeRemoved(_ fd: Int32, path: String) -> Bool {
        var opened = stat()
        var current = stat()
        guard fstat(fd, &opened) == 0 else { return true }
        guard stat(path, &current) == 0 else { return errno == ENOENT || errno == ENOTDIR }
        return opened.st_dev != current.st_dev || opened.st_ino != current.st_ino
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
        /// `stream`: the bytes are a stream cut into reports by the descriptor's lengths (a
        /// FIFO); a hidraw node gives one whole report per read.
        case hidpos(HIDPOSDecoder, stream: Bool)

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> [ScanOutcome] {
            switch self {
            case .evdev(var decoder):
                defer { self = .evdev(decoder) }
                return decoder.feed(bytes)
            case .serial(var decoder):
                defer { self = .serial(decoder) }
                return decoder.feed(bytes)
            case .hidpos(var decoder, let stream):
                defer { self = .hidpos(decoder, stream: stream) }
                return stream ? decoder.feed(bytes) : decoder.feed(report: bytes)
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

    /// Why a device that opened cannot be read as a scanner.
    private struct Refusal: Error, CustomStringConvertible {
        var message: String
        var error: String
        var description: String { "\(message): \(error)" }
    }

    private func decoder(for fd: Int32) -> Result<Decoder, Refusal> {
        switch settings.kind {
        case .evdev:
            return .success(
                .evdev(EvdevDecoder(configuration: EvdevDecoder.Configuration(interKeyTimeout: settings.interKeyTimeout, options: settings.options))))
        case .serial:
            return .success(.serial(SerialLineDecoder(options: settings.options)))
        case .hidpos:
            var buffer = [UInt8](repeating: 0, count: 4096)
            let length = quay_hidraw_descriptor(fd, &buffer, buffer.count)
            let descriptor: [UInt8]
            if length > 0 {
                descriptor = Array(buffer.prefix(Int(length)))
            } else if let configured = settings.descriptor {
                // Not a hidraw node (ENOTTY: a FIFO, a capture file): the configured descriptor
                // says the layout, and the bytes are a stream, not one report per read.
                logger.info(
                    "not a hidraw node; reading it by the configured report descriptor",
                    metadata: ["error": "\(String(cString: strerror(-length)))", "hid.descriptor_bytes": "\(configured.count)"])
                descriptor = configured
            } else {
                return .failure(
                    Refusal(
                        message: "cannot read the HID report descriptor, and none is configured (descriptor in [[scanner]])",
                        error: String(cString: strerror(-length))))
            }
            do throws(HIDDescriptorError) {
                return .success(.hidpos(try HIDPOSDecoder(descriptor: descriptor, options: settings.options), stream: length <= 0))
            } catch {
                return .failure(Refusal(message: "not a HID-POS barcode scanner", error: error.code.rawValue))
            }
        }
    }

    /// Reads until EOF, an error, or a wake that finds the node removed; a code left
    /// unfinished by silence is flushed after the inter-key timeout, one left unfinished by an
    /// unplug is dropped (it was cut short).
    private func read(_ fd: Int32, path: String, decoder: inout Decoder) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pending = false
        let silence = Int32(max(10, min(1000, settings.interKeyTimeout / .milliseconds(1))))
        while !stopped.load(ordering: .relaxed) {
            var descriptors = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, pending ? silence : 200)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 {
                wake.drain()
                if stopped.load(ordering: .relaxed) { return }
                if nodeRemoved(fd, path: path) {
                    logger.info("the scanner's node was removed")
                    return
                }
                if descriptors[0].revents == 0 { continue }
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
