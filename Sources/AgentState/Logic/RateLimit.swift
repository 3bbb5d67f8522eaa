import Synchronization

/// A token bucket's shape: `rate` requests a second on average, and up to `burst` at once.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public var rate: Double
    public var burst: Int

    public init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    /// `N/s` or `N/m`, optionally `:BURST` (by default one second's worth, at least 1).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1)
        let perPart = parts[0].split(separator: "/")
        guard perPart.count == 2, let n = Double(perPart[0]), n > 0, ["s", "m"].contains(perPart[1]) else {
            throw AgentStateError.invalidInput(field: "rate_limit", "'\(text)' is not N/s or N/m, with an optional :BURST")
        }
        rate = perPart[1] == "s" ? n : n / 60
        if parts.count == 2 {
            guard let b = Int(parts[1]), b > 0 else { throw AgentStateError.invalidInput(field: "rate_limit", "the burst in '\(text)' is not a positive number") }
            burst = b
        } else {
            burst = max(1, Int(rate.rounded(.up)))
        }
    }

    public var description: String { "\(rate)/s:\(burst)" }
}

/// Decides whether a caller may go on. `take` spends a token of `key`'s bucket, or says how
/// long until one is there.
public protocol RateLimiter: Sendable {
    func take(_ key: String, _ limit: RateLimit) async -> Duration?
}

/// A store that offers a rate limiter shared by every server using it (the tiered store's
/// Redis), so that a key's limit holds across servers.
public protocol SharedRateLimiting: StateStore {
    var sharedRateLimiter: any RateLimiter { get }
}

/// Token buckets in this process.
public final class LocalRateLimiter: RateLimiter {
    private struct Bucket { var tokens: Double; var at: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant
    /// Buckets kept at most; full ones go first when there are more (a full bucket is a new one).
    let capacity: Int

    public init(capacity: Int = 100_000, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.capacity = capacity
        self.now = now
    }

    public func take(_ key: String, _ limit: RateLimit) async -> Duration? { takeNow(key, limit) }

    /// Whether `key` has a token to spend, without spending it.
    public func hasToken(_ key: String, _ limit: RateLimit) -> Bool {
        let t = now()
        return buckets.withLock { b in b[key].map { Self.refilled($0, limit, at: t).tokens >= 1 } ?? true }
    }

    public func takeNow(_ key: String, _ limit: RateLimit) -> Duration? {
        let t = now()
        return buckets.withLock { b in
            var bucket = b[key].map { Self.refilled($0, limit, at: t) } ?? Bucket(tokens: Double(limit.burst), at: t)
            defer {
                b[key] = bucket
                if b.count > capacity { Self.prune(&b, limit, at: t) }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / limit.rate * 1000).rounded(.up)))
        }
    }

    private static func refilled(_ bucket: Bucket, _ limit: RateLimit, at t: ContinuousClock.Instant) -> Bucket {
        let elapsed = t - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Bucket(tokens: min(Double(limit.burst), bucket.tokens + seconds * limit.rate), at: t)
    }

    private static func prune(_ b: inout [String: Bucket], _ limit: RateLimit, at t: ContinuousClock.Instant) {
        b = b.filter { refilled($0.value, limit, at: t).tokens < Double(limit.burst) }
    }
}
