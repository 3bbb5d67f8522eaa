/// Finds values that look like credentials in text an agent stores: API keys of the common
/// providers, bearer tokens, JSON Web Tokens and PEM private keys. Agents paste tool output and
/// configuration into conversations; a store that keeps such text for months should not keep
/// the keys in it.
///
/// One pass over the UTF-8 bytes, looking for each shape's fixed prefix at a word boundary (a
/// regular expression per shape cost more than the rest of an append). Every shape is ASCII,
/// so a match never splits a character.
public enum SecretScanner {
    public struct Finding: Sendable, Hashable {
        /// What it looks like: `openai_key`, `aws_access_key`, `private_key`, ….
        public var kind: String
        /// Byte offsets into the text's UTF-8.
        public var range: Range<Int>
    }

    /// The text that replaces a secret of `kind`.
    public static func marker(_ kind: String) -> String { "[REDACTED:\(kind)]" }

    /// Every credential-shaped run of `text`, in order, not overlapping.
    public static func findings(in text: String) -> [Finding] {
        var found: [Finding] = []
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                if isWordByte(at: i - 1, bytes) || !candidateStart(bytes[i]) {
                    i += 1
                    continue
                }
                if let finding = match(bytes, at: i) {
                    found.append(finding)
                    i = finding.range.upperBound
                } else {
                    i += 1
                }
            }
        }
        return found
    }

    /// The text with each secret replaced by its marker, and the kinds replaced.
    public static func redact(_ text: String) -> (text: String, kinds: [String]) {
        let found = findings(in: text)
        guard !found.isEmpty else { return (text, []) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        for f in found {
            out += bytes[at..<f.range.lowerBound]
            out += marker(f.kind).utf8
            at = f.range.upperBound
        }
        out += bytes[at...]
        return (String(decoding: out, as: UTF8.self), found.map(\.kind))
    }

    // MARK: Shapes

    private struct Shape: Sendable {
        let kind: String
        let prefix: [UInt8]
        let body: @Sendable (UInt8) -> Bool
        let minimum: Int
        var maximum = Int.max
        var caseInsensitivePrefix = false
    }

    private static func alnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
    private static func upperOrDigit(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) }
    private static func urlSafe(_ b: UInt8) -> Bool { alnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") }
    private static func tokenByte(_ b: UInt8) -> Bool {
        alnum(b) || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(b)
    }

    /// Longer prefixes first, so `sk-ant-` is named before `sk-`.
    private static let shapes: [Shape] = [
        Shape(kind: "anthropic_key", prefix: Array("sk-ant-".utf8), body: urlSafe, minimum: 20),
        Shape(kind: "openai_key", prefix: Array("sk-".utf8), body: urlSafe, minimum: 20),
        Shape(kind: "stripe_key", prefix: Array("sk_live_".utf8), body: alnum, minimum: 16),
        Shape(kind: "stripe_key", prefix: Array("rk_live_".utf8), body: alnum, minimum: 16),
        Shape(kind: "stripe_key", prefix: Array("sk_test_".utf8), body: alnum, minimum: 16),
        Shape(kind: "aws_access_key", prefix: Array("AKIA".utf8), body: upperOrDigit, minimum: 16, maximum: 16),
        Shape(kind: "aws_access_key", prefix: Array("ASIA".utf8), body: upperOrDigit, minimum: 16, maximum: 16),
        Shape(kind: "github_token", prefix: Array("github_pat_".utf8), body: { alnum($0) || $0 == UInt8(ascii: "_") }, minimum: 22),
        Shape(kind: "github_token", prefix: Array("ghp_".utf8), body: alnum, minimum: 30),
        Shape(kind: "github_token", prefix: Array("gho_".utf8), body: alnum, minimum: 30),
        Shape(kind: "github_token", prefix: Array("ghu_".utf8), body: alnum, minimum: 30),
        Shape(kind: "github_token", prefix: Array("ghs_".utf8), body: alnum, minimum: 30),
        Shape(kind: "github_token", prefix: Array("ghr_".utf8), body: alnum, minimum: 30),
        Shape(kind: "slack_token", prefix: Array("xoxb-".utf8), body: { alnum($0) || $0 == UInt8(ascii: "-") }, minimum: 10),
        Shape(kind: "slack_token", prefix: Array("xoxp-".utf8), body: { alnum($0) || $0 == UInt8(ascii: "-") }, minimum: 10),
        Shape(kind: "slack_token", prefix: Array("xoxa-".utf8), body: { alnum($0) || $0 == UInt8(ascii: "-") }, minimum: 10),
        Shape(kind: "google_api_key", prefix: Array("AIza".utf8), body: urlSafe, minimum: 35, maximum: 35),
        Shape(kind: "agentstate_key", prefix: Array("as_".utf8), body: alnum, minimum: 40, maximum: 40),
        Shape(kind: "bearer_token", prefix: Array("bearer ".utf8), body: tokenByte, minimum: 16, caseInsensitivePrefix: true),
    ]

    private static let starts: Set<UInt8> = Set(shapes.map { $0.prefix[0] } + shapes.filter(\.caseInsensitivePrefix).map { $0.prefix[0] & ~0x20 })
        .union([UInt8(ascii: "-"), UInt8(ascii: "e")])

    private static func candidateStart(_ b: UInt8) -> Bool { starts.contains(b) }

    private static func isWordByte(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        i >= 0 && (alnum(bytes[i]) || bytes[i] == UInt8(ascii: "_"))
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8], at i: Int, ignoringCase: Bool) -> Bool {
        guard i + prefix.count <= bytes.count else { return false }
        for (k, p) in prefix.enumerated() {
            let b = bytes[i + k]
            if b != p, !(ignoringCase && b | 0x20 == p) { return false }
        }
        return true
    }

    private static func match(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Finding? {
        if let key = privateKey(bytes, at: i) { return key }
        if let jwt = jsonWebToken(bytes, at: i) { return jwt }
        for shape in shapes where hasPrefix(bytes, shape.prefix, at: i, ignoringCase: shape.caseInsensitivePrefix) {
            var end = i + shape.prefix.count
            while end < bytes.count, shape.body(bytes[end]) { end += 1 }
            let length = end - i - shape.prefix.count
            // A body longer than the shape allows is some other word that happens to begin so.
            guard length >= shape.minimum, length <= shape.maximum else { continue }
            return Finding(kind: shape.kind, range: i..<end)
        }
        return nil
    }

    /// `-----BEGIN … PRIVATE KEY-----` through its `-----END … PRIVATE KEY-----`, or to the end
    /// of the text when the end line was cut off.
    private static func privateKey(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Finding? {
        let begin = Array("-----BEGIN ".utf8)
        guard hasPrefix(bytes, begin, at: i, ignoringCase: false) else { return nil }
        var j = i + begin.count
        let tail = Array("PRIVATE KEY-----".utf8)
        // The label: `RSA `, `EC `, `OPENSSH `, `ENCRYPTED ` or none, on the same line.
        while j < bytes.count, j - i < 64, bytes[j] != 0x0A {
            if hasPrefix(bytes, tail, at: j, ignoringCase: false) {
                let end = Array("-----END ".utf8)
                var k = j + tail.count
                while k < bytes.count {
                    if hasPrefix(bytes, end, at: k, ignoringCase: false) {
                        var close = k + end.count
                        while close < bytes.count, close - k < 64, !hasPrefix(bytes, tail, at: close, ignoringCase: false) { close += 1 }
                        return Finding(kind: "private_key", range: i..<min(bytes.count, close + tail.count))
                    }
                    k += 1
                }
                return Finding(kind: "private_key", range: i..<bytes.count)
            }
            j += 1
        }
        return nil
    }

    /// Three base64url parts, the first two JSON objects (`eyJ` is `{"` encoded).
    private static func jsonWebToken(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Finding? {
        let head = Array("eyJ".utf8)
        guard hasPrefix(bytes, head, at: i, ignoringCase: false) else { return nil }
        var j = i
        for part in 0..<3 {
            let start = j
            while j < bytes.count, urlSafe(bytes[j]) { j += 1 }
            guard j - start >= 10 else { return nil }
            if part < 2 {
                guard j < bytes.count, bytes[j] == UInt8(ascii: "."), hasPrefix(bytes, head, at: j + 1, ignoringCase: false) || part == 1 else { return nil }
                j += 1
            }
        }
        return Finding(kind: "jwt", range: i..<j)
    }
}
