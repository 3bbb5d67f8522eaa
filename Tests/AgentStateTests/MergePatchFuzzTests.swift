import AgentState
import Testing

/// Random documents and patches, for the properties RFC 7396 gives merge patches.
@Suite("JSON merge patch on random documents")
struct MergePatchFuzzTests {
    /// A small random document: few keys, so that patches and documents share some.
    static func document(depth: Int = 0, nulls: Bool, _ rng: inout some RandomNumberGenerator) -> JSONValue {
        let keys = ["a", "b", "c", "ü", ""]
        switch Int.random(in: 0..<(depth >= 3 ? 5 : 7), using: &rng) {
        case 0: return nulls ? .null : .int(0)
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: -1_000...1_000, using: &rng))
        case 3: return .double(Double.random(in: -1...1, using: &rng))
        case 4: return .string(keys.randomElement(using: &rng)!)
        case 5: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in document(depth: depth + 1, nulls: nulls, &rng) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { o[keys.randomElement(using: &rng)!] = document(depth: depth + 1, nulls: nulls, &rng) }
            return .object(o)
        }
    }

    @Test("applying a patch twice is applying it once; the computed patch between two documents turns one into the other")
    func properties() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let doc = Self.document(nulls: false, &rng)
            let patch = Self.document(nulls: true, &rng)
            let once = doc.merging(patch: patch)
            #expect(once.merging(patch: patch) == once, "idempotent: \(doc) + \(patch)")
            let target = Self.document(nulls: false, &rng)
            if let diff = JSONValue.mergePatch(from: doc, to: target) {
                #expect(doc.merging(patch: diff) == target, "\(doc) → \(target) by \(diff)")
            } else {
                #expect(doc == target)
            }
        }
    }

    @Test("random bytes as a patch body are a parse error or a value, and a value applies without a crash")
    func randomBytes() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]":,0123456789.-+eEtrufalsn\ abü"#.utf8)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            if let patch = try? JSONParser.parse(bytes) {
                _ = JSONValue.object(["x": 1]).merging(patch: patch)
            }
        }
    }
}
