import CQuayShims
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import QuayDevices

#if canImport(Glibc)
import Glibc
#endif

/// Log records kept in memory, to assert what was said and how often.
final class RecordingLogHandler: LogHandler, Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = NIOLockedValueBox<[Record]>([])
    private let state = NIOLockedValueBox<(level: Logger.Level, metadata: Logger.Metadata)>((.debug, [:]))

    private init() {}

    /// A logger writing here, and the handler to read back.
    static func logger() -> (Logger, RecordingLogHandler) {
        let handler = RecordingLogHandler()
        return (Logger(label: "test", factory: { _ in handler }), handler)
    }

    var logged: [Record] { records.withLockedValue { $0 } }

    func count(_ message: String) -> Int { logged.filter { $0.message == message }.count }

    var logLevel: Logger.Level {
        get { state.withLockedValue { $0.level } }
        set { state.withLockedValue { $0.level = newValue } }
    }

    var metadata: Logger.Metadata {
        get { state.withLockedValue { $0.metadata } }
        set { state.withLockedValue { $0.metadata = newValue } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { state.withLockedValue { $0.metadata[key] } }
        set { state.withLockedValue { $0.metadata[key] = newValue } }
    }

    func log(event: LogEvent) {
        var all = state.withLockedValue { $0.metadata }
        all.merge(event.metadata ?? [:]) { $1 }
        records.withLockedValue { $0.append(Record(level: event.level, message: "\(event.message)", metadata: all.mapValues { "\($0)" })) }
    }
}

private func waitFor(_ timeout: Double = 3, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return false
}

/// Deciding from a udev event which scanners look again: the pure half of hot-plug.
@Suite struct HotplugEventTests {
    /// A Honeywell scanner's keyboard interface arriving, as `udevadm monitor --udev --property`
    /// shows it (trimmed), with the link our rules make.
    private let honeywellAdd = [
        "ACTION": "add", "DEVPATH": "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:0C2E:0B61.0002/input/input12/event12",
        "SUBSYSTEM": "input", "DEVNAME": "/dev/input/event12", "SEQNUM": "4711", "MAJOR": "13", "MINOR": "76",
        "ID_INPUT": "1", "ID_INPUT_KEYBOARD": "1", "ID_BUS": "usb", "ID_VENDOR_ID": "0c2e", "ID_MODEL_ID": "0b61",
        "ID_SERIAL": "Honeywell_Imaging___Mobility_1900G_18123B0C28",
        "DEVLINKS": "/dev/input/by-path/pci-0000:00:14.0-usb-0:2:1.0-event-kbd /dev/quay/scanner-honeywell-0 "
            + "/dev/input/by-id/usb-Honeywell_Imaging___Mobility_1900G_18123B0C28-event-kbd",
    ]

    @Test func anEventIsReadFromItsProperties() throws {
        let event = try #require(HotplugEvent(properties: honeywellAdd))
        #expect(event.action == .add)
        #expect(event.subsystem == "input")
        #expect(event.node == "/dev/input/event12")
        #expect(event.links.count == 3 && event.links.contains("/dev/quay/scanner-honeywell-0"))
        #expect(event.usb! == (0x0c2e, 0x0b61))

        // A USB device's own event has PRODUCT (vendor/product/bcdDevice, no leading zeros).
        let usb = try #require(
            HotplugEvent(properties: [
                "ACTION": "remove", "SUBSYSTEM": "usb", "DEVTYPE": "usb_device", "PRODUCT": "c2e/b61/100", "DEVNAME": "bus/usb/001/005",
            ]))
        #expect(usb.usb! == (0x0c2e, 0x0b61))
        #expect(usb.node == "/dev/bus/usb/001/005")  // the kernel's DEVNAME is relative to /dev
        #expect(usb.links.isEmpty)

        // Actions that say nothing of a node coming or going, and events without a subsystem.
        for action in ["bind", "unbind", "move", "online", "offline"] {
            #expect(HotplugEvent(properties: ["ACTION": action, "SUBSYSTEM": "usb"]) == nil)
        }
        #expect(HotplugEvent(properties: ["ACTION": "add"]) == nil)
        #expect(HotplugEvent(properties: ["ACTION": "add", "SUBSYSTEM": "input"])?.node == nil)
        #expect(HotplugEvent(properties: ["ACTION": "add", "SUBSYSTEM": "tty", "PRODUCT": "zz"])?.usb == nil)
    }

    @Test func aScannerByPathIsConcernedByItsNodeOrAnyOfItsLinks() throws {
        let event = try #require(HotplugEvent(properties: honeywellAdd))
        let byLink = ScannerSettings(name: "a", desk: "d", path: "/dev/quay/scanner-honeywell-0", kind: .evdev)
        let byNode = ScannerSettings(name: "b", desk: "d", path: "/dev/input/event12", kind: .evdev)
        let other = ScannerSettings(name: "c", desk: "d", path: "/dev/quay/scanner-zebra-0", kind: .evdev)
        let hidraw = ScannerSettings(name: "e", desk: "d", path: "/dev/input/event12", kind: .hidpos)  // wrong subsystem for its kind
        #expect(event.concerns(byLink))
        #expect(event.concerns(byNode))
        #expect(!event.concerns(other))
        #expect(!event.concerns(hidraw))

        // By the time a node's remove comes its link may be gone from the event: the node the
        // scanner opened still names it.
        let removed = HotplugEvent(action: .remove, subsystem: "input", node: "/dev/input/event12")
        #expect(!removed.concerns(byLink))
        #expect(removed.concerns(byLink, openedNode: "/dev/input/event12"))
        // A change to a tty, a hidraw node arriving.
        let serial = ScannerSettings(name: "s", desk: "d", path: "/dev/ttyACM0", kind: .serial)
        #expect(HotplugEvent(action: .change, subsystem: "tty", node: "/dev/ttyACM0").concerns(serial))
        let hidpos = ScannerSettings(name: "h", desk: "d", path: "/dev/quay/hidpos-honeywell-0", kind: .hidpos)
        #expect(HotplugEvent(action: .add, subsystem: "hidraw", node: "/dev/hidraw1", links: ["/dev/quay/hidpos-honeywell-0"]).concerns(hidpos))
        // A USB device event has no node a path scanner can name.
        #expect(!HotplugEvent(action: .add, subsystem: "usb", node: "/dev/bus/usb/001/005", usb: (0x0c2e, 0x0b61)).concerns(byNode))
    }

    @Test func aScannerByUSBIdsIsConcernedByItsDeviceIdsInItsSubsystemOrUSB() {
        let scanner = ScannerSettings(name: "a", desk: "d", path: "", kind: .serial, usb: "1eab:1d06")
        #expect(HotplugEvent(action: .add, subsystem: "tty", node: "/dev/ttyACM3", usb: (0x1eab, 0x1d06)).concerns(scanner))
        #expect(HotplugEvent(action: .remove, subsystem: "usb", usb: (0x1eab, 0x1d06)).concerns(scanner))
        #expect(!HotplugEvent(action: .add, subsystem: "tty", node: "/dev/ttyACM3", usb: (0x1eab, 0x1d07)).concerns(scanner))
        #expect(!HotplugEvent(action: .add, subsystem: "input", node: "/dev/input/event4", usb: (0x1eab, 0x1d06)).concerns(scanner))
        // Without ids in the event, only the node it had open.
        let bare = HotplugEvent(action: .remove, subsystem: "tty", node: "/dev/ttyACM3")
        #expect(!bare.concerns(scanner))
        #expect(bare.concerns(scanner, openedNode: "/dev/ttyACM3"))
    }

    @Test func descriptorHexIsReadInTheUsualSpellings() {
        #expect(ScannerSettings.hexBytes("05 8C 09 02") == [0x05, 0x8C, 0x09, 0x02])
        #expect(ScannerSettings.hexBytes("058c0902") == [0x05, 0x8C, 0x09, 0x02])
        #expect(ScannerSettings.hexBytes("0x05, 0x8C,\n0x09") == [0x05, 0x8C, 0x09])
        #expect(ScannerSettings.hexBytes("05 8") == nil)
        #expect(ScannerSettings.hexBytes("05 8G") == nil)
        #expect(ScannerSettings.hexBytes("  ") == nil)
    }
}

/// The udev half, as far as a machine without udevd allows: the monitor starts (or says why
/// not) and stops at once; and a scanner acts on the events it is handed.
@Suite(.serialized) struct HotplugMonitorTests {
    @Test func withoutUdevRunningTheMonitorSaysSoOnceAndStopsAtOnce() {
        let (logger, log) = RecordingLogHandler.logger()
        let monitor = HotplugMonitor(logger: logger, udevControl: "/nonexistent/udev/control")
        let started = monitor.start(onEvent: { _ in })
        #expect(!started)
        #expect(!monitor.isListening)
        let notices = log.logged.filter { $0.level == .notice }
        #expect(notices.count == 1)
        #expect(notices.first?.message == "udev is not running; scanners are looked for by their retry timers alone")
        let stopping = Date()
        monitor.stop()
        #expect(Date().timeIntervalSince(stopping) < 0.5)
    }

    /// udevd's control socket pointed at a path that exists: libudev's monitor is really made
    /// (on a netlink socket) and polled. Where netlink is refused it must say so, not hang.
    @Test func theLibudevMonitorStartsAndStopsCleanly() {
        let (logger, log) = RecordingLogHandler.logger()
        let monitor = HotplugMonitor(logger: logger, udevControl: "/")
        let begun = Date()
        let listening = monitor.start(onEvent: { _ in })
        #expect(Date().timeIntervalSince(begun) < 2)
        if listening {
            #expect(monitor.isListening)
            #expect(log.count("listening to udev for scanners coming and going") == 1)
        } else {
            #expect(log.count("cannot listen to udev; scanners are looked for by their retry timers alone") == 1)
        }
        usleep(100_000)
        let stopping = Date()
        monitor.stop()
        #expect(Date().timeIntervalSince(stopping) < 1)
        #expect(!monitor.isListening)
        monitor.stop()  // twice is harmless, and does not wait again
        #expect(Date().timeIntervalSince(stopping) < 1)
    }

    private func pty() throws -> (master: Int32, path: String) {
        var name = [CChar](repeating: 0, count: 128)
        let master = quay_open_pty(&name, name.count)
        try #require(master >= 0)
        return (master, String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// A serial scanner configured by a link that does not exist yet, with a fallback retry
    /// far longer than the test: only the hot-plug event can bring it in, and only the remove
    /// event can tell it the node went (the pseudo-terminal itself stays open).
    @Test func anEventAboutTheScannerOpensItAtOnceAndARemoveIsNoticed() throws {
        let (master, node) = try pty()
        defer { close(master) }
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("quay-hotplug-\(UUID().uuidString.prefix(8))").path
        defer { unlink(link) }
        let (logger, log) = RecordingLogHandler.logger()
        let states = NIOLockedValueBox<[ScannerState]>([])
        let scanner = ScannerDevice(
            ScannerSettings(name: "may-quet-1", desk: "quay-1", path: link, kind: .serial), logger: logger, onScan: { _ in },
            onState: { state in states.withLockedValue { $0.append(state) } }, fallbackRetry: { .seconds(60) })
        scanner.start()
        defer { scanner.stop() }
        usleep(200_000)
        #expect(scanner.state.state == .absent)

        #expect(symlink(node, link) == 0)  // udev makes the node and our link…
        // …and an event about another node changes nothing.
        scanner.hotplug(HotplugEvent(action: .add, subsystem: "tty", node: "/dev/ttyACM9", links: ["/dev/quay/serial-newland-1"]))
        usleep(300_000)
        #expect(scanner.state.state == .absent)
        // An event about a node of another kind does not either.
        scanner.hotplug(HotplugEvent(action: .add, subsystem: "input", node: node, links: [link]))
        usleep(300_000)
        #expect(scanner.state.state == .absent)

        scanner.hotplug(HotplugEvent(action: .add, subsystem: "tty", node: node, links: [link]))
        #expect(waitFor(1) { scanner.state.state == .connected })

        // A change event about it leaves it reading: its node is still the one it has open.
        scanner.hotplug(HotplugEvent(action: .change, subsystem: "tty", node: node))
        usleep(300_000)
        #expect(scanner.state.state == .connected)

        // Unplugged: the link goes and udev says the node was removed (links gone from the event).
        unlink(link)
        scanner.hotplug(HotplugEvent(action: .remove, subsystem: "tty", node: node))
        #expect(waitFor(1) { scanner.state.state == .gone })
        #expect(log.count("the scanner's node was removed") == 1)
        #expect(states.withLockedValue { $0 } == [.connected, .gone])
    }

    /// A HID-POS scanner on a node that cannot give a report descriptor, with none configured:
    /// refused with its reason, said once however often it is retried, never connected.
    @Test func aHIDPOSScannerWithoutADescriptorIsRefusedOnce() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-hidraw-\(UUID().uuidString.prefix(8))").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data([2, 3, 4])))
        defer { unlink(path) }
        let (logger, log) = RecordingLogHandler.logger()
        let scanner = ScannerDevice(
            ScannerSettings(name: "hid", desk: "quay-1", path: path, kind: .hidpos), logger: logger, onScan: { _ in },
            fallbackRetry: { .milliseconds(20) })
        scanner.start()
        defer { scanner.stop() }
        usleep(400_000)  // some twenty tries
        let refusal = "cannot read the HID report descriptor, and none is configured (descriptor in [[scanner]])"
        #expect(log.count(refusal) == 1)
        #expect(log.logged.first { $0.message == refusal }?.metadata["error"] == String(cString: strerror(ENOTTY)))
        #expect(scanner.state.state == .absent)
    }
}
