import Foundation

/// A JSON writer for the hottest responses (a context window, appended messages), which the
/// generic `JSONEncoder` makes ten times slower than the store itself. It writes exactly what
/// `APICoding.encoder` writes for these types — a test holds the two to the same bytes.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0, i = 0
            while i < utf8.count {
                // Message text is long and rarely needs escaping: step over eight clean bytes at a
                // time, and look at single bytes only in a word that holds one to escape.
                if i + 8 <= utf8.count, !Self.needsEscape(UnsafeRawBufferPointer(utf8).loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                    continue
                }
                let c = utf8[i]
                i += 1
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: utf8[start..<i - 1])
                switch c {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(c >> 4)])
                    bytes.append(hex[Int(c & 15)])
                }
                start = i
            }
            bytes.append(contentsOf: utf8[start..<utf8.count])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes in `w` is a control character, `"` or a backslash.
    /// Subtracting n from each byte borrows into the top bit of a byte below n; `& ~w` drops
    /// bytes whose top bit was set already (0x80 and above, never escaped). XOR with `"` (or a
    /// backslash) in every place turns that character into a zero byte: a byte below 1.
    static func needsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, tops: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w & tops
        let quote = w ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = w ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return control | ((quote &- ones) & ~quote & tops) | ((backslash &- ones) & ~backslash & tops) != 0
    }

    mutating func int(_ v: some BinaryInteger) {
        bytes.append(contentsOf: String(v).utf8)
    }

    /// `2026-11-22T01:05:32.578Z`: the API's time format, from whole milliseconds.
    mutating func date(_ d: Date) {
        let ms = d.millisecondsSince1970
        var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        // Civil date from days since 1970 (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        bytes.append(UInt8(ascii: "\""))
        digits(year, 4); bytes.append(UInt8(ascii: "-")); digits(month, 2); bytes.append(UInt8(ascii: "-")); digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(msOfDay / 3_600_000, 2); bytes.append(UInt8(ascii: ":"))
        digits(msOfDay / 60_000 % 60, 2); bytes.append(UInt8(ascii: ":"))
        digits(msOfDay / 1000 % 60, 2); bytes.append(UInt8(ascii: "."))
        digits(msOfDay % 1000, 3)
        raw("Z\"")
    }

    /// `v` in exactly `width` decimal digits (the low ones), written in place: dates write seven
    /// of these, and a scratch array for each showed up in profiles of context reads.
    private mutating func digits(_ v: Int64, _ width: Int) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v / divisor % 10))
            divisor /= 10
        }
    }

    /// `[a,b,…]` of values that write themselves.
    mutating func array(_ items: [some FastJSONEncodable]) throws {
        raw("[")
        for (i, item) in items.enumerated() {
            if i > 0 { raw(",") }
            try item.write(to: &self)
        }
        raw("]")
    }

    /// Any JSON document; object keys in sorted order, as the encoder's `.sortedKeys` writes them.
    mutating func value(_ v: JSONValue) throws {
        switch v {
        case .null: raw("null")
        case .bool(let b): b ? raw("true") : raw("false")
        case .int(let i): int(i)
        case .string(let s): string(s)
        case .double:
            // Leave the number formatting of doubles to Foundation, whose rules the client reads back.
            bytes.append(contentsOf: try APICoding.encoder.encode(v))
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                try value(e)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let o):
            bytes.append(UInt8(ascii: "{"))
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                string(k)
                bytes.append(UInt8(ascii: ":"))
                try value(o[k]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}

/// Types the API writes with `JSONWriter` instead of `JSONEncoder`.
public protocol FastJSONEncodable {
    func write(to w: inout JSONWriter) throws
}

extension FastJSONEncodable {
    public func fastJSON() throws -> [UInt8] {
        var w = JSONWriter()
        try write(to: &w)
        return w.bytes
    }
}

// Keys in sorted order; optional fields left out when nil, as the synthesized encoders do.

extension ToolCall: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"arguments\":"); w.string(arguments)
        w.raw(",\"id\":"); w.string(id)
        w.raw(",\"name\":"); w.string(name)
        w.raw("}")
    }
}

extension Message: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"content\":"); w.string(content)
        w.raw(",\"created_at\":"); w.date(createdAt)
        if let metadata { w.raw(",\"metadata\":"); try w.value(metadata) }
        if let name { w.raw(",\"name\":"); w.string(name) }
        w.raw(",\"role\":"); w.string(role.rawValue)
        w.raw(",\"seq\":"); w.int(seq)
        w.raw(",\"session_id\":"); w.string(sessionId)
        w.raw(",\"tenant_id\":"); w.string(tenantId)
        w.raw(",\"tokens\":"); w.int(tokens)
        if let toolCallId { w.raw(",\"tool_call_id\":"); w.string(toolCallId) }
        if let toolCalls {
            w.raw(",\"tool_calls\":")
            try w.array(toolCalls)
        }
        w.raw("}")
    }
}

extension Summary: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"created_at\":"); w.date(createdAt)
        w.raw(",\"text\":"); w.string(text)
        w.raw(",\"through_seq\":"); w.int(throughSeq)
        w.raw(",\"tokens\":"); w.int(tokens)
        w.raw("}")
    }
}

extension JSONWriter {
    mutating func messages(_ ms: [Message]) throws {
        raw("[")
        for (i, m) in ms.enumerated() {
            if i > 0 { raw(",") }
            try m.write(to: &self)
        }
        raw("]")
    }
}

extension MessageWindow: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"last_seq\":"); w.int(lastSeq)
        w.raw(",\"messages\":"); try w.messages(messages)
        if let session { w.raw(",\"session\":"); try session.write(to: &w) }
        if let summary { w.raw(",\"summary\":"); try summary.write(to: &w) }
        w.raw(",\"tokens\":"); w.int(tokens)
        w.raw("}")
    }
}

extension Session: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{")
        if let agentId { w.raw("\"agent_id\":"); w.string(agentId); w.raw(",") }
        w.raw("\"context\":"); try w.value(context)
        w.raw(",\"created_at\":"); w.date(createdAt)
        if let expiresAt { w.raw(",\"expires_at\":"); w.date(expiresAt) }
        w.raw(",\"id\":"); w.string(id)
        w.raw(",\"last_activity_at\":"); w.date(lastActivityAt)
        w.raw(",\"last_seq\":"); w.int(lastSeq)
        w.raw(",\"metadata\":"); try w.value(metadata)
        w.raw(",\"schema_version\":"); w.int(schemaVersion)
        w.raw(",\"status\":"); w.string(status.rawValue)
        if let summary { w.raw(",\"summary\":"); try summary.write(to: &w) }
        if let systemSeq { w.raw(",\"system_seq\":"); w.int(systemSeq) }
        w.raw(",\"tenant_id\":"); w.string(tenantId)
        if let title { w.raw(",\"title\":"); w.string(title) }
        if let ttlSeconds { w.raw(",\"ttl_seconds\":"); w.int(ttlSeconds) }
        w.raw(",\"updated_at\":"); w.date(updatedAt)
        if let userId { w.raw(",\"user_id\":"); w.string(userId) }
        w.raw(",\"version\":"); w.int(version)
        w.raw("}")
    }
}

extension AppendedBody: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"last_seq\":"); w.int(lastSeq)
        w.raw(",\"messages\":"); try w.messages(messages)
        w.raw("}")
    }
}

extension CheckpointRecord: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"body\":"); try w.value(body)
        w.raw(",\"created_at\":"); w.date(createdAt)
        w.raw(",\"kind\":"); w.string(kind.rawValue)
        w.raw(",\"run_id\":"); w.string(runId)
        w.raw(",\"seq\":"); w.int(seq)
        if let step { w.raw(",\"step\":"); w.string(step) }
        w.raw(",\"tenant_id\":"); w.string(tenantId)
        w.raw("}")
    }
}

extension Checkpoint: FastJSONEncodable {
    public func write(to w: inout JSONWriter) throws {
        w.raw("{\"created_at\":"); w.date(createdAt)
        w.raw(",\"kind\":"); w.string(kind.rawValue)
        w.raw(",\"run_id\":"); w.string(runId)
        w.raw(",\"seq\":"); w.int(seq)
        w.raw(",\"state\":"); try w.value(state)
        if let step { w.raw(",\"step\":"); w.string(step) }
        w.raw(",\"tenant_id\":"); w.string(tenantId)
        w.raw("}")
    }
}
