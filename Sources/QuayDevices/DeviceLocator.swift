import Foundation

/// Finds a scanner's device node by its USB vendor and product id, the way udev does: each
/// node under `/sys/class/{input,hidraw,tty}` links into the device tree, and the USB device it
/// hangs from has `idVendor` and `idProduct`. Asked again at every (re)open, so a scanner that
/// is plugged into another port, and gets another node number, is still found.
public struct DeviceLocator: Sendable {
    public var sysfs: String
    public var dev: String

    public init(sysfs: String = "/sys", dev: String = "/dev") {
        self.sysfs = sysfs
        self.dev = dev
    }

    /// The first node (in name order) of `kind` whose USB device is `vendor`:`product`.
    public func node(kind: ScannerKind, vendor: UInt16, product: UInt16) -> String? {
        let (directory, prefix): (String, String)
        switch kind {
        case .evdev: (directory, prefix) = ("\(sysfs)/class/input", "event")
        case .hidpos: (directory, prefix) = ("\(sysfs)/class/hidraw", "hidraw")
        case .serial: (directory, prefix) = ("\(sysfs)/class/tty", "tty")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(prefix) }
            .sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        for name in names {
            let entry = URL(fileURLWithPath: "\(directory)/\(name)").resolvingSymlinksInPath()
            guard let ids = usbIDs(above: entry), ids == (vendor, product) else { continue }
            let path = kind == .evdev ? "\(dev)/input/\(name)" : "\(dev)/\(name)"
            return path
        }
        return nil
    }

    /// The nearest ancestor with `idVendor` and `idProduct`: the USB device.
    private func usbIDs(above entry: URL) -> (UInt16, UInt16)? {
        var directory = entry
        for _ in 0..<12 {
            if let vendor = hex(directory.appendingPathComponent("idVendor")), let product = hex(directory.appendingPathComponent("idProduct")) {
                return (vendor, product)
            }
            let parent = directory.deletingLastPathComponent()
            guard parent.path != directory.path, parent.path.hasPrefix(sysfs) else { return nil }
            directory = parent
        }
        return nil
    }

    private func hex(_ file: URL) -> UInt16? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
    }

    /// `"0c2e:0b61"` as ids.
    public static func parse(_ text: String) -> (vendor: UInt16, product: UInt16)? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }), let vendor = UInt16(parts[0], radix: 16),
            let product = UInt16(parts[1], radix: 16)
        else { return nil }
        return (vendor, product)
    }

    /// Ids as `"0c2e:0b61"`.
    public static func format(vendor: UInt16, product: UInt16) -> String {
        func hex(_ value: UInt16) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        return "\(hex(vendor)):\(hex(product))"
    }
}
