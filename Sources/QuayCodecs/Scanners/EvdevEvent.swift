/// A point on the clock the kernel stamps input events with (CLOCK_REALTIME unless the
/// reader chose another with EVIOCSCLOCKID), in microseconds. The decoder never reads a
/// clock: the events carry their time, and `tick(now:)` gets `now` on the same clock.
public struct EventTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// A `struct timeval`; out-of-range values saturate instead of trapping, because they
    /// come from a device.
    public init(seconds: Int64, microseconds: Int64) {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow {
            self.microseconds = seconds < 0 ? .min : .max
        } else {
            let (sum, overflow) = scaled.addingReportingOverflow(microseconds)
            self.microseconds = overflow ? (microseconds < 0 ? .min : .max) : sum
        }
    }

    public static func < (lhs: EventTime, rhs: EventTime) -> Bool { lhs.microseconds < rhs.microseconds }

    /// This time moved on by `duration` (saturating).
    public func advanced(by duration: Duration) -> EventTime {
        let (sum, overflow) = microseconds.addingReportingOverflow(duration.wholeMicroseconds)
        return EventTime(microseconds: overflow ? (duration < .zero ? .min : .max) : sum)
    }

    /// True when more than `limit` passed from `earlier` to `self`; a clock that went
    /// backwards never times out.
    func isMore(than limit: Duration, after earlier: EventTime) -> Bool {
        let (gap, overflow) = microseconds.subtractingReportingOverflow(earlier.microseconds)
        if overflow { return earlier.microseconds < 0 && microseconds >= 0 }
        return gap > limit.wholeMicroseconds
    }

    public var description: String { "\(microseconds)µs" }
}

extension Duration {
    /// Whole microseconds, saturating at Int64's range.
    var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000)
        return overflow2 ? (seconds < 0 ? .min : .max) : sum
    }
}

/// One Linux `struct input_event` as read from `/dev/input/event*` on a 64-bit kernel
/// (x86-64, arm64): `timeval` (Int64 seconds, Int64 microseconds), UInt16 type, UInt16 code,
/// Int32 value, little-endian — 24 bytes.
public struct EvdevEvent: Equatable, Sendable {
    public static let recordSize = 24

    /// `EV_SYN`, `EV_KEY`, `EV_MSC`: the event types a keyboard-wedge scanner sends.
    public static let synchronization: UInt16 = 0
    public static let key: UInt16 = 1
    public static let miscellaneous: UInt16 = 4

    /// EV_KEY values.
    public static let keyUp: Int32 = 0
    public static let keyDown: Int32 = 1
    public static let keyRepeat: Int32 = 2

    public var time: EventTime
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    public init(time: EventTime, type: UInt16, code: UInt16, value: Int32) {
        self.time = time
        self.type = type
        self.code = code
        self.value = value
    }

    /// Parses one record; nil unless exactly `recordSize` bytes.
    public init?<Bytes: Collection>(record: Bytes) where Bytes.Element == UInt8 {
        guard record.count == Self.recordSize else { return nil }
        let bytes = Array(record)
        func little(_ offset: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in (offset..<offset + count).reversed() { value = value << 8 | UInt64(bytes[index]) }
            return value
        }
        let seconds = Int64(bitPattern: little(0, 8))
        let microseconds = Int64(bitPattern: little(8, 8))
        self.init(
            time: EventTime(seconds: seconds, microseconds: microseconds), type: UInt16(little(16, 2)), code: UInt16(little(18, 2)),
            value: Int32(bitPattern: UInt32(little(20, 4))))
    }

    /// The record as the kernel writes it; the time split into seconds and microseconds.
    public var record: [UInt8] {
        var seconds = time.microseconds / 1_000_000
        var microseconds = time.microseconds % 1_000_000
        if microseconds < 0 {
            seconds -= 1
            microseconds += 1_000_000
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.recordSize)
        func little(_ value: UInt64, _ count: Int) {
            for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
        }
        little(UInt64(bitPattern: seconds), 8)
        little(UInt64(bitPattern: microseconds), 8)
        little(UInt64(type), 2)
        little(UInt64(code), 2)
        little(UInt64(UInt32(bitPattern: value)), 4)
        return bytes
    }
}
