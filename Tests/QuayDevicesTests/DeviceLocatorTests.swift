import Foundation
import Testing

@testable import QuayDevices

/// Finding a scanner by its USB ids in a sysfs tree laid out as the kernel lays it out: class
/// entries are links into the device tree, below the USB device that has idVendor/idProduct.
@Suite struct DeviceLocatorTests {
    private func tree() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quay-sysfs-\(UUID().uuidString.prefix(8))")
        let manager = FileManager.default
        func device(_ path: String, vendor: String, product: String) throws {
            let usb = root.appendingPathComponent("devices/pci0000:00/0000:00:14.0/\(path)")
            try manager.createDirectory(at: usb, withIntermediateDirectories: true)
            try "\(vendor)\n".write(to: usb.appendingPathComponent("idVendor"), atomically: true, encoding: .utf8)
            try "\(product)\n".write(to: usb.appendingPathComponent("idProduct"), atomically: true, encoding: .utf8)
        }
        func node(_ devicePath: String, _ interfacePath: String, `class`: String, name: String) throws {
            let target = root.appendingPathComponent("devices/pci0000:00/0000:00:14.0/\(devicePath)/\(interfacePath)/\(name)")
            try manager.createDirectory(at: target, withIntermediateDirectories: true)
            let classDirectory = root.appendingPathComponent("class/\(`class`)")
            try manager.createDirectory(at: classDirectory, withIntermediateDirectories: true)
            try manager.createSymbolicLink(at: classDirectory.appendingPathComponent(name), withDestinationURL: target)
        }
        try device("usb1/1-1", vendor: "046d", product: "c31c")  // a keyboard
        try node("usb1/1-1", "1-1:1.0/0003:046D:C31C.0001/input/input3", class: "input", name: "event3")
        try device("usb1/1-2", vendor: "0c2e", product: "0b61")  // a Honeywell scanner
        try node("usb1/1-2", "1-2:1.0/0003:0C2E:0B61.0002/input/input12", class: "input", name: "event12")
        try node("usb1/1-2", "1-2:1.0/0003:0C2E:0B61.0002/hidraw", class: "hidraw", name: "hidraw1")
        try device("usb1/1-3", vendor: "1eab", product: "1d06")  // a Newland in serial mode
        try node("usb1/1-3", "1-3:1.0/tty", class: "tty", name: "ttyACM0")
        try manager.createDirectory(at: root.appendingPathComponent("class/tty/tty0"), withIntermediateDirectories: true)  // no USB parent
        return root
    }

    @Test func findsTheNodeOfEachKindByVendorAndProduct() throws {
        let root = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let locator = DeviceLocator(sysfs: root.path, dev: "/dev")
        #expect(locator.node(kind: .evdev, vendor: 0x0c2e, product: 0x0b61) == "/dev/input/event12")
        #expect(locator.node(kind: .hidpos, vendor: 0x0c2e, product: 0x0b61) == "/dev/hidraw1")
        #expect(locator.node(kind: .serial, vendor: 0x1eab, product: 0x1d06) == "/dev/ttyACM0")
        #expect(locator.node(kind: .evdev, vendor: 0x0c2e, product: 0x0b62) == nil)  // unplugged, or another model
        #expect(locator.node(kind: .serial, vendor: 0x0c2e, product: 0x0b61) == nil)
    }

    @Test func parsesVendorAndProduct() {
        #expect(DeviceLocator.parse("0c2e:0b61")! == (0x0c2e, 0x0b61))
        #expect(DeviceLocator.parse("0c2e") == nil)
        #expect(DeviceLocator.parse("0c2e:xyz1") == nil)
    }
}
