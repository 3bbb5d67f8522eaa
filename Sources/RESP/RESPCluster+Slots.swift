import NIOCore

/// How Redis Cluster places keys: CRC16 (XMODEM) of the key, or of its `{hash tag}` when it has a
/// non-empty one, modulo 16,384 slots.
public enum RESPClusterSlot {
    public static let count = 16_384

    public static func of(_ key: some Collection<UInt8>) -> Int {
        let bytes = Array(key)
        var hashed = bytes[...]
        if let open = bytes.firstIndex(of: UInt8(ascii: "{")),
           let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1 {
            hashed = bytes[(open + 1)..<close]
        }
        return Int(crc16(hashed) & 0x3FFF)
    }

    public static func of(_ key: String) -> Int { of(key.utf8) }

    public static func of(_ argument: RESPArgument) -> Int {
        switch argument {
        case .string(let s): of(s.utf8)
        case .bytes(let b): of(b.readableBytesView)
        case .integer(let i): of(String(i).utf8)
        }
    }

    private static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    static func crc16(_ bytes: some Collection<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes { crc = (crc << 8) ^ table[Int(UInt8(crc >> 8) ^ byte)] }
        return crc
    }
}

extension RESPCommand {
    /// Commands that touch no key: a cluster client may send them to any node.
    private static let keyless: Set<String> = [
        "PING", "ECHO", "INFO", "CLIENT", "CONFIG", "HELLO", "AUTH", "SELECT", "MULTI", "EXEC", "DISCARD",
        "SCRIPT", "FUNCTION", "CLUSTER", "COMMAND", "DBSIZE", "TIME", "ROLE", "WAIT", "ASKING", "READONLY",
        "READWRITE", "FLUSHALL", "FLUSHDB", "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "ACL",
    ]

    /// The key that decides which cluster node serves the command: the first key by Redis's
    /// conventions (the first argument; for `EVAL`/`EVALSHA`/`FCALL`, the first of the declared
    /// keys; for `XREAD`/`XREADGROUP`, the first stream), or nil for a command without keys.
    public var routingKey: RESPArgument? {
        let name = self.name
        if Self.keyless.contains(name) { return nil }
        switch name {
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            guard arguments.count > 3, case .integer(let n) = Self.number(arguments[2]), n > 0 else { return nil }
            return arguments[3]
        case "XREAD", "XREADGROUP":
            guard let streams = arguments.firstIndex(where: { if case .string(let s) = $0 { s.uppercased() == "STREAMS" } else { false } }),
                  streams + 1 < arguments.count
            else { return nil }
            return arguments[streams + 1]
        default:
            return arguments.count > 1 ? arguments[1] : nil
        }
    }

    private static func number(_ argument: RESPArgument) -> RESPArgument? {
        switch argument {
        case .integer: argument
        case .string(let s): Int64(s).map(RESPArgument.integer)
        case .bytes(let b): Int64(String(buffer: b)).map(RESPArgument.integer)
        }
    }
}
