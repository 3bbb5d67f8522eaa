import Crypto
import Foundation

enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum Digests {
    /// SHA-256 of the bytes, as 64 hex digits.
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        Hex.string(SHA256.hash(data: data))
    }

    /// HMAC-SHA-256 of the text under `key`, as hex digits: the first `bytes` bytes of it, all 32
    /// by default.
    public static func hmacSHA256Hex(_ text: String, key: SymmetricKey, bytes: Int = 32) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).prefix(bytes))
    }
}
