/// Linux key codes (`linux/input-event-codes.h`) that the scanner decoder names.
public enum EvdevKeyCode {
    public static let tab: UInt16 = 15
    public static let enter: UInt16 = 28
    public static let keypadEnter: UInt16 = 96
    public static let leftShift: UInt16 = 42
    public static let rightShift: UInt16 = 54
    public static let capsLock: UInt16 = 58

    /// Enter, Tab and keypad Enter: what scanners are programmed to end a code with.
    public static let defaultTerminators: Set<UInt16> = [enter, tab, keypadEnter]
}

/// Our own US-layout keymap, so the host's keyboard layout (or a missing X/console keymap
/// on a headless desk PC) never changes what a scan reads. Scanners in keyboard-wedge mode
/// type as a US keyboard unless told otherwise.
enum EvdevKeymap {
    /// Keys whose state the decoder tracks but which type nothing themselves.
    static let modifiers: Set<UInt16> = [
        EvdevKeyCode.leftShift, EvdevKeyCode.rightShift, EvdevKeyCode.capsLock,
        29, 97,  // left/right Ctrl
        56, 100,  // left/right Alt (AltGr)
        125, 126,  // left/right Meta
        69, 70,  // Num Lock, Scroll Lock
    ]

    /// Ctrl, Alt and Meta: a character typed with one of them held is not a plain character.
    static let chordModifiers: Set<UInt16> = [29, 97, 56, 100, 125, 126]

    /// Code → (unshifted, shifted) ASCII; 0 where the key types nothing.
    static let table: [(UInt8, UInt8)] = {
        var table = [(UInt8, UInt8)](repeating: (0, 0), count: 128)
        func keys(_ first: Int, _ plain: String, _ shifted: String) {
            for (offset, (a, b)) in zip(plain.utf8, shifted.utf8).enumerated() { table[first + offset] = (a, b) }
        }
        keys(2, "1234567890-=", "!@#$%^&*()_+")
        keys(16, "qwertyuiop[]", "QWERTYUIOP{}")
        keys(30, "asdfghjkl;'`", "ASDFGHJKL:\"~")
        keys(43, "\\zxcvbnm,./", "|ZXCVBNM<>?")
        keys(57, " ", " ")
        // The keypad types the same shifted or not: we do not follow Num Lock, since a
        // scanner sending keypad keys means digits.
        keys(71, "789-456+1230.", "789-456+1230.")
        keys(55, "*", "*")
        keys(98, "/", "/")
        keys(117, "=", "=")
        keys(121, ",", ",")
        return table
    }()

    /// The character a key types, or nil when it types none.
    static func character(for code: UInt16, shifted: Bool, capsLock: Bool) -> UInt8? {
        guard Int(code) < table.count else { return nil }
        let (plain, upper) = table[Int(code)]
        guard plain != 0 else { return nil }
        let isLetter = plain >= UInt8(ascii: "a") && plain <= UInt8(ascii: "z")
        // Caps Lock changes letters only, and Shift undoes it.
        let useShifted = isLetter ? shifted != capsLock : shifted
        return useShifted ? upper : plain
    }

    /// The key and shift state that type an ASCII character, main block before keypad.
    static let keystrokes: [UInt8: (code: UInt16, shifted: Bool)] = {
        var strokes: [UInt8: (code: UInt16, shifted: Bool)] = [:]
        for (code, (plain, upper)) in table.enumerated() where plain != 0 {
            if strokes[plain] == nil { strokes[plain] = (UInt16(code), false) }
            if strokes[upper] == nil { strokes[upper] = (UInt16(code), true) }
        }
        return strokes
    }()
}
