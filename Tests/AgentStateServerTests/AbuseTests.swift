import AgentState
import AgentStateServer
import HTTPTypes
import Testing

@Suite("API: rate limits and abuse")
struct AbuseTests {
    @Test("past its key's limit a client gets 429 with Retry-After; another key is not held back")
    func perKeyLimit() async throws {
        let h = try await APIHarness.make()
        // A token a minute, so that a slow machine does not refill the bucket mid-test.
        try await h.run(configure: { $0.rateLimit = RateLimit(rate: 1.0 / 60, burst: 3) }) { c in
            for _ in 0..<3 { #expect(try await c.call(.get, "/v1/sessions").status == 200) }
            let refused = try await c.call(.get, "/v1/sessions")
            let wait = refused.headers[.retryAfter].flatMap { Int($0) }
            #expect(refused.status == 429 && refused["code"] == "rate_limited" && wait != nil && (1...60).contains(wait!), "\(refused.text)")
            #expect(try await c.call(.get, "/v1/sessions", key: h.operator).status == 200)
        }
    }

    @Test("guessing keys is slowed down: past its failures' burst an address gets 429 before any key is looked at, its right key too")
    func bruteForce() async throws {
        let h = try await APIHarness.make()
        try await h.run(configure: { $0.authFailureLimit = RateLimit(rate: 1.0 / 60, burst: 5) }) { c in
            #expect(try await c.call(.get, "/v1/sessions").status == 200, "successes cost nothing")
            for i in 0..<5 { #expect(try await c.call(.get, "/v1/sessions", key: "as_guess\(i)").status == 401) }
            let slowed = try await c.call(.get, "/v1/sessions", key: "as_guess5")
            #expect(slowed.status == 429 && slowed.headers[.retryAfter] != nil, "\(slowed.text)")
            #expect(try await c.call(.get, "/v1/sessions").status == 429)
        }
    }

    @Test("change feeds past the server's limit get 429")
    func streamLimit() async throws {
        let h = try await APIHarness.make()
        _ = try await h.store.createRun("acme", RunCreate(id: "r", workflow: "w"))
        try await h.run(configure: { $0.limits.maxEventStreams = 0 }) { c in
            let refused = try await c.call(.get, "/v1/events/stream?run_id=r&max_events=1")
            #expect(refused.status == 429 && refused["code"] == "too_many_streams", "\(refused.text)")
        }
    }
}
