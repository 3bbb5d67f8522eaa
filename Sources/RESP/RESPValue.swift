import NIOCore

/// One reply, or one element of a reply, in Redis's RESP3 protocol (RESP2 replies are a subset).
///
/// Byte strings stay `ByteBuffer` slices of what was read; turning them into Swift strings is
/// left to whoever asks, so that a value the caller ignores costs no decoding.
public enum RESPValue: Sendable {
    case simpleString(String)
    case bulkString(ByteBuffer)
    /// A verbatim string (`=`): text with a three-letter format such as `txt` or `mkd`.
    case verbatimString(format: String, text: ByteBuffer)
    /// An error reply, simple (`-`) or blob (`!`); the client throws most of them as `RESPError`.
    case error(String)
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    /// An integer too large for 64 bits, kept as its decimal text.
    case bigNumber(String)
    case null
    case array([RESPValue])
    case map([(key: RESPValue, value: RESPValue)])
    case set([RESPValue])
    /// Out-of-band data the server sends unasked (Pub/Sub messages, invalidations).
    case push([RESPValue])
}

extension RESPValue {
    /// The text of a simple, bulk or verbatim string.
    public var string: String? {
        switch self {
        case .simpleString(let s): s
        case .bulkString(let b), .verbatimString(_, let b): String(buffer: b)
        default: nil
        }
    }

    /// The bytes of a bulk or verbatim string.
    public var bytes: ByteBuffer? {
        switch self {
        case .bulkString(let b), .verbatimString(_, let b): b
        case .simpleString(let s): ByteBuffer(string: s)
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The elements of an array, set or push.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let a), .set(let a), .push(let a): a
        default: nil
        }
    }

    /// The pairs of a map, or of a RESP2 array laid out as key, value, key, value.
    public var pairs: [(key: RESPValue, value: RESPValue)]? {
        switch self {
        case .map(let m):
            return m
        case .array(let a) where a.count % 2 == 0:
            return stride(from: 0, to: a.count, by: 2).map { (a[$0], a[$0 + 1]) }
        default:
            return nil
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension RESPValue: Equatable {
    public static func == (lhs: RESPValue, rhs: RESPValue) -> Bool {
        switch (lhs, rhs) {
        case (.simpleString(let a), .simpleString(let b)), (.error(let a), .error(let b)), (.bigNumber(let a), .bigNumber(let b)):
            a == b
        case (.bulkString(let a), .bulkString(let b)):
            a == b
        case (.verbatimString(let f, let a), .verbatimString(let g, let b)):
            f == g && a == b
        case (.integer(let a), .integer(let b)):
            a == b
        case (.double(let a), .double(let b)):
            a == b || (a.isNaN && b.isNaN)
        case (.boolean(let a), .boolean(let b)):
            a == b
        case (.null, .null):
            true
        case (.array(let a), .array(let b)), (.set(let a), .set(let b)), (.push(let a), .push(let b)):
            a == b
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            false
        }
    }
}
