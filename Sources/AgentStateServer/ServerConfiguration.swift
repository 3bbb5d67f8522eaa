import AgentState
import Foundation

/// Everything `agentstate serve` can be told, with defaults, filled from flags, then the
/// environment, then a file, in one place (`ServerConfiguration.resolve` over `Settings`).
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

    /// The flags given, over the environment, over the defaults (`resolve(_:)` says which).
    public static func resolve(host: String?, port: Int?, store: String?, cache: String? = nil, secrets: String? = nil,
                               rateLimit: String? = nil, audit: String? = nil, environment: [String: String],
                               file: String? = nil) throws -> ServerConfiguration {
        var flags: [String: String] = [:]
        flags["host"] = host
        flags["port"] = port.map(String.init)
        flags["store"] = store
        flags["cache"] = cache
        flags["secrets"] = secrets
        flags["rate_limit"] = rateLimit
        flags["audit"] = audit
        return try resolve(Settings(flags: flags, environment: environment, file: file))
    }

    /// Everything `serve` is told, from `settings` (flags, the environment, a file: see
    /// `Settings`), over the defaults. A cache (a Redis URL) puts the Redis hot tier in front of
    /// the store. A value that does not parse is refused, naming where it came from.
    public static func resolve(_ settings: Settings) throws -> ServerConfiguration {
        var c = ServerConfiguration()
        func refuse(_ name: String, _ text: String, _ what: String) -> AgentStateError {
            AgentStateError.invalidInput(field: settings.origin(name), "'\(text)' is not \(what)")
        }
        if let h = settings.text("host") { c.host = h }
        if let text = settings.text("port") {
            guard let p = Int(text), (0...65535).contains(p) else { throw refuse("port", text, "a port number (0 to 65535)") }
            c.port = p
        }
        if let s = try settings.secretText("store") { c.store = try StoreURL(parsing: s) }
        if let redis = try settings.secretText("cache") {
            if case .tiered = c.store { throw AgentStateError.invalidInput(field: settings.origin("cache"), "the store URL names a Redis tier already") }
            c.store = .tiered(cache: redis, durable: c.store)
        }
        if let text = settings.text("secrets") {
            guard let policy = SecretPolicy(rawValue: text) else { throw refuse("secrets", text, "one of redact, reject, off") }
            c.secrets = policy
        }
        if let text = settings.text("rate_limit"), text != "off" {
            c.rateLimit = try RateLimit(parsing: text)
        }
        if let text = settings.text("audit") {
            guard let mode = AuditMode(rawValue: text) else { throw refuse("audit", text, "one of all, changes, off") }
            c.audit = mode
        }
        if let dir = settings.text("archive_dir") { c.archiveDirectory = dir }
        if let text = settings.text("retention_interval") {
            // off: another process (a scheduled `agentstate retention run`) archives, onto storage it keeps.
            if text == "off" {
                c.retentionInterval = nil
            } else {
                guard let seconds = Int(text), seconds > 0 else { throw refuse("retention_interval", text, "a number of seconds or off") }
                c.retentionInterval = .seconds(seconds)
            }
        }
        if let text = settings.text("sweep_interval") {
            // off: other servers sweep (expired leases, timers, approvals, sessions).
            if text == "off" {
                c.sweepInterval = nil
            } else {
                guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                    throw refuse("sweep_interval", text, "a number of seconds (up to 3600) or off")
                }
                c.sweepInterval = .milliseconds(Int64(seconds * 1000))
            }
        }
        if let text = settings.text("audit_retention_days") {
            guard let days = Int(text), days > 0 else { throw refuse("audit_retention_days", text, "a positive number of days") }
            c.auditRetentionDays = days
        }
        if let text = settings.text("drain_seconds") {
            guard let seconds = Int(text), seconds >= 0 else { throw refuse("drain_seconds", text, "a number of seconds") }
            c.drainSeconds = seconds
        }
        if let text = settings.text("max_body_bytes") {
            guard let n = Int(text), n > 0 else { throw refuse("max_body_bytes", text, "a positive number") }
            c.limits.maxBodyBytes = n
        }
        if let text = settings.text("kept_answer_bytes") {
            guard let n = Int(text), n >= 0 else { throw refuse("kept_answer_bytes", text, "a number of bytes") }
            c.limits.keptAnswerBytes = n
        }
        return c
    }
}
