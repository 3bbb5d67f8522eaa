import Foundation
import Synchronization

/// Encodes `Encodable` values straight into a `JSONValue` tree in the API's form (snake_case
/// names, ISO 8601 times): the tree `JSONEncoder` and then `JSONParser` gave, without writing
/// and parsing the bytes in between. Every change to a run builds the run's document this way
/// twice (for the merge patch its event carries), and through `JSONEncoder` that cost more than
/// the SQL of the change: `agentstate bench --workload approvals` spent 250 µs per expired
/// approval on the in-memory store. A test holds the two paths to the same trees.
enum JSONValueEncoder {
    static func api(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try encode(value, into: root, path: [])
        return root.resolved
    }

    /// One value of the tree being built: containers write into it after it has been handed out.
    final class Node {
        var scalar: JSONValue?
        var object: [String: Node]?
        var array: [Node]?

        init(_ scalar: JSONValue? = nil) { self.scalar = scalar }

        var resolved: JSONValue {
            if let object { return .object(object.mapValues(\.resolved)) }
            if let array { return .array(array.map(\.resolved)) }
            // A value that encoded nothing is an empty object, as `JSONEncoder` writes it.
            return scalar ?? .emptyObject
        }
    }

    static func encode<T: Encodable>(_ value: T, into node: Node, path: [any CodingKey]) throws {
        // Types compared by identity first: cheaper than the dynamic casts below.
        if T.self == JSONValue.self { node.scalar = written(value as! JSONValue); return }
        if T.self == String.self { node.scalar = .string(value as! String); return }
        if T.self == Date.self { node.scalar = .string(APICoding.format(value as! Date)); return }
        if T.self == Int.self { node.scalar = .int(Int64(value as! Int)); return }
        if T.self == Int64.self { node.scalar = .int(value as! Int64); return }
        if T.self == Bool.self { node.scalar = .bool(value as! Bool); return }
        if T.self == Double.self { node.scalar = number(value as! Double); return }
        if let integer = value as? any FixedWidthInteger {
            node.scalar = Int64(exactly: integer).map(JSONValue.int) ?? .double(Double(integer))
            return
        }
        if let float = value as? Float { node.scalar = number(Double(float)); return }
        if let url = value as? URL { node.scalar = .string(url.absoluteString); return }
        if let data = value as? Data { node.scalar = .string(data.base64EncodedString()); return }
        // A dictionary's keys are data, not field names: never converted (as with JSONEncoder).
        if let dictionary = value as? any StringKeyedEncodable {
            node.object = try dictionary.encodedEntries(path)
            return
        }
        try value.encode(to: Impl(node: node, path: path))
    }

    /// A document as it reads back once written: its whole doubles become integers.
    static func written(_ v: JSONValue) -> JSONValue {
        switch v {
        case .double(let d): return number(d)
        case .array(let a) where a.contains(where: \.holdsDouble): return .array(a.map(written))
        case .object(let o) where o.values.contains(where: \.holdsDouble): return .object(o.mapValues(written))
        default: return v
        }
    }

    /// What a number becomes once written by `JSONEncoder` and read back: whole values within
    /// 2^53 come back as integers.
    static func number(_ d: Double) -> JSONValue {
        if d.isFinite, d.rounded() == d, abs(d) < 9_007_199_254_740_992 { return .int(Int64(d)) }
        return .double(d)
    }

    private static let snakeCache = Mutex<[String: String]>([:])

    /// `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`, remembered per name. Asked of
    /// `JSONEncoder` itself, once per name, so that the two can never disagree (its rules for
    /// runs of capitals are its own: "URLValue" becomes "u_rl_value").
    static func snake(_ key: String) -> String {
        if let plain = plainSnake(key) { return plain }
        if let hit = snakeCache.withLock({ $0[key] }) { return hit }
        let converted = convertToSnakeCase(key)
        snakeCache.withLock { $0[key] = converted }
        return converted
    }

    /// Most names are plain camelCase: ASCII letters and digits, starting lower-case, each
    /// capital followed by a lower-case letter. Every converter agrees on those (an `_` before
    /// each capital, which is lowered; JSONEncoder has its own rules for capitals in a row or
    /// before a digit), so they are converted here without the shared cache, whose lock the
    /// encoding threads of a busy store would otherwise queue on. Nil for any other name.
    static func plainSnake(_ key: String) -> String? {
        var capitals = 0
        var afterCapital = true  // refuses a leading capital or digit
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                afterCapital = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if afterCapital { return nil }
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if afterCapital { return nil }
                afterCapital = true
                capitals += 1
            default:
                return nil
            }
        }
        if afterCapital, !key.isEmpty { return nil }
        if key.isEmpty || capitals == 0 { return key }
        return String(unsafeUninitializedCapacity: key.utf8.count + capitals) { buffer in
            var i = 0
            for byte in key.utf8 {
                if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) {
                    buffer[i] = UInt8(ascii: "_")
                    buffer[i + 1] = byte + 32
                    i += 2
                } else {
                    buffer[i] = byte
                    i += 1
                }
            }
            return i
        }
    }

    static func convertToSnakeCase(_ key: String) -> String {
        struct One: Encodable {
            let key: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: JSONValueDecoder.NameKey.self)
                try c.encodeNil(forKey: JSONValueDecoder.NameKey(key))
            }
        }
        guard let data = try? APICoding.encoder.encode(One(key: key)), case .object(let o)? = try? JSONParser.parse(data), let converted = o.keys.first else {
            return key
        }
        return converted
    }

    struct Impl: Encoder {
        let node: Node
        let path: [any CodingKey]
        var codingPath: [any CodingKey] { path }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.object == nil { node.object = [:] }
            return KeyedEncodingContainer(Keyed<Key>(node: node, path: path))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.array == nil { node.array = [] }
            return Unkeyed(node: node, path: path)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, path: path) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let path: [any CodingKey]
        var codingPath: [any CodingKey] { path }

        private func child(_ key: Key) -> Node {
            let child = Node()
            node.object![JSONValueEncoder.snake(key.stringValue)] = child
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).scalar = .null }
        mutating func encode(_ value: String, forKey key: Key) throws { child(key).scalar = .string(value) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).scalar = .bool(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { child(key).scalar = .int(Int64(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).scalar = .int(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { child(key).scalar = JSONValueEncoder.number(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try JSONValueEncoder.encode(value, into: child(key), path: path + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let c = child(key)
            c.object = [:]
            return KeyedEncodingContainer(Keyed<NestedKey>(node: c, path: path + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let c = child(key)
            c.array = []
            return Unkeyed(node: c, path: path + [key])
        }

        mutating func superEncoder() -> any Encoder {
            let c = Node()
            node.object!["super"] = c
            return Impl(node: c, path: path)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { Impl(node: child(key), path: path + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let path: [any CodingKey]
        var codingPath: [any CodingKey] { path }
        var count: Int { node.array!.count }

        private func next() -> Node {
            let child = Node()
            node.array!.append(child)
            return child
        }

        mutating func encodeNil() throws { next().scalar = .null }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try JSONValueEncoder.encode(value, into: next(), path: path + [IndexKey(intValue: count)])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let c = next()
            c.object = [:]
            return KeyedEncodingContainer(Keyed<NestedKey>(node: c, path: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let c = next()
            c.array = []
            return Unkeyed(node: c, path: path)
        }

        mutating func superEncoder() -> any Encoder { Impl(node: next(), path: path) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let path: [any CodingKey]
        var codingPath: [any CodingKey] { path }

        mutating func encodeNil() throws { node.scalar = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try JSONValueEncoder.encode(value, into: node, path: path) }
    }
}

/// A position in an array, in a coding path.
private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// `[String: some Encodable]`, whose keys the encoder keeps as they are.
protocol StringKeyedEncodable {
    func encodedEntries(_ path: [any CodingKey]) throws -> [String: JSONValueEncoder.Node]
}

extension Dictionary: StringKeyedEncodable where Key == String, Value: Encodable {
    func encodedEntries(_ path: [any CodingKey]) throws -> [String: JSONValueEncoder.Node] {
        var out: [String: JSONValueEncoder.Node] = [:]
        out.reserveCapacity(count)
        for (k, v) in self {
            let node = JSONValueEncoder.Node()
            try JSONValueEncoder.encode(v, into: node, path: path + [JSONValueDecoder.NameKey(k)])
            out[k] = node
        }
        return out
    }
}

private extension JSONValue {
    var holdsDouble: Bool {
        switch self {
        case .double: return true
        case .array(let a): return a.contains(where: \.holdsDouble)
        case .object(let o): return o.values.contains(where: \.holdsDouble)
        default: return false
        }
    }
}
