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
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
        var ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var timePart = [UInt8](repeating: 0, count: 10)
        for i in stride(from: 9, through: 0, by: -1) {
            timePart[i] = alphabet[Int(ms & 31)]
            ms >>= 5
        }
        var rng = SystemRandomNumberGenerator()
        let randomPart = (0..<16).map { _ in alphabet[Int(rng.next() & 31)] }
        return prefix + "_" + String(decoding: timePart + randomPart, as: UTF8.self)
    }

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
