import NIOCore

/// Reads RESP3 values from bytes as they arrive. A plain value with no I/O: give it what has
/// been received so far and it returns the next whole value, or nothing yet.
///
/// Malformed input is a `RESPError` with code `.protocolViolation`, never a crash, and the
/// limits bound what a broken or hostile peer can make it allocate or recurse into.
public struct RESPParser: Sendable {
    public struct Limits: Sendable {
        /// Aggregates inside aggregates, at most.
        public var maxDepth = 32
        /// Bytes in one bulk string (Redis's own `proto-max-bulk-len` default).
        public var maxBulkLength = 512 * 1024 * 1024
        /// Elements in one aggregate.
        public var maxElements = 16 * 1024 * 1024
        /// Bytes in one line (a simple string, an error, a number).
        public var maxLineLength = 64 * 1024

        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Takes one whole value from the front of `buffer` and moves its reader index past it.
    /// Returns nil, and leaves `buffer` as it was, when the value has not fully arrived.
    public func parse(_ buffer: inout ByteBuffer) throws(RESPError) -> RESPValue? {
        var cursor = buffer
        guard let value = try value(&cursor, depth: 0) else { return nil }
        buffer = cursor
        return value
    }

    private func value(_ b: inout ByteBuffer, depth: Int) throws(RESPError) -> RESPValue? {
        guard let type = b.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return try line(&b).map { .simpleString(String(buffer: $0)) }
        case UInt8(ascii: "-"):
            return try line(&b).map { .error(String(buffer: $0)) }
        case UInt8(ascii: ":"):
            guard let line = try line(&b) else { return nil }
            return .integer(try integer(line))
        case UInt8(ascii: "$"):
            return try blob(&b).map { $0.map(RESPValue.bulkString) ?? .null }
        case UInt8(ascii: "!"):
            return try blob(&b).map { .error($0.map { String(buffer: $0) } ?? "") }
        case UInt8(ascii: "="):
            guard let blob = try blob(&b) else { return nil }
            guard var text = blob, text.readableBytes >= 4, text.getInteger(at: text.readerIndex + 3, as: UInt8.self) == UInt8(ascii: ":")
            else { throw violation("a verbatim string lacks its format") }
            let format = text.readString(length: 3)!
            text.moveReaderIndex(forwardBy: 1)
            return .verbatimString(format: format, text: text)
        case UInt8(ascii: "_"):
            guard let line = try line(&b) else { return nil }
            guard line.readableBytes == 0 else { throw violation("a null carries data") }
            return .null
        case UInt8(ascii: "#"):
            guard let line = try line(&b) else { return nil }
            switch line.readableBytesView.first {
            case UInt8(ascii: "t") where line.readableBytes == 1: return .boolean(true)
            case UInt8(ascii: "f") where line.readableBytes == 1: return .boolean(false)
            default: throw violation("a boolean is neither t nor f")
            }
        case UInt8(ascii: ","):
            guard let line = try line(&b) else { return nil }
            return .double(try double(line))
        case UInt8(ascii: "("):
            guard let line = try line(&b) else { return nil }
            let text = String(buffer: line)
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { throw violation("a big number is not a decimal integer") }
            return .bigNumber(text)
        case UInt8(ascii: "*"):
            return try aggregate(&b, depth: depth, per: 1).map { $0.map(RESPValue.array) ?? .null }
        case UInt8(ascii: "~"):
            return try aggregate(&b, depth: depth, per: 1).map { .set($0 ?? []) }
        case UInt8(ascii: ">"):
            return try aggregate(&b, depth: depth, per: 1).map { .push($0 ?? []) }
        case UInt8(ascii: "%"):
            guard let flat = try aggregate(&b, depth: depth, per: 2) else { return nil }
            let elements = flat ?? []
            return .map(stride(from: 0, to: elements.count, by: 2).map { (elements[$0], elements[$0 + 1]) })
        case UInt8(ascii: "|"):
            // Attributes describe the value that follows; nothing here uses them, so they are
            // read past and the value is returned alone.
            guard try aggregate(&b, depth: depth, per: 2) != nil else { return nil }
            return try value(&b, depth: depth)
        default:
            throw violation("unknown type byte \(type)")
        }
    }

    /// The bytes up to the next CRLF, consumed with it; nil if the CRLF has not arrived.
    private func line(_ b: inout ByteBuffer) throws(RESPError) -> ByteBuffer? {
        let view = b.readableBytesView
        guard let cr = view.firstIndex(of: UInt8(ascii: "\r")) else {
            if view.count > limits.maxLineLength { throw violation("a line is longer than \(limits.maxLineLength) bytes") }
            return nil
        }
        let length = cr - view.startIndex
        guard length <= limits.maxLineLength else { throw violation("a line is longer than \(limits.maxLineLength) bytes") }
        guard cr + 1 < view.endIndex else { return nil }
        guard view[cr + 1] == UInt8(ascii: "\n") else { throw violation("a CR is not followed by LF") }
        let line = b.readSlice(length: length)!
        b.moveReaderIndex(forwardBy: 2)
        return line
    }

    /// A length-prefixed string: `.some(nil)` for the RESP2 null (`$-1`), nil if incomplete.
    private func blob(_ b: inout ByteBuffer) throws(RESPError) -> ByteBuffer?? {
        guard let line = try line(&b) else { return nil }
        let length = try integer(line)
        if length == -1 { return .some(nil) }
        guard length >= 0 else { throw violation("a negative string length") }
        guard length <= limits.maxBulkLength else { throw violation("a string of \(length) bytes is over the limit of \(limits.maxBulkLength)") }
        guard b.readableBytes >= Int(length) + 2 else { return nil }
        let data = b.readSlice(length: Int(length))!
        guard b.readInteger(as: UInt16.self) == UInt16(0x0D0A) else { throw violation("a string does not end with CRLF") }
        return .some(data)
    }

    /// `count × per` values after a count line: `.some(nil)` for the RESP2 null (`*-1`).
    private func aggregate(_ b: inout ByteBuffer, depth: Int, per: Int) throws(RESPError) -> [RESPValue]?? {
        guard let line = try line(&b) else { return nil }
        let count = try integer(line)
        if count == -1 { return .some(nil) }
        guard count >= 0 else { throw violation("a negative element count") }
        guard count <= limits.maxElements / per else { throw violation("\(count) elements are over the limit of \(limits.maxElements)") }
        guard depth < limits.maxDepth else { throw violation("values nest deeper than \(limits.maxDepth)") }
        let total = Int(count) * per
        var elements: [RESPValue] = []
        // A count is a claim, not a promise: memory is reserved for what could already be here.
        elements.reserveCapacity(min(total, b.readableBytes / 3))
        for _ in 0..<total {
            guard let element = try value(&b, depth: depth + 1) else { return nil }
            elements.append(element)
        }
        return .some(elements)
    }

    private func integer(_ line: ByteBuffer) throws(RESPError) -> Int64 {
        let bytes = line.readableBytesView
        var index = bytes.startIndex
        var negative = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.endIndex else { throw violation("an integer has no digits") }
        var value: Int64 = 0
        while index < bytes.endIndex {
            let digit = bytes[index]
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { throw violation("an integer has a non-digit") }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? shifted.subtractingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
                                      : shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw violation("an integer does not fit in 64 bits") }
            value = next
            index += 1
        }
        return value
    }

    private func double(_ line: ByteBuffer) throws(RESPError) -> Double {
        let text = String(buffer: line)
        switch text {
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            // Decimal notation only: Swift's parser would also take hexadecimal and words.
            guard !text.isEmpty, text.utf8.allSatisfy({ "0123456789+-.eE".utf8.contains($0) }), let d = Double(text)
            else { throw violation("a double is not a decimal number") }
            return d
        }
    }

    private func violation(_ message: String) -> RESPError {
        RESPError(.protocolViolation, message)
    }
}
