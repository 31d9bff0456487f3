import Crypto
import Foundation

/// Replaces people's names and e-mails with stable pseudonyms for `--redact`.
///
/// A pseudonym is derived from the account id with HMAC-SHA256 keyed by a salt, so the same
/// account gets the same pseudonym in every report of one audit, and in every month's audit when
/// the same `--redact-salt` is given; without the salt nobody can recompute it from an id.
/// Legacy usernames stand in for account ids in old exports and are personal, so they are
/// pseudonymised too. Example: with salt `s`, account `712020:abc` becomes
/// `Person 5c1f0e9a7b3d` / `person-5c1f0e9a7b3d@redacted.invalid`.
public struct Redactor: Sendable {
    /// The HMAC key bytes (`SymmetricKey` itself is not `Sendable`).
    private let key: [UInt8]

    /// A redactor keyed by `salt` (any text; the command layer makes a random one when none is given).
    public init(salt: String) {
        key = Array(SHA256.hash(data: Data(("seatsweep-redact\u{0}" + salt).utf8)))
    }

    /// 12 hex digits (48 bits) identifying the account: collisions stay unlikely up to millions
    /// of accounts.
    public func token(_ accountId: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(accountId.utf8), using: SymmetricKey(data: key))
        var hex = ""
        hex.reserveCapacity(12)
        for byte in mac.prefix(6) {
            hex.append(Self.digits[Int(byte >> 4)])
            hex.append(Self.digits[Int(byte & 0x0F)])
        }
        return hex
    }

    public func name(accountId: String) -> String { "Person " + token(accountId) }

    public func email(accountId: String) -> String { "person-" + token(accountId) + "@redacted.invalid" }

    /// The id shown for an account: account ids stay (they are what `apply` and admins use);
    /// legacy usernames are replaced.
    public func accountId(_ id: String, hasAccountId: Bool) -> String {
        hasAccountId ? id : "user-" + token(id)
    }

    private static let digits: [Character] = Array("0123456789abcdef")
}
