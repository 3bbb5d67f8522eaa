import AgentStateTesting
import Foundation
import RESP
import Testing

@Suite("RESP client: the pool, and Redis going away and coming back")
struct RESPClientTests {
    @Test("two hundred concurrent tasks share at most poolSize connections, and every command counts once")
    func pool() async throws {
        var configuration = try TestRedis.configuration()
        configuration.clientName = "pool-\(UUID().uuidString.prefix(8))"
        let client = RESPClient(configuration: configuration, poolSize: 3)
        let counter = TestRedis.key("pool")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask { _ = try await client.send(RESPCommand("INCR", .string(counter))) }
            }
            try await group.waitForAll()
        }
        #expect(try await client.send(RESPCommand("GET", .string(counter))).string == "200")
        let clients = try await client.send(RESPCommand("CLIENT", "LIST")).string ?? ""
        let mine = clients.split(separator: "\n").filter { $0.contains("name=\(configuration.clientName) ") }.count
        #expect(mine >= 1 && mine <= 3, "\(mine) connections")
        await client.close()
    }

    @Test("with Redis stopped, commands fail at once as connect errors; once it is back, they succeed again")
    func outage() async throws {
        let redis = try ThrowawayServer.start("redis")
        defer { redis.stop() }
        var configuration = try RESPConfiguration(url: redis.url)
        configuration.connectTimeout = .seconds(1)
        // Far above the bound below, so that a command left waiting on a dead connection shows.
        configuration.commandTimeout = .seconds(30)
        let client = RESPClient(configuration: configuration, poolSize: 2)
        #expect(try await client.send(RESPCommand("SET", "k", "before")) == .simpleString("OK"))
        #expect(client.isConnected)

        try redis.pause()
        let clock = ContinuousClock()
        var slowest = Duration.zero
        var failures: [RESPError.Code] = []
        for _ in 0..<20 {
            let start = clock.now
            do {
                _ = try await client.send(RESPCommand("GET", "k"))
                Issue.record("a GET succeeded while Redis was stopped")
            } catch {
                failures.append(error.code)
            }
            slowest = max(slowest, clock.now - start)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!client.isConnected)
        #expect(failures.allSatisfy { $0 == .connectFailed || $0 == .connectionClosed }, "\(failures)")
        // A refused connection fails at once; the bound leaves room for two cores loaded by the
        // whole suite (6.4 s was seen), and is still half the 30 s a command waiting on a dead
        // connection would take.
        #expect(slowest < .seconds(15), "no command waited for the command timeout (slowest \(slowest))")

        try redis.resume()
        let deadline = clock.now + .seconds(10)
        var value: String?
        while value == nil, clock.now < deadline {
            value = try? await client.send(RESPCommand("GET", "k")).string
            if value == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        // The append-only file kept what was written before the stop.
        #expect(value == "before")
        #expect(client.isConnected)
        await client.close()
    }

    @Test("a dedicated connection serves a blocking command without stalling the shared ones")
    func dedicated() async throws {
        let client = RESPClient(configuration: try TestRedis.configuration(), poolSize: 1)
        let list = TestRedis.key("queue")
        async let popped: RESPValue = client.withDedicatedConnection { connection in
            try await connection.send(RESPCommand("BLPOP", .string(list), 30), timeout: .seconds(40))
        }
        try await Task.sleep(for: .milliseconds(100))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await client.send(RESPCommand("RPUSH", .string(list), "job")) == .integer(1))
        // Queued behind the BLPOP on a shared connection, it would wait its 30 s out.
        #expect(clock.now - start < .seconds(10))
        #expect(try await popped.elements?.last?.string == "job")
        await client.close()
    }
}

@Suite("RESP client with Sentinel")
struct RESPSentinelTests {
    @Test("the client finds the primary through the sentinels, and after the primary stops, follows the failover to the promoted replica")
    func failover() async throws {
        let group = try ThrowawayServer.start("redis", "start-sentinel")
        defer { group.stop() }
        let primaryDir = group.variables["AGENTSTATE_TEST_REDIS_PRIMARY_DIR"]!
        let replicaDir = group.variables["AGENTSTATE_TEST_REDIS_REPLICA_DIR"]!
        let replicaPort = try String(contentsOfFile: replicaDir + "/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let primaryPort = try String(contentsOfFile: primaryDir + "/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        var configuration = try RESPConfiguration(url: group.url)
        configuration.connectTimeout = .seconds(1)
        let client = RESPClient(configuration: configuration, poolSize: 2)
        func servingPort() async throws -> String? {
            try await client.send(RESPCommand("CONFIG", "GET", "port")).pairs?.first?.value.string
        }
        #expect(try await servingPort() == primaryPort)
        #expect(try await client.send(RESPCommand("SET", "before", "1")) == .simpleString("OK"))
        // The write reached the replica before the primary goes.
        _ = try await client.send(RESPCommand("WAIT", 1, 2000))

        try group.pause(primaryDir)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        var written = false
        while !written, clock.now < deadline {
            written = (try? await client.send(RESPCommand("SET", "after", "2"))) == .simpleString("OK")
            if !written { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(written, "a write succeeded within 30 s of the primary stopping")
        #expect(try await servingPort() == replicaPort)
        #expect(try await client.send(RESPCommand("GET", "before")).string == "1")
        await client.close()
    }
}
