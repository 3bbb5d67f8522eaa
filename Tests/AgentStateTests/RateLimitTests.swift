import AgentState
import Synchronization
import Testing

@Suite("Rate limits")
struct RateLimitTests {
    @Test("a limit is N/s or N/m with an optional burst; anything else is refused")
    func parsing() throws {
        #expect(try RateLimit(parsing: "50/s") == RateLimit(rate: 50, burst: 50))
        #expect(try RateLimit(parsing: "600/m:20") == RateLimit(rate: 10, burst: 20))
        #expect(try RateLimit(parsing: "1/m") == RateLimit(rate: 1.0 / 60, burst: 1))
        for bad in ["50", "50/h", "-1/s", "x/s", "5/s:0", "5/s:many"] {
            #expect(throws: AgentStateError.self, "\(bad)") { try RateLimit(parsing: bad) }
        }
    }

    @Test("a bucket lets a burst through, then one request per refill, saying how long to wait; keys are apart")
    func bucket() {
        let clock = Mutex(ContinuousClock.now)
        let limiter = LocalRateLimiter { clock.withLock { $0 } }
        let limit = RateLimit(rate: 2, burst: 3)
        for _ in 0..<3 { #expect(limiter.takeNow("a", limit) == nil) }
        #expect(limiter.takeNow("a", limit) == .milliseconds(500))
        #expect(!limiter.hasToken("a", limit) && limiter.hasToken("b", limit))
        #expect(limiter.takeNow("b", limit) == nil, "another key has its own bucket")
        clock.withLock { $0 += .milliseconds(500) }
        #expect(limiter.takeNow("a", limit) == nil)
        #expect(limiter.takeNow("a", limit) != nil)
        clock.withLock { $0 += .seconds(60) }
        for _ in 0..<3 { #expect(limiter.takeNow("a", limit) == nil) }
        #expect(limiter.takeNow("a", limit) != nil, "an idle bucket refills to its burst, no further")
    }
}
