import AgentState
import AgentStateRedis
import AgentStateTesting
import Foundation
import RESP
import Testing

@Suite("The Redis hot tier's session cache, numbering and outbox, on a real Redis")
struct RedisHotTierTests {
    let tenant: TenantID = "acme"

    func makeTier(cap: Int = 5) throws -> RedisHotTier {
        let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
        return RedisHotTier(client: client, prefix: "t-\(UUID().uuidString.prefix(8))", ttl: .seconds(600), cap: cap)
    }

    func message(_ content: String, _ role: MessageRole = .user) -> Message {
        Message(tenantId: tenant, sessionId: "s", seq: 0, role: role, content: content, tokens: 3, createdAt: Date(millisecondsSince1970: 1_700_000_000_000))
    }

    func ttl(_ tier: RedisHotTier, _ suffix: String) async throws -> Int64 {
        try await tier.client.send(RESPCommand("TTL", .string("\(tier.prefix):{\(tenant):s}:\(suffix)"))).integer ?? -3
    }

    @Test("an uncached session is a miss; once hydrated, appends are numbered on from the durable last seq, and a second hydrate changes nothing")
    func hydrateAndAppend() async throws {
        let tier = try makeTier()
        #expect(try await tier.append(tenant, "s", [message("hi")], expectedLastSeq: nil) == .miss)
        var stored = (1...3).map { i in var m = message("old \(i)"); m.seq = Int64(i); return m }
        stored[0].role = .system
        #expect(try await tier.hydrate(tenant, "s", lastSeq: 3, status: .active, system: stored[0], recent: stored))
        #expect(try await tier.append(tenant, "s", [message("a"), message("b", .assistant)], expectedLastSeq: 3) == .appended(firstSeq: 4, generation: try #require(try await tier.window(tenant, "s", count: 0)).generation))
        #expect(try await !tier.hydrate(tenant, "s", lastSeq: 3, status: .active, system: nil, recent: []))
        let w = try #require(try await tier.window(tenant, "s", count: 10))
        #expect(w.lastSeq == 5 && w.flushedSeq == 3 && w.systemSeq == 1 && w.system?.content == "old 1")
        #expect(w.messages.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(w.messages.map(\.content) == ["old 1", "old 2", "old 3", "a", "b"])
        #expect(w.messages[4].role == .assistant && w.messages[4].tenantId == tenant && w.messages[4].sessionId == "s")
        #expect(try await tier.unflushed(tenant, "s").map(\.seq) == [4, 5])
        await tier.client.close()
    }

    @Test("a reader holding the current window (same hydration, same last seq) gets SAME without the turns; after an append, or a new hydration, the window itself")
    func heldWindow() async throws {
        let tier = try makeTier()
        #expect(try await tier.hydrate(tenant, "s", lastSeq: 0, status: .active, system: nil, recent: []))
        guard case .appended(_, let generation) = try await tier.append(tenant, "s", [message("a")], expectedLastSeq: 0) else {
            Issue.record("not appended")
            return
        }
        let w = try #require(try await tier.window(tenant, "s", count: 10))
        #expect(w.generation == generation && !generation.isEmpty)
        guard case .same? = try await tier.window(tenant, "s", count: 10, holding: (generation, 1)) else {
            Issue.record("the held window is current")
            return
        }
        _ = try await tier.append(tenant, "s", [message("b")], expectedLastSeq: 1)
        guard case .changed(let after)? = try await tier.window(tenant, "s", count: 10, holding: (generation, 1)) else {
            Issue.record("an append changes the window")
            return
        }
        #expect(after.messages.map(\.content) == ["a", "b"])
        // Dropped and cached again at the same last seq: another hydration, so not the same.
        try await tier.evict(tenant, "s")
        #expect(try await tier.hydrate(tenant, "s", lastSeq: 2, status: .active, system: nil, recent: []))
        guard case .changed(let rehydrated)? = try await tier.window(tenant, "s", count: 10, holding: (generation, 2)) else {
            Issue.record("a new hydration is a new window")
            return
        }
        #expect(rehydrated.generation != generation && rehydrated.messages.isEmpty)
        await tier.client.close()
    }

    @Test("concurrent appenders get every seq once, with no gap")
    func concurrentAppends() async throws {
        let tier = try makeTier(cap: 1000)
        try await tier.hydrate(tenant, "s", lastSeq: 0, status: .active, system: nil, recent: [])
        let firsts = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for w in 0..<20 {
                group.addTask {
                    var mine: [Int64] = []
                    for i in 0..<10 {
                        guard case .appended(let first, _) = try await tier.append(tenant, "s", [message("w\(w)-\(i)a"), message("w\(w)-\(i)b")], expectedLastSeq: nil)
                        else { Issue.record("append refused"); continue }
                        mine.append(first)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(firsts.sorted() == stride(from: 1, through: 399, by: 2).map { Int64($0) })
        let all = try #require(try await tier.window(tenant, "s", count: 1000))
        #expect(all.messages.map(\.seq) == (1...400).map { Int64($0) })
        // Each pair stayed together, in order.
        for pair in stride(from: 0, to: 400, by: 2) {
            #expect(all.messages[pair].content.dropLast() == all.messages[pair + 1].content.dropLast())
        }
        await tier.client.close()
    }

    @Test("a stale expected seq is a conflict naming the last seq; a closed session takes no appends")
    func refusals() async throws {
        let tier = try makeTier()
        try await tier.hydrate(tenant, "s", lastSeq: 7, status: .active, system: nil, recent: [])
        #expect(try await tier.append(tenant, "s", [message("x")], expectedLastSeq: 6) == .conflict(lastSeq: 7))
        try await tier.setStatus(tenant, "s", .closed)
        #expect(try await tier.append(tenant, "s", [message("x")], expectedLastSeq: nil) == .closed(lastSeq: 7))
        #expect(try await tier.window(tenant, "s", count: 10)?.lastSeq == 7)
        await tier.client.close()
    }

    @Test("unflushed turns never expire and are never trimmed; once flushed, the list and the sorted set by time keep cap entries and the keys expire again")
    func flushing() async throws {
        let tier = try makeTier(cap: 3)
        try await tier.hydrate(tenant, "s", lastSeq: 0, status: .active, system: nil, recent: [])
        #expect(try await ttl(tier, "meta") > 0)
        for i in 1...8 { _ = try await tier.append(tenant, "s", [message("m\(i)", i == 1 ? .system : .user)], expectedLastSeq: nil) }
        #expect(try await ttl(tier, "meta") == -1, "no TTL while turns wait to be flushed")
        #expect(try await ttl(tier, "recent") == -1)
        #expect(try await ttl(tier, "times") == -1)

        try await tier.markFlushed(tenant, "s", through: 2)
        var w = try #require(try await tier.window(tenant, "s", count: 100))
        #expect(w.messages.map(\.seq) == Array(3...8), "the unflushed six stay, beyond the cap of three")
        #expect(try await ttl(tier, "meta") == -1)

        try await tier.markFlushed(tenant, "s", through: 8)
        w = try #require(try await tier.window(tenant, "s", count: 100))
        #expect(w.messages.map(\.seq) == [6, 7, 8])
        #expect(w.system?.content == "m1", "the system message outlives the trimming")
        #expect(try await ttl(tier, "meta") > 0)
        #expect(try await ttl(tier, "recent") > 0)
        #expect(try await ttl(tier, "times") > 0)
        // The sorted set by time is trimmed with the list, member for member.
        let times = try await tier.client.send(RESPCommand("ZRANGE", .string("\(tier.prefix):{\(tenant):s}:times"), "0", "-1"))
        #expect(times.elements?.compactMap(\.string).compactMap { Int64($0) } == [6, 7, 8])
        // Flushing is monotonic: an older report changes nothing.
        try await tier.markFlushed(tenant, "s", through: 4)
        #expect(try await tier.window(tenant, "s", count: 0)?.flushedSeq == 8)
        await tier.client.close()
    }

    @Test("each append leaves an outbox entry; unacknowledged entries pass to another flusher; acknowledged ones are gone")
    func outbox() async throws {
        let tier = try makeTier()
        try await tier.prepareOutbox()
        try await tier.prepareOutbox()  // a second server starting finds the group there
        try await tier.hydrate(tenant, "s", lastSeq: 0, status: .active, system: nil, recent: [])
        for i in 1...3 { _ = try await tier.append(tenant, "s", [message("m\(i)")], expectedLastSeq: nil) }
        let read = try await tier.readOutbox(consumer: "flusher-a", block: .milliseconds(100))
        #expect(read.map(\.lastSeq) == [1, 2, 3] && read.allSatisfy { $0.tenant == tenant && $0.session == "s" })
        #expect(try await tier.readOutbox(consumer: "flusher-a", block: .milliseconds(100)).isEmpty)

        // flusher-a dies before acknowledging: flusher-b takes its entries over.
        let claimed = try await tier.claimStale(consumer: "flusher-b", idle: .zero)
        #expect(claimed.map(\.id) == read.map(\.id))
        try await tier.acknowledge(claimed.map(\.id))
        #expect(try await tier.outboxLength() == 0)
        #expect(try await tier.claimStale(consumer: "flusher-b", idle: .zero).isEmpty)
        await tier.client.close()
    }
}
