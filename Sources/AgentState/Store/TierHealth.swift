/// How the cache in front of a store is doing, for a store made of tiers that can fail apart
/// (the tiered store's Redis): the server shows it in `/health/ready` and `/metrics`.
public struct TierHealth: Sendable, Equatable {
    /// `ok`, or why the cache cannot be used (the store then serves from its durable tier).
    public var cache: String
    /// Appends waiting in the outbox to be flushed to the durable tier, when known.
    public var outboxLength: Int?
    /// How long the oldest of them has waited (zero when none waits), when known.
    public var flushLag: Duration?
    /// Of the context reads so far, the share served by the cache alone.
    public var hitRatio: Double?

    public init(cache: String, outboxLength: Int? = nil, flushLag: Duration? = nil, hitRatio: Double? = nil) {
        self.cache = cache
        self.outboxLength = outboxLength
        self.flushLag = flushLag
        self.hitRatio = hitRatio
    }

    public var isDegraded: Bool { cache != "ok" }
}

public protocol TierHealthReporting: StateStore {
    func tierHealth() async -> TierHealth
}
