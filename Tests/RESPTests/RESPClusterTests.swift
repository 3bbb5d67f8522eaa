import AgentStateTesting
import Foundation
import NIOCore
import RESP
import Testing

@Suite("Redis Cluster: slots, routing, MOVED and ASK")
struct RESPClusterTests {
    @Test("keys hash to Redis's slots, by their {hash tag} when they have one")
    func slots() {
        #expect(RESPClusterSlot.of("somekey") == 11058)
        #expect(RESPClusterSlot.of("foo") == 12182)
        #expect(RESPClusterSlot.of("{user1000}.following") == RESPClusterSlot.of("{user1000}.followers"))
        #expect(RESPClusterSlot.of("{user1000}.following") == RESPClusterSlot.of("user1000"))
        #expect(RESPClusterSlot.of("foo{}{bar}") == RESPClusterSlot.of("foo{}{bar}".utf8))
        #expect(RESPClusterSlot.of("foo{}{bar}") != RESPClusterSlot.of("bar"))
        #expect(RESPClusterSlot.of("foo{{bar}}zap") == RESPClusterSlot.of("{bar"))
        #expect(RESPClusterSlot.of("foo{bar}{zap}") == RESPClusterSlot.of("bar"))
    }

    @Test("each command names the key that routes it")
    func routingKeys() {
        #expect(RESPCommand("GET", "k").routingKey == "k")
        #expect(RESPCommand("HSET", "h", "f", "v").routingKey == "h")
        #expect(RESPCommand("PING").routingKey == nil)
        #expect(RESPCommand("MULTI").routingKey == nil)
        #expect(RESPCommand("EVALSHA", "abc", 2, "k1", "k2", "arg").routingKey == "k1")
        #expect(RESPCommand("EVAL", "return 1", 0).routingKey == nil)
        #expect(RESPCommand("XREADGROUP", "GROUP", "g", "c", "COUNT", 10, "STREAMS", "s", ">").routingKey == "s")
    }

    @Test("on a live three-node cluster: keys spread over the nodes, one-slot transactions, cross-slot batches refused, and a slot moved while in use (ASK, then MOVED) followed")
    func liveCluster() async throws {
        let cluster = try ThrowawayServer.start("redis", "start-cluster")
        defer { cluster.stop() }
        let configuration = try RESPConfiguration(url: cluster.url)
        let client = try RESPClusterClient(configuration: configuration)

        // The client's slots are the server's.
        let admin = try await RESPConnection.connect(configuration)
        for i in 0..<50 {
            let key = "probe-\(i)-\(UUID().uuidString)"
            #expect(try await admin.send(RESPCommand("CLUSTER", "KEYSLOT", .string(key))).integer == Int64(RESPClusterSlot.of(key)))
        }
        await admin.close()

        for i in 0..<100 { #expect(try await client.send(RESPCommand("SET", "key-\(i)", .integer(Int64(i)))) == .simpleString("OK")) }
        for i in 0..<100 { #expect(try await client.send(RESPCommand("GET", "key-\(i)")).string == "\(i)") }
        var perNode: [Int64] = []
        for endpoint in configuration.endpoints {
            let node = try await RESPConnection.connect(configuration, endpoint: endpoint)
            perNode.append(try await node.send(RESPCommand("DBSIZE")).integer ?? 0)
            await node.close()
        }
        #expect(perNode.allSatisfy { $0 > 0 } && perNode.reduce(0, +) == 100, "\(perNode)")

        let exec = try await client.pipeline([
            RESPCommand("MULTI"), RESPCommand("SET", "{s1}:a", "x"), RESPCommand("INCR", "{s1}:b"), RESPCommand("EXEC"),
        ])
        #expect(exec.last == .array([.simpleString("OK"), .integer(1)]))
        await #expect {
            _ = try await client.pipeline([RESPCommand("SET", "{s1}:a", "x"), RESPCommand("SET", "{s2}:a", "y")])
        } throws: { ($0 as! RESPError).message.hasPrefix("CROSSSLOT") }

        // Move the slot of "moving" from its node to another while the client uses it.
        let key = "moving"
        let slot = RESPClusterSlot.of(key)
        #expect(try await client.send(RESPCommand("SET", .string(key), "payload")) == .simpleString("OK"))
        var nodes: [(endpoint: RESPConfiguration.Endpoint, connection: RESPConnection, id: String)] = []
        for endpoint in configuration.endpoints {
            let connection = try await RESPConnection.connect(configuration, endpoint: endpoint)
            nodes.append((endpoint, connection, try await connection.send(RESPCommand("CLUSTER", "MYID")).string ?? ""))
        }
        var source = 0
        for (i, node) in nodes.enumerated() where try await node.connection.send(RESPCommand("CLUSTER", "COUNTKEYSINSLOT", .integer(Int64(slot)))).integer == 1 {
            source = i
        }
        let target = (source + 1) % nodes.count
        let before = client.redirectionsFollowed
        _ = try await nodes[target].connection.send(RESPCommand("CLUSTER", "SETSLOT", .integer(Int64(slot)), "IMPORTING", .string(nodes[source].id)))
        _ = try await nodes[source].connection.send(RESPCommand("CLUSTER", "SETSLOT", .integer(Int64(slot)), "MIGRATING", .string(nodes[target].id)))
        _ = try await nodes[source].connection.send(RESPCommand(
            "MIGRATE", "127.0.0.1", .integer(Int64(nodes[target].endpoint.port)), "", 0, 5000, "AUTH2", "agentstate", "agentstate", "KEYS", .string(key)))
        // Mid-migration the source answers ASK for the key it no longer holds.
        #expect(try await client.send(RESPCommand("GET", .string(key))).string == "payload")
        #expect(client.redirectionsFollowed == before + 1, "ASK was followed")
        for node in nodes {
            _ = try await node.connection.send(RESPCommand("CLUSTER", "SETSLOT", .integer(Int64(slot)), "NODE", .string(nodes[target].id)))
        }
        // Now the source answers MOVED, and the client learns the new owner.
        #expect(try await client.send(RESPCommand("GET", .string(key))).string == "payload")
        #expect(client.redirectionsFollowed == before + 2, "MOVED was followed")
        #expect(try await client.send(RESPCommand("SET", .string(key), "again")) == .simpleString("OK"))
        #expect(client.redirectionsFollowed == before + 2, "the new owner is remembered")
        for node in nodes { await node.connection.close() }
        await client.close()
    }
}
