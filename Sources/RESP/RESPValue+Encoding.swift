import NIOCore

extension RESPValue {
    /// Writes the value as a server would send it: for tests, and for anything that plays a
    /// server.
    public func encode(into buffer: inout ByteBuffer) {
        func line(_ type: Character, _ text: String) {
            buffer.writeInteger(type.asciiValue!)
            buffer.writeString(text)
            buffer.writeCRLF()
        }
        func blob(_ type: Character, _ bytes: ByteBuffer) {
            buffer.writeInteger(type.asciiValue!)
            buffer.writeDecimal(bytes.readableBytes)
            buffer.writeImmutableBuffer(bytes)
            buffer.writeCRLF()
        }
        func aggregate(_ type: Character, _ elements: [RESPValue]) {
            buffer.writeInteger(type.asciiValue!)
            buffer.writeDecimal(elements.count)
            for element in elements { element.encode(into: &buffer) }
        }
        switch self {
        case .simpleString(let s): line("+", s)
        case .bulkString(let b): blob("$", b)
        case .verbatimString(let format, let text):
            var bytes = ByteBuffer(string: format + ":")
            bytes.writeImmutableBuffer(text)
            blob("=", bytes)
        case .error(let message):
            if message.utf8.contains(where: { $0 == 13 || $0 == 10 }) { blob("!", ByteBuffer(string: message)) } else { line("-", message) }
        case .integer(let i): line(":", String(i))
        case .double(let d): line(",", d.isNaN ? "nan" : d == .infinity ? "inf" : d == -.infinity ? "-inf" : "\(d)")
        case .boolean(let b): line("#", b ? "t" : "f")
        case .bigNumber(let n): line("(", n)
        case .null: line("_", "")
        case .array(let a): aggregate("*", a)
        case .set(let a): aggregate("~", a)
        case .push(let a): aggregate(">", a)
        case .map(let pairs):
            buffer.writeInteger(UInt8(ascii: "%"))
            buffer.writeDecimal(pairs.count)
            for (key, value) in pairs {
                key.encode(into: &buffer)
                value.encode(into: &buffer)
            }
        }
    }
}
