import NIOCore

/// One argument of a command: text, bytes or a number, written as a bulk string.
public enum RESPArgument: Sendable, Hashable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral {
    case string(String)
    case bytes(ByteBuffer)
    case integer(Int64)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self = .string(String(stringInterpolation: stringInterpolation)) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

/// A command as Redis receives it: an array of bulk strings, the name first.
public struct RESPCommand: Sendable, Hashable, CustomStringConvertible {
    public var arguments: [RESPArgument]

    public init(_ name: String, _ arguments: [RESPArgument]) {
        self.arguments = [.string(name)] + arguments
    }

    public init(_ name: String, _ arguments: RESPArgument...) {
        self.init(name, arguments)
    }

    public var name: String {
        if case .string(let name) = arguments[0] { return name.uppercased() }
        return ""
    }

    /// Writes the command straight into `buffer`, each argument copied once.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        buffer.writeDecimal(arguments.count)
        for argument in arguments {
            switch argument {
            case .string(let s):
                buffer.writeBulkHeader(s.utf8.count)
                buffer.writeString(s)
            case .bytes(let b):
                buffer.writeBulkHeader(b.readableBytes)
                buffer.writeImmutableBuffer(b)
            case .integer(let i):
                let text = String(i)  // at most 20 bytes: a small string, no allocation
                buffer.writeBulkHeader(text.utf8.count)
                buffer.writeString(text)
            }
            buffer.writeCRLF()
        }
    }

    /// The name and argument count only: arguments may hold secrets (`AUTH`) or user data.
    public var description: String { "\(name) (\(arguments.count - 1) arguments)" }
}

extension ByteBuffer {
    mutating func writeCRLF() {
        writeInteger(UInt16(0x0D0A))
    }

    /// A decimal number and CRLF.
    mutating func writeDecimal(_ value: some BinaryInteger) {
        writeString(String(value))
        writeCRLF()
    }

    mutating func writeBulkHeader(_ length: Int) {
        writeInteger(UInt8(ascii: "$"))
        writeDecimal(length)
    }
}
