import AgentState
import AgentStateRedis
import AgentStateTesting
import Foundation
import RESP
import Testing

@Suite("Tiered store: what is served from Redis, and when the durable store takes over")
struct TieredStoreTests {
    let tenant: TenantID = "acme"

    func make() throws -> (TieredStore, InMemoryStore) {
        let durable = InMemoryStore()
        // The tests count hits and misses exactly; a read that timed out at the default 5 s on a
        // loaded machine (one full run took 41 s over a test that takes well under one) would be
        // served by the durable store and counted a miss, as it should be, and fail the count.
        var configuration = try RESPConfiguration(url: try TestRedis.url())
        configuration.commandTimeout = .seconds(60)
        let client = RESPClient(configuration: configuration)
        let store = TieredStore(hot: RedisHotTier(client: client, prefix: "ts-\(UUID().uuidString.prefix(8))"), durable: durable,
                                consumer: "test", background: false)
        return (store, durable)
    }

    @Test("a context read of the newest turns comes from Redis alone, before any flush; other reads flush first")
    func hotRead() async throws {
        let (store, durable) = try make()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        _ = try await store.appendMessages(tenant, "s", [.system("Be brief."), .user("q1")], expectedLastSeq: 0)
        _ = try await store.appendMessages(tenant, "s", [.assistant("a1"), .user("q2")], expectedLastSeq: 2)

        let window = try await store.messages(tenant, "s", .last(2))
        #expect(window.messages.map(\.content) == ["Be brief.", "a1", "q2"], "system pinned, newest two")
        #expect(window.lastSeq == 4)
        #expect(try await durable.messages(tenant, "s", .after(seq: 0, limit: 10)).messages.isEmpty, "nothing was flushed to serve it")

        #expect(await store.tierHealth().hitRatio == 1)
        _ = try await store.createSession(tenant, SessionCreate(id: "idle"))
        let listed = try await store.sessions(tenant, SessionQuery(limit: 10)).items
        #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0.lastSeq) }) == ["s": 4, "idle": 0], "a listing flushes the sessions with turns in Redis")
        #expect(try await store.messages(tenant, "s", .after(seq: 1, limit: 10)).messages.map(\.seq) == [2, 3, 4])
        #expect(try await durable.messages(tenant, "s", .after(seq: 0, limit: 10)).messages.count == 4, "that read flushed")
        try await store.close()
    }

    @Test("a window this process holds is served again only while current: another server's append, and a compaction, are seen at once")
    func heldWindowAcrossServers() async throws {
        let durable = InMemoryStore()
        let prefix = "hw-\(UUID().uuidString.prefix(8))"
        func server() throws -> TieredStore {
            TieredStore(hot: RedisHotTier(client: RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url())), prefix: prefix),
                        durable: durable, consumer: UUID().uuidString, background: false)
        }
        let (a, b) = (try server(), try server())
        _ = try await a.createSession(tenant, SessionCreate(id: "s"))
        _ = try await a.appendMessages(tenant, "s", [.system("Be brief."), .user("q1")], expectedLastSeq: 0)
        #expect(try await a.messages(tenant, "s", .last(5)).messages.map(\.content) == ["Be brief.", "q1"])
        _ = try await a.appendMessages(tenant, "s", [.assistant("a1")], expectedLastSeq: 2)
        #expect(try await a.messages(tenant, "s", .last(5)).messages.map(\.content) == ["Be brief.", "q1", "a1"], "its own append")
        _ = try await b.appendMessages(tenant, "s", [.user("q2")], expectedLastSeq: 3)
        #expect(try await a.messages(tenant, "s", .last(5)).messages.map(\.content) == ["Be brief.", "q1", "a1", "q2"], "the other server's")
        _ = try await b.compact(tenant, "s", summary: "they said hello", throughSeq: 3, tokens: 3)
        let compacted = try await a.messages(tenant, "s", .last(5))
        #expect(compacted.summary?.text == "they said hello" && compacted.messages.map(\.content) == ["Be brief.", "q2"])
        // The compaction dropped the session from Redis, so that read was the durable store's.
        #expect(await a.tierHealth().hitRatio == 0.75)
        try await a.close()
        try await b.close()
    }

    @Test("a time range the cached turns cover is read from Redis by the sorted set, before any flush; one reaching past them is the durable store's, with the same answer")
    func timeRange() async throws {
        let durable = InMemoryStore()
        let clock = ManualClock()
        let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
        // Five turns kept once flushed, so that older ones are trimmed from Redis.
        let tier = RedisHotTier(client: client, prefix: "tr-\(UUID().uuidString.prefix(8))", cap: 5)
        let store = TieredStore(hot: tier, durable: durable, consumer: "test", clock: clock, background: false)
        try await tier.prepareOutbox()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        let start = clock.now()
        for i in 1...12 {
            _ = try await store.appendMessages(tenant, "s", [.user("m\(i)")], expectedLastSeq: nil)
            clock.advance(by: 120)
        }
        // m1 at start, m2 two minutes later, and so on.
        func at(_ minutes: Double) -> Date { start.adding(seconds: minutes * 60) }
        let hot = try await store.messages(tenant, "s", .between(since: at(4), until: at(10), limit: 100))
        #expect(hot.messages.map(\.content) == ["m3", "m4", "m5"])
        #expect(hot.lastSeq == 12 && hot.tokens == hot.messages.reduce(0) { $0 + $1.tokens })
        #expect(try await durable.messages(tenant, "s", .after(seq: 0, limit: 100)).messages.isEmpty, "served before any flush")
        #expect(try await store.messages(tenant, "s", .between(since: at(4), until: nil, limit: 2)).messages.map(\.content) == ["m3", "m4"])
        #expect(await store.tierHealth().hitRatio == 1)

        // Flushed, Redis keeps the newest five (m8…m12): an earlier range is the durable store's.
        try await store.flusher.drain()
        let old = try await store.messages(tenant, "s", .between(since: at(4), until: at(10), limit: 100))
        #expect(old.messages.map(\.content) == ["m3", "m4", "m5"])
        #expect(await store.tierHealth().hitRatio == 2.0 / 3.0)
        let recent = try await store.messages(tenant, "s", .between(since: at(18), until: nil, limit: 100))
        #expect(recent.messages.map(\.content) == ["m10", "m11", "m12"])
        #expect(recent == (try await durable.messages(tenant, "s", .between(since: at(18), until: nil, limit: 100))))
        #expect(await store.tierHealth().hitRatio == 3.0 / 4.0, "m8 is more than the allowed skew older than the range")
        await expectFailure(.invalidInput, "until before since, as the durable store says") {
            try await store.messages(tenant, "s", .between(since: at(10), until: at(4), limit: 10))
        }
        try await store.close()
    }

    @Test("a tool call is found in Redis while its messages are cached, before any flush; an older one in the durable store; the calls hash stays in proportion")
    func toolCalls() async throws {
        let durable = InMemoryStore()
        let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
        let tier = RedisHotTier(client: client, prefix: "tc-\(UUID().uuidString.prefix(8))", cap: 3)
        let store = TieredStore(hot: tier, durable: durable, consumer: "test", background: false)
        try await tier.prepareOutbox()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        let first = ToolCall(id: "call_1", name: "search", arguments: "{}")
        _ = try await store.appendMessages(tenant, "s", [.assistant("", toolCalls: [first])], expectedLastSeq: 0)
        #expect(try await store.toolCall(tenant, "s", "call_1").status == .pending)
        _ = try await store.appendMessages(tenant, "s", [.tool("found", callId: "call_1")], expectedLastSeq: 1)
        let hot = try await store.toolCall(tenant, "s", "call_1")
        #expect(hot.status == .answered && hot.result?.seq == 2 && hot.call == first)
        #expect(try await durable.messages(tenant, "s", .after(seq: 0, limit: 10)).messages.isEmpty, "answered before any flush")

        for i in 2...9 {
            _ = try await store.appendMessages(tenant, "s", [.assistant("", toolCalls: [ToolCall(id: "call_\(i)", name: "search", arguments: "{}")])],
                                               expectedLastSeq: nil)
        }
        try await store.flusher.drain()
        // Redis keeps the newest three messages; call_1 is older, so the durable store answers.
        #expect(try await store.toolCall(tenant, "s", "call_1") == hot)
        #expect(try await store.toolCall(tenant, "s", "call_9").requestSeq == 10)
        let calls = try await client.send(RESPCommand("HLEN", .string("\(tier.prefix):{\(tenant):s}:calls"))).integer ?? -1
        #expect(calls <= 6, "pruned to the calls of the cached messages once past twice the cap: \(calls)")
        try await store.close()
    }

    @Test("a context read of a session Redis does not hold caches it from the durable store: the next read is Redis's")
    func readMissHydrates() async throws {
        let (store, durable) = try make()
        _ = try await durable.createSession(tenant, SessionCreate(id: "s"))
        _ = try await durable.appendMessages(tenant, "s", [.system("Be brief."), .user("q1"), .assistant("a1")], expectedLastSeq: 0)
        #expect(try await store.hot.window(tenant, "s", count: 0) == nil)
        let first = try await store.messages(tenant, "s", .last(2))
        #expect(first.messages.map(\.content) == ["Be brief.", "q1", "a1"])
        #expect(await store.tierHealth().hitRatio == 0)
        #expect(try await store.hot.window(tenant, "s", count: 0)?.lastSeq == 3, "cached by the miss")
        #expect(try await store.messages(tenant, "s", .last(2)) == first)
        #expect(await store.tierHealth().hitRatio == 0.5)
        // A closed session is not cached; the durable store answers each read.
        _ = try await durable.createSession(tenant, SessionCreate(id: "closed"))
        _ = try await durable.closeSession(tenant, "closed")
        #expect(try await store.messages(tenant, "closed", .last(2)).messages.isEmpty)
        #expect(try await store.hot.window(tenant, "closed", count: 0) == nil)
        await expectFailure(.notFound, "an unknown session") { try await store.messages(tenant, "nope", .last(2)) }
        try await store.close()
    }

    @Test("after a compaction the window starts after the summary, from Redis as from the durable store")
    func compacted() async throws {
        let (store, durable) = try make()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        for i in 1...6 { _ = try await store.appendMessages(tenant, "s", [.user("m\(i)")], expectedLastSeq: nil) }
        _ = try await store.compact(tenant, "s", summary: "m1 to m4 said hello", throughSeq: 4, tokens: 5)
        _ = try await store.appendMessages(tenant, "s", [.user("m7")], expectedLastSeq: 6)
        let hot = try await store.messages(tenant, "s", .last(10))
        #expect(hot.summary?.text == "m1 to m4 said hello")
        #expect(hot.messages.map(\.content) == ["m5", "m6", "m7"])
        _ = try await store.messages(tenant, "s", .after(seq: 0, limit: 1))  // flushes
        #expect(try await durable.messages(tenant, "s", .last(10)) == hot)
        try await store.close()
    }
}

@Suite("Tiered store: while Redis is away", .serialized)
struct TieredOutageTests {
    let tenant: TenantID = "acme"

    @Test("appends go to the durable store; when Redis is back, the turns it held unflushed are kept after them, and the cache re-warms")
    func outage() async throws {
        let redis = try ThrowawayServer.start("redis")
        defer { redis.stop() }
        let durable = InMemoryStore()
        // A command timeout of 1 s let the first append, slow on a loaded machine, time out and go to
        // the durable store while Redis applied it too: then nothing was "unseen" by the durable
        // store. With Redis stopped, commands fail at connect, within the 1 s connect timeout.
        let client = RESPClient(configuration: try RESPConfiguration(url: redis.url + "?timeout=10&connect_timeout=1"))
        let store = TieredStore(hot: RedisHotTier(client: client, prefix: "outage"), durable: durable, consumer: "test", background: false)
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        #expect(try await store.appendMessages(tenant, "s", [.user("r1"), .assistant("r2")], expectedLastSeq: 0).map(\.seq) == [1, 2])

        try redis.pause()
        // The durable store never saw Redis's two turns, so it numbers from 1.
        #expect(try await store.appendMessages(tenant, "s", [.user("d1")], expectedLastSeq: nil).map(\.seq) == [1])
        #expect(try await store.appendMessages(tenant, "s", [.assistant("d2")], expectedLastSeq: 1).map(\.seq) == [2])
        await expectFailure(.versionConflict, "a stale expected seq, checked by the durable store") {
            try await store.appendMessages(tenant, "s", [.user("late")], expectedLastSeq: 1)
        }
        #expect(try await store.messages(tenant, "s", .last(10)).messages.map(\.content) == ["d1", "d2"], "degraded: Redis's turns unseen")

        try redis.resume()
        // The client reconnects with backoff; meanwhile the durable store keeps serving.
        let deadline = ContinuousClock.now + .seconds(10)
        while await store.tierHealth().isDegraded, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let after = try await store.appendMessages(tenant, "s", [.user("after")], expectedLastSeq: nil)
        #expect(after.map(\.seq) == [5])
        let window = try await store.messages(tenant, "s", .last(10))
        #expect(window.messages.map(\.content) == ["d1", "d2", "r1", "r2", "after"])
        #expect(await store.tierHealth().hitRatio == 0.5, "the outage read missed; the read after it came from Redis, re-warmed")
        _ = try await store.messages(tenant, "s", .after(seq: 0, limit: 1))  // flushes
        #expect(try await durable.messages(tenant, "s", .after(seq: 0, limit: 10)).messages.map(\.content) == ["d1", "d2", "r1", "r2", "after"])
        try await store.close()
    }
}

@Suite("Tiered store: change notices between servers")
struct TieredChangeNoticeTests {
    @Test("an append on one server wakes a change feed on another through Redis Pub/Sub, before any flush")
    func acrossServers() async throws {
        let prefix = "cn-\(UUID().uuidString.prefix(8))"
        func server(_ durable: InMemoryStore) throws -> TieredStore {
            let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
            return TieredStore(hot: RedisHotTier(client: client, prefix: prefix), durable: durable, consumer: UUID().uuidString)
        }
        // Separate durable stores, so that only Redis can carry the notice from one to the other.
        let (d1, d2) = (InMemoryStore(), InMemoryStore())
        _ = try await d1.createSession("acme", SessionCreate(id: "s"))
        let (a, b) = (try server(d1), try server(d2))
        let feed = b.changes.subscribe("acme", stream: "session:s")
        // B's listener subscribes in the background, and its first act wakes every feed (notices
        // sent before were not heard): let that happen and take it, since it is not what is tested.
        try await Task.sleep(for: .seconds(1))
        await feed.next(timeout: .milliseconds(100))
        // A first append readies A's connections and scripts (slow on a loaded machine); its
        // notice, and anything else pending, is taken before the append that is timed.
        _ = try await a.appendMessages("acme", "s", [.user("warm up")], expectedLastSeq: nil)
        await feed.next(timeout: .seconds(10))
        await feed.next(timeout: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await a.appendMessages("acme", "s", [.user("hello")], expectedLastSeq: nil)
        await feed.next(timeout: .seconds(10))
        // Without the notice the feed would wake only at its 10 s timeout.
        #expect(clock.now - start < .seconds(5), "server B's feed woke on server A's append")
        feed.cancel()
        try await a.close()
        try await b.close()
    }
}

@Suite("Tiered store: Sentinel failover", .serialized)
struct TieredSentinelTests {
    @Test("with replicas=1 each append waits for the replica; the primary stops, appends go on through the failover, and every acknowledged turn is stored once")
    func failover() async throws {
        let group = try ThrowawayServer.start("redis", "start-sentinel")
        defer { group.stop() }
        let primaryDir = group.variables["AGENTSTATE_TEST_REDIS_PRIMARY_DIR"]!
        let url = group.url + (group.url.contains("?") ? "&" : "?") + "replicas=1&connect_timeout=1&timeout=2"
        let client = RESPClient(configuration: try RESPConfiguration(url: url), poolSize: 2)
        let tier = RedisHotTier(client: client, prefix: "sf")
        let durable = InMemoryStore()
        let store = TieredStore(hot: tier, durable: durable, consumer: "test", background: false)
        try await tier.prepareOutbox()
        _ = try await store.createSession("acme", SessionCreate(id: "s"))
        var acknowledged: [String] = []
        for i in 1...30 {
            _ = try await store.appendMessages("acme", "s", [.user("before \(i)")], expectedLastSeq: nil)
            acknowledged.append("before \(i)")
        }
        // Every append was followed by WAIT on the primary.
        let stats = try await client.send(RESPCommand("INFO", "commandstats")).string ?? ""
        let waits = stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_wait:") }
            .flatMap { $0.split(separator: "=").dropFirst().first?.split(separator: ",").first }.flatMap { Int($0) }
        #expect((waits ?? 0) >= 30, "\(stats.split(whereSeparator: \.isNewline).filter { $0.contains("wait") })")

        // The primary stops with all 30 turns unflushed; Sentinel promotes the replica.
        try group.pause(primaryDir)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(40)
        var i = 0
        var backOnRedis = false
        while clock.now < deadline {
            i += 1
            _ = try await store.appendMessages("acme", "s", [.user("during \(i)")], expectedLastSeq: nil)
            acknowledged.append("during \(i)")
            if !(await store.tierHealth().isDegraded) {
                // One more, through the promoted replica.
                _ = try await store.appendMessages("acme", "s", [.user("after")], expectedLastSeq: nil)
                acknowledged.append("after")
                backOnRedis = true
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(backOnRedis, "Redis served again within 40 s of the primary stopping")
        try await store.flusher.drain()
        _ = try await store.messages("acme", "s", .after(seq: 0, limit: 1))  // flushes what is left
        let stored = try await durable.messages("acme", "s", .after(seq: 0, limit: 1000)).messages.map(\.content)
        #expect(stored.count == acknowledged.count && Set(stored) == Set(acknowledged),
                "\(acknowledged.count) acknowledged, \(stored.count) stored; missing \(Set(acknowledged).subtracting(stored).sorted().prefix(5))")
        try await store.close()
    }
}
