/// Where a printer is (SPEC §7.5): `file:PATH` (a device node such as `/dev/usb/lp0`, or a
/// plain file), `tcp://HOST:PORT` (raw, port 9100 when left out), or
/// `usb://VID:PID[?serial=S]` (through libusb).
public enum PrinterAddress: Sendable, Equatable, CustomStringConvertible {
    case file(path: String)
    case tcp(host: String, port: Int)
    case usb(vendor: UInt16, product: UInt16, serial: String?)

    public static let rawPort = 9100

    /// The address, or why the text is not one.
    public static func parse(_ text: String) -> Result<PrinterAddress, PrinterAddressError> {
        if text.hasPrefix("file:") {
            var path = String(text.dropFirst("file:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { return .failure(.init("file: needs a path, as in file:/dev/usb/lp0")) }
            return .success(.file(path: path))
        }
        if text.hasPrefix("tcp://") {
            let rest = text.dropFirst("tcp://".count).split(separator: "/", omittingEmptySubsequences: false)[0]
            var host = Substring(rest), port = rawPort
            if rest.hasPrefix("[") {  // [::1]:9100
                guard let close = rest.firstIndex(of: "]") else { return .failure(.init("an IPv6 address goes in brackets: tcp://[::1]:9100")) }
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if !after.isEmpty {
                    guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { return .failure(.init("bad port in \(text)")) }
                    port = number
                }
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon]
                guard let number = Int(rest[rest.index(after: colon)...]) else { return .failure(.init("bad port in \(text)")) }
                port = number
            }
            guard !host.isEmpty else { return .failure(.init("tcp:// needs a host, as in tcp://192.168.1.50:9100")) }
            guard (1...65535).contains(port) else { return .failure(.init("the port must be from 1 to 65535")) }
            return .success(.tcp(host: String(host), port: port))
        }
        if text.hasPrefix("usb://") {
            let rest = text.dropFirst("usb://".count)
            let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            guard let ids = DeviceLocator.parse(String(parts[0])) else {
                return .failure(.init("usb:// needs vendor:product in hex, as in usb://0a5f:0164 (lsusb shows them)"))
            }
            var serial: String? = nil
            if parts.count == 2 {
                guard parts[1].hasPrefix("serial="), parts[1].count > "serial=".count else {
                    return .failure(.init("the only usb:// option is ?serial=S"))
                }
                serial = String(parts[1].dropFirst("serial=".count))
            }
            return .success(.usb(vendor: ids.vendor, product: ids.product, serial: serial))
        }
        return .failure(.init("a printer address starts with file:, tcp:// or usb://, not \"\(text)\""))
    }

    public var description: String {
        switch self {
        case .file(let path): return "file:\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        case .usb(let vendor, let product, let serial):
            return "usb://" + DeviceLocator.format(vendor: vendor, product: product) + (serial.map { "?serial=\($0)" } ?? "")
        }
    }

    /// `file`, `tcp` or `usb`.
    public var transport: String {
        switch self {
        case .file: return "file"
        case .tcp: return "tcp"
        case .usb: return "usb"
        }
    }
}

public struct PrinterAddressError: Error, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
