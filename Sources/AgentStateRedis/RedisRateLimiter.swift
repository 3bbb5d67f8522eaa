import AgentState
import RESP

/// Token buckets in Redis, one per key, so that a limit holds across every server sharing it.
/// The script reads Redis's own clock, so the servers' clocks need not agree. While Redis cannot
/// answer, each server limits on its own instead of letting everything through.
public struct RedisRateLimiter: RateLimiter {
    let client: RESPClient
    let prefix: String
    let fallback = LocalRateLimiter()

    public init(client: RESPClient, prefix: String) {
        self.client = client
        self.prefix = prefix
    }

    /// KEYS: the bucket. ARGV: tokens a second, burst. Returns the milliseconds to wait, 0 when
    /// a token was taken.
    static let bucket = LuaScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
        local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(b[1]) or burst
        local at = tonumber(b[2]) or now
        tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
        local wait = 0
        if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
        return wait
        """)

    public func take(_ key: String, _ limit: RateLimit) async -> Duration? {
        do {
            let reply = try await client.run(Self.bucket, keys: ["\(prefix):ratelimit:{\(key)}"], [.string(String(limit.rate)), .integer(Int64(limit.burst))])
            guard let wait = reply.integer else { return fallback.takeNow(key, limit) }
            return wait == 0 ? nil : .milliseconds(wait)
        } catch {
            return fallback.takeNow(key, limit)
        }
    }
}

extension TieredStore: SharedRateLimiting {
    public var sharedRateLimiter: any RateLimiter { RedisRateLimiter(client: hot.client, prefix: hot.prefix) }
}
