import AgentState
import RESP

/// The advice of the seed article on Redis session stores, as checks of a live Redis: what the
/// tiered store needs of it to lose nothing and to evict only what may go.
public enum RedisDeploymentCheck {
    /// What was read from the server; the rules below are plain functions of it.
    public struct Observed: Sendable {
        /// `CONFIG GET` values; nil when the server refused `CONFIG` (managed services often do).
        public var config: [String: String]?
        /// `INFO server` and `INFO memory` fields.
        public var info: [String: String]
        /// The flags of the `default` user (`ACL GETUSER default`), if readable.
        public var defaultUserFlags: [String]?
        public var tls: Bool
        public var host: String

        public init(config: [String: String]?, info: [String: String], defaultUserFlags: [String]?, tls: Bool, host: String) {
            self.config = config
            self.info = info
            self.defaultUserFlags = defaultUserFlags
            self.tls = tls
            self.host = host
        }
    }

    /// Why the tiered store refuses a Redis Cluster (several seed nodes, or a node with
    /// `cluster_enabled:1`).
    public static let clusterUnsupported = "the hot tier needs one Redis primary (a redis:// URL with one host, or redis+sentinel://):"
        + " on a Redis Cluster its appends, which write the session's keys and the one outbox stream together, would span slots"

    /// Reads what the checks need from the server behind `client`.
    public static func observe(_ client: RESPClient) async throws(RESPError) -> Observed {
        var config: [String: String]? = [:]
        do {
            for pattern in ["maxmemory-policy", "maxmemory", "appendonly", "appendfsync", "requirepass"] {
                for (key, value) in try await client.send(RESPCommand("CONFIG", "GET", .string(pattern))).pairs ?? [] {
                    config?[key.string ?? ""] = value.string
                }
            }
        } catch where error.code == .server || error.code == .authenticationFailed {
            config = nil
        }
        var info: [String: String] = [:]
        for section in ["server", "memory", "cluster"] {
            let text = try await client.send(RESPCommand("INFO", .string(section))).string ?? ""
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2 { info[String(parts[0])] = String(parts[1]) }
            }
        }
        var flags: [String]?
        if let user = try? await client.send(RESPCommand("ACL", "GETUSER", "default")).pairs,
           let entry = user.first(where: { $0.key.string == "flags" }) {
            flags = entry.value.elements?.compactMap(\.string)
        }
        let endpoint = client.configuration.endpoints[0]
        return Observed(config: config, info: info, defaultUserFlags: flags, tls: client.configuration.tls, host: endpoint.host)
    }

    public static func findings(_ o: Observed, component: String) -> [DeploymentFinding] {
        var out: [DeploymentFinding] = []
        func add(_ check: String, _ level: DeploymentFinding.Level, _ detail: String, _ advice: String? = nil) {
            out.append(DeploymentFinding(component, check, level, detail, advice: advice))
        }

        let version = o.info["redis_version"] ?? "?"
        if let major = Int(version.prefix { $0 != "." }), major < 6 {
            add("version", .failure, "Redis \(version)", "use Redis 6 or later (or Valkey): the client speaks RESP3 and ACL users")
        } else {
            add("version", .ok, "Redis \(version)")
        }

        if o.info["cluster_enabled"] == "1" {
            add("cluster", .failure, "cluster mode: \(clusterUnsupported)", "use a standalone primary, with Sentinel for failover")
        }

        guard let config = o.config else {
            add("config", .warning, "CONFIG is not allowed for this user, so eviction, persistence and memory could not be checked",
                "check maxmemory-policy (volatile-lru or volatile-ttl) and appendonly (yes) in the service's settings")
            out += authFindings(o, component: component)
            return out
        }

        switch config["maxmemory-policy"] ?? "" {
        case let p where p.hasPrefix("volatile-"):
            add("maxmemory-policy", .ok, p)
        case let p where p.hasPrefix("allkeys-"):
            add("maxmemory-policy", .failure, "\(p) evicts keys without a TTL, the outbox of unflushed turns among them",
                "set maxmemory-policy volatile-lru (or volatile-ttl): every hot-tier key has a TTL, the outbox has none")
        case "noeviction":
            add("maxmemory-policy", .warning, "noeviction: when memory is full, writes fail and the server falls back to the durable store",
                "set maxmemory-policy volatile-lru so that cold sessions make room")
        case let p:
            add("maxmemory-policy", .warning, "'\(p)'", "set maxmemory-policy volatile-lru")
        }

        if config["appendonly"] == "yes" {
            switch config["appendfsync"] ?? "" {
            case "always": add("appendonly", .ok, "on, fsync on every write")
            case "everysec": add("appendonly", .ok, "on, fsync every second (a power loss can cost the last second of turns not yet flushed)")
            case let f: add("appendonly", .warning, "on, appendfsync \(f): the OS decides when turns reach the disk", "set appendfsync everysec")
            }
        } else {
            add("appendonly", .failure, "off: a Redis restart loses every turn not yet flushed to the durable store",
                "set appendonly yes and appendfsync everysec")
        }

        let used = Double(o.info["used_memory"] ?? "") ?? 0
        let limit = Double(config["maxmemory"] ?? "0") ?? 0
        if limit <= 0 {
            let system = Double(o.info["total_system_memory"] ?? "") ?? 0
            add("maxmemory", .warning, "no limit\(system > 0 ? " (\(megabytes(system)) of RAM on the host)" : "")",
                "set maxmemory to about three quarters of the memory Redis may use, so that eviction starts before the OS kills it")
        } else if used / limit > 0.8 {
            add("maxmemory", .warning, "\(megabytes(used)) used of \(megabytes(limit)) (\(Int(used / limit * 100))%)",
                "raise maxmemory or shorten the hot tier's TTL: eviction is close")
        } else {
            add("maxmemory", .ok, "\(megabytes(used)) used of \(megabytes(limit)) (\(Int(used / limit * 100))%)")
        }

        if config["appendonly"] == "yes", o.defaultUserFlags?.contains("off") == true {
            let valkey = o.info["valkey_version"] != nil
            // Redis fixed this in late 2025 (after 8.2); a release from before is known to lose data.
            let affected = !valkey && (Int(version.prefix { $0 != "." }) ?? 0) < 8
            add("aof-replay", affected ? .failure : .warning,
                "the default user is off: Redis replays the append-only file's transactions, the hot tier's scripts among them, as that user"
                    + " and \(affected ? "this version drops" : "releases without the fix drop") them on restart (redis/redis#14541)",
                "switch the default user on with a long random password nobody uses and +@all, or run a release with the fix")
        }

        out += authFindings(o, component: component)
        return out
    }

    private static func authFindings(_ o: Observed, component: String) -> [DeploymentFinding] {
        var out: [DeploymentFinding] = []
        if let flags = o.defaultUserFlags, flags.contains("on"), flags.contains("nopass") {
            out.append(DeploymentFinding(component, "auth", .failure, "the default user needs no password: anyone who reaches the port reads every conversation",
                                         advice: "give the default user a long password (requirepass) and connect as an ACL user"))
        } else {
            out.append(DeploymentFinding(component, "auth", .ok, o.defaultUserFlags?.contains("off") == true ? "default user off; ACL users only" : "password required"))
        }
        let loopback = o.host == "127.0.0.1" || o.host == "::1" || o.host == "localhost"
        if o.tls {
            out.append(DeploymentFinding(component, "tls", .ok, "TLS"))
        } else if loopback {
            out.append(DeploymentFinding(component, "tls", .ok, "plain TCP on loopback"))
        } else {
            out.append(DeploymentFinding(component, "tls", .warning, "plain TCP to \(o.host): conversations cross the network unencrypted",
                                         advice: "use rediss:// with TLS on the server"))
        }
        return out
    }

    private static func megabytes(_ bytes: Double) -> String {
        let gib = bytes / 1_073_741_824
        return gib >= 1 ? "\((gib * 10).rounded() / 10) GiB" : "\(Int(bytes / 1_048_576)) MiB"
    }
}
