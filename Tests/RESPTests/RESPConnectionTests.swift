import AgentStateTesting
import NIOCore
import RESP
import Testing

@Suite("RESP3 connection to a real Redis")
struct RESPConnectionTests {
    @Test("HELLO 3 with the ACL user, then strings (binary safe), hashes as RESP3 maps, and PING")
    func roundTrip() async throws {
        let redis = try await RESPConnection.connect(try TestRedis.configuration())
        defer { Task { await redis.close() } }
        #expect(try await redis.send(RESPCommand("PING")) == .simpleString("PONG"))

        let key = TestRedis.key("bytes")
        var bytes = ByteBuffer(string: "line one\r\nline two\r\n")
        bytes.writeBytes([0, 255, 13, 10])
        #expect(try await redis.send(RESPCommand("SET", .string(key), .bytes(bytes))) == .simpleString("OK"))
        #expect(try await redis.send(RESPCommand("GET", .string(key))).bytes == bytes)
        #expect(try await redis.send(RESPCommand("GET", .string(key + ":missing"))).isNull)

        let hash = TestRedis.key("hash")
        #expect(try await redis.send(RESPCommand("HSET", .string(hash), "role", "user", "turns", 3)) == .integer(2))
        let fields = try await redis.send(RESPCommand("HGETALL", .string(hash)))
        guard case .map(let pairs) = fields else { Issue.record("HGETALL gave \(fields), not a map"); return }
        #expect(Dictionary(uniqueKeysWithValues: pairs.map { ($0.key.string!, $0.value.string!) }) == ["role": "user", "turns": "3"])
    }

    @Test("a thousand commands in one pipeline, and fifty tasks sharing one connection, each get their own replies in order")
    func pipelining() async throws {
        let redis = try await RESPConnection.connect(try TestRedis.configuration())
        defer { Task { await redis.close() } }
        let counter = TestRedis.key("counter")
        let replies = try await redis.pipeline((0..<1000).map { _ in RESPCommand("INCR", .string(counter)) })
        #expect(replies == (1...1000).map { RESPValue.integer(Int64($0)) })

        let tasks = 50
        let perTask = 20
        let shared = TestRedis.key("shared")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    let mine = TestRedis.key("task\(t)")
                    for i in 1...perTask {
                        // Each task's own counter must read back exactly its own count.
                        let replies = try await redis.pipeline([RESPCommand("INCR", .string(mine)), RESPCommand("INCR", .string(shared))])
                        #expect(replies[0] == .integer(Int64(i)))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await redis.send(RESPCommand("GET", .string(shared))).string == "\(tasks * perTask)")
    }

    @Test("an error reply is a typed error with its prefix, and the connection goes on working")
    func errorReply() async throws {
        let redis = try await RESPConnection.connect(try TestRedis.configuration())
        defer { Task { await redis.close() } }
        let key = TestRedis.key("string")
        _ = try await redis.send(RESPCommand("SET", .string(key), "x"))
        do {
            _ = try await redis.send(RESPCommand("LPUSH", .string(key), "y"))
            Issue.record("LPUSH on a string succeeded")
        } catch {
            #expect(error.code == .server)
            #expect(error.prefix == "WRONGTYPE")
        }
        let mixed = try await redis.pipeline([RESPCommand("LPUSH", .string(key), "y"), RESPCommand("GET", .string(key))])
        guard case .error = mixed[0] else { Issue.record("\(mixed[0])"); return }
        #expect(mixed[1].string == "x")
    }

    @Test("a wrong password or no credentials fail as authentication errors that do not show the password")
    func authentication() async throws {
        var wrong = try TestRedis.configuration()
        wrong.password = "not-the-password"
        await #expect {
            _ = try await RESPConnection.connect(wrong)
        } throws: { error in
            let e = error as! RESPError
            return e.code == .authenticationFailed && e.message.contains("agentstate") && !e.message.contains("not-the-password")
        }

        var anonymous = try TestRedis.configuration()
        anonymous.username = nil
        anonymous.password = nil
        do {
            let redis = try await RESPConnection.connect(anonymous)
            defer { Task { await redis.close() } }
            _ = try await redis.send(RESPCommand("GET", "anything"))
            Issue.record("an anonymous GET succeeded though the default user is off")
        } catch {
            #expect(error.code == .authenticationFailed, "\(error)")
        }
    }

    @Test("the URL's database is selected")
    func database() async throws {
        var one = try TestRedis.configuration()
        one.database = 1
        let inOne = try await RESPConnection.connect(one)
        let inZero = try await RESPConnection.connect(try TestRedis.configuration())
        defer { Task { await inOne.close(); await inZero.close() } }
        let key = TestRedis.key("db")
        _ = try await inOne.send(RESPCommand("SET", .string(key), "in one"))
        #expect(try await inOne.send(RESPCommand("GET", .string(key))).string == "in one")
        #expect(try await inZero.send(RESPCommand("GET", .string(key))).isNull)
    }

    @Test("a command past its timeout fails as a timeout and closes the connection; later commands fail at once")
    func timeout() async throws {
        let redis = try await RESPConnection.connect(try TestRedis.configuration())
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await redis.send(RESPCommand("BLPOP", .string(TestRedis.key("empty")), 30), timeout: .milliseconds(200))
            Issue.record("BLPOP on an empty list answered")
        } catch {
            #expect(error.code == .timeout)
        }
        // The command's own 200 ms, with room for two loaded cores (CI once took 2.06 s); a
        // timeout that did not fire would wait out the BLPOP's 30 s.
        #expect(clock.now - start < .seconds(10))
        try await redis.closeFuture.get()
        #expect(redis.isClosed)
        await #expect(throws: RESPError.self) { try await redis.send(RESPCommand("PING")) }
    }

    @Test("a connection the server drops fails its waiting command at once, not at its timeout")
    func serverDrops() async throws {
        let victim = try await RESPConnection.connect(try TestRedis.configuration())
        let admin = try await RESPConnection.connect(try TestRedis.configuration())
        defer { Task { await admin.close() } }
        guard let id = try await victim.send(RESPCommand("CLIENT", "ID")).integer else { Issue.record("CLIENT ID"); return }
        // BLPOP with no timeout of its own: only the drop (or the 30 s command timeout) can end it.
        async let waiting: RESPValue = victim.send(RESPCommand("BLPOP", .string(TestRedis.key("empty")), 0), timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await admin.send(RESPCommand("CLIENT", "KILL", "ID", .integer(id))) == .integer(1))
        // Timed from the kill, with room for two loaded cores; a missed drop would take the full 30 s.
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await waiting
            Issue.record("the dropped BLPOP answered")
        } catch {
            #expect((error as? RESPError)?.code == .connectionClosed, "\(error)")
        }
        #expect(clock.now - start < .seconds(10))
    }

    @Test("a cancelled command returns at once and closes its connection")
    func cancellation() async throws {
        let redis = try await RESPConnection.connect(try TestRedis.configuration())
        let task = Task { try await redis.send(RESPCommand("BLPOP", .string(TestRedis.key("empty")), 10), timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: RESPError.self) { try await task.value }
        try await redis.closeFuture.get()
    }

    @Test("nothing listening is a connect error naming the address")
    func refused() async throws {
        var c = RESPConfiguration()
        c.endpoints = [.init(host: "127.0.0.1", port: 1)]
        await #expect {
            _ = try await RESPConnection.connect(c)
        } throws: { error in
            (error as! RESPError).code == .connectFailed && "\(error)".contains("127.0.0.1:1")
        }
    }

    @Test("rediss:// talks TLS, trusting the given certificate authority, and refuses a certificate it cannot trust")
    func tls() async throws {
        var c = try TestRedis.configuration(tls: true)
        c.certificateAuthorityPath = try TestRedis.directory() + "/server.crt"
        let redis = try await RESPConnection.connect(c)
        #expect(try await redis.send(RESPCommand("PING")) == .simpleString("PONG"))
        await redis.close()

        c.certificateAuthorityPath = nil
        await #expect {
            _ = try await RESPConnection.connect(c)
        } throws: { error in
            (error as! RESPError).code == .connectFailed
        }
    }
}
