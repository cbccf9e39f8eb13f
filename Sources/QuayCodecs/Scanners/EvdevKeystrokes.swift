/// Types a code as a US-keyboard scanner in keyboard-wedge mode would: the evdev records
/// for each key (Shift held for upper case and shifted symbols), then a terminator. The
/// end-to-end tests write these into a FIFO that the daemon reads as a scanner.
public enum EvdevKeystrokes {
    /// The key a scanner ends its code with.
    public enum Terminator: Sendable, Equatable {
        case enter, tab, keypadEnter
        /// No terminator: the decoder ends the code by timeout.
        case none

        var keyCode: UInt16? {
            switch self {
            case .enter: return EvdevKeyCode.enter
            case .tab: return EvdevKeyCode.tab
            case .keypadEnter: return EvdevKeyCode.keypadEnter
            case .none: return nil
            }
        }
    }

    /// A character a US keyboard cannot type (outside printable ASCII).
    public struct UnencodableCharacter: Error, Equatable, Sendable {
        public var character: Character

        public init(character: Character) { self.character = character }
    }

    /// The events for `text`: every key edge followed by `SYN_REPORT`, edges `keyInterval`
    /// apart starting at `start`.
    public static func events(
        for text: String, terminator: Terminator = .enter, at start: EventTime, keyInterval: Duration = .milliseconds(1)
    ) throws(UnencodableCharacter) -> [EvdevEvent] {
        var events: [EvdevEvent] = []
        var time = start
        func edge(_ code: UInt16, _ value: Int32) {
            events.append(EvdevEvent(time: time, type: EvdevEvent.key, code: code, value: value))
            events.append(EvdevEvent(time: time, type: EvdevEvent.synchronization, code: 0, value: 0))
            time = time.advanced(by: keyInterval)
        }
        for character in text {
            guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first, scalar.isASCII,
                let stroke = EvdevKeymap.keystrokes[UInt8(scalar.value)]
            else { throw UnencodableCharacter(character: character) }
            if stroke.shifted { edge(EvdevKeyCode.leftShift, EvdevEvent.keyDown) }
            edge(stroke.code, EvdevEvent.keyDown)
            edge(stroke.code, EvdevEvent.keyUp)
            if stroke.shifted { edge(EvdevKeyCode.leftShift, EvdevEvent.keyUp) }
        }
        if let code = terminator.keyCode {
            edge(code, EvdevEvent.keyDown)
            edge(code, EvdevEvent.keyUp)
        }
        return events
    }

    /// The same events as the kernel's 24-byte records, ready to write to a FIFO.
    public static func records(
        for text: String, terminator: Terminator = .enter, at start: EventTime, keyInterval: Duration = .milliseconds(1)
    ) throws(UnencodableCharacter) -> [UInt8] {
        try events(for: text, terminator: terminator, at: start, keyInterval: keyInterval).flatMap(\.record)
    }
}
