import Foundation
import RESP
import Testing

@Suite("Redis URLs")
struct RESPConfigurationTests {
    @Test("redis:// with an ACL user, password, port, database and options")
    func plain() throws {
        let c = try RESPConfiguration(url: "redis://agent:s%40cret@cache.internal:6380/2?timeout=0.5&connect_timeout=3&replicas=2")
        #expect(c.endpoints == [.init(host: "cache.internal", port: 6380)])
        #expect(c.username == "agent")
        #expect(c.password == "s@cret")
        #expect(c.database == 2)
        #expect(!c.tls)
        #expect(c.sentinelPrimary == nil)
        #expect(c.commandTimeout == .milliseconds(500))
        #expect(c.connectTimeout == .seconds(3))
        #expect(c.replicas == 2)
    }

    @Test("defaults: local host, port 6379, database 0, no credentials; a password alone is the default user's")
    func defaults() throws {
        let c = try RESPConfiguration(url: "redis://localhost")
        #expect(c.endpoints == [.init(host: "localhost", port: 6379)])
        #expect(c.database == 0 && c.username == nil && c.password == nil)
        let p = try RESPConfiguration(url: "redis://:pw@[::1]:7000")
        #expect(p.username == nil && p.password == "pw")
        #expect(p.endpoints == [.init(host: "::1", port: 7000)])
    }

    @Test("rediss:// is TLS, with a certificate authority file when given")
    func tls() throws {
        let c = try RESPConfiguration(url: "rediss://u:p@127.0.0.1:6390/0?ca=/etc/redis/ca.pem")
        #expect(c.tls)
        #expect(c.certificateAuthorityPath == "/etc/redis/ca.pem")
    }

    @Test("redis+sentinel:// lists sentinels (port 26379 by default) and names the primary")
    func sentinel() throws {
        let c = try RESPConfiguration(url: "redis+sentinel://u:p@s1,s2:26380,10.0.0.3/mymaster/4")
        #expect(c.endpoints == [.init(host: "s1", port: 26379), .init(host: "s2", port: 26380), .init(host: "10.0.0.3", port: 26379)])
        #expect(c.sentinelPrimary == "mymaster")
        #expect(c.database == 4)
    }

    @Test("password_file reads the password from a file (a mounted Secret), trailing newline dropped")
    func passwordFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("redis-password-\(UUID().uuidString)").path
        try "s3cret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try RESPConfiguration(url: "redis+sentinel://s1,s2/agentstate?replicas=1&password_file=\(path)")
        #expect(c.password == "s3cret" && c.username == nil && c.replicas == 1)
        #expect(throws: RESPError.self) { try RESPConfiguration(url: "redis://h?password_file=/nonexistent/redis-password") }
    }

    @Test("bad URLs are refused with a message naming the fault, and never show the password")
    func invalid() {
        let cases: [(String, String)] = [
            ("http://host", "not a Redis URL scheme"),
            ("localhost:6379", "is not a redis://"),
            ("redis://h:99999", "port"),
            ("redis://h/abc", "database"),
            ("redis://h/1/2", "path"),
            ("redis+sentinel://s1", "primary"),
            ("redis://h?pool=3", "'pool' is not a Redis URL option"),
            ("redis://h?timeout=-1", "timeout"),
            ("redis://h?replicas=many", "replicas must be a number"),
            ("redis://u:hunter2@h?bogus=1", "bogus"),
        ]
        for (url, words) in cases {
            do {
                _ = try RESPConfiguration(url: url)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(error.code == .invalidURL)
                #expect(error.message.contains(words), "\(url): \(error.message)")
                #expect(!error.message.contains("hunter2"))
            }
        }
        #expect(RESPConfiguration.redacted("redis://u:hunter2@h:1/0") == "redis://u:…@h:1/0")
    }
}
