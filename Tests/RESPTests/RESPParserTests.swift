import NIOCore
import RESP
import Testing

@Suite("RESP3 parser")
struct RESPParserTests {
    let parser = RESPParser()

    func parseAll(_ text: String) throws -> RESPValue? {
        var buffer = ByteBuffer(string: text)
        let value = try parser.parse(&buffer)
        if value != nil { #expect(buffer.readableBytes == 0, "the whole frame was consumed") }
        return value
    }

    @Test("each RESP3 type reads as the value it stands for")
    func types() throws {
        let cases: [(String, RESPValue)] = [
            ("+OK\r\n", .simpleString("OK")),
            ("-WRONGTYPE Operation against a key\r\n", .error("WRONGTYPE Operation against a key")),
            (":-42\r\n", .integer(-42)),
            (":9223372036854775807\r\n", .integer(.max)),
            (":-9223372036854775808\r\n", .integer(.min)),
            ("$5\r\nhe\r\nl\r\n", .bulkString(ByteBuffer(string: "he\r\nl"))),
            ("$0\r\n\r\n", .bulkString(ByteBuffer())),
            ("$-1\r\n", .null),
            ("*-1\r\n", .null),
            ("_\r\n", .null),
            ("#t\r\n", .boolean(true)),
            ("#f\r\n", .boolean(false)),
            (",3.25\r\n", .double(3.25)),
            (",-inf\r\n", .double(-.infinity)),
            (",1e+20\r\n", .double(1e20)),
            ("(3492890328409238509324850943850943825024385\r\n", .bigNumber("3492890328409238509324850943850943825024385")),
            ("!21\r\nSYNTAX invalid syntax\r\n", .error("SYNTAX invalid syntax")),
            ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: ByteBuffer(string: "Some string"))),
            ("*2\r\n:1\r\n$1\r\na\r\n", .array([.integer(1), .bulkString(ByteBuffer(string: "a"))])),
            ("%1\r\n+key\r\n:7\r\n", .map([(.simpleString("key"), .integer(7))])),
            ("~2\r\n+a\r\n+b\r\n", .set([.simpleString("a"), .simpleString("b")])),
            (">3\r\n+message\r\n+ch\r\n+hi\r\n", .push([.simpleString("message"), .simpleString("ch"), .simpleString("hi")])),
            ("|1\r\n+ttl\r\n:3600\r\n:5\r\n", .integer(5)),
            ("*0\r\n", .array([])),
        ]
        for (text, expected) in cases {
            #expect(try parseAll(text) == expected, "\(text.debugDescription)")
        }
    }

    @Test("a value that has not fully arrived returns nothing and consumes nothing")
    func incomplete() throws {
        for text in ["", "+OK", "+OK\r", "$5\r\nhel", "$5\r\nhello\r", "*2\r\n:1\r\n", "%1\r\n+k\r\n", ":12"] {
            var buffer = ByteBuffer(string: text)
            #expect(try parser.parse(&buffer) == nil, "\(text.debugDescription)")
            #expect(buffer.readableBytes == text.utf8.count)
        }
    }

    @Test("malformed input is a protocol error naming what is wrong, never a crash")
    func malformed() {
        let cases: [(String, String)] = [
            ("?\r\n", "unknown type"),
            (":12a\r\n", "non-digit"),
            (":\r\n", "no digits"),
            (":99999999999999999999\r\n", "64 bits"),
            ("+OK\rX", "LF"),
            ("$3\r\nabcde\r\n", "CRLF"),
            ("$-2\r\n", "negative"),
            ("*-5\r\n", "negative"),
            ("#x\r\n", "boolean"),
            (",0x1p3\r\n", "double"),
            ("_x\r\n", "null"),
            ("(12e\r\n", "big number"),
            ("=2\r\nab\r\n", "verbatim"),
            ("$999999999999\r\n", "over the limit"),
            ("*999999999999\r\n", "over the limit"),
        ]
        for (text, words) in cases {
            var buffer = ByteBuffer(string: text)
            do {
                _ = try parser.parse(&buffer)
                Issue.record("\(text.debugDescription) was accepted")
            } catch {
                #expect(error.code == .protocolViolation)
                #expect(error.message.contains(words), "\(text.debugDescription): \(error.message)")
            }
        }
    }

    @Test("nesting past the limit is refused before it can exhaust the stack")
    func depth() throws {
        var buffer = ByteBuffer(string: String(repeating: "*1\r\n", count: 100_000) + ":1\r\n")
        #expect(throws: RESPError.self) { try parser.parse(&buffer) }
        var limits = RESPParser.Limits()
        limits.maxDepth = 3
        var shallow = ByteBuffer(string: "*1\r\n*1\r\n*1\r\n:1\r\n")
        #expect(try RESPParser(limits: limits).parse(&shallow) == .array([.array([.array([.integer(1)])])]))
        var deep = ByteBuffer(string: "*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")
        #expect(throws: RESPError.self) { try RESPParser(limits: limits).parse(&deep) }
    }

    @Test("a line that never ends is refused once it passes the line limit")
    func endlessLine() {
        var limits = RESPParser.Limits()
        limits.maxLineLength = 100
        var buffer = ByteBuffer(string: "+" + String(repeating: "a", count: 200))
        #expect(throws: RESPError.self) { try RESPParser(limits: limits).parse(&buffer) }
    }

    @Test("random values round-trip, whole, cut at every byte, and in random pieces")
    func roundTrip() throws {
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<500 {
            let values = (0..<Int.random(in: 1...4, using: &random)).map { _ in RESPValue.random(depth: 0, using: &random) }
            var wire = ByteBuffer()
            for value in values { value.encode(into: &wire) }

            // Whole.
            var whole = wire
            for value in values { #expect(try parser.parse(&whole) == value) }
            #expect(whole.readableBytes == 0)

            // Every strict prefix of the first value is incomplete.
            var first = ByteBuffer()
            values[0].encode(into: &first)
            for cut in 0..<first.readableBytes {
                var prefix = first.getSlice(at: first.readerIndex, length: cut)!
                #expect(try parser.parse(&prefix) == nil)
                #expect(prefix.readableBytes == cut)
            }

            // In pieces, as a socket delivers them.
            var received = ByteBuffer()
            var parsed: [RESPValue] = []
            var rest = wire
            while rest.readableBytes > 0 {
                var piece = rest.readSlice(length: Int.random(in: 1...max(1, min(rest.readableBytes, 17)), using: &random))!
                received.writeBuffer(&piece)
                while let value = try parser.parse(&received) { parsed.append(value) }
            }
            #expect(parsed == values)
        }
    }

    @Test("random and corrupted bytes never crash the parser")
    func fuzz() {
        var random = SplitMix64(seed: 0xF022)
        var outcomes = (values: 0, incomplete: 0, errors: 0)
        for round in 0..<20_000 {
            var buffer = ByteBuffer()
            if round % 2 == 0 {
                // Noise drawn mostly from RESP's own alphabet, so it gets past the first byte.
                let alphabet = Array("+-:$*%~>_#,(!=|\r\n0123456789-abc".utf8)
                for _ in 0..<Int.random(in: 0...40, using: &random) {
                    buffer.writeInteger(Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random))
                }
            } else {
                RESPValue.random(depth: 0, using: &random).encode(into: &buffer)
                for _ in 0..<Int.random(in: 1...3, using: &random) where buffer.readableBytes > 0 {
                    buffer.setInteger(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0..<buffer.readableBytes, using: &random))
                }
                if Bool.random(using: &random) { buffer.moveWriterIndex(to: Int.random(in: 0...buffer.writerIndex, using: &random)) }
            }
            do {
                while buffer.readableBytes > 0, try parser.parse(&buffer) != nil { outcomes.values += 1 }
                outcomes.incomplete += 1
            } catch {
                #expect(error.code == .protocolViolation)
                outcomes.errors += 1
            }
        }
        // The inputs reached every outcome, so the test exercised more than the first byte.
        #expect(outcomes.values > 1000 && outcomes.incomplete > 1000 && outcomes.errors > 1000, "\(outcomes)")
    }
}

/// A small seeded generator, so that a failing case can be run again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RESPValue {
    static func random(depth: Int, using random: inout SplitMix64) -> RESPValue {
        func text() -> String {
            String((0..<Int.random(in: 0...12, using: &random)).map { _ in "abcXYZ019 _-é".randomElement(using: &random)! })
        }
        func bytes() -> ByteBuffer {
            ByteBuffer(bytes: (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        let kinds = depth < 4 ? 15 : 11
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .simpleString(text())
        case 1: return .bulkString(bytes())
        case 2: return .verbatimString(format: "txt", text: bytes())
        case 3: return .error("ERR " + text())
        case 4: return .integer(Int64.random(in: .min ... .max, using: &random))
        case 5: return .double(Double.random(in: -1e6...1e6, using: &random))
        case 6: return .boolean(Bool.random(using: &random))
        case 7: return .bigNumber("-" + String(UInt64.random(in: 0 ... .max, using: &random)) + "123456789")
        case 8: return .null
        case 9: return .error("ERR multi\r\nline " + text())
        case 10: return .double([.infinity, -.infinity, 0, -0.5][Int.random(in: 0..<4, using: &random)])
        case 11: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in RESPValue.random(depth: depth + 1, using: &random) })
        case 12: return .set((0..<Int.random(in: 0...4, using: &random)).map { _ in RESPValue.random(depth: depth + 1, using: &random) })
        case 13: return .push((0..<Int.random(in: 1...4, using: &random)).map { _ in RESPValue.random(depth: depth + 1, using: &random) })
        default:
            return .map((0..<Int.random(in: 0...3, using: &random)).map { _ in
                (RESPValue.random(depth: depth + 1, using: &random), RESPValue.random(depth: depth + 1, using: &random))
            })
        }
    }
}
