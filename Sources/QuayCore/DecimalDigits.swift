/// Decimal numbers written straight into bytes. A register of a million copies prints a day, an
/// accession number and a few counts on every line; `String(n)`, padding and concatenation cost
/// more there than the rest of the line.
public enum DecimalDigits {
    /// How many digits `value` has (1 for 0).
    public static func count(_ value: UInt64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// Writes `value`, zero-padded to at least `width` digits, from `start`; returns the index after it.
    @discardableResult
    public static func write(_ value: UInt64, width: Int = 1, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        let end = start + max(width, count(value))
        var rest = value
        var index = end
        while index > start {
            index -= 1
            buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        return end
    }

    /// `value` in decimal, `-` first when it is negative, at the end of `bytes`.
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count(value.magnitude)))
        bytes.withUnsafeMutableBufferPointer { _ = write(value.magnitude, into: $0, at: start) }
    }

    /// `lead`, then `value` zero-padded to at least `width` digits, as one string built in place
    /// (`STK.000123`; a small string, on no heap, when it is at most 15 bytes).
    public static func text(_ value: UInt64, width: Int, after lead: String = "") -> String {
        var lead = lead
        return lead.withUTF8 { lead in
            String(unsafeUninitializedCapacity: lead.count + max(width, count(value))) { buffer in
                _ = buffer.initialize(from: lead)
                return write(value, width: width, into: buffer, at: lead.count)
            }
        }
    }

    /// Three numbers zero-padded to their widths with `separator` between them (`05/02/2027`,
    /// `2027-02-05`); nil when one is negative.
    public static func joined(_ a: Int, _ aWidth: Int, _ b: Int, _ bWidth: Int, _ c: Int, _ cWidth: Int, by separator: UInt8) -> String? {
        guard a >= 0, b >= 0, c >= 0 else { return nil }
        let (a, b, c) = (UInt64(a), UInt64(b), UInt64(c))
        let length = max(aWidth, count(a)) + max(bWidth, count(b)) + max(cWidth, count(c)) + 2
        return String(unsafeUninitializedCapacity: length) { buffer in
            var index = write(a, width: aWidth, into: buffer, at: 0)
            buffer[index] = separator
            index = write(b, width: bWidth, into: buffer, at: index + 1)
            buffer[index] = separator
            return write(c, width: cWidth, into: buffer, at: index + 1)
        }
    }
}
