import Foundation

/// A JSON parser straight into `JSONValue`: one pass, no intermediate objects, nesting bounded.
/// Stored documents are read with it (with `JSONValueDecoder`) because Foundation's decoder can
/// only find a `JSONValue`'s type by trying each and catching the failures.
public enum JSONParser {
    public struct SyntaxError: Error, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        /// The keys and indexes leading to the value at fault, outermost first (empty at the top).
        public var path: [PathPart] = []
        public var description: String { "invalid JSON at byte \(offset)\(field.map { " (\($0))" } ?? ""): \(reason)" }

        public enum PathPart: Sendable, Hashable {
            case key(String)
            case index(Int)
        }

        /// The path as a field name: `messages[0].content`; `nil` at the top.
        public var field: String? {
            guard !path.isEmpty else { return nil }
            var out = ""
            for part in path {
                switch part {
                case .key(let k): out += out.isEmpty ? k : "." + k
                case .index(let n): out += "[\(n)]"
                }
            }
            return out
        }
    }

    public static func parse(_ data: some Collection<UInt8>, maxDepth: Int = 512) throws -> JSONValue {
        try Array(data).withUnsafeBufferPointer { buffer in
            var p = Parser(bytes: buffer, maxDepth: maxDepth)
            p.skipSpace()
            let value = try p.value(depth: 0)
            p.skipSpace()
            guard p.i == buffer.count else { throw p.error("unexpected bytes after the document") }
            return value
        }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func error(_ reason: String) -> SyntaxError { SyntaxError(offset: i, reason: reason) }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func expect(_ literal: StaticString, _ value: JSONValue) throws -> JSONValue {
            let n = literal.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw error("truncated literal") }
            for k in 0..<n where bytes[i + k] != literal.utf8Start[k] { throw error("unknown literal") }
            i += n
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard i < bytes.count else { throw error("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            default: return try number()
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            guard depth <= maxDepth else { throw error("nested too deeply") }
            i += 1
            var result: [String: JSONValue] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a key") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                i += 1
                skipSpace()
                // The path is built only on the way out of a failure: a good document pays nothing for it.
                let item: JSONValue
                do {
                    item = try value(depth: depth)
                } catch var e as SyntaxError {
                    e.path.insert(.key(key), at: 0)
                    throw e
                }
                // Which of two values a reader keeps differs from parser to parser: refuse, don't pick.
                guard result.updateValue(item, forKey: key) == nil else {
                    var e = error("the key appears twice in one object")
                    e.path = [.key(key)]
                    throw e
                }
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end in an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            guard depth <= maxDepth else { throw error("nested too deeply") }
            i += 1
            var result: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(result) }
            while true {
                skipSpace()
                do {
                    result.append(try value(depth: depth))
                } catch var e as SyntaxError {
                    e.path.insert(.index(result.count), at: 0)
                    throw e
                }
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end in an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(result) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func string() throws -> String {
            i += 1
            let start = i
            // Fast path: no escapes. Text that is all ASCII is valid UTF-8 as it is.
            var high: UInt8 = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
                guard bytes[i] >= 0x20 else { throw error("control character in a string") }
                high |= bytes[i]
                i += 1
            }
            guard i < bytes.count else { throw error("unterminated string") }
            if bytes[i] == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<i])
                let s = high < 0x80 ? String(decoding: text, as: UTF8.self) : try utf8(text, at: start)
                i += 1
                return s
            }
            var out = Array(bytes[start..<i])
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    let s = try out.withUnsafeBufferPointer { try utf8($0, at: start) }
                    i += 1
                    return s
                }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    switch bytes[i] {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") else {
                                throw error("unpaired surrogate")
                            }
                            i += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw error("invalid escape")
                    }
                    i += 1
                    continue
                }
                guard c >= 0x20 else { throw error("control character in a string") }
                out.append(c)
                i += 1
            }
            throw error("unterminated string")
        }

        /// The text as a string, refused when it is not UTF-8: decoding would put U+FFFD in
        /// place of the bad bytes, and a store must keep what it was given or nothing.
        func utf8(_ text: UnsafeBufferPointer<UInt8>, at start: Int) throws -> String {
            guard let s = String(validating: text, as: UTF8.self) else {
                throw SyntaxError(offset: start, reason: "a string is not valid UTF-8")
            }
            return s
        }

        /// Reads the four hex digits after `\u`, leaving `i` on the last one.
        mutating func hex4() throws -> UInt32 {
            guard i + 4 < bytes.count else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for k in 1...4 {
                let c = bytes[i + k]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw error("invalid \\u escape")
                }
                v = v << 4 | d
            }
            i += 4
            return v
        }

        mutating func number() throws -> JSONValue {
            let start = i
            var isInteger = true
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) else { throw error("expected a value") }
            while i < bytes.count {
                let c = bytes[i]
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { i += 1; continue }
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    isInteger = false
                    i += 1
                    continue
                }
                break
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            if isInteger, let n = Int64(text) { return .int(n) }
            guard let d = Double(text), d.isFinite else { throw error("invalid number '\(text)'") }
            // A whole number written with a fraction or exponent is an integer, as Foundation reads it.
            if d == d.rounded(), abs(d) < 9.2e18, let n = Int64(exactly: d) { return .int(n) }
            return .double(d)
        }
    }
}
