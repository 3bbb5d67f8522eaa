import Foundation

/// The tenant every operation is scoped to. It comes from the caller's credential, never
/// from a request body.
public typealias TenantID = String

/// Rules for the strings that name records.
public enum Identifier {
    /// Record ids, tenant ids, user ids, step names and effect keys: 1–128 of `A–Z a–z 0–9 _ . -`.
    public static let maxLength = 128

    /// Checks an id and throws `invalidInput` naming `field` when it breaks the rules.
    public static func validate(_ value: String, field: String) throws {
        guard !value.isEmpty, value.utf8.count <= maxLength else {
            throw AgentStateError.invalidInput(field: field, "must be 1 to \(maxLength) characters")
        }
        guard value.utf8.allSatisfy(isAllowed) else {
            throw AgentStateError.invalidInput(field: field, "may contain only letters, digits, '_', '.' and '-'")
        }
    }

    /// Memory namespaces and keys also allow `:` and `/` so keys can form paths for prefix listing.
    public static func validateMemoryPart(_ value: String, field: String) throws {
        guard !value.isEmpty, value.utf8.count <= 256 else {
            throw AgentStateError.invalidInput(field: field, "must be 1 to 256 characters")
        }
        guard value.utf8.allSatisfy({ isAllowed($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }) else {
            throw AgentStateError.invalidInput(field: field, "may contain only letters, digits and '_', '.', '-', ':', '/'")
        }
    }

    /// Uses `supplied` after validating it, or makes a new id: the prefix, then 26 characters
    /// that sort by creation time (milliseconds) and end in 80 random bits.
    public static func make(_ prefix: String, supplied: String?, field: String = "id", at date: Date) throws -> String {
        if let supplied {
            try validate(supplied, field: field)
            return supplied
        }
        return generate(prefix, at: date)
    }

    public static func generate(_ prefix: String, at date: Date) -> String {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        // Two draws give the 80 random bits: the system generator is a system call each time,
        // and ids are made on every request (an audit record's, at least).
        var rng = SystemRandomNumberGenerator()
        let high = rng.next() as UInt64, low = rng.next() as UInt64
        let prefix = prefix.utf8
        return String(unsafeUninitializedCapacity: prefix.count + 27) { buffer in
            var i = 0
            for byte in prefix { buffer[i] = byte; i += 1 }
            buffer[i] = UInt8(ascii: "_")
            i += 1
            for k in 0..<10 { buffer[i + k] = alphabet[Int((ms >> UInt64(5 * (9 - k))) & 31)] }
            i += 10
            for k in 0..<8 { buffer[i + k] = alphabet[Int((high >> UInt64(5 * k)) & 31)] }
            for k in 0..<8 { buffer[i + 8 + k] = alphabet[Int((low >> UInt64(5 * k)) & 31)] }
            return i + 16
        }
    }

    private static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    private static func isAllowed(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

extension Identifier {
    /// Free-form names of people, workers and groups (`alice@example.com`, `team:billing`):
    /// 1–256 characters with no control characters.
    public static func validateName(_ value: String, field: String) throws {
        guard !value.isEmpty, value.utf8.count <= 256 else {
            throw AgentStateError.invalidInput(field: field, "must be 1 to 256 characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AgentStateError.invalidInput(field: field, "may not contain control characters")
        }
    }
}
