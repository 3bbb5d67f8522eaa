import AgentState
import AgentStateTesting
import Foundation
import Testing

@Suite("agentstate doctor")
struct DoctorTests {
    let cli = builtExecutable("agentstate")

    func findings(_ r: Finished) throws -> [DeploymentFinding] {
        try JSONDecoder().decode([DeploymentFinding].self, from: Data(r.stdout.utf8))
    }

    @Test("a new SQLite file (created for its owner only) and a Redis set up as advised: nothing to fix, exit 0; a file others can read is a warning")
    func healthy() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("state.sqlite").path
        #expect(try runProcess(cli, ["migrate", "--store", "sqlite:\(file)"]).status == 0)
        let r = try runProcess(cli, ["doctor", "--store", "sqlite:\(file)", "--cache", try TestRedis.url(), "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let found = try findings(r)
        #expect(found.allSatisfy { $0.level == .ok }, "\(found.filter { $0.level != .ok })")
        #expect(Set(found.map(\.check)).isSuperset(of: ["journal_mode", "synchronous", "permissions", "maxmemory-policy", "appendonly", "auth"]))

        chmod(file, 0o644)
        let table = try runProcess(cli, ["doctor", "--store", "sqlite:\(file)"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("permissions") && table.stdout.contains("chmod 600"), "\(table.stdout)")
        #expect(table.stdout.contains("0 to fix, 1 to consider"))
    }

    @Test("a Redis that evicts any key and keeps no append-only file: both named with the fix, exit 1")
    func misconfiguredRedis() throws {
        let redis = try ThrowawayServer.start("redis")
        defer { redis.stop() }
        let port = try String(contentsOfFile: redis.directory + "/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for setting in [["maxmemory-policy", "allkeys-lru"], ["appendonly", "no"]] {
            let set = try runProcess(URL(fileURLWithPath: "/usr/bin/redis-cli"),
                                     ["-p", port, "--user", "agentstate", "--pass", "agentstate", "--no-auth-warning", "CONFIG", "SET"] + setting)
            #expect(set.stdout.hasPrefix("OK"), "\(set.stdout)\(set.stderr)")
        }
        let r = try runProcess(cli, ["doctor", "--store", "memory:", "--cache", redis.url, "--json"])
        #expect(r.status == 1)
        let failures = try findings(r).filter { $0.level == .failure }
        #expect(Set(failures.map(\.check)) == ["maxmemory-policy", "appendonly"], "\(failures)")
        #expect(failures.allSatisfy { $0.advice != nil })
    }

    @Test("PostgreSQL: durability settings, connection room and the schema are reported")
    func postgres() throws {
        let url = try TestPostgres.freshURL()
        #expect(try runProcess(cli, ["migrate", "--store", url]).status == 0)
        let r = try runProcess(cli, ["doctor", "--store", url, "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let found = try findings(r)
        #expect(found.first { $0.check == "synchronous_commit" }?.level == .ok)
        #expect(found.first { $0.check == "schema" }?.level == .ok)
        #expect(found.first { $0.check == "connections" }?.detail.contains("connections in use") == true)
    }

    @Test("a Redis that is not there is a failure naming it; a bad Redis URL is one line and exit 2")
    func unreachable() throws {
        let r = try runProcess(cli, ["doctor", "--store", "memory:", "--cache", "redis://127.0.0.1:1/0?connect_timeout=1"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("connect") && r.stdout.contains("127.0.0.1:1"), "\(r.stdout)")
        let bad = try runProcess(cli, ["doctor", "--store", "memory:", "--cache", "redis://h?bogus=1"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("agentstate: ") && bad.stderr.contains("bogus"), "\(bad.stderr)")
    }
}
