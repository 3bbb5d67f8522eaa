import Crypto
import Foundation

/// The form of secrets: `as_` and 40 letters and digits (about 238 bits).
public enum APIKeys {
    public static let secretPrefix = "as_"
    /// How long a stored idempotent response is kept.
    public static let idempotencyWindow: TimeInterval = 24 * 3600

    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var rng = SystemRandomNumberGenerator()
        return secretPrefix + String(decoding: (0..<40).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] }, as: UTF8.self)
    }

    public static func hash(_ secret: String) -> String {
        Digests.sha256Hex(Data(secret.utf8))
    }
}
