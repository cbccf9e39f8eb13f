import CSodium
import Foundation

/// Password and PIN hashes: libsodium's `crypto_pwhash_str` (Argon2id, salted, its parameters in
/// the string), never our own. The limits are libsodium's interactive ones for time and a
/// smaller memory limit, since up to 50 kiosks may check PINs at once on a desk PC.
enum Secrets {
    private static let ready: Bool = sodium_init() >= 0
    static let memoryLimit = 8 * 1024 * 1024

    /// The hash of `secret`, as `$argon2id$…`; nil only if libsodium cannot run.
    static func hash(_ secret: String) -> String? {
        guard ready else { return nil }
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        // Never empty (a NUL after the bytes), so the pointer always exists.
        let chars = secret.utf8.map { CChar(bitPattern: $0) } + [0]
        let status = crypto_pwhash_str(&output, chars, UInt64(chars.count - 1), UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), memoryLimit)
        guard status == 0 else { return nil }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `secret` is the one `hash` was made from; false for anything that is not a hash.
    static func verify(_ secret: String, against hash: String) -> Bool {
        guard ready, hash.hasPrefix("$argon2") else { return false }
        let chars = secret.utf8.map { CChar(bitPattern: $0) } + [0]
        return crypto_pwhash_str_verify(hash, chars, UInt64(chars.count - 1)) == 0
    }
}
