/// One udev event about a device, reduced to what decides which scanners should look again:
/// what happened, in which subsystem, the node and its links, and the USB ids. Built from the
/// event's properties (`udevadm monitor --udev --property` shows them), so it is a plain value
/// that tests make without udev.
public struct HotplugEvent: Sendable, Equatable {
    public enum Action: String, Sendable {
        case add, change, remove
    }

    public var action: Action
    public var subsystem: String
    /// The device node, such as `/dev/input/event12`; nil for devices without one (a USB
    /// device's interface, an `inputN` parent).
    public var node: String?
    /// The node's links: `/dev/input/by-id/…`, `/dev/quay/scanner-…` made by our rules.
    public var links: [String]
    /// USB vendor and product of the device the node hangs from, when udev knows them.
    public var usb: (vendor: UInt16, product: UInt16)?

    public init(action: Action, subsystem: String, node: String? = nil, links: [String] = [], usb: (vendor: UInt16, product: UInt16)? = nil) {
        self.action = action
        self.subsystem = subsystem
        self.node = node
        self.links = links
        self.usb = usb
    }

    /// The subsystems the monitor listens to: the three kinds of scanner node, and USB devices
    /// themselves (a scanner unplugged as a whole).
    public static let subsystems = ["input", "hidraw", "tty", "usb"]

    /// The event in `properties` (`ACTION`, `SUBSYSTEM`, `DEVNAME`, `DEVLINKS`, `ID_VENDOR_ID`
    /// and `ID_MODEL_ID`, or a USB device's `PRODUCT`), or nil for an action that says nothing
    /// about a node coming or going (`bind`, `unbind`, `move`, `online`, `offline`).
    public init?(properties: [String: String]) {
        guard let action = properties["ACTION"].flatMap(Action.init(rawValue:)), let subsystem = properties["SUBSYSTEM"] else { return nil }
        self.action = action
        self.subsystem = subsystem
        // udev gives DEVNAME as a path, the kernel's own uevent relative to /dev.
        node = properties["DEVNAME"].flatMap { $0.isEmpty ? nil : ($0.hasPrefix("/") ? $0 : "/dev/\($0)") }
        links = (properties["DEVLINKS"] ?? "").split(separator: " ").map(String.init)
        if let vendor = properties["ID_VENDOR_ID"].flatMap({ UInt16($0, radix: 16) }),
            let product = properties["ID_MODEL_ID"].flatMap({ UInt16($0, radix: 16) })
        {
            usb = (vendor, product)
        } else if let product = properties["PRODUCT"] {
            // A USB device's own event: "c2e/b61/100", vendor/product/bcdDevice in hex without
            // leading zeros.
            let parts = product.split(separator: "/")
            if parts.count >= 2, let vendor = UInt16(parts[0], radix: 16), let model = UInt16(parts[1], radix: 16) {
                usb = (vendor, model)
            } else {
                usb = nil
            }
        } else {
            usb = nil
        }
    }

    /// Whether `scanner` should look at its device again: the event is in a subsystem its kind
    /// lives in (or is its USB device), and it is about its node — by the USB ids for a scanner
    /// configured by `usb`, by the node or one of its links for one configured by `path`.
    /// `openedNode` is the node the scanner last opened with its links resolved: a link is
    /// often gone by the time its node's `remove` arrives, the node's name is still in it.
    public func concerns(_ scanner: ScannerSettings, openedNode: String? = nil) -> Bool {
        guard subsystem == "usb" || subsystem == Self.subsystem(of: scanner.kind) else { return false }
        if let text = scanner.usb, let ids = DeviceLocator.parse(text) {
            if let usb, usb == ids { return true }
            return node != nil && node == openedNode
        }
        guard let node else { return false }
        return node == scanner.path || links.contains(scanner.path) || node == openedNode
    }

    /// The subsystem a kind's node is in.
    public static func subsystem(of kind: ScannerKind) -> String {
        switch kind {
        case .evdev: "input"
        case .hidpos: "hidraw"
        case .serial: "tty"
        }
    }

    public static func == (lhs: HotplugEvent, rhs: HotplugEvent) -> Bool {
        lhs.action == rhs.action && lhs.subsystem == rhs.subsystem && lhs.node == rhs.node && lhs.links == rhs.links
            && lhs.usb?.vendor == rhs.usb?.vendor && lhs.usb?.product == rhs.usb?.product
    }
}
