import AgentState
import AgentStateRedis
import AgentStateSQLite
import AgentStateTesting
import Foundation
import NIOCore
import RESP
import Testing

/// Every value Redis holds under `prefix`, read by type, and each key's `DUMP`: what a
/// snapshot, a replica or anyone with access to Redis sees.
private func everything(_ client: RESPClient, prefix: String) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    func add(_ value: RESPValue) {
        if var b = value.bytes { bytes += b.readBytes(length: b.readableBytes) ?? [] }
        for element in value.elements ?? [] { add(element) }
        for (k, v) in value.pairs ?? [] { add(k); add(v) }
    }
    var cursor = "0", keys: [String] = []
    repeat {
        let reply = try await client.send(RESPCommand("SCAN", .string(cursor), "MATCH", .string(prefix + "*"), "COUNT", "1000"))
        cursor = reply.elements?[0].string ?? "0"
        keys += reply.elements?[1].elements?.compactMap(\.string) ?? []
    } while cursor != "0"
    for key in keys {
        let read: RESPCommand
        switch try await client.send(RESPCommand("TYPE", .string(key))).string {
        case "string": read = RESPCommand("GET", .string(key))
        case "list": read = RESPCommand("LRANGE", .string(key), "0", "-1")
        case "hash": read = RESPCommand("HGETALL", .string(key))
        case "zset": read = RESPCommand("ZRANGE", .string(key), "0", "-1")
        case "set": read = RESPCommand("SMEMBERS", .string(key))
        case "stream": read = RESPCommand("XRANGE", .string(key), "-", "+")
        default: continue
        }
        add(try await client.send(read))
        add(try await client.send(RESPCommand("DUMP", .string(key))))
    }
    #expect(!keys.isEmpty, "the hot tier holds the session")
    return bytes
}

@Suite("Tiered store: encryption at rest in Redis")
struct RedisSealingTests {
    @Test("with a key ring, no Redis value or DUMP holds what agents stored; without one, the same search finds it")
    func nothingPlainInRedis() async throws {
        for ring in [SealingCheck.ring, nil] {
            let prefix = "seal-\(UUID().uuidString.prefix(8))"
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sealed-tier-\(UUID().uuidString).sqlite").path
            let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
            let store = TieredStore(hot: RedisHotTier(client: client, prefix: prefix, keyRing: ring),
                                    durable: try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(keyRing: ring)),
                                    consumer: "seal", background: false)
            let canary = SealingCheck.canary()
            try await SealingCheck.writeEverywhere(store, canary: canary)
            try await SealingCheck.readBack(store, canary: canary)
            _ = try await store.appendMessages(SealingCheck.tenant, "s", [.user("one more \(canary)")], expectedLastSeq: nil)
            #expect(try await store.messages(SealingCheck.tenant, "s", .last(1)).messages.last?.content == "one more \(canary)")
            let held = try await everything(client, prefix: prefix)
            #expect(SealingCheck.contains(held, canary) == (ring == nil), "ring \(ring?.activeKeyId ?? "none"): values and DUMPs")
            // The append-only file logs each script's writes, not its arguments.
            let aof = try runProcess(URL(fileURLWithPath: "/bin/grep"), ["-r", "-l", "-a", "-F", canary, try TestRedis.directory()])
            #expect(aof.status == (ring == nil ? 0 : 1), "ring \(ring?.activeKeyId ?? "none"): Redis's files \(aof.stderr)")
            try await store.close()
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    @Test("after re-sealing, flushed sessions leave the cache and come back under the newest key")
    func evictionAfterResealing() async throws {
        let prefix = "reseal-\(UUID().uuidString.prefix(8))"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reseal-tier-\(UUID().uuidString).sqlite").path
        func open(_ ring: DataKeyRing) throws -> TieredStore {
            let client = RESPClient(configuration: try! RESPConfiguration(url: try! TestRedis.url()))
            return TieredStore(hot: RedisHotTier(client: client, prefix: prefix, keyRing: ring),
                               durable: try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(keyRing: ring)),
                               consumer: "seal", background: false)
        }
        let old = try open(SealingCheck.oldRing)
        let canary = SealingCheck.canary()
        try await SealingCheck.writeEverywhere(old, canary: canary)
        // A read of the whole conversation flushes it: the cached copy is then all flushed.
        _ = try await old.messages(SealingCheck.tenant, "s", .after(seq: 0, limit: 10))
        #expect(SealingCheck.contains(try await everything(old.hot.client, prefix: prefix), "\u{1}old:"))
        try await old.close()

        let both = try open(SealingCheck.ring)
        _ = try await (both.durable as! SQLiteStore).resealAll()
        #expect(try await both.hot.evictFlushedSessions(waiting: .seconds(5)) == 0)
        _ = try await both.appendMessages(SealingCheck.tenant, "s", [.user("after \(canary)")], expectedLastSeq: nil)
        let held = try await everything(both.hot.client, prefix: prefix)
        #expect(!SealingCheck.contains(held, "\u{1}old:") && SealingCheck.contains(held, "\u{1}new:"))
        try await SealingCheck.readBack(both, canary: canary)
        try await both.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
