/// What went wrong talking to Redis: a code to match on and a message for people.
public struct RESPError: Error, Sendable, CustomStringConvertible {
    /// Kinds of failure. A struct of static members rather than an enum, so kinds can be added
    /// without breaking code that switches over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case server, protocolViolation, connectionClosed, timeout, connectFailed, authenticationFailed, invalidURL }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server answered with an error reply; `prefix` holds its first word.
        public static let server = Code(.server)
        /// The bytes from the server are not RESP, or break a limit; the connection is closed.
        public static let protocolViolation = Code(.protocolViolation)
        /// The connection closed before the reply came.
        public static let connectionClosed = Code(.connectionClosed)
        /// No reply within the command's timeout; the connection is closed, since the order of
        /// the replies after it can no longer be trusted.
        public static let timeout = Code(.timeout)
        public static let connectFailed = Code(.connectFailed)
        /// Wrong user or password, or a command sent before authenticating.
        public static let authenticationFailed = Code(.authenticationFailed)
        public static let invalidURL = Code(.invalidURL)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// An error reply from the server.
    public init(reply: String) {
        self.init(Self.authenticationPrefixes.contains(Self.prefix(of: reply)) ? .authenticationFailed : .server, reply)
    }

    /// For an error reply: its first word (`ERR`, `WRONGTYPE`, `MOVED`, `NOAUTH`, …).
    public var prefix: String? {
        code == .server || code == .authenticationFailed ? Self.prefix(of: message) : nil
    }

    public var description: String { "Redis \(code): \(message)" }

    private static let authenticationPrefixes: Set<String> = ["WRONGPASS", "NOAUTH"]

    private static func prefix(of reply: String) -> String {
        String(reply.prefix { $0 != " " })
    }
}
