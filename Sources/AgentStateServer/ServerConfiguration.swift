import AgentState
import Foundation

/// Everything `agentstate serve` can be told, with defaults, filled from flags, then the
/// environment, in one place (`ServerConfiguration.resolve`).
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var store = StoreURL.default
    public var limits = Limits()
    /// How long shutdown waits for requests in flight (and open change feeds) before it cancels
    /// them; an orchestrator's grace period should be longer.
    public var drainSeconds = 10
    /// How often the sweeper looks for due timers and deadlines; `nil` runs none (another
    /// process sweeps, or a test does it by hand).
    public var sweepInterval: Duration? = .seconds(1)
    /// How often an idle change feed rechecks the store when the store sends change notices:
    /// a safety net for changes no notice reported (another process on the same SQLite file).
    public var feedRecheckInterval: Duration = .seconds(1)
    /// What becomes of values that look like credentials in what agents store.
    public var secrets = SecretPolicy.redact
    /// Requests per API key; `nil` leaves them unlimited. With the Redis tier the buckets live in
    /// Redis, so the limit holds across servers.
    public var rateLimit: RateLimit?
    /// Failed authentications per client address before it must slow down: each costs a token.
    public var authFailureLimit = RateLimit(rate: 1, burst: 20)
    /// Where retention archives what it removes, and how often it looks (`nil`: never on its own).
    public var archiveDirectory = "./agentstate-archive"
    public var retentionInterval: Duration? = .seconds(600)
    /// Which requests the audit trail records, and for how long it keeps them.
    public var audit = AuditMode.all
    public var auditRetentionDays = 90

    public enum AuditMode: String, Sendable, CaseIterable {
        /// Every authenticated request: who read and who changed what.
        case all
        /// Requests that change something (not GET or HEAD).
        case changes
        case off
    }

    public struct Limits: Sendable {
        /// Largest request body, bytes (413 beyond).
        public var maxBodyBytes = 1 << 20
        /// Deepest nesting of arrays and objects in a request body (422 beyond).
        public var maxJSONDepth = 32
        /// Change feeds (`/v1/events/stream`) open at once on this server, and per API key (429 beyond).
        public var maxEventStreams = 1000
        public var maxEventStreamsPerKey = 100
        /// Largest answer kept for an `Idempotency-Key` replay, bytes. A larger one (a saved
        /// checkpoint, a memory item: the change it reports is in the store) is not stored a
        /// second time: its replay answers that the request was applied (409).
        public var keptAnswerBytes = 1024
        public init() {}
    }

    public init() {}

    /// The OpenAPI 3.1 document of the API.
    public static var openAPIDocument: String { OpenAPIDocument.json }

    /// A setting from the environment: `NAME` itself, or the contents of the file `NAME_FILE`
    /// names (a mounted Secret), so that a URL holding a password need not sit in the environment.
    public static func setting(_ name: String, in environment: [String: String]) throws -> String? {
        if let value = environment[name] { return value }
        guard let path = environment[name + "_FILE"], !path.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AgentStateError.invalidInput(field: name + "_FILE", "cannot read \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Flags win over the environment (`AGENTSTATE_HOST`, `AGENTSTATE_PORT`, `AGENTSTATE_STORE` or
    /// `AGENTSTATE_STORE_FILE`, `AGENTSTATE_CACHE` or `AGENTSTATE_CACHE_FILE`, `AGENTSTATE_SECRETS`, `AGENTSTATE_RATE_LIMIT`, `AGENTSTATE_AUDIT`,
    /// `AGENTSTATE_AUDIT_RETENTION_DAYS`, `AGENTSTATE_ARCHIVE_DIR`, `AGENTSTATE_RETENTION_INTERVAL`, `AGENTSTATE_SWEEP_INTERVAL`, `AGENTSTATE_DRAIN_SECONDS`, `AGENTSTATE_MAX_BODY_BYTES`, `AGENTSTATE_KEPT_ANSWER_BYTES`), which wins over
    /// the defaults. A cache (a Redis URL) puts the Redis hot tier in front of the store.
    public static func resolve(host: String?, port: Int?, store: String?, cache: String? = nil, secrets: String? = nil,
                               rateLimit: String? = nil, audit: String? = nil, environment: [String: String]) throws -> ServerConfiguration {
        var c = ServerConfiguration()
        if let h = host ?? environment["AGENTSTATE_HOST"] { c.host = h }
        if let p = port ?? environment["AGENTSTATE_PORT"].flatMap({ Int($0) }) {
            guard (0...65535).contains(p) else { throw AgentStateError.invalidInput(field: "port", "must be 0 to 65535") }
            c.port = p
        } else if let text = environment["AGENTSTATE_PORT"] {
            throw AgentStateError.invalidInput(field: "AGENTSTATE_PORT", "'\(text)' is not a port number")
        }
        if let s = try store ?? setting("AGENTSTATE_STORE", in: environment) { c.store = try StoreURL(parsing: s) }
        if let redis = try cache ?? setting("AGENTSTATE_CACHE", in: environment) {
            if case .tiered = c.store { throw AgentStateError.invalidInput(field: "cache", "the store URL names a Redis tier already") }
            c.store = .tiered(cache: redis, durable: c.store)
        }
        if let text = secrets ?? environment["AGENTSTATE_SECRETS"] {
            guard let policy = SecretPolicy(rawValue: text) else {
                throw AgentStateError.invalidInput(field: "secrets", "'\(text)' is not one of redact, reject, off")
            }
            c.secrets = policy
        }
        if let text = rateLimit ?? environment["AGENTSTATE_RATE_LIMIT"], text != "off" {
            c.rateLimit = try RateLimit(parsing: text)
        }
        if let text = audit ?? environment["AGENTSTATE_AUDIT"] {
            guard let mode = AuditMode(rawValue: text) else {
                throw AgentStateError.invalidInput(field: "audit", "'\(text)' is not one of all, changes, off")
            }
            c.audit = mode
        }
        if let dir = environment["AGENTSTATE_ARCHIVE_DIR"] { c.archiveDirectory = dir }
        if let text = environment["AGENTSTATE_RETENTION_INTERVAL"] {
            // off: another process (a scheduled `agentstate retention run`) archives, onto storage it keeps.
            if text == "off" {
                c.retentionInterval = nil
            } else {
                guard let seconds = Int(text), seconds > 0 else {
                    throw AgentStateError.invalidInput(field: "AGENTSTATE_RETENTION_INTERVAL", "'\(text)' is not a number of seconds or off")
                }
                c.retentionInterval = .seconds(seconds)
            }
        }
        if let text = environment["AGENTSTATE_SWEEP_INTERVAL"] {
            // off: other servers sweep (expired leases, timers, approvals, sessions).
            if text == "off" {
                c.sweepInterval = nil
            } else {
                guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                    throw AgentStateError.invalidInput(field: "AGENTSTATE_SWEEP_INTERVAL", "'\(text)' is not a number of seconds (up to 3600) or off")
                }
                c.sweepInterval = .milliseconds(Int64(seconds * 1000))
            }
        }
        if let text = environment["AGENTSTATE_AUDIT_RETENTION_DAYS"] {
            guard let days = Int(text), days > 0 else {
                throw AgentStateError.invalidInput(field: "AGENTSTATE_AUDIT_RETENTION_DAYS", "'\(text)' is not a positive number of days")
            }
            c.auditRetentionDays = days
        }
        if let text = environment["AGENTSTATE_DRAIN_SECONDS"] {
            guard let seconds = Int(text), seconds >= 0 else {
                throw AgentStateError.invalidInput(field: "AGENTSTATE_DRAIN_SECONDS", "'\(text)' is not a number of seconds")
            }
            c.drainSeconds = seconds
        }
        if let b = environment["AGENTSTATE_MAX_BODY_BYTES"] {
            guard let n = Int(b), n > 0 else { throw AgentStateError.invalidInput(field: "AGENTSTATE_MAX_BODY_BYTES", "'\(b)' is not a positive number") }
            c.limits.maxBodyBytes = n
        }
        if let b = environment["AGENTSTATE_KEPT_ANSWER_BYTES"] {
            guard let n = Int(b), n >= 0 else { throw AgentStateError.invalidInput(field: "AGENTSTATE_KEPT_ANSWER_BYTES", "'\(b)' is not a number of bytes") }
            c.limits.keptAnswerBytes = n
        }
        return c
    }
}
