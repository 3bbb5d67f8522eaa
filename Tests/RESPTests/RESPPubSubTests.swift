import AgentStateTesting
import Foundation
import NIOCore
import RESP
import Testing

@Suite("RESP Pub/Sub")
struct RESPPubSubTests {
    @Test("a subscriber hears every message published after it subscribed, in order, by channel and by pattern")
    func delivery() async throws {
        let client = RESPClient(configuration: try TestRedis.configuration())
        let channel = TestRedis.key("news")
        let prefix = TestRedis.key("events")
        let received = try await client.subscribe(channels: [channel], patterns: [prefix + ".*"]) { messages in
            for i in 0..<100 { _ = try await client.send(RESPCommand("PUBLISH", .string(channel), "m\(i)")) }
            #expect(try await client.send(RESPCommand("PUBLISH", .string(prefix + ".created"), "p")) == .integer(1))
            var got: [RESPMessage] = []
            for try await message in messages {
                got.append(message)
                if got.count == 101 { break }
            }
            return got
        }
        #expect(received.prefix(100).map { String(buffer: $0.payload) } == (0..<100).map { "m\($0)" })
        #expect(received.prefix(100).allSatisfy { $0.channel == channel && $0.pattern == nil })
        #expect(received.last == RESPMessage(channel: prefix + ".created", pattern: prefix + ".*", payload: ByteBuffer(string: "p")))
        // The subscription's connection is gone once the body returns.
        #expect(try await client.send(RESPCommand("PUBLISH", .string(channel), "late")) == .integer(0))
        await client.close()
    }

    @Test("a subscription whose connection is lost ends its stream with an error, not silence")
    func lost() async throws {
        var configuration = try TestRedis.configuration()
        configuration.clientName = "sub-\(UUID().uuidString.prefix(8))"
        let client = RESPClient(configuration: configuration)
        let channel = TestRedis.key("lost")
        await #expect(throws: RESPError.self) {
            try await client.subscribe(channels: [channel]) { messages in
                let list = try await client.send(RESPCommand("CLIENT", "LIST")).string ?? ""
                let id = list.split(separator: "\n").first { $0.contains("name=\(configuration.clientName) ") && $0.contains("sub=1") }?
                    .split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3)
                #expect(try await client.send(RESPCommand("CLIENT", "KILL", "ID", .string(String(id ?? "0")))) == .integer(1))
                for try await _ in messages {}
            }
        }
        await client.close()
    }
}
