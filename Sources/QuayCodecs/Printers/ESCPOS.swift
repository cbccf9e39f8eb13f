/// What an ESC/POS document does after the image: feed, and cut or not.
public enum ESCPOSCut: String, Sendable, Codable {
    case none, partial, full
}

/// Per-printer settings for an ESC/POS document.
public struct ESCPOSOptions: Sendable, Equatable {
    public var cut: ESCPOSCut
    /// Lines fed after the image, before the feed to the cutter (`ESC d n`).
    public var feedLinesBeforeCut: Int
    /// Rows per `GS v 0` command: some printers' receive buffer cannot hold a taller one.
    public var bandHeight: Int
    /// White dots added on the left: a calibration offset.
    public var leftMargin: Int

    public init(cut: ESCPOSCut = .partial, feedLinesBeforeCut: Int = 3, bandHeight: Int = 256, leftMargin: Int = 0) {
        self.cut = cut
        self.feedLinesBeforeCut = feedLinesBeforeCut
        self.bandHeight = bandHeight
        self.leftMargin = leftMargin
    }
}

/// Which real-time status `DLE EOT n` asks for (`ESCPOSStatus` reads the replies).
public enum ESCPOSStatusKind: UInt8, Sendable {
    case printer = 1, offlineCause = 2, paperSensor = 4
}

/// The ESC/POS encoder (Epson's ESC/POS command reference; python-escpos sends the same
/// commands). Pure; every function returns the bytes to send.
public enum ESCPOS {
    /// `ESC @` (1B 40): clears the buffer and resets modes to their power-on defaults.
    public static let initialize: [UInt8] = [0x1B, 0x40]

    /// The image as raster bit images, `bandHeight` rows per command:
    /// `GS v 0 m xL xH yL yH d…` = 1D 76 30 00, bytes per row and rows as little-endian
    /// 16-bit numbers, then the rows (MSB first, 1 = black). m = 0 is normal size.
    public static func raster(_ image: MonochromeImage, bandHeight: Int) -> [UInt8] {
        precondition(bandHeight > 0, "band height \(bandHeight)")
        precondition(image.rowBytes <= 0xFFFF, "image \(image.width) dots wide")
        guard image.rowBytes > 0 else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(image.bits.count + (image.height / bandHeight + 1) * 8)
        var top = 0
        while top < image.height {
            let rows = min(bandHeight, image.height - top, 0xFFFF)
            out += [0x1D, 0x76, 0x30, 0x00]
            out += littleEndian16(image.rowBytes)
            out += littleEndian16(rows)
            out += image.bits[top * image.rowBytes..<(top + rows) * image.rowBytes]
            top += rows
        }
        return out
    }

    /// Feeds `feed` lines (`ESC d n`, 1B 64 n, left out when 0), then for a cut
    /// `GS V m 0` (1D 56 m 00): m = 65 full or 66 partial, "feed to the cutter and cut". The
    /// feed to the cutter brings the last printed line past the blade; `GS V`'s own n counts
    /// motion units (about 1/180 inch), not lines, so the lines go through `ESC d`.
    public static func cut(_ cut: ESCPOSCut, feed: Int) -> [UInt8] {
        var out: [UInt8] = []
        let lines = min(max(feed, 0), 255)
        if lines > 0 { out += [0x1B, 0x64, UInt8(lines)] }
        switch cut {
        case .none: break
        case .full: out += [0x1D, 0x56, 65, 0]
        case .partial: out += [0x1D, 0x56, 66, 0]
        }
        return out
    }

    /// A whole document: `ESC @`, the raster (with `leftMargin` white dots on the left) in
    /// bands, then the feed and cut.
    public static func document(_ image: MonochromeImage, options: ESCPOSOptions) -> [UInt8] {
        initialize
            + raster(image.paddedLeft(by: max(options.leftMargin, 0)), bandHeight: options.bandHeight)
            + cut(options.cut, feed: options.feedLinesBeforeCut)
    }

    /// `DLE EOT n` (10 04 n): real-time status; the printer answers one byte at once, even
    /// when busy or offline.
    public static func statusQuery(_ kind: ESCPOSStatusKind) -> [UInt8] {
        [0x10, 0x04, kind.rawValue]
    }

    /// Whether `code128` can carry `data`: printable ASCII (code set B), at most 253
    /// characters once each `{` is doubled.
    public static func canEncodeCode128(_ data: String) -> Bool {
        data.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } && code128Payload(data).count <= 255
    }

    /// A native Code 128 barcode: `GS h n` (1D 68, height in dots 1–255), `GS w n` (1D 77,
    /// module width 1–6 dots), then `GS k 73 n {B data` (1D 6B 49 n …): function B form, code
    /// set B chosen by the `{B` prefix, a `{` in the data sent as `{{`. Human-readable text
    /// follows the printer's `GS H` setting (none after `ESC @`).
    /// Precondition: `canEncodeCode128(data)`.
    public static func code128(_ data: String, height: Int, moduleWidth: Int) -> [UInt8] {
        precondition(canEncodeCode128(data), "Code 128 set B cannot carry \(data.debugDescription)")
        let payload = code128Payload(data)
        return [0x1D, 0x68, UInt8(min(max(height, 1), 255))]
            + [0x1D, 0x77, UInt8(min(max(moduleWidth, 1), 6))]
            + [0x1D, 0x6B, 73, UInt8(payload.count)] + payload
    }

    private static func code128Payload(_ data: String) -> [UInt8] {
        var payload: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "B")]
        for byte in data.utf8 {
            payload.append(byte)
            if byte == UInt8(ascii: "{") { payload.append(byte) }
        }
        return payload
    }

    /// The most bytes a model 2 QR code holds (version 40, error level L, byte mode).
    public static let qrCapacity = 7089

    /// A native QR code through `GS ( k` (1D 28 6B pL pH cn fn …, cn = 49 for QR):
    /// fn 65 model 2, fn 67 module size 1–16 dots, fn 69 error level M (49), fn 80 store the
    /// UTF-8 data (pL pH = its length + 3), fn 81 print it.
    /// Precondition: the data's UTF-8 is at most `qrCapacity` bytes (level M holds less;
    /// a printer that cannot fit it prints nothing).
    public static func qr(_ data: String, moduleSize: Int) -> [UInt8] {
        let bytes = Array(data.utf8)
        precondition(bytes.count <= qrCapacity, "\(bytes.count) bytes do not fit a QR code")
        var out: [UInt8] = []
        out += [0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0]
        out += [0x1D, 0x28, 0x6B, 3, 0, 49, 67, UInt8(min(max(moduleSize, 1), 16))]
        out += [0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49]
        out += [0x1D, 0x28, 0x6B] + littleEndian16(bytes.count + 3) + [49, 80, 48] + bytes
        out += [0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48]
        return out
    }

    private static func littleEndian16(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)]
    }
}
