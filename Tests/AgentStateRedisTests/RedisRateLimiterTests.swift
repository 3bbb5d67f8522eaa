import AgentState
import AgentStateRedis
import AgentStateTesting
import Foundation
import RESP
import Testing

@Suite("Rate limits shared in Redis")
struct RedisRateLimiterTests {
    @Test("two servers' limiters share a key's bucket in Redis; while Redis is stopped each limits on its own")
    func shared() async throws {
        let prefix = "rl-\(UUID().uuidString.prefix(8))"
        let url = try TestRedis.url()
        let a = RedisRateLimiter(client: RESPClient(configuration: try RESPConfiguration(url: url)), prefix: prefix)
        let b = RedisRateLimiter(client: RESPClient(configuration: try RESPConfiguration(url: url)), prefix: prefix)
        // A token a minute, so that a slow machine does not refill the bucket mid-test.
        let limit = RateLimit(rate: 1.0 / 60, burst: 4)
        var allowed = 0
        for i in 0..<8 where await (i % 2 == 0 ? a : b).take("key:k1", limit) == nil { allowed += 1 }
        #expect(allowed == 4, "the burst is shared by both servers")
        let wait = await a.take("key:k1", limit)
        #expect(wait != nil && wait! > .seconds(30) && wait! <= .seconds(60), "\(String(describing: wait))")
        #expect(await b.take("key:k2", limit) == nil, "another key has its own bucket")

        // Without Redis, a limiter falls back to a bucket of its own rather than letting all through.
        let dead = RedisRateLimiter(client: RESPClient(configuration: try RESPConfiguration(url: "redis://127.0.0.1:1?connect_timeout=1")), prefix: prefix)
        var withoutRedis = 0
        for _ in 0..<6 where await dead.take("key:k1", limit) == nil { withoutRedis += 1 }
        #expect(withoutRedis == 4)
    }
}
