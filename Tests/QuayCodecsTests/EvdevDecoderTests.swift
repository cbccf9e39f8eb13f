import QuayCodecs
import Testing

private let t0 = EventTime(seconds: 1_795_226_400, microseconds: 0)  // 2026-11-21 09:00 in Vietnam

private func decode(
    _ input: [UInt8], _ configuration: EvdevDecoder.Configuration = .init(), end: (inout EvdevDecoder) -> [ScanOutcome] = { _ in [] }
) -> [ScanOutcome] {
    outcomesInEveryChunking(input, make: { EvdevDecoder(configuration: configuration) }, feed: { $0.feed($1) }, end: end)
}

private func typed(_ text: String, _ terminator: EvdevKeystrokes.Terminator = .enter, at start: EventTime = t0) -> [UInt8] {
    (try? EvdevKeystrokes.records(for: text, terminator: terminator, at: start)) ?? []
}

private func key(_ code: UInt16, _ value: Int32, at milliseconds: Int64) -> [UInt8] {
    EvdevEvent(time: EventTime(microseconds: t0.microseconds + milliseconds * 1000), type: EvdevEvent.key, code: code, value: value).record
}

/// A key press and release `milliseconds` after t0.
private func press(_ code: UInt16, at milliseconds: Int64) -> [UInt8] {
    key(code, 1, at: milliseconds) + key(code, 0, at: milliseconds + 1)
}

private func scan(_ outcome: ScanOutcome?) -> DecodedScan? {
    if case .scan(let scan) = outcome { return scan }
    return nil
}

@Suite struct EvdevDecoderTests {
    @Test func recordsRoundTrip() throws {
        let event = EvdevEvent(time: EventTime(seconds: 1_795_226_400, microseconds: 123_456), type: 1, code: 30, value: -2)
        #expect(event.record.count == EvdevEvent.recordSize)
        #expect(EvdevEvent(record: event.record) == event)
        #expect(EvdevEvent(record: event.record.dropLast()) == nil)
    }

    @Test func shiftedLettersFromTheFixture() throws {
        let outcomes = decode(try ScannerFixture.bytes("evdev-shifted-card.hex"))
        #expect(outcomes == [.scan(DecodedScan(data: "HS000123", raw: Array("HS000123".utf8), ending: .terminator))])
    }

    @Test func scansSplitAcrossReadsAsRecorded() throws {
        let reads = try ScannerFixture.reads("evdev-two-scans-split.hex")
        #expect(reads.count == 4)
        var decoder = EvdevDecoder()
        var outcomes: [ScanOutcome] = []
        for read in reads { outcomes += decoder.feed(read) }
        #expect(summary(outcomes) == ["STK.000045", "GV0042"])
        #expect(summary(decode(reads.flatMap { $0 })) == ["STK.000045", "GV0042"])
    }

    @Test func autorepeatTypesNothing() throws {
        var decoder = EvdevDecoder()
        let outcomes = decoder.feed(try ScannerFixture.bytes("evdev-key-repeat.hex"))
        #expect(summary(outcomes) == ["STK.000100"])
        #expect(decoder.ignoredRepeatCount == 2)
        #expect(decoder.unknownKeyCount == 0)
        #expect(summary(decode(try ScannerFixture.bytes("evdev-key-repeat.hex"))) == ["STK.000100"])
    }

    @Test func aMissingTerminatorEndsByTimeoutWhenTheNextKeyComes() throws {
        let outcomes = decode(try ScannerFixture.bytes("evdev-missing-terminator.hex"))
        #expect(summary(outcomes) == ["30234000517861", "HS000124"])
        #expect(scan(outcomes.first)?.ending == .timeout)
        #expect(scan(outcomes.last)?.ending == .terminator)
    }

    @Test func tickEndsAQuietCodeOnlyAfterTheTimeout() {
        let input = typed("30234000517861", .none)
        let last = EvdevEvent(record: input.suffix(EvdevEvent.recordSize))!.time
        var decoder = EvdevDecoder()
        #expect(decoder.feed(input).isEmpty)
        #expect(decoder.isScanning)
        #expect(decoder.tick(now: last.advanced(by: .milliseconds(50))).isEmpty)  // not more than 50 ms yet
        let outcomes = decoder.tick(now: last.advanced(by: .milliseconds(51)))
        #expect(summary(outcomes) == ["30234000517861"])
        #expect(scan(outcomes.first)?.ending == .timeout)
        #expect(decoder.tick(now: last.advanced(by: .seconds(10))).isEmpty)
        #expect(!decoder.isScanning)
        // In every chunking, with the tick after the last byte.
        let chunked = decode(input, end: { $0.tick(now: last.advanced(by: .milliseconds(60))) })
        #expect(summary(chunked) == ["30234000517861"])
    }

    @Test func theTimeoutIsConfigurable() {
        // Keys 30 ms apart: one code with the default 50 ms, two codes with a 20 ms timeout.
        let input = press(35, at: 0) + press(36, at: 30) + press(EvdevKeyCode.enter, at: 60)
        #expect(summary(decode(input)) == ["hj"])
        #expect(summary(decode(input, .init(interKeyTimeout: .milliseconds(20)))) == ["h", "j"])
    }

    @Test func aClockThatGoesBackwardsNeverTimesOut() {
        let input = press(35, at: 1000) + press(36, at: 0) + press(EvdevKeyCode.enter, at: 2)
        #expect(summary(decode(input)) == ["hj"])
    }

    @Test func flushEndsTheCodeAtTheEndOfTheStream() {
        let outcomes = decode(typed("HS000123", .none), end: { $0.flush() })
        #expect(summary(outcomes) == ["HS000123"])
        #expect(scan(outcomes.first)?.ending == .flush)
        var decoder = EvdevDecoder()
        #expect(decoder.flush().isEmpty)
    }

    @Test func capsLockChangesLettersOnlyAndShiftUndoesIt() {
        let caps = EvdevKeyCode.capsLock
        let shift = EvdevKeyCode.leftShift
        var input = press(caps, at: 0)
        input += press(35, at: 2) + press(31, at: 4)  // h s → HS
        input += key(shift, 1, at: 6) + press(30, at: 7) + press(2, at: 9) + key(shift, 0, at: 11)  // Shift+a → a, Shift+1 → !
        input += press(2, at: 12) + press(12, at: 14)  // 1 - : Caps Lock leaves them
        input += press(caps, at: 16) + press(35, at: 18)  // Caps Lock off: h
        input += press(EvdevKeyCode.enter, at: 20)
        #expect(summary(decode(input)) == ["HSa!1-h"])
    }

    @Test func keypadKeysTypeDigitsAndOperators() {
        let input =
            [71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 55, 98].enumerated()
            .flatMap { press(UInt16($0.element), at: Int64($0.offset * 2)) } + press(EvdevKeyCode.keypadEnter, at: 40)
        #expect(summary(decode(input)) == ["789-456+1230.*/"])
    }

    @Test func anUnknownKeyRefusesTheWholeScanAndIsCounted() {
        // H, F5, S, Enter: the code is refused rather than read as "HS"; the next one is fine.
        var input = key(EvdevKeyCode.leftShift, 1, at: 0) + press(35, at: 1) + press(63, at: 3) + press(31, at: 5)
        input += key(EvdevKeyCode.leftShift, 0, at: 7) + press(EvdevKeyCode.enter, at: 8)
        input += typed("HS000123", at: EventTime(microseconds: t0.microseconds + 500_000))
        let outcomes = decode(input)
        #expect(summary(outcomes) == ["!scan_unknown_key", "HS000123"])
        if case .failed(let error) = outcomes.first {
            #expect(error.raw == Array("HS".utf8))
            #expect(error.detail.contains("63"))
        }
        var decoder = EvdevDecoder()
        _ = decoder.feed(input)
        #expect(decoder.unknownKeyCount == 1)
    }

    @Test func aCharacterChordedWithCtrlIsUnknownButABareCtrlIsNot() {
        let ctrl: UInt16 = 29
        let chorded = key(ctrl, 1, at: 0) + press(36, at: 1) + key(ctrl, 0, at: 3) + press(35, at: 4) + press(EvdevKeyCode.enter, at: 6)
        #expect(summary(decode(chorded)) == ["!scan_unknown_key"])
        let bare = press(ctrl, at: 0) + press(35, at: 2) + press(EvdevKeyCode.enter, at: 4)
        #expect(summary(decode(bare)) == ["h"])
    }

    @Test func anUnknownKeyAloneBeforeATerminatorIsStillReported() {
        #expect(summary(decode(press(59, at: 0) + press(EvdevKeyCode.enter, at: 2))) == ["!scan_unknown_key"])
    }

    @Test func bareTerminatorsAndSynEventsYieldNothing() {
        let syn = EvdevEvent(time: t0, type: EvdevEvent.synchronization, code: 0, value: 0).record
        let input = press(EvdevKeyCode.enter, at: 0) + syn + press(EvdevKeyCode.tab, at: 2) + press(EvdevKeyCode.keypadEnter, at: 4)
        #expect(decode(input).isEmpty)
    }

    @Test func theTerminatorsAreConfigurable() {
        let tabOnly = EvdevDecoder.Configuration(terminators: [EvdevKeyCode.tab])
        #expect(summary(decode(typed("HS000123", .tab), tabOnly)) == ["HS000123"])
        // Enter is then a key that types nothing: the code does not end there, and when it
        // ends it is refused, not read with the Enter silently dropped.
        #expect(decode(typed("HS000123", .enter), tabOnly).isEmpty)
        #expect(summary(decode(typed("HS000123", .enter), tabOnly, end: { $0.flush() })) == ["!scan_unknown_key"])
    }

    @Test func theAIMIdentifierIsReadWhenConfigured() throws {
        let input = try ScannerFixture.bytes("evdev-aim-ean13.hex")
        let aim = EvdevDecoder.Configuration(options: ScanOptions(parsesAIMIdentifier: true))
        let outcomes = decode(input, aim)
        #expect(scan(outcomes.first)?.data == "8935235228351")
        #expect(scan(outcomes.first)?.symbology == .ean13)
        #expect(scan(outcomes.first)?.raw == Array("]E08935235228351".utf8))
        #expect(summary(decode(input)) == ["]E08935235228351"])
    }

    @Test func aTooLongScanIsRefusedWithBoundedMemory() {
        let long = String(repeating: "7", count: 300)
        var decoder = EvdevDecoder()
        var outcomes: [ScanOutcome] = []
        let input = typed(long) + typed("HS000123", at: EventTime(microseconds: t0.microseconds + 2_000_000))
        for start in stride(from: 0, to: input.count, by: 96) {
            outcomes += decoder.feed(input[start..<min(start + 96, input.count)])
            #expect(decoder.bufferedByteCount <= ScanOptions().rawLimit + EvdevEvent.recordSize)
        }
        #expect(summary(outcomes) == ["!scan_too_long", "HS000123"])
        let exactly = String(repeating: "7", count: 256)
        #expect(summary(decode(typed(exactly))) == [exactly])
    }

    @Test func everyPrintableASCIICharacterRoundTrips() throws {
        let printable = String(decoding: Array(0x20...0x7E), as: UTF8.self)
        for terminator in [EvdevKeystrokes.Terminator.enter, .tab, .keypadEnter] {
            let outcomes = decode(try EvdevKeystrokes.records(for: printable, terminator: terminator, at: t0))
            #expect(outcomes == [.scan(DecodedScan(data: printable, raw: Array(printable.utf8), ending: .terminator))])
        }
        for byte in UInt8(0x21)...0x7E {
            let text = String(UnicodeScalar(byte))
            #expect(summary(decode(try EvdevKeystrokes.records(for: text, at: t0))) == [text])
        }
    }

    @Test func theEncoderRefusesWhatAUSKeyboardCannotType() {
        #expect(throws: EvdevKeystrokes.UnencodableCharacter(character: "ễ")) {
            try EvdevKeystrokes.records(for: "Nguyễn", at: t0)
        }
        #expect(throws: EvdevKeystrokes.UnencodableCharacter(character: "\n")) {
            try EvdevKeystrokes.records(for: "a\nb", at: t0)
        }
    }

    @Test func theEncoderTypesShiftAroundUpperCase() throws {
        let events = try EvdevKeystrokes.events(for: "Hi", terminator: .none, at: t0)
        let keys = events.filter { $0.type == EvdevEvent.key }.map { [Int($0.code), Int($0.value)] }
        #expect(keys == [[42, 1], [35, 1], [35, 0], [42, 0], [23, 1], [23, 0]])
        #expect(events.count == keys.count * 2)  // a SYN_REPORT after each edge
        #expect(events.last!.time > events.first!.time)
    }

    @Test func arbitraryBytesNeverTrap() {
        var random = Xorshift(state: 0x5157_4159_2026)
        var decoder = EvdevDecoder()
        for _ in 0..<200 {
            _ = decoder.feed(random.bytes(Int(random.next() % 97)))
            _ = decoder.tick(now: EventTime(microseconds: Int64(bitPattern: random.next())))
        }
        // Extreme timestamps saturate instead of overflowing.
        let extremes = [Int64.max, .min, 0, -1].flatMap { seconds in
            EvdevEvent(time: EventTime(seconds: seconds, microseconds: .max), type: 1, code: 30, value: 1).record
        }
        _ = decoder.feed(extremes)
        _ = decoder.tick(now: EventTime(microseconds: .min))
        _ = decoder.tick(now: EventTime(microseconds: .max))
        _ = decoder.flush()
        #expect(EventTime(seconds: .max, microseconds: 0).microseconds == .max)
        #expect(EventTime(microseconds: .max).advanced(by: .seconds(1)).microseconds == .max)
    }
}
