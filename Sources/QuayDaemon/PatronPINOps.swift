import Foundation
import QuayProtocol

/// `patron.pin` (docs/sip2.md): a PIN of 4 to 12 digits, kept only as libsodium's Argon2id hash.
extension Dispatcher {
    func patronPin(_ args: PatronPinArgs) async throws -> PatronPinResult {
        let card = try required(args.card, "card")
        var hash: String? = nil
        if let pin = args.pin {
            guard (4...12).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw Refusal(code: .invalidArgument, detail: "a PIN is 4 to 12 digits")
            }
            guard let made = Secrets.hash(pin) else { throw Refusal(code: .internalError, detail: "libsodium cannot hash") }
            hash = made
        }
        try await state.database.setPINHash(card: card, hash: hash)
        logger.info("patron PIN \(hash == nil ? "cleared" : "set")", metadata: ["patron.card": "\(card)"])
        return PatronPinResult(card: card, pin: hash != nil)
    }
}

extension Daemon {
    /// `quayd --hash-password`: the hash for a `[[sip2_account]]`'s `password_hash`.
    public static func hashPassword(_ password: String) -> String? { Secrets.hash(password) }
}
