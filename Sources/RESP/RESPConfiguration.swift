import Foundation

/// Where Redis is and how to talk to it, read from a URL:
///
/// - `redis://[user[:password]@]host[:port][/db]` — plain TCP; several `host:port`, separated by
///   commas, are the seed nodes of a Redis Cluster;
/// - `rediss://…` — the same over TLS;
/// - `redis+sentinel://[user[:password]@]host[:port][,host[:port]…]/primary[/db]` — the
///   sentinels to ask where the primary named `primary` is.
///
/// Options after `?`: `timeout` (seconds a command may take), `connect_timeout` (seconds), `ca`
/// (a PEM file of the certificate authorities to trust for TLS, instead of the system's),
/// `replicas` (how many replicas a write that must survive a failover waits for, with `WAIT`),
/// `password_file` (a file holding the password, such as a mounted Secret, instead of the URL).
public struct RESPConfiguration: Sendable, Equatable {
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The server, or a cluster's seed nodes, or with `sentinelPrimary` set, the sentinels.
    public var endpoints: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 6379)]
    /// The name the sentinels know the primary by; nil to connect to `endpoints` directly.
    public var sentinelPrimary: String?
    /// The ACL user; with only a password, Redis's `default` user.
    public var username: String?
    public var password: String?
    public var database = 0
    public var tls = false
    public var certificateAuthorityPath: String?
    public var connectTimeout: Duration = .seconds(5)
    public var commandTimeout: Duration = .seconds(5)
    /// Replicas that must have a write the caller marks as one to keep (the hot tier's appends)
    /// before it is acknowledged: Redis replicates asynchronously, so without them a Sentinel
    /// failover loses the writes the promoted replica had not received yet.
    public var replicas = 0
    /// What `CLIENT LIST` shows for the connections.
    public var clientName = "agentstate"

    public init() {}

    public init(url text: String) throws(RESPError) {
        self.init()
        let scheme: String
        var rest: Substring
        if let range = text.range(of: "://") {
            scheme = String(text[..<range.lowerBound]).lowercased()
            rest = text[range.upperBound...]
        } else {
            throw Self.invalid("'\(Self.redacted(text))' is not a redis://, rediss:// or redis+sentinel:// URL")
        }
        switch scheme {
        case "redis": break
        case "rediss": tls = true
        case "redis+sentinel": break
        default: throw Self.invalid("'\(scheme)://' is not a Redis URL scheme (redis, rediss, redis+sentinel)")
        }

        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count).split(separator: "/", omittingEmptySubsequences: true).map(String.init)

        var hosts = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hosts = authority[authority.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let user = parts[0].removingPercentEncoding ?? String(parts[0])
            username = user.isEmpty ? nil : user
            if parts.count == 2 { password = parts[1].removingPercentEncoding ?? String(parts[1]) }
        }

        let defaultPort = scheme == "redis+sentinel" ? 26379 : 6379
        endpoints = try hosts.split(separator: ",").map { item throws(RESPError) in try Self.endpoint(item, defaultPort: defaultPort) }
        if endpoints.isEmpty { endpoints = [Endpoint(host: "127.0.0.1", port: defaultPort)] }

        var databaseText: String?
        if scheme == "redis+sentinel" {
            guard let primary = path.first else { throw Self.invalid("a redis+sentinel:// URL needs the primary's name as its path: redis+sentinel://host:26379/mymaster") }
            sentinelPrimary = primary
            databaseText = path.dropFirst().first
            if path.count > 2 { throw Self.invalid("the path of a redis+sentinel:// URL is /primary or /primary/db") }
        } else {
            databaseText = path.first
            if path.count > 1 { throw Self.invalid("the path of a Redis URL is the database number, as in /0") }
        }
        if let databaseText {
            guard let db = Int(databaseText), db >= 0 else { throw Self.invalid("the database must be a number from 0, not '\(databaseText)'") }
            database = db
        }

        for item in query.split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count == 2 ? (pair[1].removingPercentEncoding ?? String(pair[1])) : ""
            switch name {
            case "timeout": commandTimeout = try Self.seconds(name, value)
            case "connect_timeout": connectTimeout = try Self.seconds(name, value)
            case "ca":
                guard !value.isEmpty else { throw Self.invalid("ca must name a PEM file") }
                certificateAuthorityPath = value
            case "replicas":
                guard let n = Int(value), (0...16).contains(n) else { throw Self.invalid("replicas must be a number from 0 to 16, not '\(value)'") }
                replicas = n
            case "password_file":
                guard let text = try? String(contentsOfFile: value, encoding: .utf8) else { throw Self.invalid("cannot read the password_file '\(value)'") }
                password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            default:
                throw Self.invalid("'\(name)' is not a Redis URL option (timeout, connect_timeout, ca, replicas, password_file)")
            }
        }
    }

    private static func endpoint(_ text: Substring, defaultPort: Int) throws(RESPError) -> Endpoint {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("'\(text)' opens an IPv6 address with '[' but does not close it") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw invalid("'\(text)' is not host:port") }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("a Redis URL lacks its host") }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw invalid("the port must be a number from 1 to 65535, not '\(portText)'") }
            port = p
        }
        return Endpoint(host: String(host), port: port)
    }

    private static func seconds(_ name: String, _ value: String) throws(RESPError) -> Duration {
        guard let s = Double(value), s > 0, s <= 3600 else { throw invalid("\(name) must be seconds from 0 to 3600, not '\(value)'") }
        return .milliseconds(Int64(s * 1000))
    }

    private static func invalid(_ message: String) -> RESPError {
        RESPError(.invalidURL, message)
    }

    /// The URL with its password hidden, for messages and logs.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let userInfo = text[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":…" + String(text[at...])
    }
}
