/// `patron.pin`: sets a patron's PIN for self-check kiosks (SIP2's AD), or clears it with no
/// `pin`. Only its hash is kept.
public struct PatronPinArgs: Sendable, Codable, Equatable {
    public var card: String
    public var pin: String?

    public init(card: String, pin: String?) {
        self.card = card
        self.pin = pin
    }
}

public struct PatronPinResult: Sendable, Codable, Equatable {
    public var card: String
    /// True when the patron now has a PIN.
    public var pin: Bool

    public init(card: String, pin: Bool) {
        self.card = card
        self.pin = pin
    }
}
