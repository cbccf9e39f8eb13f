import CQuayShims
import CUSB
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a printer could not be reached or written to. Every one of these is worth waiting
/// out — a printer switched off, unplugged, busy with another host, or slow.
public struct PrinterIOError: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No such device node, USB device or host.
        case notFound = "not_found"
        /// The TCP port refused the connection.
        case refused
        /// Nothing happened within the timeout.
        case timeout
        /// The device exists but quayd may not open it (udev rules, group `quay`).
        case permission
        /// The connection or device went away while in use.
        case disconnected
        /// Anything else the system said.
        case io
    }

    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }

    static func errno(_ code: Int32, _ what: String) -> PrinterIOError {
        let text = "\(what): \(String(cString: strerror(code)))"
        switch code {
        case ENOENT, ENODEV, ENXIO, EHOSTUNREACH, ENETUNREACH: return PrinterIOError(.notFound, text)
        case ECONNREFUSED: return PrinterIOError(.refused, text)
        case ETIMEDOUT, EAGAIN: return PrinterIOError(.timeout, text)
        case EACCES, EPERM: return PrinterIOError(.permission, text)
        case EPIPE, ECONNRESET, EIO: return PrinterIOError(.disconnected, text)
        default: return PrinterIOError(.io, text)
        }
    }
}

/// An open line to a printer: bytes out, and — where the transport has a back channel —
/// bytes in, for status. Every call has a timeout; none blocks forever. Used by one
/// thread at a time.
public protocol PrinterConnection: AnyObject {
    func write(_ bytes: [UInt8], timeout: Duration) throws(PrinterIOError)
    /// Whatever the printer has sent, waiting up to `timeout` for the first byte; empty when
    /// nothing came.
    func read(timeout: Duration) throws(PrinterIOError) -> [UInt8]
    /// Whether the printer can answer at all (TCP, a USB printer with a bulk IN endpoint).
    var canRead: Bool { get }
    /// usblp's LPGETSTATUS port status, for a `/dev/usb/lp*` node.
    func portStatus() -> Int32?
    func close()
}

public enum PrinterTransport {
    /// Opens the printer at `address`.
    public static func open(_ address: PrinterAddress, timeout: Duration) throws(PrinterIOError) -> any PrinterConnection {
        switch address {
        case .file(let path): return try DescriptorConnection.file(path)
        case .tcp(let host, let port): return try DescriptorConnection.tcp(host: host, port: port, timeout: timeout)
        case .usb(let vendor, let product, let serial): return try USBConnection(vendor: vendor, product: product, serial: serial)
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 0, for poll(2) and libusb.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}

/// A file, a device node or a TCP socket: a file descriptor, written and read with poll(2)
/// so that a stuck printer times out.
final class DescriptorConnection: PrinterConnection {
    private var fd: Int32
    let canRead: Bool
    private let isDevice: Bool

    private init(fd: Int32, canRead: Bool, isDevice: Bool) {
        self.fd = fd
        self.canRead = canRead
        self.isDevice = isDevice
    }

    deinit { close() }

    static func file(_ path: String) throws(PrinterIOError) -> DescriptorConnection {
        var info = stat()
        let exists = stat(path, &info) == 0
        let isDevice = exists && (info.st_mode & S_IFMT) == S_IFCHR
        // A plain file is appended to (created when missing); a device node is only opened.
        let flags = isDevice ? (O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) : (O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC)
        var fd = Glibc.open(path, flags, 0o644)
        if fd < 0, isDevice, errno == EACCES || errno == EROFS {
            fd = Glibc.open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)  // some nodes are write-only
        }
        guard fd >= 0 else { throw .errno(errno, "open \(path)") }
        return DescriptorConnection(fd: fd, canRead: false, isDevice: isDevice)
    }

    static func tcp(host: String, port: Int, timeout: Duration) throws(PrinterIOError) -> DescriptorConnection {
        let fd = quay_tcp_connect(host, Int32(port), timeout.milliseconds)
        guard fd >= 0 else { throw .errno(-fd, "connect to \(host):\(port)") }
        return DescriptorConnection(fd: fd, canRead: true, isDevice: false)
    }

    func write(_ bytes: [UInt8], timeout: Duration) throws(PrinterIOError) {
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + offset, bytes.count - offset)
            }
            if written > 0 {
                offset += written
                continue
            }
            if written < 0, errno == EINTR { continue }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK else {
                throw .errno(written == 0 ? EIO : errno, "write")
            }
            try wait(for: Int16(POLLOUT), until: deadline, "write")
        }
    }

    func read(timeout: Duration) throws(PrinterIOError) -> [UInt8] {
        guard canRead else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        do {
            try wait(for: Int16(POLLIN), until: .now + timeout, "read")
        } catch where error.kind == .timeout {
            return []
        }
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return [] }
            throw .errno(errno, "read")
        }
        guard count > 0 else { throw PrinterIOError(.disconnected, "the printer closed the connection") }
        return Array(buffer[..<count])
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant, _ what: String) throws(PrinterIOError) {
        while true {
            let left = deadline - .now
            guard left > .zero else { throw PrinterIOError(.timeout, "\(what): no progress within the timeout") }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, max(1, left.milliseconds))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .errno(errno, what)
            }
            if ready == 0 { continue }
            if entry.revents & Int16(POLLNVAL) != 0 { throw PrinterIOError(.io, "\(what): closed descriptor") }
            if entry.revents & (events | Int16(POLLHUP) | Int16(POLLERR)) != 0 { return }
        }
    }

    func portStatus() -> Int32? {
        guard isDevice else { return nil }
        var status: Int32 = 0
        return quay_lp_status(fd, &status) == 0 ? status : nil
    }

    func close() {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
    }
}

/// A USB printer through libusb-1.0 (SPEC §7.5): the first interface of the printer class
/// (7), its bulk OUT endpoint (and bulk IN, when the printer has a back channel). usblp's
/// hold on the interface is detached for the job and re-attached when the connection
/// closes, so `/dev/usb/lp0` comes back for other programs.
final class USBConnection: PrinterConnection {
    private var context: OpaquePointer?
    private var handle: OpaquePointer?
    private let interface: Int32
    private let outEndpoint: UInt8
    private let inEndpoint: UInt8?
    private var detached = false

    var canRead: Bool { inEndpoint != nil }

    init(vendor: UInt16, product: UInt16, serial: String?) throws(PrinterIOError) {
        let name = "usb://" + DeviceLocator.format(vendor: vendor, product: product)
        var context: OpaquePointer?
        let initialised = libusb_init(&context)
        guard initialised == 0 else { throw Self.error(initialised, "libusb") }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        defer { if let list { libusb_free_device_list(list, 1) } }
        var found: (handle: OpaquePointer, interface: Int32, out: UInt8, in: UInt8?)? = nil
        var lastError: PrinterIOError = PrinterIOError(.notFound, "\(name): no such USB device is connected")
        for index in 0..<max(0, count) {
            guard let device = list?[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &descriptor) == 0, descriptor.idVendor == vendor,
                descriptor.idProduct == product
            else { continue }
            guard let endpoints = Self.printerInterface(device) else {
                lastError = PrinterIOError(.notFound, "\(name) has no printer-class interface with a bulk OUT endpoint")
                continue
            }
            var opened: OpaquePointer?
            let status = libusb_open(device, &opened)
            guard status == 0, let opened else {
                lastError = Self.error(status, name)
                continue
            }
            if let serial {
                var text = [UInt8](repeating: 0, count: 256)
                let length = libusb_get_string_descriptor_ascii(opened, descriptor.iSerialNumber, &text, Int32(text.count))
                guard length > 0, String(decoding: text[..<Int(length)], as: UTF8.self) == serial else {
                    libusb_close(opened)
                    lastError = PrinterIOError(.notFound, "\(name): no device with serial \(serial)")
                    continue
                }
            }
            found = (opened, endpoints.interface, endpoints.out, endpoints.in)
            break
        }
        guard let found else {
            libusb_exit(context)
            throw lastError
        }
        self.context = context
        handle = found.handle
        interface = found.interface
        outEndpoint = found.out
        inEndpoint = found.in
        if libusb_kernel_driver_active(found.handle, interface) == 1 {
            let status = libusb_detach_kernel_driver(found.handle, interface)
            guard status == 0 else {
                close()
                throw Self.error(status, "\(name): detaching usblp")
            }
            detached = true
        }
        let claimed = libusb_claim_interface(found.handle, interface)
        guard claimed == 0 else {
            close()
            throw Self.error(claimed, "\(name): claiming the printer interface")
        }
    }

    deinit { close() }

    /// The printer-class interface and its bulk endpoints, from the active configuration.
    private static func printerInterface(_ device: OpaquePointer) -> (interface: Int32, out: UInt8, in: UInt8?)? {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &config) == 0, let config else { return nil }
        defer { libusb_free_config_descriptor(config) }
        for index in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[index]
            for alt in 0..<Int(interface.num_altsetting) {
                let setting = interface.altsetting[alt]
                guard setting.bInterfaceClass == UInt8(LIBUSB_CLASS_PRINTER.rawValue) else { continue }
                var out: UInt8?, input: UInt8?
                for number in 0..<Int(setting.bNumEndpoints) {
                    let endpoint = setting.endpoint[number]
                    guard endpoint.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue) else { continue }
                    if endpoint.bEndpointAddress & 0x80 != 0 { input = input ?? endpoint.bEndpointAddress } else { out = out ?? endpoint.bEndpointAddress }
                }
                if let out { return (Int32(setting.bInterfaceNumber), out, input) }
            }
        }
        return nil
    }

    private static func error(_ code: Int32, _ what: String) -> PrinterIOError {
        let text = "\(what): \(String(cString: libusb_strerror(code)))"
        switch code {
        case LIBUSB_ERROR_NO_DEVICE.rawValue, LIBUSB_ERROR_NOT_FOUND.rawValue: return PrinterIOError(.notFound, text)
        case LIBUSB_ERROR_ACCESS.rawValue: return PrinterIOError(.permission, text)
        case LIBUSB_ERROR_TIMEOUT.rawValue: return PrinterIOError(.timeout, text)
        case LIBUSB_ERROR_PIPE.rawValue, LIBUSB_ERROR_IO.rawValue: return PrinterIOError(.disconnected, text)
        case LIBUSB_ERROR_BUSY.rawValue: return PrinterIOError(.refused, text)
        default: return PrinterIOError(.io, text)
        }
    }

    func write(_ bytes: [UInt8], timeout: Duration) throws(PrinterIOError) {
        guard let handle else { throw PrinterIOError(.disconnected, "closed") }
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        var copy = bytes
        while offset < copy.count {
            let left = deadline - .now
            guard left > .zero else { throw PrinterIOError(.timeout, "USB write: no progress within the timeout") }
            var transferred: Int32 = 0
            let chunk = min(copy.count - offset, 16384)
            let status = copy.withUnsafeMutableBufferPointer { buffer in
                libusb_bulk_transfer(handle, outEndpoint, buffer.baseAddress! + offset, Int32(chunk), &transferred, UInt32(max(1, left.milliseconds)))
            }
            offset += Int(transferred)
            if status != 0, status != LIBUSB_ERROR_TIMEOUT.rawValue || transferred == 0 {
                throw Self.error(status, "USB write")
            }
        }
    }

    func read(timeout: Duration) throws(PrinterIOError) -> [UInt8] {
        guard let handle, let inEndpoint else { return [] }
        var buffer = [UInt8](repeating: 0, count: 512)
        var transferred: Int32 = 0
        let status = libusb_bulk_transfer(handle, inEndpoint, &buffer, Int32(buffer.count), &transferred, UInt32(max(1, timeout.milliseconds)))
        if status == LIBUSB_ERROR_TIMEOUT.rawValue || status == 0 { return Array(buffer[..<Int(transferred)]) }
        throw Self.error(status, "USB read")
    }

    func portStatus() -> Int32? {
        guard let handle else { return nil }
        // The printer class's GET_PORT_STATUS request: the same byte usblp's LPGETSTATUS returns.
        var status: UInt8 = 0
        let requestType = UInt8(LIBUSB_ENDPOINT_IN.rawValue) | UInt8(LIBUSB_REQUEST_TYPE_CLASS.rawValue) | UInt8(LIBUSB_RECIPIENT_INTERFACE.rawValue)
        let count = libusb_control_transfer(handle, requestType, 1, 0, UInt16(interface), &status, 1, 1000)
        return count == 1 ? Int32(status) : nil
    }

    func close() {
        if let handle {
            libusb_release_interface(handle, interface)
            if detached { libusb_attach_kernel_driver(handle, interface) }
            libusb_close(handle)
            self.handle = nil
        }
        if let context {
            libusb_exit(context)
            self.context = nil
        }
    }
}
