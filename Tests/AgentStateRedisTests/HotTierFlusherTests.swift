import AgentState
import AgentStateRedis
import AgentStateTesting
import Foundation
import RESP
import Testing

@Suite("The hot tier's flusher, into a durable store")
struct HotTierFlusherTests {
    let tenant: TenantID = "acme"

    func setUp() async throws -> (RedisHotTier, InMemoryStore) {
        let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
        let tier = RedisHotTier(client: client, prefix: "f-\(UUID().uuidString.prefix(8))", ttl: .seconds(600), cap: 50)
        try await tier.prepareOutbox()
        let durable = InMemoryStore()
        _ = try await durable.createSession(tenant, SessionCreate(id: "s"))
        let stored = try await durable.appendMessages(tenant, "s", [.system("Be brief."), .user("Hi")], expectedLastSeq: 0)
        try await tier.hydrate(tenant, "s", lastSeq: 2, status: .active, system: stored[0], recent: stored)
        return (tier, durable)
    }

    func message(_ content: String) -> Message {
        Message(tenantId: tenant, sessionId: "s", seq: 0, role: .user, content: content, tokens: 2, createdAt: Date(millisecondsSince1970: Date().millisecondsSince1970))
    }

    func durableContents(_ durable: InMemoryStore) async throws -> [String] {
        try await durable.messages(tenant, "s", .after(seq: 0, limit: 100)).messages.map(\.content)
    }

    @Test("a round imports every appended turn, in order, marks the session flushed and empties the outbox")
    func round() async throws {
        let (tier, durable) = try await setUp()
        for i in 1...3 { _ = try await tier.append(tenant, "s", [message("t\(i)")], expectedLastSeq: nil) }
        let flusher = HotTierFlusher(tier: tier, durable: durable, consumer: "a")
        #expect(try await flusher.runOnce(block: .milliseconds(100)) == 3)
        #expect(try await durableContents(durable) == ["Be brief.", "Hi", "t1", "t2", "t3"])
        #expect(try await tier.window(tenant, "s", count: 0)?.flushedSeq == 5)
        #expect(try await tier.outboxLength() == 0)
        await tier.client.close()
    }

    @Test("a flusher that dies after the durable commit but before acknowledging: another takes over and nothing is stored twice")
    func takeover() async throws {
        let (tier, durable) = try await setUp()
        for i in 1...4 { _ = try await tier.append(tenant, "s", [message("t\(i)")], expectedLastSeq: nil) }
        // Flusher a reads the outbox and commits to the durable store, then dies.
        _ = try await tier.readOutbox(consumer: "a", block: .milliseconds(100))
        _ = try await durable.importMessages(tenant, "s", try await tier.unflushed(tenant, "s"))

        let b = HotTierFlusher(tier: tier, durable: durable, consumer: "b", claimIdle: .zero)
        #expect(try await b.runOnce(block: .milliseconds(100)) == 4)
        #expect(try await durableContents(durable) == ["Be brief.", "Hi", "t1", "t2", "t3", "t4"])
        #expect(try await tier.unflushed(tenant, "s").isEmpty)
        #expect(try await tier.outboxLength() == 0)
        await tier.client.close()
    }

    @Test("turns of a session deleted from the durable store are dropped with it, and their entries acknowledged")
    func deleted() async throws {
        let (tier, durable) = try await setUp()
        _ = try await tier.append(tenant, "s", [message("late")], expectedLastSeq: nil)
        try await durable.deleteSession(tenant, "s")
        let flusher = HotTierFlusher(tier: tier, durable: durable, consumer: "a")
        #expect(try await flusher.runOnce(block: .milliseconds(100)) == 1)
        #expect(try await tier.window(tenant, "s", count: 0) == nil)
        #expect(try await tier.outboxLength() == 0)
        await tier.client.close()
    }

    @Test("turns the durable store took while Redis was away come first; Redis's unflushed turns are kept after them, renumbered, once each, and the stale copy is dropped")
    func reconciled() async throws {
        let (tier, durable) = try await setUp()
        // Redis acknowledged two turns as seqs 3 and 4; meanwhile another server, not reaching
        // Redis, appended two to the durable store, which numbered them 3 and 4 too.
        let timedOut = message("timed out, yet reached Redis")
        _ = try await tier.append(tenant, "s", [message("r1"), timedOut], expectedLastSeq: nil)
        _ = try await durable.appendMessages(tenant, "s", [.user("d1")], expectedLastSeq: 2)
        // The second Redis turn also reached the durable store, by the fallback of its append.
        var copy = timedOut
        copy.seq = 4
        _ = try await durable.importMessages(tenant, "s", [copy])

        let flusher = HotTierFlusher(tier: tier, durable: durable, consumer: "a")
        #expect(try await flusher.runOnce(block: .milliseconds(100)) == 1)
        #expect(try await durableContents(durable) == ["Be brief.", "Hi", "d1", "timed out, yet reached Redis", "r1"])
        #expect(try await durable.session(tenant, "s").lastSeq == 5)
        #expect(try await tier.window(tenant, "s", count: 0) == nil, "the copy numbered otherwise is gone")
        #expect(try await tier.outboxLength() == 0)
        await tier.client.close()
    }
}
