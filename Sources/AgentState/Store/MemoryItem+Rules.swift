import Foundation

extension MemoryItem {
    func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}

/// Rules of memory shared by the backends, so full-text search means the same everywhere.
public enum MemoryRules {
    static func validate(_ key: MemoryKey) throws {
        try Identifier.validate(key.userId, field: "user_id")
        try Identifier.validateMemoryPart(key.namespace, field: "namespace")
        try Identifier.validateMemoryPart(key.key, field: "key")
    }

    /// The words of a text, lower-cased: runs of letters and digits.
    public static func terms(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return na == 0 || nb == 0 ? 0 : dot / (na.squareRoot() * nb.squareRoot())
    }
}
