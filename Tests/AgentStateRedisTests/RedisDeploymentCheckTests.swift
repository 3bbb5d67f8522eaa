import AgentState
import AgentStateRedis
import Testing

@Suite("agentstate doctor's Redis rules")
struct RedisDeploymentCheckTests {
    func observed(_ config: [String: String]? = [:], used: Int = 10 << 20, flags: [String]? = ["on"], tls: Bool = false,
                  host: String = "127.0.0.1") -> RedisDeploymentCheck.Observed {
        let base = ["maxmemory-policy": "volatile-lru", "maxmemory": "\(256 << 20)", "appendonly": "yes", "appendfsync": "everysec"]
        return .init(config: config.map { base.merging($0) { $1 } }, info: ["redis_version": "7.2.4", "used_memory": "\(used)"],
                     defaultUserFlags: flags, tls: tls, host: host)
    }

    func level(_ check: String, _ o: RedisDeploymentCheck.Observed) -> DeploymentFinding? {
        RedisDeploymentCheck.findings(o, component: "redis").first { $0.check == check }
    }

    @Test("a Redis set up as advised passes every check")
    func advised() {
        let findings = RedisDeploymentCheck.findings(observed(), component: "redis")
        #expect(findings.allSatisfy { $0.level == .ok }, "\(findings.filter { $0.level != .ok })")
        #expect(Set(findings.map(\.check)) == ["version", "maxmemory-policy", "appendonly", "maxmemory", "auth", "tls"])
    }

    @Test("eviction of keys without a TTL is a fault, since the outbox has none; noeviction is a warning")
    func eviction() {
        let allKeys = level("maxmemory-policy", observed(["maxmemory-policy": "allkeys-lru"]))
        #expect(allKeys?.level == .failure)
        #expect(allKeys?.detail.contains("outbox") == true)
        #expect(allKeys?.advice?.contains("volatile-lru") == true)
        #expect(level("maxmemory-policy", observed(["maxmemory-policy": "noeviction"]))?.level == .warning)
        #expect(level("maxmemory-policy", observed(["maxmemory-policy": "volatile-ttl"]))?.level == .ok)
    }

    @Test("persistence: no append-only file is a fault; appendfsync no is a warning")
    func persistence() {
        #expect(level("appendonly", observed(["appendonly": "no"]))?.level == .failure)
        #expect(level("appendonly", observed(["appendfsync": "no"]))?.level == .warning)
        #expect(level("appendonly", observed(["appendfsync": "always"]))?.level == .ok)
    }

    @Test("memory: no limit, or a limit nearly reached, is a warning")
    func memory() {
        #expect(level("maxmemory", observed(["maxmemory": "0"]))?.level == .warning)
        #expect(level("maxmemory", observed(used: 240 << 20))?.level == .warning)
        #expect(level("maxmemory", observed(used: 100 << 20))?.detail.contains("39%") == true)
    }

    @Test("access: a default user without password is a fault; plain TCP beyond loopback is a warning")
    func access() {
        #expect(level("auth", observed(flags: ["on", "nopass", "allkeys"]))?.level == .failure)
        #expect(level("auth", observed(flags: ["on"]))?.level == .ok)
        #expect(level("tls", observed(host: "10.0.0.7"))?.level == .warning)
        #expect(level("tls", observed(tls: true, host: "10.0.0.7"))?.level == .ok)
    }

    @Test("with the default user off, Redis 7 loses the append-only file's scripted writes on restart: a fault; later releases a warning")
    func aofReplay() {
        #expect(level("aof-replay", observed(flags: ["off"]))?.level == .failure)
        #expect(level("aof-replay", observed(flags: ["on"])) == nil)
        var later = observed(flags: ["off"])
        later.info["redis_version"] = "8.4.0"
        #expect(level("aof-replay", later)?.level == .warning)
        #expect(level("aof-replay", observed(["appendonly": "no"], flags: ["off"])) == nil)
    }

    @Test("a server that refuses CONFIG gets a warning saying what could not be checked, and the access checks still")
    func managed() {
        let findings = RedisDeploymentCheck.findings(observed(nil), component: "redis")
        #expect(findings.first { $0.check == "config" }?.level == .warning)
        #expect(findings.contains { $0.check == "auth" } && !findings.contains { $0.check == "appendonly" })
    }

    @Test("a cluster node is a fault: the hot tier needs one primary")
    func cluster() {
        var o = observed()
        #expect(level("cluster", o) == nil)
        o.info["cluster_enabled"] = "1"
        #expect(level("cluster", o)?.level == .failure)
    }

    @Test("Redis before 6 is refused")
    func version() {
        var o = observed()
        o.info["redis_version"] = "5.0.14"
        #expect(level("version", o)?.level == .failure)
    }
}
