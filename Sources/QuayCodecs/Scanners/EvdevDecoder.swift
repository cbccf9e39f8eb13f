/// Decodes a keyboard-wedge scanner read through evdev (`/dev/input/event*`, grabbed): input
/// event records in, scans out. A pure value fed in any chunking; time comes only from the
/// events' own timestamps and from `tick(now:)`.
///
/// Choices, each because a wrong character at the desk is worse than a refused scan:
/// - Autorepeat (value 2) types nothing: a scanner never holds a key, so a repeat can only be
///   a stuck or bouncing key. Repeats are counted in `ignoredRepeatCount`.
/// - A key our keymap cannot type (F-keys, arrows, a character chorded with Ctrl/Alt/Meta)
///   is not dropped from the code: the whole scan is refused as `ScanError.unknownKey`, with
///   the key codes, and counted in `unknownKeyCount`. Shift, Caps Lock, Num/Scroll Lock and
///   the bare Ctrl/Alt/Meta presses are state, not unknown keys.
/// - A code ends on a terminator key, or when the next key down comes more than
///   `interKeyTimeout` after the previous key event (the partial code is emitted first, with
///   ending `.timeout`), or when `tick(now:)` finds the scanner quiet that long.
public struct EvdevDecoder: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Keys that end a code (default Enter, Tab, keypad Enter).
        public var terminators: Set<UInt16>
        /// Longest gap between key events inside one code. Scanners type a key every few
        /// milliseconds; a person pressing keys on the scanner's device is much slower.
        public var interKeyTimeout: Duration
        public var options: ScanOptions

        public init(
            terminators: Set<UInt16> = EvdevKeyCode.defaultTerminators, interKeyTimeout: Duration = .milliseconds(50),
            options: ScanOptions = ScanOptions()
        ) {
            self.terminators = terminators
            self.interKeyTimeout = interKeyTimeout
            self.options = options
        }
    }

    public let configuration: Configuration
    private let assembler: ScanAssembler
    private var partialRecord: [UInt8] = []
    private var buffer: ScanBuffer
    /// Unknown keys pressed during the current scan (the first few, for the log).
    private var unknownInScan: [UInt16] = []
    private var unknownInScanCount = 0
    private var heldModifiers: Set<UInt16> = []
    private var capsLock = false
    private var lastKeyTime: EventTime?

    /// Key presses that could not be typed, since the decoder was made.
    public private(set) var unknownKeyCount = 0
    /// Autorepeat events ignored, since the decoder was made.
    public private(set) var ignoredRepeatCount = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        assembler = ScanAssembler(options: configuration.options)
        buffer = ScanBuffer(limit: configuration.options.rawLimit)
    }

    /// Bytes held: a partial record plus the characters of a code not yet ended.
    public var bufferedByteCount: Int { partialRecord.count + buffer.bytes.count }

    /// True while a code has begun and not ended.
    public var isScanning: Bool { !buffer.isEmpty || unknownInScanCount > 0 }

    /// Feeds bytes as read from the device; returns the scans they complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ScanOutcome] where Bytes.Element == UInt8 {
        var outcomes: [ScanOutcome] = []
        for byte in bytes {
            partialRecord.append(byte)
            if partialRecord.count == EvdevEvent.recordSize {
                if let event = EvdevEvent(record: partialRecord) { handle(event, into: &outcomes) }
                partialRecord.removeAll(keepingCapacity: true)
            }
        }
        return outcomes
    }

    /// Handles one event already parsed.
    public mutating func handle(_ event: EvdevEvent) -> [ScanOutcome] {
        var outcomes: [ScanOutcome] = []
        handle(event, into: &outcomes)
        return outcomes
    }

    /// Ends a code the scanner left without terminator once it has been quiet for longer than
    /// the inter-key timeout. `now` must be on the events' clock.
    public mutating func tick(now: EventTime) -> [ScanOutcome] {
        guard isScanning, let last = lastKeyTime, now.isMore(than: configuration.interKeyTimeout, after: last) else { return [] }
        return endScan(.timeout).map { [$0] } ?? []
    }

    /// At the end of the stream (device unplugged): the code in progress, however recent,
    /// and a fresh keyboard state for whatever comes next.
    public mutating func flush() -> [ScanOutcome] {
        partialRecord.removeAll()
        heldModifiers.removeAll()
        capsLock = false
        lastKeyTime = nil
        return endScan(.flush).map { [$0] } ?? []
    }

    private mutating func handle(_ event: EvdevEvent, into outcomes: inout [ScanOutcome]) {
        // EV_SYN, EV_MSC (scan codes) and LEDs carry nothing a code needs.
        guard event.type == EvdevEvent.key else { return }
        let code = event.code
        switch event.value {
        case EvdevEvent.keyUp:
            lastKeyTime = event.time
            heldModifiers.remove(code)
        case EvdevEvent.keyRepeat:
            ignoredRepeatCount += 1
        case EvdevEvent.keyDown:
            if isScanning, let last = lastKeyTime, event.time.isMore(than: configuration.interKeyTimeout, after: last),
                let outcome = endScan(.timeout)
            {
                outcomes.append(outcome)
            }
            lastKeyTime = event.time
            keyDown(code, into: &outcomes)
        default:
            break
        }
    }

    private mutating func keyDown(_ code: UInt16, into outcomes: inout [ScanOutcome]) {
        if EvdevKeymap.modifiers.contains(code) {
            if code == EvdevKeyCode.capsLock { capsLock.toggle() } else { heldModifiers.insert(code) }
        } else if configuration.terminators.contains(code) {
            if let outcome = endScan(.terminator) { outcomes.append(outcome) }
        } else if heldModifiers.isDisjoint(with: EvdevKeymap.chordModifiers),
            let character = EvdevKeymap.character(
                for: code, shifted: heldModifiers.contains(EvdevKeyCode.leftShift) || heldModifiers.contains(EvdevKeyCode.rightShift),
                capsLock: capsLock)
        {
            buffer.append(character)
        } else {
            unknownKeyCount += 1
            unknownInScanCount += 1
            if unknownInScan.count < 8 { unknownInScan.append(code) }
        }
    }

    private mutating func endScan(_ ending: ScanEnding) -> ScanOutcome? {
        defer {
            buffer.removeAll()
            unknownInScan.removeAll()
            unknownInScanCount = 0
        }
        if unknownInScanCount > 0 {
            let codes = unknownInScan.map(String.init).joined(separator: ", ")
            return .failed(ScanError(code: .unknownKey, raw: buffer.bytes, detail: "\(unknownInScanCount) unknown key(s): \(codes)"))
        }
        return assembler.assemble(buffer, ending: ending)
    }
}
