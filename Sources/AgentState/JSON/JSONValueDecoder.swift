import Foundation

/// Decodes `Decodable` values from a parsed `JSONValue` tree. With `JSONParser` it reads stored
/// documents several times faster than `JSONDecoder`: a `JSONValue` field is taken as it is,
/// without probing its type by trial and error.
public struct JSONValueDecoder: Sendable {
    public enum Keys: Sendable { case asIs, fromSnakeCase }
    public enum Dates: Sendable { case millisecondsSince1970, iso8601 }

    public var keys: Keys
    public var dates: Dates

    /// The API's form: snake_case names, ISO 8601 times.
    public static let api = JSONValueDecoder(keys: .fromSnakeCase, dates: .iso8601)
    /// The stored form: names as in Swift, times as milliseconds.
    public static let storage = JSONValueDecoder(keys: .asIs, dates: .millisecondsSince1970)

    public init(keys: Keys, dates: Dates) {
        self.keys = keys
        self.dates = dates
    }

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try Impl(value: value, path: [], options: self).decodeValue(T.self)
    }

    /// Parses and decodes in one call.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let e as JSONParser.SyntaxError {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: e.description, underlyingError: e))
        }
        return try decode(type, from: value)
    }

    struct Impl: Decoder {
        let value: JSONValue
        let path: [any CodingKey]
        let options: JSONValueDecoder
        var codingPath: [any CodingKey] { path }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let o) = value else { throw mismatch([String: JSONValue].self) }
            return KeyedDecodingContainer(Keyed<Key>(object: options.keys == .fromSnakeCase ? Self.camelKeys(o) : o, decoder: self))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let a) = value else { throw mismatch([JSONValue].self) }
            return Unkeyed(array: a, decoder: self)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

        func mismatch(_ type: Any.Type) -> DecodingError {
            .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found \(value.kindName)"))
        }

        func child(_ value: JSONValue, _ key: any CodingKey) -> Impl {
            Impl(value: value, path: path + [key], options: options)
        }

        func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == JSONValue.self { return value as! T }
            if T.self == Date.self { return try date() as! T }
            if T.self == String.self { return try string() as! T }
            if T.self == Int64.self { return try integer(Int64.self) as! T }
            if T.self == Int.self { return try integer(Int.self) as! T }
            if T.self == Bool.self { return try bool() as! T }
            if T.self == Double.self { return try double() as! T }
            if T.self == Float.self { return Float(try double()) as! T }
            // Every other integer width: their own init(from:) would ask this decoder for
            // themselves again, round and round.
            if let integerType = T.self as? any FixedWidthInteger.Type { return try integer(integerType) as! T }
            // A dictionary's keys are data, not field names: never converted (as with JSONDecoder).
            if let dictionary = T.self as? any StringKeyedDictionary.Type {
                guard case .object(let o) = value else { throw mismatch(T.self) }
                return try dictionary.decodeEntries(o, self) as! T
            }
            return try T(from: self)
        }

        func string() throws -> String {
            guard case .string(let s) = value else { throw mismatch(String.self) }
            return s
        }

        func bool() throws -> Bool {
            guard case .bool(let b) = value else { throw mismatch(Bool.self) }
            return b
        }

        func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            switch value {
            case .int(let i): if let v = I(exactly: i) { return v }
            // A double this large stands for many integers (-9223372036854775809 reads as Int64.min):
            // taking it would change the number instead of refusing it.
            case .double(let d): if abs(d) < 9.2e18, let v = I(exactly: d) { return v }
            default: break
            }
            throw mismatch(I.self)
        }

        func double() throws -> Double {
            switch value {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: throw mismatch(Double.self)
            }
        }

        func date() throws -> Date {
            switch options.dates {
            case .millisecondsSince1970:
                // Foundation's encoder writes a fraction for a time between two milliseconds.
                if case .double(let d) = value { return Date(timeIntervalSince1970: d / 1000) }
                return Date(millisecondsSince1970: try integer(Int64.self))
            case .iso8601:
                let s = try string()
                guard let d = APICoding.parseTime(s) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "'\(s)' is not an ISO 8601 time"))
                }
                return d
            }
        }

        /// `tool_call_id` → `toolCallId`, as `JSONDecoder`'s `convertFromSnakeCase` does.
        static func camelKeys(_ o: [String: JSONValue]) -> [String: JSONValue] {
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(o.count)
            for (k, v) in o { out[camel(k)] = v }
            return out
        }

        static func camel(_ key: String) -> String {
            guard key.contains("_") else { return key }
            let leading = key.prefix { $0 == "_" }, trailing = key.reversed().prefix { $0 == "_" }
            let core = key.dropFirst(leading.count).dropLast(trailing.count)
            let parts = core.split(separator: "_", omittingEmptySubsequences: true)
            guard let first = parts.first else { return key }
            return String(leading) + first + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined() + String(trailing)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: [String: JSONValue]
        let decoder: Impl
        var codingPath: [any CodingKey] { decoder.path }
        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func value(_ key: Key) throws -> JSONValue {
            guard let v = object[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for '\(key.stringValue)'"))
            }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool { (object[key.stringValue] ?? .null).isNull }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder.child(try value(key), key).decodeValue(T.self)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            // An explicit null is absent, for a JSONValue too: as JSONDecoder reads optionals.
            guard let v = object[key.stringValue], !v.isNull else { return nil }
            return try decoder.child(v, key).decodeValue(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder.child(try value(key), key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder.child(try value(key), key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(object[key.stringValue] ?? .null, key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let array: [JSONValue]
        let decoder: Impl
        var currentIndex = 0
        var codingPath: [any CodingKey] { decoder.path }
        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        struct Index: CodingKey {
            var intValue: Int?
            var stringValue: String { "\(intValue!)" }
            init(_ i: Int) { intValue = i }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        mutating func next() throws -> Impl {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
            }
            defer { currentIndex += 1 }
            return decoder.child(array[currentIndex], Index(currentIndex))
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, array[currentIndex].isNull else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: Impl
        var codingPath: [any CodingKey] { decoder.path }
        func decodeNil() -> Bool { decoder.value.isNull }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
    }
}

extension JSONValue {
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

protocol StringKeyedDictionary {
    static func decodeEntries(_ object: [String: JSONValue], _ decoder: JSONValueDecoder.Impl) throws -> Self
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    static func decodeEntries(_ object: [String: JSONValue], _ decoder: JSONValueDecoder.Impl) throws -> Self {
        var out: [String: Value] = [:]
        out.reserveCapacity(object.count)
        for (k, v) in object { out[k] = try decoder.child(v, JSONValueDecoder.NameKey(k)).decodeValue(Value.self) }
        return out
    }
}

extension JSONValueDecoder {
    struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
